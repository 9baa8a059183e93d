"""Tickets and conversations as the Freshdesk sandbox stores them, and the ticket's
``stats`` (``include=stats``) kept up to date as its status changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from .base import text_of
from .vendor import format_time, parse_time

STATS_KEYS = ("agent_responded_at", "requester_responded_at", "first_responded_at",
              "status_updated_at", "reopened_at", "resolved_at", "closed_at", "pending_since")


def ticket_doc(fields: dict, requester_id: int, stamp: str, attachment_ids: list[int]
               ) -> dict:
    """A stored ticket as Freshdesk keeps it, from validated create fields."""
    created = parse_time(stamp) or datetime.now(UTC)
    cc = fields.get("cc_emails", [])
    return {
        "subject": fields["subject"], "description": fields["description"],
        "description_text": text_of(fields["description"]), "requester_id": requester_id,
        "responder_id": fields.get("responder_id"), "group_id": fields.get("group_id"),
        "company_id": fields.get("company_id"), "product_id": None,
        "email_config_id": fields.get("email_config_id"), "status": fields.get("status", 2),
        "priority": fields.get("priority", 1), "source": fields.get("source", 2),
        "type": fields.get("type"), "tags": fields.get("tags", []), "cc_emails": cc,
        "fwd_emails": [], "reply_cc_emails": cc, "ticket_cc_emails": cc, "to_emails": None,
        "support_email": None, "association_type": None,
        "custom_fields": fields.get("custom_fields", {}), "spam": fields.get("spam", False),
        "deleted": fields.get("deleted", False), "fr_escalated": False, "is_escalated": False,
        "due_by": format_time(created + timedelta(days=3)),
        "fr_due_by": format_time(created + timedelta(days=1)),
        "created_at": stamp, "updated_at": fields.get("updated_at", stamp),
        "attachment_ids": attachment_ids,
        "stats": new_stats(fields.get("status", 2), fields.get("updated_at", stamp)),
    }


def new_stats(status: int, stamp: str) -> dict:
    """``include=stats`` of a ticket created with ``status`` (last changed at ``stamp``)."""
    return moved_stats(None, status, stamp)


def moved_stats(stats: dict | None, status: int, stamp: str) -> dict:
    """The stats after the status changed to ``status`` at ``stamp``."""
    out = dict(stats or dict.fromkeys(STATS_KEYS))
    out["status_updated_at"] = stamp
    if status in (4, 5):
        out["resolved_at"] = out.get("resolved_at") or stamp
        out["closed_at"] = stamp if status == 5 else None
        out["pending_since"] = None
    else:
        if out.get("resolved_at"):
            out["reopened_at"] = stamp
        out.update(resolved_at=None, closed_at=None,
                   pending_since=stamp if status == 3 else None)
    return out


def conversation_doc(ticket_id: int, body_html: str, user_id: int, stamp: str, *,
                     source: int, private: bool, incoming: bool, attachment_ids: list[int],
                     cc: list[str] | None = None, bcc: list[str] | None = None) -> dict:
    """A stored conversation (reply, note or customer message)."""
    return {"ticket_id": ticket_id, "body": body_html, "body_text": text_of(body_html),
            "incoming": incoming, "private": private, "user_id": user_id, "source": source,
            "category": 2, "support_email": None, "to_emails": [], "from_email": None,
            "cc_emails": cc or [], "bcc_emails": bcc or [], "auto_response": False,
            "created_at": stamp, "updated_at": stamp, "attachment_ids": attachment_ids}
