"""Zendesk -> Intercom and Intercom -> Zendesk through the CLI over loopback HTTP, each
target read back through its API and compared conversation by conversation, message by
message (text, reply or note, author, created_at, file bytes)."""

from __future__ import annotations

import intercom_reader
from e2e_accounts import id_map
from ic_e2e import (
    TICKETS,
    assert_intercom_in_zendesk,
    assert_zendesk_in_intercom,
    cli_json,
    write_config,
    zendesk_agents,
    zendesk_articles,
    zendesk_contacts,
    zendesk_organizations,
    zendesk_snapshot,
)


def check_zendesk_to_intercom(source, target, db) -> dict:
    expected = zendesk_snapshot(source)
    actual = intercom_reader.snapshot(target.url, target.credentials)
    mapping = id_map(db, "ticket")
    assert sorted(mapping) == sorted(expected)
    assert sorted(mapping.values()) == sorted(actual)  # nothing twice, nothing else
    agents = zendesk_agents(source)
    for source_id, ticket in expected.items():
        assert_zendesk_in_intercom(ticket, actual[mapping[source_id]], agents=agents,
                                   owner="owner@sandbox.example")
    return expected


def test_zendesk_to_intercom(tmp_path, pair):
    source, target, _, target_app = pair("zendesk", "intercom")
    db = tmp_path / "state.db"
    result = cli_json(db, "migrate", "--config",
                      str(write_config(tmp_path / "c.toml", source, target)))
    assert result["status"] == "completed"
    assert result["records"]["ticket"] == {"total": TICKETS, "migrated": TICKETS,
                                           "skipped": 0, "failed": 0}
    expected = check_zendesk_to_intercom(source, target, db)
    messages = [m for t in expected.values() for m in t["messages"]]
    assert sum(len(m["files"]) for m in messages) > 5
    assert any(not m["public"] for m in messages)
    assert target_app.versions_seen == {"2.14"}
    people = intercom_reader.contacts(target.url, target.credentials)
    for email, person in zendesk_contacts(source).items():
        assert people[email] == person, email
    assert any(p["companies"] for p in people.values())
    kb = {a["versions"]["en"]["title"]: a["versions"]
          for a in intercom_reader.help_center(target.url, target.credentials)}
    assert kb == zendesk_articles(source)  # every article in every language
    assert any(len(versions) > 1 for versions in kb.values())


def test_intercom_to_zendesk(tmp_path, pair):

    source, target, source_app, _ = pair("intercom", "zendesk")
    db = tmp_path / "state.db"
    result = cli_json(db, "migrate", "--config",
                      str(write_config(tmp_path / "c.toml", source, target)))
    assert result["status"] == "completed"
    tickets = result["records"]["ticket"]
    assert tickets["failed"] == 0 and tickets["migrated"] == tickets["total"]
    expected = intercom_reader.snapshot(source.url, source.credentials)
    actual = zendesk_snapshot(target)
    mapping = id_map(db, "ticket")
    for cid, conversation in expected.items():
        assert_intercom_in_zendesk(conversation, actual[mapping[cid]])
    assert source_app.versions_seen == {"2.14"}
    people = intercom_reader.contacts(source.url, source.credentials)
    assert zendesk_contacts(target) == {  # one Zendesk organization: the first company
        email: {**person, "companies": person["companies"][:1]}
        for email, person in people.items()}
    _, companies = intercom_reader.people_records(source.url, source.credentials)
    assert zendesk_organizations(target) == companies and companies
    kb = {a["versions"]["en"]["title"]: a["versions"]
          for a in intercom_reader.help_center(source.url, source.credentials)}
    assert len(kb) == 9  # one of them straight in a top-level collection
    assert zendesk_articles(target) == kb  # every article in every language


def test_demo_from_and_to_intercom(tmp_path, pair):
    for source_platform, target_platform in (("intercom", "zendesk"), ("zendesk", "intercom")):
        source, target, _, _ = pair(source_platform, target_platform)
        db = tmp_path / f"{source_platform}.db"
        demo = cli_json(db, "demo", "--config", str(write_config(
            tmp_path / f"{source_platform}.toml", source, target)))
        assert demo["status"] == "completed", demo
        assert (demo["source"], demo["target"]) == (source_platform, target_platform)
        assert demo["records"]["ticket"]["migrated"] > 0
        assert demo["records"]["ticket"]["failed"] == 0
        assert demo["quote"]["total"] and demo["quote"]["currency"]
