"""Side conversations in the sandbox (Collaboration add-on): UUID ids, offset paging, the
``events`` sideload, create / reply / update, and the ticket audit each change leaves in the
ticket's event stream (``via.channel = "side_conversation"``)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from deskmigrate.sandbox import SandboxStore, json_response

from .paging import offset_page
from .side_files import SideFileHandlers
from .support import (
    Ids,
    audited,
    base_url,
    body,
    html_to_text,
    invalid,
    not_found,
    now,
    public,
    text_to_html,
    unfill,
)

CONVERSATIONS = "side_conversations"
EVENTS = "side_conversation_events"
OF_TICKET = "json_extract(doc, '$.ticket_id') = ?"
OF_CONVERSATION = "json_extract(doc, '$.side_conversation_id') = ?"
PREVIEW = 100
AUDIT_OFFSET = 1_000_000_000_000  # audit ids follow the comment id sequence, like comments'


def sc_time(ts: float) -> str:
    """Side conversation times: ``2018-11-20T16:58:36.453+00:00``."""
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="milliseconds")


def participant(store: SandboxStore, data: dict[str, Any]) -> dict[str, Any]:
    """A participant ``{user_id, name, email}`` from ``{email}`` or ``{user_id}``."""
    user = None
    if data.get("user_id") is not None:
        user = store.get("users", data["user_id"])
    elif data.get("email"):
        rows = store.query("users", "json_extract(doc, '$.email') = ?",
                           [str(data["email"]).lower()], limit=1)
        user = rows[0] if rows else None
    if user is not None:
        return {"user_id": user["id"], "name": user["name"], "email": user["email"]}
    email = str(data.get("email") or "").strip().lower()
    if "@" not in email:
        raise invalid("Record validation errors", {"to": "needs an email or a user_id"})
    return {"user_id": None, "name": data.get("name"), "email": email}


def merge_participants(current: list[dict[str, Any]], new: list[dict[str, Any]]
                       ) -> list[dict[str, Any]]:
    """``current`` plus the people of ``new`` it does not have yet (by email)."""
    merged = list(current)
    for person in new:
        if all(p["email"] != person["email"] for p in merged):
            merged.append(person)
    return merged


def new_conversation(ticket_id: int, subject: str, participants: list[dict[str, Any]],
                     external_ids: dict[str, str], stamp: float, sc_uuid: str
                     ) -> dict[str, Any]:
    return {"uuid": sc_uuid, "ticket_id": ticket_id, "subject": subject, "preview_text": "",
            "state": "open", "participants": participants, "external_ids": external_ids,
            "created_at": sc_time(stamp), "updated_at": sc_time(stamp),
            "message_added_at": sc_time(stamp), "state_updated_at": sc_time(stamp),
            "_ts": stamp}


def new_event(conversation: dict[str, Any], kind: str, actor: dict[str, Any], stamp: float,
              event_uuid: str, message: dict[str, Any] | None = None,
              updates: dict[str, Any] | None = None, via: str = "api") -> dict[str, Any]:
    return {"uuid": event_uuid, "side_conversation_id": conversation["uuid"],
            "ticket_id": conversation["ticket_id"], "actor": actor, "type": kind, "via": via,
            "created_at": sc_time(stamp), "message": message, "updates": updates or {},
            "_ts": stamp}


def new_message(subject: str, html_body: str, sender: dict[str, Any],
                to: list[dict[str, Any]], external_ids: dict[str, str],
                attachments: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    text = html_to_text(html_body)
    return {"subject": subject, "preview_text": text[:PREVIEW], "body": text,
            "html_body": html_body, "from": sender, "to": to, "external_ids": external_ids,
            "attachments": attachments or []}


def side_audit(conversation: dict[str, Any], event: dict[str, Any], audit_row_id: int
               ) -> dict[str, Any]:
    """The ticket audit a side conversation change leaves (kept with the ticket's comment
    rows so that the ticket-event export streams it in time order; never listed as a
    comment)."""
    return {"id": audit_row_id, "_audit_only": True, "_ticket_id": conversation["ticket_id"],
            "audit_id": audit_row_id + AUDIT_OFFSET, "author_id": event["actor"]["user_id"],
            "via": {"channel": "side_conversation",
                    "source": {"from": {"side_conversation_id": conversation["uuid"]},
                               "to": {}, "rel": "side_conversation"}},
            "_ts": float(int(event["_ts"]))}


class SideConversationHandlers(SideFileHandlers):
    """``/tickets/{id}/side_conversations[...]`` (files: ``SideFileHandlers``)."""

    store: SandboxStore
    ids: Ids

    def side_conversation_rules(self) -> list[Rule]:
        base = "/api/v2/tickets/<int:ticket_id>/side_conversations"
        rules = [(base, "list_side_conversations", "GET"),
                 (base, "create_side_conversation", "POST"),
                 (f"{base}/<sc_id>", "show_side_conversation", "GET"),
                 (f"{base}/<sc_id>", "update_side_conversation", "PUT"),
                 (f"{base}/<sc_id>/reply", "reply_side_conversation", "POST"),
                 (f"{base}/<sc_id>/events", "list_side_conversation_events", "GET")]
        return [*(Rule(path + suffix, endpoint=endpoint, methods=[method])
                  for path, endpoint, method in rules for suffix in ("", ".json")),
                *self.side_file_rules()]

    # -- reading ------------------------------------------------------------------------
    def list_side_conversations(self, request: Request, user: dict, ticket_id: int
                                ) -> dict[str, Any]:
        self._ticket(ticket_id)
        base = base_url(request)
        page = offset_page(request, self.store, CONVERSATIONS, CONVERSATIONS,
                           lambda d: self._render(d, base), OF_TICKET, [ticket_id], 100)
        if "events" in request.args.get("include", "").split(","):
            page["events"] = [e for c in page[CONVERSATIONS] for e in self._events(c["id"],
                                                                                  base)]
        return page

    def show_side_conversation(self, request: Request, user: dict, ticket_id: int,
                               sc_id: str) -> dict[str, Any]:
        doc = self._conversation(ticket_id, sc_id)
        out: dict[str, Any] = {"side_conversation": self._render(doc, base_url(request))}
        if "events" in request.args.get("include", "").split(","):
            out["events"] = self._events(doc["uuid"], base_url(request))
        return out

    def list_side_conversation_events(self, request: Request, user: dict, ticket_id: int,
                                      sc_id: str) -> dict[str, Any]:
        doc = self._conversation(ticket_id, sc_id)
        base = base_url(request)
        return offset_page(request, self.store, EVENTS, "events",
                           lambda e: self._render_event(e, base), OF_CONVERSATION,
                           [doc["uuid"]], 100)

    # -- writing ------------------------------------------------------------------------
    def create_side_conversation(self, request: Request, user: dict, ticket_id: int
                                 ) -> Response:
        ticket = self._ticket(ticket_id)
        if ticket["status"] == "closed":
            raise invalid("Record validation errors",
                          {"ticket": "is closed and cannot take side conversations"})
        data = body(request)
        message = self._message_payload(data)
        subject = str(message.get("subject") or "").strip()
        if not subject:
            raise invalid("Record validation errors", {"subject": "cannot be blank"})
        to = [participant(self.store, p) for p in message["to"]]
        actor = participant(self.store, {"user_id": user["id"]})
        stamp = now()
        conversation = new_conversation(ticket_id, subject, merge_participants([actor], to),
                                        _strings(data.get("external_ids")), stamp,
                                        str(uuid.uuid4()))
        html_body = self._html(message, base_url(request))
        conversation["preview_text"] = html_to_text(html_body)[:PREVIEW]
        files = self.side_message_attachments(message, ticket_id, conversation["uuid"])
        event = new_event(conversation, "create", actor, stamp, str(uuid.uuid4()),
                          new_message(subject, html_body, actor, to,
                                      _strings(message.get("external_ids")), files))
        return self._save_side(conversation, event, 201, request)

    def reply_side_conversation(self, request: Request, user: dict, ticket_id: int,
                                sc_id: str) -> Response:
        conversation = self._conversation(ticket_id, sc_id)
        message = self._message_payload(body(request))
        to = [participant(self.store, p) for p in message["to"]]
        actor = participant(self.store, {"user_id": user["id"]})
        stamp = now()
        html_body = self._html(message, base_url(request))
        conversation = {**conversation, "state": "open", "updated_at": sc_time(stamp),
                        "message_added_at": sc_time(stamp), "_ts": stamp,
                        "preview_text": html_to_text(html_body)[:PREVIEW],
                        "participants": merge_participants(conversation["participants"],
                                                           [actor, *to])}
        files = self.side_message_attachments(message, ticket_id, conversation["uuid"])
        event = new_event(conversation, "reply", actor, stamp, str(uuid.uuid4()),
                          new_message(conversation["subject"], html_body, actor, to,
                                      _strings(message.get("external_ids")), files))
        return self._save_side(conversation, event, 201, request)

    def update_side_conversation(self, request: Request, user: dict, ticket_id: int,
                                 sc_id: str) -> Response:
        conversation = self._conversation(ticket_id, sc_id)
        data = body(request, "side_conversation")
        updates = {k: data[k] for k in ("state", "subject") if k in data}
        if updates.get("state") not in (None, "open", "closed"):
            raise invalid("Record validation errors", {"state": "must be open or closed"})
        stamp = now()
        conversation = {**conversation, **updates, "updated_at": sc_time(stamp), "_ts": stamp}
        if "state" in updates:
            conversation["state_updated_at"] = sc_time(stamp)
        actor = participant(self.store, {"user_id": user["id"]})
        event = new_event(conversation, "update", actor, stamp, str(uuid.uuid4()),
                          updates=updates)
        return self._save_side(conversation, event, 200, request)

    # -- internals ----------------------------------------------------------------------
    def _save_side(self, conversation: dict[str, Any], event: dict[str, Any], status: int,
              request: Request) -> Response:
        with self.store.transaction():
            if "id" not in conversation:
                conversation = self.store.insert(CONVERSATIONS, conversation)
            else:
                self.store.put(CONVERSATIONS, conversation)
            event = self.store.insert(EVENTS, event)
            audit = side_audit(conversation, event, self.ids.next("comments"))
            self.store.put("comments", audit)
            audited(self.store, audit["_ticket_id"], audit["_ts"])
        base = base_url(request)
        return json_response({"side_conversation": self._render(conversation, base),
                              "event": self._render_event(event, base)}, status)

    def _message_payload(self, data: Any) -> dict[str, Any]:
        message = data.get("message") if isinstance(data, dict) else None
        if not isinstance(message, dict):
            raise invalid("The request must have a 'message' object", {"message": "missing"})
        if not isinstance(message.get("to"), list) or not message["to"]:
            raise invalid("Record validation errors", {"to": "cannot be blank"})
        if not (message.get("body") or message.get("html_body")):
            raise invalid("Record validation errors", {"body": "cannot be blank"})
        return message

    @staticmethod
    def _html(message: dict[str, Any], base: str) -> str:
        if message.get("html_body"):
            return unfill(str(message["html_body"]), base)
        return text_to_html(str(message["body"]))

    def _ticket(self, ticket_id: int) -> dict[str, Any]:
        doc = self.store.get("tickets", ticket_id)
        if doc is None or doc["status"] == "deleted":
            raise not_found()
        return doc

    def _conversation(self, ticket_id: int, sc_id: str) -> dict[str, Any]:
        self._ticket(ticket_id)
        rows = self.store.query(CONVERSATIONS, "json_extract(doc, '$.uuid') = ? AND "
                                + OF_TICKET, [sc_id.removesuffix(".json"), ticket_id],
                                limit=1)
        if not rows:
            raise not_found()
        return rows[0]

    def _events(self, sc_uuid: str, base: str) -> list[dict[str, Any]]:
        return [self._render_event(e, base)
                for e in self.store.query(EVENTS, OF_CONVERSATION, [sc_uuid])]

    @staticmethod
    def _render(doc: dict[str, Any], base: str) -> dict[str, Any]:
        return _with_uuid(doc, base, f"{doc['uuid']}")

    @staticmethod
    def _render_event(doc: dict[str, Any], base: str) -> dict[str, Any]:
        return _with_uuid(doc, base, f"{doc['side_conversation_id']}/events/{doc['uuid']}")


def _with_uuid(doc: dict[str, Any], base: str, tail: str) -> dict[str, Any]:
    """A side conversation or event as the API shows it: its UUID as ``id`` and its URL
    (``.../side_conversations/{tail}``)."""
    view = public(doc, base)
    view["id"] = view.pop("uuid", doc["uuid"])
    view["url"] = f"{base}/api/v2/tickets/{doc['ticket_id']}/side_conversations/{tail}"
    return view


def _strings(value: Any) -> dict[str, str]:
    """An ``external_ids`` object: string keys and values only."""
    if not isinstance(value, dict):
        return {}
    return {str(k): str(v) for k, v in value.items() if v is not None}
