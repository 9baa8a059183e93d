"""Issue 14, defects 6 and 7 - each line rounded once to the currency's minor unit (Babel:
cents for USD, whole yen for JPY), price books refusing amounts the currency cannot hold; the
price book in force from --pricebook, $DESKMIGRATE_PRICEBOOK or the config (a relative path
beside the config file) for quotes and gates alike."""

from __future__ import annotations

import tomllib
from decimal import Decimal
from pathlib import Path

import pytest
from billing_support import SMALL_BOOK, make_demo, make_migration

from deskmigrate.billing.customers import Customer
from deskmigrate.billing.gates import authorize
from deskmigrate.billing.pricebook import PriceBookError, load_pricebook, parse_pricebook
from deskmigrate.billing.quotes import Pricing, price
from deskmigrate.billing.runs import quote_demo
from deskmigrate.core.config import load
from deskmigrate.core.run import RunRequest
from deskmigrate.core.state import StateStore

YEN_BOOK = """
currency = "JPY"
[seller]
name = "Tokyo KK"
country = "JP"
[records]
minimum = "5000"
tiers = [{ up_to = 1000, price = "12.5" }, { price = "7.25" }]
[plans.standard]
[tax.rates]
JP = 10
"""


def test_zero_decimal_currency_has_no_fractions_of_a_yen() -> None:
    book = parse_pricebook(tomllib.loads(YEN_BOOK))
    customer = Customer("K", "k@k.example", "JP")
    doc = price(book, Pricing({"ticket": 1001}, "zendesk", "freshdesk",
                              customer=customer)).as_dict()
    # 1,000 x 12.5 = 12,500; 1 x 7.25 = 7.25 -> 7 (half up to the yen); 12,507; tax 10%
    # 1,250.7 -> 1,251; total 13,758
    assert [line["amount"] for line in doc["lines"]] == ["12500", "7"]
    assert (doc["subtotal"], doc["tax"], doc["total"]) == ("12507", "1251", "13758")
    assert doc["lines"][1]["unit_price"] == "7.25"  # unit prices keep their precision


@pytest.mark.parametrize(("change", "message"), [
    (('flat = "25.00"', 'flat = "29.005"'), "small.toml: options.add_tag.flat = 29.005 cannot "
     "be invoiced in USD, whose smallest unit is 0.01."),
    (('minimum = "200.00"', 'minimum = "49.995"'), "small.toml: plans.premium.minimum = "
     "49.995 cannot be invoiced in USD, whose smallest unit is 0.01."),
])
def test_check_refuses_amounts_the_currency_cannot_hold(change: tuple[str, str],
                                                        message: str) -> None:
    with pytest.raises(PriceBookError) as caught:
        parse_pricebook(tomllib.loads(SMALL_BOOK.replace(*change)), "small.toml")
    assert str(caught.value) == message
    yen = YEN_BOOK.replace('minimum = "5000"', 'minimum = "4999.5"')
    with pytest.raises(PriceBookError, match="smallest unit is 1."):
        parse_pricebook(tomllib.loads(yen), "yen.toml")


def test_sub_cent_unit_prices_print_lines_that_add_up(small) -> None:  # noqa: ANN001
    # inline_images 0.015 per ticket: 333 x 0.015 = 4.995 -> 5.00 (rounded once, half up);
    # tiers 100 x 1.00 + 233 x 0.50 = 216.50; subtotal 221.50 printed and summed alike
    doc = price(small, Pricing({"ticket": 333}, "zendesk", "freshdesk",
                               options=("inline_images",))).as_dict()
    assert [line["amount"] for line in doc["lines"]] == ["100.00", "116.50", "5.00"]
    assert sum(Decimal(line["amount"]) for line in doc["lines"]) == Decimal(doc["subtotal"])
    assert doc["subtotal"] == "221.50"


def test_env_pricebook_for_quotes_and_gates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                            ) -> None:
    state = StateStore(tmp_path / "s.sqlite")
    mid = make_migration(state)
    demo = make_demo(state, mid, {"ticket": 10})
    assert quote_demo(state, demo).priced.total == Decimal("39.00")  # default: 39.00 minimum
    book = tmp_path / "env.toml"
    book.write_text(SMALL_BOOK.replace("currency = \"USD\"", "currency = \"USD\"\n"
                                       "enforce = false"))
    monkeypatch.setenv("DESKMIGRATE_PRICEBOOK", str(book))
    # the small book's minimum is 50.00; enforcement off there: the gate has no opinion
    assert quote_demo(state, demo).priced.total == Decimal("50.00")
    request = RunRequest(mode="full", migration_id=mid, source_platform="zendesk",
                         target_platform="freshdesk", options={}, billing={}, state=state)
    assert authorize(request) is None
    monkeypatch.delenv("DESKMIGRATE_PRICEBOOK")
    assert not authorize(request).allowed  # the default book enforces: no paid invoice


def test_relative_pricebook_is_beside_the_config(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "prices.toml").write_text(SMALL_BOOK)
    (folder / "c.toml").write_text('[source]\nplatform = "zendesk"\nurl = "http://127.0.0.1:1"'
                                   '\n[target]\nplatform = "freshdesk"\nurl = '
                                   '"http://127.0.0.1:2"\n[billing]\npricebook = "prices.toml"\n')
    monkeypatch.chdir(tmp_path)  # not the config's folder
    config = load(folder / "c.toml")
    assert config.billing["pricebook"] == str(folder.resolve() / "prices.toml")
    assert load_pricebook(config.billing["pricebook"]).minimum == Decimal("50.00")
