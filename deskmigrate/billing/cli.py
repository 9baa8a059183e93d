"""``deskmigrate billing ...``: price book, customer, quotes, invoices, payments, reconciling."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from deskmigrate.core import host
from deskmigrate.core.errors import DeskmigrateError
from deskmigrate.core.paths import open_state, write_file
from deskmigrate.core.seats import describe
from deskmigrate.core.state import StateStore

from . import render
from .customers import make_customer, save_customer, stored_customer
from .invoices import (
    METHODS,
    STATUS_LABELS,
    get_invoice,
    issue_invoice,
    list_invoices,
    pay_invoice,
    void_invoice,
)
from .metering import metered_actuals, option_usage
from .pricebook import PriceBook, load_pricebook
from .reconcile import reconcile
from .retention import retention
from .runs import get_run, quote_demo
from .upgrades import refund_vat, upgrade_invoice

PRICEBOOK_KEY = "deskmigrate.billing.pricebook"


def _state(ctx: click.Context) -> StateStore:
    obj = ctx.find_root().obj or {}
    return open_state(obj.get("db"))


def _pricebook_path(ctx: click.Context) -> str | None:
    return ctx.meta.get(PRICEBOOK_KEY)


def _echo_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2))


@click.group("billing")
@click.option("--pricebook", type=click.Path(dir_okay=False), envvar="DESKMIGRATE_PRICEBOOK",
              help="Price book TOML file (default: the run's config, then the built-in one).")
@click.pass_context
def billing_group(ctx: click.Context, pricebook: str | None) -> None:
    """Quotes, invoices, payments and reconciliation of migrations."""
    ctx.meta[PRICEBOOK_KEY] = pricebook


# -- price book ----------------------------------------------------------------------------
@billing_group.group("pricebook")
def pricebook_group() -> None:
    """Show or check a price book."""


def pricebook_dict(book: PriceBook) -> dict[str, Any]:
    """The price book with amounts as strings (what ``pricebook show --json`` prints)."""
    def plain(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [plain(v) for v in value]
        return value if isinstance(value, bool | int | str | type(None)) else str(value)
    return plain(book.raw)


@pricebook_group.command("show")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_context
def pricebook_show(ctx: click.Context, as_json: bool) -> None:
    """Show the price book in force."""
    book = load_pricebook(_pricebook_path(ctx))
    if as_json:
        _echo_json(pricebook_dict(book))
        return
    click.echo(render.pricebook_text(book))


@pricebook_group.command("check")
@click.argument("file", type=click.Path(dir_okay=False))
def pricebook_check(file: str) -> None:
    """Check a price book file (prices for every installed billable record kind)."""
    book = load_pricebook(file)
    book.require_prices(host.kinds().billable)
    click.echo(f"{Path(file).name} is a valid price book ({book.currency}, "
               f"{len(book.tiers)} tiers, {len(book.plans)} plans).")


# -- customer ------------------------------------------------------------------------------
@billing_group.group("customer")
def customer_group() -> None:
    """The customer invoices are made out to (a config's [customer] table wins)."""


@customer_group.command("set")
@click.option("--name", help="Company or person name.")
@click.option("--email", help="Billing email address.")
@click.option("--country", help="Two-letter country code, e.g. FR.")
@click.option("--vat", help="VAT number of a business customer.")
@click.option("--non-profit/--for-profit", default=None, help="Non-profit discount.")
@click.option("--address", help="Postal address (printed on invoices).")
@click.pass_context
def customer_set(ctx: click.Context, name: str | None, email: str | None, country: str | None,
                 vat: str | None, non_profit: bool | None, address: str | None) -> None:
    """Set the customer; options left out keep their stored values."""
    state = _state(ctx)
    old = stored_customer(state)
    customer = make_customer(
        name if name is not None else (old.name if old else ""),
        email if email is not None else (old.email if old else ""),
        country if country is not None else (old.country if old else ""),
        vat if vat is not None else (old.vat_number if old else ""),
        non_profit if non_profit is not None else (old.non_profit if old else False),
        address if address is not None else (old.address if old else ""),
    )
    save_customer(state, customer)
    click.echo(f"Customer set: {customer.name} <{customer.email}>, {customer.country}.")


@customer_group.command("show")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_context
def customer_show(ctx: click.Context, as_json: bool) -> None:
    """Show the stored customer."""
    customer = stored_customer(_state(ctx))
    if customer is None:
        raise DeskmigrateError("No customer is set: run `deskmigrate billing customer set "
                               "--name NAME --email EMAIL --country CC`.")
    if as_json:
        _echo_json(customer.as_dict())
        return
    click.echo(f"{customer.name} <{customer.email}>, "
               + (f"{customer.address}, " if customer.address else "") + customer.country
               + (f", VAT {customer.vat_number}" if customer.vat_number else "")
               + (", non-profit" if customer.non_profit else ""))


# -- quotes and invoices -------------------------------------------------------------------
def _choices(ctx: click.Context, plan: str | None, promo: str | None,
             dev_hours: str | None) -> dict[str, Any]:
    return {"plan": plan, "promo_code": promo, "dev_hours": dev_hours,
            "pricebook": _pricebook_path(ctx)}


plan_option = click.option("--plan", help="standard, premium or signature.")
promo_option = click.option("--promo", help="A promo code of the price book.")
hours_option = click.option("--dev-hours", help="Custom development hours (15-minute steps).")
json_option = click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")


@billing_group.command("quote")
@click.argument("run", type=int)
@json_option
@plan_option
@promo_option
@hours_option
@click.pass_context
def quote_cmd(ctx: click.Context, run: int, as_json: bool, plan: str | None, promo: str | None,
              dev_hours: str | None) -> None:
    """Quote the full migration counted by demo run RUN."""
    quote = quote_demo(_state(ctx), run, **_choices(ctx, plan, promo, dev_hours))
    if as_json:
        _echo_json(quote.as_dict())
        return
    click.echo(render.document_text(quote.priced.as_dict(), f"Quote for migration "
                                    f"{quote.migration_id} (demo run {run}), "
                                    f"{quote.priced.plan_name} plan"))
    if quote.seats:  # not priced: the target's own subscription
        click.echo(describe(quote.seats))


@billing_group.command("invoice")
@click.argument("run", type=int)
@json_option
@plan_option
@promo_option
@hours_option
@click.pass_context
def invoice_cmd(ctx: click.Context, run: int, as_json: bool, plan: str | None,
                promo: str | None, dev_hours: str | None) -> None:
    """Invoice the full migration quoted from demo run RUN."""
    invoice = issue_invoice(_state(ctx), run, **_choices(ctx, plan, promo, dev_hours))
    if as_json:
        _echo_json(invoice.as_dict())
        return
    click.echo(render.document_text(invoice.as_dict(), render.invoice_title(invoice)))
    click.echo(f"\nRecord the payment with `deskmigrate billing pay {invoice.number} "
               "--method card|paypal|bank_transfer`.")


@billing_group.command("pay")
@click.argument("number")
@click.option("--method", type=click.Choice(METHODS), required=True, help="How it was paid.")
@click.option("--reference", default="", help="Payment reference (transaction id, ...).")
@click.pass_context
def pay_cmd(ctx: click.Context, number: str, method: str, reference: str) -> None:
    """Record the payment of invoice NUMBER."""
    invoice = pay_invoice(_state(ctx), number, method, reference)
    click.echo(f"Invoice {invoice.number} is paid ({STATUS_LABELS[invoice.status]}): "
               f"{invoice.total} {invoice.currency} by {render.METHOD_LABELS[method]}.")


@billing_group.command("void")
@click.argument("number")
@click.pass_context
def void_cmd(ctx: click.Context, number: str) -> None:
    """Void unpaid invoice NUMBER."""
    invoice = void_invoice(_state(ctx), number)
    click.echo(f"Invoice {invoice.number} is void.")


@billing_group.command("invoices")
@json_option
@click.option("--migration", type=int, help="Only this migration.")
@click.pass_context
def invoices_cmd(ctx: click.Context, as_json: bool, migration: int | None) -> None:
    """Payment history: every invoice and credit note."""
    rows: list[dict[str, Any]] = [
            {"date": (i.paid_at or i.issued_at)[:10], "number": i.number, "kind": i.kind,
             "migration_id": i.migration_id, "customer": i.customer_name, "amount": i.total,
             "currency": i.currency, "status": i.status,
             "status_label": STATUS_LABELS[i.status], "issued_at": i.issued_at,
             "paid_at": i.paid_at, "payment_method": i.payment_method,
             "refers_to": i.refers_to}
            for i in list_invoices(_state(ctx), migration)]
    if as_json:
        _echo_json({"invoices": rows})
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


@billing_group.command("export")
@click.argument("number")
@click.option("--format", "fmt", type=click.Choice(["json", "csv", "html"]), default="html",
              show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True), default="-",
              help="File to write (default: standard output).")
@click.pass_context
def export_cmd(ctx: click.Context, number: str, fmt: str, output: str) -> None:
    """Export invoice or credit note NUMBER as JSON, CSV or HTML."""
    invoice = get_invoice(_state(ctx), number)
    if fmt == "json":
        text = json.dumps(invoice.as_dict(), indent=2) + "\n"
    else:
        text = render.invoice_csv(invoice) if fmt == "csv" else render.invoice_html(invoice)
    if output == "-":
        click.echo(text, nl=False)
        return
    write_file(output, text, invoice.number)
    click.echo(f"Wrote {invoice.number} to {output}.")


@billing_group.command("reconcile")
@click.argument("run", type=int)
@json_option
@click.pass_context
def reconcile_cmd(ctx: click.Context, run: int, as_json: bool) -> None:
    """Reconcile completed full run RUN with its invoice: credit note or supplement."""
    result = reconcile(_state(ctx), run)
    if as_json:
        _echo_json(result.as_dict())
        return
    invoiced, migrated = sum(result.invoiced.values()), sum(result.migrated.values())
    click.echo(f"Migration {result.migration_id}: {invoiced:,} records invoiced on "
               f"{result.invoice}, {migrated:,} migrated.")
    if result.document is None:
        click.echo("Nothing to reconcile: the migrated records price the same as invoiced.")
        return
    click.echo(render.document_text(result.document.as_dict(),
                                    render.invoice_title(result.document)))


@billing_group.command("upgrade")
@click.argument("number")
@click.option("--plan", help="The better plan, e.g. signature.")
@click.option("--option", "options", multiple=True, help="A paid option to add (repeatable).")
@json_option
@click.pass_context
def upgrade_cmd(ctx: click.Context, number: str, plan: str | None, options: tuple[str, ...],
                as_json: bool) -> None:
    """Invoice a better plan or more options on paid invoice NUMBER (the difference)."""
    if not plan and not options:
        raise DeskmigrateError("Say what to upgrade: --plan PLAN and/or --option NAME.")
    document = upgrade_invoice(_state(ctx), number, plan, options)
    if as_json:
        _echo_json(document.as_dict())
        return
    click.echo(render.document_text(document.as_dict(), render.invoice_title(document)))
    if document.status == "open":
        click.echo(f"\nRecord the payment with `deskmigrate billing pay {document.number} "
                   "--method card|paypal|bank_transfer`; the upgrade counts once paid.")


@billing_group.command("refund-vat")
@click.argument("number")
@click.option("--vat", required=True, help="The customer's EU VAT number, e.g. FR40303265045.")
@json_option
@click.pass_context
def refund_vat_cmd(ctx: click.Context, number: str, vat: str, as_json: bool) -> None:
    """Credit the VAT of paid invoice NUMBER for a VAT number given after paying."""
    document = refund_vat(_state(ctx), number, vat)
    if as_json:
        _echo_json(document.as_dict())
        return
    click.echo(render.document_text(document.as_dict(), render.invoice_title(document)))


@billing_group.command("usage")
@click.argument("run", type=int)
@json_option
@click.pass_context
def usage_cmd(ctx: click.Context, run: int, as_json: bool) -> None:
    """Metered records and option usage of RUN's migration (demo runs are not metered)."""
    state = _state(ctx)
    found = get_run(state, run)
    migration = found["migration_id"]
    data = {"run_id": run, "migration_id": migration,
            "records": metered_actuals(state, migration),
            "options": option_usage(state, migration)}
    if as_json:
        _echo_json(data)
        return
    if not data["records"] and not data["options"]:
        why = (f"run {run} is a demo, and demos are free" if found["mode"] == "demo" else
               "its runs have migrated no billable record yet")
        click.echo(f"Nothing is metered for migration {migration}: {why}.")
        return
    click.echo(f"Migration {migration}, records migrated by its runs (each counted once):")
    for kind, n in data["records"].items():
        click.echo(f"  {kind.replace('_', ' '):<12} {n:>9,}")
    for name, n in data["options"].items():
        click.echo(f"  option {name}: applied to {n:,} records")


@billing_group.command("retention")
@click.option("--apply", is_flag=True, help="Purge (default: a dry run that only lists).")
@json_option
@click.pass_context
def retention_cmd(ctx: click.Context, apply: bool, as_json: bool) -> None:
    """Purge the per-record data of migrations whose plan's data retention is over."""
    due = retention(_state(ctx), load_pricebook(_pricebook_path(ctx)), apply=apply)
    if as_json:
        _echo_json({"applied": apply, "migrations": [e.as_dict() for e in due]})
        return
    if not due:
        click.echo("No migration has reached the end of its data retention.")
        return
    for e in due:
        click.echo(f"Migration {e.migration_id} ({e.plan} plan, {e.since} finished "
                   f"{e.finished:%Y-%m-%d}): kept until {e.until:%Y-%m-%d}; "
                   f"{e.rows['id_map']:,} id-map rows and {e.rows['outcomes']:,} record "
                   f"outcomes {'purged' if apply else 'to purge'}.")
    if not apply:
        click.echo("Dry run: nothing was purged; `deskmigrate billing retention --apply` "
                   "purges it (counts, invoices and the meter are kept).")
