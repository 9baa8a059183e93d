"""Freshdesk -> Intercom and Intercom -> Freshdesk through the CLI over loopback, read back
and compared conversation by conversation, message by message."""

from __future__ import annotations

from datetime import UTC, datetime

import freshdesk_reader
import intercom_reader
from e2e_accounts import id_map
from ic_e2e import migrate

OWNER = "owner@sandbox.example"
STATE_TO_FD = {"open": "open", "snoozed": "pending", "closed": "solved"}


def check_freshdesk_to_intercom(source, target, db) -> None:
    """Every migrated Freshdesk ticket is one conversation, message by message."""
    expected = freshdesk_reader.snapshot(source.url, source.credentials)
    actual = intercom_reader.snapshot(target.url, target.credentials)
    mapping = id_map(db, "ticket")
    assert set(mapping) <= set(expected) and len(mapping) > 0
    assert len(set(mapping.values())) == len(mapping) == len(actual)  # nothing twice
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


def check_intercom_to_freshdesk(source, target, db, late: int | None = None) -> None:
    """Every conversation is one Freshdesk ticket, message by message; messages from
    ``late`` on came with a delta (Freshdesk dates them itself: only the origin line)."""
    expected = intercom_reader.snapshot(source.url, source.credentials)
    actual = freshdesk_reader.snapshot(target.url, target.credentials)
    mapping = id_map(db, "ticket")
    assert set(expected) <= set(mapping)  # Intercom tickets (``ticket-…``) come too
    assert len(set(mapping.values())) == len(mapping) == len(actual)  # nothing twice
    for cid, ic in expected.items():
        fd = actual[mapping[cid]]
        assert fd["requester"] == ic["requester"]
        assert fd["status"] == STATE_TO_FD[ic["state"]], cid
        assert [t for t in fd["tags"] if not t.startswith("dm-")] == ic["tags"], cid
        assert len(fd["messages"]) == len(ic["messages"]), ic["title"]
        for want, got in zip(ic["messages"], fd["messages"], strict=True):
            minute = datetime.fromtimestamp(want["created_at"], UTC).strftime("%Y-%m-%d %H:%M")
            assert (got["text"], got["files"]) == (want["text"], want["files"])
            assert got["origin"] in (minute, None)  # the first message keeps no origin line
            assert late is None or want["created_at"] < late or got["origin"] == minute


def test_freshdesk_to_intercom(tmp_path, pair):
    source, target, _, _ = pair("freshdesk", "intercom")
    db, result = migrate(tmp_path, source, target)
    assert result["records"]["ticket"]["migrated"] == len(id_map(db, "ticket"))
    check_freshdesk_to_intercom(source, target, db)
    # Freshdesk's files are signed links: Intercom downloads them, so a customer's files
    # come with the customer's message, never on a "Files of ..." note
    with intercom_reader.client(target.url, target.credentials) as http:
        messages = []
        for cid in id_map(db, "ticket").values():
            body = http.get(f"/conversations/{cid}").json()
            messages += [body["source"], *body["conversation_parts"]["conversation_parts"]]
    assert not [m for m in messages if "Files of" in (m.get("body") or "")]
    assert any(m["attachments"] and m["author"]["type"] == "user" for m in messages)


def test_intercom_to_freshdesk(tmp_path, pair):
    source, target, _, _ = pair("intercom", "freshdesk")
    db, _ = migrate(tmp_path, source, target)
    check_intercom_to_freshdesk(source, target, db)
    check_people(source, target, db)


def check_people(source, target, db) -> None:
    """Every Intercom contact and company is one Freshdesk contact and company, field by
    field, read back through Freshdesk's API (company tags have no place in Freshdesk)."""
    contacts, companies = intercom_reader.people_records(source.url, source.credentials)
    fd_contacts, fd_companies = freshdesk_reader.people_records(target.url,
                                                                target.credentials)
    assert len(id_map(db, "contact")) == len(contacts) == len(fd_contacts)
    assert len(id_map(db, "company")) == len(companies) == len(fd_companies)
    for email, person in contacts.items():
        assert fd_contacts[email] == {**person, "companies": person["companies"][:1]}, email
    for name, company in companies.items():
        assert fd_companies[name] == {"domains": company["domains"],
                                      "custom": company["custom"]}, name
    assert any(p["custom"] for p in contacts.values()) and any(
        p["companies"] for p in contacts.values()) and any(p["tags"] for p in contacts.values())
    assert any(p["phone"] for p in contacts.values())
    assert all(c["domains"] and c["custom"] for c in companies.values())
