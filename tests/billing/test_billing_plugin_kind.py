"""A plugin's billable record kind (``macro``, registered on the live plugin manager with the
platform that reads and writes it) priced like deskmigrate's own: quoted by the demo, metered
by the full run, invoiced, and reconciled when the full run finds one more; and refused in
one sentence, before anything runs, by a price book that has no price for it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from plugin_kind import MACROS, live_macros, scaffolded_acme

from deskmigrate.cli import cli
from deskmigrate.core.connector import Platform
from deskmigrate.core.state import StateStore
from deskmigrate.sandbox import serve_in_thread

BOOK = """
currency = "USD"
[seller]
name = "Seller Ltd"
country = "IE"
[records]
minimum = "0.00"
tiers = [{ up_to = 5, price = "1.00" }, { price = "0.50" }]
[plans.standard]
[tax.rates]
IE = 23
"""
MACRO_PRICE = """
[records.prices]
macro = "0.25"
"""


@pytest.fixture(scope="module")
def acme(tmp_path_factory):
    with scaffolded_acme(tmp_path_factory.mktemp("scaffold")) as package:
        yield package


@pytest.fixture
def macros(acme) -> Iterator[Platform]:
    with live_macros(acme) as platform:
        yield platform


@contextmanager
def acme_pair(platform: Any, folder: Path, book: str) -> Iterator[tuple[Any, Any, Path]]:
    """A seeded source and an empty target sandbox served over loopback, and a config
    pricing with ``book`` (``prices.toml``): yields both sandboxes and the config file."""
    source, target = (platform.sandbox(str(folder / f"{side}.sqlite"))
                      for side in ("source", "target"))
    source.seed(tickets=4, seed=3)
    target.seed(tickets=0, seed=3)
    (folder / "prices.toml").write_text(book, encoding="utf-8")
    config = folder / "migration.toml"
    with ExitStack() as stack:
        urls = [stack.enter_context(serve_in_thread(app)) for app in (source, target)]
        config.write_text("".join(
            f'[{side}]\nplatform = "acme"\nurl = "{url}"\ntoken = "{app.credentials()["token"]}"\n'
            for side, url, app in zip(("source", "target"), urls, (source, target),
                                      strict=True)) + '[billing]\npricebook = "prices.toml"\n')
        yield source, target, config


def cli_run(db: Path, *args: str, as_json: bool = True) -> Any:
    result = CliRunner().invoke(cli, ["--db", str(db), *args, *(["--json"] * as_json)])
    assert result.exit_code == 0, result.output
    return json.loads(result.output) if as_json else result.output


def amounts(doc: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [(line["description"], line["quantity"], line["amount"]) for line in doc["lines"]]


def test_a_plugin_kind_is_quoted_metered_and_invoiced(macros, tmp_path):
    db = tmp_path / "state.sqlite"
    with acme_pair(macros, tmp_path, BOOK + MACRO_PRICE) as (source, _, config):
        cli_run(db, "billing", "customer", "set", "--name", "Helpdesk Ltd", "--country", "IE",
                "--email", "billing@helpdesk.example", "--address", "1 Main St, Cork T12",
                as_json=False)
        demo = cli_run(db, "demo", "--config", str(config))
        quote = demo["quote"]
        # The source: 3 contacts, 4 tickets, 3 macros (the plugin's kind, billable by default).
        assert quote["records"] == {"contact": 3, "ticket": 4, "macro": MACROS}
        # Tiers over contacts + tickets = 7: 5 x 1.00 = 5.00, then 2 x 0.50 = 1.00;
        # macros on their own: 3 x 0.25 = 0.75. Subtotal 6.75; VAT IE 23 %: 6.75 x 0.23 =
        # 1.5525 -> 1.55. Total 8.30.
        assert amounts(quote) == [("Records 1-5 at 1.00 each", "5", "5.00"),
                                  ("Records above 5 at 0.50 each", "2", "1.00"),
                                  ("Macro records at 0.25 each", "3", "0.75")]
        assert (quote["subtotal"], quote["tax"], quote["total"]) == ("6.75", "1.55", "8.30")

        invoice = cli_run(db, "billing", "invoice", str(demo["run_id"]))
        assert (invoice["records"], invoice["total"]) == (quote["records"], "8.30")
        unpriced = tmp_path / "unpriced.toml"
        unpriced.write_text(BOOK, encoding="utf-8")
        result = CliRunner().invoke(cli, ["--db", str(db), "billing", "--pricebook",
                                          str(unpriced), "quote", str(demo["run_id"])])
        assert result.exit_code == 2 and "no price for the billable record kind 'macro': add " \
            "records.prices.macro" in result.output, result.output
        cli_run(db, "billing", "pay", invoice["number"], "--method", "card", as_json=False)

        # One more macro appears in the source after the invoice.
        source.store.insert("macros", {"title": "Macro 3", "body": "<p>Reply 3</p>",
                                       "author_id": None, "updated_at": "2025-01-02T00:00:00Z"})
        full = cli_run(db, "migrate", "--config", str(config))
        assert full["records"]["macro"]["migrated"] == MACROS + 1
        usage = cli_run(db, "billing", "usage", str(full["run_id"]))
        assert usage["records"] == {"contact": 3, "ticket": 4, "macro": MACROS + 1}
        state = StateStore(db)
        assert state.db.execute("SELECT count(*) FROM meter_events WHERE record_type='macro' "
                                "AND billable=1 AND mode='full'").fetchone()[0] == MACROS + 1

        # The actuals priced with the invoice's book: macros 4 x 0.25 = 1.00 (0.25 more),
        # tiers unchanged. Subtotal 7.00, VAT 7.00 x 0.23 = 1.61, so the supplement is 0.25 +
        # (1.61 - 1.55 = 0.06) VAT = 0.31.
        supplement = cli_run(db, "billing", "reconcile", str(full["run_id"]))["document"]
        assert supplement["kind"] == "supplementary"
        assert amounts(supplement) == [
            ("Macro records at 0.25 each: 3 invoiced, 4 migrated", "1", "0.25")]
        assert (supplement["tax"], supplement["total"]) == ("0.06", "0.31")


def test_a_billable_kind_without_a_price_is_refused_before_anything_runs(macros, tmp_path):
    db = tmp_path / "state.sqlite"
    refusal = ("Error: prices.toml has no price for the billable record kind 'macro': add "
               'records.prices.macro (a price per record, e.g. "0.10") or list it in '
               "records.kinds to count in the graduated tiers.\n")
    with acme_pair(macros, tmp_path, BOOK) as (_, target, config):
        result = CliRunner().invoke(cli, ["--db", str(db), "demo", "--config", str(config)])
        assert (result.exit_code, result.output) == (1, refusal)
        assert StateStore(db).runs() == []  # refused before the demo started
        assert all(target.store.query(c) == [] for c in ("contacts", "tickets", "macros"))
    result = CliRunner().invoke(cli, ["billing", "pricebook", "check",
                                      str(tmp_path / "prices.toml")])
    assert (result.exit_code, result.output) == (2, refusal)
