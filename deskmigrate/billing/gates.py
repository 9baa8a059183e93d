"""The plan gates behind the ``authorize_run`` hook.

* enforcement off (config ``[billing] enforce = false`` or the price book's) -> no opinion;
* demo -> refused up front when the source reads a billable record kind the price book has
  no price for (the demo's quote could not price it), even with enforcement off;
* demo, rollback -> otherwise no opinion (always allowed);
* an invoice pays for one full migration and the re-migrations its plan allows: every full
  or re-migration run started after its payment counts, whatever became of it (a rollback
  frees nothing); after the first, a run is a re-migration, allowed within the plan's
  window (counted from the first run's completion) and up to its number of re-migrations;
* delta -> a plan with ``delta`` (Signature), within ``delta_days`` of that completion;
* retry of failed and skipped records -> any paid plan;
* pausing or interval windows -> ``interval`` (Signature), refused up front;
* options -> every priced option of the run must be on the invoice or a paid upgrade;
* resume -> whatever the resumed run needed, plus ``interval`` when it had been paused.

Refusals are one sentence naming the command that lifts them (pay, upgrade, invoice).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from deskmigrate.core import host
from deskmigrate.core.errors import ConfigError, DeskmigrateError
from deskmigrate.core.run import Authorization, RunRequest
from deskmigrate.core.state import COMPLETED, PAUSED, PAUSING, ROLLED_BACK, StateStore

from .invoices import INVOICE, OPEN, PAID, PAY, Invoice, full_runs_since, list_invoices
from .pricebook import Plan, PriceBook, load_pricebook, pricebook_from_snapshot, pricebook_path
from .runs import get_run, root_run
from .upgrades import entitlement

FREE_MODES = ("demo", "rollback")


def _refuse(reason: str) -> Authorization:
    return Authorization(allowed=False, reason=reason)


def paid_plan(state: StateStore, invoice: Invoice) -> Plan:
    """The plan the invoice and its paid upgrades pay for."""
    return pricebook_from_snapshot(invoice.pricebook).plan(entitlement(state, invoice).plan)


def paid_invoice(state: StateStore, migration_id: int) -> Invoice | None:
    paid = list_invoices(state, migration_id, "kind=? AND status=?", (INVOICE, PAID))
    return paid[-1] if paid else None


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


def _when(stamp: str) -> datetime:
    moment = datetime.fromisoformat(stamp)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def finished_at(state: StateStore, run: dict[str, Any]) -> datetime:
    """When a full run finished migrating. A rollback overwrites the finish time, so for a
    rolled-back run it is the time of its last metered record."""
    if run["status"] == COMPLETED and run["finished_at"]:
        return _when(run["finished_at"])
    last = state.db.execute("SELECT max(created_at) FROM meter_events WHERE run_id=?",
                            [run["id"]]).fetchone()[0]
    return _when(last or run["started_at"])


def _feature(state: StateStore, book: PriceBook, migration_id: int, feature: str,
             what: str) -> Authorization | None:
    """None when the paid plan allows ``feature`` ("delta" or "interval"), else a refusal
    that says how to get it."""
    invoice = paid_invoice(state, migration_id)
    book = pricebook_from_snapshot(invoice.pricebook) if invoice else book
    plans = [p for p in book.plans.values() if getattr(p, feature)]
    names = " or ".join(p.name for p in plans)
    key = plans[0].key if plans else "PLAN"
    if invoice is None:
        return _refuse(f"{what} the {names} plan, and migration {migration_id} has no "
                       f"paid invoice: invoice its demo with `deskmigrate billing invoice RUN "
                       f"--plan {key}`.")
    plan = paid_plan(state, invoice)
    if getattr(plan, feature):
        return None
    return _refuse(f"{what} the {names} plan; migration {migration_id} is on the "
                   f"{plan.name} plan (invoice {invoice.number}): upgrade with `deskmigrate "
                   f"billing upgrade {invoice.number} --plan {key}` and pay the difference.")


def _options(state: StateStore, migration_id: int, options: dict[str, Any]
             ) -> Authorization | None:
    """None when every priced option of the run is paid for, else a refusal."""
    invoice = paid_invoice(state, migration_id)
    if invoice is None:
        return None
    book = pricebook_from_snapshot(invoice.pricebook)
    paid = set(entitlement(state, invoice).options)
    missing = [name for name, value in sorted(options.items())
               if value and name not in paid and book.priced_option(name)]
    if not missing:
        return None
    flags = " ".join(f"--option {name}" for name in missing)
    return _refuse(f"Invoice {invoice.number} of migration {migration_id} does not cover the "
                   f"option{'s' if len(missing) > 1 else ''} {', '.join(missing)}: invoice "
                   f"{'them' if len(missing) > 1 else 'it'} with `deskmigrate billing upgrade "
                   f"{invoice.number} {flags}`, pay it, then run again.")


def _migration_run(state: StateStore, migration_id: int, mode: str, now: datetime
                   ) -> Authorization:
    """A full run or a re-migration: one full migration per invoice, then the plan's
    re-migrations inside its window."""
    invoice = paid_invoice(state, migration_id)
    if invoice is None:
        return _no_paid_invoice(state, migration_id)
    number = invoice.number
    runs = full_runs_since(state, migration_id, invoice.paid_at or "")
    if not runs:
        if mode == "full":
            return Authorization(True, f"Invoice {number} is paid.")
        return _refuse(f"Migration {migration_id} has no full run on invoice {number} to "
                       "re-migrate: run `deskmigrate migrate` first.")
    last = runs[-1]
    if last["status"] not in (COMPLETED, ROLLED_BACK):
        return _refuse(f"Run {last['id']} of migration {migration_id} has not finished "
                       f"({last['status']}): carry on with `deskmigrate resume {last['id']}`.")
    plan, first = paid_plan(state, invoice), runs[0]
    done = finished_at(state, first)
    if not plan.remigration_days:
        return _refuse(f"Invoice {number} paid for one full migration of migration "
                       f"{migration_id}, run {first['id']} (finished {done:%Y-%m-%d}); the "
                       f"{plan.name} plan has no re-migration, so another run is a new "
                       "migration: run a demo and invoice it.")
    closes = done + timedelta(days=plan.remigration_days)
    if now > closes:
        return _refuse(f"The {plan.remigration_days}-day re-migration window of the "
                       f"{plan.name} plan for migration {migration_id} closed on "
                       f"{closes:%Y-%m-%d %H:%M} UTC, so this is a new migration: run a "
                       "demo and invoice it.")
    used = len(runs) - 1
    if plan.remigrations is not None and used >= plan.remigrations:
        return _refuse(f"The {plan.name} plan allows {plan.remigrations} re-migration(s) "
                       f"after the full migration, and migration {migration_id} has had "
                       f"{used} (run {last['id']}): run a demo and invoice a new migration.")
    return Authorization(True, f"Within the {plan.name} re-migration window.")


def _delta(state: StateStore, book: PriceBook, migration_id: int, now: datetime | None
           ) -> Authorization:
    refusal = _feature(state, book, migration_id, "delta", "Delta runs need")
    if refusal or now is None:
        return refusal or Authorization(True, "A resumed delta was inside its window.")
    invoice = paid_invoice(state, migration_id)
    assert invoice is not None  # _feature refused otherwise
    runs = full_runs_since(state, migration_id, invoice.paid_at or "")
    if not runs:
        return _refuse(f"Delta runs follow the full migration, and migration {migration_id} "
                       f"has no full run on invoice {invoice.number}.")
    plan = paid_plan(state, invoice)
    closes = finished_at(state, runs[0]) + timedelta(days=plan.delta_days)
    if now > closes:
        return _refuse(f"The {plan.delta_days}-day delta window of the {plan.name} plan for "
                       f"migration {migration_id} closed on {closes:%Y-%m-%d %H:%M} UTC: run "
                       "a demo and invoice a new migration.")
    return Authorization(True, f"Within the {plan.name} delta window.")


def _gate(state: StateStore, book: PriceBook, migration_id: int, mode: str,
          now: datetime | None) -> Authorization:
    """The decision for a run of ``mode``; ``now`` None for a resume (the run was inside
    its windows when it started)."""
    if mode in ("full", "remigrate"):
        if now is None:
            paid = paid_invoice(state, migration_id) is not None
            return Authorization(True, "Resumed.") if paid else \
                _no_paid_invoice(state, migration_id)
        return _migration_run(state, migration_id, mode, now)
    if mode == "delta":
        return _delta(state, book, migration_id, now)
    if mode == "retry":
        if paid_invoice(state, migration_id) is None:
            return _no_paid_invoice(state, migration_id)
        return Authorization(True, "Every plan includes retrying failed and skipped records.")
    return _refuse(f"Billing does not know the run mode {mode!r}.")


def check_choices(billing: dict[str, Any]) -> None:
    """The config's ``[billing]`` names a price book, plan and promo code that exist, even
    when billing is not enforced (ConfigError, one sentence, before the run starts)."""
    if not isinstance(billing.get("enforce", True), bool):
        raise ConfigError("[billing] enforce must be true or false.")
    book = load_pricebook(pricebook_path(None, billing))
    if billing.get("plan") is not None:
        book.plan(str(billing["plan"]))
    if billing.get("promo_code"):
        book.promo(str(billing["promo_code"]))


def _unpriced_demo(request: RunRequest) -> Authorization | None:
    """A refusal when the demo's source reads a billable kind the price book cannot price."""
    platform = host.platforms().get(request.source_platform)
    if platform is None:
        return None  # not on the process-wide manager: the quote itself checks the prices
    billable = host.kinds().billable
    try:
        load_pricebook(pricebook_path(None, request.billing or {})).require_prices(
            k for k in platform.capabilities.source_kinds if k in billable)
    except DeskmigrateError as exc:
        return _refuse(str(exc))
    return None


def authorize(request: RunRequest, now: datetime | None = None) -> Authorization | None:
    """Billing's answer to ``authorize_run``: None (no opinion), allowed, or refused."""
    billing = request.billing or {}
    if request.mode in ("demo", "full", "remigrate"):
        check_choices(billing)
    if request.mode == "demo":
        return _unpriced_demo(request)
    if billing.get("enforce", True) is False or request.mode in FREE_MODES:
        return None
    book = load_pricebook(pricebook_path(None, billing))
    if not book.enforce:
        return None
    state, migration_id, mode = request.state, request.migration_id, request.mode
    paused = False
    if mode in ("resume", "pause"):
        if request.run_id is None:
            return _refuse(f"Billing cannot allow a {mode} without its run.")
        root = root_run(state, request.run_id)["mode"]
        if root in FREE_MODES:
            return None
        if mode == "pause":
            return _feature(state, book, migration_id, "interval", "Pausing a run needs") or \
                Authorization(True, "The plan allows pausing.")
        paused = get_run(state, request.run_id)["status"] in (PAUSED, PAUSING)
        mode, moment = root, None
    else:
        moment = now or datetime.now(UTC)
    if paused or request.windows:
        refusal = _feature(state, book, migration_id, "interval",
                           "Pausing and interval windows need")
        if refusal:
            return refusal
    return _options(state, migration_id, request.options) or \
        _gate(state, book, migration_id, mode, moment)
