"""Invoices, supplementary invoices, upgrades and credit notes: issued once, never edited.

Only the status moves: an invoice is ``open`` ("unpaid") until a payment makes it ``paid``
("confirmed") or it is ``void``; a credit note is ``issued``. Invoices, supplementary
invoices and upgrades share the ``INV`` sequence, credit notes have their own ``CN``
sequence. Every write re-checks its transition inside one ``state.transaction()``, so
parallel commands never issue or pay a document twice.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from deskmigrate.core.errors import DeskmigrateError
from deskmigrate.core.state import COMPLETED, StateStore, now

from .money import money
from .pricebook import PriceBook
from .quotes import Priced, Pricing
from .runs import quote_demo
from .schema import ensure_schema, next_number

INVOICE, SUPPLEMENTARY, UPGRADE, CREDIT_NOTE = "invoice", "supplementary", "upgrade", "credit_note"
OPEN, PAID, VOID, ISSUED = "open", "paid", "void", "issued"
STATUS_LABELS = {OPEN: "unpaid", PAID: "confirmed", VOID: "void", ISSUED: "issued"}
KIND_LABELS = {INVOICE: "Invoice", SUPPLEMENTARY: "Supplementary invoice",
               UPGRADE: "Supplementary invoice (upgrade)", CREDIT_NOTE: "Credit note"}
METHODS = ("card", "paypal", "bank_transfer")
PAY = "`deskmigrate billing pay {number} --method card|paypal|bank_transfer`"


@dataclass(frozen=True)
class Invoice:
    """One issued document as stored (``document`` holds its amounts as strings)."""

    id: int
    number: str
    kind: str
    status: str
    migration_id: int
    run_id: int
    refers_to: str | None
    currency: str
    plan: str
    pricing: Pricing
    pricebook: str  # the price-book snapshot (JSON) it was priced with
    document: dict[str, Any]
    issued_at: str
    paid_at: str | None
    payment_method: str | None

    @property
    def customer_name(self) -> str:
        return self.pricing.customer.name if self.pricing.customer else ""

    @property
    def total(self) -> str:
        return str(self.document["total"])

    @property
    def due_date(self) -> str | None:
        """When an unpaid invoice falls due (``payment_days`` after issue, price book)."""
        days = self.document.get("payment_days")
        if self.status != OPEN or days is None:
            return None
        return (datetime.fromisoformat(self.issued_at).date() + timedelta(days=days)).isoformat()

    def as_dict(self) -> dict[str, Any]:
        return {
            "number": self.number, "kind": self.kind, "title": KIND_LABELS[self.kind],
            "status": self.status, "status_label": STATUS_LABELS[self.status],
            "migration_id": self.migration_id, "run_id": self.run_id,
            "refers_to": self.refers_to, "issued_at": self.issued_at, "paid_at": self.paid_at,
            "due_date": self.due_date, "payment_method": self.payment_method,
            "customer": self.pricing.customer.as_dict() if self.pricing.customer else None,
            **self.document,
        }


def _from_row(state: StateStore, row: dict[str, Any]) -> Invoice:
    payment = list(state.db.query("SELECT method FROM payments WHERE invoice_id=? "
                                  "ORDER BY id DESC LIMIT 1", [row["id"]]))
    return Invoice(
        id=row["id"], number=row["number"], kind=row["kind"], status=row["status"],
        migration_id=row["migration_id"], run_id=row["run_id"], refers_to=row["refers_to"],
        currency=row["currency"], plan=row["plan"],
        pricing=Pricing.from_dict(json.loads(row["inputs"])), pricebook=row["pricebook"],
        document=json.loads(row["document"]), issued_at=row["issued_at"],
        paid_at=row["paid_at"], payment_method=payment[0]["method"] if payment else None,
    )


def list_invoices(state: StateStore, migration_id: int | None = None,
                  where: str = "1", params: tuple[Any, ...] = ()) -> list[Invoice]:
    """Every document, oldest first (optionally of one migration, with an extra filter)."""
    if "invoices" not in state.db.table_names():
        return []  # a read creates nothing
    ensure_schema(state)
    sql = f"SELECT * FROM invoices WHERE ({where})"  # ``where`` comes from this package
    args: list[Any] = list(params)
    if migration_id is not None:
        sql += " AND migration_id=?"
        args.append(migration_id)
    return [_from_row(state, r) for r in state.db.query(sql + " ORDER BY id", args)]


def get_invoice(state: StateStore, number: str) -> Invoice:
    found = list_invoices(state, where="number=?", params=(number.strip().upper(),))
    if not found:
        raise DeskmigrateError(f"There is no invoice {number}.")
    return found[0]


def chain(state: StateStore, invoice: Invoice) -> list[Invoice]:
    """The invoice and the live documents that correct or extend it, oldest first."""
    return [invoice, *list_invoices(state, invoice.migration_id, "refers_to=? AND status!=?",
                                    (invoice.number, VOID))]


def insert_document(state: StateStore, *, kind: str, status: str, migration_id: int,
                    run_id: int, book: PriceBook, pricing: Pricing, priced: Priced,
                    quote_id: int | None = None, refers_to: str | None = None) -> Invoice:
    """Store a new document with the next number of its sequence; returns it. Callers
    re-check what allows the document inside their own ``state.transaction()``, which
    this one joins."""
    ensure_schema(state)
    document = priced.as_dict()
    document["seller"] = {"name": book.seller.name, "address": book.seller.address,
                          "country": book.seller.country, "vat_number": book.seller.vat_number,
                          "email": book.seller.email, "bank": book.seller.bank}
    document["payment_days"] = book.payment_days
    stamp = now()
    with state.transaction():
        number = next_number(state, "CN" if kind == CREDIT_NOTE else "INV")
        invoice_id = state.db.execute(
            "INSERT INTO invoices (number, kind, status, migration_id, run_id, quote_id, "
            "refers_to, currency, plan, customer, inputs, pricebook, total, document, "
            "issued_at, paid_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [number, kind, status, migration_id, run_id, quote_id, refers_to,
             priced.currency, priced.plan,
             json.dumps(pricing.customer.as_dict() if pricing.customer else None),
             json.dumps(pricing.as_dict()), book.snapshot(),
             money(priced.total, priced.currency), json.dumps(document), stamp,
             stamp if status == PAID else None]).lastrowid
        for position, line in enumerate(priced.lines, start=1):
            row = line.as_dict(priced.currency)
            state.db.execute("INSERT INTO invoice_lines VALUES (?, ?, ?, ?, ?, ?, ?)",
                             [invoice_id, position, line.key, row["description"],
                              row["quantity"], row["unit_price"], row["amount"]])
    return get_invoice(state, number)


def full_runs_since(state: StateStore, migration_id: int, since: str) -> list[dict[str, Any]]:
    """Full and re-migration runs of a migration started after ``since`` (a payment),
    whatever became of them (completed, rolled back, still running), oldest first."""
    rows = state.db.query("SELECT id FROM runs WHERE migration_id=? AND mode IN ('full', "
                          "'remigrate') AND started_at>? ORDER BY id", [migration_id, since])
    return [run for r in rows if (run := state.run(r["id"])) is not None]


def _no_live_invoice(state: StateStore, migration_id: int) -> None:
    """Refuse a new invoice while the migration has one unpaid or paid and not yet used."""
    for other in list_invoices(state, migration_id, "kind=? AND status IN (?, ?)",
                               (INVOICE, OPEN, PAID)):
        if other.status == OPEN or not full_runs_since(state, migration_id,
                                                       other.paid_at or ""):
            raise DeskmigrateError(
                f"Migration {migration_id} already has invoice {other.number} "
                f"({STATUS_LABELS[other.status]}); void it with `deskmigrate billing void "
                f"{other.number}` before invoicing again.")


def issue_invoice(state: StateStore, run_id: int, **choices: Any) -> Invoice:
    """Invoice the full migration that demo run ``run_id`` quoted (choices as for a quote)."""
    quote = quote_demo(state, run_id, **choices)
    if quote.not_quoted:
        kinds = " and ".join(quote.not_quoted)
        raise DeskmigrateError(f"Demo run {run_id} counted {kinds} records, which no installed "
                               "plugin registers, so the invoice would leave them out: "
                               "install the plugin that adds them, then invoice.")
    run = state.run(run_id) or {}
    if run.get("status") != COMPLETED:
        raise DeskmigrateError(f"Demo run {run_id} has not completed, so it cannot be invoiced "
                               "yet.")
    customer = quote.pricing.customer
    if customer is None:
        raise DeskmigrateError("No customer is set: run `deskmigrate billing customer set "
                               "--name NAME --email EMAIL --country CC --address ADDRESS` or "
                               "add a [customer] table to the config.")
    if not customer.address:
        raise DeskmigrateError(f"An invoice names the customer's postal address, and "
                               f"{customer.name} has none: run `deskmigrate billing customer "
                               "set --address \"STREET, CITY, POSTCODE\"` or add address to "
                               "the config's [customer] table.")
    with state.transaction():
        _no_live_invoice(state, quote.migration_id)
        return insert_document(state, kind=INVOICE, status=OPEN,
                               migration_id=quote.migration_id, run_id=run_id, book=quote.book,
                               pricing=quote.pricing, priced=quote.priced, quote_id=quote.id)


def pay_invoice(state: StateStore, number: str, method: str, reference: str = "") -> Invoice:
    """Record the full payment of an open invoice; it becomes paid ("confirmed")."""
    if method not in METHODS:
        raise DeskmigrateError(f"Payment method {method!r} is not one of {', '.join(METHODS)}.")
    invoice = get_invoice(state, number)
    if invoice.kind == CREDIT_NOTE:
        raise DeskmigrateError(f"{invoice.number} is a credit note: it is not paid.")
    stamp = now()
    with state.transaction():
        status = state.db.execute("SELECT status FROM invoices WHERE id=?",
                                  [invoice.id]).fetchone()[0]
        if status != OPEN:
            raise DeskmigrateError(f"Invoice {invoice.number} is {STATUS_LABELS[status]}, "
                                   "so no payment can be recorded.")
        state.db.execute("INSERT INTO payments (invoice_id, method, amount, currency, "
                         "reference, paid_at) VALUES (?, ?, ?, ?, ?, ?)",
                         [invoice.id, method, invoice.total, invoice.currency, reference,
                          stamp])
        state.db.execute("UPDATE invoices SET status=?, paid_at=? WHERE id=?",
                         [PAID, stamp, invoice.id])
    return get_invoice(state, invoice.number)


def void_invoice(state: StateStore, number: str) -> Invoice:
    """Cancel an open invoice (a paid one is corrected with a credit note instead), unless
    a later document of its chain was priced on it (a reconciliation, an upgrade)."""
    invoice = get_invoice(state, number)
    with state.transaction():
        status = state.db.execute("SELECT status FROM invoices WHERE id=?",
                                  [invoice.id]).fetchone()[0]
        if invoice.kind == CREDIT_NOTE or status != OPEN:
            raise DeskmigrateError(f"Only an unpaid invoice can be voided; {invoice.number} "
                                   f"is {STATUS_LABELS[status]}.")
        root = invoice.refers_to or invoice.number
        later = list_invoices(state, invoice.migration_id, "refers_to=? AND status!=? AND id>?",
                              (root, VOID, invoice.id))
        if later:  # voiding it would leave a document priced on it without its basis
            raise DeskmigrateError(
                f"{KIND_LABELS[invoice.kind]} {invoice.number} cannot be voided: "
                f"{KIND_LABELS[later[0].kind].lower()} {later[0].number} was priced on it "
                f"after it was issued; record its payment with "
                f"{PAY.format(number=invoice.number)}.")
        state.db.execute("UPDATE invoices SET status=? WHERE id=?", [VOID, invoice.id])
    return get_invoice(state, invoice.number)
