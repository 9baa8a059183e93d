"""What a module imports, read from its source: for the tests that keep each sandbox an
independent oracle (it never imports its connector, the connector never imports it)."""

from __future__ import annotations

import ast
from pathlib import Path


def imports(path: Path) -> list[tuple[int, str]]:
    """``(relative level, module)`` of every import in a file (functions included)."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(0, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            found.append((node.level, node.module or ""))
    return found
