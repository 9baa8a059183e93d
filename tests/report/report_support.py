"""What the report tests share: the CLI run in-process, and a Freshdesk target transport that
refuses tickets with its real validation-error body or throttles writes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import httpx
from click.testing import CliRunner

from deskmigrate.cli import cli

SEED = 5
REFUSED = 2  # ticket creations the target answers with 400
# Freshdesk's documented validation error (API v2 "Error Handling").
VALIDATION_ERROR = {"description": "Validation failed", "errors": [
    {"field": "priority", "message": "It should be one of these values: '1,2,3,4'",
     "code": "invalid_value"}]}


class FaultyTarget(httpx.BaseTransport):
    """The target sandbox's own transport, except that the first ``refuse`` ``POST /tickets``
    get Freshdesk's validation error and the first ``throttle`` writes a 429 with
    ``Retry-After: 3``."""

    def __init__(self, inner: httpx.BaseTransport, refuse: int, throttle: int) -> None:
        self.inner, self.refuse, self.throttle = inner, refuse, throttle

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST" and self.throttle > 0:
            self.throttle -= 1
            return httpx.Response(429, headers={"Retry-After": "3"},
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


