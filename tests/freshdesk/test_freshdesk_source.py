"""The Freshdesk source reads everything once, past the 300-page cap, with its files."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from fd_support import open_connection

from deskmigrate.core.records import Ticket
from deskmigrate.plugins.freshdesk import FreshdeskPlatform
from deskmigrate.plugins.freshdesk.mapping import format_time
from deskmigrate.plugins.freshdesk.sandbox import FreshdeskSandbox
from deskmigrate.plugins.freshdesk.sandbox.records import ticket_doc

START = datetime(2025, 1, 1, tzinfo=UTC)


def _bulk_tickets(app: FreshdeskSandbox, count: int) -> None:
    """Cheap tickets straight into the store; every three share one updated_at, so a
    restart from the last updated_at seen meets rows it already read."""
    contact = app.store.query("contacts", limit=1)[0]["id"]
    with app.store.transaction():
        for n in range(count):
            stamp = format_time(START + timedelta(seconds=n // 3))
            doc = ticket_doc({"subject": f"bulk {n}", "description": "<p>b</p>",
                              "spam": n % 50 == 7, "deleted": n % 70 == 9}, contact, stamp, [])
            app.store.insert("tickets", doc, id=app.store.next_id("tickets"))


def test_more_than_300_pages_are_read_completely_once_each(tmp_path: Path,
                                                            platform: FreshdeskPlatform
                                                            ) -> None:
    app = FreshdeskSandbox(tmp_path / "big.sqlite", max_per_page=2)
    app.seed(tickets=1, seed=1, attachments=False, conversations=False)
    _bulk_tickets(app, 1300)
    connection = open_connection(platform, app)
    ids = list(platform.source(connection).ids("ticket"))
    assert len(ids) == len(set(ids)) == app.store.count("tickets") == 1301
    assert connection.http.stats.requests > 600  # > 300 pages of 2: restarts happened


def test_tickets_carry_every_message_and_file(seeded: FreshdeskSandbox,
                                              platform: FreshdeskPlatform) -> None:
    source = platform.source(open_connection(platform, seeded))
    tickets: list[Ticket] = list(source.read("ticket"))
    assert len(tickets) == seeded.store.count("tickets")
    ticket = tickets[0]
    stored = seeded.store.get("tickets", int(ticket.source_id))
    conversations = seeded.store.query("conversations", "json_extract(doc, '$.ticket_id') = ?",
                                       [stored["id"]])
    assert ticket.subject == stored["subject"]
    assert ticket.comments[0].body_html == stored["description"].replace(
        "__sandbox_host__", "http://127.0.0.1")
    assert ticket.comments[0].author_id == str(stored["requester_id"])
    assert [c.source_id for c in ticket.comments[1:]] == [str(c["id"]) for c in conversations]
    assert [c.public for c in ticket.comments[1:]] == [not c["private"] for c in conversations]
    assert ticket.custom_fields["Order number"] == stored["custom_fields"]["cf_order_number"]
    files = [a for t in tickets for c in t.comments for a in c.attachments if not a.inline]
    assert files
    for attachment in files:
        assert attachment.read() == seeded.store.blob(f"attachment:{attachment.source_id}")
    inline = [a for t in tickets for c in t.comments for a in c.attachments if a.inline]
    assert inline and inline[0].read().startswith(b"\x89PNG")
    flagged = {tag for t in tickets for tag in t.tags} & {"spam", "deleted"}
    assert flagged == {"spam", "deleted"}


def test_files_are_downloaded_while_their_urls_are_fresh(tmp_path: Path,
                                                         platform: FreshdeskPlatform) -> None:
    app = FreshdeskSandbox(tmp_path / "fd.sqlite")
    app.seed(tickets=20, seed=2)
    tickets = list(platform.source(open_connection(platform, app)).read("ticket"))
    app.files.ttl = 0  # every URL handed out from now on is already expired
    files = [a for t in tickets for c in t.comments for a in c.attachments if not a.inline]
    assert files and all(a.read() for a in files)


def test_people_fields_and_counts(seeded: FreshdeskSandbox, platform: FreshdeskPlatform
                                  ) -> None:
    source = platform.source(open_connection(platform, seeded))
    contacts = list(source.read("contact"))
    assert len(contacts) == seeded.store.count("contacts")
    assert any(c.deleted for c in contacts) and any(not c.active for c in contacts)
    agents = list(source.read("agent"))
    assert {a.role for a in agents} == {"admin", "agent"}
    assert any(not a.active for a in agents)
    fields = {f.title: f for f in source.read("field")}
    assert fields["Product"].options == ["Starter", "Pro", "Enterprise", "Add-on"]
    counts = source.count()
    assert counts["ticket"] == seeded.store.count("tickets")
    assert counts["kb_article"] == seeded.store.count("solution_articles")
    picked = list(source.get("contact", [contacts[0].source_id, agents[0].source_id]))
    assert [c.source_id for c in picked] == [contacts[0].source_id]


def test_solutions_come_with_their_translations(seeded: FreshdeskSandbox,
                                                platform: FreshdeskPlatform) -> None:
    source = platform.source(open_connection(platform, seeded))
    categories = list(source.read("kb_category"))
    articles = list(source.read("kb_article"))
    assert len(articles) == seeded.store.count("solution_articles")
    assert {t.locale for t in categories[0].translations} == {"fr", "de"}
    assert any(a.draft for a in articles)
    translated = next(a for a in articles if a.translations)
    assert translated.translations[0].title.startswith("Article traduit")


def test_a_record_that_cannot_be_read_is_unreadable_and_the_stream_goes_on(
        seeded: FreshdeskSandbox, platform: FreshdeskPlatform) -> None:
    from deskmigrate.core.records import Unreadable
    ticket = seeded.store.query("tickets", limit=1)[0]
    company = seeded.store.query("companies", limit=1)[0]
    seeded.store.put("tickets", {**ticket, "created_at": "yesterday"})
    seeded.store.put("companies", {**company, "updated_at": "last week", "domains": 5})
    source = platform.source(open_connection(platform, seeded))
    tickets = list(source.read("ticket"))
    assert len(tickets) == seeded.store.count("tickets")
    [bad] = [t for t in tickets if isinstance(t, Unreadable)]
    assert bad.source_id == str(ticket["id"]) and "yesterday" in bad.reason
    companies = list(source.read("company"))
    assert len(companies) == seeded.store.count("companies")
    assert [c.source_id for c in companies if isinstance(c, Unreadable)] == [str(company["id"])]
