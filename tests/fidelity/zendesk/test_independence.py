"""The Zendesk sandbox is an independent oracle: it imports only itself, the sandbox kit and
libraries (its activity simulator, a client of its API, also the core paginators) — never
the connector's constants, mapping or clients — and the connector never imports it (but
for ``Platform.sandbox()``, the plugin's entry point that builds one)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from import_graph import imports

import deskmigrate.plugins.zendesk as plugin

PLUGIN = Path(plugin.__file__).parent
SANDBOX = PLUGIN / "sandbox"


def test_the_sandbox_imports_only_itself_the_kit_and_libraries() -> None:
    modules = sorted(SANDBOX.glob("*.py"))
    assert len(modules) > 15
    for path in modules:
        for level, module in imports(path):
            assert level <= 1, f"{path.name} reaches out of the sandbox: {'.' * level}{module}"
            if module.startswith("deskmigrate"):  # activity.py, a client, pages like one
                allowed = ("deskmigrate.sandbox", *(("deskmigrate.core.paging",)
                                                    if path.stem == "activity" else ()))
                assert module.startswith(allowed), f"{path.name}: {module}"


def test_loading_the_sandbox_loads_no_connector_module() -> None:
    probe = ("import sys, deskmigrate.plugins.zendesk.sandbox\n"
             "print(' '.join(m for m in sys.modules if m.startswith('deskmigrate.')))")
    loaded = set(subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                                check=True).stdout.split())
    connector = {f"deskmigrate.plugins.zendesk.{p.stem}" for p in PLUGIN.glob("*.py")}
    # The package's __init__ registers the platform (config and auth only, no mapping).
    assert loaded & connector == {"deskmigrate.plugins.zendesk.platform"}


def test_the_connector_never_imports_the_sandbox() -> None:
    for path in sorted(PLUGIN.glob("*.py")):
        if path.name == "platform.py":
            continue  # Platform.sandbox() builds one on request: the plugin's entry point
        for _, module in imports(path):
            assert "sandbox" not in module.split("."), f"{path.name} imports {module}"
