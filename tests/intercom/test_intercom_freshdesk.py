"""Freshdesk -> Intercom, Intercom -> Freshdesk and Jira Service Management -> Intercom
through the CLI over loopback, read back and compared conversation by conversation, message
by message."""

from __future__ import annotations

from datetime import UTC, datetime

import freshdesk_reader
import intercom_reader
import jsm_reader
from e2e_accounts import id_map
from ic_e2e import migrate

OWNER = "owner@sandbox.example"


def test_freshdesk_to_intercom(tmp_path, pair):
    source, target, _, _ = pair("freshdesk", "intercom")
    db, result = migrate(tmp_path, source, target)
    tickets = result["records"]["ticket"]
    expected = freshdesk_reader.snapshot(source.url, source.credentials)
    actual = intercom_reader.snapshot(target.url, target.credentials)
    mapping = id_map(db, "ticket")
    assert len(mapping) == tickets["migrated"] == len(actual) > 0
    agents = freshdesk_reader.agents(source.url, source.credentials)
    for source_id, target_id in mapping.items():
        fd, ic = expected[source_id], actual[target_id]
        assert ic["title"] == fd["subject"] and ic["requester"] == fd["requester"]
        assert len(ic["messages"]) == len(fd["messages"]), fd["subject"]
        for n, (want, got) in enumerate(zip(fd["messages"], ic["messages"], strict=True)):
            author = fd["requester"] if n == 0 else (
                OWNER if want["author"] in agents or not want["public"] else want["author"])
            assert (got["author"], got["public"] or n == 0, got["created_at"], got["text"]) == (
                author, want["public"], want["created_at"], want["text"]), fd["subject"]
            assert set(want["files"]) <= set(got["files"])  # inline images come as files too


def test_intercom_to_freshdesk(tmp_path, pair):
    source, target, _, _ = pair("intercom", "freshdesk")
    db, _ = migrate(tmp_path, source, target)
    expected = intercom_reader.snapshot(source.url, source.credentials)
    actual = freshdesk_reader.snapshot(target.url, target.credentials)
    mapping = id_map(db, "ticket")
    for cid, ic in expected.items():
        fd = actual[mapping[cid]]
        assert fd["requester"] == ic["requester"]
        assert len(fd["messages"]) == len(ic["messages"]), ic["title"]
        for want, got in zip(ic["messages"], fd["messages"], strict=True):
            minute = datetime.fromtimestamp(want["created_at"], UTC).strftime("%Y-%m-%d %H:%M")
            assert (got["text"], got["files"]) == (want["text"], want["files"])
            assert got["origin"] in (minute, None)  # the first message keeps no origin line


def test_jira_service_management_to_intercom(tmp_path, pair):
    source, target, _, _ = pair("jira_sm", "intercom")
    db, _ = migrate(tmp_path, source, target)
    expected = jsm_reader.snapshot(source.url, source.credentials)
    actual = intercom_reader.snapshot(target.url, target.credentials)
    mapping = id_map(db, "ticket")
    assert sorted(mapping) == sorted(expected) and len(actual) == len(mapping)
    for issue_id, jsm in expected.items():
        ic = actual[mapping[issue_id]]
        assert (ic["title"], ic["requester"]) == (jsm["subject"], jsm["requester"])
        assert [(m["text"], m["public"] or n == 0, m["created_at"])
                for n, m in enumerate(ic["messages"])] == [
            (m["text"], m["public"], m["created_at"]) for m in jsm["messages"]], jsm["subject"]
