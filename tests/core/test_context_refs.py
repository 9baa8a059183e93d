"""The engine resolves references batch by batch: the target ids a batch links to are held
while it is written and forgotten once it is settled (memory stays flat with the help
desk's size); an id no batch holds is looked up in the state database; a kind the engine
did not refer to resolves to nothing."""

from __future__ import annotations

import threading

import pytest

from deskmigrate.core import state as st
from deskmigrate.core.context import EngineContext
from deskmigrate.core.records import Comment, Ticket


@pytest.fixture
def ctx(tmp_path):
    state = st.StateStore(tmp_path / "state.sqlite")
    mid = state.migration_for("memory", "https://a", "memory", "https://b")
    run = state.start_run(mid, "full", config={}, options={})
    rows = [{"source_id": f"c{n}", "status": st.MIGRATED, "target_id": f"T-c{n}"}
            for n in range(5)]
    state.record_results(run, mid, "full", "contact", rows, billable=True)
    state.record_results(run, mid, "full", "agent", [
        {"source_id": "a1", "status": st.MIGRATED, "target_id": "T-a1"}], billable=True)
    state.record_results(run, mid, "full", "group", [
        {"source_id": "g1", "status": st.MIGRATED, "target_id": "T-g1"}], billable=True)
    context = EngineContext(state, mid, run, None, people_kinds=("agent", "contact"))
    context.refer({"contact", "agent", "group"})
    return context


def ticket(sid, requester, assignee=None, group=None, authors=()):
    comments = [Comment(source_id=f"{sid}-{n}", author_id=a, body_html="hi")
                for n, a in enumerate(authors)]
    return Ticket(source_id=sid, subject="s", requester_id=requester, assignee_id=assignee,
                  group_id=group, comments=comments)


def test_a_batch_holds_what_it_links_to_until_it_is_released(ctx):
    held = ctx.hold([ticket("1", "c1", "a1", "g1", authors=["c2", "a1"]),
                     ticket("2", "c9", authors=["c1"])])
    assert ctx.user("c1") == "T-c1" and ctx.user("a1") == "T-a1"
    assert ctx.target_id("contact", "c2") == "T-c2"
    assert ctx.target_id("group", "g1") == "T-g1"
    assert ctx.user("c9") is None  # held as not migrated: no query
    assert ctx._maps["contact"] == {"c1": "T-c1", "c2": "T-c2"}

    ctx.release(held)
    assert all(not ids for ids in ctx._maps.values())  # nothing kept after the batch
    assert ctx._held == {}


def test_an_id_two_batches_share_stays_until_both_are_settled(ctx):
    first = ctx.hold([ticket("1", "c1")])
    second = ctx.hold([ticket("2", "c1", authors=["c3"])])
    ctx.release(first)
    assert ctx._maps["contact"] == {"c1": "T-c1", "c3": "T-c3"}
    ctx.release(second)
    assert ctx._maps["contact"] == {}


def test_an_id_no_batch_holds_is_looked_up_in_the_state_database(ctx):
    found: list[str | None] = []

    def writer() -> None:  # a writer thread: its own connection to the state database
        found.extend([ctx.target_id("contact", "c4"), ctx.target_id("contact", "nobody")])
        found.append(str(ctx.known("group", "g1")))

    thread = threading.Thread(target=writer)
    thread.start()
    thread.join()
    assert found == ["T-c4", None, "True"]
    assert ctx._maps == {}  # looked up, not kept


def test_a_kind_not_referred_to_resolves_to_nothing(ctx):
    ctx.refer({"group"})
    held = ctx.hold([ticket("1", "c1", group="g1")])
    assert ctx.user("c1") is None and ctx.target_id("contact", "c4") is None
    assert ctx.target_id("group", "g1") == "T-g1"
    ctx.release(held)
