"""The customer being billed: from ``billing customer set`` or the config's ``[customer]``."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import pycountry

from deskmigrate.core.errors import ConfigError
from deskmigrate.core.state import StateStore, now

from .schema import ensure_schema
from .tax import check_vat_number


@dataclass(frozen=True)
class Customer:
    name: str
    email: str
    country: str
    vat_number: str = ""
    non_profit: bool = False
    address: str = ""  # postal address, required on invoices (EU VAT invoices name it)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def make_customer(name: str, email: str, country: str, vat_number: str = "",
                  non_profit: bool = False, address: str = "") -> Customer:
    """A validated customer; raises ConfigError with one sentence."""
    name, email, country = name.strip(), email.strip(), country.strip().upper()
    address = ", ".join(part.strip() for part in address.splitlines() if part.strip())
    if not name:
        raise ConfigError("The customer needs a name.")
    if not name.isprintable():
        raise ConfigError("The customer name must be one line of text.")
    local, _, domain = email.partition("@")
    if not local or not domain or "@" in domain or not email.isprintable() or " " in email:
        raise ConfigError(f"The customer email {email!r} is not an email address.")
    if len(country) != 2 or pycountry.countries.get(alpha_2=country) is None:
        raise ConfigError(f"The customer country must be an ISO 3166 two-letter code such as "
                          f"FR, not {country!r}.")
    return Customer(name, email, country, check_vat_number(country, vat_number), non_profit,
                    address)


CUSTOMER_KEYS = ("name", "email", "country", "vat_number", "vat", "non_profit", "address")


def customer_from_config(table: dict[str, Any]) -> Customer:
    """A customer from the config's ``[customer]`` table (``vat_number`` or ``vat``)."""
    unknown = sorted(set(table) - set(CUSTOMER_KEYS))
    if unknown:
        raise ConfigError(f"The [customer] table has an unknown key {unknown[0]!r}.")
    non_profit = table.get("non_profit", False)
    if not isinstance(non_profit, bool):
        raise ConfigError("The [customer] key non_profit must be true or false.")
    for key in sorted(set(table) - {"non_profit"}):
        if not isinstance(table[key], str):
            raise ConfigError(f"The [customer] key {key} must be text in quotes.")
    return make_customer(str(table.get("name", "")), str(table.get("email", "")),
                         str(table.get("country", "")),
                         str(table.get("vat_number", table.get("vat", "")) or ""), non_profit,
                         str(table.get("address", "")))


def save_customer(state: StateStore, customer: Customer) -> None:
    """Store the customer that invoices use when the config has no ``[customer]``."""
    ensure_schema(state)
    row = {"id": 1, **customer.as_dict(), "non_profit": int(customer.non_profit),
           "updated_at": now()}
    with state.db.atomic():
        state.db.table("customers").upsert(row, pk="id")


def stored_customer(state: StateStore) -> Customer | None:
    if "customers" not in state.db.table_names():
        return None  # a read creates nothing
    ensure_schema(state)
    rows = list(state.db.query("SELECT * FROM customers WHERE id=1"))
    if not rows:
        return None
    row = rows[0]
    return Customer(row["name"], row["email"], row["country"], row["vat_number"] or "",
                    bool(row["non_profit"]), row["address"] or "")


def resolve_customer(state: StateStore, config: dict[str, Any]) -> Customer | None:
    """The config's ``[customer]`` when it has one, else the stored customer, else None."""
    table = config.get("customer")
    if table:
        return customer_from_config(table)
    return stored_customer(state)
