"""The sandbox is an independent oracle: nothing in it imports the connector (its tables,
mapping or clients), and the connector never imports the sandbox."""

from __future__ import annotations

from pathlib import Path

from import_graph import imports

import deskmigrate.plugins.freshdesk as plugin

PLUGIN = Path(plugin.__file__).parent
SANDBOX = PLUGIN / "sandbox"


def test_the_sandbox_imports_only_itself_the_core_and_libraries() -> None:
    modules = sorted(SANDBOX.glob("*.py"))
    assert len(modules) > 10
    for path in modules:
        for level, module in imports(path):
            assert level <= 1, f"{path.name} reaches out of the sandbox: {'.' * level}{module}"
            assert not module.startswith("deskmigrate.plugins"), f"{path.name}: {module}"


def test_the_connector_never_imports_the_sandbox() -> None:
    for path in sorted(PLUGIN.glob("*.py")):
        if path.name == "platform.py":
            continue  # Platform.sandbox() builds one on request: the plugin's entry point
        for _, module in imports(path):
            assert "sandbox" not in module.split("."), f"{path.name} imports {module}"
