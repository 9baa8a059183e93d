"""The import contract: a platform's emulator (``plugins/<p>/sandbox/``) never imports its
connector, and the connector never imports the emulator. Only the plugin's entry modules
(``__init__``, ``platform``: they build both) may name both."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import deskmigrate

ROOT = Path(deskmigrate.__file__).parent
ENTRY = {"__init__", "platform"}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(path: Path) -> set[str]:
    """Absolute names of every module ``path`` imports (relative imports resolved)."""
    here = module_name(path).split(".")
    package = here if path.stem == "__init__" else here[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package[:len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *(node.module.split(".") if node.module else [])])
            found |= {module} | {f"{module}.{a.name}" for a in node.names}
    return found


def side(module: str) -> str | None:
    """"emulator", "connector" or None (entry modules, core, other plugins)."""
    parts = module.split(".")
    if parts[:2] != ["deskmigrate", "plugins"] or len(parts) < 4:
        return None
    if parts[3] == "sandbox":
        return "emulator"
    return None if parts[3] in ENTRY else "connector"


def plugin_files() -> list[Path]:
    return sorted(p for p in (ROOT / "plugins").glob("*/**/*.py") if side(module_name(p)))


@pytest.mark.parametrize("path", plugin_files(),
                         ids=lambda p: str(p.relative_to(ROOT / "plugins")))
def test_connectors_and_emulators_never_import_each_other(path: Path) -> None:
    mine = module_name(path)
    plugin = mine.split(".")[2]
    crossing = sorted(m for m in imported(path)
                      if m.split(".")[2:3] == [plugin] and side(m) not in (None, side(mine)))
    assert not crossing, (f"{mine} is {side(mine)} code but imports {crossing} from the "
                          f"other side")


def test_the_contract_sees_both_sides_of_every_plugin() -> None:
    sides: dict[str, set[str | None]] = {}
    for path in plugin_files():
        name = module_name(path)
        sides.setdefault(name.split(".")[2], set()).add(side(name))
    assert sides and all(s == {"emulator", "connector"} for s in sides.values()), sides


def test_the_sandbox_kit_and_emulators_import_no_connector_or_core_code() -> None:
    """Only an activity simulator (a client of its emulator's API) pages with the core
    paginators, as any client would."""
    kit = sorted((ROOT / "sandbox").glob("*.py"))
    emulators = sorted((ROOT / "plugins").glob("*/sandbox/**/*.py"))
    assert kit and emulators
    for path in kit + emulators:
        mine = module_name(path)
        own = ".".join(mine.split(".")[:4]) if "plugins" in mine else "deskmigrate.sandbox"
        allowed = ("deskmigrate.sandbox", own,
                   *(("deskmigrate.core.paging",) if path.stem == "activity" else ()))
        foreign = sorted(m for m in imported(path) if m.startswith("deskmigrate.")
                         and not m.startswith(allowed))
        assert not foreign, f"{mine} may import only the sandbox kit and itself: {foreign}"
