"""Issue 6 - customer, invoice statuses (open -> paid or void, never edited), exports
(json, csv, an HTML invoice a person would send) and the one-sentence errors of the CLI."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from billing_support import make_demo, make_migration, migrate
from click.testing import CliRunner, Result

from deskmigrate.billing.cli import billing_group
from deskmigrate.billing.customers import customer_from_config
from deskmigrate.core.errors import DeskmigrateError
from deskmigrate.core.state import COMPLETED, StateStore


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "state.sqlite"


def run(db: Path, *args: str) -> Result:
    return CliRunner().invoke(billing_group, list(args), obj={"db": str(db)})


def ok(db: Path, *args: str) -> Result:
    result = run(db, *args)
    assert result.exit_code == 0, (result.output, result.exception)
    return result


def error(db: Path, *args: str) -> str:
    """The one sentence a refused command raises (the root CLI prints it as "Error: ...")."""
    result = run(db, *args)
    assert result.exit_code != 0
    assert isinstance(result.exception, DeskmigrateError), result.exception
    message = str(result.exception)
    assert message.endswith(".") and "\n" not in message
    return message


def test_customer_set_and_show(db: Path) -> None:
    assert "No customer is set" in error(db, "customer", "show")
    ok(db, "customer", "set", "--name", "Restos", "--email", "a@restos.example", "--country",
       "FR", "--non-profit")
    shown = json.loads(ok(db, "customer", "show", "--json").output)
    assert shown == {"name": "Restos", "email": "a@restos.example", "country": "FR",
                     "vat_number": "", "non_profit": True, "address": ""}
    ok(db, "customer", "set", "--vat", "FR40303265045")  # the rest is kept
    assert "VAT FR40303265045, non-profit" in ok(db, "customer", "show").output
    assert "not an email address" in error(db, "customer", "set", "--email", "nope")
    assert "two-letter code" in error(db, "customer", "set", "--country", "France")


def test_customer_from_config_table() -> None:
    customer = customer_from_config({"name": "Acme", "email": "a@acme.example",
                                     "country": "de", "vat": "DE136695976"})
    assert (customer.country, customer.vat_number, customer.non_profit) == (
        "DE", "DE136695976", False)
    with pytest.raises(DeskmigrateError, match="unknown key 'phone'"):
        customer_from_config({"name": "A", "email": "a@b.c", "country": "DE", "phone": "1"})


def test_config_customer_wins_over_the_stored_one(db: Path, small_path: Path) -> None:
    state = StateStore(db)
    mid = make_migration(state)
    demo = state.start_run(mid, "demo", options={}, config={"billing": {
        "pricebook": str(small_path), "plan": "premium", "promo_code": "TEN"}, "customer": {
        "name": "Config Co", "email": "c@config.example", "country": "FR",
        "address": "2 quai de Seine, Paris"}})
    state.update_run(demo, counts={"ticket": 1250})
    state.set_status(demo, COMPLETED)
    ok(db, "customer", "set", "--name", "Stored", "--email", "s@x.example", "--country", "IE",
       "--address", "1 Main Street")
    # small book: 612.50 + premium 200.00 = 812.50; TEN 81.25 -> 731.25; FR 20% 146.25 -> 877.50
    invoice = json.loads(ok(db, "invoice", str(demo), "--json").output)
    assert invoice["customer"]["name"] == "Config Co"
    assert (invoice["discount"], invoice["tax"], invoice["total"]) == (
        "81.25", "146.25", "877.50")
    assert invoice["plan"] == "premium"


def test_quote_and_invoice_errors(db: Path) -> None:
    state = StateStore(db)
    mid = make_migration(state)
    assert error(db, "quote", "99") == "Run 99 does not exist."
    full = state.start_run(mid, "full", config={}, options={})
    assert error(db, "quote", str(full)) == (
        f"Run {full} is a full run: quotes and invoices are made from demo runs.")
    counting = state.start_run(mid, "demo", config={}, options={})
    assert "has not counted" in error(db, "quote", str(counting))
    running = make_demo(state, mid, {"ticket": 5}, status="running")
    # a demo still running can be quoted (5 x 0.10 = 0.50 -> the 39.00 minimum), not invoiced
    assert json.loads(ok(db, "quote", str(running), "--json").output)["total"] == "39.00"
    assert "has not completed" in error(db, "invoice", str(running))
    demo = make_demo(state, mid, {"ticket": 5})
    assert error(db, "invoice", str(demo)).startswith("No customer is set")
    ok(db, "customer", "set", "--name", "A", "--email", "a@a.example", "--country", "US",
       "--address", "1 Main Street")
    assert error(db, "invoice", str(demo), "--promo", "NOPE") == (
        "Promo code 'NOPE' is not in the price book.")
    assert error(db, "invoice", str(demo), "--dev-hours", "-1") == (
        "Development hours must not be negative.")
    assert "Plan 'gold'" in error(db, "quote", str(demo), "--plan", "gold")


def test_statuses_pay_void_and_no_double_invoice(db: Path) -> None:
    state = StateStore(db)
    mid = make_migration(state)
    demo = make_demo(state, mid, {"ticket": 5})
    ok(db, "customer", "set", "--name", "A", "--email", "a@a.example", "--country", "US",
       "--address", "1 Main Street")
    ok(db, "invoice", str(demo))
    assert error(db, "invoice", str(demo)) == (
        f"Migration {mid} already has invoice INV-000001 (unpaid); void it with "
        "`deskmigrate billing void INV-000001` before invoicing again.")
    assert "is void" in ok(db, "void", "inv-000001").output
    assert error(db, "pay", "INV-000001", "--method", "card") == (
        "Invoice INV-000001 is void, so no payment can be recorded.")
    assert error(db, "void", "INV-000001").startswith("Only an unpaid invoice can be voided")
    # the void invoice is kept as issued; the next one takes the next number
    second = json.loads(ok(db, "invoice", str(demo), "--json", "--dev-hours", "0.2").output)
    assert second["number"] == "INV-000002"
    ok(db, "pay", "INV-000002", "--method", "paypal", "--reference", "PP-1")
    assert error(db, "pay", "INV-000002", "--method", "card").endswith(
        "is confirmed, so no payment can be recorded.")
    assert "already has invoice INV-000002 (confirmed)" in error(db, "invoice", str(demo))
    assert error(db, "pay", "INV-000404", "--method", "card") == "There is no invoice INV-000404."
    assert run(db, "pay", "INV-000002", "--method", "cash").exit_code != 0
    statuses = [(r["number"], r["status"]) for r in
                json.loads(ok(db, "invoices", "--json").output)["invoices"]]
    assert statuses == [("INV-000001", "void"), ("INV-000002", "paid")]


def test_exports(db: Path, tmp_path: Path) -> None:
    state = StateStore(db)
    mid = make_migration(state)
    demo = make_demo(state, mid, {"ticket": 2500, "contact": 500}, options={"add_tag": "x"})
    ok(db, "customer", "set", "--name", "Müller & <Söhne>", "--email", "m@ms.example",
       "--country", "DE", "--vat", "DE136695976", "--address", "Hauptstr. 1, Berlin")
    ok(db, "invoice", str(demo), "--plan", "premium")

    html_file = tmp_path / "inv.html"
    ok(db, "export", "INV-000001", "--format", "html", "-o", str(html_file))
    html = html_file.read_text(encoding="utf-8")
    for text in ("Invoice INV-000001", "Deskmigrate Services Ltd", "Müller &amp; &lt;Söhne&gt;",
                 "VAT DE136695976", "VAT 0% (reverse charge)", "Reverse charge: VAT to be "
                 "accounted for by the recipient",
                 "Pay by card or PayPal through the payment link, or by bank transfer."):
        assert text in html

    data = json.loads(ok(db, "export", "INV-000001", "--format", "json").output)
    assert data["number"] == "INV-000001" and data["seller"]["country"] == "IE"

    rows = list(csv.reader(io.StringIO(ok(db, "export", "INV-000001", "--format",
                                          "csv").output)))
    assert rows[0] == ["number", "description", "quantity", "unit_price", "amount"]
    # lines, minus discounts (negative rows), plus tax: the amounts column adds up to the total
    body = [Decimal(r[4]) for r in rows[1:-1] if r[1] != "Subtotal"]
    assert sum(body) == Decimal(rows[-1][4]) == Decimal(data["total"])
    assert rows[-1][1] == "Total USD"


def test_supplementary_invoice_and_usage(db: Path, small_path: Path) -> None:
    state = StateStore(db)
    mid = make_migration(state)
    demo = make_demo(state, mid, {"ticket": 10}, billing={"pricebook": str(small_path)})
    ok(db, "customer", "set", "--name", "A", "--email", "a@a.example", "--country", "IE",
       "--address", "1 Main Street")
    ok(db, "invoice", str(demo))  # 10 x 1.00 -> minimum 50.00 + 23% = 61.50
    ok(db, "pay", "INV-000001", "--method", "card")
    full = state.start_run(mid, "full", config={}, options={})
    migrate(state, mid, full, "full", "ticket", [str(i) for i in range(120)])
    assert error(db, "reconcile", str(full)) == (
        f"Full run {full} has not completed (running), so there is nothing to reconcile yet.")
    state.set_status(full, COMPLETED)
    # 120 found: 100 x 1.00 + 20 x 0.50 = 110.00 -> supplement: tier 1 +90 x 1.00 = 90.00,
    # tier 2 +20 x 0.50 = 10.00, minimum -40.00 -> 60.00; tax 23% 13.80 -> 73.80
    result = json.loads(ok(db, "reconcile", str(full), "--json").output)
    doc = result["document"]
    assert (doc["number"], doc["kind"], doc["status"]) == ("INV-000002", "supplementary", "open")
    assert [line["amount"] for line in doc["lines"]] == ["90.00", "10.00", "-40.00"]
    assert (doc["subtotal"], doc["tax"], doc["total"]) == ("60.00", "13.80", "73.80")
    assert "Nothing to reconcile" in ok(db, "reconcile", str(full)).output
    usage = json.loads(ok(db, "usage", str(mid), "--json").output)
    assert usage["records"] == {"ticket": 120}
    ok(db, "pay", "INV-000002", "--method", "card")
    assert error(db, "reconcile", str(demo)).startswith(f"Run {demo} is a demo run")
