"""The engine against in-memory connectors: order, references, bad records, crash and
resume, the record pipeline hooks and demo sampling."""

from __future__ import annotations

import pluggy
import pytest
from memory_connectors import MemorySource, MemoryTarget, sample_records

from deskmigrate import hookimpl
from deskmigrate.core import builtin_kinds, hookspecs
from deskmigrate.core import state as st
from deskmigrate.core.engine import Engine
from deskmigrate.core.host import kinds
from deskmigrate.core.records import Comment, Ticket
from deskmigrate.core.runspec import RunSpec
from deskmigrate.core.selection import DemoSelection, Selection


def bare_pm(*plugins):
    pm = pluggy.PluginManager("deskmigrate")
    pm.add_hookspecs(hookspecs)
    for plugin in (builtin_kinds, *plugins):
        pm.register(plugin)
    pm.check_pending()
    return pm


KINDS = kinds(bare_pm())


def engine(state, source, target, run_id=None, mode="full", pm=None):
    mid = state.migration_for("memory", "https://a", "memory", "https://b")
    run_id = run_id or state.start_run(mid, mode, config={}, options={})
    return Engine(RunSpec(state=state, pm=pm or bare_pm(), source=source, target=target,
                          source_platform="memory", target_platform="memory",
                          migration_id=mid, run_id=run_id, mode=mode, concurrency=3)), run_id


@pytest.fixture
def state(tmp_path):
    return st.StateStore(tmp_path / "state.sqlite")


def test_full_run_writes_everything_once_and_resolves_references(state):
    records = sample_records()
    target = MemoryTarget()
    eng, run = engine(state, MemorySource(records), target)
    assert eng.run(Selection(eng.spec.source)) == st.COMPLETED
    assert len(target.store["ticket"]) == 30 and len(target.store["contact"]) == 5
    contact_ids = state.id_map(eng.spec.migration_id, "contact")
    agent_ids = state.id_map(eng.spec.migration_id, "agent")
    for target_id, ticket in target.store["ticket"].items():
        assert target.resolved[target_id]["requester"] == contact_ids[ticket.requester_id]
        assert target.resolved[target_id]["assignee"] == agent_ids[ticket.assignee_id]
    assert len(state.id_map(eng.spec.migration_id, "comment")) == 90
    assert state.tally(run)["ticket"][st.MIGRATED] == 30
    # 30 tickets in batches of 10: three bulk writes.
    assert target.write_calls == 3 + 1 + 2 + 5


def test_one_bad_record_is_reported_never_fatal(state):
    target = MemoryTarget()
    target.fail = {"7", "a2"}
    eng, run = engine(state, MemorySource(sample_records()), target)
    assert eng.run(Selection(eng.spec.source)) == st.COMPLETED
    outcomes = {(o["kind"], o["source_id"]): o for o in state.outcomes(run)}
    assert outcomes[("ticket", "7")]["status"] == st.FAILED
    assert outcomes[("ticket", "7")]["reason"] == "refused"
    assert len(target.store["ticket"]) == 29
    # Agent a2 failed: its tickets went to the target's default agent.
    for target_id, ticket in target.store["ticket"].items():
        if ticket.assignee_id == "a2":
            assert target.resolved[target_id]["assignee"] == "agent-default"
    assert len(state.meter_events(eng.spec.migration_id)) == 1 + 1 + 5 + 29


def test_a_crash_after_an_unanswered_write_resumes_without_duplicates(state):
    records = sample_records()
    target = MemoryTarget()
    target.lose = {"12"}  # the batch holding ticket 12 is written, then the process "dies"
    eng, run = engine(state, MemorySource(records), target)
    with pytest.raises(SystemExit):
        eng.run(Selection(eng.spec.source))
    assert state.status(run) == st.RUNNING
    written_before = len(target.store["ticket"])
    assert written_before >= 10 and state.pending(run, "ticket")

    again, _ = engine(state, MemorySource(records), target, run_id=run)
    assert again.run(Selection(again.spec.source)) == st.COMPLETED
    subjects = sorted(t.subject for t in target.store["ticket"].values())
    assert subjects == sorted(f"Ticket {i}" for i in range(1, 31))
    assert state.pending(run, "ticket") == []
    billable = [e for e in state.meter_events(eng.spec.migration_id)
                if e["record_type"] == "ticket"]
    assert len(billable) == 30


def test_an_ambiguous_write_is_looked_up_before_it_is_retried(state):
    target = MemoryTarget()
    target.ambiguous = {"15"}
    eng, run = engine(state, MemorySource(sample_records()), target)
    assert eng.run(Selection(eng.spec.source)) == st.COMPLETED
    subjects = sorted(t.subject for t in target.store["ticket"].values())
    assert subjects == sorted(f"Ticket {i}" for i in range(1, 31))
    assert state.tally(run)["ticket"][st.MIGRATED] == 30


class TagAndSkip:
    @hookimpl
    def skip_record(self, context, kind, record):
        return "ticket 3 is excluded" if kind == "ticket" and record.source_id == "3" else None

    @hookimpl
    def prepare_record(self, context, kind, record):
        if kind == "ticket":
            record.tags.append("migrated")
            context.option_applied("add_tag")


def test_pipeline_hooks_transform_skip_and_meter_options(state):
    target = MemoryTarget()
    eng, run = engine(state, MemorySource(sample_records()), target, pm=bare_pm(TagAndSkip()))
    eng.run(Selection(eng.spec.source))
    assert len(target.store["ticket"]) == 29
    assert all("migrated" in t.tags for t in target.store["ticket"].values())
    skipped = [o for o in state.outcomes(run) if o["status"] == st.SKIPPED]
    assert [(o["source_id"], o["reason"]) for o in skipped] == [("3", "ticket 3 is excluded")]
    options = [e for e in state.meter_events(eng.spec.migration_id)
               if e["record_type"] == "option:add_tag"]
    assert [e["source_id"] for e in options] == ["29"]


def test_demo_sample_is_reproducible_and_brings_what_it_needs():
    source = MemorySource(sample_records(tickets=100))
    first = DemoSelection(source, seed=5, tickets=20, kinds=KINDS)
    again = DemoSelection(source, seed=5, tickets=20, kinds=KINDS)
    other = DemoSelection(source, seed=6, tickets=20, kinds=KINDS)
    assert first.sample_ids() == again.sample_ids() != other.sample_ids()
    tickets = list(first.records("ticket"))
    assert len(tickets) == 20
    needed = {t.requester_id for t in tickets}
    assert {c.source_id for c in first.records("contact")} == needed


def test_a_later_run_carries_over_what_a_demo_already_migrated(state):
    records = sample_records()
    target = MemoryTarget()
    demo, _ = engine(state, MemorySource(records), target, mode="demo")
    demo.run(DemoSelection(demo.spec.source, seed=1, tickets=5, kinds=KINDS))
    assert len(target.store["ticket"]) == 5
    full, run = engine(state, MemorySource(records), target)
    full.run(Selection(full.spec.source))
    assert len(target.store["ticket"]) == 30
    assert state.tally(run)["ticket"][st.MIGRATED] == 30


def test_delta_writes_only_what_changed_and_a_second_delta_writes_nothing(state):
    records = sample_records()
    target = MemoryTarget()
    full, _ = engine(state, MemorySource(records), target)
    full.run(Selection(full.spec.source))
    calls = target.write_calls
    # Activity: a new ticket, a new comment and a tag on ticket 4, a renamed contact.
    records["ticket"].append(Ticket(source_id="31", subject="New", requester_id="u1"))
    records["ticket"][3].comments.append(Comment(source_id="4-c9", author_id="u4",
                                                 body_html="<p>more</p>"))
    records["ticket"][3].tags.append("escalated")
    records["contact"][2].name = "Renamed"
    delta, run = engine(state, MemorySource(records), target, mode="delta")
    assert delta.run(Selection(delta.spec.source)) == st.COMPLETED
    assert len(target.store["ticket"]) == 31
    assert target.added_comments == ["4-c9"]
    ticket_4 = state.target_id(delta.spec.migration_id, "ticket", "4")
    assert "escalated" in target.store["ticket"][ticket_4].tags
    assert {k: v[st.MIGRATED] for k, v in state.tally(run).items()} == {
        "ticket": 2, "contact": 1}
    assert target.write_calls - calls == 3  # one create, one ticket update, one contact
    calls = target.write_calls
    again, run2 = engine(state, MemorySource(records), target, mode="delta")
    again.run(Selection(again.spec.source))
    assert target.write_calls == calls and state.tally(run2) == {}


def test_a_record_the_stream_repeats_is_written_once(state):
    records = sample_records()
    records["ticket"] += records["ticket"][:15]  # an export that lists tickets again
    target = MemoryTarget()
    eng, run = engine(state, MemorySource(records), target)
    assert eng.run(Selection(eng.spec.source)) == st.COMPLETED
    assert len(target.store["ticket"]) == 30
    assert state.tally(run)["ticket"][st.MIGRATED] == 30


def test_what_the_source_noticed_on_a_record_is_reported_once(state):
    records = sample_records()
    odd = records["ticket"][4]
    odd.warnings = ["'via' is str 'Web form', not an object; channel read as 'web_form'"]
    eng, run = engine(state, MemorySource(records), MemoryTarget())
    assert eng.run(Selection(eng.spec.source)) == st.COMPLETED
    assert [(w["kind"], w["source_id"], w["message"]) for w in state.warnings(run)] == [
        ("ticket", odd.source_id, odd.warnings[0])]
    assert state.tally(run)["ticket"][st.MIGRATED] == 30
