"""Issue 6 properties: "lines always add up to the total; replaying meter events never changes
an amount; a quote never decreases when records are added"."""

from __future__ import annotations

from decimal import Decimal

from billing_support import small_book
from hypothesis import given, settings
from hypothesis import strategies as st

from deskmigrate.billing.customers import Customer
from deskmigrate.billing.metering import metered_actuals
from deskmigrate.billing.pricebook import BILLABLE_KINDS, load_pricebook
from deskmigrate.billing.quotes import Priced, Pricing, price
from deskmigrate.billing.reconcile import difference
from deskmigrate.core.state import StateStore

BOOKS = [load_pricebook(), small_book()]
CUSTOMERS = [None, Customer("IE", "a@ie.example", "IE"), Customer("FR", "a@fr.example", "FR"),
             Customer("FRB", "a@fr.example", "FR", "FR40303265045"),
             Customer("NP", "a@np.example", "DE", non_profit=True),
             Customer("US", "a@us.example", "US", non_profit=True)]
PAIRS = [("zendesk", "freshdesk"), ("jira_sm", "zendesk"), ("intercom", "zendesk"),
         ("freshdesk", "intercom")]

counts = st.dictionaries(st.sampled_from(BILLABLE_KINDS), st.integers(0, 250_000), max_size=8)


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


def adds_up(result: Priced) -> bool:
    doc = result.as_dict()
    amounts = [doc["subtotal"], doc["discount"], doc["tax"], doc["total"],
               *(line["amount"] for line in doc["lines"]),
               *(d["amount"] for d in doc["discounts"])]
    two_places = all(len(a.split(".")[1]) == 2 for a in amounts)
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
@given(pricings(), st.sampled_from(BILLABLE_KINDS), st.integers(1, 50_000))
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
