"""Faults and bad records never cost data: an unreadable source record is one failed
record; a write that raised is looked up before it is written again; a batch refused as a
whole is retried record by record; pending records of an earlier run are looked for before
a new run writes them; a ticket whose people the target lacks says so."""

from __future__ import annotations

import pytest
from memory_connectors import MemorySource, MemoryTarget, sample_records
from test_engine import bare_pm, engine

from deskmigrate import hookimpl
from deskmigrate.core import state as st
from deskmigrate.core.records import Ticket, Unreadable, readable
from deskmigrate.core.selection import Selection


@pytest.fixture
def state(tmp_path):
    return st.StateStore(tmp_path / "state.sqlite")


def outcomes(state, run, kind="ticket"):
    return {o["source_id"]: o for o in state.outcomes(run) if o["kind"] == kind}


def test_an_unreadable_source_record_is_a_failed_record_not_a_dead_run(state):
    records = sample_records(tickets=6)
    records["ticket"].insert(2, Unreadable(
        source_id="99", reason="the source record cannot be read (ValueError: Invalid "
                               "isoformat string: 'yesterday')"))
    target = MemoryTarget()
    eng, run = engine(state, MemorySource(records), target)
    assert eng.run(Selection(eng.spec.source)) == st.COMPLETED
    assert len(target.store["ticket"]) == 6
    assert outcomes(state, run)["99"]["status"] == st.FAILED
    assert "yesterday" in outcomes(state, run)["99"]["reason"]


def test_a_converter_that_raises_gives_an_unreadable_record_with_the_reason():
    def convert():
        raise ValueError("Invalid isoformat string: 'yesterday'")

    record = readable(41, convert)
    assert isinstance(record, Unreadable) and record.source_id == "41"
    assert record.reason == ("the source record cannot be read (ValueError: Invalid "
                             "isoformat string: 'yesterday')")
    assert readable(42, lambda: Ticket(source_id="42", subject="fine")).subject == "fine"


def test_a_write_that_raised_is_looked_up_never_written_twice(state):
    target = MemoryTarget()
    target.explode = {"5"}  # its batch (tickets 1-10) lands, then the call raises
    eng, run = engine(state, MemorySource(sample_records(tickets=12)), target)
    assert eng.run(Selection(eng.spec.source)) == st.COMPLETED
    assert sorted(t.subject for t in target.store["ticket"].values()) == sorted(
        f"Ticket {i}" for i in range(1, 13))
    assert state.tally(run)["ticket"][st.MIGRATED] == 12


def test_a_batch_refused_as_a_whole_is_retried_record_by_record(state):
    target = MemoryTarget()
    target.refuse_batches = 1
    eng, run = engine(state, MemorySource(sample_records(tickets=12)), target)
    assert eng.run(Selection(eng.spec.source)) == st.COMPLETED
    assert state.tally(run)["ticket"] == {st.MIGRATED: 12, st.SKIPPED: 0, st.FAILED: 0,
                                          st.PENDING: 0}
    assert len(target.store["ticket"]) == 12


def test_a_new_run_looks_for_what_a_crashed_run_left_pending(state):
    records = sample_records(tickets=12)
    target = MemoryTarget()
    target.lose = {"3"}  # written, then the process dies before the answer
    eng, first = engine(state, MemorySource(records), target)
    with pytest.raises(SystemExit):
        eng.run(Selection(eng.spec.source))
    state.set_status(first, st.INTERRUPTED)
    fresh, second = engine(state, MemorySource(records), target)  # not a resume
    assert fresh.run(Selection(fresh.spec.source)) == st.COMPLETED
    assert len(target.store["ticket"]) == 12  # the crashed batch was found, not rewritten


def test_a_ticket_whose_requester_the_target_lacks_says_the_default_agent_stands_in(state):
    target = MemoryTarget()
    target.fail = {"u1"}  # contact u1 is refused: tickets 1, 6, 11 lose their requester
    eng, run = engine(state, MemorySource(sample_records(tickets=12)), target)
    eng.run(Selection(eng.spec.source))
    warned = {w["source_id"]: w["message"] for w in state.warnings(run)
              if w["kind"] == "ticket"}
    assert sorted(warned, key=int) == ["1", "6", "11"]
    assert warned["1"] == "its requester u1 is not in the target; the default agent stands in"


class _Recording(MemoryTarget):
    """Remembers the subjects of the tickets it was asked to find."""

    def __init__(self) -> None:
        super().__init__()
        self.looked_for: list[str] = []

    def find(self, kind, record, ctx):
        if isinstance(record, Ticket):
            self.looked_for.append(record.subject)
        return super().find(kind, record, ctx)


class _Marker:
    """A pipeline hook changing every ticket, as an option does (inline images off strips
    inline files)."""

    @hookimpl
    def prepare_record(self, context, kind, record):
        if isinstance(record, Ticket) and not record.subject.startswith("[prepared] "):
            record.subject = "[prepared] " + record.subject


def test_a_look_up_after_a_crash_sees_the_record_as_the_options_made_it(state):
    """A target's find() may complete what a crash left half-written (JSM, Intercom): it must
    be given the record the write would have had, not the raw one (a resumed FD -> JSM run
    uploaded inline images the option had stripped)."""
    records = sample_records(tickets=12)
    target = _Recording()
    target.lose = {"3"}
    eng, first = engine(state, MemorySource(records), target, pm=bare_pm(_Marker()))
    with pytest.raises(SystemExit):
        eng.run(Selection(eng.spec.source))
    state.set_status(first, st.INTERRUPTED)
    fresh, _ = engine(state, MemorySource(sample_records(tickets=12)), target,
                      pm=bare_pm(_Marker()))
    assert fresh.run(Selection(fresh.spec.source)) == st.COMPLETED
    assert target.looked_for and all(s.startswith("[prepared] ") for s in target.looked_for)
    assert len(target.store["ticket"]) == 12
