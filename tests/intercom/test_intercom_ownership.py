"""Ownership after a crash: what the Intercom target finds by name (collections) or by
lookalike (an unstamped conversation) is this run's only when the interrupted attempt said it
was creating it after seeing nothing of the kind; a same-named record that was there before is
never owned, never adopted and so never deleted by a rollback."""

from __future__ import annotations

from datetime import UTC, datetime

from ic_support import sandbox
from test_intercom_connector import Context, connection, empty_workspace

from deskmigrate.core.connector import Found
from deskmigrate.core.records import Comment, KbArticle, KbCategory, KbFolder, Ticket
from deskmigrate.plugins.intercom import IntercomPlatform


class CrashContext(Context):
    """Remembers the ``creating`` announcements, as the state store does across a crash."""

    def __init__(self, ids, default) -> None:
        super().__init__(ids, default)
        self.absent: set[tuple[str, str]] = set()

    def creating(self, kind, source_id):
        self.absent.add((kind, str(source_id)))

    def was_absent(self, kind, source_id):
        return (kind, str(source_id)) in self.absent


def rollback(target, kind: str, found: Found | None) -> None:
    """What the engine's rollback does with a find(): deletes it only when owned."""
    if found is not None and found.owned:
        target.delete(kind, [found.target_id])


def test_a_same_named_collection_that_was_there_is_reused_and_survives_a_rollback(tmp_path):
    app = sandbox(tmp_path, tickets=0)
    target = IntercomPlatform().target(connection(app))
    ctx = CrashContext({}, target.check().id)
    theirs = str(target.http.request("POST", "help_center/collections",
                                     json={"name": "Billing"}).json()["id"])
    before = app.store.count("collections")
    record = KbCategory(source_id="c1", name="Billing")
    result = target.write("kb_category", [record], ctx)[0]
    assert (result.target_id, result.matched) == (theirs, True)  # reused, not duplicated
    assert result.warnings and app.store.count("collections") == before
    assert ctx.absent == set()  # a same-named collection was there: not announced
    found = target.find("kb_category", record, ctx)
    assert found == Found(theirs, owned=False)  # a name match is never owned
    rollback(target, "kb_category", found)
    assert app.store.get("collections", theirs) is not None

    # the same name in another place is another collection, created and announced
    ctx.ids[("kb_category", "c1")] = theirs
    folder = KbFolder(source_id="f1", name="Billing", category_id="c1")
    made = target.write("kb_folder", [folder], ctx)[0]
    assert not made.matched and made.target_id != theirs
    assert ctx.was_absent("kb_folder", "f1")  # nothing of its name there: the match is ours
    ctx.ids[("kb_folder", "f1")] = made.target_id
    article = KbArticle(source_id="a1", title="Refunds", body="<p>How</p>", folder_id="f1")
    first = target.write("kb_article", [article], ctx)[0]
    assert ctx.was_absent("kb_article", "a1") and not first.matched
    again = target.write("kb_article", [KbArticle(source_id="a2", title="Refunds",
                                                  body="<p>Other</p>", folder_id="f1")], ctx)[0]
    assert (again.target_id, again.matched) == (first.target_id, True)
    assert not ctx.was_absent("kb_article", "a2")


def test_an_unstamped_lookalike_conversation_is_never_adopted(tmp_path):
    app, target, owner, ctx = empty_workspace(tmp_path, CrashContext)
    when = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
    ticket = Ticket(source_id="t1", subject="Hello", requester_id="c", status="solved",
                    created_at=when, comments=[Comment(source_id="1", author_id="c",
                                                       body_html="<p>Hi</p>",
                                                       created_at=when)])
    # the same text at the same second, already in the workspace (another import)
    theirs = str(target.http.request("POST", "conversations", json={
        "from": {"type": "user", "id": ctx.target_id("contact", "c")}, "body": "<p>Hi</p>",
        "created_at": int(when.timestamp())}).json()["conversation_id"])
    before = app.store.get("conversations", theirs)
    assert target.find("ticket", ticket, ctx) is None  # not announced: not ours
    rollback(target, "ticket", target.find("ticket", ticket, ctx))
    assert app.store.get("conversations", theirs) == before  # untouched, not deleted
    ours = target.write("ticket", [ticket], ctx)[0].target_id
    assert ours != theirs and ctx.absent == set()  # a lookalike was there: not announced

    # a crash between creating and stamping, with nothing alike before: adopted as ours
    other = Ticket(source_id="t2", subject="Other", requester_id="c", status="open",
                   created_at=when, comments=[Comment(source_id="2", author_id="c",
                                                      body_html="<p>Other</p>",
                                                      created_at=when)])
    ctx.creating("ticket", "t2")
    left = str(target.http.request("POST", "conversations", json={
        "from": {"type": "user", "id": ctx.target_id("contact", "c")}, "body": "<p>Other</p>",
        "created_at": int(when.timestamp())}).json()["conversation_id"])
    assert target.find("ticket", other, ctx) == Found(left, owned=True)
    stamp = app.store.get("conversations", left)["custom_attributes"]["deskmigrate_id"]
    assert stamp == "deskmigrate-1-ticket-t2"
