"""Sandboxes for the jira_sm tests: seeded sources made once per session and copied for
each test, empty targets, served on loopback (optionally with fault injection)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

import pytest
from jsm_e2e_support import SEEDS, TICKETS, Account

from deskmigrate.core.sandboxes import open_sandbox
from deskmigrate.sandbox import SandboxApp, serve_in_thread


@pytest.fixture(scope="session")
def seeded_files(tmp_path_factory) -> Callable[[str], Path]:
    """The seeded sandbox file of a platform, made the first time a test asks for it."""
    files: dict[str, Path] = {}

    def seeded(platform: str) -> Path:
        if platform not in files:
            path = tmp_path_factory.mktemp(f"{platform}-source") / "source.sqlite"
            open_sandbox(platform, path, tickets=TICKETS, seed=SEEDS[platform]).store.close()
            files[platform] = path
        return files[platform]
    return seeded


class Pair:
    """``pair(source, target, faults=0.0)`` serves a seeded source and an empty target on
    loopback and returns their accounts; ``pair.quiet()`` stops the fault injection."""

    def __init__(self, make: Callable[..., tuple[Account, Account]]) -> None:
        self.make = make
        self.apps: list[SandboxApp] = []

    def __call__(self, source: str, target: str, faults: float = 0.0
                 ) -> tuple[Account, Account]:
        accounts = self.make(source, target, faults)
        self.apps += [a.app for a in accounts]
        return accounts

    def quiet(self) -> None:
        for app in self.apps:
            app.faults.rate = 0.0


@pytest.fixture
def pair(tmp_path, seeded_files):
    """Loopback sandboxes for one test (see :class:`Pair`)."""
    with ExitStack() as stack:
        def make(source: str, target: str, faults: float = 0.0) -> tuple[Account, Account]:
            source_file = tmp_path / f"source-{source}.sqlite"
            shutil.copy(seeded_files(source), source_file)
            apps = (open_sandbox(source, source_file, tickets=TICKETS, seed=SEEDS[source],
                                 fault_rate=faults, fault_seed=1),
                    open_sandbox(target, tmp_path / f"target-{target}.sqlite", tickets=0,
                                 seed=0, fault_rate=faults, fault_seed=2))
            served = []
            for platform, app in zip((source, target), apps, strict=True):
                url = stack.enter_context(serve_in_thread(app))
                served.append(Account(platform, url, app.credentials(), app))
            return served[0], served[1]
        yield Pair(make)
