"""What a run is asked to do (RunRequest), whether it may (Authorization), and the
context plugins see while it runs (RunContext)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from .connector import Capabilities

if TYPE_CHECKING:
    from .state import StateStore

MODES = ("demo", "full", "delta", "resume", "remigrate", "rollback", "retry", "pause")


@dataclass
class RunRequest:
    """A run about to start, as the ``authorize_run`` hook sees it."""

    mode: str  # one of MODES
    migration_id: int
    source_platform: str
    target_platform: str
    options: dict[str, Any]
    billing: dict[str, Any]  # the config's [billing] table (enforce, plan, ...)
    state: StateStore
    counts: dict[str, int] = field(default_factory=dict)  # source counts when known
    run_id: int | None = None  # the run being resumed / re-migrated, if any
    windows: list[str] = field(default_factory=list)  # interval windows asked for


@dataclass(frozen=True)
class Authorization:
    allowed: bool
    reason: str = ""


@dataclass
class RunContext:
    """Passed to record-pipeline hooks: which run, which options, and a usage counter."""

    migration_id: int
    run_id: int
    mode: str
    source_platform: str
    target_platform: str
    options: dict[str, Any]
    started_at: datetime
    source_capabilities: Capabilities = field(default_factory=Capabilities)
    target_capabilities: Capabilities = field(default_factory=Capabilities)
    option_usage: Counter[str] = field(default_factory=Counter)

    def option_applied(self, name: str, count: int = 1) -> None:
        """Note that option ``name`` changed ``count`` more records (the report shows it)."""
        self.option_usage[name] += count
