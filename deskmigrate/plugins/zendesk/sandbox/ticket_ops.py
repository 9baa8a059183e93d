"""Sandbox handlers for what ordinary client code does with tickets (zenpy's README): create
one (``comment`` or ``description``, requester by id, by ``{name, email}`` or the API user)
or many (a job), tags, audits and the time-based incremental ticket export."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from deskmigrate.sandbox import SandboxStore, json_response

from .jobs import JobQueue
from .paging import list_page
from .support import (
    Ids,
    bad_request,
    base_url,
    body,
    invalid,
    iso,
    now,
    routes,
)
from .tickets import COMMENTS_ONLY, render_ticket, tag_list

TICKET_OF = "json_extract(doc, '$._ticket_id')"
Built = tuple[dict[str, Any], list[dict[str, Any]]]


class TicketOpsHandlers:
    """``POST /tickets``, ``/tickets/create_many``, ``/tickets/{id}/tags``,
    ``/tickets/{id}/audits`` and ``GET /incremental/tickets``."""

    store: SandboxStore
    ids: Ids
    jobs: JobQueue
    _build: Callable[..., Built]
    _save: Callable[[dict[str, Any], list[dict[str, Any]]], None]
    _audit: Callable[[dict[str, Any], str], dict[str, Any]]
    _live: Callable[[int], dict[str, Any]]
    bulk_tickets: Callable[..., dict[str, Any]]
    _match_user: Callable[[dict[str, Any]], dict[str, Any] | None]
    _new_user: Callable[[dict[str, Any]], dict[str, Any]]

    def ticket_op_rules(self) -> list[Rule]:
        r = routes
        return [
            *r("/tickets", "create_ticket", ("POST",)),
            *r("/tickets/create_many", "create_many_tickets", ("POST",)),
            *r("/tickets/<int:ticket_id>/tags", "ticket_tags"),
            *r("/tickets/<int:ticket_id>/tags", "set_ticket_tags", ("POST", "PUT", "DELETE")),
            *r("/tickets/<int:ticket_id>/audits", "list_audits"),
        ]

    def create_ticket(self, request: Request, user: dict) -> Response:
        ticket, comments = self._new_ticket(body(request, "ticket"), user, base_url(request))
        self._save(ticket, comments)
        return json_response({"ticket": render_ticket(ticket, base_url(request)),
                              "audit": self._audit(comments[-1], base_url(request))}, 201)

    def create_many_tickets(self, request: Request, user: dict) -> dict[str, Any]:
        base = base_url(request)
        return self.bulk_tickets(request, "bulk_create_tickets",
                                 lambda data: self._new_ticket(data, user, base))

    def _new_ticket(self, data: dict[str, Any], user: dict, base: str) -> Built:
        """A ticket as ``POST /tickets`` makes it: the first comment from ``comment`` or
        ``description`` (the submitter, i.e. the API user, is its author unless the comment
        names one); the requester from ``requester_id``, ``requester: {name, email}`` (found
        by email or created) or, without either, the API user."""
        comment = data.get("comment")
        if not isinstance(comment, dict):
            comment = {"body": data["description"]} if isinstance(
                data.get("description"), str) else {}
        if not (comment.get("body") or comment.get("html_body") or comment.get("value")):
            raise invalid("Record validation errors", {"description": "cannot be blank"})
        if data.get("status") == "closed":
            raise invalid("Record validation errors", {"status": "closed is not allowed"})
        requester = data.get("requester_id") or self._requester(data.get("requester"), user)
        return self._build({**data, "requester_id": requester, "submitter_id": user["id"],
                            "comments": [{"author_id": user["id"], **comment}]},
                           base, imported=False, user=user)

    def _requester(self, given: Any, user: dict) -> int:
        if not isinstance(given, dict):
            return int(user["id"])
        found = self._match_user(given)
        if found is not None:
            return int(found["id"])
        email = (given.get("email") or "").strip()
        doc = self._new_user({"name": given.get("name") or email.split("@")[0],
                              "email": email or None, "role": "end-user"})
        return int(self.store.put("users", doc)["id"])

    # -- tags ---------------------------------------------------------------------------
    def ticket_tags(self, request: Request, user: dict, ticket_id: int) -> dict[str, Any]:
        return {"tags": self._live(ticket_id)["tags"]}

    def set_ticket_tags(self, request: Request, user: dict, ticket_id: int) -> dict[str, Any]:
        """POST replaces the tags, PUT adds to them, DELETE removes the ones given."""
        ticket = self._live(ticket_id)
        data = body(request)
        given = data.get("tags") if isinstance(data, dict) else None
        if not isinstance(given, list):
            raise bad_request("InvalidValue", "'tags' must be an array")
        given = tag_list(given)
        tags = {"POST": given, "PUT": tag_list([*ticket["tags"], *given]),
                "DELETE": [t for t in ticket["tags"] if t not in given]}[request.method]
        stamp = now()
        self.store.put("tickets", {**ticket, "tags": tags, "updated_at": iso(stamp),
                                   "_ts": stamp})
        return {"tags": tags}

    # -- audits ------------------------------------------------------------------------
    def list_audits(self, request: Request, user: dict, ticket_id: int) -> dict[str, Any]:
        """One audit per change that added a comment (each audit's Comment event)."""
        self._live(ticket_id)
        base = base_url(request)
        return list_page(request, self.store, "comments", "audits",
                         lambda doc: self._audit(doc, base),
                         f"{TICKET_OF} = ? AND {COMMENTS_ONLY}", [ticket_id])
