"""The paid options as record-pipeline hooks, and their validation before a run."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from types import SimpleNamespace

import pluggy
import pytest

from deskmigrate.core import hookspecs
from deskmigrate.core.connector import Capabilities
from deskmigrate.core.errors import ConfigError
from deskmigrate.core.host import options as registered_options
from deskmigrate.core.options import Option, validate_options
from deskmigrate.core.pipeline import PHASES, run_pipeline
from deskmigrate.core.records import (
    Attachment,
    Comment,
    KbArticle,
    SideConversation,
    Ticket,
    Translation,
)
from deskmigrate.core.run import RunContext
from deskmigrate.options import (
    add_tag,
    call_recordings,
    inline_images,
    kb_translations,
    side_conversations,
    skip_attachments,
)

MODULES = (add_tag, skip_attachments, call_recordings, kb_translations, inline_images,
           side_conversations)
T0 = datetime(2025, 1, 1, tzinfo=UTC)


def pm():
    manager = pluggy.PluginManager("deskmigrate")
    manager.add_hookspecs(hookspecs)
    for module in MODULES:
        manager.register(module)
    manager.check_pending()
    return manager


# Options decide from capability flags, never from names: these names mean nothing.
VOICE = Capabilities(call_recordings=True, side_conversations=True, kb_translations=True)
EMBEDDING = Capabilities(embeds_inline_images=True, kb_translations=True)
PLAIN = Capabilities()


def platform(name, capabilities):
    return SimpleNamespace(name=name, capabilities=capabilities)


def context(options, source=VOICE, target=EMBEDDING):
    return RunContext(migration_id=1, run_id=1, mode="full", source_platform="a",
                      target_platform="b", options=options, started_at=T0,
                      source_capabilities=source, target_capabilities=target,
                      option_usage=Counter())


def attachment(name, inline=False):
    return Attachment(source_id=name, file_name=name, content_type="image/png", size=3,
                      inline=inline, fetch=lambda: b"png")


def ticket():
    return Ticket(source_id="1", subject="Hello", tags=["vip"], comments=[
        Comment(source_id="c1", author_id="u1", body_html="<p>hi <img src='x'></p>",
                created_at=T0, attachments=[attachment("a.pdf"), attachment("x.png", True)]),
        Comment(source_id="c2", author_id="a1", body_html="<p>call</p>", public=False,
                created_at=T0.replace(day=3), recording=attachment("call.mp3")),
    ], side_conversations=[SideConversation(
        source_id="s1", subject="Ask billing", participants=["billing@x.test"],
        messages=[Comment(source_id="m1", author_id="a1", body_html="<p>Refund?</p>",
                          created_at=T0.replace(day=2))])])


def prepare(options, record, manager=None, **kw):
    ctx = context(options, **kw)
    assert run_pipeline(manager or pm(), ctx, record.kind, record) is None
    return record, ctx.option_usage


def ticket_with_side_files():
    record = ticket()
    record.side_conversations[0].messages[0].attachments = [attachment("quote.pdf")]
    return record


@pytest.mark.parametrize("order", [MODULES, tuple(reversed(MODULES))])
@pytest.mark.parametrize("target", [EMBEDDING, VOICE], ids=["as-notes", "native"])
def test_skip_attachments_drops_side_conversation_files_whatever_the_load_order(order,
                                                                                target):
    manager = pluggy.PluginManager("deskmigrate")
    manager.add_hookspecs(hookspecs)
    for module in order:
        manager.register(module)
    record, usage = prepare({"side_conversations": True, "skip_attachments": True,
                             "call_recordings": True}, ticket_with_side_files(), manager,
                            target=target)
    messages = list(record.messages())
    assert "m1" in {m.source_id for m in messages} or "side-s1-m1" in {
        m.source_id for m in messages}
    assert [(m.source_id, m.attachments) for m in messages if m.attachments] == []
    assert usage["skip_attachments"] == 1 and usage["side_conversations"] == 1


def test_phases_are_declared_in_the_order_the_engine_runs_them():
    assert [hook for hook, _ in PHASES] == ["skip_record", "shape_record", "select_files",
                                            "prepare_record"]
    declared = {f for f in vars(hookspecs) if hasattr(getattr(hookspecs, f), "deskmigrate_spec")}
    assert {hook for hook, _ in PHASES} <= declared


def test_a_ticket_s_messages_are_its_comments_then_its_side_conversation_messages():
    assert [m.source_id for m in ticket().messages()] == ["c1", "c2", "m1"]


def test_add_tag_once():
    record, usage = prepare({"add_tag": "migrated-2026-11"}, ticket())
    assert record.tags == ["vip", "migrated-2026-11"]
    assert usage["add_tag"] == 1


def test_skip_attachments_removes_every_file():
    record, usage = prepare({"skip_attachments": True}, ticket())
    assert all(c.attachments == [] and c.recording is None for c in record.comments)
    assert usage["skip_attachments"] == 1


def test_call_recordings_become_attachments_only_when_asked():
    record, usage = prepare({"call_recordings": True}, ticket())
    assert [a.file_name for a in record.comments[1].attachments] == ["call.mp3"]
    assert usage["call_recordings"] == 1
    record, usage = prepare({}, ticket())
    assert record.comments[1].attachments == [] and record.comments[1].recording is None


def test_side_conversations_become_private_notes_without_native_support_in_time_order():
    record, usage = prepare({"side_conversations": True}, ticket())
    assert [c.source_id for c in record.comments] == ["c1", "side-s1-m1", "c2"]
    note = record.comments[1]
    assert note.public is False and "Ask billing" in note.body_html
    assert record.side_conversations == []
    native, _ = prepare({"side_conversations": True}, ticket(), target=VOICE)
    assert len(native.side_conversations) == 1 and len(native.comments) == 2
    dropped, _ = prepare({}, ticket())
    assert dropped.side_conversations == [] and len(dropped.comments) == 2


def test_inline_images_from_embedding_sources():
    kept, usage = prepare({"inline_images": True}, ticket(), source=EMBEDDING, target=VOICE)
    assert [a.file_name for a in kept.comments[0].attachments] == ["a.pdf", "x.png"]
    assert usage["inline_images"] == 1
    dropped, _ = prepare({}, ticket(), source=EMBEDDING, target=VOICE)
    assert [a.file_name for a in dropped.comments[0].attachments] == ["a.pdf"]
    # a source that keeps inline images as real attachments keeps them without the option
    own, usage = prepare({}, ticket(), source=VOICE, target=EMBEDDING)
    assert [a.file_name for a in own.comments[0].attachments] == ["a.pdf", "x.png"]
    assert not usage


def test_kb_translations_only_with_the_option():
    def article():
        return KbArticle(source_id="k1", folder_id="f1", title="Hi", body="<p>x</p>",
                         translations=[Translation(locale="fr", title="Salut", body="<p>x</p>")])
    assert prepare({}, article())[0].translations == []
    kept, usage = prepare({"kb_translations": True}, article())
    assert [t.locale for t in kept.translations] == ["fr"] and usage["kb_translations"] == 1


def test_options_are_checked_against_the_pair_before_anything_runs():
    known = registered_options(pm())
    voice, embedding = platform("acme", VOICE), platform("zendesk", EMBEDDING)
    assert validate_options({"add_tag": "x", "skip_attachments": False}, known, voice,
                            embedding) == {"add_tag": "x"}
    assert validate_options({"call_recordings": True}, known, voice, embedding)
    with pytest.raises(ConfigError, match="'call_recordings' is not supported from zendesk"):
        validate_options({"call_recordings": True}, known, embedding, voice)
    with pytest.raises(ConfigError, match="'kb_translations' is not supported from acme to "
                                          "plain"):
        validate_options({"kb_translations": True}, known, voice, platform("plain", PLAIN))
    with pytest.raises(ConfigError, match="Unknown option 'redact'"):
        validate_options({"redact": True}, known, voice, voice)
    with pytest.raises(ConfigError, match="'add_tag' takes a str value"):
        validate_options({"add_tag": True}, known, voice, voice)


def test_an_option_needing_an_unknown_capability_is_refused_when_declared():
    with pytest.raises(ValueError, match="unknown capabilities \\['voice'\\]"):
        Option(name="x", description="x", source_needs=("voice",))


def test_removed_capability_fields_still_load_with_a_warning():
    with pytest.warns(DeprecationWarning, match="no longer used"):
        assert Capabilities(bulk_ticket_batch=100, notes=("x",)) == Capabilities()
