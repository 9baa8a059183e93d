"""``paths``: where deskmigrate keeps its files."""

from __future__ import annotations

import os
from importlib import resources

import click

from ..billing.pricebook import ENV as PRICEBOOK_ENV
from ..core.paths import home, log_dir, sandbox_dir, state_path
from .app import cli, emit, json_option


@cli.command()
@json_option
@click.pass_context
def paths(ctx: click.Context, as_json: bool) -> None:
    """Where deskmigrate keeps its files: data directory, state database, run logs,
    sandboxes and the price book in force.

    \b
    Example:
      deskmigrate paths --json
    """
    db_option = ctx.find_root().obj.get("db")
    db = state_path(db_option)
    book = os.environ.get(PRICEBOOK_ENV) or str(
        resources.files("deskmigrate.billing").joinpath("pricebook.toml"))
    data = {"data_dir": str(home()), "state_db": str(db), "logs": str(log_dir(db_option)),
            "sandboxes": str(sandbox_dir()), "pricebook": book}
    labels = {"data_dir": "data directory ($DESKMIGRATE_HOME)",
              "state_db": "state database (--db, $DESKMIGRATE_DB)",
              "logs": "run logs", "sandboxes": "sandbox data",
              "pricebook": f"price book (${PRICEBOOK_ENV}, else the built-in one)"}

    def text() -> None:
        for key, value in data.items():
            click.echo(f"{labels[key] + ':':<44} {value}")

    emit(data, as_json, text)
