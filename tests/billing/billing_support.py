"""Helpers for the billing tests: a small price book, migrations, demo runs, meter events."""

from __future__ import annotations

import tomllib
from typing import Any

from deskmigrate.billing.pricebook import PriceBook, parse_pricebook
from deskmigrate.core.state import COMPLETED, StateStore

# A price book with round numbers, so that the arithmetic in the tests is easy to follow.
SMALL_BOOK = """
currency = "USD"
[seller]
name = "Seller Ltd"
country = "IE"
[records]
minimum = "50.00"
tiers = [
  { up_to = 100, price = "1.00" },
  { up_to = 1000, price = "0.50" },
  { price = "0.25" },
]
[pairs]
default = "1.0"
"jira_sm->zendesk" = "1.5"
"intercom->zendesk" = "0.9"
[options.add_tag]
flat = "25.00"
[options.inline_images]
per_record = "0.015"
kinds = ["ticket"]
[plans.standard]
[plans.premium]
name = "Premium"
percent = 20
minimum = "200.00"
remigration_days = 5
[plans.signature]
name = "Signature"
percent = 30
minimum = "500.00"
delta = true
interval = true
remigration_days = 10
[tax]
default = 0
[tax.rates]
IE = 23
FR = 20
DE = 19
[discounts]
non_profit_percent = 10
[discounts.promo_codes]
TEN = { percent = 10 }
FIFTY = { amount = "50.00" }
[custom_development]
hourly_rate = "100.00"
"""


def small_book(extra: str = "") -> PriceBook:
    return parse_pricebook(tomllib.loads(SMALL_BOOK + extra), "small.toml")


def make_migration(state: StateStore, source: str = "zendesk", target: str = "freshdesk",
                   name: str = "acme") -> int:
    return state.migration_for(source, f"https://{name}.{source}.example", target,
                               f"https://{name}.{target}.example")


def make_demo(state: StateStore, migration_id: int, counts: dict[str, int], *,
              options: dict[str, Any] | None = None, billing: dict[str, Any] | None = None,
              status: str = COMPLETED) -> int:
    """A demo run that counted ``counts`` (what the engine records), finished."""
    run_id = state.start_run(migration_id, "demo", config={"billing": billing or {}},
                             options=options or {}, seed=1)
    state.update_run(run_id, counts=counts)
    state.set_status(run_id, status)
    return run_id


def migrate(state: StateStore, migration_id: int, run_id: int, mode: str, kind: str,
            source_ids: list[str], status: str = "migrated") -> None:
    """Write what the engine writes when it migrates ``source_ids`` of ``kind``."""
    results = [{"source_id": s, "status": status, "target_id": f"t-{s}" if status ==
                "migrated" else None} for s in source_ids]
    state.record_results(run_id, migration_id, mode, kind, results,
                         billable=kind != "field")
