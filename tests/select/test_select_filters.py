"""Each [select] filter, and their combination, through the CLI: the run migrates exactly
the seeded source's tickets the filter keeps (worked out here from the source's own API),
reports and meters only them, and a delta keeps the filters."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from typing import Any

import pytest
from select_support import Desk, desk, key, migrate, run_cli
from zendesk_reader import client

Keep = Callable[[dict[str, Any]], bool]


def tagged(*wanted: str) -> Keep:
    return lambda t: bool(set(wanted) & set(t["tags"]))


# (id, [select] TOML, CLI flags, what they keep, worked out from the raw Zendesk ticket);
# some filters are given in the config, some as flags, the combination as both
CASES: list[tuple[str, str, list[str], Keep]] = [
    ("created", 'created_after = 2025-03-01\ncreated_before = "2026-01-10"', [],
     lambda t: "2025-03-01" <= t["created_at"] < "2026-01-10"),
    ("updated", "", ["--updated-after", "2026-01-01T00:00:00Z"],
     lambda t: t["updated_at"] >= "2026-01-01"),
    ("status", "", ["--status", "open", "--status", "pending"],
     lambda t: t["status"] in ("open", "pending")),
    ("tags_any", 'tags_any = ["vip", "refund"]', [], tagged("vip", "refund")),
    ("tags_all", "", ["--tags-all", "mobile,urgent_customer"],
     lambda t: {"mobile", "urgent_customer"} <= set(t["tags"])),
    ("tags_none", 'tags_none = ["mobile", "billing"]', [],
     lambda t: not tagged("mobile", "billing")(t)),
    ("combined", 'created_after = 2025-01-01\nstatus = ["pending"]\n'
                 'tags_any = ["mobile", "bug", "shipping"]',
     ["--status", "open,closed,solved", "--tags-none", "vip"],  # the flag's status wins
     lambda t: t["created_at"] >= "2025-01-01" and t["status"] in ("open", "closed", "solved")
     and tagged("mobile", "bug", "shipping")(t) and not tagged("vip")(t)),
]


@pytest.mark.parametrize(("select", "flags", "keep"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_filter_migrates_what_it_keeps(tmp_path, source: Desk, target: Desk, select: str,
                                       flags: list[str], keep: Keep) -> None:
    wanted = {key(t) for t in source.tickets() if keep(t)}
    assert 0 < len(wanted) < 30  # the seed gives every filter something to leave out
    result = migrate(tmp_path, source, target, select, *flags)
    assert result["records"]["ticket"] == {"total": len(wanted), "migrated": len(wanted),
                                           "skipped": 0, "failed": 0}
    assert {key(t) for t in target.tickets()} == wanted
    with sqlite3.connect(tmp_path / "state.sqlite") as db:  # billing meters only them
        metered = db.execute("SELECT count(*) FROM meter_events WHERE record_type='ticket'"
                             ).fetchone()[0]
    assert metered == len(wanted)


def test_left_out_kinds_bring_what_tickets_need(tmp_path, source: Desk, target: Desk) -> None:
    """Contacts and companies left out: only the end users the kept tickets reference
    (requester, CCs, comment authors) arrive, and no KB."""
    kept = [t for t in source.tickets() if t["status"] == "pending"]
    users = source.end_users()
    result = migrate(tmp_path, source, target, 'status = ["pending"]',
                     "--exclude-kinds", "contact,kb_category", "--exclude-kinds",
                     "kb_folder", "--exclude-kinds", "kb_article")
    needed = {users[p] for t in kept for p in (t["requester_id"], *t.get("collaborator_ids", []))
              if p in users}
    got = set(target.end_users().values())
    assert needed <= got  # comment authors may add a few more end users
    assert len(got) < len(users)  # the others stayed behind
    assert result["records"]["contact"]["migrated"] == len(got)
    assert result["records"].get("kb_article", {"migrated": 0})["migrated"] == 0
    assert {key(t) for t in target.tickets()} == {key(t) for t in kept}


def test_demo_counts_and_quotes_the_selection(tmp_path, source: Desk, target: Desk) -> None:
    kept = [t for t in source.tickets() if t["status"] in ("open", "new")]
    (tmp_path / "all").mkdir()
    with desk(tmp_path / "all" / "target.sqlite", 0, 0) as other:
        full = migrate(tmp_path / "all", source, other, command="demo")
    result = migrate(tmp_path, source, target, 'status = ["open", "new"]', command="demo")
    assert result["records"]["ticket"]["total"] == len(kept)
    assert result["records"]["ticket"]["migrated"] == len(kept)  # fewer than the 20 sample
    assert full["records"]["ticket"]["total"] == 30
    # fewer tickets, a smaller (or, under a minimum price, equal) quote
    assert float(result["quote"]["total"]) <= float(full["quote"]["total"])


def test_delta_keeps_the_filters(tmp_path, source: Desk, target: Desk) -> None:
    migrate(tmp_path, source, target, 'status = ["open"]')
    with client(source.account.url, source.account.credentials) as http:
        for status in ("open", "solved"):
            http.post("/api/v2/tickets.json", json={"ticket": {
                "subject": f"after the full run ({status})", "status": status,
                "comment": {"body": "new"}}}).raise_for_status()
    (tmp_path / "c.toml").write_text((tmp_path / "c.toml").read_text().replace(
        'status = ["open"]', ""))  # the delta keeps the run's filters, not the file's
    result = run_cli(tmp_path / "state.sqlite", "delta", "1", "--json")
    assert result.exit_code == 0, result.output
    subjects = {t["subject"] for t in target.tickets()}
    assert "after the full run (open)" in subjects
    assert "after the full run (solved)" not in subjects
    assert json.loads(result.stdout)["select"] == {"status": ["open"]}
