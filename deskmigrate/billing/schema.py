"""Billing's own tables in the state database, created idempotently on first use.

Billing writes inside the store's ``state.transaction()`` (``BEGIN IMMEDIATE``, retried while
another process writes), re-checking each transition there, with plain SQL (sqlite-utils'
insert commits on its own): parallel commands never issue or pay a document twice.

Billing keeps its version in ``billing_meta`` (key ``schema_version``); core's
``PRAGMA user_version`` is left alone.
"""

from __future__ import annotations

from deskmigrate.core.state import StateStore
from deskmigrate.core.statefile import register_component

SCHEMA_VERSION = 2
register_component("billing_meta", SCHEMA_VERSION)  # a newer one is refused at open


def ensure_schema(state: StateStore) -> None:
    """Create or upgrade billing's tables unless this database already has them."""
    db = state.db
    if "billing_meta" in db.table_names():
        row = db.execute("SELECT value FROM billing_meta WHERE key='schema_version'").fetchone()
        if row and int(row[0]) >= SCHEMA_VERSION:
            return
    with state.transaction():
        row = db.execute("SELECT value FROM billing_meta WHERE key='schema_version'").fetchone() \
            if "billing_meta" in db.table_names() else None
        if row and int(row[0]) >= SCHEMA_VERSION:
            return  # another process upgraded it meanwhile
        db.execute("CREATE TABLE IF NOT EXISTS billing_meta (key TEXT PRIMARY KEY, value TEXT)")
        db.execute("CREATE TABLE IF NOT EXISTS billing_counters (name TEXT PRIMARY KEY, "
                   "value INTEGER)")
        db.execute("CREATE TABLE IF NOT EXISTS customers (id INTEGER PRIMARY KEY, name TEXT, "
                   "email TEXT, country TEXT, vat_number TEXT, non_profit INTEGER, "
                   "updated_at TEXT, address TEXT)")
        if "address" not in {c[1] for c in db.execute("PRAGMA table_info(customers)")}:
            db.execute("ALTER TABLE customers ADD COLUMN address TEXT")
        db.execute("CREATE TABLE IF NOT EXISTS quotes (id INTEGER PRIMARY KEY, run_id INTEGER, "
                   "migration_id INTEGER, created_at TEXT, plan TEXT, promo_code TEXT, "
                   "currency TEXT, total TEXT, document TEXT)")
        db.execute("CREATE TABLE IF NOT EXISTS invoices (id INTEGER PRIMARY KEY, number TEXT, "
                   "kind TEXT, status TEXT, migration_id INTEGER, run_id INTEGER, "
                   "quote_id INTEGER, refers_to TEXT, currency TEXT, plan TEXT, customer TEXT, "
                   "inputs TEXT, pricebook TEXT, total TEXT, document TEXT, issued_at TEXT, "
                   "paid_at TEXT)")
        db.execute("CREATE UNIQUE INDEX IF NOT EXISTS idx_invoices_number ON invoices (number)")
        db.execute("CREATE INDEX IF NOT EXISTS idx_invoices_migration_id ON invoices "
                   "(migration_id)")
        db.execute("CREATE TABLE IF NOT EXISTS invoice_lines (invoice_id INTEGER, "
                   "position INTEGER, key TEXT, description TEXT, quantity TEXT, "
                   "unit_price TEXT, amount TEXT, PRIMARY KEY (invoice_id, position))")
        db.execute("CREATE TABLE IF NOT EXISTS payments (id INTEGER PRIMARY KEY, "
                   "invoice_id INTEGER UNIQUE, method TEXT, amount TEXT, currency TEXT, "
                   "reference TEXT, paid_at TEXT)")
        db.execute("INSERT OR REPLACE INTO billing_meta VALUES ('schema_version', ?)",
                   [str(SCHEMA_VERSION)])


def next_number(state: StateStore, sequence: str) -> str:
    """The next number of a gap-free sequence, e.g. ``INV-000001`` (call inside a
    ``state.transaction()``)."""
    db = state.db
    db.execute("INSERT OR IGNORE INTO billing_counters VALUES (?, 0)", [sequence])
    db.execute("UPDATE billing_counters SET value = value + 1 WHERE name=?", [sequence])
    value = db.execute("SELECT value FROM billing_counters WHERE name=?", [sequence]).fetchone()[0]
    return f"{sequence}-{value:06d}"
