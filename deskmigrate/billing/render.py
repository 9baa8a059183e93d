"""Documents for people: plain text for the terminal, CSV and an HTML invoice to send."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from html import escape
from typing import Any

from .invoices import STATUS_LABELS, Invoice
from .money import money

METHOD_LABELS = {"card": "card", "paypal": "PayPal", "bank_transfer": "bank transfer"}


def _tax_label(doc: dict[str, Any]) -> str:
    if doc["reverse_charge"]:
        return "Tax 0% (reverse charge)"
    return f"Tax {doc['tax_rate']}%"


def summary_rows(doc: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, amount) rows under the lines: subtotal, each discount, tax, total."""
    rows = [("Subtotal", doc["subtotal"])]
    rows += [(d["description"], money(-Decimal(d["amount"]))) for d in doc["discounts"]]
    rows += [(_tax_label(doc), doc["tax"]), (f"Total {doc['currency']}", doc["total"])]
    return rows


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
    return "\n".join(out)


def invoice_title(invoice: Invoice) -> str:
    state = STATUS_LABELS[invoice.status]
    title = f"{invoice.as_dict()['title']} {invoice.number} ({state}) - migration " \
            f"{invoice.migration_id}"
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
    if invoice.paid_at:
        method = METHOD_LABELS.get(invoice.payment_method or "", invoice.payment_method or "")
        payment = f"Paid by {method} on {invoice.paid_at[:10]}."
    elif invoice.kind == "credit_note":
        payment = f"This credit note corrects invoice {invoice.refers_to}."
    else:
        payment = "Payable by card, PayPal or bank transfer."
    title = f"{doc['title']} {invoice.number}"
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
.note {{ font-size: .9rem; color: #555; }}
</style></head><body>
<h1>{escape(title)}</h1>
<p>Issued {escape(invoice.issued_at[:10])} &middot; status {escape(doc['status_label'])}
&middot; migration {invoice.migration_id}, run {invoice.run_id}
{f"&middot; refers to {escape(invoice.refers_to)}" if invoice.refers_to else ""}</p>
<div class="parties">
{_party("From", [seller["name"], seller["address"], seller["country"],
                 f"VAT {seller['vat_number']}" if seller["vat_number"] else "", seller["email"]])}
{_party("Bill to", [customer.get("name", ""), customer.get("email", ""),
                    customer.get("country", ""),
                    f"VAT {customer['vat_number']}" if customer.get("vat_number") else "",
                    "Non-profit" if customer.get("non_profit") else ""])}
</div>
<table><thead><tr><th>Description</th><th class="n">Quantity</th><th class="n">Unit price</th>
<th class="n">Amount ({escape(doc['currency'])})</th></tr></thead>
<tbody>{rows}</tbody><tfoot>{totals}</tfoot></table>
{notes}
<p>{escape(payment)}</p>
</body></html>
"""
