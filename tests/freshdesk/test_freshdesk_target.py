"""The Freshdesk target writes what reads back the same through the API, as notes only."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest
from fd_support import MemoryContext, client, open_connection

from deskmigrate.core.connector import Found
from deskmigrate.core.records import Agent, Attachment, Comment, Contact, Ticket
from deskmigrate.plugins.freshdesk import FreshdeskPlatform
from deskmigrate.plugins.freshdesk.sandbox import FreshdeskSandbox
from deskmigrate.plugins.freshdesk.target import FreshdeskTarget

MB = 1024 * 1024


def _file(name: str, data: bytes) -> Attachment:
    return Attachment(source_id=name, file_name=name, content_type="text/plain",
                      size=len(data), fetch=lambda: data)


def _setup(app: FreshdeskSandbox, platform: FreshdeskPlatform, settings: dict | None = None
           ) -> tuple[FreshdeskTarget, MemoryContext]:
    target = platform.target(open_connection(platform, app, settings))
    ctx = MemoryContext(default_agent=target.check().id)
    customer = Contact(source_id="c1", name="Zoë Customer", email="zoe@example.com")
    ctx.remember("contact", target.write("contact", [customer], ctx))
    ctx.ids["agent"]["a1"] = ctx.default_agent or ""
    return target, ctx


def _ticket(**extra: object) -> Ticket:
    when = datetime(2024, 3, 1, 10, 22, tzinfo=UTC)
    comments = [
        Comment(source_id="m1", author_id="c1", body_html="<p>My order is late</p>",
                created_at=when, attachments=[_file("order.txt", b"order 123")]),
        Comment(source_id="m2", author_id="a1", body_html="<p>Looking into it</p>",
                public=False, created_at=when),
        Comment(source_id="m3", author_id="c1", body_html="<p>Thanks – merci</p>",
                incoming=True, created_at=when, attachments=[_file("log.txt", b"log")]),
    ]
    fields = {"subject": "Late order ✓", "status": "pending", "priority": "high",
              "type": "incident", "tags": ["vip"], "requester_id": "c1", "assignee_id": "a1",
              "custom_fields": {"Order number": "ORD-1", "Units": "3", "Unknown": "x"},
              "comments": comments, **extra}
    return Ticket(source_id="t1", **fields)  # type: ignore[arg-type]


def test_ticket_reads_back_the_same_with_notes_and_files(
        seeded: FreshdeskSandbox, platform: FreshdeskPlatform) -> None:
    target, ctx = _setup(seeded, platform)
    before = target.http.stats.requests
    [result] = target.write("ticket", [_ticket()], ctx)
    assert result.error is None and result.target_id
    assert target.http.stats.requests - before == 1 + 1 + 2  # fields, create, 2 notes
    api = client(seeded)
    view = api.get(f"/tickets/{result.target_id}").json()
    assert (view["subject"], view["status"], view["priority"], view["type"]) == (
        "Late order ✓", 3, 3, "Incident")
    assert view["tags"][0] == "vip" and view["tags"][1].startswith("dm-")
    assert view["custom_fields"]["cf_order_number"] == "ORD-1"
    assert view["custom_fields"]["cf_units"] == 3
    assert view["requester_id"] == int(ctx.ids["contact"]["c1"])
    assert "Originally posted by Zoë Customer &lt;zoe@example.com&gt; on 2024-03-01 10:22 UTC" \
        in view["description"] and "My order is late" in view["description"]
    download = httpx.Client(transport=seeded.transport())
    assert download.get(view["attachments"][0]["attachment_url"]).content == b"order 123"
    notes = api.get(f"/tickets/{result.target_id}/conversations").json()
    assert [(n["private"], n["incoming"], n["source"]) for n in notes] == [
        (True, False, 2), (False, True, 2)]
    assert notes[0]["user_id"] == int(ctx.default_agent or 0)
    assert notes[1]["user_id"] == int(ctx.ids["contact"]["c1"])
    assert "Thanks – merci" in notes[1]["body"] and "Originally posted by" in notes[1]["body"]
    assert download.get(notes[1]["attachments"][0]["attachment_url"]).content == b"log"
    assert [c.target_id for c in result.children] == [None, str(notes[0]["id"]),
                                                      str(notes[1]["id"])]
    assert seeded.emails_sent() == 0


def test_oversized_files_are_skipped_and_the_rest_split_by_20_mb(
        seeded: FreshdeskSandbox, platform: FreshdeskPlatform) -> None:
    target, ctx = _setup(seeded, platform)
    ticket = _ticket()
    ticket.comments[0].attachments = [_file("a.bin", b"a" * 12 * MB),
                                      _file("huge.bin", b"h" * (20 * MB + 1)),
                                      _file("b.bin", b"b" * 12 * MB)]
    [result] = target.write("ticket", [ticket], ctx)
    assert result.target_id is not None
    assert any("huge.bin skipped" in w for w in ctx.warnings["t1"])
    api = client(seeded)
    view = api.get(f"/tickets/{result.target_id}").json()
    assert [a["name"] for a in view["attachments"]] == ["a.bin"]
    notes = api.get(f"/tickets/{result.target_id}/conversations").json()
    assert [a["name"] for a in notes[0]["attachments"]] == ["b.bin"]
    assert "part 2 of 2" in notes[0]["body"] and len(notes) == 3


def test_required_fields_get_defaults_and_mapping_renames(
        seeded: FreshdeskSandbox, platform: FreshdeskPlatform) -> None:
    seeded.store.put("ticket_fields", {
        **seeded.store.query("ticket_fields", "json_extract(doc, '$.name') = 'cf_product'")[0],
        "required_for_agents": True})
    target, ctx = _setup(seeded, platform, {"mapping": {"Order ref": "Order number"},
                                             "defaults": {"Product": "Pro"}})
    ticket = _ticket(custom_fields={"Order ref": "ORD-9"})
    [result] = target.write("ticket", [ticket], ctx)
    fields = client(seeded).get(f"/tickets/{result.target_id}").json()["custom_fields"]
    assert (fields["cf_order_number"], fields["cf_product"]) == ("ORD-9", "Pro")


def test_a_refused_ticket_is_an_error_result_not_an_exception(
        seeded: FreshdeskSandbox, platform: FreshdeskPlatform) -> None:
    target, ctx = _setup(seeded, platform)
    ctx.ids["group"]["g1"] = "999"  # a group Freshdesk does not have
    [result] = target.write("ticket", [_ticket(group_id="g1")], ctx)
    assert result.target_id is None and "group_id" in (result.error or "")


def test_agents_are_matched_by_email_never_created(seeded: FreshdeskSandbox,
                                                   platform: FreshdeskPlatform) -> None:
    target, ctx = _setup(seeded, platform)
    known = seeded.store.query("agents", limit=2)[1]["contact"]["email"]
    results = target.write("agent", [Agent(source_id="x", name="X", email=known),
                                     Agent(source_id="y", name="Y", email="new@example.com")],
                           ctx)
    assert results[0].matched and results[0].target_id
    assert results[1].skipped and "no Freshdesk seat" in results[1].skipped
    assert seeded.store.count("agents") == 1 + 5  # owner + seeded: nothing created


def test_messages_of_agents_without_a_seat_name_them(seeded: FreshdeskSandbox,
                                                     platform: FreshdeskPlatform) -> None:
    """A Zendesk-sized agent id without a Freshdesk seat: the note goes to the default
    agent, opens with the source agent's own name and email, and the report says so."""
    target, ctx = _setup(seeded, platform)
    owner = client(seeded).get("/agents/me").json()["contact"]
    unseated = Agent(source_id="361000000004", name="Ada Lovelace", email="ada@example.org")
    ctx.people[unseated.source_id] = unseated  # what the source knows of its agent
    [result] = target.write("agent", [unseated], ctx)
    assert result.skipped == (
        f"no Freshdesk seat for Ada Lovelace <ada@example.org>: not created; mapped to the "
        f"default agent {owner['name']} <{owner['email']}> (id {ctx.default_agent}), their "
        f"messages still open with their own name")
    ticket = _ticket(comments=[*_ticket().comments[:1], Comment(
        source_id="m9", author_id="361000000004", body_html="<p>Refund sent</p>",
        public=False, created_at=datetime(2024, 3, 2, 8, 5, tzinfo=UTC))])
    [written] = target.write("ticket", [ticket], ctx)
    [note] = client(seeded).get(f"/tickets/{written.target_id}/conversations").json()
    assert note["user_id"] == int(ctx.default_agent or 0)
    assert "Originally posted by Ada Lovelace &lt;ada@example.org&gt; on 2024-03-02 08:05 " \
        "UTC" in note["body"]
    assert "source user" not in note["body"]


def test_find_after_a_crash_and_rollback(seeded: FreshdeskSandbox,
                                         platform: FreshdeskPlatform) -> None:
    target, ctx = _setup(seeded, platform)
    [result] = target.write("ticket", [_ticket()], ctx)
    assert target.find("ticket", _ticket(), ctx) == Found(result.target_id or "", owned=True)
    contact = Contact(source_id="c1", name="Zoë Customer", email="zoe@example.com")
    # found by email: it may have been there before, so it is not proven ours
    assert target.find("contact", contact, ctx) == Found(ctx.ids["contact"]["c1"], owned=False)
    target.delete("ticket", [result.target_id or ""])
    assert target.delete("contact", [ctx.ids["contact"]["c1"], "123"]) == [
        ctx.ids["contact"]["c1"], "123"]
    assert client(seeded).get(f"/tickets/{result.target_id}").json()["deleted"] is True
    assert target.find("contact", contact, ctx) is None


def test_delta_adds_only_new_messages_once(seeded: FreshdeskSandbox,
                                           platform: FreshdeskPlatform) -> None:
    target, ctx = _setup(seeded, platform)
    ticket = _ticket()
    [result] = target.write("ticket", [ticket], ctx)
    ctx.remember("ticket", [result])
    ticket.comments.append(Comment(source_id="m4", author_id="a1", body_html="<p>Shipped</p>"))
    ticket.status = "solved"
    pairs = [(ticket, result.target_id or "")]
    for _ in range(2):  # the same update sent again after a crash adds nothing
        [updated] = target.update("ticket", pairs, ctx)  # type: ignore[arg-type]
    notes = client(seeded).get(f"/tickets/{result.target_id}/conversations").json()
    assert [n["body_text"].count("Shipped") for n in notes] == [0, 0, 1]
    assert client(seeded).get(f"/tickets/{result.target_id}").json()["status"] == 4
    assert updated.error is None


@pytest.mark.parametrize("status,code", [("new", 2), ("hold", 3), ("closed", 5)])
def test_statuses_without_a_freshdesk_code_keep_a_tag(
        seeded: FreshdeskSandbox, platform: FreshdeskPlatform, status: str, code: int) -> None:
    target, ctx = _setup(seeded, platform)
    [result] = target.write("ticket", [_ticket(status=status, type="change")], ctx)
    view = client(seeded).get(f"/tickets/{result.target_id}").json()
    assert view["status"] == code and "type-change" in view["tags"]
    assert (status in ("new", "hold")) == any(t.startswith("status-") for t in view["tags"])
