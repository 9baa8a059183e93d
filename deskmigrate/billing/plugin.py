"""The billing plugin (entry point ``billing``): CLI commands, run gates and demo quotes."""

from __future__ import annotations

from typing import Any

import click

from deskmigrate import hookimpl
from deskmigrate.core.config import Config
from deskmigrate.core.run import Authorization, RunRequest
from deskmigrate.core.state import StateStore

from .cli import billing_group
from .customers import CUSTOMER_KEYS, customer_from_config
from .gates import authorize, check_choices
from .runs import quote_demo

BILLING_KEYS = ("enforce", "plan", "promo_code", "pricebook")  # the config's [billing] table


@hookimpl
def register_commands(cli: click.Group) -> None:
    cli.add_command(billing_group)


@hookimpl
def config_tables() -> dict[str, tuple[str, ...]]:
    return {"billing": BILLING_KEYS, "customer": CUSTOMER_KEYS}


@hookimpl
def check_config(config: Config) -> None:
    """A bad ``[billing]`` choice or ``[customer]`` is refused when the config is loaded,
    not when the first invoice is made."""
    check_choices(config.billing)
    if config.customer:
        customer_from_config(config.customer)


@hookimpl
def authorize_run(request: RunRequest) -> Authorization | None:
    return authorize(request)


@hookimpl
def quote_run(state: StateStore, run_id: int) -> dict[str, Any]:
    """The quote of demo run ``run_id``, priced with its config's ``[billing]`` choices."""
    return quote_demo(state, run_id).as_dict()
