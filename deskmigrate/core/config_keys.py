"""Unknown tables and keys in a config file are errors, with a "did you mean …?" when a
known name is close (``concurency``, ``add_tagg``, ``apikey``)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any

import pluggy

from .errors import ConfigError

ACCOUNT_KEYS = ("platform", "url", "rate_limit", "concurrency")
RUN_KEYS = ("concurrency", "default_agent", "defaults")
INTERNAL = {("run", "builtin_demo"): "[run] builtin_demo is internal to `deskmigrate demo`; "
            "run `deskmigrate demo` with no --config for the built-in sandboxes."}
FREE_TABLES = ("mapping", "select")  # their keys are the operator's (field titles, filters)


def did_you_mean(word: str, known: Iterable[str]) -> str:
    """``; did you mean 'x'?`` for a close known name, else ``; known: a, b``."""
    names = sorted(set(known))
    close = difflib.get_close_matches(word, names, n=1, cutoff=0.6)
    if close:
        return f"; did you mean '{close[0]}'?"
    return f"; known: {', '.join(names)}." if names else "; it takes no keys."


def problems(data: dict[str, Any], pm: pluggy.PluginManager) -> list[str]:
    """One sentence per unknown table or key of a parsed config file (empty: all known)."""
    from . import host

    tables: dict[str, tuple[str, ...] | None] = {
        "source": None, "target": None, "options": tuple(host.options(pm)),
        "run": RUN_KEYS, **{name: None for name in FREE_TABLES}}
    for found in pm.hook.config_tables():
        tables.update(found or {})
    found_problems = []
    for name, value in data.items():
        if name not in tables:
            where = "table" if isinstance(value, dict) else "top-level key"
            found_problems.append(f"The config has an unknown {where} '{name}'"
                                  + did_you_mean(name, tables))
            continue
        if not isinstance(value, dict) or name in FREE_TABLES:
            continue
        if name in ("source", "target"):
            found_problems += _account(name, value, pm)
            continue
        known = tables[name] or ()
        found_problems += [INTERNAL.get((name, key), f"[{name}] has an unknown key '{key}'"
                                        + did_you_mean(key, known))
                           for key in value if key not in known]
    return found_problems


def _account(side: str, table: dict[str, Any], pm: pluggy.PluginManager) -> list[str]:
    from . import host

    name = table.get("platform")
    if not isinstance(name, str) or name not in host.platforms(pm):
        return []  # the config parser says what is wrong with the platform
    fields = [f.name for f in host.platform(name, pm).config_fields]
    known = (*ACCOUNT_KEYS, *fields)
    return [f"[{side}] has an unknown key '{key}' for {name}" + did_you_mean(key, known)
            for key in table if key not in known]


def refuse_unknown(data: dict[str, Any], pm: pluggy.PluginManager) -> None:
    """Raise the first problem as a ConfigError."""
    found = problems(data, pm)
    if found:
        raise ConfigError(found[0])
