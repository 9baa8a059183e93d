"""One writer per migration, many readers: while a migration runs, four processes loop over
`status`, `runs`, `billing quote`, `billing reconcile` and `report` on its state database
(the reconcile of another migration's finished full run issues exactly one credit note), and
a second `migrate` and a `resume` of the same migration are refused. Killed, the run reads
as interrupted, `pause` says so, and `resume` finishes it with nothing twice."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time

import pytest
from e2e_runs import ENV, count
from e2e_support import SOURCE_TICKETS, write_config
from zendesk_api import snapshot

from deskmigrate.billing.customers import Customer, save_customer
from deskmigrate.billing.invoices import issue_invoice, pay_invoice
from deskmigrate.core import state as st
from deskmigrate.core.state import StateStore

READER = """
import sys, traceback
from pathlib import Path
from click.testing import CliRunner
from deskmigrate.cli import cli
db, stop = sys.argv[1], Path(sys.argv[2])
commands = [["status", "3"], ["runs"], ["billing", "quote", "1"],
            ["billing", "reconcile", "2"], ["report", "3"]]
loops = 0
while not stop.exists() or loops < 2:
    for args in commands:
        result = CliRunner().invoke(cli, ["--db", db, *args])
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            traceback.print_exception(result.exception)
            sys.exit(1)
        if "database is locked" in result.output or result.exit_code != 0:
            print(args, result.output, file=sys.stderr)
            sys.exit(1)
    loops += 1
print(loops)
"""


def invoiced_migration(db) -> None:
    """Runs 1 and 2 of another migration: a demo that counted 1,200 tickets, invoiced and
    paid, and a full run that migrated 1,100 of them (reconciling it issues a credit note)."""
    state = StateStore(db)
    save_customer(state, Customer("Dublin Co", "a@d.example", "IE", address="1 Main Street"))
    mid = state.migration_for("zendesk", "https://x.zendesk.example", "freshdesk",
                              "https://x.freshdesk.example")
    demo = state.start_run(mid, "demo", config={"billing": {}}, options={}, seed=1)
    state.update_run(demo, counts={"ticket": 1200})
    state.set_status(demo, st.COMPLETED)
    pay_invoice(state, issue_invoice(state, demo).number, "card")
    full = state.start_run(mid, "full", config={}, options={})
    state.record_results(full, mid, "full", "ticket", [
        {"source_id": str(i), "status": st.MIGRATED, "target_id": f"t{i}"}
        for i in range(1100)], billable=True)
    state.set_status(full, st.COMPLETED)
    assert (demo, full) == (1, 2)


def deskmigrate(db, *args):
    return subprocess.run([sys.executable, "-m", "deskmigrate", "--db", str(db), *args],
                          env=ENV, capture_output=True, text=True, timeout=300)


@pytest.mark.slow
def test_one_writer_many_readers_then_kill_and_resume(tmp_path, zendesk_pair):
    source, target = zendesk_pair(rate_limit=300)  # slow enough to be caught mid-run
    config = write_config(tmp_path / "c.toml", source, target)
    db, stop = tmp_path / "state.db", tmp_path / "stop"
    invoiced_migration(db)
    first = subprocess.Popen([sys.executable, "-m", "deskmigrate", "--db", str(db), "migrate",
                              "--config", str(config)], env=ENV, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True)
    while first.poll() is None and not count(db, "SELECT count(*) FROM outcomes WHERE "
                                                 "run_id=3"):
        time.sleep(0.01)
    readers = [subprocess.Popen([sys.executable, "-c", READER, str(db), str(stop)], env=ENV,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for _ in range(4)]

    second = deskmigrate(db, "migrate", "--config", str(config))
    again = deskmigrate(db, "resume", "3")
    stop.touch()
    for reader in readers:
        out, err = reader.communicate(timeout=300)
        assert reader.returncode == 0, err
        assert int(out) >= 2  # every command ran at least twice in each reader
    # 16+ reconciles of run 2 issued its credit note once: the paid invoice and one note
    assert count(db, "SELECT group_concat(kind || ':' || number, ' ') FROM (SELECT kind, "
                 "number FROM invoices ORDER BY number)") == \
        "credit_note:CN-000001 invoice:INV-000001"
    assert first.poll() is None, "the run finished before it could be caught running"
    first.send_signal(signal.SIGKILL)
    first.wait()
    target.app.limiter.limit = None  # the rest at full speed

    for refused in (second, again):
        assert refused.returncode != 0
        assert "Traceback" not in refused.stderr
        assert "still running" in refused.stderr and len(refused.stderr.splitlines()) == 1
    runs = json.loads(deskmigrate(db, "runs", "--json").stdout)["runs"]
    assert [(r["run_id"], r["status"]) for r in runs] == [
        (1, "completed"), (2, "completed"), (3, "interrupted")]
    status = json.loads(deskmigrate(db, "status", "3", "--json").stdout)
    assert "deskmigrate resume 3" in status["error"]
    paused = deskmigrate(db, "pause", "3")
    assert paused.returncode != 0 and "interrupted" in paused.stderr
    assert "will pause" not in paused.stdout

    resumed = deskmigrate(db, "resume", "3", "--json")
    assert resumed.returncode == 0, resumed.stderr
    assert json.loads(resumed.stdout)["status"] == "completed"
    tickets = snapshot(target.url, target.credentials, key="external_id")
    assert len(tickets) == SOURCE_TICKETS  # nothing written twice by the refused ones
    assert count(db, "SELECT count(*) FROM meter_events WHERE record_type='ticket' AND "
                 "run_id=3") == SOURCE_TICKETS
    assert count(db, "SELECT count(*) FROM id_map WHERE kind='ticket' AND run_id=3") == \
        SOURCE_TICKETS
    assert count(db, "SELECT count(*) FROM invoices") == 2  # the resume issued nothing
