"""The Zendesk target: a Zendesk → Zendesk round trip at the connector level, request
counts of the ticket import, per-record job errors, find, update and delete."""

from __future__ import annotations

from pathlib import Path

from zendesk_support import MapContext, api_client, connection, migrate, sandbox

from deskmigrate.core.connector import Found
from deskmigrate.core.records import (
    Comment,
    KbArticle,
    Record,
    SideConversation,
    Ticket,
)
from deskmigrate.plugins.zendesk.platform import KINDS, ZendeskPlatform
from deskmigrate.plugins.zendesk.sandbox import ZendeskSandbox

PLATFORM = ZendeskPlatform()


def by_external(records: list[Record], ctx: MapContext) -> dict[str, Record]:
    return {ctx.external_id("ticket", r.source_id): r for r in records}


def comment_view(comment: Comment, names: dict[str, str]) -> tuple:
    return (names.get(comment.author_id or ""), comment.public, comment.created_at,
            comment.body_text.strip(), [(a.file_name, a.read()) for a in comment.attachments])


def side_view(conversation: SideConversation, me: str = "") -> tuple:
    return (conversation.subject, sorted(set(conversation.participants) - {me}),
            [m.body_html for m in conversation.messages])


def assert_side_conversations(copy: Ticket, original: Ticket, notes: list[Comment],
                              me: str) -> None:
    """Open tickets keep side conversations as such (the migrating agent joins them);
    closed ones have them as private notes."""
    if original.status == "closed":
        assert copy.side_conversations == []
        assert len(notes) == sum(len(c.messages) for c in original.side_conversations)
        return
    assert not notes
    assert sorted(side_view(c, me) for c in copy.side_conversations) == sorted(
        side_view(c) for c in original.side_conversations)


def test_round_trip_keeps_tickets_comments_and_attachments(seeded: ZendeskSandbox,
                                                           empty: ZendeskSandbox) -> None:
    source = PLATFORM.source(connection(seeded))
    target = PLATFORM.target(connection(empty))
    identity = target.check()
    ctx, me = MapContext(default_agent=identity.id or ""), identity.email or ""
    errors = migrate(source, target, ctx)
    assert all(not e for e in errors.values()), errors

    back = PLATFORM.source(connection(empty))
    assert back.count() == source.count()
    originals = {r.source_id: r for r in source.read("ticket")}
    copies = list(back.read("ticket"))
    external = {t["id"]: t["external_id"] for t in api_client(empty).get(
        "/api/v2/incremental/tickets/cursor.json", params={"start_time": 0}).json()["tickets"]}
    names_src = {r.source_id: r.email for k in ("agent", "contact") for r in source.read(k)}
    names_dst = {r.source_id: r.email for k in ("agent", "contact") for r in back.read(k)}
    for copy in copies:
        assert isinstance(copy, Ticket)
        original = originals[external[int(copy.source_id)].rsplit("-", 1)[-1]]
        assert isinstance(original, Ticket)
        assert (copy.subject, copy.status, copy.priority, copy.type, sorted(copy.tags)) == (
            original.subject, original.status, original.priority, original.type,
            sorted(original.tags))
        assert copy.custom_fields == original.custom_fields
        assert (copy.created_at, copy.updated_at, copy.solved_at) == (
            original.created_at, original.updated_at, original.solved_at)
        assert names_dst[copy.requester_id or ""] == names_src[original.requester_id or ""]
        notes = [c for c in copy.comments if c.body_text.startswith("Side conversation “")]
        assert [comment_view(c, names_dst) for c in copy.comments if c not in notes] == [
            comment_view(c, names_src) for c in original.comments]
        assert_side_conversations(copy, original, notes, me)
    articles = [a for a in back.read("kb_article") if isinstance(a, KbArticle)]
    assert sorted(len(a.translations) for a in articles) == sorted(
        len(a.translations) for a in source.read("kb_article") if isinstance(a, KbArticle))


def test_ticket_import_costs_few_requests_and_errors_stay_per_record(
        tmp_path: Path, empty: ZendeskSandbox) -> None:
    plain = sandbox(tmp_path / "plain.sqlite", tickets=150, seed=4, attachments=False,
                    help_center=False)
    source = PLATFORM.source(connection(plain))
    conn = connection(empty)
    target = PLATFORM.target(conn)
    ctx = MapContext(default_agent=target.check().id or "")
    assert not any(migrate(source, target, ctx, KINDS[:5]).values())
    tickets = [t for t in source.read("ticket") if isinstance(t, Ticket)]
    for ticket in tickets:  # the side_conversations option is off: only the import is counted
        ticket.side_conversations = []
    tickets[3].requester_id = "no-such-user"
    ctx.ids[("contact", "no-such-user")] = "424242"  # mapped to a user the target lacks
    before = conn.http.stats.requests
    results = []
    for start in range(0, len(tickets), target.batch_size("ticket")):
        results += target.write("ticket", tickets[start:start + 100], ctx)
    assert (conn.http.stats.requests - before) / len(tickets) <= 0.05
    assert [r.source_id for r in results] == [t.source_id for t in tickets]
    assert results[3].error and "requester" in results[3].error.lower()
    assert all(r.target_id and not r.error for n, r in enumerate(results) if n != 3)
    assert all(len(r.children) == len(t.comments) for r, t in zip(results, tickets,
                                                                  strict=True) if r.target_id)


def test_find_update_and_delete(seeded: ZendeskSandbox, empty: ZendeskSandbox) -> None:
    source = PLATFORM.source(connection(seeded))
    target = PLATFORM.target(connection(empty))
    ctx = MapContext(default_agent=target.check().id or "")
    migrate(source, target, ctx, KINDS[:5])
    ticket = next(t for t in source.get("ticket", ["2"]) if isinstance(t, Ticket))
    ticket.status = "open"
    [written] = target.write("ticket", [ticket], ctx)
    ctx.record("ticket", [ticket], [written])
    assert target.find("ticket", ticket, ctx) == Found(written.target_id or "", owned=True)

    ticket.comments.append(Comment(source_id="new-1", author_id=ticket.requester_id,
                                   body_html="<p>one more thing</p>", public=True))
    ticket.tags = ["delta"]
    for attempt in range(2):  # sent again after a crash (uncertain): nothing twice
        if attempt:
            ctx.doubtful.add(("ticket", ticket.source_id))
        [updated] = target.update("ticket", [(ticket, written.target_id or "")], ctx)
        assert not updated.error and [c.source_id for c in updated.children] == ["new-1"]
    stored = api_client(empty).get(f"/api/v2/tickets/{written.target_id}.json").json()
    comments = api_client(empty).get(f"/api/v2/tickets/{written.target_id}/comments").json()
    assert stored["ticket"]["tags"] == ["delta"]
    assert [c["body"] for c in comments["comments"]].count("one more thing") == 1

    # both gone: one deleted, one missing already
    assert target.delete("ticket", [written.target_id or "", "999999"]) == [
        written.target_id, "999999"]
    assert target.find("ticket", ticket, ctx) is None
    group = next(iter(source.read("group")))
    # a group carries no stamp: found by name, never proven ours
    assert target.find("group", group, ctx) == Found(
        ctx.target_id("group", group.source_id) or "", owned=False)
    target.delete("group", [ctx.target_id("group", group.source_id) or ""])
    assert PLATFORM.target(connection(empty)).find("group", group, ctx) is None
