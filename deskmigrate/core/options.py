"""Paid options: registered by plugins through the ``register_options`` hook and applied
through the record-pipeline hooks (``prepare_record`` / ``skip_record``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .errors import ConfigError


@dataclass(frozen=True)
class Option:
    """One option of the config's ``[options]`` table.

    ``sources`` / ``targets`` name the platforms it supports (None: any platform).
    ``value_type`` is ``bool`` (switched on with ``true``) or ``str`` (e.g. the tag to add).
    """

    name: str
    description: str
    billing_key: str
    value_type: type = bool
    sources: tuple[str, ...] | None = None
    targets: tuple[str, ...] | None = None

    def supports(self, source: str, target: str) -> bool:
        return ((self.sources is None or source in self.sources)
                and (self.targets is None or target in self.targets))


def validate_options(requested: dict[str, Any], known: dict[str, Option], source: str,
                     target: str) -> dict[str, Any]:
    """The options that are on, checked against the source/target pair before anything runs."""
    active: dict[str, Any] = {}
    for name, value in requested.items():
        option = known.get(name)
        if option is None:
            raise ConfigError(f"Unknown option '{name}'; `deskmigrate platforms` lists them.")
        if not isinstance(value, option.value_type):
            raise ConfigError(f"Option '{name}' takes a {option.value_type.__name__} value.")
        if value is False or value == "":
            continue
        if not option.supports(source, target):
            raise ConfigError(f"Option '{name}' is not supported from {source} to {target}.")
        active[name] = value
    return active
