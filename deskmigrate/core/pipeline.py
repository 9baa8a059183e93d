"""The record pipeline: the declared order in which option hooks see a record before it
is written, so that no option depends on the order plugins happen to load in."""

from __future__ import annotations

import pluggy

from .records import Record
from .run import RunContext

# (hook, what it decides), in the order they run; each phase sees what the earlier made.
PHASES: tuple[tuple[str, str], ...] = (
    ("skip_record", "whether the record goes at all"),
    ("shape_record", "what it holds: side conversations, call recordings, translations"),
    ("select_files", "which files travel, on every message it now holds"),
    ("prepare_record", "bodies and fields: tags, redaction"),
)


def run_pipeline(pm: pluggy.PluginManager, context: RunContext, kind: str, record: Record
                 ) -> str | None:
    """Run every phase over ``record`` (changed in place); a reason to skip it, or None."""
    for reason in pm.hook.skip_record(context=context, kind=kind, record=record):
        if reason:
            return str(reason)
    for hook, _ in PHASES[1:]:
        getattr(pm.hook, hook)(context=context, kind=kind, record=record)
    return None
