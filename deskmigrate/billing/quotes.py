"""Pricing: from counted records, options, plan, customer and discounts to exact lines.

Rules (docs/billing.md has worked examples):

* records price: graduated tiers over the total of the billable records of the tiered kinds
  (``records.kinds``), one line per tier, plus one line per kind with its own price per
  record (``records.prices``, a plugin's kind); a billable kind with neither is refused;
* pair multiplier: one adjustment line, ``records price x (multiplier - 1)``;
* minimum: when the records price (after the multiplier) is below it, a line makes up the rest;
* options: ``flat`` once, or ``per_record`` x the counted records of the option's kinds;
* plan: ``max(plan minimum, percent x migration price)`` (migration price = records price
  after multiplier and minimum, without options);
* custom development: hours rounded up to the increment, x the hourly rate;
* discounts off the subtotal before tax: non-profit percentage first, then the promo code;
* tax on what remains, at the customer's country rate, 0 % under reverse charge.

Every amount is rounded once, half up to the currency's minor unit (Babel: cents for USD, whole
yen for JPY), where it is computed.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .customers import Customer
from .money import ZERO, money, qty, rounded, unit
from .pricebook import PriceBook, PriceBookError
from .tax import tax_basis


@dataclass(frozen=True)
class Line:
    key: str  # stable per price-book entry ("tier:2", "plan", "option:add_tag"...)
    description: str
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal

    def as_dict(self, currency: str) -> dict[str, str]:
        return {"description": self.description, "quantity": qty(self.quantity),
                "unit_price": unit(self.unit_price, currency),
                "amount": money(self.amount, currency)}


@dataclass(frozen=True)
class Discount:
    key: str  # "non_profit" or "promo"
    description: str
    amount: Decimal  # taken off the subtotal (negative on a credit note)


@dataclass(frozen=True)
class Pricing:
    """Everything a price depends on besides the price book."""

    records: dict[str, int]
    source: str
    target: str
    options: tuple[str, ...] = ()
    plan: str = "standard"
    customer: Customer | None = None
    promo_code: str | None = None
    dev_hours: Decimal = ZERO

    def with_records(self, records: Mapping[str, int]) -> Pricing:
        """The same choices for other counts (already billable ones: metered actuals)."""
        return Pricing({k: n for k, n in records.items() if n}, self.source, self.target,
                       self.options, self.plan, self.customer, self.promo_code, self.dev_hours)

    def as_dict(self) -> dict[str, Any]:
        return {"records": self.records, "source": self.source, "target": self.target,
                "options": list(self.options), "plan": self.plan,
                "customer": self.customer.as_dict() if self.customer else None,
                "promo_code": self.promo_code, "dev_hours": str(self.dev_hours)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Pricing:
        customer = Customer(**data["customer"]) if data.get("customer") else None
        return cls(data["records"], data["source"], data["target"], tuple(data["options"]),
                   data["plan"], customer, data["promo_code"], Decimal(data["dev_hours"]))


@dataclass(frozen=True)
class Priced:
    """A priced document body: lines - discount + tax = total, to the cent."""

    currency: str
    plan: str
    plan_name: str
    records: dict[str, int]
    lines: tuple[Line, ...]
    discounts: tuple[Discount, ...]
    tax_rate: Decimal
    tax: Decimal
    reverse_charge: bool
    notes: tuple[str, ...] = field(default=())

    @property
    def subtotal(self) -> Decimal:
        return sum((line.amount for line in self.lines), ZERO)

    @property
    def discount(self) -> Decimal:
        return sum((d.amount for d in self.discounts), ZERO)

    @property
    def total(self) -> Decimal:
        return self.subtotal - self.discount + self.tax

    def as_dict(self) -> dict[str, Any]:
        cur = self.currency
        return {
            "currency": cur, "plan": self.plan, "plan_name": self.plan_name,
            "records": dict(self.records),
            "lines": [line.as_dict(cur) for line in self.lines],
            "subtotal": money(self.subtotal, cur),
            "discounts": [{"description": d.description, "amount": money(d.amount, cur)}
                          for d in self.discounts],
            "discount": money(self.discount, cur), "tax_rate": qty(self.tax_rate),
            "tax": money(self.tax, cur), "reverse_charge": self.reverse_charge,
            "notes": list(self.notes), "total": money(self.total, cur),
        }


def _count(value: Any) -> int:
    """A run's count of one kind: ``n`` or ``{"total": n}``."""
    if isinstance(value, Mapping):
        value = value.get("total")
    return int(value or 0)


def billable_counts(counts: Mapping[str, Any], billable: Iterable[str]) -> dict[str, int]:
    """The ``billable`` kinds (the registry's) of a run's counts (``{kind: n}`` or
    ``{kind: {"total": n}}``), in the order of ``billable``."""
    return {kind: n for kind in billable if (n := _count(counts.get(kind)))}


def unknown_counts(counts: Mapping[str, Any], known: Iterable[str]) -> dict[str, int]:
    """The counted kinds that are not in ``known`` (no installed plugin registers them, so
    whether they are billable is unknown), with their counts."""
    names = set(known)
    return {kind: n for kind, value in sorted(counts.items())
            if kind not in names and (n := _count(value))}


def _grouped(n: int) -> str:
    return f"{n:,}"


def tier_lines(book: PriceBook, records: int) -> list[Line]:
    """One line per tier that holds records, like tax brackets."""
    lines: list[Line] = []
    lower, cur = 0, book.currency
    for index, tier in enumerate(book.tiers, start=1):
        upper = tier.up_to if tier.up_to is not None else max(records, lower)
        quantity = max(0, min(records, upper) - lower)
        if tier.up_to is None:
            label = f"Records above {_grouped(lower)}"
        else:
            label = f"Records {_grouped(lower + 1)}-{_grouped(tier.up_to)}"
        if quantity:
            lines.append(Line(f"tier:{index}", f"{label} at {unit(tier.price, cur)} each",
                              Decimal(quantity), tier.price, rounded(quantity * tier.price, cur)))
        lower = upper
    return lines


def kind_lines(book: PriceBook, records: Mapping[str, int]) -> list[Line]:
    """One line per counted kind priced on its own (``records.prices``)."""
    cur = book.currency
    return [Line(f"kind:{kind}", f"{kind.replace('_', ' ').capitalize()} records at "
                 f"{unit(book.kind_prices[kind], cur)} each", Decimal(n),
                 book.kind_prices[kind], rounded(n * book.kind_prices[kind], cur))
            for kind, n in records.items() if n and kind in book.kind_prices]


def _flat(key: str, description: str, amount: Decimal, currency: str) -> Line:
    return Line(key, description, Decimal(1), amount, rounded(amount, currency))


def billed_hours(book: PriceBook, hours: Decimal) -> Decimal:
    """Hours rounded up to the price book's increment (15 minutes: 1.1 h -> 1.25 h)."""
    increments = math.ceil(hours * 60 / book.increment_minutes)
    return Decimal(increments * book.increment_minutes) / 60


def _option_lines(book: PriceBook, pricing: Pricing) -> list[Line]:
    lines: list[Line] = []
    for name in pricing.options:
        option = book.options.get(name)
        if option is None:
            continue  # an option the price book does not list is free
        if option.flat is not None:
            lines.append(_flat(f"option:{name}", option.description, option.flat,
                               book.currency))
        else:
            per = option.per_record or ZERO
            n = sum(pricing.records.get(kind, 0) for kind in option.kinds)
            kinds = ", ".join(k.replace("_", " ") for k in option.kinds)
            lines.append(Line(f"option:{name}", f"{option.description} (per {kinds})",
                              Decimal(n), per, rounded(n * per, book.currency)))
    return lines


def _discounts(book: PriceBook, pricing: Pricing, subtotal: Decimal) -> list[Discount]:
    out: list[Discount] = []
    remaining = subtotal
    customer = pricing.customer
    if customer and customer.non_profit and book.non_profit_percent:
        pct = book.non_profit_percent
        amount = rounded(remaining * pct / 100, book.currency)
        out.append(Discount("non_profit", f"Non-profit discount {qty(pct)}%", amount))
        remaining -= amount
    if pricing.promo_code:
        promo = book.promo(pricing.promo_code)
        if promo.percent is not None:
            amount = rounded(remaining * promo.percent / 100, book.currency)
            label = f"Promo code {promo.code} ({qty(promo.percent)}%)"
        else:
            amount = min(rounded(promo.amount or ZERO, book.currency), remaining)
            label = f"Promo code {promo.code}"
        out.append(Discount("promo", label, amount))
    return out


def _tax(book: PriceBook, customer: Customer | None) -> tuple[Decimal, bool, list[str]]:
    """(rate in percent, reverse charge?, notes) for this customer."""
    if customer is None:
        return ZERO, False, ["Tax not included: no customer is set, so the country is unknown."]
    rate, reverse, note = tax_basis(book.seller.country, book.tax_rates, book.tax_default,
                                    book.reverse_charge_note, customer.country,
                                    customer.vat_number)
    return rate, reverse, [note]


def price(book: PriceBook, pricing: Pricing) -> Priced:
    """Price ``pricing`` with ``book`` (pure: no database, no clock)."""
    plan, cur = book.plan(pricing.plan), book.currency
    book.require_prices(k for k, n in pricing.records.items() if n)
    lines = tier_lines(book, sum(n for k, n in pricing.records.items() if k in book.tiered))
    lines += kind_lines(book, pricing.records)
    records_price = sum((line.amount for line in lines), ZERO)
    multiplier = book.multiplier(pricing.source, pricing.target)
    if multiplier != 1:
        adjust = rounded(records_price * (multiplier - 1), cur)
        lines.append(_flat("pair", f"Platform pair {pricing.source} -> {pricing.target} "
                           f"(x{qty(multiplier)})", adjust, cur))
        records_price += adjust
    minimum = rounded(book.minimum, cur)
    if records_price < minimum:
        lines.append(_flat("minimum", f"Minimum price {money(minimum, cur)}",
                           minimum - records_price, cur))
        records_price = minimum
    lines.extend(_option_lines(book, pricing))
    plan_price = max(rounded(plan.minimum, cur), rounded(records_price * plan.percent / 100, cur))
    if plan_price:
        lines.append(_flat("plan", f"{plan.name} plan ({qty(plan.percent)}% of the migration "
                           f"price, at least {money(plan.minimum, cur)})", plan_price, cur))
    if pricing.dev_hours:
        if book.hourly_rate is None:
            raise PriceBookError("The price book has no custom_development hourly_rate.")
        hours = billed_hours(book, pricing.dev_hours)
        lines.append(Line("dev", f"Custom development (hours in {book.increment_minutes}-minute "
                          "increments, rounded up)", hours, book.hourly_rate,
                          rounded(hours * book.hourly_rate, cur)))
    subtotal = sum((line.amount for line in lines), ZERO)
    discounts = _discounts(book, pricing, subtotal)
    taxable = subtotal - sum((d.amount for d in discounts), ZERO)
    rate, reverse, notes = _tax(book, pricing.customer)
    return Priced(book.currency, plan.key, plan.name, dict(pricing.records), tuple(lines),
                  tuple(discounts), rate, rounded(taxable * rate / 100, cur), reverse,
                  tuple(notes))
