"""Issue 6 end to end at billing's level: "demo -> quote -> invoice (open, "unpaid") ->
payment recorded ("confirmed") -> the full run is allowed. After the run the metered actuals
are reconciled with the quote: a credit note for records that did not migrate ... Payment
history lists date, migration number, name, amount, status."

Default price book. The demo counts 1,188 billable records (fields and comments are free):
1,000 x 0.10 = 100.00 + 188 x 0.06 = 11.28 -> 111.28; add_tag 29.00; Premium max(200.00,
20% x 111.28 = 22.26) = 200.00 -> 340.28. The customer is a French business with a VAT
number and the seller is Irish: reverse charge, tax 0.00, total 340.28.
The full run migrates 1,178 (10 tickets fail): 100.00 + 178 x 0.06 = 10.68 -> 110.68, plan
still 200.00, so the credit note is tier 2: -10 x 0.06 = -0.60.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import click
import pluggy
from billing_support import make_demo, make_migration, migrate
from click.testing import CliRunner

from deskmigrate.billing import plugin
from deskmigrate.core import hookspecs
from deskmigrate.core.run import RunRequest
from deskmigrate.core.state import COMPLETED, StateStore

COUNTS = {"ticket": 800, "contact": 300, "company": 40, "agent": 8, "group": 3,
          "kb_article": 30, "kb_folder": 5, "kb_category": 2, "field": 12, "comment": 5000}


def cli(db: Path, *args: str) -> dict:
    result = CliRunner().invoke(plugin.billing_group, list(args), obj={"db": str(db)})
    assert result.exit_code == 0, (result.output, result.exception)
    return json.loads(result.output) if "--json" in args else {"output": result.output}


def adds_up(doc: dict) -> bool:
    lines = sum(Decimal(line["amount"]) for line in doc["lines"])
    total = lines - Decimal(doc["discount"]) + Decimal(doc["tax"])
    return total == Decimal(doc["total"]) and all(
        len(doc[k].split(".")[1]) == 2 for k in ("subtotal", "discount", "tax", "total"))


def host() -> pluggy.PluginManager:
    pm = pluggy.PluginManager("deskmigrate")
    pm.add_hookspecs(hookspecs)
    pm.register(plugin)
    pm.check_pending()
    return pm


def request(state: StateStore, mid: int, mode: str, **kw: object) -> RunRequest:
    return RunRequest(mode=mode, migration_id=mid, source_platform="zendesk",
                      target_platform="freshdesk", options={}, billing={"plan": "premium"},
                      state=state, **kw)  # type: ignore[arg-type]


def test_demo_quote_invoice_pay_full_reconcile_history(tmp_path: Path) -> None:
    db = tmp_path / "state.sqlite"
    state = StateStore(db)
    pm = host()
    mid = make_migration(state)
    other = make_migration(state, name="other")  # billed separately, never mixed in
    demo = make_demo(state, mid, COUNTS, options={"add_tag": "migrated", "skip_attachments":
                                                  False}, billing={"plan": "premium"})
    migrate(state, mid, demo, "demo", "ticket", [str(i) for i in range(1, 21)])
    cli(db, "customer", "set", "--name", "Acme SAS", "--email", "billing@acme.example",
        "--country", "fr", "--vat", "FR 403 032 650 45", "--address", "1 rue de Rivoli, Paris")

    # quote, through the hook the engine calls after a demo
    quote = pm.hook.quote_run(state=state, run_id=demo)
    assert (quote["currency"], quote["total"], quote["plan"]) == ("USD", "340.28", "premium")
    assert quote["records"] == {k: v for k, v in COUNTS.items() if k not in ("field", "comment")}
    assert quote["tax"] == "0.00" and quote["reverse_charge"]
    assert adds_up(quote)
    assert cli(db, "quote", str(demo), "--json")["total"] == "340.28"
    assert cli(db, "quote", str(demo), "--json", "--plan", "signature")["total"] == "640.28"

    # the full run is refused until an invoice is paid
    refused = pm.hook.authorize_run(request=request(state, mid, "full"))
    assert not refused.allowed
    assert refused.reason == (
        f"Migration {mid} has no paid invoice: run `deskmigrate billing invoice {demo}` on its "
        "demo and record the payment with `deskmigrate billing pay NUMBER`.")

    invoice = cli(db, "invoice", str(demo), "--json")
    assert (invoice["number"], invoice["status"], invoice["status_label"]) == (
        "INV-000001", "open", "unpaid")
    assert invoice["total"] == "340.28" and adds_up(invoice)
    assert [line["amount"] for line in invoice["lines"]] == ["100.00", "11.28", "29.00",
                                                             "200.00"]
    assert invoice["lines"][1] == {"description": "Records 1,001-10,000 at 0.06 each",
                                   "quantity": "188", "unit_price": "0.06", "amount": "11.28"}
    assert invoice["customer"]["vat_number"] == "FR40303265045"
    unpaid = pm.hook.authorize_run(request=request(state, mid, "full"))
    assert "invoice INV-000001 is unpaid" in unpaid.reason

    assert "confirmed" in cli(db, "pay", "INV-000001", "--method", "bank_transfer")["output"]
    assert pm.hook.authorize_run(request=request(state, mid, "full")).allowed
    assert not pm.hook.authorize_run(request=request(state, other, "full")).allowed
    premium_delta = pm.hook.authorize_run(request=request(state, mid, "delta"))
    assert premium_delta.reason == ("Delta runs need the Signature plan; migration 1 is on "
                                    "the Premium plan (invoice INV-000001): upgrade with "
                                    "`deskmigrate billing upgrade INV-000001 --plan "
                                    "signature` and pay the difference.")

    # the full run: 10 tickets fail, fields are not billable, a batch is replayed, and an
    # interrupted run resumed under the same run id records some events twice
    full = state.start_run(mid, "full", config={}, options={"add_tag": "migrated"})
    migrate(state, mid, full, "full", "ticket", [str(i) for i in range(1, 791)])
    migrate(state, mid, full, "full", "ticket", [str(i) for i in range(791, 801)], "failed")
    migrate(state, mid, full, "full", "ticket", [str(i) for i in range(700, 791)])
    for kind in ("contact", "company", "agent", "group", "kb_article", "kb_folder",
                 "kb_category", "field"):
        migrate(state, mid, full, "full", kind, [f"{kind}-{i}" for i in range(COUNTS[kind])])
    state.meter_option(mid, full, "full", "add_tag", 790)
    state.set_status(full, COMPLETED)

    result = cli(db, "reconcile", str(full), "--json")
    assert result["invoiced"]["ticket"] == 800 and result["migrated"]["ticket"] == 790
    assert "field" not in result["migrated"] and result["option_usage"] == {"add_tag": 790}
    credit = result["document"]
    assert (credit["number"], credit["kind"], credit["refers_to"]) == (
        "CN-000001", "credit_note", "INV-000001")
    assert credit["lines"] == [{
        "description": "Records 1,001-10,000 at 0.06 each: 188 invoiced, 178 migrated",
        "quantity": "-10", "unit_price": "0.06", "amount": "-0.60"}]
    assert (credit["total"], credit["tax"]) == ("-0.60", "0.00") and adds_up(credit)
    assert any("Reverse charge" in note for note in credit["notes"])
    assert any("Reconciles invoice INV-000001" in note for note in credit["notes"])
    # reconciling again finds nothing new
    assert cli(db, "reconcile", str(full), "--json")["document"] is None
    assert "Nothing to reconcile" in cli(db, "reconcile", str(full))["output"]

    history = cli(db, "invoices", "--json")["invoices"]
    assert [(r["number"], r["migration_id"], r["customer"], r["amount"], r["status_label"],
             r["payment_method"]) for r in history] == [
        ("INV-000001", mid, "Acme SAS", "340.28", "confirmed", "bank_transfer"),
        ("CN-000001", mid, "Acme SAS", "-0.60", "issued", None)]
    assert all(len(r["date"]) == 10 for r in history)
    table = cli(db, "invoices")["output"]
    assert "INV-000001" in table and "Acme SAS" in table and "340.28 USD" in table

    # the paid invoice was used by the completed full run: another run on it is Premium's
    # one re-migration, within its 5 days (a plain `migrate` or `migrate --again`)
    assert pm.hook.authorize_run(request=request(state, mid, "full")).allowed
    assert pm.hook.authorize_run(request=request(state, mid, "remigrate", run_id=full)).allowed

    # a new demo can then be invoiced; the migration's history grows
    demo2 = make_demo(state, mid, {"ticket": 50}, billing={"plan": "standard"})
    assert cli(db, "invoice", str(demo2), "--json")["number"] == "INV-000002"
    # until it is paid, a run is still INV-000001's re-migration (inside its window)
    assert pm.hook.authorize_run(request=request(state, mid, "full")).reason == (
        "Within the Premium re-migration window.")
    # the earlier full run still reconciles against the invoice it ran on: nothing new
    assert cli(db, "reconcile", str(full), "--json")["invoice"] == "INV-000001"
    assert cli(db, "invoices", "--json", "--migration", str(other))["invoices"] == []


def test_plugin_registers_the_billing_group() -> None:
    @click.group()
    def root() -> None:
        """root"""

    host().hook.register_commands(cli=root)
    assert "billing" in root.commands
