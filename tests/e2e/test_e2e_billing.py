"""Billing end to end through the CLI, Zendesk → Zendesk over loopback: demo → quote →
unpaid full run refused → invoice → pay → full run → reconciliation → payment history."""

from __future__ import annotations

import json
from decimal import Decimal

from click.testing import CliRunner
from e2e_support import write_config

from deskmigrate.cli import cli

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
