"""The plan gates behind the ``authorize_run`` hook.

* enforcement off (config ``[billing] enforce = false`` or the price book's) -> no opinion;
* demo, rollback -> no opinion (always allowed);
* full -> a paid invoice of the migration not yet used by a completed full run;
* delta -> a plan with ``delta`` (Signature); pausing or interval windows -> ``interval``;
* re-migration -> within the plan's window after the full run completed;
* resume -> whatever the resumed run needed, plus ``interval`` when it had been paused.

The plan is the one on the migration's paid invoice, as its price book had it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from deskmigrate.core.run import Authorization, RunRequest
from deskmigrate.core.state import COMPLETED, PAUSED, PAUSING, StateStore

from .invoices import INVOICE, OPEN, PAID, Invoice, consumed_by, list_invoices
from .pricebook import Plan, PriceBook, load_pricebook, pricebook_from_snapshot
from .runs import get_run, root_run

PAY = "`deskmigrate billing pay {number} --method card|paypal|bank_transfer`"


def _refuse(reason: str) -> Authorization:
    return Authorization(allowed=False, reason=reason)


def _plan(invoice: Invoice) -> Plan:
    return pricebook_from_snapshot(invoice.pricebook).plan(invoice.plan)


def _paid(state: StateStore, migration_id: int) -> list[Invoice]:
    return list_invoices(state, migration_id, "kind=? AND status=?", (INVOICE, PAID))


def _no_paid_invoice(state: StateStore, migration_id: int) -> Authorization:
    unpaid = list_invoices(state, migration_id, "kind=? AND status=?", (INVOICE, OPEN))
    if unpaid:
        number = unpaid[-1].number
        return _refuse(f"Migration {migration_id} has no paid invoice: invoice {number} is "
                       f"unpaid, record its payment with {PAY.format(number=number)}.")
    demo = state.db.execute("SELECT max(id) FROM runs WHERE migration_id=? AND mode='demo' "
                            "AND status=?", [migration_id, COMPLETED]).fetchone()[0]
    return _refuse(f"Migration {migration_id} has no paid invoice: run `deskmigrate billing "
                   f"invoice {demo or 'RUN'}` on its demo and record the payment with "
                   "`deskmigrate billing pay NUMBER`.")


def _full(state: StateStore, migration_id: int) -> tuple[Authorization, Invoice | None]:
    paid = _paid(state, migration_id)
    for invoice in reversed(paid):
        if consumed_by(state, invoice) is None:
            return Authorization(True, f"Invoice {invoice.number} is paid."), invoice
    if paid and not list_invoices(state, migration_id, "kind=? AND status=?", (INVOICE, OPEN)):
        used = paid[-1]
        return _refuse(f"Migration {migration_id} has no paid invoice for another full run: "
                       f"{used.number} was used by full run {consumed_by(state, used)}; "
                       "run a new demo and invoice it, or re-migrate within the plan's "
                       "window."), None
    return _no_paid_invoice(state, migration_id), None


def _feature(state: StateStore, book: PriceBook, migration_id: int, invoice: Invoice | None,
             feature: str, what: str) -> Authorization | None:
    """None when the plan allows ``feature`` ("delta" or "interval"), else a refusal."""
    if invoice is None:
        paid = _paid(state, migration_id)
        invoice = paid[-1] if paid else None
    book = pricebook_from_snapshot(invoice.pricebook) if invoice else book
    names = " or ".join(p.name for p in book.plans.values() if getattr(p, feature))
    if invoice is None:
        return _refuse(f"{what} need the {names} plan, and migration {migration_id} has no "
                       "paid invoice.")
    plan = _plan(invoice)
    if getattr(plan, feature):
        return None
    return _refuse(f"{what} need the {names} plan; migration {migration_id} is on the "
                   f"{plan.name} plan (invoice {invoice.number}).")


def _when(stamp: str) -> datetime:
    moment = datetime.fromisoformat(stamp)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _remigrate(state: StateStore, migration_id: int, run_id: int | None,
               now: datetime | None) -> Authorization:
    """Re-migration of full run ``run_id`` (the latest when None); ``now`` None skips the
    window (a resumed re-migration was inside it when it started)."""
    paid = _paid(state, migration_id)
    if not paid:
        return _no_paid_invoice(state, migration_id)
    plan = _plan(paid[-1])
    if not plan.remigration_days:
        return _refuse(f"Re-migration needs a plan with a re-migration window; migration "
                       f"{migration_id} is on the {plan.name} plan (invoice {paid[-1].number}).")
    if now is None:
        return Authorization(True, f"{plan.name} allows re-migration.")
    run_id = run_id or state.db.execute(
        "SELECT max(id) FROM runs WHERE migration_id=? AND mode='full' AND status=?",
        [migration_id, COMPLETED]).fetchone()[0]
    run = get_run(state, run_id) if run_id else None
    if run is None or root_run(state, run["id"])["mode"] != "full" or run["status"] != COMPLETED:
        return _refuse(f"Migration {migration_id} has no completed full run to re-migrate.")
    closes = _when(run["finished_at"]) + timedelta(days=plan.remigration_days)
    if now > closes:
        return _refuse(f"The {plan.remigration_days}-day re-migration window of the "
                       f"{plan.name} plan for migration {migration_id} closed on "
                       f"{closes:%Y-%m-%d %H:%M} UTC, so this is a new migration: run a "
                       "demo and invoice it.")
    return Authorization(True, f"Within the {plan.name} re-migration window.")


def _gate(state: StateStore, book: PriceBook, migration_id: int, mode: str,
          run_id: int | None, now: datetime | None) -> tuple[Authorization, Invoice | None]:
    """The decision for a full, delta or re-migration run, and the invoice it relies on."""
    if mode == "full":
        return _full(state, migration_id)
    if mode == "delta":
        refusal = _feature(state, book, migration_id, None, "delta", "Delta runs")
        return refusal or Authorization(True, "The plan allows delta runs."), None
    if mode == "remigrate":
        return _remigrate(state, migration_id, run_id, now), None
    return _refuse(f"Billing does not know the run mode {mode!r}."), None


def authorize(request: RunRequest, now: datetime | None = None) -> Authorization | None:
    """Billing's answer to ``authorize_run``: None (no opinion), allowed, or refused."""
    billing = request.billing or {}
    if billing.get("enforce", True) is False or request.mode in ("demo", "rollback"):
        return None
    book = load_pricebook(billing.get("pricebook"))
    if not book.enforce:
        return None
    state, migration_id = request.state, request.migration_id
    paused = False
    if request.mode == "resume":
        if request.run_id is None:
            return _refuse("Billing cannot allow a resume without the run it resumes.")
        mode = root_run(state, request.run_id)["mode"]
        if mode in ("demo", "rollback"):
            return None
        paused = get_run(state, request.run_id)["status"] in (PAUSED, PAUSING)
        result, invoice = _gate(state, book, migration_id, mode, None, None)
    else:
        result, invoice = _gate(state, book, migration_id, request.mode, request.run_id,
                                now or datetime.now(UTC))
    if result.allowed and (paused or request.windows):
        return _feature(state, book, migration_id, invoice, "interval",
                        "Pausing and interval windows") or result
    return result
