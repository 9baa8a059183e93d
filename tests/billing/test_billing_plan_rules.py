"""Issue 14 - plan rules of the service (seed 000): delta only within 10 days of the full
migration (Signature), data retention purged by `billing retention --apply` and said in
`status`, invoices a customer can read, `billing usage RUN` always saying something."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from billing_support import make_demo, make_migration, migrate
from click.testing import CliRunner

from deskmigrate.billing.customers import Customer, save_customer
from deskmigrate.billing.gates import authorize
from deskmigrate.billing.invoices import issue_invoice, pay_invoice
from deskmigrate.billing.render import document_text, invoice_html, invoice_title
from deskmigrate.cli import cli
from deskmigrate.core.run import RunRequest
from deskmigrate.core.state import COMPLETED, StateStore

CUSTOMER = Customer("Paris SA", "a@paris.example", "FR", "FR40303265045",
                    address="1 rue de Rivoli, 75001 Paris")


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "rules.sqlite"


def migration(state: StateStore, plan: str, days_ago: float) -> tuple[int, int]:
    """A paid migration whose full run of 10 tickets finished ``days_ago`` days ago."""
    save_customer(state, CUSTOMER)
    mid = make_migration(state, name=f"m{state.db['migrations'].count}")
    demo = make_demo(state, mid, {"ticket": 10})
    pay_invoice(state, issue_invoice(state, demo, plan=plan).number, "card")
    full = state.start_run(mid, "full", config={}, options={})
    migrate(state, mid, full, "full", "ticket", [str(i) for i in range(10)])
    state.set_status(full, COMPLETED)
    finished = datetime.now(UTC) - timedelta(days=days_ago)
    state.update_run(full, finished_at=finished.isoformat())
    return mid, full


def test_delta_only_within_ten_days_of_the_full_migration(db: Path) -> None:
    state = StateStore(db)
    inside, _ = migration(state, "signature", 9.9)
    late, _ = migration(state, "signature", 10.1)

    def ask(mid: int):
        return authorize(RunRequest(mode="delta", migration_id=mid, source_platform="zendesk",
                                    target_platform="freshdesk", options={}, billing={},
                                    state=state))
    assert ask(inside).allowed
    refusal = ask(late).reason
    assert refusal.startswith(f"The 10-day delta window of the Signature plan for migration "
                              f"{late} closed on ")
    assert refusal.endswith("UTC: run a demo and invoice a new migration.")


def test_retention_dry_run_then_apply_and_status_says_so(db: Path) -> None:
    state = StateStore(db)
    premium, full = migration(state, "premium", 6)  # Premium keeps data 5 days: due
    signature, _ = migration(state, "signature", 6)  # Signature keeps it 10 days: not yet

    def billing(*args: str):
        result = CliRunner().invoke(cli, ["--db", str(db), "billing", "retention", *args])
        assert result.exit_code == 0, result.output
        return result.output

    dry = billing()
    assert f"Migration {premium} (Premium plan, full migration finished" in dry
    assert "10 id-map rows and 10 record outcomes to purge." in dry
    assert "Dry run: nothing was purged" in dry and f"Migration {signature} " not in dry
    assert state.tally(full)["ticket"]["migrated"] == 10
    assert state.target_id(premium, "ticket", "3") == "t-3"  # still there
    applied = json.loads(billing("--apply", "--json"))
    assert [m["migration_id"] for m in applied["migrations"]] == [premium]
    assert state.target_id(premium, "ticket", "3") is None  # the id map is purged
    assert list(state.outcomes(full)) == []
    assert state.tally(full)["ticket"]["migrated"] == 10  # the tally is kept
    assert len([e for e in state.meter_events(premium) if e["run_id"] == full]) == 10
    assert state.target_id(signature, "ticket", "3") == "t-3"
    status = CliRunner().invoke(cli, ["--db", str(db), "status", str(full)])
    assert "ticket       total     10  migrated     10" in status.output
    assert "the per-record data was purged at the end of the plan's data retention" in \
        status.output
    assert billing() == "No migration has reached the end of its data retention.\n"


def test_invoices_a_customer_can_read_and_usage(db: Path) -> None:
    state = StateStore(db)
    save_customer(state, Customer("Dublin Co", "a@dublin.example", "IE",
                                  address="1 Main Street, Dublin D01"))
    mid = make_migration(state)
    demo = make_demo(state, mid, {"ticket": 1000, "contact": 200})
    invoice = issue_invoice(state, demo)
    html = invoice_html(invoice)
    # what was migrated, the customer's postal address, due date, bank details, VAT basis
    assert "Help-desk migration Zendesk -&gt; Freshdesk: 200 contacts, 1,000 tickets" in html
    assert "1 Main Street, Dublin D01" in html
    assert f"Due by {invoice.due_date}." in html and invoice.due_date
    assert "IBAN IE29 AIBK 9311 5212 3456 78" in html
    assert "VAT 23% of Ireland: seller and customer in Ireland." in html
    assert f"<h1>Invoice {invoice.number}</h1>" in html  # no run id in the headline
    assert invoice_title(invoice) == f"Invoice {invoice.number} for Dublin Co (unpaid)"
    assert f"Due by {invoice.due_date}." in document_text(invoice.as_dict(), "t")

    def usage(run: int) -> str:
        return CliRunner().invoke(cli, ["--db", str(db), "billing", "usage", str(run)]).output
    assert usage(demo) == (f"Nothing is metered for migration {mid}: run {demo} is a demo, "
                           "and demos are free.\n")
    pay_invoice(state, invoice.number, "card")
    full = state.start_run(mid, "full", config={}, options={})
    migrate(state, mid, full, "full", "ticket", ["1", "2"])
    assert "ticket               2" in usage(full)
