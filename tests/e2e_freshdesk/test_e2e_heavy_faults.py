"""30 % of answers on both sides are a 429, a 500 or a dropped connection, both ways: one
`migrate` completes (no abort, nothing failed), the target equals the source, nothing is
in the target that the id map does not know, and a second `migrate` adds nothing. Small
help desks: the faults, not the volume, are what is tested."""

from __future__ import annotations

import sqlite3
from contextlib import ExitStack

import pytest
from fd_e2e_support import FRESHDESK_SEED, ZENDESK_SEED, Account, cli_json, id_map, write_config
from test_e2e_fd_resume import DIRECTIONS, _check

from deskmigrate.core.sandboxes import open_sandbox
from deskmigrate.sandbox import serve_in_thread

TICKETS = 8
SEEDS = {"zendesk": ZENDESK_SEED, "freshdesk": FRESHDESK_SEED}


@pytest.mark.slow
@pytest.mark.parametrize("source_platform,target_platform", DIRECTIONS)
def test_thirty_percent_faults_complete_exactly_once(tmp_path, source_platform,
                                                     target_platform):
    with ExitStack() as stack:
        apps = [open_sandbox(source_platform, tmp_path / "source.sqlite", tickets=TICKETS,
                             seed=SEEDS[source_platform], fault_rate=0.30, fault_seed=1),
                open_sandbox(target_platform, tmp_path / "target.sqlite", tickets=0, seed=0,
                             fault_rate=0.30, fault_seed=2)]
        source, target = (Account(p, stack.enter_context(serve_in_thread(app)),
                                  app.credentials())
                          for p, app in zip((source_platform, target_platform), apps,
                                            strict=True))
        db, config = tmp_path / "state.db", write_config(tmp_path / "c.toml", source, target)
        result = cli_json(db, "migrate", "--config", str(config))
        assert result["status"] == "completed"
        with sqlite3.connect(db) as conn:
            unsettled = conn.execute("SELECT kind, source_id, status, reason FROM outcomes "
                                     "WHERE status IN ('failed', 'pending')").fetchall()
        assert unsettled == []
        for app in apps:
            app.faults.rate = 0.0
        _check(source_platform, source, target, db)  # equal; the id map is the whole target
        again = cli_json(db, "migrate", "--config", str(config))
        assert again["status"] == "completed"
        _check(source_platform, source, target, db)  # nothing twice
        assert len(id_map(db, "ticket")) == TICKETS
