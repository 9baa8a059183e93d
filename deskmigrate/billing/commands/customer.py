"""``deskmigrate billing customer set|show``: whom invoices are made out to."""

from __future__ import annotations

import click

from deskmigrate.core.errors import DeskmigrateError

from ..customers import make_customer, save_customer, stored_customer
from .common import emit, json_option, state_of


@click.group("customer")
def customer_group() -> None:
    """The customer invoices are made out to (a config's [customer] table wins).

    \b
    Example:
      deskmigrate billing customer show
    """


@customer_group.command("set")
@click.option("--name", help="Company or person name.")
@click.option("--email", help="Billing email address.")
@click.option("--country", help="Two-letter country code, e.g. FR.")
@click.option("--vat", help="VAT number of a business customer.")
@click.option("--non-profit/--for-profit", default=None, help="Non-profit discount.")
@click.option("--address", help="Postal address (printed on invoices).")
@json_option
@click.pass_context
def customer_set(ctx: click.Context, name: str | None, email: str | None, country: str | None,
                 vat: str | None, non_profit: bool | None, address: str | None,
                 as_json: bool) -> None:
    """Set the customer; options left out keep their stored values.

    \b
    Example:
      deskmigrate billing customer set --name "Acme SA" --email ap@acme.fr --country FR
    """
    state = state_of(ctx)
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
    if not emit(customer.as_dict(), as_json):
        click.echo(f"Customer set: {customer.name} <{customer.email}>, {customer.country}.")


@customer_group.command("show")
@json_option
@click.pass_context
def customer_show(ctx: click.Context, as_json: bool) -> None:
    """Show the stored customer.

    \b
    Example:
      deskmigrate billing customer show --json
    """
    customer = stored_customer(state_of(ctx))
    if customer is None:
        raise DeskmigrateError("No customer is set: run `deskmigrate billing customer set "
                               "--name NAME --email EMAIL --country CC`.")
    if not emit(customer.as_dict(), as_json):
        click.echo(f"{customer.name} <{customer.email}>, "
                   + (f"{customer.address}, " if customer.address else "") + customer.country
                   + (f", VAT {customer.vat_number}" if customer.vat_number else "")
                   + (", non-profit" if customer.non_profit else ""))
