"""Freshdesk <-> Jira Service Management through the CLI over loopback, each side read back
by an independent reader (the Freshdesk one is the e2e suite's) and compared."""

from __future__ import annotations

import sys
from pathlib import Path

import jsm_api_reader
from jsm_zd_snapshot import words
from test_jira_sm_e2e import migrate_all

sys.path.append(str(Path(__file__).resolve().parents[1] / "e2e_freshdesk"))
import freshdesk_api  # noqa: E402  the Freshdesk e2e suite's reader, shared

FD_TO_JSM_STATUS = {2: "In progress", 3: "Waiting for customer", 4: "Resolved", 5: "Closed"}
JSM_TO_FD_STATUS = {"Waiting for support": 2, "In progress": 2, "Waiting for customer": 3,
                    "Pending": 3, "Resolved": 4, "Closed": 5, "Canceled": 5}
STATUS_TAGS = {"Waiting for support": "status-new", "Pending": "status-on-hold"}


def assert_freshdesk_in_jsm(source, target) -> None:
    """Every Freshdesk ticket is one request, field by field and comment by comment."""
    freshdesk = freshdesk_api.snapshot(source.url, source.credentials)
    requests = jsm_api_reader.snapshot(target.url, target.credentials)
    jsm = {r["origin"]["sourceId"]: r for r in requests.values()}
    assert sorted(jsm) == sorted(freshdesk) and len(requests) == len(jsm)  # none twice
    with freshdesk_api.client(source.url, source.credentials) as http:
        contacts = {c.get("email") for state in (None, "deleted", "blocked") for c in
                    freshdesk_api.rows(http, "/contacts", {"state": state} if state else {})}
    for ticket_id, fd in freshdesk.items():
        request = jsm[ticket_id]
        assert request["summary"] == fd["subject"]
        assert request["status"] == FD_TO_JSM_STATUS[fd["status"]]
        kept = sorted(t.replace(" ", "_") for t in fd["tags"])
        assert [t for t in request["labels"] if not t.startswith("type-")] == kept
        assert all(t[5:] in (fd["type"] or "").lower().replace(" ", "-")
                   for t in request["labels"] if t.startswith("type-"))  # a type as a tag
        customer = fd["requester"] in contacts
        assert request["reporter"] == (fd["requester"] if customer
                                       else target.credentials["email"])
        assert request["organizations"] == ([fd["company"]] if fd["company"] else [])
        assert len(request["comments"]) == len(fd["comments"])
        for before, after in zip(fd["comments"], request["comments"], strict=True):
            header, _, body = after["text"].partition(")")
            assert before["created_at"][:16].replace("T", " ") in header
            assert body.split() == words(before["body"]).split()
            assert after["public"] == before["public"]
        assert request["files"] == sorted(f for c in fd["comments"]
                                          for f in c["attachments"])


def assert_jsm_in_freshdesk(source, target) -> None:
    """Every request is one Freshdesk ticket (nothing twice: subjects are unique)."""
    jsm = jsm_api_reader.snapshot(source.url, source.credentials)
    tickets = freshdesk_api.snapshot(target.url, target.credentials)
    freshdesk = {t["subject"]: t for t in tickets.values()}
    assert sorted(freshdesk) == sorted(r["summary"] for r in jsm.values())
    assert len(tickets) == len(freshdesk)  # none twice
    for request in jsm.values():
        fd = freshdesk[request["summary"]]
        assert fd["status"] == JSM_TO_FD_STATUS[request["status"]]
        extra = {STATUS_TAGS[request["status"]]} if request["status"] in STATUS_TAGS else set()
        assert sorted(t for t in fd["tags"] if not t.startswith("dm-")) == sorted(
            {*request["labels"], *extra})
        assert fd["requester"] == request["reporter"]
        assert fd["company"] == (request["organizations"] or [None])[0]
        assert len(fd["comments"]) == len(request["comments"])
        for before, after in zip(request["comments"], fd["comments"], strict=True):
            assert after["origin"][1] == before["created"][:16].replace("T", " ")
            assert words(after["body"]).split() == before["text"].split()
            assert after["public"] == before["public"]
        assert sorted(f for c in fd["comments"] for f in c["attachments"]) == \
            request["attached"]


def test_freshdesk_to_jsm(tmp_path, pair):
    assert_freshdesk_in_jsm(*migrate_all(tmp_path, pair, "freshdesk", "jira_sm"))


def test_jsm_to_freshdesk(tmp_path, pair):
    assert_jsm_in_freshdesk(*migrate_all(tmp_path, pair, "jira_sm", "freshdesk"))
