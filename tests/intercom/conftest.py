from __future__ import annotations

import shutil
from contextlib import ExitStack
from pathlib import Path

import pytest
from ic_e2e import SEEDS, TICKETS, Account
from ic_support import sandbox

from deskmigrate.core.sandboxes import open_sandbox
from deskmigrate.sandbox import SandboxApp, serve_in_thread


@pytest.fixture
def app(tmp_path):
    """A seeded Intercom sandbox (12 conversations)."""
    return sandbox(tmp_path)


@pytest.fixture(scope="session")
def seeded_files(tmp_path_factory) -> dict[str, Path]:
    """One seeded source file per platform, made once and copied for each test."""
    files = {}
    for platform, seed in SEEDS.items():
        path = tmp_path_factory.mktemp(f"ic-{platform}") / "source.sqlite"
        open_sandbox(platform, path, tickets=TICKETS, seed=seed).store.close()
        files[platform] = path
    return files


@pytest.fixture
def pair(tmp_path, seeded_files):
    """``pair(source, target, faults=0.0)``: a seeded source and an empty target served on
    loopback; returns their accounts and the two apps."""
    apps: list[SandboxApp] = []
    with ExitStack() as stack:
        def make(source: str, target: str, faults: float = 0.0):
            path = tmp_path / f"source-{source}.sqlite"
            shutil.copy(seeded_files[source], path)
            source_app = open_sandbox(source, path, tickets=TICKETS, seed=SEEDS[source],
                                      fault_rate=faults, fault_seed=1)
            target_app = open_sandbox(target, tmp_path / f"target-{target}.sqlite", tickets=0,
                                      seed=0, fault_rate=faults, fault_seed=2)
            apps[:] = [source_app, target_app]
            return [Account(p, stack.enter_context(serve_in_thread(a)), a.credentials())
                    for p, a in ((source, source_app), (target, target_app))] + apps
        yield make
