"""Crash safety both ways: SIGKILL at several points then resume, and random 429 / 500 /
dropped connections on both sides, each giving exactly the target an uninterrupted run
gives (nothing missing, nothing twice, nothing metered twice)."""

from __future__ import annotations

import pytest
from e2e_runs import count, kill_and_resume
from jsm_e2e_support import TICKETS, write_config
from test_jira_sm_e2e import assert_jsm_in_zendesk, assert_zendesk_in_jsm, migrate
from test_jira_sm_freshdesk import assert_freshdesk_in_jsm, assert_jsm_in_freshdesk

MIGRATED = "SELECT count(*) >= {n} FROM outcomes WHERE kind='{kind}' AND status='migrated'"
PENDING = "SELECT count(*) FROM outcomes WHERE kind='ticket' AND status='pending'"
# Into JSM and Freshdesk tickets are written one by one; into Zendesk all ten go in one
# import job.
ONE_BY_ONE = [MIGRATED.format(n=1, kind="contact"), PENDING,
              MIGRATED.format(n=3, kind="ticket"), MIGRATED.format(n=7, kind="ticket")]
KILL_POINTS = {
    "jira_sm": ONE_BY_ONE, "freshdesk": ONE_BY_ONE,
    "zendesk": [MIGRATED.format(n=1, kind="agent"), MIGRATED.format(n=1, kind="company"),
                MIGRATED.format(n=1, kind="contact"), PENDING],
}
DIRECTIONS = [("zendesk", "jira_sm"), ("jira_sm", "zendesk"), ("freshdesk", "jira_sm"),
              ("jira_sm", "freshdesk")]
CHECKS = {("zendesk", "jira_sm"): assert_zendesk_in_jsm,
          ("jira_sm", "zendesk"): assert_jsm_in_zendesk,
          ("freshdesk", "jira_sm"): assert_freshdesk_in_jsm,
          ("jira_sm", "freshdesk"): assert_jsm_in_freshdesk}


@pytest.mark.slow
@pytest.mark.parametrize("source_platform,target_platform", DIRECTIONS)
def test_sigkill_at_several_points_then_resume(tmp_path, pair, source_platform,
                                               target_platform):
    source, target = pair(source_platform, target_platform)
    db = tmp_path / "state.db"
    kills, result = kill_and_resume(write_config(tmp_path / "c.toml", source, target), db,
                                    KILL_POINTS[target_platform])
    assert kills >= 3, "the run finished before the kill points were reached"
    assert result["status"] == "completed"
    assert result["records"]["ticket"]["migrated"] == TICKETS
    CHECKS[source_platform, target_platform](source, target)
    assert count(db, "SELECT count(*) FROM meter_events WHERE record_type='ticket'") == TICKETS


@pytest.mark.parametrize("source_platform,target_platform", DIRECTIONS)
def test_faults_on_both_sides_still_give_an_exact_target(tmp_path, pair, source_platform,
                                                         target_platform):
    source, target = pair(source_platform, target_platform, faults=0.05)
    result = migrate(tmp_path, source, target)
    assert result["status"] == "completed"
    assert result["records"]["ticket"]["failed"] == 0
    pair.quiet()
    CHECKS[source_platform, target_platform](source, target)
