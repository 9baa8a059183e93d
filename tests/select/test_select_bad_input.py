"""A bad [select] setting: one sentence, a non-zero exit, and nothing written (no state
database, nothing in the target)."""

from __future__ import annotations

import pytest
from e2e_accounts import write_config
from select_support import Desk, run_cli

BAD = [
    ('status = ["opne"]', "Unknown ticket status 'opne' in [select] status"),
    ('created_after = "last tuesday"', "[select] created_after must be a date such as"),
    ('exclude_kinds = ["tickets"]', "Unknown record kind 'tickets' in [select] exclude_kinds"),
    ('created_after = 2026-01-01\ncreated_before = 2025-01-01', "must be before"),
    ('order = "fast"', "[select] order must be one of default, express"),
    ('kinds = ["kb_article"]', "keeps kb_article but leaves out kb_folder"),
    ('colour = "red"', "[select] has no setting 'colour'"),
]
BAD_FLAGS = [
    (["--status", "open,opne"], "Unknown ticket status 'opne' in --status"),
    (["--updated-before", "2025-13-01"], "--updated-before must be a date such as"),
    (["--kinds", "ticket", "--kinds", "ticketz"], "Unknown record kind 'ticketz' in --kinds"),
    (["--order", "fast"], "--order must be one of default, express"),
    (["--recent-days", "-3"], "Invalid value for '--recent-days'"),
]


CASES = [(select, [], message) for select, message in BAD] + [
    ("", flags, message) for flags, message in BAD_FLAGS]


@pytest.mark.parametrize(("select", "flags", "message"), CASES,
                         ids=[c[2][:24] for c in CASES])
def test_bad_select_is_one_sentence_and_writes_nothing(tmp_path, source: Desk, target: Desk,
                                                      select: str, flags: list[str],
                                                      message: str) -> None:
    config = write_config(tmp_path / "c.toml", source.account, target.account,
                          f"[select]\n{select}\n")
    db = tmp_path / "state.sqlite"
    for command in ("migrate", "demo"):
        result = run_cli(db, command, "--config", str(config), *flags)
        assert result.exit_code == 2, result.output
        assert result.stderr.count("\n") == 1 and message in result.stderr, result.stderr
    assert not db.exists()
    assert target.tickets() == []
