from __future__ import annotations

import shutil
from contextlib import ExitStack
from pathlib import Path

import pytest
from e2e_accounts import Account

from deskmigrate.core.sandboxes import open_sandbox
from deskmigrate.sandbox import serve_in_thread

TICKETS = 4
SEEDS = {"zendesk": 3, "freshdesk": 5, "intercom": 7, "jira_sm": 9}


@pytest.fixture(scope="session")
def seeded(tmp_path_factory) -> dict[str, Path]:
    """One small seeded source file per platform, made once."""
    files = {}
    for platform, seed in SEEDS.items():
        path = tmp_path_factory.mktemp(f"verify-{platform}") / "source.sqlite"
        open_sandbox(platform, path, tickets=TICKETS, seed=seed).store.close()
        files[platform] = path
    return files


@pytest.fixture
def pair(tmp_path, seeded):
    """``pair(source, target)``: a copy of the seeded source and an empty target on
    loopback; their accounts and the target's sandbox file."""
    with ExitStack() as stack:
        def make(source: str, target: str) -> tuple[Account, Account, Path]:
            path = tmp_path / "source.sqlite"
            shutil.copy(seeded[source], path)
            target_file = tmp_path / "target.sqlite"
            apps = [open_sandbox(source, path, tickets=TICKETS, seed=SEEDS[source]),
                    open_sandbox(target, target_file, tickets=0, seed=0)]
            accounts = [Account(p, stack.enter_context(serve_in_thread(a)), a.credentials())
                        for p, a in zip((source, target), apps, strict=True)]
            return accounts[0], accounts[1], target_file
        yield make
