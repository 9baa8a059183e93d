"""Events a run emits through the ``record_event`` hook (metering observes them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

RECORD_MIGRATED = "record.migrated"
OPTION_APPLIED = "option.applied"
RUN_STARTED = "run.started"
RUN_FINISHED = "run.finished"


@dataclass(frozen=True)
class Event:
    name: str
    migration_id: int
    run_id: int
    mode: str
    data: dict[str, Any] = field(default_factory=dict)
