"""How the Freshdesk sandbox shows tickets and conversations, with ``include=``.

Freshdesk's docs: viewing a ticket takes ``include=conversations`` (up to ten, oldest
first), ``requester`` (id, name, email, mobile, phone), ``company`` (id, name) and
``stats``; listing takes ``requester``, ``stats``, ``company`` and ``description``.
"""

from __future__ import annotations

from typing import Any

from werkzeug.wrappers import Request

from .base import HOST_MARK, FreshdeskBase
from .plumbing import invalid
from .records import new_stats

SHOW_INCLUDES = ("conversations", "requester", "company", "stats")
LIST_INCLUDES = ("requester", "stats", "company", "description")
INCLUDED_CONVERSATIONS = 10


def includes(request: Request, allowed: tuple[str, ...]) -> set[str]:
    """The ``include`` values of a request, refused like Freshdesk refuses unknown ones."""
    asked = {v.strip() for v in request.args.get("include", "").split(",") if v.strip()}
    if asked - set(allowed):
        raise invalid("include", f"It should be one of these values: '{','.join(allowed)}'")
    return asked


class TicketViews(FreshdeskBase):
    """Rendering of tickets and conversations (a mixin of the app)."""

    def render_ticket(self, doc: dict, host: str, *, listing: bool = False,
                      include: set[str] | frozenset[str] = frozenset()) -> dict:
        out = {k: v for k, v in doc.items() if k not in ("attachment_ids", "deleted", "stats")}
        out["custom_fields"] = self.render_custom("ticket_fields", doc["custom_fields"])
        if doc["deleted"]:
            out["deleted"] = True
        if listing and "description" not in include:
            del out["description"], out["description_text"]
        else:
            out["description"] = doc["description"].replace(HOST_MARK, host.rstrip("/"))
        if not listing:
            out["attachments"] = self.files.render_ids(doc["attachment_ids"], host)
        if "stats" in include:
            out["stats"] = doc.get("stats") or new_stats(doc["status"], doc["updated_at"])
        if "requester" in include:
            out["requester"] = self._requester_view(doc["requester_id"])
        if "company" in include:
            company = self.store.get("companies", doc["company_id"] or 0)
            out["company"] = {"id": company["id"], "name": company["name"]} if company else {}
        if "conversations" in include:
            rows = self.store.query("conversations", "json_extract(doc, '$.ticket_id') = ?",
                                    [doc["id"]], order="json_extract(doc, '$.created_at'), id",
                                    limit=INCLUDED_CONVERSATIONS)
            out["conversations"] = [self.render_conversation(c, host) for c in rows]
        return out

    def _requester_view(self, user_id: int) -> dict[str, Any]:
        user = self.user_doc(user_id) or {}
        person = user.get("contact", user)  # agents keep name and email under "contact"
        return {"id": user.get("id"), "name": person.get("name"),
                "email": person.get("email"), "mobile": person.get("mobile"),
                "phone": person.get("phone")}

    def render_conversation(self, doc: dict, host: str) -> dict:
        out = {k: v for k, v in doc.items() if k != "attachment_ids"}
        out["body"] = doc["body"].replace(HOST_MARK, host.rstrip("/"))
        out["attachments"] = self.files.render_ids(doc["attachment_ids"], host)
        return out
