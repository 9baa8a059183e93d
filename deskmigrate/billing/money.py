"""Exact money: Decimal amounts, one rounding rule (ROUND_HALF_UP to the cent, per line)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


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


def cents(value: Decimal) -> Decimal:
    """Round to the cent, half up (away from zero): the only rounding billing does."""
    rounded = value.quantize(CENT, rounding=ROUND_HALF_UP)
    return abs(rounded) if rounded == 0 else rounded


def money(value: Decimal) -> str:
    """An amount as a string with exactly two decimals, e.g. ``"12.30"``."""
    return str(cents(value))


def unit(value: Decimal) -> str:
    """A unit price: at least two decimals, more when the price book has more (``"0.015"``)."""
    if value.as_tuple().exponent >= -2:  # type: ignore[operator]
        return money(value)
    return format(value.normalize(), "f")


def qty(value: Decimal) -> str:
    """A quantity without trailing zeros (``"1000"``, ``"1.25"``)."""
    return format(value.normalize(), "f") if value != 0 else "0"
