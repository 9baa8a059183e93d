"""A demo counted a record kind whose plugin is not installed where the quote is made
(``macro``: no plugin registers it here). Billing reads the process-wide kinds registry, so
the kind cannot be priced: the quote says so in one sentence, and an invoice is refused."""

from __future__ import annotations

import json
from pathlib import Path

from billing_support import SMALL_BOOK, make_demo, make_migration
from click.testing import CliRunner, Result

from deskmigrate.billing.cli import billing_group
from deskmigrate.core import host
from deskmigrate.core.state import StateStore

NOTE = ("Not quoted: the demo counted 3 macro records, a kind no installed plugin registers "
        "(install the plugin that adds it, then quote again).")


def test_a_counted_kind_no_plugin_registers_is_named_by_the_quote(tmp_path: Path) -> None:
    assert "macro" not in host.kinds()  # its plugin is not installed in this process
    db, book = tmp_path / "state.sqlite", tmp_path / "small.toml"
    book.write_text(SMALL_BOOK, encoding="utf-8")
    state = StateStore(db)
    demo = make_demo(state, make_migration(state), {"ticket": 4, "contact": 3, "macro": 3})

    def billing(*args: str) -> Result:
        return CliRunner().invoke(billing_group, ["--pricebook", str(book), *args],
                                  obj={"db": str(db)})

    result = billing("quote", str(demo), "--json")
    assert result.exit_code == 0, result.output
    quote = json.loads(result.output)
    # Tickets and contacts only: 7 x 1.00 = 7.00, below the 50.00 minimum, so a 43.00
    # minimum line; no customer, so no tax. Total 50.00. The 3 macros are not priced.
    assert quote["records"] == {"contact": 3, "ticket": 4}
    assert [(line["description"], line["amount"]) for line in quote["lines"]] == [
        ("Records 1-100 at 1.00 each", "7.00"), ("Minimum price 50.00", "43.00")]
    assert quote["total"] == "50.00"
    assert quote["not_quoted"] == {"macro": 3}
    assert quote["notes"][-1] == NOTE
    text = billing("quote", str(demo)).output
    assert f"  {NOTE}" in text.splitlines(), text

    refused = billing("invoice", str(demo))
    assert refused.exit_code != 0 and str(refused.exception) == (
        f"Demo run {demo} counted macro records, which no installed plugin registers, so the "
        "invoice would leave them out: install the plugin that adds them, then invoice.")
    assert state.db.execute("SELECT count(*) FROM invoices").fetchone()[0] == 0
