"""Documents for people: plain text for the terminal, CSV and an HTML invoice to send.

An invoice says what was migrated (source -> target, records by type), who sells to whom
(postal addresses, VAT numbers), when it is due and where to pay; a credit note is titled
as one and says whom it credits. Internal ids (migration, run) stay in the small print.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from html import escape
from typing import Any

from .invoices import CREDIT_NOTE, STATUS_LABELS, Invoice
from .money import money
from .pricebook import PriceBook
from .quotes import Pricing

METHOD_LABELS = {"card": "card", "paypal": "PayPal", "bank_transfer": "bank transfer"}
PLATFORM_NAMES = {"zendesk": "Zendesk", "freshdesk": "Freshdesk", "jira_sm": "Jira Service "
                  "Management", "intercom": "Intercom"}


def _tax_label(doc: dict[str, Any]) -> str:
    if doc["reverse_charge"]:
        return "VAT 0% (reverse charge)"
    return f"VAT {doc['tax_rate']}%"


def summary_rows(doc: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, amount) rows under the lines: subtotal, each discount, tax, total."""
    rows = [("Subtotal", doc["subtotal"])]
    rows += [(d["description"], money(-Decimal(d["amount"]), doc["currency"]))
             for d in doc["discounts"]]
    rows += [(_tax_label(doc), doc["tax"]), (f"Total {doc['currency']}", doc["total"])]
    return rows


def _platform(name: str) -> str:
    return PLATFORM_NAMES.get(name, name.replace("_", " ").title())


def what_was_migrated(pricing: Pricing) -> str:
    """``Help-desk migration Zendesk -> Freshdesk: 2,500 tickets, 1,200 contacts``."""
    counts = ", ".join(f"{n:,} {kind.replace('_', ' ')}{'s' if n != 1 else ''}"
                       for kind, n in pricing.records.items())
    return (f"Help-desk migration {_platform(pricing.source)} -> "
            f"{_platform(pricing.target)}" + (f": {counts}" if counts else ""))


def document_text(doc: dict[str, Any], title: str) -> str:
    """A quote or invoice as aligned plain text."""
    out = [title, ""]
    if doc.get("records"):
        records = ", ".join(f"{n:,} {kind.replace('_', ' ')}" for kind, n in
                            doc["records"].items())
        out += [f"Records: {records}", ""]
    width = max([len(line["description"]) for line in doc["lines"]] + [30])
    for line in doc["lines"]:
        out.append(f"  {line['description']:<{width}}  {line['quantity']:>9} x "
                   f"{line['unit_price']:>8}  {line['amount']:>12}")
    out.append("")
    for label, amount in summary_rows(doc):
        out.append(f"  {label:<{width + 24}}  {amount:>12}")
    out += [f"  {note}" for note in doc["notes"]]
    if doc.get("due_date"):
        out.append(f"  Due by {doc['due_date']}.")
    return "\n".join(out)


def invoice_title(invoice: Invoice) -> str:
    """``Credit note CN-000001 to Acme SAS (issued), refers to INV-000001``."""
    doc = invoice.as_dict()
    to = "to" if invoice.kind == CREDIT_NOTE else "for"
    title = f"{doc['title']} {invoice.number} {to} {invoice.customer_name or 'no customer'} " \
            f"({STATUS_LABELS[invoice.status]})"
    return title + (f", refers to {invoice.refers_to}" if invoice.refers_to else "")


def invoice_csv(invoice: Invoice) -> str:
    """Lines, then subtotal / discounts / tax / total rows: the amounts column adds up."""
    doc = invoice.as_dict()
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["number", "description", "quantity", "unit_price", "amount"])
    for line in doc["lines"]:
        writer.writerow([invoice.number, line["description"], line["quantity"],
                         line["unit_price"], line["amount"]])
    for label, amount in summary_rows(doc):
        writer.writerow([invoice.number, label, "", "", amount])
    return buffer.getvalue()


def _party(title: str, lines: list[str]) -> str:
    body = "<br>".join(escape(line) for line in lines if line)
    return f"<div class='party'><h2>{escape(title)}</h2><p>{body}</p></div>"


def _payment(invoice: Invoice, doc: dict[str, Any]) -> list[str]:
    """What the customer should do (or did) about paying."""
    if invoice.kind == CREDIT_NOTE:
        return [f"This credit note reduces invoice {invoice.refers_to} by "
                f"{doc['total'].lstrip('-')} {doc['currency']}; it will be refunded the way "
                "the invoice was paid."]
    if invoice.paid_at:
        method = METHOD_LABELS.get(invoice.payment_method or "", invoice.payment_method or "")
        return [f"Paid{f' by {method}' if method else ''} on {invoice.paid_at[:10]}. "
                "Thank you."]
    out = [f"Due by {doc['due_date']}." if doc.get("due_date") else "",
           "Pay by card or PayPal through the payment link, or by bank transfer."]
    bank = doc["seller"].get("bank")
    return out + ([bank] if bank else [])


def invoice_html(invoice: Invoice) -> str:
    """A self-contained HTML invoice or credit note, ready to send."""
    doc = invoice.as_dict()
    seller, customer = doc["seller"], doc["customer"] or {}
    rows = "".join(
        f"<tr><td>{escape(line['description'])}</td><td class='n'>{line['quantity']}</td>"
        f"<td class='n'>{line['unit_price']}</td><td class='n'>{line['amount']}</td></tr>"
        for line in doc["lines"])
    totals = "".join(f"<tr><th colspan='3'>{escape(label)}</th><td class='n'>{amount}</td></tr>"
                     for label, amount in summary_rows(doc))
    notes = "".join(f"<p class='note'>{escape(note)}</p>" for note in doc["notes"])
    payment = "".join(f"<p>{escape(p)}</p>" for p in _payment(invoice, doc) if p)
    credit = invoice.kind == CREDIT_NOTE
    title = f"{doc['title']} {invoice.number}"
    what = what_was_migrated(invoice.pricing)
    refers = f" &middot; corrects invoice {escape(invoice.refers_to)}" \
        if invoice.refers_to else ""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 48rem; margin: 2rem auto; color: #222; }}
.parties {{ display: flex; justify-content: space-between; gap: 2rem; }}
table {{ width: 100%; border-collapse: collapse; margin-top: 1.5rem; }}
td, th {{ padding: .35rem .5rem; border-bottom: 1px solid #ddd; text-align: left; }}
.n {{ text-align: right; font-variant-numeric: tabular-nums; }}
tfoot th {{ text-align: right; font-weight: normal; }}
tfoot tr:last-child {{ font-weight: bold; }}
.note, .ref {{ font-size: .9rem; color: #555; }}
</style></head><body>
<h1>{escape(title)}</h1>
<p>Issued {escape(invoice.issued_at[:10])} &middot; {escape(doc['status_label'])}{refers}</p>
<p><strong>{escape(what)}</strong></p>
<div class="parties">
{_party("From", [seller["name"], seller["address"], seller["country"],
                 f"VAT {seller['vat_number']}" if seller["vat_number"] else "", seller["email"]])}
{_party("Credit to" if credit else "Bill to",
        [customer.get("name", ""), customer.get("address", ""), customer.get("country", ""),
         f"VAT {customer['vat_number']}" if customer.get("vat_number") else "",
         customer.get("email", ""), "Non-profit" if customer.get("non_profit") else ""])}
</div>
<table><thead><tr><th>Description</th><th class="n">Quantity</th><th class="n">Unit price</th>
<th class="n">Amount ({escape(doc['currency'])})</th></tr></thead>
<tbody>{rows}</tbody><tfoot>{totals}</tfoot></table>
{notes}
{payment}
<p class="ref">Reference: migration {invoice.migration_id}, run {invoice.run_id}.</p>
</body></html>
"""


def pricebook_text(book: PriceBook) -> str:
    """The price book in force, for ``billing pricebook show``."""
    lines = [f"Currency {book.currency}; enforcement {'on' if book.enforce else 'off'}; "
             f"minimum {book.minimum}", f"Records (graduated: {', '.join(book.tiered)}):"]
    lower = 0
    for tier in book.tiers:
        span = f"{lower + 1:,}-{tier.up_to:,}" if tier.up_to else f"above {lower:,}"
        lines.append(f"  {span:<22} {tier.price} each")
        lower = tier.up_to or lower
    lines += [f"Records of kind {kind}: {each} each" for kind, each in book.kind_prices.items()]
    lines.append(f"Pair multipliers: default x{book.pair_default}; " + ", ".join(
        f"{pair} x{m}" for pair, m in book.pairs.items()))
    lines.append("Options:")
    for o in book.options.values():
        how = f"{o.flat} per migration" if o.flat is not None else \
            f"{o.per_record} per {'/'.join(o.kinds)}"
        lines.append(f"  {o.name:<22} {how}")
    lines.append("Plans:")
    for p in book.plans.values():
        allows = [a for a, ok in (("delta", p.delta), ("interval", p.interval)) if ok]
        lines.append(f"  {p.name:<10} {p.percent}% of the migration price, at least "
                     f"{p.minimum}; re-migration {p.remigration_days} days; retention "
                     f"{p.retention_days} days; {', '.join(allows) or 'no delta/interval'}")
    lines.append(f"Tax: default {book.tax_default}%; " + ", ".join(
        f"{c} {r}%" for c, r in book.tax_rates.items()) + f"; seller in {book.seller.country}")
    lines.append(f"Discounts: non-profit {book.non_profit_percent}%; promo codes " + (", ".join(
        f"{p.code} ({f'{p.percent}%' if p.percent is not None else p.amount})"
        for p in book.promo_codes.values()) or "none"))
    lines.append(f"Custom development: {book.hourly_rate or 'not offered'} per hour, "
                 f"{book.increment_minutes}-minute increments")
    return "\n".join(lines)
