"""Zendesk → Freshdesk through the CLI over loopback HTTP, read back through Freshdesk's
API and compared ticket by ticket and message by message; no email is ever sent."""

from __future__ import annotations

import freshdesk_api
import zd_reader
from fd_compare import zendesk_in_freshdesk
from fd_e2e_support import TICKETS, Account, cli_json, id_map, write_config


def seat_agents(source: Account, target: Account, seats: int = 3) -> set[str]:
    """Give a few Zendesk agents a Freshdesk seat (as an operator does before a
    migration); the others are replaced by the default agent."""
    emails = sorted(a["email"] for a in zd_reader.agents(source.url, source.credentials)
                    if a["role"] == "agent")[:seats]
    with freshdesk_api.client(target.url, target.credentials) as http:
        for email in emails:
            http.post("/agents", json={"email": email, "ticket_scope": 1,
                                       "name": email.split("@")[0]}).raise_for_status()
    return set(emails)


def assert_zendesk_kept(source: Account, target: Account, db, fd_agents: set[str]) -> dict:
    expected = zd_reader.snapshot(source.url, source.credentials)
    actual = freshdesk_api.snapshot(target.url, target.credentials)
    zd_agents = {a["email"] for a in zd_reader.agents(source.url, source.credentials)}
    with freshdesk_api.client(target.url, target.credentials) as http:
        owner = http.get("/agents/me").json()["contact"]["email"]
    mapping = id_map(db, "ticket")
    assert sorted(mapping) == sorted(expected)
    assert sorted(mapping.values()) == sorted(actual)  # nothing twice, nothing else
    for source_id, ticket in expected.items():
        zendesk_in_freshdesk(ticket, actual[mapping[source_id]], owner=owner,
                             zd_agents=zd_agents, fd_agents=fd_agents)
    assert freshdesk_api.emails_sent(target.url, target.credentials) == []
    return expected


def test_zendesk_to_freshdesk_keeps_every_ticket_message_and_field(tmp_path, pair):
    source, target = pair("zendesk", "freshdesk")
    fd_agents = seat_agents(source, target)
    db = tmp_path / "state.db"
    result = cli_json(db, "migrate", "--config",
                      str(write_config(tmp_path / "c.toml", source, target)))
    assert result["status"] == "completed"
    assert result["records"]["ticket"] == {"total": TICKETS, "migrated": TICKETS,
                                           "skipped": 0, "failed": 0}
    assert result["records"]["field"]["failed"] == 0
    tickets = assert_zendesk_kept(source, target, db, fd_agents)
    comments = [c for t in tickets.values() for c in t["comments"]]
    assert sum(len(c["attachments"]) for c in comments) > 10
    assert any(t["custom_fields"] for t in tickets.values())
    assert any(not c["public"] for c in comments)
