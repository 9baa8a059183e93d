"""Zendesk <-> Jira Service Management through the CLI over loopback, each side read back
through its own API by an independent reader and compared record by record."""

from __future__ import annotations

import json
from datetime import datetime

import jsm_api_reader
import jsm_zd_snapshot
from click.testing import CliRunner
from jsm_e2e_support import TICKETS, write_config

from deskmigrate.cli import cli
from deskmigrate.plugins.jira_sm.sandbox.people import add_user

ZD_TO_JSM_STATUS = {"new": "Waiting for support", "open": "In progress",
                    "pending": "Waiting for customer", "hold": "Pending",
                    "solved": "Resolved", "closed": "Closed"}


def migrate(tmp_path, source, target, *args: str) -> dict:
    config = write_config(tmp_path / "c.toml", source, target)
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "state.db"), "migrate",
                                      "--config", str(config), *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def migrate_all(tmp_path, pair, source_platform: str, target_platform: str):
    """Loopback sandboxes and a full run through the CLI in which every ticket migrated;
    the two accounts."""
    source, target = pair(source_platform, target_platform)
    result = migrate(tmp_path, source, target)
    assert result["status"] == "completed"
    assert result["records"]["ticket"] == {"total": TICKETS, "migrated": TICKETS,
                                           "skipped": 0, "failed": 0}
    return source, target


def assert_zendesk_in_jsm(source, target) -> None:
    """Every Zendesk ticket is one request, field by field and comment by comment."""
    zendesk = jsm_zd_snapshot.snapshot(source.url, source.credentials)
    requests = jsm_api_reader.snapshot(target.url, target.credentials)
    jsm = {r["origin"]["sourceId"]: r for r in requests.values()}
    assert sorted(jsm) == sorted(zendesk) and len(requests) == len(jsm)  # none missing, twice
    admin = target.credentials["email"]
    for ticket_id, zd in zendesk.items():
        request = jsm[ticket_id]
        assert request["summary"] == zd["subject"]
        assert request["status"] == ZD_TO_JSM_STATUS[zd["status"]]
        assert request["labels"] == sorted(t.replace(" ", "_") for t in zd["tags"])
        customer = zd["requester_role"] == "end-user"
        assert request["reporter"] == (zd["requester"] if customer else admin)
        assert request["organizations"] == ([zd["company"]] if zd["company"] else [])
        assert len(request["comments"]) == len(zd["comments"])
        for index, (before, after) in enumerate(zip(zd["comments"], request["comments"],
                                                    strict=True)):
            header, _, body = after["text"].partition(")")
            assert header.startswith("Originally posted by ")
            assert before["created_at"][:16].replace("T", " ") in header
            assert body.split() == before["text"].split() or before["text"] in body
            assert after["public"] == (True if index == 0 else before["public"])
        files = sorted(f for c in zd["comments"] for f in c["files"])
        assert request["files"] == files
    assert sum(len(r["files"]) for r in jsm.values()) >= 2


def test_zendesk_to_jsm_keeps_every_request_comment_and_file(tmp_path, pair):
    assert_zendesk_in_jsm(*migrate_all(tmp_path, pair, "zendesk", "jira_sm"))


JSM_TO_ZD_STATUS = {v: k for k, v in ZD_TO_JSM_STATUS.items()} | {"Canceled": "closed"}


def assert_jsm_in_zendesk(source, target, *, times: bool = True) -> None:
    """Every request is one Zendesk ticket with the same times, authors and files
    (``times=False``: a delta's comments, which Zendesk dates when they are written)."""
    jsm = jsm_api_reader.snapshot(source.url, source.credentials)
    tickets = jsm_zd_snapshot.snapshot(target.url, target.credentials)
    zendesk = {str(t["external_id"]).rsplit("-ticket-", 1)[-1]: t for t in tickets.values()}
    assert sorted(zendesk) == sorted(jsm) and len(tickets) == len(zendesk)
    orgs = {email: name for name, members in jsm_api_reader.organizations(
        source.url, source.credentials).items() for email in members}
    for key, request in jsm.items():
        zd = zendesk[key]
        assert zd["subject"] == request["summary"]
        assert zd["status"] == JSM_TO_ZD_STATUS[request["status"]]
        assert sorted(zd["tags"]) == request["labels"]
        assert zd["requester"] == request["reporter"]
        assert zd["company"] == (request["organizations"] or [None])[0]
        assert zd["company"] in (None, orgs.get(request["reporter"]))
        assert len(zd["comments"]) == len(request["comments"])
        for before, after in zip(request["comments"], zd["comments"], strict=True):
            assert after["public"] == before["public"]
            assert after["author"] == before["author"]
            kept = datetime.fromisoformat(after["created_at"].replace("Z", "+00:00"))
            was = datetime.strptime(before["created"], "%Y-%m-%dT%H:%M:%S.%f%z")
            assert abs((kept - was).total_seconds()) < 1 or not times  # whole seconds
            assert after["text"] == before["text"]
        kept = sorted(f for c in zd["comments"] for f in c["files"])
        assert kept == request["attached"]  # inline images stay links: the option is off
    assert sum(len(r["attached"]) for r in jsm.values()) >= 2


def test_jsm_to_zendesk_keeps_every_request_comment_time_and_file(tmp_path, pair):
    assert_jsm_in_zendesk(*migrate_all(tmp_path, pair, "jira_sm", "zendesk"))


def test_zendesk_to_jsm_assigns_each_request_to_its_agent(tmp_path, pair):
    """Zendesk agents who have a Jira agent account (same email) are the assignees of
    their migrated requests, read back through the Jira API."""
    source, target = pair("zendesk", "jira_sm")
    zendesk = jsm_zd_snapshot.snapshot(source.url, source.credentials)
    agents = {zd["assignee"] for zd in zendesk.values() if zd["assignee"]}
    assert len(agents) >= 2  # the seed assigns tickets to several agents
    for email in agents:
        add_user(target.app.store, email, email.split("@")[0], customer=False,
                 groups=("jira-servicemanagement-users",))
    assert migrate(tmp_path, source, target)["status"] == "completed"
    requests = jsm_api_reader.snapshot(target.url, target.credentials)
    assigned = {r["origin"]["sourceId"]: r["assignee"] for r in requests.values()}
    assert assigned == {ticket_id: zd["assignee"] for ticket_id, zd in zendesk.items()}
