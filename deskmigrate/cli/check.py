"""``check``: the credentials and permissions of a config's source and target."""

from __future__ import annotations

import click

from ..core import host
from ..core import runner as rn
from ..core.config import load
from ..core.filters import Filters
from ..core.seats import describe, measure
from .app import cli


@cli.command()
@click.option("--config", "config_path", type=click.Path(dir_okay=False), required=True)
def check(config_path: str) -> None:
    """Verify the credentials and permissions of source and target."""
    config = load(config_path)
    filters = Filters.parse(config.select, kinds=host.kinds())  # a bad filter: before asking
    with rn.open_accounts(config, host.plugin_manager()) as accounts:
        for side, endpoint in (("source", accounts.source), ("target", accounts.target)):
            who = endpoint.check()
            click.echo(f"{side}: {getattr(config, side).platform} OK as {who.name}"
                       f"{f' <{who.email}>' if who.email else ''}"
                       f"{f' ({who.role})' if who.role else ''}"
                       f"{f' on {who.account}' if who.account else ''}")
        click.echo(describe(measure(accounts.source, accounts.target, filters).as_dict()))
