"""Reading a price book's TOML tables, every problem one sentence naming the file and the
key, e.g. ``prices.toml: records.tiers[2].up_to must be greater than 1000.``"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from deskmigrate.core.errors import ConfigError

from .money import dec


class PriceBookError(ConfigError):
    """The price book is missing, unreadable or invalid."""


class TableReader:
    """Reads one TOML table, turning every problem into a one-sentence PriceBookError."""

    def __init__(self, source: str, table: dict[str, Any], path: str = "") -> None:
        self.source, self.table, self.path = source, table, path

    def fail(self, key: str, problem: str) -> PriceBookError:
        where = f"{self.path}.{key}" if self.path else key
        return PriceBookError(f"{self.source}: {where} {problem}.")

    def allow(self, *keys: str) -> None:
        for key in self.table:
            if key not in keys:
                raise self.fail(key, "is not a known key")

    def get(self, key: str, default: Any = ..., *, kind: type | tuple[type, ...]) -> Any:
        if key not in self.table:
            if default is ...:
                raise self.fail(key, "is missing")
            return default
        value = self.table[key]
        if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
            names = kind.__name__ if isinstance(kind, type) else " or ".join(
                k.__name__ for k in kind)
            raise self.fail(key, f"must be a {names.replace('str', 'string')}")
        return value

    def sub(self, key: str, default: Any = ...) -> TableReader:
        table = self.get(key, {} if default is ... else default, kind=dict)
        return TableReader(self.source, table, f"{self.path}.{key}" if self.path else key)

    def amount(self, key: str, default: Any = ...) -> Decimal:
        value = self.get(key, default, kind=(str, int, float))
        try:
            result = dec(value)
        except ValueError:
            raise self.fail(key, f"must be an amount such as \"12.50\", not {value!r}") from None
        if result < 0:
            raise self.fail(key, "must not be negative")
        return result

    def percent(self, key: str, default: Any = ...) -> Decimal:
        result = self.amount(key, default)
        if result > 100:
            raise self.fail(key, "must be a percentage between 0 and 100")
        return result

    def count(self, key: str, default: Any = ...) -> Any:
        value = self.get(key, default, kind=int)
        if value is not None and value < 0:
            raise self.fail(key, "must not be negative")
        return value


def country(reader: TableReader, key: str, value: str) -> str:
    """``value`` as an upper-case two-letter country code, or a one-sentence error."""
    if len(value) != 2 or not value.isalpha():
        raise reader.fail(key, f"must be a two-letter country code, not {value!r}")
    return value.upper()
