"""``deskmigrate billing pricebook show|check``: the price book in force, or a file checked."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from deskmigrate.core import host

from .. import render
from ..pricebook import PriceBook, load_pricebook
from .common import emit, json_option, pricebook_path


@click.group("pricebook")
def pricebook_group() -> None:
    """Show or check a price book.

    \b
    Example:
      deskmigrate billing pricebook show
    """


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
@json_option
@click.pass_context
def pricebook_show(ctx: click.Context, as_json: bool) -> None:
    """Show the price book in force.

    \b
    Example:
      deskmigrate billing pricebook show --json
    """
    book = load_pricebook(pricebook_path(ctx))
    if not emit(pricebook_dict(book), as_json):
        click.echo(render.pricebook_text(book))


@pricebook_group.command("check")
@click.argument("file", type=click.Path(dir_okay=False))
@json_option
def pricebook_check(file: str, as_json: bool) -> None:
    """Check a price book file (prices for every installed billable record kind).

    \b
    Example:
      deskmigrate billing pricebook check prices.toml
    """
    book = load_pricebook(file)
    book.require_prices(host.kinds().billable)
    if not emit({"file": file, "valid": True, "currency": book.currency,
                 "tiers": len(book.tiers), "plans": len(book.plans)}, as_json):
        click.echo(f"{Path(file).name} is a valid price book ({book.currency}, "
                   f"{len(book.tiers)} tiers, {len(book.plans)} plans).")
