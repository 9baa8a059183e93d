"""What the target cannot keep is said up front (platforms, check) and counted in the run's
summary; a delta does not select kinds the target cannot update, and says so."""

from __future__ import annotations

import json

import httpx
from cli_support import TICKETS, invoke
from e2e_accounts import write_config
from selectolax.lexbor import LexborHTMLParser

from deskmigrate.core import exits


def test_platforms_text_says_what_a_pair_cannot_keep(tmp_path):
    text = invoke(tmp_path / "s.db", "platforms", "--source", "zendesk", "--target", "jira_sm")
    assert text.exit_code == 0, text.output
    assert text.stdout.splitlines()[0] == "zendesk → jira_sm cannot keep:"
    assert "jira_sm posts every comment as the migrating account" in text.stdout
    assert "jira_sm takes no kb_category, kb_folder, kb_article records" in text.stdout
    same = invoke(tmp_path / "s.db", "platforms", "--source", "zendesk", "--target", "zendesk")
    assert same.stdout.strip() == "zendesk → zendesk keeps everything it migrates."
    listing = invoke(tmp_path / "s.db", "platforms")
    assert "  as a target cannot keep: freshdesk sets its own created times" in listing.stdout
    one_side = invoke(tmp_path / "s.db", "platforms", "--source", "zendesk")
    assert one_side.exit_code == exits.USAGE and "both --source and --target" in one_side.stderr


def test_the_run_counts_the_records_a_loss_touched(tmp_path, config):
    db = tmp_path / "s.db"
    path = config(target="freshdesk")
    check = invoke(db, "check", "--config", str(path))
    assert check.exit_code == 0, check.output
    assert "What freshdesk cannot keep of zendesk:" in check.stdout
    assert "  - freshdesk sets its own created times on tickets and comments" in check.stdout
    result = invoke(db, "migrate", "--config", str(path), "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    losses = {loss["key"]: loss["records"] for loss in summary["cannot_keep"]}
    # every migrated ticket loses its original times; side conversations were not asked
    # for; which articles had files the plugin's lossy list does not tell
    assert losses == {"timestamps": TICKETS, "side_conversations": 0,
                      "lossy:kb_article.attachments": None}
    text = invoke(db, "status", "1")
    assert f"  not kept ({TICKETS} records): freshdesk sets its own created times" in text.stdout


def test_a_delta_does_not_select_what_the_target_cannot_update(tmp_path, serve):
    source, target = serve("zendesk", TICKETS), serve("zendesk", 0, seed=6)
    path = write_config(tmp_path / "c.toml", source, target)
    db = tmp_path / "s.db"
    assert invoke(db, "migrate", "--config", str(path)).exit_code == 0
    with httpx.Client(base_url=source.url, auth=(f"{source.credentials['email']}/token",
                                                 source.credentials["token"])) as api:
        org = api.get("/api/v2/organizations.json").json()["organizations"][0]
        api.put(f"/api/v2/organizations/{org['id']}.json",
                json={"organization": {"notes": "changed"}}).raise_for_status()
    result = invoke(db, "delta", "1", "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["records"].get("company", {}).get("skipped", 0) == 0
    assert "company" in summary["not_updated"]["kinds"]
    text = invoke(db, "status", "2")
    assert "  not selected: field, group, agent, company, contact, kb_category, kb_folder, " \
           "kb_article records already migrated — the zendesk target cannot update them" \
           in text.stdout
    assert "skipped    1" not in text.stdout
    # the HTML report's "Not selected" section names the same kinds, in the same order
    html = invoke(db, "report", "2", "--format", "html")
    assert html.exit_code == 0, html.output
    section = LexborHTMLParser(html.stdout).css_first("#not-selected")
    assert section.css_first("h2").text() == "Not selected" and not section.css(".none")
    assert section.css_first("p").text() == (
        "field, group, agent, company, contact, kb_category, kb_folder, kb_article records "
        "already migrated: the zendesk target cannot update them; a delta creates their new "
        "records only.")
    full = LexborHTMLParser(invoke(db, "report", "1", "--format", "html").stdout)
    assert full.css_first("#not-selected .none").text() == "none"  # a full run selects all


