"""Issue 14, defect 5 - EU VAT: every member state's standard rate, reverse charge only for an
EU business in another member state with a valid VAT number of its own country, a note stating
the tax basis on every document, and a credit note for the VAT of a customer who gives a VAT
number after paying. Default price book, seller in Ireland."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from billing_support import make_demo, make_migration

from deskmigrate.billing.customers import Customer, make_customer, save_customer
from deskmigrate.billing.invoices import issue_invoice, pay_invoice
from deskmigrate.billing.pricebook import load_pricebook
from deskmigrate.billing.quotes import Pricing, price
from deskmigrate.billing.tax import EU_MEMBER_STATES
from deskmigrate.billing.upgrades import refund_vat
from deskmigrate.core.errors import ConfigError, DeskmigrateError
from deskmigrate.core.state import StateStore

BOOK = load_pricebook()
RECORDS = {"ticket": 1000, "contact": 200}  # 1,000 x 0.10 + 200 x 0.06 = 112.00, Standard
ADDRESS = "1 Main Street"


def quote(country: str, vat: str = ""):
    customer = Customer("C", "c@c.example", country, vat, address=ADDRESS)
    return price(BOOK, Pricing(RECORDS, "zendesk", "freshdesk", customer=customer))


def test_all_27_member_states_have_their_standard_rate() -> None:
    assert len(EU_MEMBER_STATES) == 27 and set(BOOK.tax_rates) >= EU_MEMBER_STATES
    austria, poland, finland = quote("AT"), quote("PL"), quote("FI")
    # 112.00 x 20% = 22.40 (Austria); x 23% = 25.76 (Poland); x 25.5% = 28.56 (Finland)
    assert (austria.tax, austria.total) == (Decimal("22.40"), Decimal("134.40"))
    assert (poland.tax, poland.total) == (Decimal("25.76"), Decimal("137.76"))
    assert finland.tax == Decimal("28.56")
    assert austria.notes == ("VAT 20% of Austria, the customer's member state (Article 58, "
                             "Council Directive 2006/112/EC: electronically supplied "
                             "services).",)
    assert quote("IE").notes == ("VAT 23% of Ireland: seller and customer in Ireland.",)
    for country in EU_MEMBER_STATES:  # a note on every document
        assert quote(country).notes and not quote(country).reverse_charge


def test_reverse_charge_only_for_a_valid_number_of_another_member_state() -> None:
    french = quote("FR", "FR40303265045")
    assert (french.reverse_charge, french.tax, french.total) == (True, 0, Decimal("112.00"))
    assert french.notes[0].startswith("Reverse charge: VAT to be accounted for by the "
                                      "recipient (Article 196")
    assert "FR40303265045 (France)" in french.notes[0]
    assert quote("GR", "EL094259216").reverse_charge  # Greece's VAT numbers start with EL
    irish = quote("IE", "IE6388047V")  # the seller's own country: Irish VAT, 23% = 25.76
    assert (irish.reverse_charge, irish.tax) == (False, Decimal("25.76"))
    # a French customer with an Irish number (stored before validation): French VAT 22.40
    assert (quote("FR", "IE6388047V").reverse_charge, quote("FR", "IE6388047V").tax) == (
        False, Decimal("22.40"))
    for country, vat in (("US", "US123456789"), ("GB", "GB980780684"), ("CH", "CHE123456789")):
        assert not quote(country, vat).reverse_charge
    # GB: the book's 20% = 22.40; US 0% and Switzerland (default 0%) say why there is none
    assert quote("GB", "GB980780684").tax == Decimal("22.40")
    assert quote("US").notes == ("No EU VAT: the customer is in United States, outside the "
                                 "EU (Articles 44 and 59, Council Directive 2006/112/EC).",)


@pytest.mark.parametrize(("country", "vat", "message"), [
    ("FR", "IE6388047V", "The VAT number IE6388047V is not from France: a customer in FR has "
     "a VAT number starting with FR."),
    ("FR", "FR12345678901", "The VAT number FR12345678901 is not a valid VAT number of "
     "France (wrong length, characters or check digits)."),
    ("GR", "GR094259216", "The VAT number GR094259216 is not from Greece: a customer in GR "
     "has a VAT number starting with EL."),
])
def test_a_wrong_vat_number_is_one_sentence(country: str, vat: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        make_customer("C", "c@c.example", country, vat)
    assert str(caught.value) == message


def test_an_eu_country_without_a_rate_is_refused(small) -> None:  # noqa: ANN001
    customer = Customer("C", "c@c.example", "AT")
    with pytest.raises(ConfigError, match="no VAT rate for AT \\(Austria\\)"):
        price(small, Pricing({"ticket": 10}, "zendesk", "freshdesk", customer=customer))


def test_vat_number_given_after_paying_gets_a_credit_note(tmp_path: Path) -> None:
    state = StateStore(tmp_path / "vat.sqlite")
    save_customer(state, make_customer("Paris SA", "a@paris.example", "FR", address=ADDRESS))
    demo = make_demo(state, make_migration(state), RECORDS)
    invoice = issue_invoice(state, demo)  # 112.00 + French VAT 20% 22.40 = 134.40
    assert invoice.total == "134.40"
    with pytest.raises(DeskmigrateError, match="is unpaid"):
        refund_vat(state, invoice.number, "FR40303265045")
    pay_invoice(state, invoice.number, "card")
    with pytest.raises(ConfigError, match="is not from France"):
        refund_vat(state, invoice.number, "IE6388047V")
    credit = refund_vat(state, invoice.number, "FR 403 032 650 45").as_dict()
    # no line changes; the VAT paid comes back: tax -22.40, total -22.40
    assert (credit["number"], credit["kind"], credit["refers_to"]) == (
        "CN-000001", "credit_note", invoice.number)
    assert (credit["lines"], credit["subtotal"], credit["tax"], credit["total"]) == (
        [], "0.00", "-22.40", "-22.40")
    assert credit["reverse_charge"] and credit["customer"]["vat_number"] == "FR40303265045"
    with pytest.raises(DeskmigrateError, match="charged no VAT"):
        refund_vat(state, invoice.number, "FR40303265045")  # never twice
