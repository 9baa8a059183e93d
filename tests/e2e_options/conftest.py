"""Seeded source sandboxes made once per session; each test copies them."""

from __future__ import annotations

from pathlib import Path

import pytest
from options_support import SEEDS, TICKETS

from deskmigrate.core.sandboxes import open_sandbox


@pytest.fixture(scope="session")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One seeded source file per platform."""
    files = {}
    for platform, seed in SEEDS.items():
        path = tmp_path_factory.mktemp(f"options-{platform}") / "source.sqlite"
        open_sandbox(platform, path, tickets=TICKETS, seed=seed).store.close()
        files[platform] = path
    return files
