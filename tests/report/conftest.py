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


class RefusingTransport(httpx.BaseTransport):
    """The sandbox's own transport, except for the first ``REFUSED`` ``POST /tickets``."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.refused = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if (request.method == "POST" and request.url.path == "/api/v2/tickets"
                and self.refused < REFUSED):
            self.refused += 1
            return httpx.Response(400, json=VALIDATION_ERROR)
        return self.inner.handle_request(request)


@dataclass
class DemoRun:
    db: Path
    run_id: int
    result: dict
    stderr: str


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def failed_demo(tmp_path, monkeypatch) -> DemoRun:
    """``deskmigrate demo --seed 5 --json`` into a Freshdesk that refuses two tickets."""
    monkeypatch.setattr(sandboxes, "DEMO_TICKETS", 40)
    plain = SandboxApp.transport

    def transport(self: SandboxApp) -> httpx.BaseTransport:
        inner = plain(self)
        return RefusingTransport(inner) if "freshdesk" in type(self).__module__ else inner

    monkeypatch.setattr(SandboxApp, "transport", transport)
    db = tmp_path / "state.sqlite"
    code, out, err = invoke("--db", str(db), "demo", "--seed", str(SEED), "--json")
    assert out, err
    result = json.loads(out)
    return DemoRun(db, result["run_id"], result, err)
