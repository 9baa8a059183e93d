"""Freshdesk → Zendesk through the CLI over loopback HTTP, read back through Zendesk's API
and compared ticket by ticket and message by message (Zendesk keeps times and authors)."""

from __future__ import annotations

import freshdesk_api
import zd_reader
from fd_compare import freshdesk_in_zendesk
from fd_e2e_support import TICKETS, Account, cli_json, write_config


def assert_freshdesk_kept(source: Account, target: Account) -> dict:
    expected = freshdesk_api.snapshot(source.url, source.credentials)
    actual = {str(t["external_id"]).rsplit("-", 1)[-1]: t
              for t in zd_reader.snapshot(target.url, target.credentials).values()}
    assert sorted(actual) == sorted(expected)  # nothing missing, nothing twice
    for ticket_id, ticket in expected.items():
        freshdesk_in_zendesk(ticket, actual[ticket_id])
    return expected


def test_freshdesk_to_zendesk_keeps_every_ticket_message_and_time(tmp_path, pair):
    source, target = pair("freshdesk", "zendesk")
    result = cli_json(tmp_path / "state.db", "migrate", "--config",
                      str(write_config(tmp_path / "c.toml", source, target)))
    assert result["status"] == "completed"
    assert result["records"]["ticket"] == {"total": TICKETS, "migrated": TICKETS,
                                           "skipped": 0, "failed": 0}
    tickets = assert_freshdesk_kept(source, target)
    comments = [c for t in tickets.values() for c in t["comments"]]
    assert sum(len(c["attachments"]) for c in comments) > 5
    assert any(t["spam"] for t in tickets.values()) and any(t["deleted"]
                                                           for t in tickets.values())
    assert any("<img" in c["body"] for c in comments)
    assert freshdesk_api.emails_sent(source.url, source.credentials) == []
