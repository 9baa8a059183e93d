"""Issue 6 - "Gates": enforce=false allows everything; demo and rollback are free; a full run
needs a paid invoice; delta and interval windows need Signature; re-migration within the
plan's window (Premium 5 days, Signature 10 days, Standard none); resume as the resumed run."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from billing_support import make_demo, make_migration

from deskmigrate.billing.customers import Customer, save_customer
from deskmigrate.billing.gates import authorize
from deskmigrate.billing.invoices import issue_invoice, pay_invoice
from deskmigrate.billing.pricebook import default_pricebook_text
from deskmigrate.core.run import RunRequest
from deskmigrate.core.state import COMPLETED, PAUSED, StateStore

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def ask(state: StateStore, mid: int, mode: str, billing: dict | None = None, **kw: object):
    req = RunRequest(mode=mode, migration_id=mid, source_platform="zendesk",
                     target_platform="freshdesk", options={}, billing=billing or {},
                     state=state, **kw)  # type: ignore[arg-type]
    return authorize(req, now=NOW)


def paid_migration(state: StateStore, plan: str | None) -> int:
    """A new migration whose demo was invoiced on ``plan`` (None: not invoiced) and paid."""
    save_customer(state, Customer("Acme", "a@acme.example", "IE", address="1 Main St"))
    mid = make_migration(state, name=f"m{state.db['migrations'].count}")
    demo = make_demo(state, mid, {"ticket": 100})
    if plan:
        pay_invoice(state, issue_invoice(state, demo, plan=plan).number, "card")
    return mid


def full_run(state: StateStore, mid: int, status: str = COMPLETED,
             finished: datetime | None = None) -> int:
    run = state.start_run(mid, "full", config={}, options={})
    state.set_status(run, status)
    if finished:
        state.update_run(run, finished_at=finished.isoformat())
    return run


@pytest.fixture
def state(tmp_path: Path) -> StateStore:
    return StateStore(tmp_path / "gates.sqlite")


def test_enforcement_off_allows_everything(state: StateStore, tmp_path: Path) -> None:
    mid = paid_migration(state, None)
    for mode in ("full", "delta", "remigrate"):
        assert ask(state, mid, mode, {"enforce": False}) is None
    book = tmp_path / "free.toml"
    book.write_text(default_pricebook_text().replace("enforce = true", "enforce = false"))
    assert ask(state, mid, "full", {"pricebook": str(book)}) is None
    assert ask(state, mid, "delta", {"pricebook": str(book)}, windows=["sat 00-24"]) is None


def test_demo_and_rollback_are_always_allowed(state: StateStore) -> None:
    mid = paid_migration(state, None)
    assert ask(state, mid, "demo") is None
    assert ask(state, mid, "rollback") is None


def test_delta_and_windows_need_signature(state: StateStore) -> None:
    premium, signature = paid_migration(state, "premium"), paid_migration(state, "signature")
    unpaid = paid_migration(state, None)
    full_run(state, signature, finished=NOW - timedelta(days=1))
    assert ask(state, signature, "delta").allowed
    assert ask(state, unpaid, "delta").reason == (
        f"Delta runs need the Signature plan, and migration {unpaid} has no paid invoice: "
        "invoice its demo with `deskmigrate billing invoice RUN --plan signature`.")
    assert not ask(state, premium, "delta").allowed
    fresh = paid_migration(state, "signature")
    assert ask(state, fresh, "full", windows=["mon-fri 20:00-06:00"]).allowed
    windowed = ask(state, premium, "full", windows=["mon-fri 20:00-06:00"])
    assert windowed.reason.startswith("Pausing and interval windows need the Signature plan; ")


def test_resume(state: StateStore) -> None:
    premium, signature = paid_migration(state, "premium"), paid_migration(state, "signature")
    # a crashed full run resumes on any paid plan; a paused one needs Signature
    crashed = full_run(state, premium, "interrupted")
    assert ask(state, premium, "resume", run_id=crashed).allowed
    paused = full_run(state, premium, PAUSED)
    assert "need the Signature plan" in ask(state, premium, "resume", run_id=paused).reason
    assert ask(state, signature, "resume", run_id=full_run(state, signature, PAUSED)).allowed
    # resuming a demo is free; a full run of an unpaid migration stays refused
    unpaid = paid_migration(state, None)
    demo = make_demo(state, unpaid, {"ticket": 1}, status="interrupted")
    assert ask(state, unpaid, "resume", run_id=demo) is None
    assert "no paid invoice" in ask(state, unpaid, "resume",
                                    run_id=full_run(state, unpaid, "interrupted")).reason


def test_remigration_window(state: StateStore) -> None:
    premium = paid_migration(state, "premium")
    run = full_run(state, premium, finished=NOW - timedelta(days=4, hours=23))
    assert ask(state, premium, "remigrate", run_id=run).allowed
    late_migration = paid_migration(state, "premium")
    late = full_run(state, late_migration, finished=NOW - timedelta(days=6))
    assert ask(state, late_migration, "remigrate", run_id=late).reason == (
        # finished 6 days before NOW (2026-03-01 12:00) -> closed 5 days later, 2026-02-28
        f"The 5-day re-migration window of the Premium plan for migration {late_migration} "
        "closed on 2026-02-28 12:00 UTC, so this is a new migration: run a demo and invoice "
        "it.")
    signature = paid_migration(state, "signature")
    nine_days = full_run(state, signature, finished=NOW - timedelta(days=9))
    assert ask(state, signature, "remigrate", run_id=nine_days).allowed
    standard = paid_migration(state, "standard")
    done = full_run(state, standard, finished=NOW)
    assert "the Standard plan has no re-migration" in ask(state, standard, "remigrate",
                                                          run_id=done).reason
    # no full run on the invoice yet -> a clear refusal
    fresh = paid_migration(state, "signature")
    assert ask(state, fresh, "remigrate").reason.startswith(
        f"Migration {fresh} has no full run on invoice INV-")
