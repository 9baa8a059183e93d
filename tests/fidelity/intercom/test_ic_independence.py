"""The sandbox is an independent oracle: it imports only itself, the sandbox kit and
libraries — never the connector's tables, mapping or clients (its activity simulator, a
client of its API, also the core paginators: SDK code shared by every client, no
connector's) — and the connector never imports the sandbox."""

from __future__ import annotations

import ast
from pathlib import Path

import deskmigrate.plugins.intercom as plugin

PLUGIN = Path(plugin.__file__).parent
SANDBOX = PLUGIN / "sandbox"


def imports(path: Path) -> list[tuple[int, str]]:
    """``(relative level, module)`` of every import in a file (functions included)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(0, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            found.append((node.level, node.module or ""))
    return found


def test_the_sandbox_imports_only_itself_the_kit_and_libraries() -> None:
    modules = sorted(SANDBOX.glob("*.py"))
    assert len(modules) >= 8
    for path in modules:
        for level, module in imports(path):
            assert level <= 1, f"{path.name} reaches out of the sandbox: {'.' * level}{module}"
            if module.startswith("deskmigrate"):  # activity.py, a client, pages like one
                allowed = ("deskmigrate.sandbox", *(("deskmigrate.core.paging",)
                                                    if path.stem == "activity" else ()))
                assert module.startswith(allowed), f"{path.name}: {module}"


def test_the_connector_never_imports_the_sandbox() -> None:
    for path in sorted(PLUGIN.glob("*.py")):
        if path.name == "platform.py":
            continue  # Platform.sandbox() builds one on request: the plugin's entry point
        for _, module in imports(path):
            assert "sandbox" not in module.split("."), f"{path.name} imports {module}"
