"""The sandbox is an independent oracle: it imports only itself, the sandbox kit and
libraries (its activity simulator, a client of its API, also the core paginators) — never
the connector's tables, mapping or clients — and the connector never imports it (but for
``Platform.sandbox()``, the plugin's entry point that builds one)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from import_graph import imports

import deskmigrate.plugins.freshdesk as plugin

PLUGIN = Path(plugin.__file__).parent
SANDBOX = PLUGIN / "sandbox"


def test_the_sandbox_imports_only_itself_the_kit_and_libraries() -> None:
    modules = sorted(SANDBOX.glob("*.py"))
    assert len(modules) > 10
    for path in modules:
        for level, module in imports(path):
            assert level <= 1, f"{path.name} reaches out of the sandbox: {'.' * level}{module}"
            if module.startswith("deskmigrate"):  # activity.py, a client, pages like one
                allowed = ("deskmigrate.sandbox", *(("deskmigrate.core.paging",)
                                                    if path.stem == "activity" else ()))
                assert module.startswith(allowed), f"{path.name}: {module}"


def loaded_after(statement: str) -> set[str]:
    """The connector modules a fresh interpreter has loaded after ``statement``."""
    probe = (f"import sys\n{statement}\n"
             "print(' '.join(m for m in sys.modules if m.startswith('deskmigrate.')))")
    loaded = set(subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                                check=True).stdout.split())
    return loaded & {f"deskmigrate.plugins.freshdesk.{p.stem}" for p in PLUGIN.glob("*.py")}


def test_loading_the_sandbox_loads_no_connector_module() -> None:
    # The package's __init__ registers the platform (config, auth and its file hosts);
    # the sandbox adds no connector module to that (no source, target, paging, mapping use).
    registered = loaded_after("import deskmigrate.plugins.freshdesk")
    assert "deskmigrate.plugins.freshdesk.platform" in registered
    assert loaded_after("import deskmigrate.plugins.freshdesk.sandbox") == registered
    assert not {"source", "target", "paging"} & {m.rsplit(".", 1)[1] for m in registered}


def test_the_connector_never_imports_the_sandbox() -> None:
    for path in sorted(PLUGIN.glob("*.py")):
        if path.name == "platform.py":
            continue  # Platform.sandbox() builds one on request: the plugin's entry point
        for _, module in imports(path):
            assert "sandbox" not in module.split("."), f"{path.name} imports {module}"
