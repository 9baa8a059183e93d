"""The state database (SQLite through sqlite-utils): migrations, runs, the id map,
per-record outcomes (the checkpoints a resumed run starts from) and meter events. It never
holds a credential."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Generator, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from itertools import groupby
from pathlib import Path
from typing import Any

import sqlite_utils

from .errors import DeskmigrateError
from .lease import LIVE, interrupted_note, owner_alive, this_host
from .records import NESTED, nested_id
from .sqlite import Database
from .state_claims import MIGRATED, PENDING, ROLLED_BACK, Claims
from .state_meter import MeterReads
from .state_schema import migrate_schema

SKIPPED, FAILED = "skipped", "failed"
RUNNING, WAITING, PAUSING, PAUSED, COMPLETED, INTERRUPTED = (
    "running", "waiting", "pausing", "paused", "completed", "interrupted",
)
__all__ = ["COMPLETED", "FAILED", "INTERRUPTED", "MIGRATED", "PAUSED", "PAUSING", "PENDING",
           "ROLLED_BACK", "RUNNING", "SKIPPED", "WAITING", "StateStore", "meter_key", "now"]


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def meter_key(migration_id: int, run_id: int, record_type: str, source_id: str) -> str:
    """The idempotency key of one meter event (PRODUCT.md: migration, run, type, source id)."""
    return f"{migration_id}:{run_id}:{record_type}:{source_id}"


def _rowid(cursor: sqlite3.Cursor) -> int:
    """The id of the row an INSERT just made."""
    assert cursor.lastrowid is not None  # an INSERT into a rowid table always sets it
    return cursor.lastrowid


class StateStore(Claims, MeterReads):
    """One SQLite file; every method commits before it returns."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = Database(self.path)
        migrate_schema(self)

    @contextmanager
    def transaction(self) -> Generator[sqlite_utils.Database, None, None]:
        """One write transaction: the write lock is taken up front (``BEGIN IMMEDIATE``,
        retried while another process writes) so what is read inside it cannot change
        before it commits; re-check a state transition here, then write it."""
        with self.db.atomic():
            yield self.db

    # -- migrations and runs ------------------------------------------------------------
    def migration_for(self, source_platform: str, source_url: str, target_platform: str,
                      target_url: str) -> int:
        """The migration grouping runs between these two accounts (created on first use)."""
        key = {"source_platform": source_platform, "source_url": source_url.rstrip("/"),
               "target_platform": target_platform, "target_url": target_url.rstrip("/")}
        sql = ("SELECT id FROM migrations WHERE source_platform=:source_platform AND "
               "source_url=:source_url AND target_platform=:target_platform AND "
               "target_url=:target_url")
        row = self._one(sql, key)
        if row:
            return row["id"]
        with self.transaction():
            row = self._one(sql, key)  # another process may have created it meanwhile
            if row:
                return row["id"]
            return _rowid(self.db.execute(
                "INSERT INTO migrations (source_platform, source_url, target_platform, "
                "target_url, created_at) VALUES (:source_platform, :source_url, "
                ":target_platform, :target_url, :created_at)",
                {**key, "created_at": now()}))

    def migration(self, migration_id: int) -> dict[str, Any] | None:
        return self._one("SELECT * FROM migrations WHERE id=?", [migration_id])

    def start_run(self, migration_id: int, mode: str, *, config: dict[str, Any],
                  options: dict[str, Any], seed: int | None = None,
                  parent_run_id: int | None = None, pid: int | None = None) -> int:
        """A new run holding the migration's lease (``pid``); refused with one sentence
        while another run of the migration has a live owner."""
        with self.transaction():
            self._refuse_if_busy(migration_id)
            return _rowid(self.db.execute(
                "INSERT INTO runs (migration_id, mode, status, started_at, config, options, "
                "seed, parent_run_id, counts, pid, requests, host, heartbeat) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, '{}', ?, '{}', ?, ?)",
                [migration_id, mode, RUNNING, now(), json.dumps(config), json.dumps(options),
                 seed, parent_run_id, pid, this_host() if pid else None,
                 now() if pid else None]))

    def take_over(self, run_id: int, pid: int) -> None:
        """Resume: the run's lease passes to ``pid``, unless its owner (or another run of
        the migration) is still alive or there is nothing to resume."""
        with self.transaction():
            run = self.run(run_id)
            if run is None:
                raise DeskmigrateError(f"There is no run {run_id}.")
            if run["status"] in (COMPLETED, ROLLED_BACK):
                raise DeskmigrateError(f"Run {run_id} is {run['status']}; there is nothing "
                                       "to resume.")
            self._refuse_if_busy(run["migration_id"])
            self.db.execute("UPDATE runs SET status=?, error=NULL, pid=?, host=?, heartbeat=? "
                            "WHERE id=?", [RUNNING, pid, this_host(), now(), run_id])

    def refuse_if_busy(self, migration_id: int) -> None:
        """Refuse (one sentence) while a run of the migration has a live owner."""
        self._refuse_if_busy(migration_id)

    def _refuse_if_busy(self, migration_id: int) -> None:
        for row in self.db.query("SELECT id FROM runs WHERE migration_id=? AND status IN "
                                 "(?, ?, ?) AND pid IS NOT NULL", [migration_id, *LIVE]):
            run = self.run(row["id"])
            if run is not None and run["status"] in LIVE:
                raise DeskmigrateError(
                    f"Run {run['id']} of this migration is still {run['status']} (process "
                    f"{run['pid']}); wait for it, or `deskmigrate pause {run['id']}` it first.")

    def beat(self, run_id: int, pid: int) -> None:
        """Refresh the heartbeat of a run ``pid`` still owns."""
        with self.transaction():
            self.db.execute("UPDATE runs SET heartbeat=? WHERE id=? AND pid=?",
                            [now(), run_id, pid])

    def interrupt(self, run_id: int, error: str) -> None:
        """Mark a run interrupted if it is still live (it stopped on an unexpected error)."""
        with self.transaction():
            self.db.execute("UPDATE runs SET status=?, error=?, finished_at=? WHERE id=? AND "
                            "status IN (?, ?, ?)", [INTERRUPTED, error, now(), run_id, *LIVE])

    def run(self, run_id: int) -> dict[str, Any] | None:
        """A run; one left live by a process that is gone reads as interrupted."""
        if not 0 < run_id < 2**63:  # SQLite's integers: no such run, not an overflow
            return None
        row = self._one("SELECT * FROM runs WHERE id=?", [run_id])
        if row:
            for key in ("config", "options", "counts", "requests"):
                row[key] = json.loads(row[key] or "{}")
            if row["status"] in LIVE and not owner_alive(row["pid"], row["host"],
                                                          row["heartbeat"]):
                row["status"], row["error"] = INTERRUPTED, interrupted_note(run_id, row["pid"])
        return row

    def runs(self) -> list[dict[str, Any]]:
        ids = [r["id"] for r in self.db.query("SELECT id FROM runs ORDER BY id")]
        return [run for run_id in ids if (run := self.run(run_id)) is not None]

    def update_run(self, run_id: int, **fields: Any) -> None:
        for key in ("config", "options", "counts", "requests"):
            if key in fields:
                fields[key] = json.dumps(fields[key])
        with self.transaction():
            self.db.table("runs").update(run_id, fields)

    def set_status(self, run_id: int, status: str, error: str | None = None) -> None:
        fields: dict[str, Any] = {"status": status, "error": error}
        if status in (COMPLETED, INTERRUPTED, ROLLED_BACK, PAUSED):
            fields["finished_at"] = now()
        self.update_run(run_id, **fields)

    def add_requests(self, run_id: int, kind: str, source: int, target: int) -> None:
        """Add the requests one kind cost on each side (a resumed run adds to them)."""
        run = self.run(run_id)
        if run is None:
            return
        spent = run["requests"].get(kind, {"source": 0, "target": 0})
        spent = {"source": spent["source"] + source, "target": spent["target"] + target}
        self.update_run(run_id, requests={**run["requests"], kind: spent})

    def request_pause(self, run_id: int) -> str | None:
        """Ask a live run to pause; its status as seen when asking (None: no such run)."""
        with self.transaction():
            run = self.run(run_id)
            if run is not None and run["status"] in (RUNNING, WAITING):
                self.db.execute("UPDATE runs SET status=? WHERE id=?", [PAUSING, run_id])
            return run["status"] if run else None

    def status(self, run_id: int) -> str | None:
        row = self._one("SELECT status FROM runs WHERE id=?", [run_id])
        return row["status"] if row else None

    # -- id map -------------------------------------------------------------------------
    def target_id(self, migration_id: int, kind: str, source_id: str) -> str | None:
        return self.mapped(migration_id, [(kind, source_id)]).get((kind, source_id))

    def id_map(self, migration_id: int, kind: str) -> dict[str, str | None]:
        return dict(self.db.execute("SELECT source_id, target_id FROM id_map WHERE "
                                    "migration_id=? AND kind=?", [migration_id, kind]))

    def fingerprints(self, migration_id: int, kind: str) -> dict[str, str | None]:
        return dict(self.db.execute("SELECT source_id, fingerprint FROM id_map WHERE "
                                    "migration_id=? AND kind=?", [migration_id, kind]))

    def mapped(self, migration_id: int, keys: Iterable[tuple[str, str]]
               ) -> dict[tuple[str, str], str | None]:
        """The id-map rows of ``keys`` (``(kind, source_id)``) that exist: their target ids."""
        out: dict[tuple[str, str], str | None] = {}
        for kind, group in groupby(sorted(keys), key=lambda key: key[0]):
            ids = [source_id for _, source_id in group]  # a batch's: under SQLite's 32,766
            out.update(((kind, s), t) for s, t in self.db.execute(
                f"SELECT source_id, target_id FROM id_map WHERE migration_id=? AND kind=? AND "
                f"source_id IN ({','.join('?' * len(ids))})", [migration_id, kind, *ids]))
        return out

    def batch_view(self, migration_id: int, run_id: int, kind: str, ids: list[str]
                   ) -> tuple[dict[str, str | None], dict[str, str | None], dict[str, str]]:
        """For the records ``ids`` of ``kind``: their target ids and fingerprints from the
        id map, and their outcomes in this run (memory stays flat, whatever the size)."""
        marks = ",".join("?" * len(ids))
        mapped, prints = {}, {}
        for r in self.db.query(f"SELECT source_id, target_id, fingerprint FROM id_map WHERE "
                               f"migration_id=? AND kind=? AND source_id IN ({marks})",
                               [migration_id, kind, *ids]):
            mapped[r["source_id"]] = r["target_id"]
            prints[r["source_id"]] = r["fingerprint"]
        statuses = {r["source_id"]: r["status"] for r in self.db.query(
            f"SELECT source_id, status FROM outcomes WHERE run_id=? AND kind=? AND "
            f"source_id IN ({marks})", [run_id, kind, *ids])}
        return mapped, prints, statuses

    # -- outcomes -----------------------------------------------------------------------
    def mark_pending(self, run_id: int, kind: str, source_ids: Iterable[str]) -> None:
        """Write-ahead: these writes are about to be attempted (their outcome is unknown
        until :meth:`record_results` commits)."""
        stamp = now()
        with self.transaction():
            self.db.table("outcomes").upsert_all(
                ({"run_id": run_id, "kind": kind, "source_id": s, "status": PENDING,
                  "reason": None, "updated_at": stamp} for s in source_ids),
                pk=("run_id", "kind", "source_id"),
            )

    def record_results(self, run_id: int, migration_id: int, mode: str, kind: str,
                       results: list[dict[str, Any]], *, billable: bool) -> None:
        """Commit outcomes, id-map rows and meter events of one batch in one transaction.

        Each result: ``source_id``, ``status``, ``target_id``, ``reason``, ``children``
        (a list of ``(kind, source_id, target_id)``), ``matched`` (it existed before),
        ``fingerprint`` (of the record as written) and ``warnings``. A result for a record
        already in the id map (a delta's update) replaces its row when the target id or the
        fingerprint changed; a new target id then belongs to this run.
        """
        stamp = now()
        with self.transaction():
            options: set[str] = set()
            for r in results:
                # Plain SQL: sqlite-utils' upsert/insert commit on their own, which would
                # split this transaction (a kill in between left outcomes without id map).
                self.db.execute(
                    "INSERT INTO outcomes (run_id, kind, source_id, status, target_id, reason, "
                    "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET "
                    "status=excluded.status, target_id=coalesce(excluded.target_id, "
                    "target_id), "
                    "reason=excluded.reason, updated_at=excluded.updated_at",
                    [run_id, kind, r["source_id"], r["status"], r.get("target_id"),
                     r.get("reason"), stamp])
                for message in r.get("warnings", ()):
                    self.db.execute("INSERT INTO warnings (run_id, kind, source_id, message) "
                                    "VALUES (?, ?, ?, ?)",
                                    [run_id, kind, r["source_id"], message])
                if r["status"] != MIGRATED:
                    continue
                if r.get("adopted"):
                    # carried over from an earlier run (a demo): it belongs to this run
                    # now, with what was added to it, and that run's rollback never
                    # touches it
                    self.db.execute("UPDATE id_map SET run_id=? WHERE migration_id=? AND "
                                    "kind=? AND source_id=?",
                                    [run_id, migration_id, kind, r["source_id"]])
                    prefix = nested_id(r["source_id"], "")
                    for nested in NESTED.get(kind, ()):
                        self.db.execute("UPDATE id_map SET run_id=? WHERE migration_id=? AND "
                                        "kind=? AND substr(source_id, 1, ?)=?",
                                        [run_id, migration_id, nested, len(prefix), prefix])
                created = int(not r.get("matched", False))
                self.db.execute(
                    "INSERT INTO id_map VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT DO UPDATE SET fingerprint=excluded.fingerprint, "
                    "run_id=iif(target_id=excluded.target_id, run_id, excluded.run_id), "
                    "created=iif(target_id=excluded.target_id, created, excluded.created), "
                    "target_id=excluded.target_id",
                    [migration_id, kind, r["source_id"], r["target_id"], run_id, created,
                     stamp, r.get("fingerprint")])
                for child_kind, source_id, target_id, *owned in r.get("children", ()):
                    mine = created if not owned or owned[0] is None else int(owned[0])
                    self.db.execute(
                        "INSERT OR IGNORE INTO id_map VALUES (?, ?, ?, ?, ?, ?, ?, NULL)",
                        [migration_id, child_kind, source_id, target_id, run_id, mine,
                         stamp])
                self.db.execute(
                    "INSERT OR IGNORE INTO meter_events VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [meter_key(migration_id, run_id, kind, r["source_id"]), migration_id,
                     run_id, mode, kind, r["source_id"], int(billable), stamp])
                for option in r.get("options", ()):
                    self.db.execute("INSERT OR IGNORE INTO option_uses VALUES (?, ?, ?, ?)",
                                    [run_id, option, kind, r["source_id"]])
                    options.add(option)
            for option in sorted(options):
                self._meter_option(migration_id, run_id, mode, option, stamp)

    def meter_option(self, migration_id: int, run_id: int, mode: str, option: str,
                     count: int) -> None:
        """Set a run's usage event of an option to ``count`` records (an import of usage
        counted elsewhere; runs meter options with each record's outcome)."""
        with self.transaction():
            self.db.execute(
                "INSERT OR REPLACE INTO meter_events VALUES (?, ?, ?, ?, ?, ?, 0, ?)",
                [meter_key(migration_id, run_id, f"option:{option}", "*"), migration_id,
                 run_id, mode, f"option:{option}", str(count), now()])

    def _meter_option(self, migration_id: int, run_id: int, mode: str, option: str,
                      stamp: str) -> None:
        """The run's one event per option: how many records it changed, counted from
        ``option_uses`` so that a resumed or replayed batch never counts twice."""
        self.db.execute(
            "INSERT INTO meter_events VALUES (?, ?, ?, ?, ?, (SELECT CAST(count(*) AS TEXT) "
            "FROM option_uses WHERE run_id=? AND option=?), 0, ?) ON CONFLICT(key) DO UPDATE "
            "SET source_id=excluded.source_id",
            [meter_key(migration_id, run_id, f"option:{option}", "*"), migration_id, run_id,
             mode, f"option:{option}", run_id, option, stamp])

    def outcome_status(self, run_id: int, kind: str) -> dict[str, str]:
        rows = self.db.query("SELECT source_id, status FROM outcomes WHERE run_id=? AND kind=?",
                             [run_id, kind])
        return {r["source_id"]: r["status"] for r in rows}

    def pending(self, run_id: int, kind: str) -> list[str]:
        rows = self.db.query("SELECT source_id FROM outcomes WHERE run_id=? AND kind=? AND "
                             "status=?", [run_id, kind, PENDING])
        return [r["source_id"] for r in rows]

    def tally(self, run_id: int) -> dict[str, dict[str, int]]:
        """``{kind: {migrated, skipped, failed, pending}}`` for a run."""
        out: dict[str, dict[str, int]] = {}
        for r in self.db.query("SELECT kind, status, count(*) AS n FROM outcomes WHERE run_id=? "
                               "GROUP BY kind, status", [run_id]):
            out.setdefault(r["kind"], {MIGRATED: 0, SKIPPED: 0, FAILED: 0, PENDING: 0})
            out[r["kind"]][r["status"]] = r["n"]
        archive = self.archive(run_id) if not out else None
        return archive["tally"] if archive else out

    def outcomes(self, run_id: int) -> Iterator[dict[str, Any]]:
        yield from self.db.query("SELECT kind, source_id, status, target_id, reason FROM outcomes "
                                 "WHERE run_id=? ORDER BY kind, source_id", [run_id])

    def warnings(self, run_id: int) -> list[dict[str, Any]]:
        return list(self.db.query("SELECT kind, source_id, message FROM warnings WHERE run_id=? "
                                  "ORDER BY id", [run_id]))

    # -- retention ----------------------------------------------------------------------
    def purge_records(self, migration_id: int) -> dict[str, int]:
        """Drop a migration's per-record data (id map, outcomes, warnings) when its data
        retention is over; each run keeps its counts and per-kind tally (``archives``), the
        meter stays. Returns the rows dropped per table."""
        stamp, dropped = now(), {}
        with self.transaction():
            self.db.execute("CREATE TABLE IF NOT EXISTS archives (run_id INTEGER PRIMARY KEY, "
                            "migration_id INTEGER, tally TEXT, archived_at TEXT)")
            runs = [r["id"] for r in self.db.query("SELECT id FROM runs WHERE migration_id=?",
                                                   [migration_id])]
            for run_id in runs:
                self.db.execute("INSERT OR IGNORE INTO archives VALUES (?, ?, ?, ?)",
                                [run_id, migration_id, json.dumps(self.tally(run_id)), stamp])
            marks = ",".join("?" * len(runs))
            for table, where, args in (
                    ("id_map", "migration_id=?", [migration_id]),
                    ("outcomes", f"run_id IN ({marks})", runs),
                    ("warnings", f"run_id IN ({marks})", runs)):
                dropped[table] = self.db.execute(f"DELETE FROM {table} WHERE {where}",
                                                 args).rowcount
        return dropped

    def archive(self, run_id: int) -> dict[str, Any] | None:
        """``{tally, archived_at}`` of a run whose per-record data was purged, else None."""
        if "archives" not in self.db.table_names():
            return None
        row = self._one("SELECT tally, archived_at FROM archives WHERE run_id=?", [run_id])
        return {"tally": json.loads(row["tally"]), "archived_at": row["archived_at"]} \
            if row else None

    # -- helpers ------------------------------------------------------------------------
    def _one(self, sql: str, params: Any) -> dict[str, Any] | None:
        rows = list(self.db.query(sql, params))
        return rows[0] if rows else None
