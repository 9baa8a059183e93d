"""Zendesk sandboxes served over loopback HTTP for end-to-end tests."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

import pytest
from e2e_support import SOURCE_SEED, SOURCE_TICKETS, Account

from deskmigrate.core.sandboxes import open_sandbox
from deskmigrate.sandbox import SandboxApp, serve_in_thread


@pytest.fixture(scope="session")
def seeded_source_file(tmp_path_factory) -> Path:
    """A seeded Zendesk sandbox file, made once and copied for each test."""
    path = tmp_path_factory.mktemp("zendesk-source") / "source.sqlite"
    open_sandbox("zendesk", path, tickets=SOURCE_TICKETS, seed=SOURCE_SEED).store.close()
    return path


@pytest.fixture
def zendesk_pair(tmp_path, seeded_source_file):
    """``make(faults=0.0)`` serves a seeded source and an empty target on loopback;
    ``wrap`` (e.g. a kill trap) wraps the target's app before it is served."""
    with ExitStack() as stack:
        def make(faults: float = 0.0, rate_limit: int | None = None,
                 wrap: Callable[[SandboxApp], SandboxApp] | None = None
                 ) -> tuple[Account, Account]:
            source_file = tmp_path / "source.sqlite"
            shutil.copy(seeded_source_file, source_file)
            source = open_sandbox("zendesk", source_file, tickets=SOURCE_TICKETS,
                                  seed=SOURCE_SEED, fault_rate=faults, fault_seed=1)
            target = open_sandbox("zendesk", tmp_path / "target.sqlite", tickets=0, seed=0,
                                  fault_rate=faults, fault_seed=2, rate_limit=rate_limit)
            target = wrap(target) if wrap else target
            return (Account(stack.enter_context(serve_in_thread(source)), source.credentials(),
                            source),
                    Account(stack.enter_context(serve_in_thread(target)), target.credentials(),
                            target))
        yield make
