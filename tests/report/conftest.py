"""A demo run through the CLI (built-in sandboxes, made small) into a Freshdesk target that
may refuse tickets or throttle writes (:mod:`report_support`)."""

from __future__ import annotations

import json

import httpx
import pytest
from report_support import REFUSED, SEED, DemoRun, FaultyTarget, invoke

from deskmigrate.core import sandboxes
from deskmigrate.sandbox.app import SandboxApp


@pytest.fixture
def demo(tmp_path, monkeypatch):
    """``demo(*args, refuse=0, throttle=0)``: ``deskmigrate --db DB ARGS demo --seed 5``
    from the built-in sandboxes (40 tickets) into a Freshdesk that refuses ``refuse`` tickets
    and throttles ``throttle`` writes; the JSON summary is read back with ``status``."""
    monkeypatch.setattr(sandboxes, "DEMO_TICKETS", 40)
    plain = SandboxApp.transport
    faults = {"refuse": 0, "throttle": 0}

    def transport(self: SandboxApp) -> httpx.BaseTransport:
        inner = plain(self)
        if "freshdesk" not in type(self).__module__:
            return inner
        return FaultyTarget(inner, faults["refuse"], faults["throttle"])

    monkeypatch.setattr(SandboxApp, "transport", transport)
    db = tmp_path / "state.sqlite"

    def run(*args: str, refuse: int = 0, throttle: int = 0,
            env: dict[str, str] | None = None) -> DemoRun:
        faults.update(refuse=refuse, throttle=throttle)
        global_args = [a for a in args if a != "--json"]
        tail = ["--json"] if "--json" in args else []
        code, out, err = invoke("--db", str(db), *global_args, "demo", "--seed", str(SEED),
                                *tail, env=env)
        assert code in (0, 1), err
        runs = json.loads(invoke("--db", str(db), "runs", "--json")[1])["runs"]
        run_id = runs[-1]["run_id"]
        result = json.loads(invoke("--db", str(db), "status", str(run_id), "--json")[1])
        return DemoRun(db, run_id, result, out, err)

    return run


@pytest.fixture
def failed_demo(demo) -> DemoRun:
    """A demo where the Freshdesk target refused ``REFUSED`` tickets."""
    return demo(refuse=REFUSED)
