"""What the CLI's tests share: a proxy that refuses some requests, and the CLI run
in-process on a state database."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from deskmigrate.cli import cli

TICKETS = 3  # in the Zendesk source of tests/cli


def refusing(app: Any, status: str, refuse: Callable[[dict[str, Any]], bool]) -> Any:
    """``app`` behind a proxy answering the requests ``refuse`` picks with ``status``."""
    def wsgi(environ: dict[str, Any], start_response: Any) -> Any:
        if not refuse(environ):
            return app(environ, start_response)
        start_response(status, [("Content-Type", "application/json")])
        return [json.dumps({"error": "RecordInvalid", "description": "refused"}).encode()]
    return wsgi


def posts(environ: dict[str, Any]) -> bool:
    return environ["REQUEST_METHOD"] == "POST"


def invoke(db: Path, *args: str) -> Result:
    """The CLI in-process on the state database ``db``."""
    return CliRunner().invoke(cli, ["--db", str(db), *args])


def next_command(stdout: str) -> str:
    """The one command a summary's last line names (``Next: `COMMAND```): no other line
    says "Next:" and the line names exactly one command."""
    lines = stdout.rstrip("\n").splitlines()
    assert [line for line in lines if "Next:" in line] == lines[-1:], stdout
    assert lines[-1].startswith("Next: `") and lines[-1].count("`") == 2, lines[-1]
    return lines[-1].removeprefix("Next: `").removesuffix("`")
