"""The ticket-event export read in step with the ticket export.

Both incremental exports run in time order: the cursor ticket export by each ticket's
``generated_timestamp`` (its last change), the time-based ticket-event export by each
audit's ``timestamp``. A comment is added by an audit that changes its ticket, so none of a
ticket's comment events is later than the ticket's last change: once every event up to that
second is spooled, the ticket has all its comments. :meth:`TicketEvents.cover` reads event
pages only that far, so the first tickets are written while the exports read on.
"""

from __future__ import annotations

from datetime import UTC
from typing import Any

from .client import ZendeskApi
from .mapping import parse_time
from .source_side import has_side_activity
from .spool import CommentSpool

EVENTS = "api/v2/incremental/ticket_events.json"


class TicketEvents:
    """Comment events spooled by ticket, the tickets with side-conversation activity, and how
    far the export has been read: every event before second ``seen_before`` is spooled."""

    def __init__(self, api: ZendeskApi, start: int, spool: CommentSpool) -> None:
        self._pages = api.export_time_pages(EVENTS, "ticket_events", start,
                                            {"include": "comment_events"})
        self.spool = spool
        self.with_side: set[int] = set()  # tickets whose side conversations changed
        self.seen_before = start
        self.ended = False

    def cover(self, moment: int) -> bool:
        """Read pages until every event at or before second ``moment`` is spooled; False
        when the export ends short of it (the ticket changed after the last event read)."""
        while self.seen_before <= moment and not self.ended:
            self._read_page()
        return self.seen_before > moment

    def _read_page(self) -> None:
        page = next(self._pages, None)
        if page is None:  # the paging ended without saying so: nothing more to read
            self.ended = True
            return
        items, body = page
        for event in items:
            self._add(event)
        stamps = [s for s in map(event_second, body.get("ticket_events") or []) if s is not None]
        self.ended = bool(body.get("end_of_stream"))
        if stamps:
            # The next page starts at the last second, which may go on there; at the end
            # of the stream that second is complete too.
            self.seen_before = max(self.seen_before, stamps[-1] + (1 if self.ended else 0))

    def _add(self, event: dict[str, Any]) -> None:
        children = event.get("child_events")
        ticket = event.get("ticket_id")
        if ticket is None or not isinstance(children, list):
            return  # not an audit (e.g. a metric event): nothing to read in it
        if has_side_activity(event):
            self.with_side.add(ticket)
        self.spool.add((ticket, child) for child in children
                       if isinstance(child, dict) and child.get("event_type") == "Comment"
                       and "body" in child and child.get("id") is not None)


def event_second(event: Any) -> int | None:
    """An event's time in epoch seconds (``timestamp``, else ``created_at``)."""
    if not isinstance(event, dict):
        return None
    if isinstance(event.get("timestamp"), int):
        return int(event["timestamp"])
    return _epoch(event.get("created_at"))


def last_change(ticket: dict[str, Any]) -> int | None:
    """The second of a ticket's last change: ``generated_timestamp`` (what the cursor export
    orders by) or ``updated_at``, whichever is later; None when neither is readable."""
    stamps: list[int] = []
    if isinstance(ticket.get("generated_timestamp"), int):
        stamps.append(ticket["generated_timestamp"])
    updated = _epoch(ticket.get("updated_at"))
    if updated is not None:
        stamps.append(updated)
    return max(stamps) if stamps else None


def _epoch(value: Any) -> int | None:
    """An ISO 8601 time as epoch seconds (UTC unless it says otherwise); None if unreadable."""
    try:
        moment = parse_time(value) if isinstance(value, str) else None
    except ValueError:
        return None
    if moment is None:
        return None
    return int((moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp())

