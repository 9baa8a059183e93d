"""Billing end to end through the CLI, Zendesk → Zendesk over loopback: demo → quote →
unpaid full run refused → invoice → pay → full run → reconciliation → payment history."""

from __future__ import annotations

import json
from decimal import Decimal

from click.testing import CliRunner
from e2e_support import write_config

from deskmigrate import hookimpl
from deskmigrate.billing import metered_actuals
from deskmigrate.cli import cli
from deskmigrate.core import host
from deskmigrate.core.state import StateStore

BILLABLE = ("group", "agent", "company", "contact", "ticket", "kb_category", "kb_folder",
            "kb_article")


def run(db, *args):
    return CliRunner().invoke(cli, ["--db", str(db), *args])


def test_pay_before_the_full_run_then_reconcile(tmp_path, zendesk_pair):
    source, target = zendesk_pair()
    config = write_config(tmp_path / "c.toml", source, target).read_text()
    config = config.replace("enforce = false", 'enforce = true\nplan = "premium"')
    (tmp_path / "c.toml").write_text(config)
    db = tmp_path / "s.db"
    assert run(db, "billing", "customer", "set", "--name", "Acme SAS", "--email",
               "billing@acme.test", "--country", "FR", "--address",
               "1 rue de Rivoli, 75001 Paris").exit_code == 0

    demo = run(db, "demo", "--config", str(tmp_path / "c.toml"), "--seed", "2", "--json")
    assert demo.exit_code == 0, demo.output
    summary = json.loads(demo.stdout)
    billable = sum(summary["records"][k]["total"] for k in BILLABLE if k in summary["records"])
    # Below 390 records the graduated price (0.10 each for the first 1,000) is under the
    # 39.00 minimum, so the migration costs 39.00; Premium is 20 % of it with a 200.00
    # floor: 200.00. Subtotal 239.00; French VAT 20 %: 47.80; total 286.80.
    assert 200 < billable < 390
    quote = summary["quote"]
    assert (quote["currency"], quote["total"]) == ("USD", "286.80")

    refused = run(db, "migrate", "--config", str(tmp_path / "c.toml"))
    assert refused.exit_code != 0
    assert refused.output.startswith("Error: Migration 1 has no paid invoice")

    invoice = json.loads(run(db, "billing", "invoice", str(summary["run_id"]), "--json").stdout)
    assert (invoice["status"], invoice["total"]) == ("open", "286.80")
    lines = sum(Decimal(line["amount"]) for line in invoice["lines"])
    assert lines - Decimal(invoice["discount"]) + Decimal(invoice["tax"]) == Decimal("286.80")
    paid = run(db, "billing", "pay", invoice["number"], "--method", "card")
    assert paid.exit_code == 0, paid.output

    full = run(db, "migrate", "--config", str(tmp_path / "c.toml"), "--json")
    assert full.exit_code == 0, full.output
    full_run = json.loads(full.stdout)
    assert full_run["status"] == "completed"

    reconciled = json.loads(run(db, "billing", "reconcile", str(full_run["run_id"]),
                                "--json").stdout)
    assert reconciled["document"] is None  # same price: still under the minimum

    history = json.loads(run(db, "billing", "invoices", "--json").stdout)["invoices"]
    assert [(h["number"], h["migration_id"], h["customer"], h["amount"], h["status"])
            for h in history] == [(invoice["number"], 1, "Acme SAS", "286.80", "paid")]


class SkipSomeTickets:
    """A plugin that skips three tickets during the full run (as a missing agent would)."""

    ids = ("3", "5", "8")

    @hookimpl
    def skip_record(self, context, kind, record):  # noqa: ANN001, ANN201
        return "test: skipped on purpose" if kind == "ticket" and record.source_id in \
            self.ids else None


def test_retry_writes_only_failed_and_skipped_records_on_standard(tmp_path, zendesk_pair):
    source, target = zendesk_pair()
    path = write_config(tmp_path / "c.toml", source, target)
    path.write_text(path.read_text().replace("enforce = false", "enforce = true"))
    db = tmp_path / "s.db"
    assert run(db, "billing", "customer", "set", "--name", "Acme Ltd", "--email",
               "a@acme.test", "--country", "IE", "--address", "1 Main St, Dublin"
               ).exit_code == 0
    demo = json.loads(run(db, "demo", "--config", str(path), "--seed", "2", "--json").stdout)
    number = json.loads(run(db, "billing", "invoice", str(demo["run_id"]), "--json").stdout
                        )["number"]
    assert run(db, "billing", "pay", number, "--method", "card").exit_code == 0
    pm = host.plugin_manager()
    pm.register(SkipSomeTickets(), name="skip-some-tickets")
    try:
        full = json.loads(run(db, "migrate", "--config", str(path), "--json").stdout)
    finally:
        pm.unregister(name="skip-some-tickets")
    assert full["records"]["ticket"]["skipped"] == 3
    state = StateStore(db)
    before = metered_actuals(state, 1)["ticket"]
    # Standard has no re-migration, but retrying failed and skipped records is included
    again = run(db, "migrate", "--config", str(path))
    assert "the Standard plan has no re-migration" in again.output
    retried = run(db, "retry", str(full["run_id"]), "--json")
    assert retried.exit_code == 0, retried.output
    result = json.loads(retried.stdout)
    assert {kind: row["migrated"] for kind, row in result["records"].items()} == {"ticket": 3}
    assert metered_actuals(state, 1)["ticket"] == before + 3  # the others are not billed again
    nothing = json.loads(run(db, "retry", str(full["run_id"]), "--json").stdout)
    assert sum(row["migrated"] for row in nothing["records"].values()) == 0
