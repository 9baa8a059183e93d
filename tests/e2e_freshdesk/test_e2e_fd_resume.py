"""Crash safety both ways: SIGKILL at several points then resume, and random 429 / 500 /
dropped connections on both sides, each giving exactly the target an uninterrupted run
gives (nothing missing, nothing twice, nothing billed twice)."""

from __future__ import annotations

import pytest
from e2e_runs import count, kill_and_resume
from fd_e2e_support import TICKETS, cli_json, write_config
from test_e2e_freshdesk_to_zendesk import assert_freshdesk_kept
from test_e2e_zendesk_to_freshdesk import assert_zendesk_kept

KILL_POINTS = [
    "SELECT count(*) FROM outcomes WHERE kind='contact' AND status='migrated'",
    "SELECT count(*) FROM outcomes WHERE kind='ticket' AND status='pending'",
    "SELECT count(*) >= 20 FROM outcomes WHERE kind='ticket' AND status='migrated'",
    "SELECT count(*) >= 45 FROM outcomes WHERE kind='ticket' AND status='migrated'",
]


def _check(direction: str, source, target, db) -> None:
    if direction == "zendesk":
        assert_zendesk_kept(source, target, db, fd_agents=set())
    else:
        assert_freshdesk_kept(source, target)


DIRECTIONS = [("zendesk", "freshdesk"), ("freshdesk", "zendesk")]


@pytest.mark.slow
@pytest.mark.parametrize("source_platform,target_platform", DIRECTIONS)
def test_sigkill_at_several_points_then_resume(tmp_path, pair, source_platform,
                                               target_platform):
    source, target = pair(source_platform, target_platform)
    db = tmp_path / "state.db"
    kills, result = kill_and_resume(write_config(tmp_path / "c.toml", source, target), db,
                                    KILL_POINTS)
    assert kills >= 3, "the run finished before the kill points were reached"
    assert result["status"] == "completed"
    assert result["records"]["ticket"]["migrated"] == TICKETS
    _check(source_platform, source, target, db)
    assert count(db, "SELECT count(*) FROM meter_events WHERE record_type='ticket'") == TICKETS


@pytest.mark.parametrize("source_platform,target_platform", DIRECTIONS)
def test_faults_on_both_sides_still_give_an_exact_target(tmp_path, pair, source_platform,
                                                         target_platform):
    source, target = pair(source_platform, target_platform, faults=0.05)
    db = tmp_path / "state.db"
    result = cli_json(db, "migrate", "--config",
                      str(write_config(tmp_path / "c.toml", source, target)))
    assert result["status"] == "completed"
    assert result["records"]["ticket"]["failed"] == 0
    pair.quiet()
    _check(source_platform, source, target, db)
