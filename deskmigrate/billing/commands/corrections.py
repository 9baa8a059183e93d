"""Reconcile, upgrade and refund VAT: documents that correct or extend a paid invoice."""

from __future__ import annotations

import click

from deskmigrate.core.errors import DeskmigrateError

from ..reconcile import reconcile
from ..upgrades import refund_vat, upgrade_invoice
from .common import PAY_HINT, echo_document, emit, json_option, state_of


@click.command("reconcile")
@click.argument("run", type=int)
@json_option
@click.pass_context
def reconcile_cmd(ctx: click.Context, run: int, as_json: bool) -> None:
    """Reconcile completed full run RUN with its invoice: credit note or supplement.

    \b
    Example:
      deskmigrate billing reconcile 2
    """
    result = reconcile(state_of(ctx), run)
    if emit(result.as_dict(), as_json):
        return
    invoiced, migrated = sum(result.invoiced.values()), sum(result.migrated.values())
    click.echo(f"Migration {result.migration_id}: {invoiced:,} records invoiced on "
               f"{result.invoice}, {migrated:,} migrated.")
    if result.document is None:
        click.echo("Nothing to reconcile: the migrated records price the same as invoiced.")
        return
    echo_document(result.document)


@click.command("upgrade")
@click.argument("number")
@click.option("--plan", help="The better plan, e.g. signature.")
@click.option("--option", "options", multiple=True, help="A paid option to add (repeatable).")
@json_option
@click.pass_context
def upgrade_cmd(ctx: click.Context, number: str, plan: str | None, options: tuple[str, ...],
                as_json: bool) -> None:
    """Invoice a better plan or more options on paid invoice NUMBER (the difference).

    \b
    Example:
      deskmigrate billing upgrade INV-000001 --plan signature
    """
    if not plan and not options:
        raise DeskmigrateError("Say what to upgrade: --plan PLAN and/or --option NAME.")
    document = upgrade_invoice(state_of(ctx), number, plan, options)
    if emit(document.as_dict(), as_json):
        return
    echo_document(document)
    if document.status == "open":
        click.echo("\n" + PAY_HINT.format(number=document.number)
                   + "; the upgrade counts once paid.")


@click.command("refund-vat")
@click.argument("number")
@click.option("--vat", required=True, help="The customer's EU VAT number, e.g. FR40303265045.")
@json_option
@click.pass_context
def refund_vat_cmd(ctx: click.Context, number: str, vat: str, as_json: bool) -> None:
    """Credit the VAT of paid invoice NUMBER for a VAT number given after paying.

    \b
    Example:
      deskmigrate billing refund-vat INV-000001 --vat FR40303265045
    """
    document = refund_vat(state_of(ctx), number, vat)
    if not emit(document.as_dict(), as_json):
        echo_document(document)
