"""EU VAT: which rate applies, reverse charge, and the note that states the tax basis.

Member states come from python-stdnum's EU VAT module, country names from pycountry; the
rates are the price book's ``[tax.rates]`` (the default book lists all 27 standard rates).

* a business in another member state than the seller's, whose VAT number is valid and
  carries its own country's prefix (Greece: ``EL``), pays no VAT: reverse charge;
* any other EU customer pays the VAT of their member state (electronically supplied
  services are taxed where the customer is, Article 58 of Directive 2006/112/EC);
* customers outside the EU pay the rate the price book gives their country (else
  ``tax.default``).
"""

from __future__ import annotations

from decimal import Decimal

import pycountry
from stdnum.eu import vat as eu_vat

from deskmigrate.core.errors import ConfigError

from .money import ZERO, qty

EU_MEMBER_STATES = frozenset(c.upper() for c in eu_vat.MEMBER_STATES if c != "xi")
VAT_PREFIXES = {"GR": "EL"}  # where a VAT number's prefix is not the ISO country code
DIRECTIVE = "Council Directive 2006/112/EC"


def country_name(code: str) -> str:
    """``"FR"`` -> ``"France"``; raises ConfigError for a code that is not a country."""
    country = pycountry.countries.get(alpha_2=code.upper()) if len(code) == 2 else None
    if country is None:
        raise ConfigError(f"{code!r} is not an ISO 3166 two-letter country code, such as FR.")
    return str(getattr(country, "common_name", country.name))


def vat_prefix(country: str) -> str:
    return VAT_PREFIXES.get(country, country)


def check_vat_number(country: str, number: str) -> str:
    """The VAT number in compact form; for an EU country it must be valid (format and check
    digits, per country) and carry that country's prefix. Raises ConfigError."""
    compact = number.replace(" ", "").replace(".", "").replace("-", "").upper()
    if not compact:
        return ""
    if country not in EU_MEMBER_STATES:
        if not (len(compact) > 4 and compact.isalnum()):
            raise ConfigError(f"The VAT number {number!r} is not a tax number.")
        return compact
    prefix = vat_prefix(country)
    if not compact.startswith(prefix):
        raise ConfigError(f"The VAT number {compact} is not from {country_name(country)}: a "
                          f"customer in {country} has a VAT number starting with {prefix}.")
    if not eu_vat.is_valid(compact):
        raise ConfigError(f"The VAT number {compact} is not a valid VAT number of "
                          f"{country_name(country)} (wrong length, characters or check "
                          "digits).")
    return compact


def reverse_charge_applies(seller_country: str, country: str, vat_number: str) -> bool:
    """An EU business in another member state than the seller's, with a valid VAT number of
    its own country."""
    if not vat_number or country == seller_country:
        return False
    if seller_country not in EU_MEMBER_STATES or country not in EU_MEMBER_STATES:
        return False
    return vat_number.startswith(vat_prefix(country)) and bool(eu_vat.is_valid(vat_number))


def tax_basis(seller_country: str, rates: dict[str, Decimal], default: Decimal,
              reverse_note: str, country: str, vat_number: str
              ) -> tuple[Decimal, bool, str]:
    """(rate in percent, reverse charge?, the note stating the tax basis)."""
    name = country_name(country)
    if reverse_charge_applies(seller_country, country, vat_number):
        return ZERO, True, f"{reverse_note} Customer VAT number {vat_number} ({name})."
    in_eu = seller_country in EU_MEMBER_STATES
    if in_eu and country in EU_MEMBER_STATES:
        if country not in rates:
            raise ConfigError(f"The price book has no VAT rate for {country} ({name}), an EU "
                              "member state: add it under [tax.rates].")
        rate = rates[country]
        if country == seller_country:
            return rate, False, f"VAT {qty(rate)}% of {name}: seller and customer in {name}."
        return rate, False, (f"VAT {qty(rate)}% of {name}, the customer's member state "
                             f"(Article 58, {DIRECTIVE}: electronically supplied services).")
    rate = rates.get(country, default)
    if in_eu and rate == 0:
        return rate, False, (f"No EU VAT: the customer is in {name}, outside the EU "
                             f"(Articles 44 and 59, {DIRECTIVE}).")
    return rate, False, f"Tax {qty(rate)}% of {name}, the customer's country."
