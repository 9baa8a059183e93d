"""Ticket and conversation endpoints of the Freshdesk sandbox (a mixin of the app)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from deskmigrate.sandbox import json_response

from .account import CONVERSATION_ID_BASE, now
from .base import text_of
from .plumbing import (
    Upload,
    Validation,
    body,
    invalid,
    not_found,
    only_fields,
    page_args,
    paged,
)
from .records import conversation_doc, moved_stats, ticket_doc
from .vendor import NOTE_SOURCE, REPLY_SOURCE, format_time, parse_time
from .views import LIST_INCLUDES, SHOW_INCLUDES, TicketViews, includes

MAX_PAGE = 300
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
DEFAULT_WINDOW = timedelta(days=30)
LIST_FILTERS = ("new_and_my_open", "watching", "spam", "deleted")
ORDER_BY = ("created_at", "due_by", "updated_at", "status")
TICKET_INTS = ("requester_id", "responder_id", "group_id", "company_id", "status",
               "priority", "source", "product_id", "email_config_id")
TICKET_FIELDS = {"subject", "description", "requester_id", "email", "phone", "name",
                 "status", "priority", "source", "type", "responder_id", "group_id",
                 "company_id", "product_id", "cc_emails", "tags", "custom_fields", "due_by",
                 "fr_due_by", "email_config_id", "attachments", "parent_id"}
NOTE_FIELDS = {"body", "private", "incoming", "user_id", "notify_emails", "attachments"}
REPLY_FIELDS = {"body", "from_email", "user_id", "cc_emails", "bcc_emails", "attachments"}


class TicketRoutes(TicketViews):
    """Tickets, conversations, notes, replies and outbound email (recorded, not sent)."""

    create_contact_for: Callable[[dict], int]  # from PeopleRoutes, mixed in beside this

    def ticket_rules(self) -> Iterable[Rule]:
        return [
            Rule("/api/v2/tickets", methods=["GET"], endpoint="list_tickets"),
            Rule("/api/v2/tickets", methods=["POST"], endpoint="create_ticket"),
            Rule("/api/v2/tickets/outbound_email", methods=["POST"], endpoint="outbound_email"),
            Rule("/api/v2/tickets/<int:ticket_id>", methods=["GET"], endpoint="show_ticket"),
            Rule("/api/v2/tickets/<int:ticket_id>", methods=["PUT"], endpoint="update_ticket"),
            Rule("/api/v2/tickets/<int:ticket_id>", methods=["DELETE"],
                 endpoint="delete_ticket"),
            Rule("/api/v2/tickets/<int:ticket_id>/restore", methods=["PUT"],
                 endpoint="restore_ticket"),
            Rule("/api/v2/tickets/<int:ticket_id>/conversations", methods=["GET"],
                 endpoint="list_conversations"),
            Rule("/api/v2/tickets/<int:ticket_id>/notes", methods=["POST"],
                 endpoint="create_note"),
            Rule("/api/v2/tickets/<int:ticket_id>/reply", methods=["POST"],
                 endpoint="create_reply"),
        ]

    # -- reading ------------------------------------------------------------------------
    def list_tickets(self, request: Request, user: dict, **_: Any) -> Response:
        page, per_page = page_args(request, self.max_per_page)
        if page > MAX_PAGE:
            raise invalid("page", "You cannot access tickets beyond the 300th page. Please "
                          "provide a smaller page number.")
        where, params = self._ticket_filter(request, user)
        order_by = request.args.get("order_by", "created_at")
        order_type = request.args.get("order_type", "desc")
        check = Validation()
        if order_by not in ORDER_BY:
            check.add("order_by", f"It should be one of these values: '{','.join(ORDER_BY)}'")
        if order_type not in ("asc", "desc"):
            check.add("order_type", "It should be one of these values: 'asc,desc'")
        check.raise_if_any()
        order = f"json_extract(doc, '$.{order_by}') {order_type}, id {order_type}"
        include = includes(request, LIST_INCLUDES)
        host = request.host_url

        def fetch(limit: int, offset: int) -> list[dict]:
            return self.store.query("tickets", where, params, order=order, limit=limit,
                                    offset=offset)

        return paged(request, page, per_page, fetch,
                     lambda doc: self.render_ticket(doc, host, listing=True, include=include))

    def _ticket_filter(self, request: Request, user: dict) -> tuple[str, list[Any]]:
        args = request.args
        name = args.get("filter")
        clauses: list[str] = []
        params: list[Any] = []
        if name is not None and name not in LIST_FILTERS:
            raise invalid("filter", f"It should be one of these values: "
                          f"'{','.join(LIST_FILTERS)}'")
        if name == "deleted":
            clauses.append("json_extract(doc, '$.deleted') = 1")
        else:
            clauses.append("json_extract(doc, '$.deleted') = 0")
            clauses.append(f"json_extract(doc, '$.spam') = {1 if name == 'spam' else 0}")
        if name == "new_and_my_open":
            clauses.append("json_extract(doc, '$.status') = 2 AND (json_extract(doc, "
                           "'$.responder_id') IS NULL OR json_extract(doc, '$.responder_id') = ?)")
            params.append(user["id"])
        elif name == "watching":
            clauses.append("0")
        for key in ("requester_id", "company_id"):
            if key in args:
                if not args[key].isdigit():
                    raise invalid(key, "It should be a/an Positive Integer", "datatype_mismatch")
                clauses.append(f"json_extract(doc, '$.{key}') = ?")
                params.append(int(args[key]))
        if "email" in args:
            owner = self.user_by_email(args["email"])
            clauses.append("json_extract(doc, '$.requester_id') = ?")
            params.append(owner["id"] if owner else -1)
        since = args.get("updated_since")
        if since is not None:
            try:
                stamp = format_time(parse_time(since) or datetime.min)
            except ValueError:
                raise invalid("updated_since", "It should be in the 'valid date time' format",
                              "invalid_value") from None
            clauses.append("json_extract(doc, '$.updated_at') >= ?")
            params.append(stamp)
        else:
            clauses.append("json_extract(doc, '$.created_at') >= ?")
            params.append(format_time(datetime.now(UTC) - DEFAULT_WINDOW))
        return " AND ".join(clauses), params

    def show_ticket(self, request: Request, user: dict, ticket_id: int) -> dict:
        return self.render_ticket(self._ticket(ticket_id), request.host_url,
                                  include=includes(request, SHOW_INCLUDES))

    def list_conversations(self, request: Request, user: dict, ticket_id: int) -> Response:
        self._ticket(ticket_id)
        page, per_page = page_args(request, self.max_per_page)
        host = request.host_url

        def fetch(limit: int, offset: int) -> list[dict]:
            return self.store.query("conversations", "json_extract(doc, '$.ticket_id') = ?",
                                    [ticket_id], order="id", limit=limit, offset=offset)

        return paged(request, page, per_page, fetch,
                     lambda doc: self.render_conversation(doc, host))

    # -- writing ------------------------------------------------------------------------
    def _ticket_body(self, request: Request) -> tuple[dict, list[Upload]]:
        fields, uploads = body(request, TICKET_INTS)
        if request.mimetype == "multipart/form-data" and "custom_fields" in fields:
            fields["custom_fields"] = self.coerce_custom("ticket_fields",
                                                         fields["custom_fields"])
        return fields, uploads

    def create_ticket(self, request: Request, user: dict, **_: Any) -> Response:
        fields, uploads = self._ticket_body(request)
        ticket = self._new_ticket(fields, uploads, allowed=TICKET_FIELDS)
        return json_response(self.render_ticket(ticket, request.host_url), 201)

    def outbound_email(self, request: Request, user: dict, **_: Any) -> Response:
        fields, uploads = self._ticket_body(request)
        if "email_config_id" not in fields:
            raise invalid("email_config_id", "It should be a/an Positive Integer",
                          "missing_field")
        fields.setdefault("status", 5)
        ticket = self._new_ticket({**fields, "source": 10}, uploads,
                                  allowed=TICKET_FIELDS - {"requester_id"})
        requester = self.user_doc(ticket["requester_id"]) or {}
        self._send_email("outbound_email", ticket, self.email_of(requester),
                         ticket["subject"], ticket["description"], fields.get("cc_emails"))
        return json_response(self.render_ticket(ticket, request.host_url), 201)

    def _new_ticket(self, fields: dict, uploads: list[Upload], *, allowed: set[str]) -> dict:
        check = Validation()
        only_fields(fields, allowed, check)
        for key in ("subject", "description"):
            if not isinstance(fields.get(key), str) or not fields.get(key):
                check.add(key, "It should be a/an String", "missing_field")
        requester_id = self._requester(fields, check)
        self._validate_ticket(fields, check)
        _check_uploads(uploads, check)
        check.raise_if_any()
        stamp = now()
        with self.store.transaction():
            if requester_id is None:
                requester_id = self.create_contact_for(fields)
            attachment_ids = [self.files.add(u.name, u.content_type, u.data)["id"]
                              for u in uploads]
            doc = ticket_doc(fields, requester_id, stamp, attachment_ids)
            ticket = self.store.insert("tickets", doc, id=self.store.next_id("tickets"))
        return ticket

    def _requester(self, fields: dict, check: Validation) -> int | None:
        if "requester_id" in fields:
            if self.user_doc(fields["requester_id"]) is None:
                check.add("requester_id", "There is no contact matching the given requester_id")
            return fields["requester_id"]
        if isinstance(fields.get("email"), str) and "@" in fields["email"]:
            owner = self.user_by_email(fields["email"])
            return owner["id"] if owner else None
        if "email" in fields:
            check.add("email", "It should be in the 'valid email address' format")
            return None
        if not fields.get("phone"):
            check.add("requester_id", "Please fill at least 1 of requester_id, phone, email, "
                      "twitter_id, facebook_id, unique_external_id attributes", "missing_field")
        return None

    def _validate_ticket(self, fields: dict, check: Validation,
                         current: dict | None = None) -> None:
        for key, allowed in (("status", (2, 3, 4, 5)), ("priority", (1, 2, 3, 4)),
                             ("source", (1, 2, 3, 5, 6, 7, 9, 10, 11, 12))):
            if key in fields and fields[key] not in allowed:
                if isinstance(fields[key], int):
                    check.add(key, "It should be one of these values: '"
                              + ",".join(map(str, allowed)) + "'")
                else:
                    check.add(key, "Value set is of type String.It should be a/an Integer",
                              "datatype_mismatch")
        if fields.get("type") is not None:
            choices = self.field_choices("ticket_fields", "ticket_type")
            if fields["type"] not in choices:
                check.add("type", f"It should be one of these values: '{','.join(choices)}'")
        if fields.get("responder_id") is not None and self.store.get(
                "agents", fields["responder_id"]) is None:
            check.add("responder_id", "There is no agent matching the given responder_id")
        for key, collection in (("group_id", "groups"), ("company_id", "companies")):
            if fields.get(key) is not None and self.store.get(collection, fields[key]) is None:
                check.add(key, f"There is no {key[:-3]} matching the given {key}")
        tags = fields.get("tags", [])
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            check.add("tags", "It should be a/an Array", "datatype_mismatch")
        self.check_custom_fields("ticket_fields", fields.get("custom_fields", {}), check,
                                 current["custom_fields"] if current else None)

    def update_ticket(self, request: Request, user: dict, ticket_id: int) -> dict:
        ticket = self._ticket(ticket_id)
        fields, uploads = self._ticket_body(request)
        check = Validation()
        only_fields(fields, TICKET_FIELDS - {"email", "phone", "name"}, check)
        self._validate_ticket(fields, check, ticket)
        _check_uploads(uploads, check)
        check.raise_if_any()
        with self.store.transaction():
            for key, value in fields.items():
                if key == "custom_fields":
                    ticket["custom_fields"] = {**ticket["custom_fields"], **value}
                elif key == "description":
                    ticket.update(description=value, description_text=text_of(value))
                elif key == "status" and value != ticket["status"]:
                    ticket["stats"] = moved_stats(ticket.get("stats"), value, now())
                    ticket[key] = value
                elif key != "attachments":
                    ticket[key] = value
            ticket["attachment_ids"] += [self.files.add(u.name, u.content_type, u.data)["id"]
                                         for u in uploads]
            ticket["updated_at"] = now()
            self.store.put("tickets", ticket)
        return self.render_ticket(ticket, request.host_url)

    def delete_ticket(self, request: Request, user: dict, ticket_id: int) -> Response:
        ticket = self._ticket(ticket_id)
        ticket.update(deleted=True, updated_at=now())
        self.store.put("tickets", ticket)
        return Response(status=204)

    def restore_ticket(self, request: Request, user: dict, ticket_id: int) -> Response:
        ticket = self._ticket(ticket_id)
        ticket.update(deleted=False, updated_at=now())
        self.store.put("tickets", ticket)
        return Response(status=204)

    def create_note(self, request: Request, user: dict, ticket_id: int) -> Response:
        ticket = self._ticket(ticket_id)
        fields, uploads = body(request, ("user_id",), ("private", "incoming"))
        check = Validation()
        only_fields(fields, NOTE_FIELDS, check)
        self._validate_message(fields, uploads, check)
        for key in ("private", "incoming"):
            if key in fields and not isinstance(fields[key], bool):
                check.add(key, "It should be a/an Boolean", "datatype_mismatch")
        check.raise_if_any()
        note = self._add_conversation(ticket, fields, uploads, user, source=NOTE_SOURCE,
                                      private=fields.get("private", True),
                                      incoming=fields.get("incoming", False))
        return json_response(self.render_conversation(note, request.host_url), 201)

    def create_reply(self, request: Request, user: dict, ticket_id: int) -> Response:
        ticket = self._ticket(ticket_id)
        fields, uploads = body(request, ("user_id",))
        check = Validation()
        only_fields(fields, REPLY_FIELDS, check)
        self._validate_message(fields, uploads, check)
        check.raise_if_any()
        reply = self._add_conversation(ticket, fields, uploads, user, source=REPLY_SOURCE,
                                       private=False, incoming=False)
        requester = self.user_doc(ticket["requester_id"]) or {}
        self._send_email("reply", ticket, self.email_of(requester),
                         f"Re: {ticket['subject']}", fields["body"], fields.get("cc_emails"))
        return json_response(self.render_conversation(reply, request.host_url), 201)

    def _validate_message(self, fields: dict, uploads: list[Upload], check: Validation) -> None:
        if not isinstance(fields.get("body"), str) or not fields["body"]:
            check.add("body", "It should be a/an String", "missing_field")
        if "user_id" in fields and self.user_doc(fields["user_id"]) is None:
            check.add("user_id", "There is no contact matching the given user_id")
        _check_uploads(uploads, check)

    def _add_conversation(self, ticket: dict, fields: dict, uploads: list[Upload],
                          user: dict, *, source: int, private: bool, incoming: bool) -> dict:
        stamp = now()
        with self.store.transaction():
            attachment_ids = [self.files.add(u.name, u.content_type, u.data)["id"]
                              for u in uploads]
            doc = self.store.insert(
                "conversations", conversation_doc(
                    ticket["id"], fields["body"], fields.get("user_id", user["id"]), stamp,
                    source=source, private=private, incoming=incoming,
                    attachment_ids=attachment_ids, cc=fields.get("cc_emails", []),
                    bcc=fields.get("bcc_emails", [])),
                id=self.store.next_id("conversations", CONVERSATION_ID_BASE + 1))
            ticket["updated_at"] = stamp
            self.store.put("tickets", ticket)
        return doc

    def _send_email(self, kind: str, ticket: dict, to: str | None, subject: str,
                    body_html: str, cc: list[str] | None) -> None:
        """Record an email as sent: the sandbox's outbox (``GET /_sandbox/emails``)."""
        self.store.insert("emails", {"kind": kind, "ticket_id": ticket["id"], "to": to,
                                     "cc": cc or [], "subject": subject, "body": body_html,
                                     "sent_at": now()}, id=self.store.next_id("emails"))

    def _ticket(self, ticket_id: int) -> dict:
        ticket = self.store.get("tickets", ticket_id)
        if ticket is None:
            raise not_found()
        return ticket


def _check_uploads(uploads: list[Upload], check: Validation) -> None:
    if sum(len(u.data) for u in uploads) > MAX_ATTACHMENT_BYTES:
        check.add("attachments", "The cumulative attachment size should not exceed 20 MB",
                  "invalid_size")
