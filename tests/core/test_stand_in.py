"""The default agent (who stands in for an author the target has no user for) is asked of the
target once, before the first batch that may need it is written, and not at all when every
person a run's records name is mapped: a delta of a few changes spends no request on it."""

from __future__ import annotations

import pytest
from memory_connectors import MemorySource, MemoryTarget, sample_records
from test_engine import bare_pm

from deskmigrate.core import state as st
from deskmigrate.core.connector import Identity
from deskmigrate.core.engine import Engine
from deskmigrate.core.errors import DeskmigrateError
from deskmigrate.core.runspec import RunSpec
from deskmigrate.core.selection import Selection


class AskedTarget(MemoryTarget):
    """Notes each time it is asked who it is, and how many tickets it held then."""

    def __init__(self) -> None:
        super().__init__()
        self.asked_with_tickets: list[int] = []

    def check(self) -> Identity:
        self.asked_with_tickets.append(len(self.store["ticket"]))
        return super().check()


def engine(state: st.StateStore, target: MemoryTarget, *, run_id: int | None = None,
           default_agent_email: str | None = None) -> tuple[Engine, int]:
    mid = state.migration_for("memory", "https://a", "memory", "https://b")
    run_id = run_id or state.start_run(mid, "full", config={}, options={})
    return Engine(RunSpec(state=state, pm=bare_pm(), source=MemorySource(sample_records()),
                          target=target, source_platform="memory", target_platform="memory",
                          migration_id=mid, run_id=run_id, mode="full", concurrency=3,
                          default_agent_email=default_agent_email)), run_id


@pytest.fixture
def state(tmp_path):
    return st.StateStore(tmp_path / "state.sqlite")


def test_a_run_whose_people_are_all_mapped_never_asks_for_the_stand_in(state):
    target = AskedTarget()
    eng, _ = engine(state, target)
    assert eng.run(Selection(eng.spec.source)) == st.COMPLETED
    assert len(target.store["ticket"]) == 30
    assert target.asked_with_tickets == []


def test_the_stand_in_is_asked_once_before_the_first_ticket_needing_it(state):
    target = AskedTarget()
    target.fail = {"a2"}  # a2 is not migrated: the default agent stands in for it
    eng, _ = engine(state, target)
    assert eng.run(Selection(eng.spec.source)) == st.COMPLETED
    assert target.asked_with_tickets == [0]  # once, and no ticket was written before
    # tickets 3, 6, …, 30 are assigned to a2: 10 of the 30
    assert sum(r["assignee"] == "agent-default" for r in target.resolved.values()) == 10


def test_a_default_agent_the_target_lacks_stops_the_run_before_the_batch_then_resumes(state):
    target = AskedTarget()
    target.fail = {"a2"}
    eng, run = engine(state, target, default_agent_email="nobody@x.test")
    with pytest.raises(DeskmigrateError, match="The default agent nobody@x.test is not an agent"):
        eng.run(Selection(eng.spec.source))
    assert state.run(run)["status"] == st.INTERRUPTED
    assert target.store["ticket"] == {}
    assert st.PENDING not in state.tally(run).get("ticket", {})
    again, _ = engine(state, target, run_id=run)  # resumed with the config's line removed
    assert again.run(Selection(again.spec.source)) == st.COMPLETED
    assert len(target.store["ticket"]) == 30  # each ticket once
