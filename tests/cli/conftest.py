"""Small sandboxes served on loopback for the CLI's tests: a seeded source and an empty
target, optionally behind a proxy that refuses some requests."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from e2e_accounts import Account, write_config

from deskmigrate.cli import cli
from deskmigrate.core.sandboxes import open_sandbox
from deskmigrate.sandbox import serve_in_thread

TICKETS = 3


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


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Callable[..., Account]]:
    """``serve(platform, tickets=0, wrap=None)``: a sandbox on loopback as an Account."""
    with ExitStack() as stack:
        def make(platform: str, tickets: int = 0, seed: int = 5,
                 wrap: Callable[[Any], Any] | None = None) -> Account:
            app = open_sandbox(platform, tmp_path / f"{platform}-{tickets}-{seed}.sqlite",
                               tickets=tickets, seed=seed, attachments=False)
            url = stack.enter_context(serve_in_thread(wrap(app) if wrap else app))
            return Account(platform, url, app.credentials())
        yield make


@pytest.fixture
def config(tmp_path: Path, serve: Callable[..., Account]) -> Callable[..., Path]:
    """``config(target="zendesk", wrap=None, extra="")``: a config file from a 3-ticket
    Zendesk source into an empty target (billing off unless ``extra`` says otherwise)."""
    def make(target: str = "zendesk", wrap: Callable[[Any], Any] | None = None,
             extra: str = "", billing: bool = False) -> Path:
        source = serve("zendesk", TICKETS)
        path = tmp_path / "c.toml"
        write_config(path, source, serve(target, 0, seed=6, wrap=wrap), extra)
        if billing:
            path.write_text(path.read_text().replace("enforce = false", "enforce = true"))
        return path
    return make


def invoke(db: Path, *args: str) -> Result:
    """The CLI in-process on the state database ``db``."""
    return CliRunner().invoke(cli, ["--db", str(db), *args])
