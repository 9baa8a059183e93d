"""What a Zendesk → Zendesk delta costs besides the changes: the target is asked who it acts
as once per run (not once to check and again to start the engine), and a delta does not
check the source's credentials apart: its first read proves them, before anything is written."""

from __future__ import annotations

from zendesk_support import URL, Recording, sandbox

from deskmigrate.core import host
from deskmigrate.core import runner as rn
from deskmigrate.core.config import parse
from deskmigrate.core.state import StateStore

ME = "/api/v2/users/me.json"


def test_a_delta_asks_the_target_who_it_is_once_and_the_source_not_apart(tmp_path):
    source = sandbox(tmp_path / "source.sqlite", tickets=4)
    target = sandbox(tmp_path / "target.sqlite", tickets=0, seed=2)
    config = parse({
        "source": {"platform": "zendesk", "url": URL, "rate_limit": 100_000,
                   **source.credentials()},
        "target": {"platform": "zendesk", "url": URL, "rate_limit": 100_000,
                   **target.credentials()},
        "billing": {"enforce": False}})
    state = StateStore(tmp_path / "state.db")
    pm = host.new_plugin_manager()

    def run(mode: str, base: int | None = None) -> tuple[dict, Recording, Recording]:
        sides = Recording(source.transport()), Recording(target.transport())
        launch = rn.Launch(transports={"source": sides[0], "target": sides[1]})
        return (rn.start_run(config, mode, state=state, pm=pm, launch=launch,
                             base_run_id=base), *sides)

    full, full_source, full_target = run("full")
    assert full["status"] == "completed"
    assert full_source.paths.count(ME) == 1  # a full run checks the source first
    assert full_target.paths.count(ME) == 1  # the default agent, looked up once

    delta, delta_source, delta_target = run("delta", full["run_id"])
    assert delta["status"] == "completed"
    assert ME not in delta_source.paths
    assert delta_target.paths.count(ME) == 1
    assert delta_source.paths[0] == "/api/v2/ticket_fields.json"  # the first read


def test_a_delta_with_a_refused_source_token_stops_before_writing(tmp_path):
    source = sandbox(tmp_path / "source.sqlite", tickets=2)
    target = sandbox(tmp_path / "target.sqlite", tickets=0, seed=2)
    good = {"platform": "zendesk", "url": URL, "rate_limit": 100_000}
    state = StateStore(tmp_path / "state.db")
    pm = host.new_plugin_manager()
    target_side = Recording(target.transport())
    launch = rn.Launch(transports={"source": source.transport(), "target": target_side})
    full = rn.start_run(parse({"source": {**good, **source.credentials()},
                               "target": {**good, **target.credentials()},
                               "billing": {"enforce": False}}),
                        "full", state=state, pm=pm, launch=launch)
    wrong = {**source.credentials(), "token": "not-the-token"}
    config = parse({"source": {**good, **wrong}, "target": {**good, **target.credentials()},
                    "billing": {"enforce": False}})
    target_side.paths.clear()

    try:
        rn.start_run(config, "delta", state=state, pm=pm, launch=launch,
                     base_run_id=full["run_id"])
    except rn.RunInterrupted as exc:  # the run says why and how to carry on
        assert "refused the credentials" in str(exc) and "resume" in str(exc)
    else:
        raise AssertionError("a delta with a refused source token must stop")
    assert target_side.paths == [ME]  # the default agent only: nothing written
