"""Small sandboxes served on loopback for the CLI's tests: a seeded source and an empty
target, optionally behind a proxy (cli_support.refusing)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from cli_support import TICKETS
from e2e_accounts import Account, write_config

from deskmigrate.core.sandboxes import open_sandbox
from deskmigrate.sandbox import serve_in_thread


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
