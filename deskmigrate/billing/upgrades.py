"""Documents that change what a paid invoice covers: upgrades (a better plan, more options)
and the credit note for the VAT of a customer who gives a VAT number after paying.

Each one prices the invoice's latest state (the invoice and the documents issued against
it) before and after the change with the invoice's own price book, and bills only the
difference, line by line.
"""

from __future__ import annotations

from dataclasses import replace

from deskmigrate.core.errors import DeskmigrateError
from deskmigrate.core.state import StateStore

from .customers import make_customer
from .invoices import (
    CREDIT_NOTE,
    INVOICE,
    ISSUED,
    KIND_LABELS,
    OPEN,
    PAID,
    PAY,
    STATUS_LABELS,
    UPGRADE,
    Invoice,
    chain,
    get_invoice,
    insert_document,
)
from .pricebook import pricebook_from_snapshot
from .quotes import Pricing, price
from .reconcile import difference


def entitlement(state: StateStore, invoice: Invoice) -> Pricing:
    """The plan and options ``invoice`` pays for: its own, or its latest paid upgrade's."""
    paid = [d for d in chain(state, invoice) if d.kind == UPGRADE and d.status == PAID]
    return paid[-1].pricing if paid else invoice.pricing


def _paid_invoice(state: StateStore, number: str, what: str) -> Invoice:
    invoice = get_invoice(state, number)
    if invoice.kind != INVOICE:
        raise DeskmigrateError(f"{invoice.number} is a {KIND_LABELS[invoice.kind].lower()}: "
                               f"{what} invoice {invoice.refers_to} instead.")
    if invoice.status != PAID:
        raise DeskmigrateError(f"Invoice {invoice.number} is {STATUS_LABELS[invoice.status]}: "
                               f"void it with `deskmigrate billing void {invoice.number}` and "
                               "invoice the demo again with what you need.")
    return invoice


def upgrade_invoice(state: StateStore, number: str, plan: str | None = None,
                    options: tuple[str, ...] = ()) -> Invoice:
    """Issue the supplementary invoice for a better plan and/or more options on paid
    invoice ``number``; it is due like any invoice and counts once paid."""
    invoice = _paid_invoice(state, number, "upgrade")
    book = pricebook_from_snapshot(invoice.pricebook)
    for name in options:
        if name not in book.options:
            raise DeskmigrateError(f"Option {name!r} is not in the price book of invoice "
                                   f"{invoice.number} (options: {', '.join(book.options)}).")
    with state.transaction():
        docs = chain(state, invoice)
        for doc in docs[1:]:
            if doc.kind == UPGRADE and doc.status == OPEN:
                raise DeskmigrateError(f"Upgrade {doc.number} of invoice {invoice.number} is "
                                       f"unpaid: record its payment with "
                                       f"{PAY.format(number=doc.number)} first.")
        current = entitlement(state, invoice)
        new_plan = book.plan(plan).key if plan else current.plan
        new_options = tuple(sorted({*current.options, *options}))
        if new_plan == current.plan and new_options == tuple(sorted(current.options)):
            raise DeskmigrateError(f"Invoice {invoice.number} already covers the "
                                   f"{book.plan(new_plan).name} plan and those options: there "
                                   "is nothing to upgrade.")
        base = docs[-1].pricing
        before = price(book, base)
        wanted = replace(base, plan=new_plan, options=new_options)
        after = price(book, wanted)
        if after.total < before.total:
            raise DeskmigrateError(f"The {book.plan(new_plan).name} plan costs less than the "
                                   f"{book.plan(current.plan).name} plan of invoice "
                                   f"{invoice.number}: a paid plan can only be upgraded.")
        note = (f"Upgrades invoice {invoice.number}: {book.plan(new_plan).name} plan"
                + (f", options {', '.join(new_options)}" if new_options else "") + ".")
        diff = difference(before, after, note)
        return insert_document(state, kind=UPGRADE, status=OPEN if diff.total else PAID,
                               migration_id=invoice.migration_id, run_id=invoice.run_id,
                               book=book, pricing=wanted, priced=diff,
                               refers_to=invoice.number)


def refund_vat(state: StateStore, number: str, vat_number: str) -> Invoice:
    """The credit note for the VAT of paid invoice ``number`` when the customer gives, after
    paying, a VAT number that makes it reverse charged."""
    invoice = _paid_invoice(state, number, "refund the VAT of")
    book = pricebook_from_snapshot(invoice.pricebook)
    with state.transaction():
        base = chain(state, invoice)[-1].pricing
        old = base.customer
        if old is None:
            raise DeskmigrateError(f"Invoice {invoice.number} has no customer.")
        new = make_customer(old.name, old.email, old.country, vat_number, old.non_profit,
                            old.address)
        before = price(book, base)
        if before.reverse_charge or before.tax == 0:
            raise DeskmigrateError(f"Invoice {invoice.number} charged no VAT, so there is "
                                   "none to refund.")
        wanted = replace(base, customer=new)
        after = price(book, wanted)
        if not after.reverse_charge:
            raise DeskmigrateError(f"VAT number {new.vat_number} does not make invoice "
                                   f"{invoice.number} reverse charged: only a business in "
                                   "another EU member state than the seller's "
                                   f"({book.seller.country}) pays no VAT.")
        note = (f"Refunds the VAT of invoice {invoice.number}: VAT number {new.vat_number} "
                "was given after payment.")
        return insert_document(state, kind=CREDIT_NOTE, status=ISSUED,
                               migration_id=invoice.migration_id, run_id=invoice.run_id,
                               book=book, pricing=wanted, priced=difference(before, after, note),
                               refers_to=invoice.number)
