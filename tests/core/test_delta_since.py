"""A delta reads what changed since its base run started, by the source's own stamps: a
source whose clock runs behind this machine's stamps a change made right after the full
run *before* the full run started by our clock. The delta still carries it, and what did
not change is not written again."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from memory_connectors import MemorySource, MemoryTarget, sample_records
from test_engine import engine

from deskmigrate.core import state as st
from deskmigrate.core.records import Comment, Record
from deskmigrate.core.selection import Selection


class StampedSource(MemorySource):
    """Lists only records stamped at or after ``since``, like an incremental export."""

    def __init__(self, records: dict[str, list[Record]],
                 stamps: dict[tuple[str, str], datetime]) -> None:
        super().__init__(records)
        self.stamps = stamps

    def read(self, kind: str, *, since: datetime | None = None) -> Iterator[Record]:
        for record in super().read(kind):
            stamp = self.stamps.get((kind, record.source_id))
            if since is None or (stamp is not None and stamp >= since):
                yield record


@pytest.fixture
def state(tmp_path):
    return st.StateStore(tmp_path / "state.sqlite")


def test_a_change_stamped_by_a_lagging_source_clock_is_carried_once(state):
    records = sample_records(tickets=6)
    target = MemoryTarget()
    full, full_run = engine(state, MemorySource(records), target)
    full.run(Selection(full.spec.source))
    started = datetime.fromisoformat(state.run(full_run)["started_at"])
    # Right after the full run an agent answers ticket 4; the source's clock is 2 minutes
    # behind ours, so the change is stamped before the full run started. Ticket 5 last
    # changed (as the full run wrote it) a minute before the full run.
    records["ticket"][3].comments.append(Comment(source_id="4-c9", author_id="u4",
                                                 body_html="<p>answered</p>"))
    stamps = {("ticket", "4"): started - timedelta(minutes=2),
              ("ticket", "5"): started - timedelta(minutes=1)}
    calls = target.write_calls
    delta, run = engine(state, StampedSource(records, stamps), target, mode="delta")
    assert delta.run(Selection(delta.spec.source, since=started)) == st.COMPLETED
    assert target.added_comments == ["4-c9"]
    assert state.tally(run) == {"ticket": {st.MIGRATED: 1, st.SKIPPED: 0, st.FAILED: 0,
                                           st.PENDING: 0}}
    assert target.write_calls - calls == 1  # ticket 4's update; ticket 5 is unchanged
