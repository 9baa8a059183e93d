"""Issue 14, defects 1-4: what a paid invoice covers. Options added after the invoice, a
rollback or re-migration freeing a paid invoice, reconciling after a re-migration, pausing
on a plan without it -- each refused up front with the command that lifts it, or billed."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from billing_support import make_demo, make_migration, migrate
from click.testing import CliRunner

from deskmigrate.billing.customers import Customer, save_customer
from deskmigrate.billing.gates import authorize
from deskmigrate.billing.invoices import issue_invoice, pay_invoice
from deskmigrate.billing.reconcile import reconcile
from deskmigrate.billing.render import invoice_html
from deskmigrate.billing.upgrades import upgrade_invoice
from deskmigrate.cli import cli
from deskmigrate.core import exits
from deskmigrate.core.errors import DeskmigrateError
from deskmigrate.core.run import RunRequest
from deskmigrate.core.state import COMPLETED, ROLLED_BACK, StateStore

IRISH = Customer("Dublin Co", "a@dublin.example", "IE", address="1 Main Street, Dublin")
OPTIONS = {"add_tag": True, "call_recordings": True, "side_conversations": True}


@pytest.fixture
def state(tmp_path: Path) -> StateStore:
    return StateStore(tmp_path / "ledger.sqlite")


def ask(state: StateStore, mid: int, mode: str, *, options: dict | None = None,
        days: float = 0, **kw: object):
    """The gate's answer ``days`` after now (the default price book)."""
    req = RunRequest(mode=mode, migration_id=mid, source_platform="zendesk",
                     target_platform="freshdesk", options=options or {}, billing={},
                     state=state, **kw)  # type: ignore[arg-type]
    return authorize(req, now=datetime.now(UTC) + timedelta(days=days))


def paid(state: StateStore, plan: str, counts: dict[str, int], billing: dict | None = None
         ) -> tuple[int, str]:
    save_customer(state, IRISH)
    mid = make_migration(state, name=f"m{state.db['migrations'].count}")
    demo = make_demo(state, mid, counts, billing=billing)
    number = issue_invoice(state, demo, plan=plan).number
    pay_invoice(state, number, "card")
    return mid, number


def run(state: StateStore, mid: int, mode: str, tickets: int, status: str = COMPLETED) -> int:
    """A full run or re-migration that migrated tickets 0..tickets-1 and ended in ``status``."""
    run_id = state.start_run(mid, mode, config={}, options={})
    migrate(state, mid, run_id, mode, "ticket", [str(i) for i in range(tickets)])
    state.set_status(run_id, status)
    return run_id


def test_options_added_after_the_invoice_are_refused_then_invoiced(state: StateStore) -> None:
    # Default book, 1,000 tickets + 200 contacts = 1,200 records, Standard, Irish customer:
    # 1,000 x 0.10 = 100.00 + 200 x 0.06 = 12.00 -> 112.00; VAT 23% 25.76 -> 137.76
    mid, number = paid(state, "standard", {"ticket": 1000, "contact": 200})
    refused = ask(state, mid, "full", options=OPTIONS)
    assert refused.reason == (
        f"Invoice {number} of migration {mid} does not cover the options add_tag, "
        "call_recordings, side_conversations: invoice them with `deskmigrate billing upgrade "
        f"{number} --option add_tag --option call_recordings --option side_conversations`, "
        "pay it, then run again.")
    assert ask(state, mid, "full", options={"skip_attachments": True}).allowed  # free option
    upgrade = upgrade_invoice(state, number, options=tuple(OPTIONS))
    doc = upgrade.as_dict()
    # add_tag flat 29.00; call_recordings 1,000 tickets x 0.02 = 20.00; side_conversations
    # 1,000 x 0.01 = 10.00 -> 59.00; VAT: 23% of 171.00 = 39.33 minus the 25.76 paid = 13.57
    # (= 23% of 59.00); total 72.57
    assert [(line["description"], line["amount"]) for line in doc["lines"]] == [
        ("Add a tag to every migrated ticket", "29.00"),
        ("Call recordings as attachments (per ticket)", "20.00"),
        ("Side conversations (per ticket)", "10.00")]
    assert (doc["kind"], doc["refers_to"], doc["subtotal"], doc["tax"], doc["total"]) == (
        "upgrade", number, "59.00", "13.57", "72.57")
    assert "does not cover" in ask(state, mid, "full", options=OPTIONS).reason  # unpaid yet
    pay_invoice(state, upgrade.number, "card")
    assert ask(state, mid, "full", options=OPTIONS).allowed
    with pytest.raises(DeskmigrateError, match="nothing to upgrade"):
        upgrade_invoice(state, number, options=("add_tag",))


def test_rollback_and_remigration_never_free_a_paid_invoice(state: StateStore) -> None:
    standard, _ = paid(state, "standard", {"ticket": 50})
    full = run(state, standard, "full", 50, ROLLED_BACK)  # completed, then rolled back
    for days in (0, 40):  # Standard has no re-migration: not today, not 40 days later
        refusal = ask(state, standard, "full", days=days).reason
        assert f"paid for one full migration of migration {standard}, run {full}" in refusal
        assert "the Standard plan has no re-migration" in refusal
    premium, number = paid(state, "premium", {"ticket": 50})
    first = run(state, premium, "full", 50)
    assert ask(state, premium, "remigrate", run_id=first).allowed  # the one re-migration
    state.set_status(first, ROLLED_BACK)  # `migrate --again` rolls the full run back...
    again = run(state, premium, "remigrate", 50)  # ...and migrates again
    for mode in ("full", "remigrate"):  # a plain migrate afterwards runs nothing more
        assert ask(state, premium, mode, run_id=again).reason == (
            "The Premium plan allows 1 re-migration(s) after the full migration, and "
            f"migration {premium} has had 1 (run {again}): run a demo and invoice a new "
            "migration.")
    assert "window of the Premium plan" in ask(state, premium, "full", days=40).reason
    # an unfinished run on the invoice is resumed, never replaced by another one
    signature, _ = paid(state, "signature", {"ticket": 50})
    crashed = run(state, signature, "full", 10, "interrupted")
    assert ask(state, signature, "full").reason == (
        f"Run {crashed} of migration {signature} has not finished (interrupted): carry on "
        f"with `deskmigrate resume {crashed}`.")
    assert ask(state, signature, "resume", run_id=crashed).allowed
    assert number == "INV-000002"


def test_reconcile_the_final_state_after_a_remigration(state: StateStore, small_path: Path
                                                       ) -> None:
    # Small book, 300 tickets, Premium, Irish: 100 x 1.00 + 200 x 0.50 = 200.00; Premium
    # max(200.00, 20% = 40.00) = 200.00 -> 400.00; VAT 23% 92.00 -> 492.00
    mid, number = paid(state, "premium", {"ticket": 300}, {"pricebook": str(small_path)})
    full = run(state, mid, "full", 300)
    assert reconcile(state, full).document is None  # 300 migrated = 300 invoiced
    state.set_status(full, ROLLED_BACK)
    again = run(state, mid, "remigrate", 280)  # 20 tickets fail this time
    with pytest.raises(DeskmigrateError, match="has not completed"):
        reconcile(state, full)
    # final state: 280 tickets -> 100.00 + 180 x 0.50 = 190.00; Premium 200.00 -> 390.00;
    # VAT 89.70 -> 479.70. Credit: tier 2 -20 x 0.50 = -10.00, VAT -2.30 -> -12.30
    result = reconcile(state, again)
    assert result.migrated == {"ticket": 280}
    credit = result.document
    assert credit is not None
    doc = credit.as_dict()
    assert (credit.number, credit.refers_to, doc["total"], doc["tax"]) == (
        "CN-000001", number, "-12.30", "-2.30")
    assert [line["amount"] for line in doc["lines"]] == ["-10.00"]
    assert reconcile(state, again).document is None  # never billed twice
    html = invoice_html(credit)
    assert "<h2>Credit to</h2>" in html and "1 Main Street, Dublin" in html
    assert "Help-desk migration Zendesk -&gt; Freshdesk: 280 tickets" in html


def test_pause_and_windows_refused_up_front_then_upgraded(tmp_path: Path) -> None:
    db = tmp_path / "pause.sqlite"
    state = StateStore(db)
    mid, number = paid(state, "standard", {"ticket": 1000, "contact": 200})
    running = state.start_run(mid, "full", options={}, config={
        "billing": {}, "source": {"platform": "zendesk"}, "target": {"platform": "freshdesk"}})
    result = CliRunner().invoke(cli, ["--db", str(db), "pause", str(running)])
    assert result.exit_code == exits.REFUSED  # docs/cli.md: `pause` exits 7
    assert result.output == (
        f"Error: Pausing a run needs the Signature plan; migration {mid} is on the Standard "
        f"plan (invoice {number}): upgrade with `deskmigrate billing upgrade {number} --plan "
        "signature` and pay the difference.\n")
    assert state.status(running) == "running"  # nothing changed
    assert "interval windows need the Signature plan" in ask(
        state, mid, "resume", run_id=running, windows=["sat 00:00-sun 23:59"]).reason
    upgrade = CliRunner().invoke(cli, ["--db", str(db), "billing", "upgrade", number,
                                       "--plan", "signature", "--json"])
    doc = json.loads(upgrade.output)
    # Standard 112.00 -> Signature: max(500.00, 30% x 112.00 = 33.60) = 500.00 plan line;
    # VAT 23% of 500.00 = 115.00; total 615.00
    assert (doc["lines"][0]["amount"], doc["tax"], doc["total"]) == ("500.00", "115.00",
                                                                     "615.00")
    assert sum(Decimal(line["amount"]) for line in doc["lines"]) == Decimal(doc["subtotal"])
    pay_invoice(state, doc["number"], "bank_transfer")
    paused = CliRunner().invoke(cli, ["--db", str(db), "pause", str(running)])
    assert paused.exit_code == 0, paused.output
    assert state.status(running) == "pausing"
    with pytest.raises(DeskmigrateError, match="costs less"):
        upgrade_invoice(state, number, plan="premium")
