"""Delta after real activity in the source (through its API), Zendesk <-> Intercom and
Intercom -> Freshdesk: new conversations once, new messages once on the right conversations,
state and tags carried; and rollback of a Zendesk -> Intercom run, which deletes what the
run created and keeps what it matched."""

from __future__ import annotations

import intercom_reader
from click.testing import CliRunner
from e2e_accounts import id_map
from ic_e2e import (
    TICKETS,
    assert_intercom_in_zendesk,
    cli_json,
    full_then_delta,
    intercom_activity,
    write_config,
    zendesk_snapshot,
)
from test_intercom_e2e import check_zendesk_to_intercom
from test_intercom_freshdesk import check_intercom_to_freshdesk
from zendesk_reader import client as zendesk_client

from deskmigrate.cli import cli
from deskmigrate.plugins.zendesk.sandbox.activity import simulate


def test_delta_zendesk_to_intercom_then_nothing(tmp_path, pair):
    source, target, _, _ = pair("zendesk", "intercom")
    db = tmp_path / "state.db"
    full = cli_json(db, "migrate", "--config",
                    str(write_config(tmp_path / "c.toml", source, target)))
    with zendesk_client(source.url, source.credentials) as http:
        simulate(http, new=2, updated=3, seed=8)
    delta = cli_json(db, "delta", str(full["run_id"]))
    assert delta["status"] == "completed"
    assert delta["records"]["ticket"]["migrated"] == 5
    assert len(check_zendesk_to_intercom(source, target, db)) == TICKETS + 2
    again = cli_json(db, "delta", str(full["run_id"]))
    assert all(row["migrated"] == 0 for row in again["records"].values())


def test_delta_intercom_to_zendesk(tmp_path, pair):
    source, target, source_app, _ = pair("intercom", "zendesk")
    db, _, late = full_then_delta(tmp_path, source, target, intercom_activity(
        source, source_app, new=2, updated=3, seed=4), changed=5)
    expected = intercom_reader.snapshot(source.url, source.credentials)
    actual, mapping = zendesk_snapshot(target), id_map(db, "ticket")
    assert len(expected) == TICKETS + 2
    for cid, conversation in expected.items():
        assert_intercom_in_zendesk(conversation, actual[mapping[cid]], late)


def test_delta_intercom_to_freshdesk_then_nothing(tmp_path, pair):
    source, target, source_app, _ = pair("intercom", "freshdesk")
    db, full, late = full_then_delta(tmp_path, source, target, intercom_activity(
        source, source_app, new=2, updated=2, seed=5), changed=4)
    check_intercom_to_freshdesk(source, target, db, late)
    again = cli_json(db, "delta", str(full["run_id"]))
    assert all(row["migrated"] == 0 for row in again["records"].values())


def test_rollback_deletes_what_the_run_created_and_keeps_the_rest(tmp_path, pair):
    """A contact of the same email and a top-level collection of the same name as a Zendesk
    category (with an article of its own) were in Intercom before: both are reused, the
    category's sections go inside that collection, and the rollback keeps them."""
    source, target, _, target_app = pair("zendesk", "intercom")
    with zendesk_client(source.url, source.credentials) as http:
        user = http.get("/api/v2/users.json?role=end-user").json()["users"][0]
        category = http.get("/api/v2/help_center/categories.json").json()["categories"][0]
    with intercom_reader.client(target.url, target.credentials) as http:
        kept = http.post("/contacts", json={"email": user["email"], "name": "Already here"}
                         ).raise_for_status().json()["id"]
        shelf = http.post("/help_center/collections", json={"name": category["name"]}
                          ).raise_for_status().json()["id"]
        admin = http.get("/me").raise_for_status().json()["id"]
        theirs = http.post("/articles", json={
            "title": "Ours already", "author_id": int(admin), "parent_id": int(shelf),
            "parent_type": "collection"}).raise_for_status().json()["id"]
    db = tmp_path / "state.db"
    full = cli_json(db, "migrate", "--config",
                    str(write_config(tmp_path / "c.toml", source, target)))
    assert id_map(db, "contact")[str(user["id"])] == kept  # matched, not created
    assert id_map(db, "kb_category")[str(category["id"])] == str(shelf)  # reused
    store = target_app.store
    tops = [c["name"] for c in store.query("collections") if c.get("parent_id") is None]
    assert tops.count(category["name"]) == 1  # never duplicated
    kb = intercom_reader.help_center(target.url, target.credentials)
    assert sum(a["category"] == category["name"] for a in kb) > 1  # its articles went in it
    result = CliRunner().invoke(cli, ["--db", str(db), "rollback", str(full["run_id"]),
                                      "--yes"])
    assert result.exit_code == 0, result.output
    assert store.count("conversations") == store.count("companies") == 0
    assert [str(c["id"]) for c in store.query("collections")] == [str(shelf)]
    assert [str(a["id"]) for a in store.query("articles")] == [str(theirs)]
    assert [c["email"] for c in store.query("contacts")] == [user["email"]]
    created = [a for a in store.query("data_attributes") if a["model"] != "conversation"]
    assert created and all(a.get("archived") for a in created)  # cannot be deleted
