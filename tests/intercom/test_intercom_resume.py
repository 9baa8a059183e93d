"""Crash safety both ways: SIGKILL at several points then resume, and random 429 / 500 /
dropped connections on both sides; each gives exactly what an uninterrupted run gives
(nothing missing, nothing twice, nothing billed twice)."""

from __future__ import annotations

import intercom_reader
import pytest
from e2e_accounts import id_map
from e2e_runs import count, kill_and_resume
from ic_e2e import assert_intercom_in_zendesk, cli_json, write_config, zendesk_snapshot
from test_intercom_e2e import check_zendesk_to_intercom
from test_intercom_freshdesk import check_freshdesk_to_intercom, check_intercom_to_freshdesk

KILL_POINTS = [
    "SELECT count(*) FROM outcomes WHERE kind='contact' AND status='migrated'",
    "SELECT count(*) FROM outcomes WHERE kind='ticket' AND status='pending'",
    "SELECT count(*) >= 4 FROM outcomes WHERE kind='ticket' AND status='migrated'",
    "SELECT count(*) >= 9 FROM outcomes WHERE kind='ticket' AND status='migrated'",
]


def check(source, target, db) -> None:
    if source.platform == "zendesk":
        check_zendesk_to_intercom(source, target, db)
        return
    if source.platform == "freshdesk":
        check_freshdesk_to_intercom(source, target, db)
        return
    if target.platform == "freshdesk":
        check_intercom_to_freshdesk(source, target, db)
        return
    expected = intercom_reader.snapshot(source.url, source.credentials)
    actual = zendesk_snapshot(target)
    mapping = id_map(db, "ticket")
    assert sorted(mapping) == sorted([*expected, *(k for k in mapping if "ticket-" in k)])
    assert len(set(mapping.values())) == len(mapping) == len(actual)  # nothing twice
    for cid, conversation in expected.items():
        assert_intercom_in_zendesk(conversation, actual[mapping[cid]])


DIRECTIONS = [("zendesk", "intercom"), ("intercom", "zendesk"), ("freshdesk", "intercom"),
              ("intercom", "freshdesk")]


@pytest.mark.slow
@pytest.mark.parametrize("source_platform,target_platform", DIRECTIONS)
def test_sigkill_at_several_points_then_resume(tmp_path, pair, source_platform,
                                               target_platform):
    source, target, _, _ = pair(source_platform, target_platform)
    db = tmp_path / "state.db"
    kills, result = kill_and_resume(write_config(tmp_path / "c.toml", source, target), db,
                                    KILL_POINTS)
    assert kills >= 3, "the run finished before the kill points were reached"
    assert result["status"] == "completed"
    assert result["records"]["ticket"]["failed"] == 0
    check(source, target, db)
    migrated = result["records"]["ticket"]["migrated"]
    assert count(db, "SELECT count(*) FROM meter_events WHERE record_type='ticket'") == migrated


@pytest.mark.parametrize("source_platform,target_platform", DIRECTIONS)
def test_faults_on_both_sides_still_give_an_exact_target(tmp_path, pair, source_platform,
                                                         target_platform):
    source, target, source_app, target_app = pair(source_platform, target_platform,
                                                  faults=0.05)
    db = tmp_path / "state.db"
    result = cli_json(db, "migrate", "--config",
                      str(write_config(tmp_path / "c.toml", source, target)))
    assert result["status"] == "completed"
    assert result["records"]["ticket"]["failed"] == 0
    injected = [*source_app.faults.injected.values(), *target_app.faults.injected.values()]
    assert sum(injected) > 5
    source_app.faults.rate = target_app.faults.rate = 0.0
    check(source, target, db)
