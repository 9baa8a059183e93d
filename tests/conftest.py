"""Every test gets its own DESKMIGRATE_HOME, so state and sandboxes never leak."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _home(tmp_path, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv("DESKMIGRATE_HOME", str(home))
    monkeypatch.delenv("DESKMIGRATE_LOAD_PLUGINS", raising=False)
    monkeypatch.delenv("DESKMIGRATE_DB", raising=False)
    return home
