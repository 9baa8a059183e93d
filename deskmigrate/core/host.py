"""The plugin host: one pluggy PluginManager, loaded lazily from the ``deskmigrate``
entry-point group (first-party plugins are registered there too).

``DESKMIGRATE_LOAD_PLUGINS`` is an allowlist of entry-point names (comma-separated; empty
means none). A plugin that fails to import or implements an unknown hook is skipped with a
warning; it never breaks the CLI.
"""

from __future__ import annotations

import os
import warnings
from importlib.metadata import entry_points
from types import ModuleType

import pluggy

from . import hookspecs
from .connector import Platform
from .errors import ConfigError
from .options import Option

_pm: pluggy.PluginManager | None = None
VERSIONS: dict[str, str] = {}  # entry-point name → version of the package that ships it


class PluginWarning(UserWarning):
    """A third-party plugin could not be loaded."""


def allowlist() -> set[str] | None:
    value = os.environ.get("DESKMIGRATE_LOAD_PLUGINS")
    if value is None:
        return None
    return {name.strip() for name in value.split(",") if name.strip()}


def new_plugin_manager() -> pluggy.PluginManager:
    pm = pluggy.PluginManager("deskmigrate")
    pm.add_hookspecs(hookspecs)
    allowed = allowlist()
    for ep in entry_points(group="deskmigrate"):
        if allowed is not None and ep.name not in allowed:
            continue
        try:
            plugin = ep.load()
        except Exception as exc:  # noqa: BLE001 - a broken plugin must not break the CLI
            warnings.warn(f"Plugin '{ep.name}' failed to load: {exc}", PluginWarning,
                          stacklevel=2)
            continue
        if register(pm, plugin, ep.name) and ep.dist is not None:
            VERSIONS[ep.name] = ep.dist.version
    return pm


def register(pm: pluggy.PluginManager, plugin: ModuleType | object, name: str) -> bool:
    """Register a plugin and validate its hooks; an invalid one is unregistered with a warning."""
    if pm.get_plugin(name) is not None:
        return False
    try:
        pm.register(plugin, name=name)
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        if pm.get_plugin(name) is not None:
            pm.unregister(name=name)
        warnings.warn(f"Plugin '{name}' is invalid: {exc}", PluginWarning, stacklevel=2)
        return False
    return True


def plugin_manager() -> pluggy.PluginManager:
    """The process-wide plugin manager (created on first use)."""
    global _pm
    if _pm is None:
        _pm = new_plugin_manager()
    return _pm


def platforms(pm: pluggy.PluginManager | None = None) -> dict[str, Platform]:
    found: dict[str, Platform] = {}
    (pm or plugin_manager()).hook.register_platforms(register=lambda p: found.setdefault(p.name, p))
    return dict(sorted(found.items()))


def platform(name: str, pm: pluggy.PluginManager | None = None) -> Platform:
    known = platforms(pm)
    if name not in known:
        names = ", ".join(known) or "none"
        raise ConfigError(f"Unknown platform '{name}' (installed: {names}).")
    return known[name]


def options(pm: pluggy.PluginManager | None = None) -> dict[str, Option]:
    found: dict[str, Option] = {}
    (pm or plugin_manager()).hook.register_options(register=lambda o: found.setdefault(o.name, o))
    return dict(sorted(found.items()))
