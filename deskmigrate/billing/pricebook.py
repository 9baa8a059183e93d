"""The price book: a TOML file (a default ships as package data) parsed into a checked model.

Which record kinds are billable is the kinds registry's decision (``KindSpec.billable``); the
price book says what each costs: the kinds ``records.kinds`` lists (deskmigrate's own billable
kinds when left out) share the graduated tiers, and ``records.prices`` gives any other kind
(a plugin's) its own price per record. Every error is one sentence naming the file and the
key (:mod:`.tables`).
"""

from __future__ import annotations

import json
import os
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

from deskmigrate.core.builtin_kinds import KINDS

from .money import is_currency, minor_unit, representable
from .tables import PriceBookError, TableReader, country

TIERED_KINDS = tuple(spec.name for spec in KINDS if spec.billable)  # records.kinds by default
DEFAULT_NAME = "pricebook.toml (default)"
ENV = "DESKMIGRATE_PRICEBOOK"


@dataclass(frozen=True)
class Tier:
    """Records ``(previous up_to, up_to]`` cost ``price`` each; ``up_to`` None is open-ended."""

    up_to: int | None
    price: Decimal


@dataclass(frozen=True)
class OptionPrice:
    """A paid option: ``flat`` per migration, or ``per_record`` per counted record of ``kinds``."""

    name: str
    description: str
    flat: Decimal | None
    per_record: Decimal | None
    kinds: tuple[str, ...]


@dataclass(frozen=True)
class Plan:
    """A support plan: price = max(minimum, percent of the migration price) and what it allows."""

    key: str
    name: str
    percent: Decimal
    minimum: Decimal
    delta: bool
    interval: bool
    remigration_days: int
    remigrations: int | None  # re-migrations allowed in the window (None: no limit)
    delta_days: int  # delta runs allowed this many days after the full migration
    retention_days: int


@dataclass(frozen=True)
class Promo:
    """A promo code: ``percent`` off, or a fixed ``amount`` off (exactly one of them)."""

    code: str
    percent: Decimal | None
    amount: Decimal | None


@dataclass(frozen=True)
class Seller:
    name: str
    address: str
    country: str
    vat_number: str
    email: str
    bank: str  # bank details printed on invoices for transfers


@dataclass(frozen=True)
class PriceBook:
    currency: str
    enforce: bool
    payment_days: int  # an unpaid invoice is due this many days after issue
    seller: Seller
    minimum: Decimal
    tiers: tuple[Tier, ...]
    tiered: tuple[str, ...]  # the record kinds the tiers count
    kind_prices: dict[str, Decimal]  # a price per record of each other priced kind
    pair_default: Decimal
    pairs: dict[str, Decimal]
    options: dict[str, OptionPrice]
    plans: dict[str, Plan]
    tax_default: Decimal
    tax_rates: dict[str, Decimal]
    reverse_charge_note: str
    non_profit_percent: Decimal
    promo_codes: dict[str, Promo]
    hourly_rate: Decimal | None
    increment_minutes: int
    raw: dict[str, Any]
    source: str = DEFAULT_NAME  # where it was read from, for error sentences

    def unpriced(self, kinds: Iterable[str]) -> list[str]:
        """The ``kinds`` this price book has no price for, neither in the tiers nor its own."""
        return [k for k in kinds if k not in self.tiered and k not in self.kind_prices]

    def require_prices(self, kinds: Iterable[str]) -> None:
        """Refuse in one sentence billable ``kinds`` without a price (never priced free)."""
        missing = self.unpriced(kinds)
        if missing:
            plural = len(missing) > 1
            names = " and ".join(f"'{k}'" for k in missing)
            keys = " and ".join(f"records.prices.{k}" for k in missing)
            raise PriceBookError(
                f"{self.source} has no price for the billable record kind{'s' * plural} "
                f"{names}: add {keys} (a price per record, e.g. \"0.10\") or list "
                f"{'them' if plural else 'it'} in records.kinds to count in the graduated "
                "tiers.")

    def multiplier(self, source: str, target: str) -> Decimal:
        """The records-price multiplier of a source/target pair (``default`` when unlisted)."""
        return self.pairs.get(f"{source}->{target}", self.pair_default)

    def priced_option(self, name: str) -> bool:
        """Whether option ``name`` costs something (an unlisted option is free)."""
        option = self.options.get(name)
        return option is not None and bool(option.flat or option.per_record)

    def plan(self, key: str) -> Plan:
        try:
            return self.plans[key.lower()]
        except KeyError:
            names = ", ".join(self.plans)
            raise PriceBookError(f"Plan {key!r} is not in the price book (plans: {names}).") \
                from None

    def promo(self, code: str) -> Promo:
        try:
            return self.promo_codes[code.upper()]
        except KeyError:
            raise PriceBookError(f"Promo code {code!r} is not in the price book.") from None

    def snapshot(self) -> str:
        """The raw TOML data as JSON, stored with each invoice so it is never repriced."""
        return json.dumps(self.raw, sort_keys=True)


def _tiers(records: TableReader) -> tuple[Tier, ...]:
    raw = records.get("tiers", kind=list)
    if not raw:
        raise records.fail("tiers", "must list at least one tier")
    tiers: list[Tier] = []
    previous = 0
    for index, item in enumerate(raw):
        if not isinstance(item, dict):
            raise records.fail(f"tiers[{index}]", "must be a table such as "
                               "{ up_to = 1000, price = \"0.10\" }")
        tier = TableReader(records.source, item, f"records.tiers[{index}]")
        tier.allow("up_to", "price")
        up_to = tier.count("up_to", None)
        last = index == len(raw) - 1
        if up_to is None and not last:
            raise tier.fail("up_to", "is missing (only the last tier may be open-ended)")
        if up_to is not None and up_to <= previous:
            raise tier.fail("up_to", f"must be greater than {previous}")
        if up_to is not None and last:
            raise tier.fail("up_to", "must be left out in the last tier, which takes every "
                            "record above the others")
        tiers.append(Tier(up_to, tier.amount("price")))
        previous = up_to or previous
    return tuple(tiers)


def _kinds(records: TableReader) -> tuple[tuple[str, ...], dict[str, Decimal]]:
    """The kinds the tiers count and the per-record price of the others."""
    tiered = tuple(records.get("kinds", list(TIERED_KINDS), kind=list))
    for kind in tiered:
        if not isinstance(kind, str) or not kind:
            raise records.fail("kinds", f"must list record kind names, not {kind!r}")
    prices = records.sub("prices", {})
    both = [kind for kind in prices.table if kind in tiered]
    if both:
        raise prices.fail(both[0], "is also in records.kinds: price a kind in the tiers or "
                          "on its own, not both")
    return tiered, {kind: prices.amount(kind) for kind in prices.table}


def _options(root: TableReader, priced: tuple[str, ...]) -> dict[str, OptionPrice]:
    options = root.sub("options", {})
    out: dict[str, OptionPrice] = {}
    for name in options.table:
        opt = options.sub(name)
        opt.allow("description", "flat", "per_record", "kinds")
        if ("flat" in opt.table) == ("per_record" in opt.table):
            raise opt.fail("flat", "or per_record must be given, and not both")
        kinds = tuple(opt.get("kinds", ["ticket"], kind=list))
        for kind in kinds:
            if kind not in priced:
                raise opt.fail("kinds", f"lists {kind!r}, a record kind the price book does not "
                               "price (records.kinds, records.prices)")
        out[name] = OptionPrice(
            name=name, description=opt.get("description", name.replace("_", " ").capitalize(),
                                           kind=str),
            flat=opt.amount("flat") if "flat" in opt.table else None,
            per_record=opt.amount("per_record") if "per_record" in opt.table else None,
            kinds=kinds,
        )
    return out


def _plans(root: TableReader) -> dict[str, Plan]:
    plans = root.sub("plans")
    out: dict[str, Plan] = {}
    for key in plans.table:
        plan = plans.sub(key)
        plan.allow("name", "percent", "minimum", "delta", "delta_days", "interval",
                   "remigration_days", "remigrations", "retention_days")
        delta = plan.get("delta", False, kind=bool)
        remigration_days = plan.count("remigration_days", 0)
        delta_days = plan.count("delta_days", 10 if delta else 0)
        windows = max(remigration_days, delta_days)
        out[key.lower()] = Plan(
            key=key.lower(), name=plan.get("name", key.capitalize(), kind=str),
            percent=plan.percent("percent", 0), minimum=plan.amount("minimum", "0"),
            delta=delta, interval=plan.get("interval", False, kind=bool),
            remigration_days=remigration_days, remigrations=plan.count("remigrations", None),
            delta_days=delta_days, retention_days=plan.count("retention_days", windows),
        )
        if out[key.lower()].retention_days < windows:
            raise plan.fail("retention_days", f"must be at least {windows} (the data must "
                            "outlive the re-migration and delta windows)")
    if "standard" not in out:
        raise plans.fail("standard", "is missing (it is the plan a config gets by default)")
    return out


def _promos(discounts: TableReader) -> dict[str, Promo]:
    codes = discounts.sub("promo_codes", {})
    out: dict[str, Promo] = {}
    for code in codes.table:
        promo = codes.sub(code)
        promo.allow("percent", "amount")
        if ("percent" in promo.table) == ("amount" in promo.table):
            raise promo.fail("percent", "or amount must be given, and not both")
        out[code.upper()] = Promo(
            code=code.upper(),
            percent=promo.percent("percent") if "percent" in promo.table else None,
            amount=promo.amount("amount") if "amount" in promo.table else None,
        )
    return out


def parse_pricebook(raw: dict[str, Any], source: str = DEFAULT_NAME) -> PriceBook:
    """Check ``raw`` (parsed TOML) and build the model; raises PriceBookError."""
    root = TableReader(source, raw)
    root.allow("currency", "enforce", "payment_days", "seller", "records", "pairs", "options",
               "plans", "tax", "discounts", "custom_development")
    currency = root.get("currency", kind=str)
    if not is_currency(currency):
        raise root.fail("currency", f"must be an ISO 4217 currency code, not {currency!r}")
    seller = root.sub("seller")
    seller.allow("name", "address", "country", "vat_number", "email", "bank")
    records = root.sub("records")
    records.allow("minimum", "tiers", "kinds", "prices")
    tiered, kind_prices = _kinds(records)
    pairs = root.sub("pairs", {})
    tax = root.sub("tax", {})
    tax.allow("default", "reverse_charge_note", "rates")
    rates = tax.sub("rates", {})
    discounts = root.sub("discounts", {})
    discounts.allow("non_profit_percent", "promo_codes")
    dev = root.sub("custom_development", {})
    dev.allow("hourly_rate", "increment_minutes")
    increment = dev.count("increment_minutes", 15)
    if increment not in (3, 6, 12, 15, 30, 60):
        raise dev.fail("increment_minutes", "must be 3, 6, 12, 15, 30 or 60 (a whole number of "
                       "hundredths of an hour)")
    for pair in pairs.table:
        if pair != "default" and pair.count("->") != 1:
            raise pairs.fail(pair, "must be named \"source->target\"")
    book = PriceBook(
        currency=currency.upper(),
        enforce=root.get("enforce", True, kind=bool),
        payment_days=root.count("payment_days", 14),
        seller=Seller(
            name=seller.get("name", kind=str),
            address=seller.get("address", "", kind=str),
            country=country(seller, "country", seller.get("country", kind=str)),
            vat_number=seller.get("vat_number", "", kind=str),
            email=seller.get("email", "", kind=str),
            bank=seller.get("bank", "", kind=str),
        ),
        minimum=records.amount("minimum", "0"),
        tiers=_tiers(records),
        tiered=tiered,
        kind_prices=kind_prices,
        pair_default=pairs.amount("default", "1"),
        pairs={key: pairs.amount(key) for key in pairs.table if key != "default"},
        options=_options(root, (*tiered, *kind_prices)),
        plans=_plans(root),
        tax_default=tax.percent("default", 0),
        tax_rates={country(rates, c, c): rates.percent(c) for c in rates.table},
        reverse_charge_note=tax.get("reverse_charge_note", "Reverse charge: VAT to be "
                                    "accounted for by the recipient.", kind=str),
        non_profit_percent=discounts.percent("non_profit_percent", 0),
        promo_codes=_promos(discounts),
        hourly_rate=dev.amount("hourly_rate") if "hourly_rate" in dev.table else None,
        increment_minutes=increment,
        raw=raw,
        source=source,
    )
    _check_representable(root, book)
    return book


def _check_representable(root: TableReader, book: PriceBook) -> None:
    """Amounts printed as they are (flat prices, minimums, fixed promos) must be whole
    minor units of the currency: 29.005 USD or 0.5 JPY cannot be invoiced. Unit prices that
    are multiplied (tiers, per record, hourly) may be finer."""
    amounts = [("records.minimum", book.minimum)]
    amounts += [(f"options.{o.name}.flat", o.flat) for o in book.options.values()
                if o.flat is not None]
    amounts += [(f"plans.{p.key}.minimum", p.minimum) for p in book.plans.values()]
    amounts += [(f"discounts.promo_codes.{p.code}.amount", p.amount)
                for p in book.promo_codes.values() if p.amount is not None]
    for key, amount in amounts:
        if not representable(amount, book.currency):
            raise PriceBookError(f"{root.source}: {key} = {amount} cannot be invoiced in "
                                 f"{book.currency}, whose smallest unit is "
                                 f"{minor_unit(book.currency)}.")


def default_pricebook_text() -> str:
    """The TOML text of the price book shipped with deskmigrate."""
    return resources.files(__package__).joinpath("pricebook.toml").read_text(encoding="utf-8")


def pricebook_path(explicit: str | None, billing: dict[str, Any]) -> str | None:
    """Which price book is in force: ``--pricebook``, else ``$DESKMIGRATE_PRICEBOOK``, else
    the config's ``[billing] pricebook`` (already resolved against the config's folder),
    else None (the default book)."""
    return explicit or os.environ.get(ENV) or billing.get("pricebook") or None


def load_pricebook(path: str | Path | None = None) -> PriceBook:
    """The price book at ``path``, or the default one when ``path`` is empty."""
    if not path:
        return parse_pricebook(tomllib.loads(default_pricebook_text()))
    file = Path(path).expanduser()
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise PriceBookError(f"Cannot read the price book {file}: {exc.strerror}.") from None
    except UnicodeDecodeError:
        raise PriceBookError(f"The price book {file} is not UTF-8 text.") from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PriceBookError(f"{file.name} is not valid TOML ({exc}).") from None
    return parse_pricebook(raw, file.name)


def pricebook_from_snapshot(snapshot: str) -> PriceBook:
    """The price book an invoice was issued with (see :meth:`PriceBook.snapshot`)."""
    return parse_pricebook(json.loads(snapshot), "invoice price book")
