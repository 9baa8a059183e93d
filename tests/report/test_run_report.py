"""``deskmigrate report RUN`` as JSON, CSV and HTML on a demo where two tickets failed:
verdict, reasons as sentences, target links, grouped warnings, times in the operator's
zone, masked config, "none" for empty sections - the same data in the three formats."""

from __future__ import annotations

import csv
import io
import json

from report_support import REFUSED, invoke
from selectolax.lexbor import LexborHTMLParser

from deskmigrate.core.humane import masked, sentence
from deskmigrate.core.report_html import render


def report(demo, fmt: str) -> str:
    code, out, err = invoke("--db", str(demo.db), "report", str(demo.run_id), "--format", fmt)
    assert code == 0, err
    return out


def test_json_report_says_what_failed_in_sentences_with_links(failed_demo, monkeypatch):
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    data = json.loads(report(failed_demo, "json"))
    assert data["records"]["ticket"]["failed"] == REFUSED
    assert data["verdict"]["level"] == "failed"
    assert data["verdict"]["text"].startswith(f"{REFUSED} records failed")
    assert f"deskmigrate retry {failed_demo.run_id}" in data["verdict"]["text"]
    failed = [o for o in data["outcomes"] if o["status"] == "failed"]
    assert len(failed) == REFUSED
    for row in failed:  # Freshdesk's error body spelled out, never a dict repr
        assert "priority: It should be one of these values" in row["reason"]
        assert "{" not in row["reason"] and "'field'" not in row["reason"]
        assert row["reason"][0].isupper() and row["reason"].endswith(".")
    url = data["config"]["target"]["url"]
    tickets = [o for o in data["outcomes"] if o["kind"] == "ticket" and o["target_id"]]
    assert tickets and all(o["target_url"] == f"{url}/a/tickets/{o['target_id']}"
                           for o in tickets)
    assert data["time_zone"] == "Asia/Tokyo" and "+0900" in data["started"]
    assert data["duration_seconds"] is not None and data["duration"]
    groups = data["warning_groups"]
    assert sum(g["count"] for g in groups) == len(data["warnings"])
    assert all(g["count"] == len(g["source_ids"]) for g in groups)
    assert any(g["count"] > 1 for g in groups)  # identical warnings collapse
    assert len({(g["kind"], g["message"]) for g in groups}) == len(groups)


def test_csv_report_has_the_same_rows_links_and_reasons(failed_demo):
    data = json.loads(report(failed_demo, "json"))
    rows = list(csv.DictReader(io.StringIO(report(failed_demo, "csv"))))
    assert list(rows[0]) == ["kind", "source_id", "status", "target_id", "target_url", "reason"]
    expected = [{k: "" if v is None else str(v) for k, v in o.items()}
                for o in data["outcomes"]]
    assert rows == expected


def test_html_report_sections_escaping_and_none(failed_demo):
    page = LexborHTMLParser(report(failed_demo, "html"))
    verdict = page.css_first("#verdict")
    assert "failed" in verdict.attributes["class"]
    assert verdict.text().startswith(f"{REFUSED} records failed")
    failed_rows = page.css("#failed tbody tr")
    assert len(failed_rows) == REFUSED
    assert all("priority: It should be one of" in r.text() for r in failed_rows)
    assert page.css_first("#options .none").text() == "none"  # no option was asked for
    skipped = page.css_first("#skipped").text()
    assert "<owner@sandbox.freshdesk.test>" in skipped  # escaped text, not a tag
    assert not page.css("#skipped owner")
    links = [a.attributes["href"] for a in page.css("#migrated-ticket a.target")]
    data = json.loads(report(failed_demo, "json"))
    assert len(links) == data["records"]["ticket"]["migrated"]
    counts = [int(td.text()) for td in page.css("#warnings tbody td.n")]
    assert sum(counts) == len(data["warnings"])
    # what the freshdesk target cannot keep, with the records each loss touched
    lost = [(r.css("td")[0].text(), r.css("td")[1].text()) for r in page.css("#not-kept tbody tr")]
    assert lost == [(f"{loss['what']}.", "not counted" if loss["records"] is None
                     else str(loss["records"])) for loss in data["cannot_keep"]]
    assert ("freshdesk sets its own created times on tickets and comments; the original time "
            "is kept in the text.", str(data["records"]["ticket"]["migrated"])) in lost
    assert page.css_first("#not-selected .none").text() == "none"  # not a delta


def test_migrated_records_are_paged(failed_demo):
    data = json.loads(report(failed_demo, "json"))
    page = LexborHTMLParser(render(data, page_size=7))
    pages = page.css("#migrated-ticket .page")
    migrated = data["records"]["ticket"]["migrated"]
    assert len(pages) == -(-migrated // 7)  # ceil: 18 tickets → 3 pages
    assert [len(p.css("tbody tr")) for p in pages] == [7, 7, migrated - 14]
    assert [a.attributes["href"] for a in page.css("#migrated-ticket nav.pager a")] == [
        f"#ticket-page-{n}" for n in range(1, len(pages) + 1)]


def test_reasons_become_sentences():
    assert sentence("refused: {'errors': [{'field': 'email', 'message': 'taken'}]}") == \
        "Refused: errors: field: email; message: taken."
    assert sentence('HTTP 422 {"error": "bad"} on POST') == "HTTP 422 error: bad on POST."
    assert sentence("ok (see {not a dict})") == "Ok (see {not a dict})."
    assert sentence(None) == ""


def test_config_secrets_are_masked():
    shown = masked({"target": {"url": "https://x", "api_key": "abc123"},
                    "billing": {"promo_token": "p-999", "plan": "premium"}})
    assert shown == {"target": {"url": "https://x", "api_key": "[REDACTED]"},
                     "billing": {"promo_token": "[REDACTED]", "plan": "premium"}}


def test_report_times_in_the_asked_zone_and_a_bad_zone_refused(failed_demo, monkeypatch):
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    args = ("--db", str(failed_demo.db), "report", str(failed_demo.run_id), "--timezone")
    code, out, err = invoke(*args, "America/New_York")
    assert code == 0, err
    data = json.loads(out)
    assert data["time_zone"] == "America/New_York" and "+0900" not in data["started"]
    assert "EST" in data["started"] or "-0500" in data["started"]
    code, out, err = invoke(*args, "Mars/Olympus")
    assert code == 2 and out == ""
    assert err.strip() == "Error: Unknown time zone 'Mars/Olympus'; use a name such as " \
        "Europe/Paris or UTC."
