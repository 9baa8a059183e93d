"""The demo from and to JSM through the CLI, and what ``deskmigrate platforms`` says."""

from __future__ import annotations

import json

import jsm_api_reader
import jsm_zd_snapshot
import pytest
from click.testing import CliRunner
from jsm_e2e_support import TICKETS, write_config

from deskmigrate.cli import cli


@pytest.mark.parametrize("source_platform,target_platform",
                         [("jira_sm", "zendesk"), ("zendesk", "jira_sm")])
def test_demo_counts_everything_and_migrates_a_sample(tmp_path, pair, source_platform,
                                                      target_platform):
    source, target = pair(source_platform, target_platform)
    config = write_config(tmp_path / "c.toml", source, target)
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "s.db"), "demo", "--config",
                                      str(config), "--seed", "1", "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["mode"] == "demo" and summary["status"] == "completed"
    assert summary["records"]["ticket"]["migrated"] == TICKETS  # a sample of 20 at most
    assert summary["records"]["ticket"]["failed"] == 0


def test_platforms_lists_jira_sm_honestly():
    result = CliRunner().invoke(cli, ["platforms", "--json"])
    assert result.exit_code == 0, result.output
    jsm = json.loads(result.stdout)["platforms"]["jira_sm"]
    assert jsm["config"] == ["url", "email", "token", "service_desk"]
    assert (jsm["keeps_timestamps"], jsm["keeps_authors"]) == (False, False)
    assert jsm["target_kinds"] == ["field", "group", "agent", "company", "contact", "ticket"]
    assert "inline_images" in jsm["options"]["source"]
    assert "add_tag" in jsm["options"]["target"]


def test_options_inline_images_from_jsm_and_a_tag_with_spaces_into_jsm(tmp_path, pair):
    source, target = pair("jira_sm", "zendesk")
    config = write_config(tmp_path / "a.toml", source, target,
                          "[options]\ninline_images = true\n")
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "a.db"), "migrate", "--config",
                                      str(config), "--json"])
    assert result.exit_code == 0, result.output
    jsm = jsm_api_reader.snapshot(source.url, source.credentials)
    zendesk = jsm_zd_snapshot.snapshot(target.url, target.credentials)
    kept = sorted(f for t in zendesk.values() for c in t["comments"] for f in c["files"])
    assert kept == sorted(f for r in jsm.values() for f in r["files"])  # inline ones too
    assert len(kept) > sum(len(r["attached"]) for r in jsm.values())

    back, into = pair("zendesk", "jira_sm")
    config = write_config(tmp_path / "b.toml", back, into,
                          '[options]\nadd_tag = "moved by dm"\n')
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "b.db"), "migrate", "--config",
                                      str(config), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    requests = jsm_api_reader.snapshot(into.url, into.credentials).values()
    assert requests and all("moved_by_dm" in r["labels"] for r in requests)
    assert any("spaces became underscores" in w["message"] for w in summary["warnings"])


def test_check_names_the_desk_the_project_and_the_role(tmp_path, pair):
    source, target = pair("zendesk", "jira_sm")
    config = write_config(tmp_path / "c.toml", source, target)
    result = CliRunner().invoke(cli, ["check", "--config", str(config)])
    assert result.exit_code == 0, result.output
    assert ("  OK    credentials and write permission: as Site Admin "
            "<admin@sandbox.atlassian.test> (admin) on Help Centre ✓ (HELP, service desk 1) "
            "on Cloud") in result.output
