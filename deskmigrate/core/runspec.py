"""What one run needs, built by the CLI (or a test) from the config, and who stands in for
agents the target does not have."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pluggy

from . import state as st
from .connector import Capabilities, Source, Target
from .errors import DeskmigrateError
from .windows import Schedule

Progress = Callable[[str, int, int | None], None]  # kind, records done, total (if known)


@dataclass
class RunSpec:
    """Everything one run needs, built by the CLI (or a test) from the config."""

    state: st.StateStore
    pm: pluggy.PluginManager
    source: Source
    target: Target
    source_platform: str
    target_platform: str
    migration_id: int
    run_id: int
    mode: str
    options: dict[str, Any] = field(default_factory=dict)
    source_capabilities: Capabilities = field(default_factory=Capabilities)
    target_capabilities: Capabilities = field(default_factory=Capabilities)
    default_agent_email: str | None = None
    stand_in: Callable[[], str | None] | None = None  # the default agent's id, asked once
    concurrency: int = 8
    progress: Progress | None = None
    schedule: Schedule | None = None  # interval windows: outside them the run waits
    notify: Callable[[str], None] | None = None  # one-line messages for the operator
    waiting: Callable[[datetime | None], None] | None = None  # the window it waits for


def default_agent(target: Target, email: str | None, platform: str) -> str | None:
    """The target id standing in for unknown agents: the configured ``default_agent``, which
    must be an agent of the target, else the account the target acts as."""
    if email:
        found = target.find_agent(email)
        if found is None:
            raise DeskmigrateError(f"The default agent {email} is not an agent in the "
                                   f"{platform} target.")
        return found
    return target.check().id
