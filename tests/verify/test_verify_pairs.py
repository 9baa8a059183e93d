"""``deskmigrate verify`` for every built-in platform pair: clean after a migration (what
the target cannot keep listed as expected), then catching a message deleted, a file altered
and tags removed in the target behind the tool's back."""

from __future__ import annotations

import json
import re
from itertools import product

import pytest
from click.testing import CliRunner
from e2e_accounts import write_config
from tamper import ALTER, REMOVE, Desk

from deskmigrate.cli import cli
from deskmigrate.core import exits

PLATFORMS = ("zendesk", "freshdesk", "intercom", "jira_sm")
PAIRS = list(product(PLATFORMS, PLATFORMS))
# What verify finds that a target does not carry (yet): reported as differences, never
# excused as expected (a gap fixed only shrinks what is found; anything else fails).
# The Intercom target writes no ticket type (a typed Intercom ticket needs a writer of its
# own; its priority, which API 2.14 cannot set, is expected: docs/intercom.md); Freshdesk
# keeps a type its account does not list (task, change) only as a type-… tag
# (docs/freshdesk.md says why).
KNOWN_GAPS = {"intercom": {("ticket", "type")},
              "freshdesk": {("ticket", "type")}}


def run(db, *args: str) -> tuple[int, dict]:
    result = CliRunner().invoke(cli, ["--db", str(db), *args, "--json"])
    assert result.exit_code in (0, exits.FAILURES), result.output
    return result.exit_code, json.loads(result.stdout)


@pytest.mark.parametrize(("source", "target"), PAIRS, ids=[f"{s}-{t}" for s, t in PAIRS])
def test_verify_clean_then_catches_tampering(tmp_path, pair, source: str, target: str) -> None:
    source_account, target_account, target_file = pair(source, target)
    options = "" if "jira_sm" in (source, target) else "[options]\nkb_translations = true\n"
    config = write_config(tmp_path / "c.toml", source_account, target_account, options)
    db = tmp_path / "state.sqlite"
    code, migrated = run(db, "migrate", "--config", str(config))
    assert code == 0 and migrated["status"] == "completed"

    code, clean = run(db, "verify", "1")
    assert [r for r in clean["records"] if r["status"] not in ("identical", "differs")] == []
    found = {(r["kind"], d["field"]) for r in clean["records"] for d in r["differences"]}
    assert found <= KNOWN_GAPS.get(target, set()), found
    assert (code, clean["ok"]) == ((exits.FAILURES, False) if found else (0, True))
    tickets = clean["kinds"]["ticket"]
    assert tickets["identical"] + tickets["differs"] == migrated["records"]["ticket"]["migrated"]

    ALTER[target](Desk(target_file))
    assert any(" attachment " in f" {f}" for f in caught(db)), "altered file not caught"
    REMOVE[target](Desk(target_file))
    found = caught(db)
    assert any(f.startswith("tag ") for f in found), found
    assert any(re.fullmatch(r"comment \d+", f) for f in found), found  # the deleted message


def caught(db) -> list[str]:
    """The fields verify finds different in tickets (it must find some: exit code 3)."""
    code, result = run(db, "verify", "1")
    assert code == exits.FAILURES and not result["ok"] and result["kinds"]["ticket"]["differs"] >= 1
    return [d["field"] for r in result["records"] if r["kind"] == "ticket"
            for d in r["differences"] if not d["expected"]]
