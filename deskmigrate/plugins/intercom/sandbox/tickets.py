"""Intercom tickets (typed, with states and parts): search, detail, ticket types."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from werkzeug.routing import Rule
from werkzeug.wrappers import Request

from .base import cursor_page, hex_id, json_body, not_found, per_page
from .search import matcher
from .workspace import WorkspaceRoutes

STATES = {"submitted": ("Submitted", "Submitted"), "in_progress": ("In progress", "In progress"),
          "waiting_on_customer": ("Waiting on customer", "Waiting on you"),
          "resolved": ("Resolved", "Resolved")}


class TicketRoutes(WorkspaceRoutes):
    def ticket_rules(self) -> Iterable[Rule]:
        return [
            Rule("/tickets/search", methods=["POST"], endpoint="search_tickets"),
            Rule("/tickets/<ticket_id>", methods=["GET"], endpoint="get_ticket"),
            Rule("/ticket_types", methods=["GET"], endpoint="list_ticket_types"),
        ]

    def render_ticket_type(self, doc: dict) -> dict:
        return {"type": "ticket_type", "id": str(doc["id"]), "category": doc["category"],
                "name": doc["name"], "description": doc.get("description") or "",
                "icon": doc.get("icon") or "🎟️", "workspace_id": "sandbox0app",
                "ticket_type_attributes": {"type": "list", "data": []}, "archived": False,
                "created_at": doc["created_at"], "updated_at": doc["created_at"]}

    def render_ticket(self, doc: dict, *, parts: bool) -> dict:
        ticket_type = self.store.get("ticket_types", doc["ticket_type_id"]) or {}
        internal, external = STATES[doc["state"]]
        out: dict[str, Any] = {
            "type": "ticket", "id": str(doc["id"]), "ticket_id": str(doc["ticket_id"]),
            "category": ticket_type.get("category", "Customer"),
            "ticket_attributes": {"_default_title_": doc["title"],
                                  "_default_description_": doc["description"]},
            "ticket_state": {"type": "ticket_state", "id": doc["state"], "category": doc["state"],
                             "internal_label": internal, "external_label": external},
            "ticket_type": self.render_ticket_type(ticket_type) if ticket_type else None,
            "contacts": {"type": "contact.list", "contacts": [
                {"type": "contact", "id": hex_id("contacts", c)} for c in doc["contact_ids"]]},
            "admin_assignee_id": str(doc.get("admin_assignee_id") or 0),
            "team_assignee_id": str(doc.get("team_assignee_id") or 0),
            "created_at": doc["created_at"], "updated_at": doc["updated_at"],
            "open": doc["state"] != "resolved", "is_shared": True,
            "linked_objects": {"type": "list", "data": [], "total_count": 0, "has_more": False},
        }
        if parts:
            out["ticket_parts"] = {"type": "ticket_part.list", "ticket_parts": doc["parts"],
                                   "total_count": len(doc["parts"])}
        return out

    def search_tickets(self, request: Request, user: dict, **_: Any) -> dict:
        data = json_body(request)
        test = matcher(data.get("query"))
        paging = data.get("pagination") or {}
        found = [t for t in (self.render_ticket(d, parts=False)
                             for d in self.store.query("tickets")) if test(t)]
        rows, pages = cursor_page(found, per_page(paging.get("per_page"), 20),
                                  paging.get("starting_after"))
        return {"type": "ticket.list", "pages": pages, "total_count": len(found),
                "tickets": rows}

    def get_ticket(self, request: Request, user: dict, ticket_id: str) -> dict:
        doc = self.store.get("tickets", ticket_id)
        if doc is None:
            raise not_found("Ticket not found")
        return self.render_ticket(doc, parts=True)

    def list_ticket_types(self, request: Request, user: dict, **_: Any) -> dict:
        return {"type": "list", "data": [self.render_ticket_type(t)
                                         for t in self.store.query("ticket_types")]}
