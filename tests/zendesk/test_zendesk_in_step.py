"""Tickets read in step with the ticket-event export (``ticket_events.py``): event pages are
read only as far as the tickets need, and a ticket the events cannot prove complete is read
on its own. Pages are scripted by ``start_time``, as Zendesk's time-based export pages them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from zendesk_oas import Replay
from zendesk_support import PLATFORM, UNLIMITED, URL

from deskmigrate.core.connect import connect
from deskmigrate.core.records import Ticket
from deskmigrate.plugins.zendesk.source import ZendeskSource
from deskmigrate.plugins.zendesk.spool import CommentSpool
from deskmigrate.plugins.zendesk.ticket_events import TicketEvents

CREDS = {"email": "admin@example.com", "token": "t0ken"}
EVENTS = "/api/v2/incremental/ticket_events"
TICKETS = "/api/v2/incremental/tickets/cursor"
VIA = {"channel": "web", "source": {"from": {}, "to": {}, "rel": None}}


def iso(second: int) -> str:
    return datetime.fromtimestamp(second, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def comment(comment_id: int, second: int) -> dict[str, Any]:
    return {"id": comment_id, "type": "Comment", "event_type": "Comment", "author_id": 5,
            "body": f"comment {comment_id}", "html_body": f"<p>comment {comment_id}</p>",
            "public": True, "attachments": [], "via": VIA, "created_at": iso(second)}


def audit(ticket: int, second: int, *comment_ids: int) -> dict[str, Any]:
    """An audit adding ``comment_ids`` to ``ticket`` at ``second`` (its id: the first
    comment's + 1000, so a repeated audit is the same event)."""
    return {"id": 1000 + (comment_ids[0] if comment_ids else ticket), "ticket_id": ticket,
            "timestamp": second, "created_at": iso(second), "event_type": "Audit",
            "via": VIA, "child_events": [comment(c, second) for c in comment_ids]}


def event_pages(*pages: tuple[int, list[dict[str, Any]], bool]) -> Any:
    """``(start_time, events, end_of_stream)`` pages; each names the next one's start (its
    ``end_time``: the last event's second, which the next page repeats)."""
    by_start = {}
    for n, (start, events, end) in enumerate(pages):
        following = pages[n + 1][0] if n + 1 < len(pages) else start
        by_start[start] = {"ticket_events": events, "count": len(events), "end_of_stream": end,
                           "end_time": following,
                           "next_page": f"{URL}{EVENTS}.json?start_time={following}"}
    return lambda request: by_start[int(request.url.params["start_time"])]


def ticket(ticket_id: int, second: int | None, **extra: Any) -> dict[str, Any]:
    return {"id": ticket_id, "subject": f"ticket {ticket_id}", "status": "open",
            "requester_id": 5, "created_at": iso(1), "via": VIA, "tags": [],
            "custom_fields": [], "updated_at": iso(second) if second is not None else None,
            **({"generated_timestamp": second} if second is not None else {}), **extra}


def replay(events: Any, tickets: list[dict[str, Any]], **routes: Any) -> Replay:
    return Replay({
        ("GET", EVENTS): events,
        ("GET", TICKETS): {"tickets": tickets, "end_of_stream": True, "after_url": None},
        ("GET", "/api/v2/ticket_fields"): {"ticket_fields": [], "meta": {"has_more": False}},
        **{("GET", path): body for path, body in routes.items()}})


def source(recorded: Replay) -> ZendeskSource:
    return ZendeskSource(connect(PLATFORM, URL, CREDS, transport=recorded.transport(),
                                 rate_per_minute=UNLIMITED))


def event_starts(recorded: Replay) -> list[int]:
    return [int(r.url.params["start_time"]) for r in recorded.requests
            if r.url.path.removesuffix(".json") == EVENTS]


def test_a_second_that_goes_on_in_the_next_page_is_read_there_and_each_event_kept_once():
    recorded = replay(event_pages(
        (0, [audit(1, 100, 11), audit(2, 200, 21)], False),
        (200, [audit(2, 200, 21), audit(2, 200, 22), audit(3, 300, 31)], True)), [])
    spool = CommentSpool()
    events = TicketEvents(source(recorded).api, 0, spool)
    try:
        assert events.cover(100) and events.cover(199)
        assert event_starts(recorded) == [0]  # second 200 may go on: not proven yet
        assert events.cover(200)
        assert event_starts(recorded) == [0, 200]
        assert [c["id"] for c in spool.comments(2)] == [21, 22]
        assert events.cover(300)  # the stream ended: its last second is complete
        assert not events.cover(301) and events.ended
        assert event_starts(recorded) == [0, 200]
    finally:
        spool.close()


def test_empty_pages_prove_nothing_and_the_export_is_read_on():
    recorded = replay(event_pages(
        (0, [], False), (50, [audit(1, 60, 11)], False), (60, [audit(1, 60, 11)], True)), [])
    spool = CommentSpool()
    events = TicketEvents(source(recorded).api, 0, spool)
    try:
        assert events.cover(10)
        assert event_starts(recorded) == [0, 50] and events.seen_before == 60
        assert events.cover(60) and event_starts(recorded) == [0, 50, 60]
        assert [c["id"] for c in spool.comments(1)] == [11]
    finally:
        spool.close()


def test_an_export_with_no_events_proves_no_ticket():
    recorded = replay(event_pages((0, [], True)), [])
    spool = CommentSpool()
    events = TicketEvents(source(recorded).api, 0, spool)
    try:
        assert not events.cover(0) and events.ended
    finally:
        spool.close()


def test_the_first_ticket_comes_before_the_events_of_later_tickets_are_read():
    recorded = replay(event_pages(
        (0, [audit(1, 100, 11), audit(2, 200, 21)], False),
        (200, [audit(2, 200, 21), audit(2, 250, 22), audit(3, 300, 31)], True)),
        [ticket(1, 100), ticket(2, 250), ticket(3, 300)])
    tickets = source(recorded).read("ticket")
    first = next(tickets)
    assert event_starts(recorded) == [0]
    rest = list(tickets)
    assert event_starts(recorded) == [0, 200]
    comments = {t.source_id: [c.source_id for c in t.comments]
                for t in (first, *rest) if isinstance(t, Ticket)}
    assert comments == {"1": ["11"], "2": ["21", "22"], "3": ["31"]}
    assert not [r for r in recorded.requests if "/comments" in r.url.path]


def test_a_ticket_changed_after_the_last_event_or_without_a_time_is_read_on_its_own():
    own = {"comments": [comment(21, 150), comment(22, 400)], "meta": {"has_more": False}}
    none = {"side_conversations": [], "next_page": None}
    recorded = replay(
        event_pages((0, [audit(1, 100, 11), audit(2, 150, 21)], True)),
        [ticket(1, 100), ticket(2, 500), ticket(3, None)],
        **{"/api/v2/tickets/2/comments": own, "/api/v2/tickets/2/side_conversations": none,
           "/api/v2/tickets/3/comments": {"comments": [comment(31, 90)],
                                          "meta": {"has_more": False}},
           "/api/v2/tickets/3/side_conversations": none})
    tickets = {t.source_id: t for t in source(recorded).read("ticket")}
    assert [c.source_id for c in tickets["1"].comments] == ["11"]
    assert [c.source_id for c in tickets["2"].comments] == ["21", "22"]  # 22 is after 150
    assert [c.source_id for c in tickets["3"].comments] == ["31"]
    read_alone = sorted(r.url.path.removesuffix(".json") for r in recorded.requests
                        if r.url.path.startswith("/api/v2/tickets/"))
    assert read_alone == ["/api/v2/tickets/2/comments", "/api/v2/tickets/2/side_conversations",
                          "/api/v2/tickets/3/comments", "/api/v2/tickets/3/side_conversations"]


def test_ids_and_ticket_agents_share_one_read_of_the_ticket_export():
    recorded = replay(event_pages((0, [], True)), [
        ticket(1, 100, assignee_id=7), ticket(2, 200), ticket(3, 300, status="deleted",
                                                                 assignee_id=8)])
    zendesk = source(recorded)
    assert list(zendesk.ids("ticket")) == ["1", "2"]
    assert zendesk.ticket_agents() == {"7"}
    assert sum(1 for r in recorded.requests if r.url.path.startswith(TICKETS)) == 1


def test_paging_that_stops_without_end_of_stream_ends_the_events():
    recorded = replay(lambda request: {"ticket_events": [audit(1, 100, 11)], "count": 1,
                                       "end_time": 100, "next_page": None}, [])
    spool = CommentSpool()
    events = TicketEvents(source(recorded).api, 0, spool)
    try:
        assert events.cover(99) and not events.cover(100) and events.ended
    finally:
        spool.close()
