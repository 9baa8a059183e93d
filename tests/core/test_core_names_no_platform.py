"""``core/`` and ``options/`` know no platform: not one of them is named there, not even in a
comment (what a platform does is a capability flag or a hook, never a name)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import deskmigrate

ROOT = Path(deskmigrate.__file__).parent
PLATFORMS = sorted({part for p in (ROOT / "plugins").iterdir() if (p / "__init__.py").exists()
                    for part in (p.name, p.name.split("_")[0])})
FILES = sorted((ROOT / "core").rglob("*.py")) + sorted((ROOT / "options").rglob("*.py"))


def test_the_platforms_are_known() -> None:
    assert {"zendesk", "freshdesk", "jira", "intercom"} <= set(PLATFORMS)


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_names_no_platform(path: Path) -> None:
    text = path.read_text("utf-8")
    named = sorted({name for name in PLATFORMS
                    if re.search(rf"\b{re.escape(name)}\b", text, flags=re.I)})
    assert not named, f"{path.relative_to(ROOT)} names the platforms {named}"
