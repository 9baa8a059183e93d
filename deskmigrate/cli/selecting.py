"""The ``[select]`` flags of ``migrate`` and ``demo``: each overrides the config's setting
of the same name (docs/select.md)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import click

from ..core import host
from ..core.config import Config
from ..core.filters import MAX_RECENT_DAYS, Filters, flag_label

# (setting, repeatable, help)
FLAGS: tuple[tuple[str, bool, str], ...] = (
    ("created_after", False, "Only tickets created on or after this date (UTC)."),
    ("created_before", False, "Only tickets created before this date."),
    ("updated_after", False, "Only tickets last updated on or after this date."),
    ("updated_before", False, "Only tickets last updated before this date."),
    ("status", True, "Only tickets in this status (repeatable, or comma-separated)."),
    ("tags_any", True, "Only tickets with at least one of these tags."),
    ("tags_all", True, "Only tickets with every one of these tags."),
    ("tags_none", True, "Only tickets with none of these tags."),
    ("kinds", True, "Only these record kinds (what tickets need still comes along)."),
    ("exclude_kinds", True, "Leave these record kinds out."),
    ("order", False, "default, or express: open and recent tickets first, then history."),
    ("recent_days", False, "Express order: tickets updated this many days back are recent."),
)


def select_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add the flags; the command receives them as one ``select`` dict of those given."""
    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        given = {key: kwargs.pop(key) for key, _, _ in FLAGS}
        kwargs["select"] = {key: list(value) if isinstance(value, tuple) else value
                            for key, value in given.items() if value not in (None, ())}
        return command(*args, **kwargs)

    for key, repeatable, text in reversed(FLAGS):
        kind = click.IntRange(0, MAX_RECENT_DAYS) if key == "recent_days" else None
        wrapper = click.option(flag_label(key), key, multiple=repeatable, type=kind,
                               help=text)(wrapper)
    return wrapper


def with_select(config: Config, select: dict[str, Any]) -> Config:
    """``config`` with the flags over its ``[select]`` table, checked (one sentence)."""
    kinds = host.kinds()
    if select:
        Filters.parse(select, flag_label, kinds)
    Filters.parse(config.select, kinds=kinds)
    config.select = {**config.select, **select}
    Filters.parse(config.select, kinds=kinds)
    return config
