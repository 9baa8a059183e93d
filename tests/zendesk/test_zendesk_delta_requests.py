"""What a Zendesk → Zendesk delta costs besides the changes: nothing is asked up front. Its
first read proves the source's credentials, a refused write proves nothing was written, and
the target is asked for its default agent only before a record that may need one (a delta of
tickets whose people were all migrated never asks)."""

from __future__ import annotations

import pytest
from zendesk_support import URL, Recording, api_client, sandbox

from deskmigrate.core import host
from deskmigrate.core import runner as rn
from deskmigrate.core.config import Config, parse
from deskmigrate.core.state import StateStore
from deskmigrate.plugins.zendesk.sandbox import ZendeskSandbox
from deskmigrate.plugins.zendesk.sandbox.activity import simulate

ME = "/api/v2/users/me.json"
GOOD = {"platform": "zendesk", "url": URL, "rate_limit": 100_000}


def config(source: ZendeskSandbox, target: ZendeskSandbox, wrong: str = "") -> Config:
    """Both accounts' settings; ``wrong``: the side whose token is not the account's."""
    sides = {side: {**GOOD, **app.credentials()}
             for side, app in (("source", source), ("target", target))}
    if wrong:
        sides[wrong]["token"] = "not-the-token"
    return parse({**sides, "billing": {"enforce": False}})


@pytest.fixture
def pair(tmp_path):
    source = sandbox(tmp_path / "source.sqlite", tickets=4)
    target = sandbox(tmp_path / "target.sqlite", tickets=0, seed=2)
    yield source, target
    source.store.close()
    target.store.close()


def run(state, cfg: Config, mode: str, source, target, base: int | None = None
        ) -> tuple[dict, Recording, Recording]:
    sides = Recording(source.transport()), Recording(target.transport())
    launch = rn.Launch(transports={"source": sides[0], "target": sides[1]})
    return (rn.start_run(cfg, mode, state=state, pm=host.new_plugin_manager(), launch=launch,
                         base_run_id=base), *sides)


def test_a_delta_of_mapped_people_asks_neither_side_who_it_is(tmp_path, pair):
    source, target = pair
    state = StateStore(tmp_path / "state.db")
    full, full_source, full_target = run(state, config(source, target), "full", *pair)
    assert full["status"] == "completed"
    assert full_source.paths.count(ME) == 1  # a full run checks the source first
    assert full_target.paths.count(ME) == 1  # and looks the default agent up, once
    with api_client(source) as http:  # tickets of existing end users, answered by an agent
        assert simulate(http, new=2, updated=2, seed=3) == {"tickets created": 2,
                                                            "tickets updated": 2}

    delta, delta_source, delta_target = run(state, config(source, target), "delta", *pair,
                                            base=full["run_id"])
    assert delta["status"] == "completed"
    assert delta["records"]["ticket"]["migrated"] == 4
    assert ME not in delta_source.paths and ME not in delta_target.paths
    assert delta_source.paths[0] == "/api/v2/ticket_fields.json"  # the first read


def test_a_delta_with_a_refused_source_token_stops_before_writing(tmp_path, pair):
    source, target = pair
    state = StateStore(tmp_path / "state.db")
    full, *_ = run(state, config(source, target), "full", *pair)
    wrong = config(source, target, wrong="source")
    with pytest.raises(rn.RunInterrupted, match="refused the credentials.*resume"):
        run(state, wrong, "delta", *pair, base=full["run_id"])
    assert len(target.store.query("tickets")) == 4  # nothing written


def test_a_delta_with_a_refused_target_token_writes_nothing_and_resumes(tmp_path, pair):
    source, target = pair
    state = StateStore(tmp_path / "state.db")
    full, *_ = run(state, config(source, target), "full", *pair)
    with api_client(source) as http:
        simulate(http, new=1, updated=1, seed=5)
    wrong = config(source, target, wrong="target")
    with pytest.raises(rn.RunInterrupted, match="refused the credentials.*resume"):
        run(state, wrong, "delta", *pair, base=full["run_id"])
    assert len(target.store.query("tickets")) == 4  # the refused write wrote nothing
    delta_id = max(r["id"] for r in state.runs())
    sides = rn.Launch(transports={"source": source.transport(), "target": target.transport()})
    resumed = rn.resume_run(delta_id, state=state, pm=host.new_plugin_manager(),
                            config=config(source, target), launch=sides)
    assert resumed["status"] == "completed"
    assert len(target.store.query("tickets")) == 5  # the new ticket, once
