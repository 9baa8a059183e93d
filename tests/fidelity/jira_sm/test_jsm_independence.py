"""The JSM sandbox is an independent oracle: it imports only itself, the sandbox kit and
libraries (its activity simulator, a client of its API, also the core paginators: SDK code
shared by every client, no connector's), and the connector never imports it
(``Platform.sandbox()`` aside)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import deskmigrate.plugins.jira_sm as plugin

PLUGIN = Path(plugin.__file__).parent


def modules_imported(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [(0, a.name) for n in ast.walk(tree) if isinstance(n, ast.Import)
            for a in n.names] + [(n.level, n.module or "") for n in ast.walk(tree)
                                 if isinstance(n, ast.ImportFrom)]


def test_sandbox_and_connector_stay_apart() -> None:
    sandbox = sorted((PLUGIN / "sandbox").glob("*.py"))
    assert len(sandbox) >= 9
    for path in sandbox:
        for level, module in modules_imported(path):
            assert level <= 1, f"{path.name} reaches out of the sandbox: {module}"
            if module.startswith("deskmigrate"):  # activity.py, a client, pages like one
                allowed = ("deskmigrate.sandbox", *(("deskmigrate.core.paging",)
                                                    if path.stem == "activity" else ()))
                assert module.startswith(allowed), f"{path.name} imports {module}"
    for path in sorted(PLUGIN.glob("*.py")):
        if path.name != "platform.py":
            assert all("sandbox" not in m.split(".") for _, m in modules_imported(path)), \
                path.name
    probe = ("import sys, deskmigrate.plugins.jira_sm.sandbox\n"
             "print(' '.join(m for m in sys.modules if m.startswith('deskmigrate.plugins')))")
    loaded = set(subprocess.run([sys.executable, "-c", probe], capture_output=True,
                                text=True, check=True).stdout.split())
    connector = {f"deskmigrate.plugins.jira_sm.{p.stem}" for p in PLUGIN.glob("*.py")}
    assert loaded & connector == {"deskmigrate.plugins.jira_sm.platform"}
