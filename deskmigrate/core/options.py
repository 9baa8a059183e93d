"""Paid options: registered by plugins through the ``register_options`` hook and applied
through the record-pipeline hooks, phase by phase (``core/pipeline.py``)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from .connector import Capabilities, Platform
from .errors import ConfigError

FLAGS = frozenset(f.name for f in fields(Capabilities) if f.type in ("bool", bool))


@dataclass(frozen=True)
class Option:
    """One option of the config's ``[options]`` table.

    ``source_needs`` / ``target_needs`` name the :class:`Capabilities` flags the source /
    target must have for the option to mean something (empty: any platform), e.g. an option
    moving call recordings needs ``source_needs=("call_recordings",)``.
    ``value_type`` is ``bool`` (switched on with ``true``) or ``str`` (e.g. the tag to add).
    """

    name: str
    description: str
    value_type: type = bool
    source_needs: tuple[str, ...] = ()
    target_needs: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        unknown = sorted(set(self.source_needs + self.target_needs) - FLAGS)
        if unknown:
            raise ValueError(f"Option '{self.name}' needs unknown capabilities {unknown}; "
                             f"the flags are {sorted(FLAGS)}.")

    def supports_source(self, capabilities: Capabilities) -> bool:
        return all(getattr(capabilities, flag) for flag in self.source_needs)

    def supports_target(self, capabilities: Capabilities) -> bool:
        return all(getattr(capabilities, flag) for flag in self.target_needs)

    def supports(self, source: Capabilities, target: Capabilities) -> bool:
        return self.supports_source(source) and self.supports_target(target)


def validate_options(requested: dict[str, Any], known: dict[str, Option], source: Platform,
                     target: Platform) -> dict[str, Any]:
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
        if not option.supports(source.capabilities, target.capabilities):
            raise ConfigError(f"Option '{name}' is not supported from {source.name} to "
                              f"{target.name}.")
        active[name] = value
    return active
