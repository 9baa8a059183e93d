"""Jira Service Management <-> Intercom through the CLI over loopback, both ways, then a
delta each way after activity through the source's API; each target read back by an
independent reader and compared conversation by conversation, message by message."""

from __future__ import annotations

from datetime import UTC, datetime

import intercom_reader
import jsm_api_reader
import jsm_reader
from e2e_accounts import id_map
from ic_e2e import TICKETS, full_then_delta, intercom_activity, migrate

from deskmigrate.plugins.jira_sm.sandbox.activity import simulate as jsm_activity

STATE_TO_JSM = {"open": "In progress", "snoozed": "Waiting for customer",
                "closed": "Resolved"}
JSM_TO_STATE = {"Waiting for support": "open", "In progress": "open",
                "Waiting for customer": "snoozed", "Pending": "snoozed", "Resolved": "closed",
                "Closed": "closed", "Canceled": "closed"}


def minute(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d %H:%M")


def check_intercom_in_jsm(source, target, db) -> dict:
    """Every conversation is one request: title, requester, state, tags, then each message
    in order with its original time in the header line (JSM dates comments itself, a
    delta's too), its text and its public/internal flag, and every file's bytes."""
    expected = intercom_reader.snapshot(source.url, source.credentials)
    requests = jsm_api_reader.snapshot(target.url, target.credentials)
    jsm = {r["origin"]["sourceId"]: r for r in requests.values()}
    assert set(expected) <= set(jsm) and len(requests) == len(jsm)  # nothing twice
    assert sorted(id_map(db, "ticket")) == sorted(jsm)
    for cid, ic in expected.items():
        request = jsm[cid]
        assert request["summary"] == ic["title"] or ic["title"] is None
        assert request["reporter"] == ic["requester"]
        assert request["status"] == STATE_TO_JSM[ic["state"]], cid
        assert request["labels"] == [t.replace(" ", "_") for t in ic["tags"]]
        assert len(request["comments"]) == len(ic["messages"]), cid
        for n, (want, got) in enumerate(zip(ic["messages"], request["comments"], strict=True)):
            header, _, body = got["text"].partition(")")
            assert minute(want["created_at"]) in header, (cid, n)
            assert "".join(ch for ch in body if ch.isalnum()) == want["text"], (cid, n)
            assert got["public"] == (want["public"] or n == 0)
        assert request["files"] == sorted(f for m in ic["messages"] for f in m["files"])
    return expected


def check_jsm_in_intercom(source, target, db) -> dict:
    """Every request is one conversation, with the original times kept (Intercom takes
    ``created_at`` for imports), its labels as tags, its state and every file's bytes."""
    expected = jsm_reader.snapshot(source.url, source.credentials)
    actual = intercom_reader.snapshot(target.url, target.credentials)
    mapping = id_map(db, "ticket")
    assert sorted(mapping) == sorted(expected)
    assert len(actual) == len(set(mapping.values())) == len(mapping)  # nothing twice
    fields = jsm_api_reader.snapshot(source.url, source.credentials)
    for issue_id, jsm in expected.items():
        ic = actual[mapping[issue_id]]
        assert (ic["title"], ic["requester"]) == (jsm["subject"], jsm["requester"])
        request = fields[issue_id]
        assert ic["tags"] == request["labels"], issue_id
        assert ic["state"] == JSM_TO_STATE[request["status"]], issue_id
        # every file's bytes; inline images stay links (the option is off)
        assert sorted(f for m in ic["messages"] for f in m["files"]) == request["attached"]
        assert [(m["text"], m["public"] or n == 0, m["created_at"])
                for n, m in enumerate(ic["messages"])] == [
            (m["text"], m["public"], m["created_at"]) for m in jsm["messages"]], jsm["subject"]
    return expected


def test_jira_service_management_to_intercom(tmp_path, pair):
    source, target, _, _ = pair("jira_sm", "intercom")
    db, _ = migrate(tmp_path, source, target)
    check_jsm_in_intercom(source, target, db)


def test_intercom_to_jira_service_management(tmp_path, pair):
    source, target, _, _ = pair("intercom", "jira_sm")
    db, result = migrate(tmp_path, source, target)
    assert result["records"]["ticket"]["migrated"] == result["records"]["ticket"]["total"]
    expected = check_intercom_in_jsm(source, target, db)
    assert any(not m["public"] for c in expected.values() for m in c["messages"])
    assert sum(len(m["files"]) for c in expected.values() for m in c["messages"]) > 2


def test_delta_intercom_to_jira_service_management(tmp_path, pair):
    source, target, source_app, _ = pair("intercom", "jira_sm")
    db, _, _ = full_then_delta(tmp_path, source, target, intercom_activity(
        source, source_app, new=2, updated=2, seed=4), changed=4)
    assert len(check_intercom_in_jsm(source, target, db)) == TICKETS + 2


def test_delta_jira_service_management_to_intercom(tmp_path, pair):
    source, target, _, _ = pair("jira_sm", "intercom")

    def activity() -> dict[str, int]:
        with jsm_api_reader.client(source.url, source.credentials) as http:
            return jsm_activity(http, new=2, updated=2, seed=3)

    db, _, _ = full_then_delta(tmp_path, source, target, activity, changed=4)
    assert len(check_jsm_in_intercom(source, target, db)) == TICKETS + 2
