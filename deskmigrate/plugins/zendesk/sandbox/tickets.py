"""Sandbox handlers for tickets: CRUD, comments, the ticket import API (single and bulk,
keeping timestamps and authors) and the incremental ticket and ticket-event exports."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from deskmigrate.sandbox import SandboxStore, json_response
from deskmigrate.sandbox.app import ApiHTTPError

from .files import attachment_view
from .jobs import JobQueue, queued
from .paging import list_page
from .support import (
    ACCOUNT_ID,
    Ids,
    bad_request,
    base_url,
    body,
    count_body,
    failure_details,
    html_to_text,
    id_list,
    invalid,
    iso,
    not_found,
    now,
    parse_iso,
    public,
    routes,
    text_to_html,
    unfill,
)

STATUSES = ("new", "open", "pending", "hold", "solved", "closed")
PRIORITIES = ("low", "normal", "high", "urgent")
TYPES = ("problem", "incident", "question", "task")
LIVE = "json_extract(doc, '$.status') != 'deleted'"
TICKET_OF = "json_extract(doc, '$._ticket_id')"
COMMENTS_ONLY = "json_extract(doc, '$._audit_only') IS NULL"  # not side-conversation audits
AUDIT_OFFSET = 1_000_000_000_000
UPDATABLE = ("subject", "priority", "type", "assignee_id", "group_id", "organization_id",
             "requester_id", "external_id", "due_at", "status")


def render_ticket(doc: dict[str, Any], base: str) -> dict[str, Any]:
    view = public(doc, base)
    view["url"] = f"{base}/api/v2/tickets/{doc['id']}.json"
    view["fields"] = view["custom_fields"]
    view["generated_timestamp"] = int(doc["_ts"])  # any change moves it, system ones too
    return view


def render_comment(doc: dict[str, Any], base: str, inline: bool = False) -> dict[str, Any]:
    view = public(doc, base)
    if not inline:
        view["attachments"] = [a for a in view["attachments"] if not a["inline"]]
    return view


def _timestamp(data: dict[str, Any], key: str, default: float) -> float:
    value = data.get(key)
    if value in (None, ""):
        return default
    try:
        return float(int(parse_iso(str(value))))
    except ValueError:
        raise invalid("Record validation errors", {key: f"'{value}' is not a time"}) from None


class TicketHandlers:
    """Tickets, comments, imports and the ticket exports."""

    store: SandboxStore
    ids: Ids
    jobs: JobQueue

    uploaded: Callable[[str], list[dict[str, Any]]]  # FileHandlers: an upload's attachments

    def ticket_rules(self) -> list[Rule]:
        r = routes
        return [
            *r("/tickets", "list_tickets"),
            *r("/tickets/count", "count_tickets"), *r("/tickets/show_many", "show_many_tickets"),
            *r("/tickets/<int:ticket_id>", "show_ticket"),
            *r("/tickets/<int:ticket_id>", "update_ticket", ("PUT",)),
            *r("/tickets/<int:ticket_id>", "delete_ticket", ("DELETE",)),
            *r("/tickets/destroy_many", "destroy_many_tickets", ("DELETE",)),
            *r("/tickets/update_many", "update_many_tickets", ("PUT",)),
            *r("/tickets/<int:ticket_id>/comments", "list_comments"),
            *r("/imports/tickets", "import_ticket", ("POST",)),
            *r("/imports/tickets/create_many", "import_many_tickets", ("POST",)),
        ]

    # -- reading ------------------------------------------------------------------------
    def list_tickets(self, request: Request, user: dict) -> dict[str, Any]:
        where, params = LIVE, []
        if "external_id" in request.args:
            where += " AND json_extract(doc, '$.external_id') = ?"
            params.append(request.args["external_id"])
        base = base_url(request)
        return list_page(request, self.store, "tickets", "tickets",
                         lambda d: render_ticket(d, base), where, params)

    def count_tickets(self, request: Request, user: dict) -> dict[str, Any]:
        return count_body(self.store.count("tickets", LIVE))

    def show_ticket(self, request: Request, user: dict, ticket_id: int) -> dict[str, Any]:
        return {"ticket": render_ticket(self._live(ticket_id), base_url(request))}

    def show_many_tickets(self, request: Request, user: dict) -> dict[str, Any]:
        base = base_url(request)
        docs = [self.store.get("tickets", i) for i in id_list(request)]
        return {"tickets": [render_ticket(d, base) for d in docs
                            if d and d["status"] != "deleted"]}

    def list_comments(self, request: Request, user: dict, ticket_id: int) -> dict[str, Any]:
        self._live(ticket_id)
        base = base_url(request)
        inline = request.args.get("include_inline_images") == "true"
        return list_page(request, self.store, "comments", "comments",
                         lambda d: render_comment(d, base, inline),
                         f"{TICKET_OF} = ? AND {COMMENTS_ONLY}", [ticket_id])

    # -- writing ------------------------------------------------------------------------
    def import_ticket(self, request: Request, user: dict) -> Response:
        archive = request.args.get("archive_immediately") == "true"
        ticket, comments = self._build(body(request, "ticket"), base_url(request),
                                       imported=True, user=user, archive=archive)
        self._save(ticket, comments)
        return json_response({"ticket": render_ticket(ticket, base_url(request))}, 201)

    def import_many_tickets(self, request: Request, user: dict) -> dict[str, Any]:
        archive, base = request.args.get("archive_immediately") == "true", base_url(request)
        return self.bulk_tickets(request, "bulk_import_tickets", lambda data: self._build(
            data, base, imported=True, user=user, archive=archive))

    def bulk_tickets(self, request: Request, job_type: str,
                     make: Callable[[dict[str, Any]], tuple[dict, list[dict]]]
                     ) -> dict[str, Any]:
        """A ticket import or ``tickets/create_many`` (≤ 100): a job whose results are
        ``{index, id, account_id}``, or ``{index, error, details}`` for a ticket refused
        (it fails alone)."""
        items = body(request, "tickets")
        if not isinstance(items, list):
            raise bad_request("InvalidValue", "'tickets' must be an array")
        if len(items) > 100:
            raise bad_request("TooManyValues", "You can only send up to 100 tickets at once")
        results: list[dict[str, Any]] = []
        for index, data in enumerate(items):
            try:
                ticket, comments = make(data if isinstance(data, dict) else {})
            except ApiHTTPError as exc:
                results.append({"index": index, "error": exc.message,
                                "details": failure_details(exc)})
                continue
            self._save(ticket, comments)
            results.append({"index": index, "id": ticket["id"], "account_id": ACCOUNT_ID})
        return queued(self.jobs, request, job_type, results, len(items))

    def update_ticket(self, request: Request, user: dict, ticket_id: int) -> dict[str, Any]:
        ticket, comments = self._apply_update(ticket_id, body(request, "ticket"), user,
                                              base_url(request))
        response: dict[str, Any] = {"ticket": render_ticket(ticket, base_url(request))}
        if comments:
            response["audit"] = self._audit(comments[0], base_url(request))
        return response

    def update_many_tickets(self, request: Request, user: dict) -> dict[str, Any]:
        """``PUT /tickets/update_many`` with ``{"tickets": [{id, ...changes}]}`` (≤100): a job
        whose results say, per ticket id, whether its update (and comment) was applied."""
        items = body(request, "tickets")
        if not isinstance(items, list):
            raise bad_request("InvalidValue", "'tickets' must be an array")
        if len(items) > 100:
            raise bad_request("TooManyValues", "You can only update up to 100 tickets at once")
        results: list[dict[str, Any]] = []
        for data in items:
            ticket_id: Any = data.get("id") if isinstance(data, dict) else None
            try:
                self._apply_update(int(ticket_id), data, user, base_url(request))
            except (ApiHTTPError, TypeError, ValueError) as exc:
                message = exc.message if isinstance(exc, ApiHTTPError) else "InvalidValue"
                results.append({"id": ticket_id, "action": "update", "success": False,
                                "error": message})
                continue
            results.append({"id": ticket_id, "action": "update", "success": True,
                            "status": "Updated"})
        return queued(self.jobs, request, "bulk_update", results, len(items))

    def _apply_update(self, ticket_id: int, data: dict[str, Any], user: dict, base: str
                      ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """One ticket update as ``PUT /tickets/{id}`` does it: changed fields, tags, custom
        fields and an optional comment; closed tickets refuse."""
        ticket = self._live(ticket_id)
        if ticket["status"] == "closed":
            raise invalid("Record validation errors",
                          {"status": "closed prevents ticket update"})
        changes = {k: data[k] for k in UPDATABLE if k in data}
        self._check_refs(changes)
        if "status" in changes and changes["status"] not in STATUSES:
            raise invalid("Record validation errors", {"status": "is not valid"})
        stamp = now()
        ticket = {**ticket, **changes, "updated_at": iso(stamp), "_ts": stamp}
        if "tags" in data:
            ticket["tags"] = tag_list(data["tags"])
        ticket["tags"] = tag_list([*ticket["tags"], *(data.get("additional_tags") or [])])
        ticket["tags"] = [t for t in ticket["tags"] if t not in (data.get("remove_tags") or [])]
        if "custom_fields" in data:
            ticket["custom_fields"] = self._custom_fields(data["custom_fields"],
                                                          ticket["custom_fields"])
        if ticket["status"] in ("solved", "closed") and not ticket.get("_solved"):
            ticket["_solved"] = stamp
        comments: list[dict[str, Any]] = []
        if isinstance(data.get("comment"), dict):
            comments = self._comments(ticket, [{"author_id": user["id"], **data["comment"]}],
                                      base, imported=False, first=False)
        self._save(ticket, comments)
        return ticket, comments

    def delete_ticket(self, request: Request, user: dict, ticket_id: int) -> Response:
        self._soft_delete(self._live(ticket_id))
        return Response(status=204)

    def destroy_many_tickets(self, request: Request, user: dict) -> dict[str, Any]:
        results = []
        for ticket_id in id_list(request):
            doc = self.store.get("tickets", ticket_id)
            if doc is None or doc["status"] == "deleted":
                results.append({"id": ticket_id, "error": "RecordNotFound", "success": False})
                continue
            self._soft_delete(doc)
            results.append({"id": ticket_id, "action": "delete", "status": "Deleted",
                            "success": True})
        return queued(self.jobs, request, "bulk_delete_tickets", results, len(results))

    # -- internals ----------------------------------------------------------------------
    def _live(self, ticket_id: int) -> dict[str, Any]:
        doc = self.store.get("tickets", ticket_id)
        if doc is None or doc["status"] == "deleted":
            raise not_found()
        return doc

    def _soft_delete(self, doc: dict[str, Any]) -> None:
        stamp = now()
        self.store.put("tickets", {**doc, "status": "deleted", "updated_at": iso(stamp),
                                   "_ts": stamp})

    def _save(self, ticket: dict[str, Any], comments: list[dict[str, Any]]) -> None:
        with self.store.transaction():
            self.store.put("tickets", ticket)
            for comment in comments:
                self.store.put("comments", comment)

    def _audit(self, comment: dict[str, Any], base: str) -> dict[str, Any]:
        view = render_comment(comment, base)
        return {"id": comment["audit_id"], "ticket_id": comment["_ticket_id"],
                "created_at": view["created_at"], "author_id": view["author_id"],
                "via": view["via"], "events": [{**view, "type": "Comment"}]}

    def _check_refs(self, data: dict[str, Any]) -> None:
        for key, collection in (("requester_id", "users"), ("assignee_id", "users"),
                                ("group_id", "groups"), ("organization_id", "organizations")):
            value = data.get(key)
            if value is not None and self.store.get(collection, value) is None:
                raise invalid("Record validation errors",
                              {key.removesuffix("_id"): f"{value} does not exist"})
        assignee = data.get("assignee_id")
        if assignee is not None and (self.store.get("users", assignee) or {}).get(
                "role") == "end-user":
            raise invalid("Record validation errors", {"assignee": "must be an agent"})

    def _build(self, data: dict[str, Any], base: str, *, imported: bool, user: dict,
               archive: bool = False) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """A new ticket and its comments from a create or import payload (validated)."""
        if data.get("requester_id") is None:
            raise invalid("Record validation errors", {"requester": "is required"})
        self._check_refs(data)
        status = data.get("status") or ("open" if data.get("assignee_id") else "new")
        for key, allowed in (("status", STATUSES), ("priority", PRIORITIES), ("type", TYPES)):
            value = status if key == "status" else data.get(key)
            if value is not None and value not in allowed:
                raise invalid("Record validation errors", {key: f"'{value}' is not valid"})
        raw_comments = data.get("comments") or []
        if not raw_comments and data.get("description"):
            raw_comments = [{"author_id": data["requester_id"], "value": data["description"]}]
        if not raw_comments:
            raise invalid("Record validation errors", {"description": "cannot be blank"})
        stamp = now()
        created = _timestamp(data, "created_at", stamp) if imported else stamp
        updated = _timestamp(data, "updated_at", created) if imported else stamp
        solved = _timestamp(data, "solved_at", updated) if imported else None
        fields = [{"id": f["id"], "value": None} for f in self.store.query("ticket_fields")
                  if f.get("removable")]
        ticket: dict[str, Any] = {
            "id": self.ids.next("tickets"), "external_id": data.get("external_id"),
            "via": {"channel": "api", "source": {"from": {}, "to": {}, "rel": None}},
            "created_at": iso(created), "updated_at": iso(updated), "type": data.get("type"),
            "subject": data.get("subject") or "", "raw_subject": data.get("subject") or "",
            "description": "", "priority": data.get("priority"), "status": status,
            "recipient": None, "requester_id": data["requester_id"],
            "submitter_id": data.get("submitter_id") or data["requester_id"],
            "assignee_id": data.get("assignee_id"), "organization_id": data.get(
                "organization_id"), "group_id": data.get("group_id"),
            "collaborator_ids": list(data.get("collaborator_ids") or []),
            "follower_ids": [], "email_cc_ids": list(data.get("email_cc_ids") or []),
            "problem_id": None, "has_incidents": False, "is_public": True, "due_at": None,
            "tags": tag_list(data.get("tags") or []),
            "custom_fields": self._custom_fields(data.get("custom_fields") or [], fields),
            "satisfaction_rating": None, "sharing_agreement_ids": [], "followup_ids": [],
            "brand_id": 1, "allow_channelback": False, "allow_attachments": True,
            "_ts": updated,
            "_solved": solved if status in ("solved", "closed") else None,
            "_archived": archive and status == "closed",
        }
        comments = self._comments(ticket, raw_comments, base, imported=imported, first=True)
        ticket["description"] = comments[0]["body"]
        # the export orders by the last change, which none of the comments is later than
        ticket["_ts"] = max(ticket["_ts"], *(c["_ts"] for c in comments))
        return ticket, comments

    def _comments(self, ticket: dict[str, Any], raw: list[Any], base: str, *, imported: bool,
                  first: bool) -> list[dict[str, Any]]:
        out = []
        start = self.ids.reserve("comments", len(raw))
        for offset, item in enumerate(raw):
            if not isinstance(item, dict):
                raise invalid("Record validation errors", {"comment": "must be an object"})
            author = item.get("author_id")
            if author is None or self.store.get("users", author) is None:
                raise invalid("Record validation errors", {"author": f"{author} does not exist"})
            html_body = item.get("html_body")
            text = item.get("body") or item.get("value") or ""
            html_body = unfill(html_body, base) if html_body else text_to_html(text)
            text = html_to_text(html_body) if item.get("html_body") else text
            created = _timestamp(item, "created_at", now()) if imported else now()
            attachments = []
            for token in item.get("uploads") or []:
                for doc in self.uploaded(token):
                    path = attachment_view(doc)["content_url"].split("?")[0]
                    view = attachment_view({**doc, "inline": path in html_body})
                    attachments.append(view)
            comment_id = start + offset
            out.append({
                "id": comment_id, "type": "Comment", "author_id": author, "body": text,
                "html_body": html_body, "plain_body": text,
                "public": bool(item.get("public", True)), "attachments": attachments,
                "audit_id": comment_id + AUDIT_OFFSET, "via": ticket["via"],
                "created_at": iso(created), "metadata": {"system": {}, "custom": {}},
                "_ticket_id": ticket["id"], "_ts": created, "_first": first and offset == 0,
            })
        return out

    def _custom_fields(self, given: list[Any], current: list[dict[str, Any]]
                       ) -> list[dict[str, Any]]:
        """Merge ``[{id, value}]`` into the ticket's values; unknown ids and drop-down values
        that are not options are ignored, like Zendesk does."""
        values = {f["id"]: f["value"] for f in current}
        schemas = {f["id"]: f for f in self.store.query("ticket_fields")}
        for item in given:
            if not isinstance(item, dict) or item.get("id") not in values:
                continue
            schema, value = schemas[item["id"]], item.get("value")
            options = {o["value"] for o in schema.get("custom_field_options", [])}
            if schema["type"] == "tagger" and value is not None and value not in options:
                continue
            if schema["type"] == "multiselect" and value is not None:
                value = [v for v in value if v in options]
            values[item["id"]] = value
        return [{"id": k, "value": v} for k, v in values.items()]


def tag_list(tags: list[Any]) -> list[str]:
    """Zendesk tags: lower case, no spaces (a space separates tags), no duplicates."""
    out: list[str] = []
    for tag in tags:
        for part in str(tag).lower().split():
            if part not in out:
                out.append(part)
    return out
