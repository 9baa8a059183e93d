"""Zendesk and Freshdesk sandboxes served over loopback HTTP: seeded sources made once per
session and copied for each test, empty targets, optional fault injection."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

import pytest
from fd_e2e_support import FRESHDESK_SEED, TICKETS, ZENDESK_SEED, Account

from deskmigrate.core.sandboxes import open_sandbox
from deskmigrate.sandbox import SandboxApp, serve_in_thread

SEEDS = {"zendesk": ZENDESK_SEED, "freshdesk": FRESHDESK_SEED}


@pytest.fixture(scope="session")
def seeded_files(tmp_path_factory) -> dict[str, Path]:
    """One seeded sandbox file per platform, made once."""
    files = {}
    for platform, seed in SEEDS.items():
        path = tmp_path_factory.mktemp(f"{platform}-source") / "source.sqlite"
        open_sandbox(platform, path, tickets=TICKETS, seed=seed).store.close()
        files[platform] = path
    return files


class Pair:
    """``pair(source, target, faults=0.0)`` serves a seeded source and an empty target of
    the given platforms on loopback and returns their accounts; ``pair.quiet()`` stops the
    fault injection (before reading the result back)."""

    def __init__(self, make: Callable[..., tuple[Account, Account]],
                 apps: list[SandboxApp]) -> None:
        self.make = make
        self.apps = apps

    def __call__(self, source: str, target: str, faults: float = 0.0
                 ) -> tuple[Account, Account]:
        return self.make(source, target, faults)

    def quiet(self) -> None:
        for app in self.apps:
            app.faults.rate = 0.0


@pytest.fixture
def pair(tmp_path, seeded_files):
    """Loopback sandboxes for one test (see :class:`Pair`)."""
    apps: list[SandboxApp] = []
    with ExitStack() as stack:
        def make(source: str, target: str, faults: float = 0.0) -> tuple[Account, Account]:
            source_file = tmp_path / f"source-{source}.sqlite"
            shutil.copy(seeded_files[source], source_file)
            source_app = open_sandbox(source, source_file, tickets=TICKETS,
                                      seed=SEEDS[source], fault_rate=faults, fault_seed=1)
            target_app = open_sandbox(target, tmp_path / f"target-{target}.sqlite", tickets=0,
                                      seed=0, fault_rate=faults, fault_seed=2)
            apps.extend((source_app, target_app))
            served = []
            for platform, app in ((source, source_app), (target, target_app)):
                url = stack.enter_context(serve_in_thread(app))
                served.append(Account(platform, url, app.credentials()))
            return served[0], served[1]
        yield Pair(make, apps)
