"""Data retention: after the plan's ``retention_days`` (counted from the completion of the
full migration, or of the latest demo for a migration never paid for), the per-record data
of a migration (id map, outcomes, warnings) is purged; the state keeps the runs' counts and
tallies, the invoices and the meter. ``billing retention`` lists what is due (a dry run);
``--apply`` purges it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from deskmigrate.core.state import COMPLETED, ROLLED_BACK, StateStore

from .gates import finished_at, paid_invoice, paid_plan
from .invoices import full_runs_since
from .pricebook import PriceBook


@dataclass(frozen=True)
class Expiry:
    """A migration whose retention is over (or not yet), and what purging it drops."""

    migration_id: int
    plan: str
    since: str  # "full migration" or "demo"
    finished: datetime
    until: datetime
    rows: dict[str, int]

    def as_dict(self) -> dict[str, Any]:
        return {"migration_id": self.migration_id, "plan": self.plan, "since": self.since,
                "finished": self.finished.isoformat(), "until": self.until.isoformat(),
                "rows": self.rows}


def _rows(state: StateStore, migration_id: int) -> dict[str, int]:
    runs = "SELECT id FROM runs WHERE migration_id=?"
    return {
        "id_map": state.db.execute("SELECT count(*) FROM id_map WHERE migration_id=?",
                                   [migration_id]).fetchone()[0],
        "outcomes": state.db.execute(f"SELECT count(*) FROM outcomes WHERE run_id IN ({runs})",
                                     [migration_id]).fetchone()[0],
    }


def _expiry(state: StateStore, book: PriceBook, migration_id: int) -> Expiry | None:
    """When the migration's data retention ends; None while a run is unfinished, a paid
    migration has not run yet, or there is nothing left to purge."""
    rows = _rows(state, migration_id)
    busy = state.db.execute("SELECT count(*) FROM runs WHERE migration_id=? AND status NOT IN "
                            "(?, ?)", [migration_id, COMPLETED, ROLLED_BACK]).fetchone()[0]
    if busy or not any(rows.values()):
        return None
    invoice = paid_invoice(state, migration_id)
    if invoice is not None:
        runs = full_runs_since(state, migration_id, invoice.paid_at or "")
        if not runs:
            return None
        plan, since, done = paid_plan(state, invoice), "full migration", finished_at(state, runs[0])
    else:
        demo = state.db.execute("SELECT max(id) FROM runs WHERE migration_id=? AND mode='demo'",
                                [migration_id]).fetchone()[0]
        if demo is None:
            return None
        plan, since = book.plan("standard"), "demo"
        done = finished_at(state, state.run(demo) or {})
    return Expiry(migration_id, plan.name, since, done,
                  done + timedelta(days=plan.retention_days), rows)


def retention(state: StateStore, book: PriceBook, *, apply: bool = False,
              now: datetime | None = None) -> list[Expiry]:
    """The migrations whose retention is over; purged when ``apply``."""
    moment = now or datetime.now(UTC)
    due = []
    for row in state.db.query("SELECT id FROM migrations ORDER BY id"):
        expiry = _expiry(state, book, row["id"])
        if expiry and moment > expiry.until:
            due.append(expiry)
            if apply:
                state.purge_records(expiry.migration_id)
    return due
