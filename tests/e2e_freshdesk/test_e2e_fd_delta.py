"""Delta Zendesk → Freshdesk: after a full run, real activity in the Zendesk source through
its API; the delta brings the new tickets once and the new messages once on the right
tickets (as notes: no email); a second delta writes nothing."""

from __future__ import annotations

import zd_reader
from fd_e2e_support import TICKETS, cli_json, write_config
from test_e2e_zendesk_to_freshdesk import assert_zendesk_kept, seat_agents

from deskmigrate.plugins.zendesk.sandbox.activity import simulate


def test_delta_after_activity_then_nothing(tmp_path, pair):
    source, target = pair("zendesk", "freshdesk")
    fd_agents = seat_agents(source, target)
    db = tmp_path / "state.db"
    full = cli_json(db, "migrate", "--config",
                    str(write_config(tmp_path / "c.toml", source, target)))
    assert full["status"] == "completed"
    with zd_reader.client(source.url, source.credentials) as http:
        assert simulate(http, new=4, updated=6, seed=8) == {"tickets created": 4,
                                                           "tickets updated": 6}
    delta = cli_json(db, "delta", str(full["run_id"]))
    assert delta["status"] == "completed"
    assert delta["records"]["ticket"] == {"total": 10, "migrated": 10, "skipped": 0,
                                          "failed": 0}
    tickets = assert_zendesk_kept(source, target, db, fd_agents)
    assert len(tickets) == TICKETS + 4
    again = cli_json(db, "delta", str(full["run_id"]))
    assert all(row["migrated"] == 0 for row in again["records"].values())
    assert again["requests"]["target_writes"] == 0
