"""The state store: idempotent meter events, write-ahead outcomes, the id map."""

from __future__ import annotations

import sqlite3

import pytest

from deskmigrate.core import state as st


def results(*ids, status=st.MIGRATED):
    return [{"source_id": i, "status": status, "target_id": f"t{i}" if status == st.MIGRATED
             else None, "reason": None if status == st.MIGRATED else "bad",
             "children": [("comment", f"c{i}", None)]} for i in ids]


def test_replayed_results_are_metered_once(tmp_path):
    s = st.StateStore(tmp_path / "s.sqlite")
    mid = s.migration_for("zendesk", "https://a.zendesk.com/", "freshdesk", "https://b")
    assert s.migration_for("zendesk", "https://a.zendesk.com", "freshdesk", "https://b") == mid
    run = s.start_run(mid, "full", config={}, options={})
    s.mark_pending(run, "ticket", ["1", "2"])
    assert s.pending(run, "ticket") == ["1", "2"]
    for _ in range(3):
        s.record_results(run, mid, "full", "ticket", results("1", "2"), billable=True)
    assert s.pending(run, "ticket") == []
    assert len(s.meter_events(mid)) == 2
    assert s.id_map(mid, "ticket") == {"1": "t1", "2": "t2"}
    assert s.id_map(mid, "comment") == {"c1": None, "c2": None}
    assert s.tally(run)["ticket"][st.MIGRATED] == 2


def test_failed_and_skipped_records_are_neither_mapped_nor_metered(tmp_path):
    s = st.StateStore(tmp_path / "s.sqlite")
    mid = s.migration_for("a", "https://a", "b", "https://b")
    run = s.start_run(mid, "full", config={}, options={})
    s.record_results(run, mid, "full", "contact", results("7", status=st.FAILED),
                     billable=True)
    s.record_results(run, mid, "full", "contact", results("8", status=st.SKIPPED),
                     billable=True)
    assert s.meter_events(mid) == []
    assert s.id_map(mid, "contact") == {}
    assert s.tally(run)["contact"] == {st.MIGRATED: 0, st.SKIPPED: 1, st.FAILED: 1,
                                       st.PENDING: 0}


def test_rollback_bookkeeping_keeps_matched_records(tmp_path):
    s = st.StateStore(tmp_path / "s.sqlite")
    mid = s.migration_for("a", "https://a", "b", "https://b")
    run = s.start_run(mid, "demo", config={}, options={})
    rows = results("1", "2")
    rows[1]["matched"] = True
    s.record_results(run, mid, "demo", "agent", rows, billable=True)
    assert s.created_by(run, "agent") == ["t1"]
    s.forget_run(run, "agent")
    assert s.id_map(mid, "agent") == {}


def test_reopening_keeps_everything(tmp_path):
    path = tmp_path / "s.sqlite"
    s = st.StateStore(path)
    mid = s.migration_for("a", "https://a", "b", "https://b")
    run = s.start_run(mid, "full", config={"x": 1}, options={"add_tag": "t"})
    s.mark_pending(run, "ticket", ["7"])
    again = st.StateStore(path)
    assert again.run(run)["options"] == {"add_tag": "t"}
    assert again.pending(run, "ticket") == ["7"]


def test_a_batch_is_committed_whole_or_not_at_all(tmp_path):
    s = st.StateStore(tmp_path / "s.sqlite")
    mid = s.migration_for("a", "https://a", "b", "https://b")
    run = s.start_run(mid, "full", config={}, options={})
    broken = results("1")
    broken[0]["children"] = [("comment", object(), None)]  # cannot be stored: the write fails
    with pytest.raises(sqlite3.Error):
        s.record_results(run, mid, "full", "ticket", broken, billable=True)
    assert s.outcome_status(run, "ticket") == {}
    assert s.id_map(mid, "ticket") == {} and s.meter_events(mid) == []
