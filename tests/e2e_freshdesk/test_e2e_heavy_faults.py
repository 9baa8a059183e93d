"""30 % of answers on both sides are a 429, a 500 or a dropped connection, both ways: one
`migrate` completes (no abort, nothing failed), the target equals the source, nothing is
in the target that the id map does not know, and a second `migrate` adds nothing."""

from __future__ import annotations

import pytest
from e2e_runs import count
from fd_e2e_support import TICKETS, cli_json, id_map, write_config
from test_e2e_fd_resume import DIRECTIONS, _check


@pytest.mark.slow
@pytest.mark.parametrize("source_platform,target_platform", DIRECTIONS)
def test_thirty_percent_faults_complete_exactly_once(tmp_path, pair, source_platform,
                                                     target_platform):
    source, target = pair(source_platform, target_platform, faults=0.30)
    db, config = tmp_path / "state.db", write_config(tmp_path / "c.toml", source, target)
    result = cli_json(db, "migrate", "--config", str(config))
    assert result["status"] == "completed"
    assert {kind: n["failed"] for kind, n in result["records"].items() if n["failed"]} == {}
    pair.quiet()
    _check(source_platform, source, target, db)  # equal, and the id map is the whole target
    again = cli_json(db, "migrate", "--config", str(config))
    assert again["status"] == "completed"
    _check(source_platform, source, target, db)  # nothing twice
    assert len(id_map(db, "ticket")) == TICKETS
    assert count(db, "SELECT count(*) FROM outcomes WHERE status='pending'") == 0
