"""Billing's own tables in the state database, created idempotently on first use.

Billing keeps its version in ``billing_meta`` (key ``schema_version``); core's
``PRAGMA user_version`` is left alone.
"""

from __future__ import annotations

from deskmigrate.core.state import StateStore
from deskmigrate.core.statefile import register_component

SCHEMA_VERSION = 1
register_component("billing_meta", SCHEMA_VERSION)  # a newer one is refused at open


def ensure_schema(state: StateStore) -> None:
    """Create billing's tables unless this database already has them."""
    db = state.db
    if "billing_meta" in db.table_names():
        row = db.execute("SELECT value FROM billing_meta WHERE key='schema_version'").fetchone()
        if row and int(row[0]) >= SCHEMA_VERSION:
            return
    with db.atomic():
        db["billing_meta"].create({"key": str, "value": str}, pk="key", if_not_exists=True)
        db["billing_counters"].create({"name": str, "value": int}, pk="name",
                                      if_not_exists=True)
        db["customers"].create(
            {"id": int, "name": str, "email": str, "country": str, "vat_number": str,
             "non_profit": int, "updated_at": str},
            pk="id", if_not_exists=True,
        )
        db["quotes"].create(
            {"id": int, "run_id": int, "migration_id": int, "created_at": str, "plan": str,
             "promo_code": str, "currency": str, "total": str, "document": str},
            pk="id", if_not_exists=True,
        )
        db["invoices"].create(
            {"id": int, "number": str, "kind": str, "status": str, "migration_id": int,
             "run_id": int, "quote_id": int, "refers_to": str, "currency": str, "plan": str,
             "customer": str, "inputs": str, "pricebook": str, "total": str, "document": str,
             "issued_at": str, "paid_at": str},
            pk="id", if_not_exists=True,
        )
        db["invoices"].create_index(["number"], unique=True, if_not_exists=True)
        db["invoices"].create_index(["migration_id"], if_not_exists=True)
        db["invoice_lines"].create(
            {"invoice_id": int, "position": int, "key": str, "description": str,
             "quantity": str, "unit_price": str, "amount": str},
            pk=("invoice_id", "position"), if_not_exists=True,
        )
        db["payments"].create(
            {"id": int, "invoice_id": int, "method": str, "amount": str, "currency": str,
             "reference": str, "paid_at": str},
            pk="id", if_not_exists=True,
        )
        db.execute("INSERT OR REPLACE INTO billing_meta VALUES ('schema_version', ?)",
                   [str(SCHEMA_VERSION)])


def next_number(state: StateStore, sequence: str) -> str:
    """The next number of a gap-free sequence, e.g. ``INV-000001`` (call inside a transaction)."""
    db = state.db
    db.execute("INSERT OR IGNORE INTO billing_counters VALUES (?, 0)", [sequence])
    db.execute("UPDATE billing_counters SET value = value + 1 WHERE name=?", [sequence])
    value = db.execute("SELECT value FROM billing_counters WHERE name=?", [sequence]).fetchone()[0]
    return f"{sequence}-{value:06d}"
