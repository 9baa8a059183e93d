"""``deskmigrate billing ...``: price book, customer, quotes, invoices, payments, reconciling.

One module per job in :mod:`.commands`; this one only groups them under ``billing``.
"""

from __future__ import annotations

import click

from .commands.common import PRICEBOOK_KEY
from .commands.corrections import reconcile_cmd, refund_vat_cmd, upgrade_cmd
from .commands.customer import customer_group
from .commands.documents import (
    export_cmd,
    invoice_cmd,
    invoices_cmd,
    pay_cmd,
    quote_cmd,
    void_cmd,
)
from .commands.pricebook import pricebook_group
from .commands.usage import retention_cmd, usage_cmd


@click.group("billing")
@click.option("--pricebook", type=click.Path(dir_okay=False), envvar="DESKMIGRATE_PRICEBOOK",
              help="Price book TOML file (default: the run's config, then the built-in one).")
@click.pass_context
def billing_group(ctx: click.Context, pricebook: str | None) -> None:
    """Quotes, invoices, payments and reconciliation of migrations.

    \b
    Example:
      deskmigrate billing invoices
    """
    ctx.meta[PRICEBOOK_KEY] = pricebook


for _command in (pricebook_group, customer_group, quote_cmd, invoice_cmd, pay_cmd, void_cmd,
                 invoices_cmd, export_cmd, reconcile_cmd, upgrade_cmd, refund_vat_cmd,
                 usage_cmd, retention_cmd):
    billing_group.add_command(_command)
