"""Issue 14 - parallel ``invoice``, ``pay`` and ``reconcile`` from several processes on one
state database never issue or pay a document twice: each transition is re-checked inside
the store's write transaction (``BEGIN IMMEDIATE``)."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from pathlib import Path
from typing import Any

from billing_support import make_demo, make_migration, migrate

from deskmigrate.billing.customers import Customer, save_customer
from deskmigrate.billing.invoices import issue_invoice, pay_invoice
from deskmigrate.billing.reconcile import reconcile
from deskmigrate.core.errors import DeskmigrateError
from deskmigrate.core.state import COMPLETED, StateStore

WORKERS = 5
CTX = multiprocessing.get_context("fork")  # the children share the test's imports


def _worker(path: str, action: str, arg: Any, barrier: Any, out: Any) -> None:
    state = StateStore(path)  # each process has its own connection
    barrier.wait()  # every process starts the command at the same moment
    try:
        if action == "invoice":
            result: Any = issue_invoice(state, arg).number
        elif action == "pay":
            result = pay_invoice(state, arg, "card").status
        else:
            document = reconcile(state, arg).document
            result = document.number if document else None
        out.put(("ok", result))
    except DeskmigrateError as exc:
        out.put(("refused", str(exc)))


def in_parallel(path: Path, action: str, arg: Any) -> list[tuple[str, Any]]:
    barrier, out = CTX.Barrier(WORKERS), CTX.Queue()
    procs = [CTX.Process(target=_worker, args=(str(path), action, arg, barrier, out))
             for _ in range(WORKERS)]
    for proc in procs:
        proc.start()
    results = [out.get(timeout=120) for _ in procs]
    for proc in procs:
        proc.join(timeout=60)
        assert proc.exitcode == 0
    return results


def count(state: StateStore, sql: str) -> int:
    return state.db.execute(sql).fetchone()[0]


def only_one(results: list[tuple[str, Any]], refused: Callable[[str], bool]) -> Any:
    done = [value for status, value in results if status == "ok"]
    assert len(done) == 1, results
    assert all(refused(value) for status, value in results if status == "refused"), results
    return done[0]


def test_parallel_invoice_pay_reconcile_issue_each_document_once(tmp_path: Path) -> None:
    path = tmp_path / "race.sqlite"
    state = StateStore(path)
    save_customer(state, Customer("Dublin Co", "a@d.example", "IE", address="1 Main Street"))
    mid = make_migration(state)
    demo = make_demo(state, mid, {"ticket": 1200})  # 100.00 + 200 x 0.06 = 112.00 + 23%

    number = only_one(in_parallel(path, "invoice", demo),
                      lambda m: m.startswith(f"Migration {mid} already has invoice INV-000001"))
    assert number == "INV-000001"
    assert count(state, "SELECT count(*) FROM invoices") == 1

    assert only_one(in_parallel(path, "pay", number),
                    lambda m: m == f"Invoice {number} is confirmed, so no payment can be "
                    "recorded.") == "paid"
    assert count(state, "SELECT count(*) FROM payments") == 1

    full = state.start_run(mid, "full", config={}, options={})
    migrate(state, mid, full, "full", "ticket", [str(i) for i in range(1100)])
    state.set_status(full, COMPLETED)
    # 1,100 migrated of 1,200 invoiced: tier 2 -100 x 0.06 = -6.00, VAT -1.38 -> -7.38, once
    results = in_parallel(path, "reconcile", full)
    issued = [value for status, value in results if status == "ok" and value]
    assert issued == ["CN-000001"] and all(status == "ok" for status, _ in results)
    assert state.db.execute("SELECT total FROM invoices WHERE number='CN-000001'"
                            ).fetchone()[0] == "-7.38"
    assert count(state, "SELECT count(*) FROM invoices WHERE kind='credit_note'") == 1
