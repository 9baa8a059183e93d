"""Metered actuals, read from the engine's ``meter_events`` table.

A migration's actuals are the DISTINCT ``(record_type, source_id)`` among billable events
(``billable`` is the kinds registry's ``KindSpec.billable``, stored by the engine with each
event, so a plugin's billable kind is counted like deskmigrate's own) of its non-demo runs
that were not rolled back (the migration's final state): a replayed event, a resumed run or
a re-migration that re-creates the same source record never counts twice. Failed and
skipped records have no event. Option usage (``option:NAME`` events, the count in
``source_id``) is reported, never counted as records.
"""

from __future__ import annotations

from deskmigrate.core.state import ROLLED_BACK, StateStore


def metered_actuals(state: StateStore, migration_id: int) -> dict[str, int]:
    """``{kind: distinct records migrated}`` for the billable kinds of a migration."""
    rows = state.db.query(
        "SELECT record_type, COUNT(DISTINCT source_id) AS n FROM meter_events "
        "WHERE migration_id=? AND billable=1 AND mode!='demo' AND record_type NOT LIKE "
        "'option:%' AND run_id NOT IN (SELECT id FROM runs WHERE status=?) "
        "GROUP BY record_type ORDER BY min(rowid)", [migration_id, ROLLED_BACK])
    return {r["record_type"]: r["n"] for r in rows if r["n"]}


def option_usage(state: StateStore, migration_id: int) -> dict[str, int]:
    """``{option: records it changed}`` summed over the non-demo runs of a migration."""
    rows = state.db.query(
        "SELECT substr(record_type, 8) AS name, SUM(CAST(source_id AS INTEGER)) AS n "
        "FROM meter_events WHERE migration_id=? AND mode!='demo' AND record_type LIKE "
        "'option:%' GROUP BY record_type ORDER BY record_type", [migration_id])
    return {r["name"]: r["n"] for r in rows}
