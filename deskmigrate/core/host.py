"""The plugin host: one pluggy PluginManager, loaded lazily from the ``deskmigrate``
entry-point group (first-party plugins are registered there too).

``DESKMIGRATE_LOAD_PLUGINS`` is an allowlist of entry-point names (comma-separated; empty
means none); deskmigrate's own record kinds (``builtin_kinds``) are always registered. A
plugin that fails to import or implements an unknown hook is skipped with a
warning; it never breaks the CLI.
"""

from __future__ import annotations

import os
import warnings
from importlib.metadata import EntryPoint, entry_points
from types import ModuleType

import pluggy

from .. import __version__
from . import builtin_kinds, hookspecs
from .connector import Platform
from .errors import ConfigError
from .kinds import Kinds, KindSpec
from .options import Option

_pm: pluggy.PluginManager | None = None
BUILT_IN = "deskmigrate"  # the distribution shipping the first-party plugins
BUILTIN_KINDS = "builtin_kinds"  # the plugin registering deskmigrate's own record kinds
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
    pm.register(builtin_kinds, name=BUILTIN_KINDS)
    VERSIONS[BUILTIN_KINDS] = __version__
    allowed = allowlist()
    loaded = []
    for ep in entry_points(group="deskmigrate"):
        if allowed is not None and ep.name not in allowed:
            continue
        try:
            loaded.append((ep, ep.load()))
        except Exception as exc:  # noqa: BLE001 - a broken plugin must not break the CLI
            warnings.warn(f"Plugin '{ep.name}' failed to load: {exc}", PluginWarning,
                          stacklevel=2)
    loaded.sort(key=lambda item: _distribution(item[0]) != BUILT_IN)  # built-in ones first
    claimed: dict[str, str] = {}  # platform name -> the distribution providing it
    for ep, plugin in loaded:
        dist = _distribution(ep)
        taken = [n for n in _platform_names(plugin) if n in claimed]
        if taken:  # it would receive the credentials meant for the other one
            warnings.warn(f"Plugin '{ep.name}' ({dist}) is refused: it registers the "
                          f"platform '{taken[0]}' that {claimed[taken[0]]} already provides.",
                          PluginWarning, stacklevel=2)
            continue
        if register(pm, plugin, ep.name):
            claimed.update({n: dist for n in _platform_names(plugin)})
            if ep.dist is not None:
                VERSIONS[ep.name] = ep.dist.version
    return pm


def _distribution(ep: EntryPoint) -> str:
    return ep.dist.name if ep.dist is not None else f"entry point '{ep.name}'"


def _platform_names(plugin: ModuleType | object) -> list[str]:
    """The platform names a plugin registers (none if it has no such hook)."""
    names: list[str] = []
    hook = getattr(plugin, "register_platforms", None)
    if callable(hook):
        hook(register=lambda p: names.append(p.name))
    return names


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


def kinds(pm: pluggy.PluginManager | None = None) -> Kinds:
    """Every registered record kind, in dependency order."""
    found: list[KindSpec] = []
    (pm or plugin_manager()).hook.register_kinds(register=found.append)
    return Kinds(found)
