"""The incremental exports of tickets in the sandbox: cursor-based and time-based tickets
(``include=metric_sets``) and the time-based ticket-event export (``include=comment_events``:
audits with their comments as ``child_events``)."""

from __future__ import annotations

from typing import Any

from werkzeug.routing import Rule
from werkzeug.wrappers import Request

from deskmigrate.sandbox import SandboxStore

from .paging import incremental_cursor, incremental_time
from .support import base_url, iso, routes
from .tickets import AUDIT_OFFSET, render_comment, render_ticket


class ExportHandlers:
    """``/incremental/tickets/cursor``, ``/incremental/tickets`` and
    ``/incremental/ticket_events``."""

    store: SandboxStore

    def export_rules(self) -> list[Rule]:
        return [*routes("/incremental/tickets/cursor", "export_tickets"),
                *routes("/incremental/tickets", "export_tickets_by_time"),
                *routes("/incremental/ticket_events", "export_ticket_events")]

    def export_tickets(self, request: Request, user: dict) -> dict[str, Any]:
        base = base_url(request)
        sideloads = request.args.get("include", "").split(",")

        def metric_sets(rows: list[dict[str, Any]]) -> dict[str, Any]:
            return {"metric_sets": [_metric_set(r) for r in rows]}

        return incremental_cursor(request, self.store, "tickets", "tickets",
                                  lambda d: render_ticket(d, base),
                                  extra=metric_sets if "metric_sets" in sideloads else None)

    def export_ticket_events(self, request: Request, user: dict) -> dict[str, Any]:
        base = base_url(request)
        with_comments = "comment_events" in request.args.get("include", "").split(",")
        return incremental_time(request, self.store, "comments", "ticket_events",
                                lambda rows: [self._event(r, base, with_comments)
                                              for r in rows])

    def _event(self, comment: dict[str, Any], base: str, with_comment: bool) -> dict[str, Any]:
        if comment.get("_audit_only"):
            return _audit_event(comment, [])
        view = render_comment(comment, base)
        child: dict[str, Any] = {"id": comment["id"], "via": comment["via"],
                                 "via_reference_id": None, "event_type": "Comment"}
        if with_comment:
            child.update(type=view["type"], author_id=view["author_id"], body=view["body"],
                         html_body=view["html_body"], public=view["public"],
                         attachments=view["attachments"], audit_id=view["audit_id"],
                         created_at=view["created_at"])
            if "data" in view:  # a voice comment's call details
                child["data"] = view["data"]
        else:
            child.update(comment_present=True, comment_public=comment["public"])
        children = [child]
        if comment.get("_first"):
            ticket = self.store.get("tickets", comment["_ticket_id"]) or {}
            children += [{"id": comment["audit_id"] + i, "via": comment["via"],
                          "event_type": "Create", "field_name": name, "value": ticket.get(name)}
                         for i, name in enumerate(("subject", "priority"), start=1)]
        return _audit_event(comment, children)

    def export_tickets_by_time(self, request: Request, user: dict) -> dict[str, Any]:
        base = base_url(request)
        return incremental_time(request, self.store, "tickets", "tickets",
                                lambda rows: [render_ticket(r, base) for r in rows])


def _audit_event(row: dict[str, Any], children: list[dict[str, Any]]) -> dict[str, Any]:
    """One audit of the ticket-event export."""
    return {
        "id": row["audit_id"], "ticket_id": row["_ticket_id"], "timestamp": int(row["_ts"]),
        "created_at": iso(row["_ts"]), "updater_id": row["author_id"], "via": row["via"],
        "system": {}, "metadata": {}, "event_type": "Audit", "child_events": children,
        "merged_ticket_ids": [],
    }


def _metric_set(ticket: dict[str, Any]) -> dict[str, Any]:
    solved = ticket.get("_solved")
    return {"id": ticket["id"] + AUDIT_OFFSET, "ticket_id": ticket["id"],
            "created_at": ticket["created_at"], "updated_at": ticket["updated_at"],
            "solved_at": iso(solved) if solved else None,
            "assigned_at": ticket["created_at"] if ticket.get("assignee_id") else None}
