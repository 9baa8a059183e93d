"""The state database's tables, created on first use and brought up to date in place."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .state import StateStore

SCHEMA_VERSION = 3
ADDED = {  # columns added since version 1: table -> {column: type}
    "runs": {"heartbeat": "TEXT", "host": "TEXT"},
    "outcomes": {"absent": "INTEGER"},
}


def migrate_schema(store: StateStore) -> None:
    """Create the tables, or add what an older state database lacks."""
    db = store.db
    if db.execute("PRAGMA user_version").fetchone()[0] >= SCHEMA_VERSION:
        return
    with store.transaction():
        if db.execute("PRAGMA user_version").fetchone()[0] >= SCHEMA_VERSION:
            return  # another process created it meanwhile
        db.table("migrations").create(
            {"id": int, "source_platform": str, "source_url": str, "target_platform": str,
             "target_url": str, "created_at": str},
            pk="id", if_not_exists=True,
        )
        db.table("migrations").create_index(
            ["source_platform", "source_url", "target_platform", "target_url"],
            unique=True, if_not_exists=True,
        )
        db.table("runs").create(
            {"id": int, "migration_id": int, "mode": str, "status": str, "started_at": str,
             "finished_at": str, "config": str, "options": str, "seed": int,
             "parent_run_id": int, "counts": str, "error": str, "pid": int,
             "requests": str},
            pk="id", foreign_keys=[("migration_id", "migrations", "id")],
            if_not_exists=True,
        )
        db.table("id_map").create(
            {"migration_id": int, "kind": str, "source_id": str, "target_id": str,
             "run_id": int, "created": int, "created_at": str, "fingerprint": str},
            pk=("migration_id", "kind", "source_id"), if_not_exists=True,
        )
        db.table("id_map").create_index(["run_id"], if_not_exists=True)
        db.table("outcomes").create(
            {"run_id": int, "kind": str, "source_id": str, "status": str,
             "target_id": str, "reason": str, "updated_at": str},
            pk=("run_id", "kind", "source_id"), if_not_exists=True,
        )
        db.table("outcomes").create_index(["run_id", "status"], if_not_exists=True)
        db.table("warnings").create(
            {"id": int, "run_id": int, "kind": str, "source_id": str, "message": str},
            pk="id", if_not_exists=True,
        )
        db.table("meter_events").create(
            {"key": str, "migration_id": int, "run_id": int, "mode": str,
             "record_type": str, "source_id": str, "billable": int, "created_at": str},
            pk="key", if_not_exists=True,
        )
        db.table("meter_events").create_index(["migration_id", "mode"], if_not_exists=True)
        db.table("option_uses").create(  # which records each option changed, per run
            {"run_id": int, "option": str, "kind": str, "source_id": str},
            pk=("run_id", "option", "kind", "source_id"), if_not_exists=True,
        )
        db.table("intents").create(  # nested records a run announced creating (v3)
            {"run_id": int, "kind": str, "source_id": str},
            pk=("run_id", "kind", "source_id"), if_not_exists=True,
        )
        for table, columns in ADDED.items():
            have = {c.name for c in db[table].columns}
            for column, sql_type in columns.items():
                if column not in have:
                    db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {sql_type}")
        db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
