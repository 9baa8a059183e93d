"""Many processes on one state database: write transactions take the lock up front and
wait for it, so a read-then-write never loses an update nor raises ``database is locked``."""

from __future__ import annotations

import multiprocessing

import pytest

from deskmigrate.core import state as st

WORKERS, INCREMENTS = 4, 40


def _bump(path: str) -> None:
    store = st.StateStore(path)
    for _ in range(INCREMENTS):
        with store.transaction() as db:
            # read, then write from what was read: safe only if no writer slips in between
            value = db.execute("SELECT value FROM counter").fetchone()[0]
            db.execute("UPDATE counter SET value=?", [value + 1])
        store.runs()  # readers interleave with the writers


def test_read_then_write_transactions_lose_nothing(tmp_path):
    path = str(tmp_path / "s.sqlite")
    store = st.StateStore(path)
    with store.transaction() as db:
        db.execute("CREATE TABLE counter (value INTEGER)")
        db.execute("INSERT INTO counter VALUES (0)")
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_bump, args=(path,)) for _ in range(WORKERS)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
    assert [w.exitcode for w in workers] == [0] * WORKERS
    assert store.db.execute("SELECT value FROM counter").fetchone()[0] == WORKERS * INCREMENTS


def test_first_opens_at_once_create_one_schema_and_one_migration(tmp_path):
    path = str(tmp_path / "fresh.sqlite")
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_open_and_register, args=(path,)) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
    assert [w.exitcode for w in workers] == [0] * 4
    store = st.StateStore(path)
    assert store.db.execute("SELECT count(*) FROM migrations").fetchone()[0] == 1


def _open_and_register(path: str) -> None:
    st.StateStore(path).migration_for("zendesk", "https://a", "freshdesk", "https://b")


def test_a_failed_transaction_leaves_nothing(tmp_path):
    store = st.StateStore(tmp_path / "s.sqlite")
    mid = store.migration_for("a", "https://a", "b", "https://b")
    with pytest.raises(RuntimeError), store.transaction() as db:
        db.execute("INSERT INTO runs (migration_id, mode, status) VALUES (?, 'full', ?)",
                   [mid, st.RUNNING])
        raise RuntimeError("boom")
    assert store.runs() == []
