"""Delta both ways after real activity through the source's API, and rollback of a run into
JSM: what the run created goes, a customer that was there before stays."""

from __future__ import annotations

import json

import jsm_api_reader
from click.testing import CliRunner
from jsm_e2e_support import TICKETS, write_config
from test_jira_sm_e2e import assert_jsm_in_zendesk, assert_zendesk_in_jsm, migrate
from zendesk_reader import client as zendesk_client

from deskmigrate.cli import cli
from deskmigrate.plugins.jira_sm.sandbox.activity import simulate as jsm_activity
from deskmigrate.plugins.zendesk.sandbox.activity import simulate as zendesk_activity


def cli_json(db, *args: str) -> dict:
    result = CliRunner().invoke(cli, ["--db", str(db), *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_delta_zendesk_to_jsm_then_nothing(tmp_path, pair):
    source, target = pair("zendesk", "jira_sm")
    full = migrate(tmp_path, source, target)
    with zendesk_client(source.url, source.credentials) as http:
        assert zendesk_activity(http, new=2, updated=3, seed=8)["tickets created"] == 2
    delta = cli_json(tmp_path / "state.db", "delta", str(full["run_id"]))
    assert delta["status"] == "completed"
    assert delta["records"]["ticket"]["failed"] == 0
    assert delta["records"]["ticket"]["migrated"] >= 2
    assert_zendesk_in_jsm(source, target)
    again = cli_json(tmp_path / "state.db", "delta", str(full["run_id"]))
    assert all(row["migrated"] == 0 for row in again["records"].values())
    assert again["requests"]["target_writes"] == 0


def test_delta_jsm_to_zendesk(tmp_path, pair):
    source, target = pair("jira_sm", "zendesk")
    full = migrate(tmp_path, source, target)
    with jsm_api_reader.client(source.url, source.credentials) as http:
        done = jsm_activity(http, new=2, updated=2, seed=3)
    assert done == {"tickets created": 2, "tickets updated": 2}
    delta = cli_json(tmp_path / "state.db", "delta", str(full["run_id"]))
    assert delta["status"] == "completed"
    assert delta["records"]["ticket"] == {"total": 4, "migrated": 4, "skipped": 0,
                                          "failed": 0}
    assert_jsm_in_zendesk(source, target, times=False)


def test_rollback_removes_what_the_run_created_and_keeps_an_existing_customer(tmp_path, pair):
    source, target = pair("zendesk", "jira_sm")
    with zendesk_client(source.url, source.credentials) as http:
        end_users = http.get("/api/v2/users.json", params={"role": "end-user"}).json()["users"]
    existing = end_users[0]["email"]
    with jsm_api_reader.client(target.url, target.credentials) as http:
        http.post("/rest/servicedeskapi/customer", json={
            "email": existing, "displayName": "Was here before"}).raise_for_status()
    result = migrate(tmp_path, source, target)
    assert result["records"]["ticket"]["migrated"] == TICKETS
    assert len(jsm_api_reader.snapshot(target.url, target.credentials)) == TICKETS
    rolled = CliRunner().invoke(cli, ["--db", str(tmp_path / "state.db"), "rollback",
                                      str(result["run_id"]), "--yes"])
    assert rolled.exit_code == 0, rolled.output
    assert jsm_api_reader.snapshot(target.url, target.credentials) == {}
    assert jsm_api_reader.organizations(target.url, target.credentials) == {}
    with jsm_api_reader.client(target.url, target.credentials) as http:
        users = [u["emailAddress"] for u in http.get("/rest/api/3/users/search",
                                                     params={"maxResults": 1000}).json()]
    assert sorted(users) == sorted([target.credentials["email"], existing])


def test_bad_service_desk_is_one_sentence(tmp_path, pair):
    source, target = pair("zendesk", "jira_sm")
    target.credentials["service_desk"] = "NOPE"
    config = write_config(tmp_path / "c.toml", source, target)
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "s.db"), "migrate", "--config",
                                      str(config)])
    assert result.exit_code != 0
    assert "no service desk 'NOPE'" in result.output
    assert "Traceback" not in result.output

