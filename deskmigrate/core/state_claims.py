"""What proves a record is a run's own when its write was interrupted: the write-ahead
notes a run leaves in the state database before and while it creates records (announced
creates, nested records it adds, records created in part), and the questions asked of them
on resume and rollback. Mixed into :class:`~deskmigrate.core.state.StateStore`."""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import AbstractContextManager

import sqlite_utils

from .records import NESTED_KINDS
from .sqlite import Database

PENDING, MIGRATED, ROLLED_BACK = "pending", "migrated", "rolled_back"


class Claims:
    db: Database

    def transaction(self) -> AbstractContextManager[sqlite_utils.Database]:
        raise NotImplementedError  # StateStore's

    def mark_absent(self, run_id: int, kind: str, source_id: str) -> None:
        """Write-ahead: nothing in the target matched this pending record before its create
        request was sent, so whatever is found by natural key later was created by it."""
        with self.transaction():
            self.db.execute("UPDATE outcomes SET absent=1 WHERE run_id=? AND kind=? AND "
                            "source_id=?", [run_id, kind, source_id])

    def mark_created(self, run_id: int, kind: str, source_id: str, target_id: str) -> None:
        """A record still pending exists in the target as ``target_id`` (its first request
        was answered; the rest of its write may be lost): rollback removes it."""
        with self.transaction():
            self.db.execute("UPDATE outcomes SET target_id=? WHERE run_id=? AND kind=? AND "
                            "source_id=? AND status!=?",
                            [target_id, run_id, kind, source_id, MIGRATED])

    def partial(self, run_id: int, kind: str) -> list[str]:
        """Target ids of records of ``kind`` that a run created in part and never settled
        as migrated (:meth:`mark_created`), unless a run has mapped them since."""
        rows = self.db.query(
            "SELECT o.target_id FROM outcomes o JOIN runs r ON r.id=o.run_id WHERE "
            "o.run_id=? AND o.kind=? AND o.status!=? AND o.target_id IS NOT NULL AND NOT "
            "EXISTS (SELECT 1 FROM id_map m WHERE m.migration_id=r.migration_id AND "
            "m.kind=o.kind AND m.target_id=o.target_id)", [run_id, kind, MIGRATED])
        return [r["target_id"] for r in rows]

    def forget_partial(self, run_id: int, kind: str, target_ids: Iterable[str]) -> None:
        """Rollback deleted these partly created records."""
        with self.transaction():
            self.db.conn.executemany("UPDATE outcomes SET target_id=NULL WHERE run_id=? AND "
                                     "kind=? AND target_id=? AND status!=?",
                                     [(run_id, kind, t, MIGRATED) for t in target_ids])

    def mark_intent(self, run_id: int, kind: str, source_id: str) -> None:
        """Write-ahead for a nested record (an agent's group membership): nothing alike was
        there when this run sent its create request, so finding it later proves it ours."""
        with self.transaction():
            self.db.execute("INSERT OR IGNORE INTO intents VALUES (?, ?, ?)",
                            [run_id, kind, source_id])

    def intents(self, migration_id: int) -> set[tuple[str, str]]:
        """``(kind, source_id)`` of the nested records announced by :meth:`mark_intent` in
        the migration's runs that were not rolled back."""
        rows = self.db.query("SELECT i.kind, i.source_id FROM intents i JOIN runs r ON "
                             "r.id=i.run_id WHERE r.migration_id=? AND r.status!=?",
                             [migration_id, ROLLED_BACK])
        return {(r["kind"], r["source_id"]) for r in rows}

    def absent(self, migration_id: int, kind: str) -> set[str]:
        """The pending records of ``kind`` marked by :meth:`mark_absent` in the migration's
        runs that were not rolled back."""
        rows = self.db.query("SELECT o.source_id FROM outcomes o JOIN runs r ON r.id=o.run_id "
                             "WHERE r.migration_id=? AND r.status!=? AND o.kind=? AND "
                             "o.status=? AND o.absent=1",
                             [migration_id, ROLLED_BACK, kind, PENDING])
        return {r["source_id"] for r in rows}

    def uncertain(self, migration_id: int, run_id: int, kind: str) -> set[str]:
        """Records of ``kind`` whose last write's outcome is unknown: pending in this run,
        or left pending by another run of the migration (not rolled back) and never mapped
        since; they are looked for in the target before being written."""
        rows = self.db.query(
            "SELECT o.source_id FROM outcomes o JOIN runs r ON r.id=o.run_id WHERE "
            "r.migration_id=? AND o.kind=? AND o.status=? AND (o.run_id=? OR (r.status!=? "
            "AND NOT EXISTS (SELECT 1 FROM id_map m WHERE m.migration_id=r.migration_id AND "
            "m.kind=o.kind AND m.source_id=o.source_id)))",
            [migration_id, kind, PENDING, run_id, ROLLED_BACK])
        return {r["source_id"] for r in rows}

    def unanswered(self, run_id: int, kind: str) -> list[str]:
        """Source ids of ``kind`` whose create request ``run_id`` may have sent with no
        answer: pending with no target id, and mapped by no run of the migration since."""
        rows = self.db.query(
            "SELECT o.source_id FROM outcomes o JOIN runs r ON r.id=o.run_id WHERE "
            "o.run_id=? AND o.kind=? AND o.status=? AND o.target_id IS NULL AND NOT EXISTS "
            "(SELECT 1 FROM id_map m WHERE m.migration_id=r.migration_id AND m.kind=o.kind "
            "AND m.source_id=o.source_id)", [run_id, kind, PENDING])
        return [r["source_id"] for r in rows]

    def created_by(self, run_id: int, kind: str) -> list[str]:
        """Target ids of ``kind`` that a run created (not those it matched)."""
        rows = self.db.query("SELECT target_id FROM id_map WHERE run_id=? AND kind=? AND "
                             "created=1 AND target_id IS NOT NULL", [run_id, kind])
        return [r["target_id"] for r in rows]

    def forget_run(self, run_id: int, kind: str, target_ids: Iterable[str] | None = None
                   ) -> None:
        """Drop a run's id-map rows of ``kind`` (after rollback deleted them): those of
        ``target_ids`` only, or every one (records the run matched, never deleted)."""
        with self.transaction():
            if target_ids is None:
                self.db.execute("DELETE FROM id_map WHERE run_id=? AND kind=?", [run_id, kind])
                return
            self.db.conn.executemany("DELETE FROM id_map WHERE run_id=? AND kind=? AND "
                                     "target_id=?", [(run_id, kind, t) for t in target_ids])

    def created_remaining(self, run_id: int) -> int:
        """How many records a run created are still in the id map (rollback left them);
        nested records (comments: no outcome of their own) go with their parent and are not
        counted, except those rollback removes on their own (group memberships)."""
        marks = ",".join("?" * len(NESTED_KINDS))
        mapped = self.db.execute(
            "SELECT count(*) FROM id_map m WHERE run_id=? AND created=1 AND target_id IS NOT "
            "NULL AND (EXISTS (SELECT 1 FROM outcomes o WHERE o.run_id=m.run_id AND "
            f"o.kind=m.kind AND o.source_id=m.source_id) OR kind IN ({marks}))",
            [run_id, *NESTED_KINDS]).fetchone()[0]
        kinds = {r["kind"] for r in self.db.query(
            "SELECT DISTINCT kind FROM outcomes WHERE run_id=? AND status!=? AND target_id "
            "IS NOT NULL", [run_id, MIGRATED])}
        return int(mapped) + sum(len(self.partial(run_id, k)) for k in kinds)
