"""``deskmigrate verify`` from the command line: read-only, a reproducible sample, the
report as JSON, CSV and HTML, and one sentence for a run it cannot verify."""

from __future__ import annotations

import csv
import io
import json
import sqlite3

import pytest
from click.testing import CliRunner
from e2e_accounts import write_config
from selectolax.lexbor import LexborHTMLParser
from zendesk_reader import client

from deskmigrate.cli import cli


def invoke(db, *args: str):
    return CliRunner().invoke(cli, ["--db", str(db), *args])


def snapshot(path) -> list[tuple]:
    with sqlite3.connect(path) as db:
        return db.execute("SELECT collection, id, doc FROM docs ORDER BY collection, id"
                          ).fetchall() + db.execute("SELECT key, data FROM blobs ORDER BY key"
                                                    ).fetchall()


@pytest.fixture
def migrated(tmp_path, pair):
    source, target, target_file = pair("zendesk", "zendesk")
    config = write_config(tmp_path / "c.toml", source, target)
    db = tmp_path / "state.sqlite"
    assert invoke(db, "migrate", "--config", str(config)).exit_code == 0
    return db, target_file


def test_verify_reads_only_and_samples_reproducibly(tmp_path, migrated) -> None:
    db, target_file = migrated
    before = snapshot(target_file)
    first = invoke(db, "verify", "1", "--sample", "2", "--json")
    again = invoke(db, "verify", "1", "--sample", "2", "--json")
    assert snapshot(target_file) == before  # nothing written to the target
    assert first.exit_code == 0, first.output
    picked = [(r["kind"], r["source_id"]) for r in json.loads(first.stdout)["records"]]
    assert picked == [(r["kind"], r["source_id"]) for r in json.loads(again.stdout)["records"]]
    result = json.loads(first.stdout)
    assert result["sample"] == 2 and all(sum(c.values()) <= 2 for c in result["kinds"].values())
    assert result["requests"]["target_writes"] == 0
    full = json.loads(invoke(db, "verify", "1", "--json").stdout)
    assert full["checked"] > result["checked"]


def test_verify_reports_in_every_format(tmp_path, migrated) -> None:
    db, _ = migrated
    text = invoke(db, "verify", "1")
    assert text.exit_code == 0 and "All " in text.stdout and "identical" in text.stdout
    for fmt in ("json", "csv", "html"):
        out = tmp_path / f"verify.{fmt}"
        result = invoke(db, "verify", "1", "--format", fmt, "-o", str(out))
        assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "verify.json").read_text())
    rows = list(csv.DictReader(io.StringIO((tmp_path / "verify.csv").read_text())))
    assert {(r["kind"], r["source_id"]) for r in rows} == {
        (r["kind"], r["source_id"]) for r in data["records"]}
    page = LexborHTMLParser((tmp_path / "verify.html").read_text())
    assert page.css_first("#verdict").text() == data["verdict"]
    ticket_row = [tr for tr in page.css("#summary tbody tr")
                  if tr.css_first("td").text() == "ticket"][0]
    assert ticket_row.css("td")[1].text() == str(data["kinds"]["ticket"]["identical"])


@pytest.mark.parametrize(("args", "message"), [
    (["verify", "7"], "There is no run 7."),
    (["verify", "1", "--sample", "0"], "Invalid value for '--sample'"),
])
def test_verify_bad_input_is_one_sentence(migrated, args, message) -> None:
    db, _ = migrated
    result = invoke(db, *args)
    assert result.exit_code == 2 if "Invalid" in message else result.exit_code != 0
    assert result.stderr.count("\n") == 1 and message in result.stderr, result.stderr


def test_verify_refuses_a_rolled_back_run(migrated) -> None:
    db, _ = migrated
    assert invoke(db, "rollback", "1", "--yes").exit_code == 0
    result = invoke(db, "verify", "1")
    assert result.exit_code == 1
    assert result.stderr.strip() == "Error: Run 1 was rolled back; there is nothing to verify."


def test_verify_covers_the_deltas_after_the_run(tmp_path, pair) -> None:
    """A ticket a delta brought is checked with the full run it follows."""
    source, target, _ = pair("zendesk", "zendesk")
    config = write_config(tmp_path / "c.toml", source, target)
    db = tmp_path / "state.sqlite"
    assert invoke(db, "migrate", "--config", str(config)).exit_code == 0
    before = json.loads(invoke(db, "verify", "1", "--json").stdout)["kinds"]["ticket"]
    with client(source.url, source.credentials) as http:
        http.post("/api/v2/tickets.json", json={"ticket": {
            "subject": "after the full run", "comment": {"body": "new"}}}).raise_for_status()
    assert invoke(db, "delta", "1").exit_code == 0
    after = json.loads(invoke(db, "verify", "1", "--json").stdout)
    assert after["ok"] and after["kinds"]["ticket"]["identical"] == before["identical"] + 1


def test_verify_lists_a_record_gone_from_the_source_as_unexpected(tmp_path, pair) -> None:
    source, target, _ = pair("zendesk", "zendesk")
    config = write_config(tmp_path / "c.toml", source, target)
    db = tmp_path / "state.sqlite"
    assert invoke(db, "migrate", "--config", str(config)).exit_code == 0
    with client(source.url, source.credentials) as http:
        http.delete("/api/v2/tickets/1.json").raise_for_status()
    result = invoke(db, "verify", "1", "--json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert [(r["kind"], r["source_id"]) for r in data["records"]
            if r["status"] == "unexpected"] == [("ticket", "1")]
    assert data["kinds"]["ticket"]["unexpected"] == 1
