"""Issue 6 properties: "lines always add up to the total; replaying meter events never changes
an amount; a quote never decreases when records are added"; issue 14: for random price books
(currencies with 0, 2 and 3 decimals), customers and runs, every document's lines add up and
no run is billed twice."""

from __future__ import annotations

import tempfile
import tomllib
from decimal import Decimal
from pathlib import Path

from billing_support import small_book
from hypothesis import given, settings
from hypothesis import strategies as st

from deskmigrate.billing.customers import Customer, save_customer
from deskmigrate.billing.invoices import VOID, issue_invoice, list_invoices, pay_invoice
from deskmigrate.billing.metering import metered_actuals
from deskmigrate.billing.money import minor_unit
from deskmigrate.billing.pricebook import TIERED_KINDS, load_pricebook, parse_pricebook
from deskmigrate.billing.quotes import Priced, Pricing, price
from deskmigrate.billing.reconcile import difference, reconcile
from deskmigrate.core.state import COMPLETED, ROLLED_BACK, StateStore

BOOKS = [load_pricebook(), small_book()]
CUSTOMERS = [None, Customer("IE", "a@ie.example", "IE"), Customer("FR", "a@fr.example", "FR"),
             Customer("FRB", "a@fr.example", "FR", "FR40303265045"),
             Customer("NP", "a@np.example", "DE", non_profit=True),
             Customer("US", "a@us.example", "US", non_profit=True)]
PAIRS = [("zendesk", "freshdesk"), ("jira_sm", "zendesk"), ("intercom", "zendesk"),
         ("freshdesk", "intercom")]

counts = st.dictionaries(st.sampled_from(TIERED_KINDS), st.integers(0, 250_000), max_size=8)


@st.composite
def pricings(draw: st.DrawFn, records: dict[str, int] | None = None) -> tuple[int, Pricing]:
    book_index = draw(st.integers(0, len(BOOKS) - 1))
    book = BOOKS[book_index]
    source, target = draw(st.sampled_from(PAIRS))
    return book_index, Pricing(
        records=records if records is not None else draw(counts),
        source=source, target=target,
        options=tuple(draw(st.sets(st.sampled_from(sorted(book.options))))),
        plan=draw(st.sampled_from(sorted(book.plans))),
        customer=draw(st.sampled_from(CUSTOMERS)),
        promo_code=draw(st.sampled_from([None, *sorted(book.promo_codes)])),
        dev_hours=Decimal(draw(st.integers(0, 4000))) / 100,
    )


def adds_up(result: Priced | dict) -> bool:
    doc = result.as_dict() if isinstance(result, Priced) else result
    amounts = [doc["subtotal"], doc["discount"], doc["tax"], doc["total"],
               *(line["amount"] for line in doc["lines"]),
               *(d["amount"] for d in doc["discounts"])]
    places = -minor_unit(doc["currency"]).as_tuple().exponent
    two_places = all(len((a.split(".") + [""])[1]) == places for a in amounts)
    lines = sum(Decimal(line["amount"]) for line in doc["lines"])
    discounts = sum((Decimal(d["amount"]) for d in doc["discounts"]), Decimal(0))
    return two_places and lines == Decimal(doc["subtotal"]) and discounts == Decimal(
        doc["discount"]) and lines - discounts + Decimal(doc["tax"]) == Decimal(doc["total"])


@settings(max_examples=300, deadline=None)
@given(pricings())
def test_lines_always_add_up_to_the_total(case: tuple[int, Pricing]) -> None:
    book_index, pricing = case
    result = price(BOOKS[book_index], pricing)
    assert adds_up(result)
    assert result.total >= 0


@settings(max_examples=200, deadline=None)
@given(pricings(), counts)
def test_reconciliation_documents_add_up(case: tuple[int, Pricing],
                                         actual: dict[str, int]) -> None:
    book_index, pricing = case
    book = BOOKS[book_index]
    before, after = price(book, pricing), price(book, pricing.with_records(actual))
    diff = difference(before, after, "note")
    assert adds_up(diff)
    assert before.total + diff.total == after.total


@settings(max_examples=300, deadline=None)
@given(pricings(), st.sampled_from(TIERED_KINDS), st.integers(1, 50_000))
def test_a_quote_never_decreases_when_records_are_added(case: tuple[int, Pricing], kind: str,
                                                       more: int) -> None:
    book_index, pricing = case
    book = BOOKS[book_index]
    grown = dict(pricing.records)
    grown[kind] = grown.get(kind, 0) + more
    assert price(book, pricing.with_records(grown)).total >= price(book, pricing).total


RECORDS = st.lists(st.tuples(st.sampled_from(["ticket", "contact", "field", "group"]),
                             st.integers(1, 40).map(str)), max_size=60)


@settings(max_examples=60, deadline=None)
@given(RECORDS, st.lists(st.tuples(st.sampled_from(["same", "resume", "remigrate", "demo"]),
                                   st.integers(0, 59)), max_size=8))
def test_replaying_meter_events_never_changes_an_amount(
        records: list[tuple[str, str]], replays: list[tuple[str, int]]) -> None:
    state = StateStore(":memory:")
    mid = state.migration_for("zendesk", "https://a.example", "freshdesk", "https://b.example")
    full = state.start_run(mid, "full", config={}, options={})

    def write(run_id: int, mode: str, batch: list[tuple[str, str]]) -> None:
        for kind, source_id in batch:
            state.record_results(run_id, mid, mode, kind, [
                {"source_id": source_id, "status": "migrated", "target_id": "t" + source_id}],
                billable=kind != "field")

    write(full, "full", records)
    book = BOOKS[1]
    pricing = Pricing(metered_actuals(state, mid), "zendesk", "freshdesk", ("inline_images",),
                      "premium", CUSTOMERS[2], "TEN")
    first = price(book, pricing)
    for how, start in replays:  # replay a slice of the events already recorded
        batch = records[start:start + 10]
        run_id = full if how == "same" else state.start_run(mid, how, config={}, options={})
        write(run_id, how if how != "same" else "full", batch)
    assert price(book, pricing.with_records(metered_actuals(state, mid))).total == first.total


@st.composite
def book_texts(draw: st.DrawFn) -> str:
    """A random price book: amounts printed as they are in whole minor units of a currency
    with 0 (JPY), 2 (USD, EUR) or 3 (BHD) decimals, unit prices two digits finer."""
    currency = draw(st.sampled_from(["USD", "EUR", "JPY", "BHD"]))
    places = -minor_unit(currency).as_tuple().exponent

    def amount(high: int) -> str:
        return str(Decimal(draw(st.integers(0, high))).scaleb(-places))

    def unit_price() -> str:
        return str(Decimal(draw(st.integers(1, 5000))).scaleb(-places - 2))

    ups = sorted(draw(st.sets(st.integers(1, 200_000), max_size=3)))
    tiers = [f'{{ up_to = {u}, price = "{unit_price()}" }}' for u in ups]
    tiers.append(f'{{ price = "{unit_price()}" }}')
    return f"""
currency = "{currency}"
[seller]
name = "Seller"
country = "IE"
[records]
minimum = "{amount(10_000)}"
tiers = [{", ".join(tiers)}]
[options.flat_one]
flat = "{amount(5_000)}"
[options.per_one]
per_record = "{unit_price()}"
[plans.standard]
[plans.premium]
percent = {draw(st.integers(0, 100))}
minimum = "{amount(50_000)}"
remigration_days = 5
[tax]
default = {draw(st.integers(0, 30))}
[tax.rates]
IE = {draw(st.sampled_from(["23", "25.5", "0"]))}
FR = 20
DE = 19
[discounts]
non_profit_percent = {draw(st.integers(0, 100))}
[discounts.promo_codes]
P = {{ percent = {draw(st.integers(0, 100))} }}
A = {{ amount = "{amount(10_000)}" }}
[custom_development]
hourly_rate = "{amount(30_000)}"
"""


@settings(max_examples=200, deadline=None)
@given(book_texts(), counts, st.sampled_from(CUSTOMERS), st.sampled_from([None, "P", "A"]),
       st.sets(st.sampled_from(["flat_one", "per_one"])), st.integers(0, 4000))
def test_random_price_books_add_up(text: str, records: dict[str, int],
                                   customer: Customer | None, promo: str | None,
                                   options: set[str], centihours: int) -> None:
    book = parse_pricebook(tomllib.loads(text))
    for plan in book.plans:
        result = price(book, Pricing(records, "zendesk", "freshdesk", tuple(sorted(options)),
                                     plan, customer, promo, Decimal(centihours) / 100))
        assert adds_up(result) and result.total >= 0


@settings(max_examples=40, deadline=None)
@given(book_texts(), st.integers(1, 3000), st.sampled_from(CUSTOMERS[1:]),
       st.lists(st.tuples(st.sampled_from(["full", "remigrate"]), st.integers(0, 3000)),
                min_size=1, max_size=4))
def test_no_run_is_billed_twice(text: str, counted: int, customer: Customer,
                                runs: list[tuple[str, int]]) -> None:
    folder = Path(tempfile.mkdtemp())
    (folder / "book.toml").write_text(text)
    book = load_pricebook(folder / "book.toml")
    state = StateStore(folder / "state.sqlite")
    save_customer(state, Customer(customer.name, customer.email, customer.country,
                                  customer.vat_number, customer.non_profit, "1 Main Street"))
    mid = state.migration_for("zendesk", "https://a.example", "freshdesk", "https://b.example")
    demo = state.start_run(mid, "demo", options={"flat_one": True}, seed=1,
                           config={"billing": {"pricebook": str(folder / "book.toml")}})
    state.update_run(demo, counts={"ticket": counted})
    state.set_status(demo, COMPLETED)
    invoice = issue_invoice(state, demo, plan="premium")
    pay_invoice(state, invoice.number, "card")
    previous = None
    for mode, migrated in runs:  # a full run, then re-migrations replacing it
        if previous is not None:
            state.set_status(previous, ROLLED_BACK)
        run_id = state.start_run(mid, mode, config={}, options={})
        state.record_results(run_id, mid, mode, "ticket", [
            {"source_id": str(i), "status": "migrated", "target_id": f"t{i}"}
            for i in range(migrated)], billable=True)
        state.set_status(run_id, COMPLETED)
        reconcile(state, run_id)
        assert reconcile(state, run_id).document is None  # reconciling again bills nothing
        previous = run_id
    documents = [d for d in list_invoices(state, mid) if d.status != VOID]
    assert all(adds_up(d.as_dict()) for d in documents)
    # invoice + supplements + credit notes = the price of what the final state migrated
    final = price(book, invoice.pricing.with_records(metered_actuals(state, mid)))
    assert sum(Decimal(d.total) for d in documents) == final.total
