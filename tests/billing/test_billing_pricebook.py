"""Issue 6 - "Price book (TOML; default shipped as package data; `deskmigrate billing pricebook
show [--json]` and `pricebook check FILE` validating it with one-sentence errors)"."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from billing_support import SMALL_BOOK
from click.testing import CliRunner

from deskmigrate.billing.cli import billing_group
from deskmigrate.billing.customers import Customer
from deskmigrate.billing.pricebook import PriceBookError, default_pricebook_text, load_pricebook
from deskmigrate.billing.quotes import Pricing, price
from deskmigrate.billing.reconcile import difference

DOCS = Path(__file__).resolve().parents[2] / "docs" / "billing.md"


def test_default_book_ships_the_documented_defaults() -> None:
    book = load_pricebook()
    assert book.currency == "USD" and book.enforce
    assert [(t.up_to, t.price) for t in book.tiers] == [
        (1000, Decimal("0.10")), (10000, Decimal("0.06")), (100000, Decimal("0.03")),
        (None, Decimal("0.015"))]
    assert book.minimum == Decimal("39.00")
    assert book.multiplier("zendesk", "freshdesk") == 1
    plans = book.plans
    assert (plans["standard"].percent, plans["standard"].minimum) == (0, 0)
    assert (plans["premium"].minimum, plans["premium"].remigration_days) == (200, 5)
    assert (plans["signature"].minimum, plans["signature"].remigration_days) == (500, 10)
    assert plans["signature"].delta and plans["signature"].interval
    assert not plans["premium"].delta and not plans["premium"].interval
    assert book.increment_minutes == 15


def test_worked_example_of_the_docs() -> None:
    # docs/billing.md, "Worked example": 4,013 records zendesk -> freshdesk, add_tag, Premium,
    # a French non-profit without VAT number:
    # 1,000 x 0.10 = 100.00; 3,013 x 0.06 = 180.78; add_tag 29.00; Premium max(200.00, 20% of
    # 280.78 = 56.16) = 200.00 -> subtotal 509.78; non-profit 15% = 76.467 -> 76.47;
    # taxable 433.31; VAT 20% = 86.662 -> 86.66; total 519.97
    counts = {"ticket": 2500, "contact": 1200, "company": 150, "agent": 25, "group": 5,
              "kb_article": 120, "kb_folder": 10, "kb_category": 3}
    result = price(load_pricebook(), Pricing(
        counts, "zendesk", "freshdesk", ("add_tag",), "premium",
        Customer("Restos", "a@restos.example", "FR", non_profit=True)))
    doc = result.as_dict()
    assert [line["amount"] for line in doc["lines"]] == ["100.00", "180.78", "29.00", "200.00"]
    assert (doc["subtotal"], doc["discount"], doc["tax"], doc["total"]) == (
        "509.78", "76.47", "86.66", "519.97")
    assert "519.97" in DOCS.read_text(encoding="utf-8")


def test_other_worked_examples_of_the_docs() -> None:
    book = load_pricebook()
    irish = Customer("Dublin Co", "a@dublin.example", "IE")
    # minimum: 250 records = 25.00 -> "Minimum price 39.00" line of 14.00
    small = price(book, Pricing({"ticket": 250}, "zendesk", "freshdesk"))
    assert [line.amount for line in small.lines] == [Decimal("25.00"), Decimal("14.00")]
    # 1 h 10 min of development -> 1.25 h x 120.00 = 150.00
    dev = price(book, Pricing({}, "zendesk", "freshdesk", dev_hours=Decimal(70) / 60))
    assert dev.lines[-1].amount == Decimal("150.00")
    # supplement: 9,950 invoiced (637.00 + 146.51 = 783.51), 10,050 migrated (641.50 + 147.55
    # = 789.05): tier 2 +50 x 0.06 = 3.00, tier 3 +50 x 0.03 = 1.50, tax +1.04, total 5.54
    before = price(book, Pricing({"ticket": 9950}, "zendesk", "freshdesk", customer=irish))
    after = price(book, Pricing({"ticket": 10050}, "zendesk", "freshdesk", customer=irish))
    assert (before.total, after.total) == (Decimal("783.51"), Decimal("789.05"))
    extra = difference(before, after, "note")
    assert [line.amount for line in extra.lines] == [Decimal("3.00"), Decimal("1.50")]
    assert (extra.tax, extra.total) == (Decimal("1.04"), Decimal("5.54"))


def _write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "prices.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize(("change", "message"), [
    (('price = "0.25"', 'price = "abc"'),
     "prices.toml: records.tiers[2].price must be an amount such as \"12.50\", not 'abc'."),
    (("up_to = 1000,", "up_to = 50,"), "prices.toml: records.tiers[1].up_to must be greater "
     "than 100."),
    (('{ price = "0.25" }', '{ up_to = 5000, price = "0.25" }'),
     "prices.toml: records.tiers[2].up_to must be left out in the last tier"),
    (('minimum = "50.00"', 'mininum = "50.00"'),
     "prices.toml: records.mininum is not a known key."),
    (("percent = 20", "percent = 120"),
     "prices.toml: plans.premium.percent must be a percentage between 0 and 100."),
    (('currency = "USD"', 'currency = "dollars"'),
     "prices.toml: currency must be an ISO 4217 currency code, not 'dollars'."),
    (('"jira_sm->zendesk" = "1.5"', '"jira_sm" = "1.5"'),
     'prices.toml: pairs.jira_sm must be named "source->target".'),
    (('flat = "25.00"', 'flat = "25.00"\nper_record = "0.1"'),
     "prices.toml: options.add_tag.flat or per_record must be given, and not both."),
    (("[plans.standard]", "[plans.basic]"), "prices.toml: plans.standard is missing"),
    (('FIFTY = { amount = "50.00" }', 'FIFTY = { amount = "-50.00" }'),
     "prices.toml: discounts.promo_codes.FIFTY.amount must not be negative."),
    (('country = "IE"', 'country = "Ireland"'),
     "prices.toml: seller.country must be a two-letter country code, not 'Ireland'."),
    (("[tax]", "tax = 3\n[taxes]"), "prices.toml: taxes is not a known key."),
    (('minimum = "50.00"', 'minimum = "50.00"\nkinds = ["ticket", 7]'),
     "prices.toml: records.kinds must list record kind names, not 7."),
    (("[pairs]", '[records.prices]\nticket = "0.50"\n[pairs]'),
     "prices.toml: records.prices.ticket is also in records.kinds: price a kind in the tiers "
     "or on its own, not both."),
    (('kinds = ["ticket"]', 'kinds = ["macro"]'),
     "prices.toml: options.inline_images.kinds lists 'macro', a record kind the price book "
     "does not price (records.kinds, records.prices)."),
])
def test_check_gives_one_sentence(tmp_path: Path, change: tuple[str, str], message: str) -> None:
    assert change[0] in SMALL_BOOK
    path = _write(tmp_path, SMALL_BOOK.replace(*change))
    with pytest.raises(PriceBookError) as caught:
        load_pricebook(path)
    assert str(caught.value).startswith(message)
    assert str(caught.value).count(". ") == 0 and str(caught.value).endswith(".")


def test_check_cli(tmp_path: Path) -> None:
    runner = CliRunner()
    good = runner.invoke(billing_group, ["pricebook", "check", _write(tmp_path, SMALL_BOOK)],
                         obj={"db": str(tmp_path / "s.db")})
    assert good.exit_code == 0, good.output
    assert "prices.toml is a valid price book (USD, 3 tiers, 3 plans)." in good.output
    bad = runner.invoke(billing_group, ["pricebook", "check", _write(tmp_path, "x = [")],
                        obj={"db": None})
    assert bad.exit_code != 0
    assert "prices.toml is not valid TOML" in str(bad.exception)
    missing = runner.invoke(billing_group, ["pricebook", "check", str(tmp_path / "no.toml")])
    assert "Cannot read the price book" in str(missing.exception)


def test_default_book_checks_and_shows(tmp_path: Path) -> None:
    path = _write(tmp_path, default_pricebook_text())
    runner = CliRunner()
    assert runner.invoke(billing_group, ["pricebook", "check", path]).exit_code == 0
    shown = runner.invoke(billing_group, ["pricebook", "show"], obj={"db": None})
    assert shown.exit_code == 0, shown.output
    assert "1,001-10,000" in shown.output and "Signature" in shown.output
    as_json = runner.invoke(billing_group, ["pricebook", "show", "--json"])
    data = json.loads(as_json.output)
    assert data["records"]["tiers"][0] == {"up_to": 1000, "price": "0.10"}
    assert data["plans"]["signature"]["remigration_days"] == 10


def test_group_option_selects_the_book(tmp_path: Path) -> None:
    path = _write(tmp_path, SMALL_BOOK)
    shown = CliRunner().invoke(billing_group, ["--pricebook", path, "pricebook", "show",
                                               "--json"])
    assert json.loads(shown.output)["records"]["minimum"] == "50.00"
