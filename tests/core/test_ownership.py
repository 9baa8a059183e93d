"""What a run owns: only records it created (proven by its stamp, or by having looked and
found nothing before creating); rollback deletes those and nothing else, counts only what
the target confirmed, and never touches what a later run adopted."""

from __future__ import annotations

import pytest
from memory_connectors import MemorySource, MemoryTarget, sample_records
from test_engine import KINDS, engine

from deskmigrate.core import state as st
from deskmigrate.core.errors import DeskmigrateError
from deskmigrate.core.records import Agent, Contact, Group
from deskmigrate.core.runner import rollback
from deskmigrate.core.selection import DemoSelection, Selection


@pytest.fixture
def state(tmp_path):
    return st.StateStore(tmp_path / "state.sqlite")


def records_with_new_group():
    records = sample_records(tickets=12)
    records["group"].append(Group(source_id="g2", name="Billing"))
    return records


def target_holding_some_of_them():
    """A target that already has the agent Ann, the contact u1 and the group Support."""
    target = MemoryTarget()
    before = {
        ("agent", target.preexisting("agent", Agent(source_id="x", name="Ann (theirs)",
                                                     email="ann@x.test"))),
        ("contact", target.preexisting("contact", Contact(source_id="y", name="U1 (theirs)",
                                                           email="u1@x.test"))),
        ("group", target.preexisting("group", Group(source_id="z", name="Support"))),
    }
    return target, before


def left_in(target):
    return {(kind, tid) for kind, items in target.store.items() for tid in items}


def test_ambiguous_writes_never_make_a_natural_key_match_ours(state):
    target, before = target_holding_some_of_them()
    # every one of these writes lands, then its answer is lost: matched (a1, u1, g1) and
    # created (u2, g2, a ticket batch) alike are settled by find()
    target.ambiguous = {"g1", "g2", "a1", "u1", "u2", "3"}
    eng, run = engine(state, MemorySource(records_with_new_group()), target)
    assert eng.run(Selection(eng.spec.source)) == st.COMPLETED
    assert state.tally(run)["ticket"][st.MIGRATED] == 12
    assert len(target.store["ticket"]) == 12  # nothing written twice

    deleted = rollback(state, target, run)
    assert left_in(target) == before  # what was there before is all that is left
    # 12 tickets, contacts u0, u2, u3, u4, agent Bob, group Billing (worked out by hand)
    assert deleted == {"ticket": 12, "contact": 4, "agent": 1, "group": 1}
    assert state.status(run) == st.ROLLED_BACK


def test_killed_while_creating_an_unstamped_record_resume_owns_it(state):
    target, before = target_holding_some_of_them()
    target.lose = {"g2"}  # the group is created, then the process dies before the answer
    records = records_with_new_group()
    eng, run = engine(state, MemorySource(records), target)
    with pytest.raises(SystemExit):
        eng.run(Selection(eng.spec.source))
    again, _ = engine(state, MemorySource(records), target, run_id=run)
    assert again.run(Selection(again.spec.source)) == st.COMPLETED
    assert [g.name for g in target.store["group"].values()] == ["Support", "Billing"]
    rollback(state, target, run)
    assert left_in(target) == before


def test_rollback_straight_after_a_kill_looks_up_the_writes_whose_answer_was_lost(state):
    target, before = target_holding_some_of_them()
    target.lose = {"g2"}  # the group is created, then the process dies before the answer
    records = records_with_new_group()
    eng, run = engine(state, MemorySource(records), target)
    with pytest.raises(SystemExit):
        eng.run(Selection(eng.spec.source))
    state.interrupt(run, "killed")  # its process is gone (in a real kill, the lease says so)
    assert "Billing" in [g.name for g in target.store["group"].values()]
    target.find_ambiguous = {"g2": 99}  # the target cannot tell: nothing is decided
    with pytest.raises(DeskmigrateError, match="could not tell whether 1 records"):
        rollback(state, target, run, source=MemorySource(records))
    assert state.status(run) != st.ROLLED_BACK
    target.find_ambiguous = {}
    assert rollback(state, target, run, source=MemorySource(records)) == {"group": 1}
    assert left_in(target) == before  # Support (theirs, matched) is still there
    assert state.status(run) == st.ROLLED_BACK


def test_rollback_of_a_demo_leaves_what_a_later_full_run_adopted(state):
    records = sample_records(tickets=12)
    target = MemoryTarget()
    demo, demo_run = engine(state, MemorySource(records), target, mode="demo")
    demo.run(DemoSelection(demo.spec.source, seed=1, tickets=4, kinds=KINDS))
    full, full_run = engine(state, MemorySource(records), target)
    full.run(Selection(full.spec.source))
    assert len(target.store["ticket"]) == 12
    prints = state.fingerprints(full.spec.migration_id, "ticket")
    assert len(prints) == 12 and None not in prints.values()  # carried over with them

    assert rollback(state, target, demo_run) == {}  # a second demo starts with this
    assert len(target.store["ticket"]) == 12 and len(target.store["contact"]) == 5
    assert len(state.id_map(full.spec.migration_id, "ticket")) == 12
    assert rollback(state, target, full_run)["ticket"] == 12
    assert left_in(target) == set()


def test_rollback_counts_only_confirmed_deletions_and_keeps_the_rest_mapped(state):
    target = MemoryTarget()
    eng, run = engine(state, MemorySource(sample_records(tickets=5)), target)
    eng.run(Selection(eng.spec.source))
    refused = set(list(target.store["ticket"])[:2])
    target.undeletable = set(refused)
    assert rollback(state, target, run)["ticket"] == 3
    assert state.status(run) != st.ROLLED_BACK
    assert set(state.created_by(run, "ticket")) == refused
    target.undeletable = set()
    assert rollback(state, target, run) == {"ticket": 2}
    assert state.status(run) == st.ROLLED_BACK and left_in(target) == set()


def test_an_ambiguous_find_is_one_more_attempt_never_a_run_error(state):
    target = MemoryTarget()
    target.ambiguous = {"4", "9"}
    target.find_ambiguous = {"4": 1, "9": 99}  # 4 settles on the second look; 9 never
    eng, run = engine(state, MemorySource(sample_records(tickets=12)), target)
    assert eng.run(Selection(eng.spec.source)) == st.COMPLETED
    outcomes = {o["source_id"]: o for o in state.outcomes(run) if o["kind"] == "ticket"}
    assert outcomes["4"]["status"] == st.MIGRATED
    assert outcomes["9"]["status"] == st.PENDING  # a resume looks for it again
    assert "could not tell" in outcomes["9"]["reason"]
    assert len(target.store["ticket"]) == 12  # nothing written twice


def test_option_usage_adds_up_across_a_kill_and_resume(state):
    from test_engine import TagAndSkip, bare_pm
    records = sample_records()
    target = MemoryTarget()
    target.lose = {"22"}  # killed after the batch holding ticket 22 was written
    eng, run = engine(state, MemorySource(records), target, pm=bare_pm(TagAndSkip()))
    with pytest.raises(SystemExit):
        eng.run(Selection(eng.spec.source))
    again, _ = engine(state, MemorySource(records), target, run_id=run,
                      pm=bare_pm(TagAndSkip()))
    assert again.run(Selection(again.spec.source)) == st.COMPLETED
    again, _ = engine(state, MemorySource(records), target, run_id=run,
                      pm=bare_pm(TagAndSkip()))
    again.run(Selection(again.spec.source))  # a resume with nothing left adds nothing
    events = [e["source_id"] for e in state.meter_events(eng.spec.migration_id)
              if e["record_type"] == "option:add_tag"]
    assert events == ["29"]  # 30 tickets, ticket 3 skipped: 29 tagged, counted once each


def test_a_record_completed_by_find_after_a_kill_has_its_options(state):
    from test_engine import TagAndSkip, bare_pm

    class Completing(MemoryTarget):
        """find() completes what it finds from the record it is given (Freshdesk adds the
        missing notes): that record must have been through the options already."""

        def __init__(self):
            super().__init__()
            self.seen = []

        def find(self, kind, record, ctx):
            self.seen.append((record.source_id, list(getattr(record, "tags", []))))
            return super().find(kind, record, ctx)

    records = sample_records()
    target = Completing()
    target.lose = {"22"}  # killed after the batch holding ticket 22 was written
    eng, run = engine(state, MemorySource(records), target, pm=bare_pm(TagAndSkip()))
    with pytest.raises(SystemExit):
        eng.run(Selection(eng.spec.source))
    again, _ = engine(state, MemorySource(sample_records()), target, run_id=run,
                      pm=bare_pm(TagAndSkip()))
    assert again.run(Selection(again.spec.source)) == st.COMPLETED
    found = [(sid, tags) for sid, tags in target.seen if sid.isdigit()]
    assert "22" in {sid for sid, _ in found}  # the lost batch was looked up
    assert all(tags == ["t", "migrated"] for _, tags in found), found
