"""The Zendesk source reads a seeded sandbox completely and cheaply."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from zendesk_support import api_client, connection, real_comments

from deskmigrate.core.records import Contact, Ticket
from deskmigrate.plugins.zendesk.platform import ZendeskPlatform
from deskmigrate.plugins.zendesk.sandbox import ZendeskSandbox

KINDS = ("field", "group", "agent", "company", "contact", "ticket", "kb_category",
         "kb_folder", "kb_article")


def test_counts_match_what_is_read(seeded: ZendeskSandbox) -> None:
    source = ZendeskPlatform().source(connection(seeded))
    counts = source.count()
    assert {kind: len(list(source.read(kind))) for kind in KINDS} == counts
    assert counts["ticket"] == 40 and counts["agent"] == 11 and counts["field"] == 12


def test_tickets_carry_every_comment_once_with_real_attachment_bytes(
        seeded: ZendeskSandbox) -> None:
    conn = connection(seeded)
    source = ZendeskPlatform().source(conn)
    before = conn.http.stats.requests
    tickets = [t for t in source.read("ticket") if isinstance(t, Ticket)]
    assert conn.http.stats.requests - before < len(tickets)  # comments come in bulk
    comment_ids = [c.source_id for t in tickets for c in t.comments]
    assert len(comment_ids) == len(set(comment_ids)) == real_comments(seeded)
    for ticket in tickets:
        times = [c.created_at for c in ticket.comments]
        assert times == sorted(times) and 2 <= len(times) <= 10
        assert ticket.comments[0].author_id == ticket.requester_id
    attachments = [a for t in tickets for c in t.comments for a in c.attachments]
    assert attachments and any(a.inline for a in attachments)
    for item in attachments[:25]:
        doc = seeded.store.get("attachments", int(item.source_id))
        assert doc is not None
        assert item.read() == seeded.store.blob(doc["_blob"])
        assert item.size == len(item.read())


def test_custom_fields_are_keyed_by_title_with_option_names(seeded: ZendeskSandbox) -> None:
    source = ZendeskPlatform().source(connection(seeded))
    tickets = [t for t in source.read("ticket") if isinstance(t, Ticket)]
    products = {t.custom_fields.get("Product") for t in tickets} - {None}
    assert products and products <= {"Basic plan", "Pro plan", "Enterprise plan", "Mobile app"}
    assert all(isinstance(t.custom_fields.get("Refund requested", False), bool) for t in tickets)
    solved = [t for t in tickets if t.status in ("solved", "closed")]
    assert solved and all(t.solved_at is not None for t in solved)


def test_get_ticket_equals_the_export(seeded: ZendeskSandbox) -> None:
    source = ZendeskPlatform().source(connection(seeded))
    exported = {t.source_id: t for t in source.read("ticket")}
    fetched = list(source.get("ticket", ["3", "7"]))
    assert [t.source_id for t in fetched] == ["3", "7"]
    for ticket in fetched:
        assert isinstance(ticket, Ticket)
        twin = exported[ticket.source_id]
        assert isinstance(twin, Ticket)
        assert [c.source_id for c in ticket.comments] == [c.source_id for c in twin.comments]
        assert [c.body_html for c in ticket.comments] == [c.body_html for c in twin.comments]


def test_contacts_include_deleted_users_and_get_filters_by_kind(
        seeded: ZendeskSandbox) -> None:
    source = ZendeskPlatform().source(connection(seeded))
    contacts = [c for c in source.read("contact") if isinstance(c, Contact)]
    assert len(contacts) == 20
    owner = seeded.store.meta("zendesk:owner_id") or ""
    picked = list(source.get("contact", [contacts[0].source_id, owner]))
    assert [c.source_id for c in picked] == [contacts[0].source_id]
    assert [a.source_id for a in source.get("agent", [contacts[0].source_id, owner])] == [owner]


def test_since_reads_only_what_changed(seeded: ZendeskSandbox) -> None:
    client = api_client(seeded)
    since = datetime.fromtimestamp(int(time.time()) - 1, UTC)
    [open_ticket] = seeded.store.query("tickets", "json_extract(doc, '$.status') = 'open'",
                                       limit=1)
    response = client.put(f"/api/v2/tickets/{open_ticket['id']}.json", json={"ticket": {
        "priority": "urgent", "comment": {"body": "a new reply", "public": True}}})
    assert response.status_code == 200
    source = ZendeskPlatform().source(connection(seeded))
    changed = [t for t in source.read("ticket", since=since) if isinstance(t, Ticket)]
    assert [t.source_id for t in changed] == [str(open_ticket["id"])]
    assert [c.body_text for c in changed[0].comments] == ["a new reply"]
    assert list(source.read("group", since=since)) == []
