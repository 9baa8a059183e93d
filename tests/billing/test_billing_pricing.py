"""Issue 6 - "Price book ... graduated tiers per record count (like tax brackets) with a minimum
price; multiplier per source/target pair; option prices; plans ... scaling with record count;
tax rate by country with reverse charge; non-profit discount and promo codes, applied before
tax; custom development hours billed in 15-minute increments (rounded up)." and "Money:
Decimal everywhere, ONE rounding rule (ROUND_HALF_UP to cents at line level), lines add up
exactly."

Every amount below is worked out by hand in a comment, with the small price book of
conftest.py: tiers 1-100 at 1.00, 101-1,000 at 0.50, above 1,000 at 0.25; minimum 50.00.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from billing_support import small_book

from deskmigrate.billing.customers import Customer
from deskmigrate.billing.money import money, rounded, unit
from deskmigrate.billing.pricebook import PriceBook, PriceBookError, load_pricebook
from deskmigrate.billing.quotes import Pricing, price
from deskmigrate.billing.reconcile import difference
from deskmigrate.core import host

D = Decimal
IRISH = Customer("Dublin Co", "a@dublin.example", "IE")
FRENCH = Customer("Paris SA", "a@paris.example", "FR")
FRENCH_BUSINESS = Customer("Paris SA", "a@paris.example", "FR", "FR40303265045")
FRENCH_CHARITY = Customer("Restos", "a@restos.example", "FR", non_profit=True)


def priced(book: PriceBook, tickets: int, **kw: object):
    return price(book, Pricing({"ticket": tickets}, kw.pop("source", "zendesk"),
                               kw.pop("target", "freshdesk"), **kw))  # type: ignore[arg-type]


def amounts(result) -> list[str]:
    return [money(line.amount, "USD") for line in result.lines]


def test_graduated_tiers_across_boundaries(small: PriceBook) -> None:
    # 1,250 records: 100 x 1.00 = 100.00; 900 x 0.50 = 450.00; 250 x 0.25 = 62.50 -> 612.50
    result = priced(small, 1250)
    assert amounts(result) == ["100.00", "450.00", "62.50"]
    assert [line.quantity for line in result.lines] == [100, 900, 250]
    assert result.total == D("612.50")
    assert result.lines[1].description == "Records 101-1,000 at 0.50 each"


def test_tier_boundary_is_inclusive(small: PriceBook) -> None:
    # exactly 100 -> one line 100.00; 101 -> 100.00 + 1 x 0.50 = 100.50
    assert amounts(priced(small, 100)) == ["100.00"]
    assert priced(small, 101).total == D("100.50")


def test_graduated_not_proportional(small: PriceBook) -> None:
    # 2,000 records cost 100 + 450 + 1,000 x 0.25 = 800.00, not twice 1,000 (2 x 550.00)
    assert priced(small, 1000).total == D("550.00")
    assert priced(small, 2000).total == D("800.00")


def test_minimum_price(small: PriceBook) -> None:
    # 30 records: 30 x 1.00 = 30.00 < 50.00 -> a "minimum" line of 20.00, total 50.00
    result = priced(small, 30)
    assert amounts(result) == ["30.00", "20.00"]
    assert result.total == D("50.00")
    # no records at all: just the minimum
    assert amounts(priced(small, 0)) == ["50.00"]


def test_pair_multiplier(small: PriceBook) -> None:
    # jira_sm -> zendesk x1.5 on 612.50: adjustment 612.50 x 0.5 = 306.25 -> 918.75
    up = priced(small, 1250, source="jira_sm", target="zendesk")
    assert amounts(up)[-1] == "306.25" and up.total == D("918.75")
    # intercom -> zendesk x0.9: 612.50 x -0.1 = -61.25 -> 551.25
    down = priced(small, 1250, source="intercom", target="zendesk")
    assert amounts(down)[-1] == "-61.25" and down.total == D("551.25")
    # an unlisted pair uses default = 1.0: no adjustment line
    assert len(priced(small, 1250, source="zendesk", target="zendesk").lines) == 3


def test_minimum_applies_after_the_multiplier(small: PriceBook) -> None:
    # 52 records x 0.9: 52.00 - 5.20 = 46.80 < 50.00 -> minimum line 3.20, total 50.00
    result = priced(small, 52, source="intercom", target="zendesk")
    assert amounts(result) == ["52.00", "-5.20", "3.20"]
    assert result.total == D("50.00")


def test_options_flat_and_per_record(small: PriceBook) -> None:
    # 1,000 tickets = 550.00; add_tag flat 25.00; inline_images 1,000 x 0.015 = 15.00
    result = priced(small, 1000, options=("add_tag", "inline_images"))
    assert amounts(result)[-2:] == ["25.00", "15.00"]
    assert result.total == D("590.00")
    # an option the price book does not list is free (no line)
    assert priced(small, 1000, options=("skip_attachments",)).total == D("550.00")


def test_rounding_is_half_up_per_line(small: PriceBook) -> None:
    # inline images on 3 tickets: 3 x 0.015 = 0.045 -> 0.05 (half-even would give 0.04)
    result = priced(small, 3, options=("inline_images",))
    assert result.lines[-1].amount == D("0.05")
    assert rounded(D("0.125"), "USD") == D("0.13") and rounded(D("-0.135"), "USD") == D("-0.14")
    assert money(D("-0.001"), "USD") == "0.00"  # no negative zero
    assert unit(D("0.015"), "USD") == "0.015" and unit(D("2"), "USD") == "2.00"


def test_plan_percentage_with_its_floor(small: PriceBook) -> None:
    # premium on 612.50: 20% = 122.50 < 200.00 -> 200.00 (subtotal 812.50)
    assert priced(small, 1250, plan="premium").lines[-1].amount == D("200.00")
    # premium on 10,000 records: 100 + 450 + 9,000 x 0.25 = 2,800.00; 20% = 560.00 > 200
    assert priced(small, 10000, plan="premium").lines[-1].amount == D("560.00")
    # signature on 10,000: 30% of 2,800.00 = 840.00; on 1,250: 30% = 183.75 -> floor 500.00
    assert priced(small, 10000, plan="signature").lines[-1].amount == D("840.00")
    assert priced(small, 1250, plan="signature").total == D("1112.50")  # 612.50 + 500
    # the plan percentage is of the migration price, not of the options
    with_tag = priced(small, 10000, plan="premium", options=("add_tag",))
    assert with_tag.lines[-1].amount == D("560.00")
    # standard is free: no plan line
    assert len(priced(small, 1250, plan="standard").lines) == 3


def test_discounts_apply_before_tax(small: PriceBook) -> None:
    # 1,250 records = 612.50 for a French non-profit with promo TEN:
    # non-profit 10% of 612.50 = 61.25 -> 551.25; promo 10% of 551.25 = 55.125 -> 55.13
    # -> taxable 496.12; VAT 20% = 99.224 -> 99.22; total 496.12 + 99.22 = 595.34
    result = priced(small, 1250, customer=FRENCH_CHARITY, promo_code="ten")
    assert [money(d.amount, "USD") for d in result.discounts] == ["61.25", "55.13"]
    assert result.discount == D("116.38")
    assert result.tax == D("99.22")
    assert result.total == D("595.34")
    assert result.subtotal - result.discount + result.tax == result.total


def test_fixed_promo_never_exceeds_the_subtotal(small: PriceBook) -> None:
    # 612.50 - 50.00 = 562.50; on the 50.00 minimum: 50.00 off -> 0.00, never negative
    assert priced(small, 1250, promo_code="FIFTY").total == D("562.50")
    assert priced(small, 1, promo_code="FIFTY").total == D("0.00")


def test_unknown_promo_and_plan_are_one_sentence_errors(small: PriceBook) -> None:
    with pytest.raises(Exception, match="Promo code 'NOPE' is not in the price book."):
        priced(small, 10, promo_code="NOPE")
    with pytest.raises(Exception, match="Plan 'gold' is not in the price book"):
        priced(small, 10, plan="gold")


def test_vat_by_country(small: PriceBook) -> None:
    # 1,250 records = 612.50. Ireland (the seller's country) 23%: 140.875 -> 140.88
    irish = priced(small, 1250, customer=IRISH)
    assert (irish.tax, irish.total) == (D("140.88"), D("753.38"))
    # France 20%: 122.50 -> 735.00
    assert priced(small, 1250, customer=FRENCH).total == D("735.00")
    # a country the book does not list: the default, 0%
    assert priced(small, 1250, customer=Customer("NY", "a@ny.example", "US")).tax == 0
    # no customer yet: no tax, and a note saying so
    assert "Tax not included" in priced(small, 1250).notes[0]


def test_reverse_charge(small: PriceBook) -> None:
    # a French business with a VAT number, seller in Ireland: 0% tax, noted on the document
    result = priced(small, 1250, customer=FRENCH_BUSINESS)
    assert result.reverse_charge and result.tax == 0 and result.total == D("612.50")
    assert "Reverse charge" in result.notes[0]
    # an Irish business with a VAT number pays Irish VAT (same country as the seller)
    irish_business = Customer("Dublin Co", "a@dublin.example", "IE", "IE1234567T")
    assert priced(small, 1250, customer=irish_business).tax == D("140.88")


@pytest.mark.parametrize(("hours", "billed", "amount"), [
    ("1.1", "1.25", "125.00"),   # 66 min -> 5 quarters -> 1.25 h x 100.00
    ("2", "2", "200.00"),        # exactly 8 quarters
    ("0.01", "0.25", "25.00"),   # 0.6 min -> one quarter
    ("0.5", "0.5", "50.00"),
])
def test_custom_development_in_quarter_hours(small: PriceBook, hours: str, billed: str,
                                             amount: str) -> None:
    line = priced(small, 100, dev_hours=D(hours)).lines[-1]
    assert (line.quantity, line.unit_price, line.amount) == (D(billed), D("100.00"), D(amount))


def test_credit_note_difference(small: PriceBook) -> None:
    # invoiced 1,250 records for an Irish customer: 612.50 + 23% 140.88 = 753.38
    # migrated 1,240: 100 + 450 + 240 x 0.25 = 610.00 + 23% 140.30 = 750.30
    # credit: tier 3, -10 x 0.25 = -2.50; tax 140.30 - 140.88 = -0.58; total -3.08
    before = priced(small, 1250, customer=IRISH)
    after = priced(small, 1240, customer=IRISH)
    credit = difference(before, after, "Reconciles INV-1.")
    assert [(line.quantity, money(line.amount, "USD")) for line in credit.lines] == [(-10, "-2.50")]
    assert (credit.tax, credit.total) == (D("-0.58"), D("-3.08"))
    assert before.total + credit.total == after.total
    assert credit.records == {"ticket": -10}


def test_credit_note_across_a_tier_boundary(small: PriceBook) -> None:
    # invoiced 1,010 (100 + 450 + 10 x 0.25 = 552.50), migrated 990 (100 + 890 x 0.50 = 545.00)
    # tier 2: -10 x 0.50 = -5.00; tier 3: -10 x 0.25 = -2.50; total -7.50
    credit = difference(priced(small, 1010), priced(small, 990), "note")
    assert [money(line.amount, "USD") for line in credit.lines] == ["-5.00", "-2.50"]
    assert credit.total == D("-7.50")


def test_supplement_with_plan_and_discount(small: PriceBook) -> None:
    # premium, non-profit: invoiced 10,000 records: 2,800.00 + plan 560.00 = 3,360.00,
    #   -10% = 336.00 -> 3,024.00, VAT 20% 604.80 -> 3,628.80
    # migrated 10,400: 2,900.00 + plan 580.00 = 3,480.00, -348.00 -> 3,132.00 + 626.40 = 3,758.40
    # supplement: tier 3 +400 x 0.25 = 100.00; plan +20.00; discount +12.00; tax +21.60
    #   -> 100 + 20 - 12 + 21.60 = 129.60 = 3,758.40 - 3,628.80
    before = priced(small, 10000, plan="premium", customer=FRENCH_CHARITY)
    after = priced(small, 10400, plan="premium", customer=FRENCH_CHARITY)
    extra = difference(before, after, "note")
    assert [money(line.amount, "USD") for line in extra.lines] == ["100.00", "20.00"]
    assert (extra.discount, extra.tax, extra.total) == (D("12.00"), D("21.60"), D("129.60"))


PLUGIN_KIND = """
[records.prices]
macro = "0.125"
[options.macro_review]
per_record = "0.50"
kinds = ["macro"]
"""


def test_a_kind_priced_on_its_own_is_part_of_the_records_price() -> None:
    book = small_book(PLUGIN_KIND)
    priced = price(book, Pricing({"ticket": 100, "macro": 10}, "jira_sm", "zendesk",
                                 ("macro_review",), "premium"))
    assert [(line.key, line.quantity, line.amount) for line in priced.lines] == [
        ("tier:1", 100, D("100.00")),     # the tiers count tickets only: 100 x 1.00
        ("kind:macro", 10, D("1.25")),    # 10 x 0.125 = 1.25
        ("pair", 1, D("50.63")),          # (100.00 + 1.25) x (1.5 - 1) = 50.625 -> 50.63
        ("option:macro_review", 10, D("5.00")),  # 10 macros x 0.50
        ("plan", 1, D("200.00")),         # max(200.00, 151.88 x 20 % = 30.38)
    ]
    assert priced.total == D("356.88")    # 100.00 + 1.25 + 50.63 + 5.00 + 200.00, no tax


def test_a_billable_kind_without_a_price_is_never_priced_free(small: PriceBook) -> None:
    with pytest.raises(PriceBookError) as caught:
        price(small, Pricing({"ticket": 5, "macro": 1, "asset": 2}, "acme", "acme"))
    assert str(caught.value) == (
        "small.toml has no price for the billable record kinds 'macro' and 'asset': add "
        'records.prices.macro and records.prices.asset (a price per record, e.g. "0.10") or '
        "list them in records.kinds to count in the graduated tiers.")
    # a kind counted 0 needs no price: 5 tickets x 1.00 = 5.00, made up to the 50.00 minimum
    assert price(small, Pricing({"ticket": 5, "macro": 0}, "acme", "acme")).total == D("50.00")


def test_the_default_tiers_count_the_registered_billable_kinds() -> None:
    assert load_pricebook().tiered == host.kinds().billable  # deskmigrate's own: all tiered
    assert "field" not in load_pricebook().tiered
