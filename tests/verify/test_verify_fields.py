"""``deskmigrate verify`` compares what the canonical records carry beyond names and
messages: a ticket's priority, type, group and CCs, a contact's phone, other emails,
company and tags; and reports a tag only the target has. Zendesk to Zendesk (which keeps
all of them): clean after the migration, then every field changed in the target's store
behind the tool's back is reported."""

from __future__ import annotations

import json

from click.testing import CliRunner
from e2e_accounts import write_config
from tamper import Desk

from deskmigrate.cli import cli
from deskmigrate.core import exits


def verify(db) -> tuple[int, dict]:
    result = CliRunner().invoke(cli, ["--db", str(db), "verify", "1", "--json"])
    return result.exit_code, json.loads(result.stdout)


def test_verify_compares_ticket_and_contact_details(tmp_path, pair) -> None:
    source, target, target_file = pair("zendesk", "zendesk")
    mine = Desk(tmp_path / "source.sqlite")  # the pair's copy of the seeded source
    users = mine.docs("users")
    phoned = next(u for u in users if u.get("phone"))
    tagged = next(u for u in users if u.get("tags"))
    ticket = next(t for t in mine.docs("tickets") if t.get("type") and t.get("group_id"))
    ticket["email_cc_ids"] = [phoned["id"]]  # the ticket copies a contact
    mine.put("tickets", ticket)
    config = write_config(tmp_path / "c.toml", source, target)
    db = tmp_path / "state.sqlite"
    result = CliRunner().invoke(cli, ["--db", str(db), "migrate", "--config", str(config)])
    assert result.exit_code == 0, result.output
    code, clean = verify(db)
    cc = f"cc {phoned['email'].lower()}"
    # The CC round-trips (the writer sets email_cc_ids, which the reader reads): clean.
    assert code == 0 and clean["ok"], clean
    assert [r["status"] for r in clean["records"] if r["status"] not in ("identical",
                                                                          "differs")] == []

    theirs = Desk(target_file)
    copy = next(t for t in theirs.docs("tickets") if t["subject"] == ticket["subject"])
    assert copy["email_cc_ids"] == [next(u["id"] for u in theirs.docs("users")
                                         if u["email"] == phoned["email"])]  # remove it
    other_group = next(g["id"] for g in theirs.docs("groups") if g["id"] != copy["group_id"])
    copy.update(priority="urgent" if ticket["priority"] != "urgent" else "low",
                type="task" if ticket["type"] != "task" else "question",
                group_id=other_group, email_cc_ids=[], collaborator_ids=[],
                tags=[*copy["tags"], "added-by-hand"])
    theirs.put("tickets", copy)
    for user in theirs.docs("users"):
        if user["email"] == phoned["email"]:
            theirs.put("users", {**user, "phone": "+1-555-0000000", "organization_id": None})
        elif user["email"] == tagged["email"]:
            theirs.put("users", {**user, "tags": []})

    code, found = verify(db)
    assert code == exits.FAILURES and not found["ok"]
    fields = {(r["kind"], r["source_id"]): {d["field"] for d in r["differences"]}
              for r in found["records"] if r["status"] == "differs"}
    assert fields == {
        ("ticket", str(ticket["id"])): {"priority", "type", "group", cc,
                                        "unexpected tag added-by-hand"},
        ("contact", str(phoned["id"])): {"phone", "company"},
        ("contact", str(tagged["id"])): {f"tag {tagged['tags'][0]}"},
    }
