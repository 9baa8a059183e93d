"""Freshdesk -> Freshdesk over loopback HTTP, connector level: everything read back from the
target matches the source record by record, and no email is sent."""

from __future__ import annotations

from pathlib import Path

from fd_support import MemoryContext, open_connection

from deskmigrate.core.records import Ticket
from deskmigrate.plugins.freshdesk import FreshdeskPlatform
from deskmigrate.plugins.freshdesk.platform import KINDS
from deskmigrate.plugins.freshdesk.sandbox import FreshdeskSandbox
from deskmigrate.plugins.freshdesk.sandbox.account import add_field
from deskmigrate.sandbox import serve_in_thread


def _migrate(platform: FreshdeskPlatform, source_url: str, source_app: FreshdeskSandbox,
             target_url: str, target_app: FreshdeskSandbox) -> MemoryContext:
    source = platform.source(open_connection(platform, source_app, url=source_url))
    target = platform.target(open_connection(platform, target_app, url=target_url))
    ctx = MemoryContext(default_agent=target.check().id)
    for kind in KINDS:
        if kind not in target.kinds:
            continue
        for record in source.read(kind):
            results = target.write(kind, [record], ctx)
            assert results[0].error is None, results[0].error
            ctx.remember(kind, results)
    return ctx


def test_freshdesk_to_freshdesk_round_trip(tmp_path: Path, platform: FreshdeskPlatform) -> None:
    source_app = FreshdeskSandbox(tmp_path / "source.sqlite")
    source_app.seed(tickets=12, seed=21)
    target_app = FreshdeskSandbox(tmp_path / "target.sqlite")
    for collection in ("ticket_fields", "contact_fields", "company_fields"):
        # the target account has the same custom fields (labels), as a customer sets up
        for field in source_app.custom_fields(collection):
            add_field(target_app.store, collection, field["name"], field["label"],
                      field["type"], choices=field["choices"])
    with serve_in_thread(source_app) as source_url, serve_in_thread(target_app) as target_url:
        ctx = _migrate(platform, source_url, source_app, target_url, target_app)
        before = platform.source(open_connection(platform, source_app, url=source_url))
        after = platform.source(open_connection(platform, target_app, url=target_url))
        originals = {t.source_id: t for t in before.read("ticket")}
        copies = {t.source_id: t for t in after.read("ticket")}
        assert len(ctx.ids["ticket"]) == len(originals) == 12
        for source_id, original in originals.items():  # inline images fetch while served
            _same_ticket(original, copies[ctx.ids["ticket"][source_id]])
        contacts = {c.source_id: c for c in before.read("contact")}
        for source_id, copy_id in ctx.ids["contact"].items():
            [copy] = after.get("contact", [copy_id])
            original_contact = contacts[source_id]
            assert (copy.name, copy.email) == (original_contact.name, original_contact.email)
        articles = {a.source_id: a for a in before.read("kb_article")}
        for copy in after.read("kb_article"):
            original = next(a for a in articles.values() if a.title == copy.title)
            assert (copy.body, copy.draft) == (original.body, original.draft)
            assert sorted(t.locale for t in copy.translations) == sorted(
                t.locale for t in original.translations)
    assert target_app.emails_sent() == 0


def _same_ticket(original: Ticket, copy: Ticket) -> None:
    assert (copy.subject, copy.status, copy.priority) == (
        original.subject, original.status, original.priority)
    assert copy.custom_fields == original.custom_fields
    assert set(original.tags) <= set(copy.tags)
    assert len(copy.comments) == len(original.comments)
    for before, after in zip(original.comments, copy.comments, strict=True):
        assert before.body_html in after.body_html
        assert "Originally posted by" in after.body_html
        assert after.public == before.public
        # without the engine's inline_images option step, inline images become files too
        files = [(a.file_name, a.read()) for a in before.attachments]
        assert [(a.file_name, a.read()) for a in after.attachments if not a.inline] == files
