"""Quote, invoice, pay, void, list and export: the documents of a migration's sale."""

from __future__ import annotations

import json
from typing import Any

import click

from deskmigrate.core.paths import write_file
from deskmigrate.core.seats import describe

from .. import render
from ..invoices import (
    METHODS,
    STATUS_LABELS,
    get_invoice,
    issue_invoice,
    list_invoices,
    pay_invoice,
    void_invoice,
)
from ..runs import quote_demo
from .common import (
    PAY_HINT,
    choices,
    echo_document,
    emit,
    json_option,
    pricing_options,
    state_of,
)


@click.command("quote")
@click.argument("run", type=int)
@json_option
@pricing_options
@click.pass_context
def quote_cmd(ctx: click.Context, run: int, as_json: bool, plan: str | None, promo: str | None,
              dev_hours: str | None) -> None:
    """Quote the full migration counted by demo run RUN.

    \b
    Example:
      deskmigrate billing quote 1 --plan signature
    """
    quote = quote_demo(state_of(ctx), run, **choices(ctx, plan, promo, dev_hours))
    if emit(quote.as_dict(), as_json):
        return
    click.echo(render.document_text(quote.priced.as_dict(), f"Quote for migration "
                                    f"{quote.migration_id} (demo run {run}), "
                                    f"{quote.priced.plan_name} plan"))
    if quote.seats:  # not priced: the target's own subscription
        click.echo(describe(quote.seats))


@click.command("invoice")
@click.argument("run", type=int)
@json_option
@pricing_options
@click.pass_context
def invoice_cmd(ctx: click.Context, run: int, as_json: bool, plan: str | None,
                promo: str | None, dev_hours: str | None) -> None:
    """Invoice the full migration quoted from demo run RUN.

    \b
    Example:
      deskmigrate billing invoice 1 --plan premium
    """
    invoice = issue_invoice(state_of(ctx), run, **choices(ctx, plan, promo, dev_hours))
    if not emit(invoice.as_dict(), as_json):
        echo_document(invoice)
        click.echo("\n" + PAY_HINT.format(number=invoice.number) + ".")


@click.command("pay")
@click.argument("number")
@click.option("--method", type=click.Choice(METHODS), required=True, help="How it was paid.")
@click.option("--reference", default="", help="Payment reference (transaction id, ...).")
@json_option
@click.pass_context
def pay_cmd(ctx: click.Context, number: str, method: str, reference: str,
            as_json: bool) -> None:
    """Record the payment of invoice NUMBER.

    \b
    Example:
      deskmigrate billing pay INV-000001 --method card
    """
    invoice = pay_invoice(state_of(ctx), number, method, reference)
    if not emit(invoice.as_dict(), as_json):
        click.echo(f"Invoice {invoice.number} is paid ({STATUS_LABELS[invoice.status]}): "
                   f"{invoice.total} {invoice.currency} by {render.METHOD_LABELS[method]}.")


@click.command("void")
@click.argument("number")
@json_option
@click.pass_context
def void_cmd(ctx: click.Context, number: str, as_json: bool) -> None:
    """Void unpaid invoice NUMBER.

    \b
    Example:
      deskmigrate billing void INV-000001
    """
    invoice = void_invoice(state_of(ctx), number)
    if not emit(invoice.as_dict(), as_json):
        click.echo(f"Invoice {invoice.number} is void.")


@click.command("invoices")
@json_option
@click.option("--migration", type=int, help="Only this migration.")
@click.pass_context
def invoices_cmd(ctx: click.Context, as_json: bool, migration: int | None) -> None:
    """Payment history: every invoice and credit note.

    \b
    Example:
      deskmigrate billing invoices --json
    """
    rows: list[dict[str, Any]] = [
        {"date": (i.paid_at or i.issued_at)[:10], "number": i.number, "kind": i.kind,
         "migration_id": i.migration_id, "customer": i.customer_name, "amount": i.total,
         "currency": i.currency, "status": i.status, "status_label": STATUS_LABELS[i.status],
         "issued_at": i.issued_at, "paid_at": i.paid_at, "payment_method": i.payment_method,
         "refers_to": i.refers_to}
        for i in list_invoices(state_of(ctx), migration)]
    if emit({"invoices": rows}, as_json):
        return
    if not rows:
        click.echo("No invoices yet.")
        return
    click.echo(f"{'Date':<10}  {'Number':<10}  {'Migration':>9}  {'Customer':<24}  "
               f"{'Amount':>12}  Status")
    for r in rows:
        click.echo(f"{r['date']:<10}  {r['number']:<10}  {r['migration_id']:>9}  "
                   f"{r['customer'][:24]:<24}  {r['amount'] + ' ' + r['currency']:>12}  "
                   f"{r['status_label']}")


@click.command("export")
@click.argument("number")
@click.option("--format", "fmt", type=click.Choice(["json", "csv", "html"]), default="html",
              show_default=True, help="The document's format.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True), default="-",
              help="File to write (default: standard output).")
@json_option
@click.pass_context
def export_cmd(ctx: click.Context, number: str, fmt: str, output: str, as_json: bool) -> None:
    """Export invoice or credit note NUMBER as JSON, CSV or HTML.

    \b
    Example:
      deskmigrate billing export INV-000001 --format html -o invoice.html
    """
    invoice = get_invoice(state_of(ctx), number)
    if fmt == "json":
        text = json.dumps(invoice.as_dict(), indent=2) + "\n"
    else:
        text = render.invoice_csv(invoice) if fmt == "csv" else render.invoice_html(invoice)
    if output == "-":
        click.echo(text, nl=False)
        return
    write_file(output, text, invoice.number)
    if not emit({"number": invoice.number, "format": fmt, "output": output}, as_json):
        click.echo(f"Wrote {invoice.number} to {output}.")
