"""What the billing commands share: the state database, the price book asked for, the
``--json`` and pricing options, and how a document is printed."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import click

from deskmigrate.core.paths import open_state
from deskmigrate.core.state import StateStore

from .. import render
from ..invoices import PAY, Invoice

PRICEBOOK_KEY = "deskmigrate.billing.pricebook"
PAY_HINT = "Record the payment with " + PAY

json_option = click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
_PRICING = (click.option("--plan", help="standard, premium or signature."),
            click.option("--promo", help="A promo code of the price book."),
            click.option("--dev-hours", help="Custom development hours (15-minute steps)."))


def pricing_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """``--plan``, ``--promo`` and ``--dev-hours``: what a quote or an invoice is priced
    with (:func:`choices`)."""
    for option in reversed(_PRICING):
        command = option(command)
    return command


def state_of(ctx: click.Context) -> StateStore:
    obj = ctx.find_root().obj or {}
    return open_state(obj.get("db"))


def pricebook_path(ctx: click.Context) -> str | None:
    """The ``--pricebook`` given to ``deskmigrate billing`` (None: the usual order)."""
    return ctx.meta.get(PRICEBOOK_KEY)


def choices(ctx: click.Context, plan: str | None, promo: str | None,
            dev_hours: str | None) -> dict[str, Any]:
    """The pricing choices of the command line, as :func:`..runs.quote_demo` takes them."""
    return {"plan": plan, "promo_code": promo, "dev_hours": dev_hours,
            "pricebook": pricebook_path(ctx)}


def emit(data: dict[str, Any], as_json: bool) -> bool:
    """Print ``data`` as JSON under ``--json``; True when it did (the caller is done)."""
    if as_json:
        click.echo(json.dumps(data, indent=2))
    return as_json


def echo_document(document: Invoice) -> None:
    """An invoice, supplement, upgrade or credit note as aligned text."""
    click.echo(render.document_text(document.as_dict(), render.invoice_title(document)))
