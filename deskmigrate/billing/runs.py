"""Quotes from demo runs: read the run, resolve plan / promo / customer / price book, price it."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from deskmigrate.core import host
from deskmigrate.core.errors import DeskmigrateError
from deskmigrate.core.state import StateStore, now

from .customers import resolve_customer
from .money import ZERO, dec
from .pricebook import PriceBook, load_pricebook, pricebook_path
from .quotes import Priced, Pricing, billable_counts, price, unknown_counts
from .schema import ensure_schema


@dataclass(frozen=True)
class Quote:
    """A stored quote of a demo run."""

    id: int
    run_id: int
    migration_id: int
    book: PriceBook
    pricing: Pricing
    priced: Priced
    seats: dict[str, Any] | None = None  # the agent seats the demo measured (not priced)
    not_quoted: dict[str, int] = field(default_factory=dict)  # counted kinds no plugin knows

    def as_dict(self) -> dict[str, Any]:
        return {"quote_id": self.id, "run_id": self.run_id, "migration_id": self.migration_id,
                **self.priced.as_dict(), "seats": self.seats, "not_quoted": self.not_quoted}


def get_run(state: StateStore, run_id: int) -> dict[str, Any]:
    run = state.run(run_id)
    if run is None:
        raise DeskmigrateError(f"Run {run_id} does not exist.")
    return run


def root_run(state: StateStore, run_id: int) -> dict[str, Any]:
    """The run a chain of resumes started from (a resume's ``parent_run_id``)."""
    run = get_run(state, run_id)
    seen = {run_id}
    while run["mode"] == "resume" and run.get("parent_run_id") not in (None, *seen):
        seen.add(run["parent_run_id"])
        run = get_run(state, run["parent_run_id"])
    return run


def root_mode(state: StateStore, run_id: int) -> str:
    return str(root_run(state, run_id)["mode"])


def demo_run(state: StateStore, run_id: int) -> dict[str, Any]:
    """The demo run ``run_id`` with its counts; a one-sentence error otherwise."""
    run = get_run(state, run_id)
    if run["mode"] != "demo":
        raise DeskmigrateError(f"Run {run_id} is a {run['mode']} run: quotes and invoices are "
                               "made from demo runs.")
    if not run["counts"]:
        raise DeskmigrateError(f"Demo run {run_id} has not counted the source records yet.")
    return run


def billing_config(run: dict[str, Any]) -> dict[str, Any]:
    """The ``[billing]`` table of the config a run was started with."""
    table = (run.get("config") or {}).get("billing") or {}
    if not isinstance(table, dict):
        raise DeskmigrateError("The config's [billing] entry must be a table.")
    return table


def parse_hours(value: str | Decimal | None) -> Decimal:
    if value in (None, ""):
        return ZERO
    try:
        hours = dec(value)
    except ValueError:
        raise DeskmigrateError(f"Development hours must be a number, not {value!r}.") from None
    if hours < 0:
        raise DeskmigrateError("Development hours must not be negative.")
    return hours


def pricing_for_run(state: StateStore, run_id: int, *, plan: str | None = None,
                    promo_code: str | None = None, dev_hours: str | Decimal | None = None,
                    pricebook: str | None = None) -> tuple[PriceBook, Pricing]:
    """The price book and pricing inputs of demo run ``run_id``.

    Each argument left out comes from the run's config ``[billing]`` table, then the defaults
    (standard plan, no promo, the shipped price book).
    """
    run = demo_run(state, run_id)
    config = billing_config(run)
    migration = state.migration(run["migration_id"]) or {}
    book = load_pricebook(pricebook_path(pricebook, config))
    chosen = tuple(sorted(k for k, v in (run["options"] or {}).items() if v))
    pricing = Pricing(
        records=billable_counts(run["counts"], host.kinds().billable),
        source=migration.get("source_platform", ""),
        target=migration.get("target_platform", ""),
        options=chosen,
        plan=book.plan(plan or config.get("plan") or "standard").key,
        customer=resolve_customer(state, run.get("config") or {}),
        promo_code=(promo_code or config.get("promo_code") or None),
        dev_hours=parse_hours(dev_hours),
    )
    if pricing.promo_code:
        book.promo(pricing.promo_code)  # an unknown code is an error now, not at invoice time
    return book, pricing


def not_quoted(run: dict[str, Any]) -> dict[str, int]:
    """The kinds a demo counted that no installed plugin registers now (its plugin is not
    installed in this process), so whether they are billable is unknown: ``{kind: n}``."""
    kinds = host.kinds()
    known = {*kinds, *(child for spec in kinds.values() for child in spec.children)}
    return unknown_counts(run["counts"] or {}, known)


def not_quoted_note(missing: dict[str, int]) -> str:
    """The sentence a quote carries when :func:`not_quoted` found kinds."""
    many = len(missing) > 1
    counted = " and ".join(f"{n:,} {kind}" for kind, n in missing.items())
    return (f"Not quoted: the demo counted {counted} records, "
            f"{'kinds' if many else 'a kind'} no installed plugin registers (install the "
            f"plugin{'s' if many else ''} that add{'' if many else 's'} "
            f"{'them' if many else 'it'}, then quote again).")


def quote_demo(state: StateStore, run_id: int, **choices: Any) -> Quote:
    """Price demo run ``run_id`` and store the quote (see :func:`pricing_for_run`). Kinds
    the demo counted that no installed plugin registers are left out, and the quote's notes
    say so (:func:`not_quoted`)."""
    book, pricing = pricing_for_run(state, run_id, **choices)
    priced = price(book, pricing)
    run = get_run(state, run_id)
    missing = not_quoted(run)
    if missing:
        priced = replace(priced, notes=(*priced.notes, not_quoted_note(missing)))
    ensure_schema(state)
    with state.db.atomic():
        quote_id = state.db.table("quotes").insert({
            "run_id": run_id, "migration_id": run["migration_id"], "created_at": now(),
            "plan": pricing.plan, "promo_code": pricing.promo_code,
            "currency": priced.currency, "total": str(priced.total),
            "document": json.dumps({"pricing": pricing.as_dict(), **priced.as_dict()}),
        }).last_pk
    assert quote_id is not None  # a rowid table always reports the new row's key
    return Quote(quote_id, run_id, run["migration_id"], book, pricing, priced,
                 (run.get("config") or {}).get("seats"), missing)
