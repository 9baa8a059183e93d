"""Reading the meter events a run leaves in the state database (what billing counts and
the run summary shows). Mixed into :class:`~deskmigrate.core.state.StateStore`."""

from __future__ import annotations

from typing import Any

from .sqlite import Database


class MeterReads:
    db: Database

    def meter_events(self, migration_id: int | None = None) -> list[dict[str, Any]]:
        """Every meter event (of one migration), oldest first."""
        where, args = ("WHERE migration_id=?", [migration_id]) if migration_id is not None \
            else ("", [])
        return list(self.db.query(f"SELECT * FROM meter_events {where} ORDER BY created_at, "
                                  "key", args))

    def option_counts(self, migration_id: int, run_id: int) -> dict[str, int]:
        """How many records each option changed in ``run_id`` (its option events), read
        without loading the migration's other events (one a record)."""
        return {kind.removeprefix("option:"): int(n) for kind, n in self.db.execute(
            "SELECT record_type, source_id FROM meter_events WHERE migration_id=? AND "
            "run_id=? AND record_type LIKE 'option:%'", [migration_id, run_id])}
