"""Invoices, supplementary invoices and credit notes: issued once, never edited.

Only the status moves: an invoice is ``open`` ("unpaid") until a payment makes it ``paid``
("confirmed") or it is ``void``; a credit note is ``issued``. Invoices and supplementary
invoices share the ``INV`` sequence, credit notes have their own ``CN`` sequence.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from deskmigrate.core.errors import DeskmigrateError
from deskmigrate.core.state import COMPLETED, StateStore, now

from .money import money
from .pricebook import PriceBook
from .quotes import Priced, Pricing
from .runs import quote_demo, root_mode
from .schema import ensure_schema, next_number

INVOICE, SUPPLEMENTARY, CREDIT_NOTE = "invoice", "supplementary", "credit_note"
OPEN, PAID, VOID, ISSUED = "open", "paid", "void", "issued"
STATUS_LABELS = {OPEN: "unpaid", PAID: "confirmed", VOID: "void", ISSUED: "issued"}
KIND_LABELS = {INVOICE: "Invoice", SUPPLEMENTARY: "Supplementary invoice",
               CREDIT_NOTE: "Credit note"}
METHODS = ("card", "paypal", "bank_transfer")


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

    def as_dict(self) -> dict[str, Any]:
        return {
            "number": self.number, "kind": self.kind, "title": KIND_LABELS[self.kind],
            "status": self.status, "status_label": STATUS_LABELS[self.status],
            "migration_id": self.migration_id, "run_id": self.run_id,
            "refers_to": self.refers_to, "issued_at": self.issued_at, "paid_at": self.paid_at,
            "payment_method": self.payment_method,
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


def insert_document(state: StateStore, *, kind: str, status: str, migration_id: int,
                    run_id: int, book: PriceBook, pricing: Pricing, priced: Priced,
                    quote_id: int | None = None, refers_to: str | None = None) -> Invoice:
    """Store a new document with the next number of its sequence; returns it."""
    ensure_schema(state)
    document = priced.as_dict()
    document["seller"] = {"name": book.seller.name, "address": book.seller.address,
                          "country": book.seller.country, "vat_number": book.seller.vat_number,
                          "email": book.seller.email}
    with state.db.atomic():
        number = next_number(state, "CN" if kind == CREDIT_NOTE else "INV")
        invoice_id = state.db["invoices"].insert({
            "number": number, "kind": kind, "status": status, "migration_id": migration_id,
            "run_id": run_id, "quote_id": quote_id, "refers_to": refers_to,
            "currency": priced.currency, "plan": priced.plan,
            "customer": json.dumps(pricing.customer.as_dict() if pricing.customer else None),
            "inputs": json.dumps(pricing.as_dict()), "pricebook": book.snapshot(),
            "total": money(priced.total), "document": json.dumps(document),
            "issued_at": now(), "paid_at": None,
        }).last_pk
        state.db["invoice_lines"].insert_all(
            {"invoice_id": invoice_id, "position": i, "key": line.key, **line.as_dict()}
            for i, line in enumerate(priced.lines, start=1)
        )
    return get_invoice(state, number)


def consumed_by(state: StateStore, invoice: Invoice) -> int | None:
    """The completed full run a paid invoice was used for, if any (it then covers no more)."""
    if invoice.paid_at is None:
        return None
    rows = state.db.query(
        "SELECT id FROM runs WHERE migration_id=? AND mode IN ('full', 'resume') AND status=? "
        "AND started_at>? ORDER BY id", [invoice.migration_id, COMPLETED, invoice.paid_at])
    for row in rows:
        if root_mode(state, row["id"]) == "full":
            return row["id"]
    return None


def issue_invoice(state: StateStore, run_id: int, **choices: Any) -> Invoice:
    """Invoice the full migration that demo run ``run_id`` quoted (choices as for a quote)."""
    quote = quote_demo(state, run_id, **choices)
    run = state.run(run_id) or {}
    if run.get("status") != COMPLETED:
        raise DeskmigrateError(f"Demo run {run_id} has not completed, so it cannot be invoiced "
                               "yet.")
    if quote.pricing.customer is None:
        raise DeskmigrateError("No customer is set: run `deskmigrate billing customer set "
                               "--name NAME --email EMAIL --country CC` or add a [customer] "
                               "table to the config.")
    for other in list_invoices(state, quote.migration_id, "kind=? AND status IN (?, ?)",
                               (INVOICE, OPEN, PAID)):
        if other.status == OPEN or consumed_by(state, other) is None:
            raise DeskmigrateError(
                f"Migration {quote.migration_id} already has invoice {other.number} "
                f"({STATUS_LABELS[other.status]}); void it with `deskmigrate billing void "
                f"{other.number}` before invoicing again.")
    return insert_document(state, kind=INVOICE, status=OPEN, migration_id=quote.migration_id,
                           run_id=run_id, book=quote.book, pricing=quote.pricing,
                           priced=quote.priced, quote_id=quote.id)


def pay_invoice(state: StateStore, number: str, method: str, reference: str = "") -> Invoice:
    """Record the full payment of an open invoice; it becomes paid ("confirmed")."""
    if method not in METHODS:
        raise DeskmigrateError(f"Payment method {method!r} is not one of {', '.join(METHODS)}.")
    invoice = get_invoice(state, number)
    if invoice.kind == CREDIT_NOTE:
        raise DeskmigrateError(f"{invoice.number} is a credit note: it is not paid.")
    if invoice.status != OPEN:
        raise DeskmigrateError(f"Invoice {invoice.number} is {STATUS_LABELS[invoice.status]}, "
                               "so no payment can be recorded.")
    stamp = now()
    with state.db.atomic():
        state.db["payments"].insert({"invoice_id": invoice.id, "method": method,
                                     "amount": invoice.total, "currency": invoice.currency,
                                     "reference": reference, "paid_at": stamp})
        state.db.execute("UPDATE invoices SET status=?, paid_at=? WHERE id=? AND status=?",
                         [PAID, stamp, invoice.id, OPEN])
    return get_invoice(state, invoice.number)


def void_invoice(state: StateStore, number: str) -> Invoice:
    """Cancel an open invoice (a paid one is corrected with a credit note instead)."""
    invoice = get_invoice(state, number)
    if invoice.kind == CREDIT_NOTE or invoice.status != OPEN:
        raise DeskmigrateError(f"Only an unpaid invoice can be voided; {invoice.number} is "
                               f"{STATUS_LABELS[invoice.status]}.")
    with state.db.atomic():
        state.db.execute("UPDATE invoices SET status=? WHERE id=? AND status=?",
                         [VOID, invoice.id, OPEN])
    return get_invoice(state, invoice.number)
