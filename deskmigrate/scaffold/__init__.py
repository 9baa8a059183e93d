"""``deskmigrate plugin new NAME``: write a pip-installable platform plugin package (platform,
source, target, sandbox, conformance test, README) whose tests pass as generated."""

from __future__ import annotations

import keyword
import re
import shutil
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from string import Template

from ..core import host
from ..core.errors import ConfigError, DeskmigrateError

NAME = re.compile(r"^[a-z][a-z0-9_]{1,30}$")


def new_plugin(name: str, parent: Path) -> Path:
    """Write the package ``deskmigrate-NAME`` into ``parent/deskmigrate-NAME``; returns it."""
    if not NAME.match(name) or keyword.iskeyword(name):
        raise ConfigError(f"'{name}' is not a plugin name: use 2-31 lower-case letters, digits "
                          f"or underscores, starting with a letter.")
    if name in host.platforms():
        raise ConfigError(f"'{name}' is an installed platform already; choose another name.")
    folder = parent / f"deskmigrate-{name}"
    if folder.exists():
        raise ConfigError(f"{folder} already exists; choose another folder or name.")
    words = {"module": name, "cls": "".join(p.capitalize() for p in name.split("_")),
             "title": " ".join(p.capitalize() for p in name.split("_"))}
    try:
        _render(files(__package__) / "template", folder, words)
    except OSError as exc:
        shutil.rmtree(folder, ignore_errors=True)  # no half-written package left behind
        raise DeskmigrateError(f"Cannot write the plugin package to {folder} "
                               f"({exc.strerror or exc}).") from None
    return folder


def _render(source: Traversable, folder: Path, words: dict[str, str]) -> None:
    for item in source.iterdir():
        name = item.name.replace("PKG", f"deskmigrate_{words['module']}")
        if item.is_dir():
            _render(item, folder / name, words)
        elif name.endswith(".tmpl"):
            target = folder / name.removesuffix(".tmpl")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(Template(item.read_text("utf-8")).substitute(words), "utf-8")
