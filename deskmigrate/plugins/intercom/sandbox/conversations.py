"""Conversations: cursor list, detail (the newest 500 parts), search, create from a contact's
first message, replies and notes (``created_at`` kept), state changes, tags, custom
attributes, delete."""

from __future__ import annotations

import base64
import binascii
import time
from collections.abc import Iterable
from typing import Any
from urllib.parse import unquote, urlsplit

import httpx
from werkzeug.routing import Rule
from werkzeug.wrappers import Request

from .base import cursor_page, fail, hex_id, json_body, not_found, number_of, per_page
from .people import PeopleRoutes
from .search import matcher

MAX_PARTS = 500  # the detail view returns only the newest 500 parts
MAX_ATTACHMENTS = 10
STATE_PARTS = {"close": "closed", "open": "open", "snoozed": "snoozed"}
USER_TYPES = ("user", "lead", "contact")
LOOPBACK = ("127.0.0.1", "localhost", "::1")
DOWNLOAD_TIMEOUT = 30


class ConversationRoutes(PeopleRoutes):
    def conversation_rules(self) -> Iterable[Rule]:
        return [
            Rule("/conversations", methods=["GET"], endpoint="list_conversations"),
            Rule("/conversations", methods=["POST"], endpoint="create_conversation"),
            Rule("/conversations/search", methods=["POST"], endpoint="search_conversations"),
            Rule("/conversations/<conversation_id>", methods=["GET"],
                 endpoint="get_conversation"),
            Rule("/conversations/<conversation_id>", methods=["PUT"],
                 endpoint="update_conversation"),
            Rule("/conversations/<conversation_id>", methods=["DELETE"],
                 endpoint="delete_conversation"),
            Rule("/conversations/<conversation_id>/reply", methods=["POST"],
                 endpoint="reply_conversation"),
            Rule("/conversations/<conversation_id>/parts", methods=["POST"],
                 endpoint="manage_conversation"),
            Rule("/conversations/<conversation_id>/tags", methods=["POST"],
                 endpoint="tag_conversation"),
            Rule("/conversations/<conversation_id>/tags/<tag_id>", methods=["DELETE"],
                 endpoint="untag_conversation"),
        ]

    # -- rendering ------------------------------------------------------------------------
    def author(self, kind: str, number: int) -> dict:
        """A part author: an admin, or a contact as ``user`` / ``lead``."""
        if kind == "admin":
            admin = self.store.get("admins", number) or {}
            return {"type": "admin", "id": str(number), "name": admin.get("name", ""),
                    "email": admin.get("email", "")}
        contact = self.store.get("contacts", number) or {}
        return {"type": contact.get("role", "user"), "id": hex_id("contacts", number),
                "name": contact.get("name") or "", "email": contact.get("email") or ""}

    def render_conversation(self, doc: dict, *, parts: bool) -> dict:
        tags = [{**self.render_tag(t), "applied_at": doc["created_at"],
                 "applied_by": {"type": "admin", "id": str(self.store.meta("owner"))}}
                for t in (self.store.get("tags", n) for n in doc["tag_ids"]) if t]
        all_parts = doc["parts"]
        out: dict[str, Any] = {
            "type": "conversation", "id": str(doc["id"]), "title": doc.get("title"),
            "created_at": doc["created_at"], "updated_at": doc["updated_at"],
            "waiting_since": doc.get("waiting_since"), "snoozed_until": doc.get("snoozed_until"),
            "open": doc["state"] != "closed", "state": doc["state"], "read": doc.get("read", False),
            "priority": doc.get("priority", "not_priority"),
            "admin_assignee_id": doc.get("admin_assignee_id"),
            "team_assignee_id": doc.get("team_assignee_id"),
            "tags": {"type": "tag.list", "tags": tags},
            "source": doc["source"],
            "contacts": {"type": "contact.list", "contacts": [
                {"type": "contact", "id": hex_id("contacts", c),
                 "external_id": (self.store.get("contacts", c) or {}).get("external_id")}
                for c in doc["contact_ids"]]},
            "teammates": {"type": "admin.list", "teammates": []},
            "custom_attributes": doc.get("custom_attributes") or {},
            "statistics": {"type": "conversation_statistics",
                           "count_conversation_parts": len(all_parts),
                           "last_close_at": doc.get("last_close_at") or 0},
            "linked_objects": {"type": "list", "data": [], "total_count": 0, "has_more": False},
            "ai_agent_participated": False,
        }
        if parts:
            newest = all_parts[-MAX_PARTS:]  # in the order they were added
            out["conversation_parts"] = {"type": "conversation_part.list",
                                         "conversation_parts": newest,
                                         "total_count": len(all_parts)}
        return out

    def conversation_doc(self, conversation_id: str) -> dict:
        doc = self.store.get("conversations", conversation_id)
        if doc is None:
            raise not_found("Conversation not found")
        return doc

    # -- reading --------------------------------------------------------------------------
    def list_conversations(self, request: Request, user: dict, **_: Any) -> dict:
        size = per_page(request.args.get("per_page"), 20)
        rows, pages = cursor_page(self.store.query("conversations"), size,
                                  request.args.get("starting_after"))
        return {"type": "conversation.list", "pages": pages,
                "total_count": self.store.count("conversations"),
                "conversations": [self.render_conversation(r, parts=False) for r in rows]}

    def search_conversations(self, request: Request, user: dict, **_: Any) -> dict:
        data = json_body(request)
        test = matcher(data.get("query"))
        paging = data.get("pagination") or {}
        found = []
        for doc in self.store.query("conversations"):
            view = self.render_conversation(doc, parts=False)
            searchable = {**view, "contact_ids": [c["id"] for c in view["contacts"]["contacts"]],
                          "tag_ids": [t["id"] for t in view["tags"]["tags"]]}
            if test(searchable):
                found.append(view)
        rows, pages = cursor_page(found, per_page(paging.get("per_page"), 20),
                                  paging.get("starting_after"))
        return {"type": "conversation.list", "pages": pages, "total_count": len(found),
                "conversations": rows}

    def get_conversation(self, request: Request, user: dict, conversation_id: str) -> dict:
        return self.render_conversation(self.conversation_doc(conversation_id), parts=True)

    # -- writing --------------------------------------------------------------------------
    def files_of(self, request: Request, data: dict, *, admin: bool) -> list[dict]:
        """``attachment_urls`` (downloaded and kept, as Intercom does) and, for admins,
        ``attachment_files`` (base64 bytes); at most 10 together."""
        urls = data.get("attachment_urls") or []
        files = data.get("attachment_files") or []
        if files and not admin:
            raise fail(400, "parameter_invalid", "attachment_files is only for admin replies")
        if len(urls) + len(files) > MAX_ATTACHMENTS:
            raise fail(400, "parameter_invalid",
                       f"A message can have at most {MAX_ATTACHMENTS} attachments")
        out = [self.fetch_url(url) for url in urls]
        for item in files:
            try:
                raw = base64.b64decode(item["data"], validate=True)
                name, kind = str(item["name"]), str(item["content_type"])
            except (KeyError, TypeError, binascii.Error):
                raise fail(400, "parameter_invalid", "attachment_files need content_type, "
                                                     "data (base64) and name") from None
            out.append(self.save_file(name, kind, raw))
        return out

    def fetch_url(self, url: Any) -> dict:
        """An ``attachment_urls`` entry downloaded and kept under the file's own name; a URL
        that cannot be downloaded is a 400 ``parameter_invalid`` — Intercom documents no
        answer for it, this is its generic one for a bad parameter (docs/intercom.md). The
        sandbox fetches plain http only from loopback (it serves tests and local trials)."""
        parts = urlsplit(url) if isinstance(url, str) else None
        if parts is None or parts.scheme not in ("http", "https") or (
                parts.scheme == "http" and parts.hostname not in LOOPBACK):
            raise fail(400, "parameter_invalid", "attachment_urls must be https URLs")
        try:
            response = httpx.get(url, timeout=DOWNLOAD_TIMEOUT, follow_redirects=True)
        except httpx.HTTPError:
            response = None
        if response is None or response.status_code != 200:
            raise fail(400, "parameter_invalid", f"attachment_urls: {url} could not be "
                                                 "downloaded")
        name = unquote(parts.path.rsplit("/", 1)[-1]) or "file"
        kind = response.headers.get("content-type", "application/octet-stream")
        return self.save_file(name, kind.split(";")[0].strip(), response.content)

    def new_part(self, part_type: str, author: dict, body: str | None, created_at: int,
                 attachments: list[dict] | None = None, assigned_to: dict | None = None
                 ) -> dict:
        part = {"type": "conversation_part", "id": str(self.store.next_id("parts")),
                "part_type": part_type, "body": body, "created_at": created_at,
                "updated_at": created_at, "notified_at": created_at, "author": author,
                "attachments": attachments or [], "external_id": None, "redacted": False}
        if assigned_to is not None:
            part["assigned_to"] = assigned_to
        return part

    def create_conversation(self, request: Request, user: dict, **_: Any) -> dict:
        data = json_body(request)
        sender = data.get("from")
        if not isinstance(sender, dict) or sender.get("type") not in USER_TYPES:
            raise fail(400, "parameter_invalid", "from must be a user, lead or contact")
        if not isinstance(data.get("body"), str) or not data["body"].strip():
            raise fail(400, "parameter_not_found", "body is required")
        contact = self.contact_doc(sender.get("id"))
        now = int(time.time())
        created = int(data.get("created_at") or now)
        message_id = str(self.store.next_id("messages", 403918000))
        source = {"type": "conversation", "id": message_id, "delivered_as": "customer_initiated",
                  "subject": data.get("subject") or "", "body": data["body"],
                  "author": self.author("contact", contact["id"]),
                  "attachments": self.files_of(request, data, admin=False), "url": None,
                  "redacted": False}
        doc = self.store.insert("conversations", {
            "created_at": created, "updated_at": now, "waiting_since": created,
            "state": "open", "priority": "not_priority", "source": source,
            "contact_ids": [contact["id"]], "tag_ids": [], "custom_attributes": {},
            "parts": []})
        return {"type": "user_message", "id": message_id, "created_at": created,
                "body": data["body"], "message_type": "inapp",
                "conversation_id": str(doc["id"])}

    def update_conversation(self, request: Request, user: dict, conversation_id: str) -> dict:
        doc = self.conversation_doc(conversation_id)
        data = json_body(request)
        if "custom_attributes" in data:
            doc["custom_attributes"] = {**doc.get("custom_attributes", {}), **self.check_custom(
                "conversation", data["custom_attributes"])}
        for key in ("read", "title"):
            if key in data:
                doc[key] = data[key]
        doc["updated_at"] = int(time.time())
        return self.render_conversation(self.store.put("conversations", doc), parts=True)

    def delete_conversation(self, request: Request, user: dict, conversation_id: str) -> dict:
        doc = self.conversation_doc(conversation_id)
        self.store.delete("conversations", doc["id"])
        return {"id": str(doc["id"]), "object": "conversation", "deleted": True}

    def reply_conversation(self, request: Request, user: dict, conversation_id: str) -> dict:
        doc = self.conversation_doc(conversation_id)
        data = json_body(request)
        kind, message_type = data.get("type"), data.get("message_type")
        if kind not in ("admin", "user") or message_type not in ("comment", "note"):
            raise fail(400, "parameter_invalid", "type must be admin or user and message_type "
                                                 "comment or note")
        if kind == "user" and message_type == "note":
            raise fail(400, "parameter_invalid", "Only admins can add notes")
        files = self.files_of(request, data, admin=kind == "admin")
        body = data.get("body")
        if not (isinstance(body, str) and body.strip()) and not files:
            raise fail(400, "parameter_not_found", "body is required")
        now = int(time.time())
        created = int(data.get("created_at") or now)
        part_type = message_type
        if kind == "admin":
            admin = self.store.get("admins", number_of("admins", data.get("admin_id")) or 0)
            if admin is None:
                raise fail(404, "admin_not_found", "Admin not found")
            author = self.author("admin", admin["id"])
        else:
            contact = self._replying_contact(data)
            author = self.author("contact", contact["id"])
            if doc["state"] == "closed":
                part_type, doc["state"] = "open", "open"  # a user's reply reopens
        doc["parts"].append(self.new_part(part_type, author, body, created, files))
        doc["updated_at"] = now
        return self.render_conversation(self.store.put("conversations", doc), parts=True)

    def _replying_contact(self, data: dict) -> dict:
        if data.get("intercom_user_id"):
            return self.contact_doc(data["intercom_user_id"])
        for field in ("user_id", "email"):
            value = data.get(field)
            if value:
                key = "external_id" if field == "user_id" else "email"
                found = self.store.query("contacts", f"json_extract(doc, '$.{key}') = ?",
                                         (value,))
                if found:
                    return found[0]
                raise not_found("User Not Found")
        raise fail(400, "parameter_not_found", "intercom_user_id, user_id or email is required")

    def manage_conversation(self, request: Request, user: dict, conversation_id: str) -> dict:
        """Close, snooze, open or assign (each adds a part that is not a message)."""
        doc = self.conversation_doc(conversation_id)
        data = json_body(request)
        action = data.get("message_type")
        admin = self.store.get("admins", number_of("admins", data.get("admin_id")) or 0)
        if admin is None:
            raise fail(404, "admin_not_found", "Admin not found")
        now = int(time.time())
        assigned: dict[str, Any] | None = None
        if action == "assignment":
            target: Any = data.get("assignee_id")
            if self.store.get("admins", target or 0) is not None:
                doc["admin_assignee_id"], assigned = int(target), {"type": "admin",
                                                                   "id": str(target)}
            elif self.store.get("teams", target or 0) is not None:
                doc["team_assignee_id"], assigned = int(target), {"type": "team",
                                                                  "id": str(target)}
            elif str(target) == "0":
                doc["admin_assignee_id"], assigned = None, {"type": "nobody_admin", "id": None}
            else:
                raise fail(404, "assignee_not_found", "Assignee not found")
            part_type = "assignment"
        elif action in STATE_PARTS:
            doc["state"] = STATE_PARTS[action]
            if action == "snoozed":
                if not data.get("snoozed_until"):
                    raise fail(400, "parameter_not_found", "snoozed_until is required")
                doc["snoozed_until"] = int(data["snoozed_until"])
            if action == "close":
                doc["last_close_at"] = now
            part_type = action
        else:
            raise fail(400, "parameter_invalid", "message_type must be close, snoozed, open "
                                                 "or assignment")
        doc["parts"].append(self.new_part(part_type, self.author("admin", admin["id"]),
                                          data.get("body"), now, assigned_to=assigned))
        doc["updated_at"] = now
        return self.render_conversation(self.store.put("conversations", doc), parts=True)

    def tag_conversation(self, request: Request, user: dict, conversation_id: str) -> dict:
        doc = self.conversation_doc(conversation_id)
        data = json_body(request)
        tag = self.store.get("tags", data.get("id") or 0)
        if tag is None:
            raise not_found("Tag not found")
        if tag["id"] not in doc["tag_ids"]:
            doc["tag_ids"].append(tag["id"])
            doc["updated_at"] = int(time.time())
            self.store.put("conversations", doc)
        return {**self.render_tag(tag), "applied_at": int(time.time()),
                "applied_by": {"type": "admin", "id": str(data.get("admin_id"))}}

    def untag_conversation(self, request: Request, user: dict, conversation_id: str,
                           tag_id: str) -> dict:
        doc = self.conversation_doc(conversation_id)
        tag = self.store.get("tags", tag_id)
        if tag is None or tag["id"] not in doc["tag_ids"]:
            raise not_found("Tag not found")
        doc["tag_ids"].remove(tag["id"])
        self.store.put("conversations", doc)
        return self.render_tag(tag)
