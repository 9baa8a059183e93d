"""Reconciliation of a migration's final state: metered actuals against what was invoiced.

The difference is ``price(actual) - price(invoiced)`` with the invoice's own price book, plan,
options, customer and promo, line by line (graduated tiers, multiplier, minimum, plan
percentage, per-record options), then discount and tax. A negative difference is a credit
note, a positive one a supplementary invoice, none when the prices match. The invoice is the
latest one issued before the full run started (the first one after it, when enforcement was
off and the run went first). RUN is any completed full run or re-migration: the actuals are
those of the runs not rolled back, so after a re-migration the final state is billed. Each
document records the counts it brings billing to, so reconciling again only bills new
changes, and the whole decision runs in one write transaction (never issued twice).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from deskmigrate.core.errors import DeskmigrateError
from deskmigrate.core.state import COMPLETED, StateStore

from .invoices import (
    CREDIT_NOTE,
    INVOICE,
    ISSUED,
    OPEN,
    PAY,
    SUPPLEMENTARY,
    UPGRADE,
    VOID,
    Invoice,
    insert_document,
    list_invoices,
)
from .metering import metered_actuals, option_usage
from .money import ZERO, money, qty
from .pricebook import pricebook_from_snapshot
from .quotes import Discount, Line, Priced, price
from .runs import get_run, root_mode

MIGRATION_MODES = ("full", "remigrate")


@dataclass(frozen=True)
class Reconciliation:
    run_id: int
    migration_id: int
    invoice: str
    invoiced: dict[str, int]
    migrated: dict[str, int]
    options: dict[str, int]
    document: Invoice | None

    def as_dict(self) -> dict[str, Any]:
        return {"run_id": self.run_id, "migration_id": self.migration_id,
                "invoice": self.invoice, "invoiced": self.invoiced, "migrated": self.migrated,
                "option_usage": self.options,
                "document": self.document.as_dict() if self.document else None}


def _line_difference(ref: Line, before: Line | None, after: Line | None,
                     currency: str) -> Line | None:
    """The change of one line (``ref`` is whichever of the two exists, the new one first)."""
    amount = (after.amount if after else ZERO) - (before.amount if before else ZERO)
    if amount == 0:
        return None
    key = ref.key
    if before is None and after is not None:  # a new line is shown as it is
        return Line(key, after.description, after.quantity, after.unit_price, amount)
    q_before = before.quantity if before else ZERO
    q_after = after.quantity if after else ZERO
    same_unit = before is None or after is None or before.unit_price == after.unit_price
    if same_unit and q_before != q_after:
        return Line(key, f"{ref.description}: {qty(q_before)} invoiced, {qty(q_after)} "
                    "migrated", q_after - q_before, ref.unit_price, amount)
    was = money(before.amount if before else ZERO, currency)
    now = money(after.amount if after else ZERO, currency)
    return Line(key, f"{ref.description}: {was} invoiced, {now} after migration",
                Decimal(1), amount, amount)


def difference(before: Priced, after: Priced, note: str) -> Priced:
    """``after - before`` line by line; its lines, discount and tax add up to the difference."""
    old = {line.key: line for line in before.lines}
    new = {line.key: line for line in after.lines}
    keys = list(new) + [k for k in old if k not in new]
    lines = [d for k in keys
             if (d := _line_difference(new.get(k) or old[k], old.get(k), new.get(k),
                                       after.currency))]
    old_d = {d.key: d for d in before.discounts}
    new_d = {d.key: d for d in after.discounts}
    discounts = []
    for key in list(new_d) + [k for k in old_d if k not in new_d]:
        ref = new_d.get(key) or old_d[key]
        delta = (new_d[key].amount if key in new_d else ZERO) - \
            (old_d[key].amount if key in old_d else ZERO)
        if delta:
            discounts.append(Discount(key, ref.description, delta))
    records = {k: after.records.get(k, 0) - before.records.get(k, 0)
               for k in dict.fromkeys([*after.records, *before.records])}
    return Priced(after.currency, after.plan, after.plan_name,
                  {k: v for k, v in records.items() if v}, tuple(lines), tuple(discounts),
                  after.tax_rate, after.tax - before.tax, after.reverse_charge,
                  (note, *after.notes))


def _full_run(state: StateStore, run_id: int) -> dict[str, Any]:
    run = get_run(state, run_id)
    if root_mode(state, run_id) not in MIGRATION_MODES:
        raise DeskmigrateError(f"Run {run_id} is a {run['mode']} run: reconcile the completed "
                               "full run or re-migration of the migration.")
    if run["status"] != COMPLETED:
        raise DeskmigrateError(f"Full run {run_id} has not completed ({run['status']}), so "
                               "there is nothing to reconcile yet.")
    return run


def reconcile(state: StateStore, run_id: int) -> Reconciliation:
    """Issue the credit note or supplementary invoice that completed full run or
    re-migration ``run_id`` calls for (none when the metered actuals price the same as what
    was invoiced)."""
    run = _full_run(state, run_id)
    with state.transaction():
        return _reconcile(state, run)


def _reconcile(state: StateStore, run: dict[str, Any]) -> Reconciliation:
    run_id = run["id"]
    migration_id = run["migration_id"]
    invoices = list_invoices(state, migration_id, "kind=? AND status!=?", (INVOICE, VOID))
    if not invoices:
        raise DeskmigrateError(f"Migration {migration_id} has no invoice to reconcile against.")
    earlier = [i for i in invoices if i.issued_at <= run["started_at"]]
    invoice = earlier[-1] if earlier else invoices[0]
    chain = list_invoices(state, migration_id, "refers_to=? AND status!=?",
                          (invoice.number, VOID))
    for doc in chain:  # an unpaid upgrade is an offer: bill the actuals on what was bought
        if doc.kind == UPGRADE and doc.status == OPEN:
            raise DeskmigrateError(
                f"Upgrade {doc.number} of invoice {invoice.number} is unpaid: record its "
                f"payment with {PAY.format(number=doc.number)} or void it with "
                f"`deskmigrate billing void {doc.number}`, then reconcile.")
    baseline = chain[-1] if chain else invoice
    book = pricebook_from_snapshot(invoice.pricebook)
    actual = metered_actuals(state, migration_id)
    before = price(book, baseline.pricing)
    after_pricing = baseline.pricing.with_records(actual)
    after = price(book, after_pricing)
    document = None
    if after.total != before.total:
        note = (f"Reconciles invoice {invoice.number} of migration {migration_id}: "
                f"{sum(baseline.pricing.records.values()):,} records invoiced, "
                f"{sum(actual.values()):,} migrated (full run {run_id}).")
        diff = difference(before, after, note)
        credit = diff.total < 0
        document = insert_document(
            state, kind=CREDIT_NOTE if credit else SUPPLEMENTARY,
            status=ISSUED if credit else OPEN, migration_id=migration_id, run_id=run_id,
            book=book, pricing=after_pricing, priced=diff, refers_to=invoice.number)
    return Reconciliation(run_id, migration_id, invoice.number, baseline.pricing.records,
                          actual, option_usage(state, migration_id), document)
