"""A demo run through the CLI (built-in sandboxes, made small) where the Freshdesk target
refuses two tickets with its real validation-error body: a run with failures to report."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from deskmigrate.cli import cli
from deskmigrate.core import sandboxes
from deskmigrate.sandbox.app import SandboxApp

SEED = 5
REFUSED = 2  # ticket creations the target answers with 400
# Freshdesk's documented validation error (API v2 "Error Handling").
VALIDATION_ERROR = {"description": "Validation failed", "errors": [
    {"field": "priority", "message": "It should be one of these values: '1,2,3,4'",
     "code": "invalid_value"}]}


class FaultyTarget(httpx.BaseTransport):
    """The target sandbox's own transport, except that the first ``refuse`` ``POST /tickets``
    get Freshdesk's validation error and the first ``throttle`` writes a 429 with
    ``Retry-After: 2``."""

    def __init__(self, inner: httpx.BaseTransport, refuse: int, throttle: int) -> None:
        self.inner, self.refuse, self.throttle = inner, refuse, throttle

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST" and self.throttle > 0:
            self.throttle -= 1
            return httpx.Response(429, headers={"Retry-After": "2"},
                                  json={"code": "too_many_requests"})
        if request.method == "POST" and request.url.path == "/api/v2/tickets" and self.refuse:
            self.refuse -= 1
            return httpx.Response(400, json=VALIDATION_ERROR)
        return self.inner.handle_request(request)


@dataclass
class DemoRun:
    db: Path
    run_id: int
    result: dict
    stdout: str
    stderr: str


def invoke(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


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
