"""Issue 14, the void edge: an unpaid document that a later one was priced on. A
reconciliation bills the actuals on what the customer bought, so it waits until an unpaid
upgrade is paid or voided; and a document another was priced on is never voided (it would
leave that one without its basis) -- both refused with one sentence naming what to do."""

from __future__ import annotations

from pathlib import Path

import pytest
from billing_support import make_demo, make_migration, migrate

from deskmigrate.billing.customers import Customer, save_customer
from deskmigrate.billing.invoices import get_invoice, issue_invoice, pay_invoice, void_invoice
from deskmigrate.billing.reconcile import reconcile
from deskmigrate.billing.upgrades import upgrade_invoice
from deskmigrate.core.errors import DeskmigrateError
from deskmigrate.core.state import COMPLETED, StateStore

IRISH = Customer("Dublin Co", "a@dublin.example", "IE", address="1 Main Street, Dublin")
PAY = "--method card|paypal|bank_transfer`"


@pytest.fixture
def state(tmp_path: Path) -> StateStore:
    return StateStore(tmp_path / "void.sqlite")


def paid_standard(state: StateStore) -> tuple[int, str]:
    """Default book, 1,000 tickets + 200 contacts = 1,200 records, Standard, Irish customer:
    1,000 x 0.10 = 100.00 + 200 x 0.06 = 12.00 -> 112.00; VAT 23 % 25.76 -> 137.76, paid."""
    save_customer(state, IRISH)
    mid = make_migration(state)
    number = issue_invoice(state, make_demo(state, mid, {"ticket": 1000, "contact": 200}),
                           plan="standard").number
    pay_invoice(state, number, "card")
    assert get_invoice(state, number).total == "137.76"
    return mid, number


def full_run(state: StateStore, mid: int, tickets: int) -> int:
    run_id = state.start_run(mid, "full", config={}, options={})
    migrate(state, mid, run_id, "full", "ticket", [str(i) for i in range(tickets)])
    state.set_status(run_id, COMPLETED)
    return run_id


def test_reconcile_waits_for_an_unpaid_upgrade_then_bills_what_was_bought(
        state: StateStore) -> None:
    mid, number = paid_standard(state)
    upgrade = upgrade_invoice(state, number, plan="premium")
    # Premium: max(200.00, 20 % x 112.00 = 22.40) = 200.00; VAT 23 % 46.00 -> 246.00
    assert (upgrade.number, upgrade.status, upgrade.total) == ("INV-000002", "open", "246.00")
    run_id = full_run(state, mid, 1300)
    with pytest.raises(DeskmigrateError) as refused:
        reconcile(state, run_id)
    assert str(refused.value) == (
        "Upgrade INV-000002 of invoice INV-000001 is unpaid: record its payment with "
        f"`deskmigrate billing pay INV-000002 {PAY} or void it with "
        "`deskmigrate billing void INV-000002`, then reconcile.")
    assert void_invoice(state, upgrade.number).status == "void"  # nothing priced on it
    doc = reconcile(state, run_id).document
    assert doc is not None
    # Priced on the Standard plan that was paid for (no plan line): 1,300 tickets migrated
    # against 1,200 records invoiced -> tier 1,001-10,000 goes from 200 to 300 records:
    # +100 x 0.06 = 6.00; VAT 23 % of 118.00 = 27.14 minus 25.76 invoiced = 1.38; total 7.38
    d = doc.as_dict()
    assert [(line["quantity"], line["amount"]) for line in d["lines"]] == [("100", "6.00")]
    assert (d["kind"], d["plan"], d["subtotal"], d["tax"], d["total"]) == (
        "supplementary", "standard", "6.00", "1.38", "7.38")


def test_a_document_another_was_priced_on_is_never_voided(state: StateStore) -> None:
    mid, number = paid_standard(state)
    supplement = reconcile(state, full_run(state, mid, 1300)).document
    assert supplement is not None and supplement.total == "7.38"  # as worked out above
    upgrade = upgrade_invoice(state, number, plan="premium")
    # priced on the supplement's 1,300 records: Premium max(200.00, 20 % x 118.00 = 23.60)
    # = 200.00; VAT 23 % 46.00 -> 246.00
    assert upgrade.total == "246.00"
    with pytest.raises(DeskmigrateError) as refused:
        void_invoice(state, supplement.number)
    assert str(refused.value) == (
        f"Supplementary invoice {supplement.number} cannot be voided: supplementary invoice "
        f"(upgrade) {upgrade.number} was priced on it after it was issued; record its "
        f"payment with `deskmigrate billing pay {supplement.number} {PAY}.")
    assert get_invoice(state, supplement.number).status == "open"  # nothing changed
    assert void_invoice(state, upgrade.number).status == "void"  # the latest one can go
    assert void_invoice(state, supplement.number).status == "void"  # then the one before
