"""Exact money: Decimal amounts, one rounding rule (ROUND_HALF_UP to the currency's minor
unit, once per line). Minor units come from Babel's CLDR data (USD 2, JPY 0, BHD 3)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache

from babel.numbers import get_currency_precision, list_currencies

ZERO = Decimal("0")


def dec(value: object) -> Decimal:
    """A Decimal from a price-book or user value (str, int or float; floats via ``str``)."""
    if isinstance(value, bool):
        raise ValueError("a boolean is not a number")
    if isinstance(value, float):
        value = str(value)
    try:
        result = Decimal(value)  # type: ignore[arg-type]
    except (InvalidOperation, TypeError) as exc:
        raise ValueError(f"{value!r} is not a number") from exc
    if not result.is_finite():
        raise ValueError(f"{value!r} is not a finite number")
    return result


def is_currency(code: str) -> bool:
    """Whether ``code`` is an ISO 4217 currency Babel knows."""
    return code.upper() in list_currencies()


@cache
def minor_unit(currency: str) -> Decimal:
    """The smallest amount of ``currency``: ``0.01`` for USD, ``1`` for JPY."""
    return Decimal(1).scaleb(-get_currency_precision(currency.upper()))


def rounded(value: Decimal, currency: str) -> Decimal:
    """Round to the currency's minor unit, half up (away from zero): the only rounding
    billing does, once per line."""
    result = value.quantize(minor_unit(currency), rounding=ROUND_HALF_UP)
    return abs(result) if result == 0 else result


def representable(value: Decimal, currency: str) -> bool:
    """Whether ``value`` is a whole number of the currency's minor unit."""
    return value == value.quantize(minor_unit(currency), rounding=ROUND_HALF_UP)


def money(value: Decimal, currency: str) -> str:
    """An amount with the currency's decimals: ``"12.30"`` in USD, ``"1230"`` in JPY."""
    return str(rounded(value, currency))


def unit(value: Decimal, currency: str) -> str:
    """A unit price: at least the currency's decimals, more when the price book has more
    (``"0.015"``)."""
    if value.as_tuple().exponent >= minor_unit(currency).as_tuple().exponent:  # type: ignore[operator]
        return money(value, currency)
    return format(value.normalize(), "f")


def qty(value: Decimal) -> str:
    """A quantity without trailing zeros (``"1000"``, ``"1.25"``)."""
    return format(value.normalize(), "f") if value != 0 else "0"
