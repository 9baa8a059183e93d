"""The scaffold's package, generated once per module and importable as ``deskmigrate_acme``:
what the broken fixture plugins and the plugin-kind test build on."""

from __future__ import annotations

import importlib
import sys
from types import SimpleNamespace

import pytest

from deskmigrate.scaffold import new_plugin


@pytest.fixture(scope="module")
def acme(tmp_path_factory):
    """The scaffold's package, importable as ``deskmigrate_acme``."""
    folder = new_plugin("acme", tmp_path_factory.mktemp("scaffold"))
    sys.path.insert(0, str(folder / "src"))
    try:
        modules = {name: importlib.import_module(f"deskmigrate_acme.{name}")
                   for name in ("platform", "source", "target", "sandbox")}
        yield SimpleNamespace(**modules, package=importlib.import_module("deskmigrate_acme"))
    finally:
        sys.path.remove(str(folder / "src"))
        for name in [m for m in sys.modules if m.startswith("deskmigrate_acme")]:
            del sys.modules[name]
