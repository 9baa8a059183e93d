"""The Zendesk target's agents: matched by email from one paged listing of the account's
agents (no search per agent), created in one bulk job otherwise, found again after a crash."""

from __future__ import annotations

import pytest
from zendesk_support import URL, MapContext, Recording, api_client, sandbox

from deskmigrate.core.connect import connect
from deskmigrate.core.connector import Found
from deskmigrate.core.records import Agent
from deskmigrate.plugins.zendesk import client
from deskmigrate.plugins.zendesk.platform import ZendeskPlatform
from deskmigrate.plugins.zendesk.sandbox import ZendeskSandbox

PLATFORM = ZendeskPlatform()


@pytest.fixture
def account(tmp_path) -> ZendeskSandbox:
    """A target with its owner, five agents and an end user."""
    app = sandbox(tmp_path / "target.sqlite", tickets=0, seed=3)
    api = api_client(app)
    users = [{"name": f"Agent {n}", "email": f"agent{n}@example.com", "role": "agent"}
             for n in range(5)] + [{"name": "Eve", "email": "eve@example.com"}]
    for user in users:
        assert api.post("/api/v2/users.json", json={"user": user}).status_code == 201
    return app


def test_agents_matched_by_email_from_one_paged_listing(account: ZendeskSandbox,
                                                         monkeypatch) -> None:
    monkeypatch.setattr(client, "PAGE_SIZE", 2)  # owner + 5 agents: three pages of two
    recording = Recording(account.transport())
    target = PLATFORM.target(connect(PLATFORM, URL, account.credentials(),
                                     transport=recording, rate_per_minute=1_000_000))
    ctx = MapContext(default_agent="")
    agents = [Agent(source_id=str(n), name=f"A {n}", email=f"AGENT{n}@Example.com")
              for n in (0, 4)]
    agents += [Agent(source_id="7", name="New", email="new@example.com"),
               Agent(source_id="8", name="Eve", email="eve@example.com")]
    results = target.write("agent", agents, ctx)

    ids = {u["email"]: str(u["id"]) for u in api_client(account).get(
        "/api/v2/users.json", params={"page[size]": 100}).json()["users"]}
    assert [(r.target_id, r.matched) for r in results[:2]] == [
        (ids["agent0@example.com"], True), (ids["agent4@example.com"], True)]
    assert not results[2].matched and results[2].target_id == ids["new@example.com"]
    # an end user with the email is no agent to match: its email is taken, the job says so
    assert results[3].target_id == ids["eve@example.com"] and results[3].matched
    assert recording.paths.count("/api/v2/users.json") == 3  # every page, once
    assert not any(p.startswith("/api/v2/users/search") for p in recording.paths[:3])

    # the agent just created is known without reading the listing again
    assert target.find_agent("New@example.com") == ids["new@example.com"]
    assert recording.paths.count("/api/v2/users.json") == 3


def test_an_interrupted_agent_is_found_by_stamp_then_by_email(account: ZendeskSandbox
                                                              ) -> None:
    target = PLATFORM.target(connect(PLATFORM, URL, account.credentials(),
                                     transport=account.transport(), rate_per_minute=1_000_000))
    ctx = MapContext(default_agent="")
    [made] = target.write("agent", [Agent(source_id="9", name="N", email="n@example.com")], ctx)
    assert target.find("agent", Agent(source_id="9", name="N", email="n@example.com"),
                       ctx) == Found(made.target_id or "", owned=True)
    existing = target.find("agent", Agent(source_id="1", name="A", email="agent1@example.com"),
                           ctx)
    assert existing is not None and not existing.owned

    assert target.delete("agent", [made.target_id or ""]) == [made.target_id]
    # deleted agents are read again from the account, not from what was remembered
    assert target.find_agent("n@example.com") is None
