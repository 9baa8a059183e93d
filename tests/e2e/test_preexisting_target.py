"""A target that already holds some of the source's agents, contacts, companies, groups,
fields and a Help Center category (same emails, names and titles): killed at several
points, resumed, then rolled back. Memberships are complete before the rollback; afterwards
every record that was there before is unchanged and everything the run created is gone: its
tickets, Help Center items (a crash orphan too) and the group memberships it gave agents
that were there before."""

from __future__ import annotations

import subprocess
import sys
from contextlib import ExitStack
from typing import Any

import httpx
import pytest
from e2e_runs import ENV, kill_and_resume
from e2e_support import Account, write_config
from zendesk_reader import client, pages

from deskmigrate.core.sandboxes import open_sandbox
from deskmigrate.sandbox import serve_in_thread

TICKETS = 30
KILL_POINTS = [
    "SELECT count(*) FROM outcomes WHERE kind='agent' AND status='pending'",
    "SELECT count(*) FROM outcomes WHERE kind='contact' AND status='migrated'",
    "SELECT count(*) FROM outcomes WHERE kind='ticket' AND status='pending'",
    "SELECT count(*) FROM outcomes WHERE kind='kb_article' AND status='pending'",
]
KEEP = {"users": ("name", "email", "role", "active", "external_id"),
        "organizations": ("name", "external_id", "domain_names"),
        "groups": ("name", "description", "deleted"), "ticket_fields": ("title", "type"),
        "categories": ("name", "description"), "sections": ("name", "category_id"),
        "articles": ("title", "section_id")}
HC = "/api/v2/help_center"


def live(http: httpx.Client) -> dict[str, dict[int, dict[str, Any]]]:
    """Everything live in a Zendesk account that a migration may write, by id."""
    users = [u for u in pages(http, "/api/v2/users.json", "users") if u["active"]]
    groups = [g for g in pages(http, "/api/v2/groups.json", "groups") if not g["deleted"]]
    return {"users": {u["id"]: u for u in users},
            "organizations": {o["id"]: o for o in pages(http, "/api/v2/organizations.json",
                                                        "organizations")},
            "groups": {g["id"]: g for g in groups},
            "ticket_fields": {f["id"]: f for f in pages(http, "/api/v2/ticket_fields.json",
                                                        "ticket_fields")},
            "tickets": {t["id"]: t for t in pages(http, "/api/v2/tickets.json", "tickets")},
            **{key: {i["id"]: i for i in pages(http, f"{HC}/{key}.json", key)}
               for key in ("categories", "sections", "articles")}}


def shown(records: dict[int, dict[str, Any]], collection: str) -> dict[int, tuple]:
    return {i: tuple(r.get(k) for k in KEEP[collection]) for i, r in records.items()}


def preload(source: httpx.Client, target: httpx.Client) -> None:
    """Give the target two of the source's agents, three contacts, two companies, one
    group and one ticket field, made by hand before any migration."""
    agents = [u for u in pages(source, "/api/v2/users.json?role[]=agent", "users")][:2]
    contacts = [u for u in pages(source, "/api/v2/users.json?role[]=end-user", "users")][:3]
    for user in agents + contacts:
        target.post("/api/v2/users.json", json={"user": {
            "name": f"{user['name']} (theirs)", "email": user["email"],
            "role": user["role"]}}).raise_for_status()
    for org in pages(source, "/api/v2/organizations.json", "organizations")[:2]:
        target.post("/api/v2/organizations.json", json={"organization": {
            "name": org["name"]}}).raise_for_status()
    group = pages(source, "/api/v2/groups.json", "groups")[0]
    target.post("/api/v2/groups.json", json={"group": {
        "name": group["name"], "description": "theirs"}}).raise_for_status()
    field = next(f for f in pages(source, "/api/v2/ticket_fields.json", "ticket_fields")
                 if f.get("removable", True) and f["type"] == "text")
    target.post("/api/v2/ticket_fields.json", json={"ticket_field": {
        "type": "text", "title": field["title"]}}).raise_for_status()
    category = pages(source, f"{HC}/categories.json", "categories")[0]
    target.post(f"{HC}/categories.json", json={"category": {
        "name": category["name"], "description": "theirs"}}).raise_for_status()


def memberships(http: httpx.Client) -> set[tuple[str, str]]:
    users = {u["id"]: u["email"] for u in pages(http, "/api/v2/users.json", "users")}
    groups = {g["id"]: g["name"] for g in pages(http, "/api/v2/groups.json", "groups")}
    return {(users[m["user_id"]], groups[m["group_id"]])
            for m in pages(http, "/api/v2/group_memberships.json", "group_memberships")
            if m["user_id"] in users and m["group_id"] in groups}


@pytest.mark.slow
def test_kill_resume_rollback_into_a_target_that_had_some_of_it(tmp_path):
    with ExitStack() as stack:
        apps = {side: open_sandbox("zendesk", tmp_path / f"{side}.sqlite",
                                   tickets=TICKETS if side == "source" else 0,
                                   seed=11 if side == "source" else 0)
                for side in ("source", "target")}
        source, target = (Account(stack.enter_context(serve_in_thread(apps[s])),
                                  apps[s].credentials(), apps[s]) for s in ("source", "target"))
        zd_source = stack.enter_context(client(source.url, source.credentials))
        zd_target = stack.enter_context(client(target.url, target.credentials))
        preload(zd_source, zd_target)
        before, members_before = live(zd_target), memberships(zd_target)
        db = tmp_path / "state.db"
        kills, result = kill_and_resume(write_config(tmp_path / "c.toml", source, target),
                                        db, KILL_POINTS)
        assert kills >= 2 and result["status"] == "completed"
        assert result["records"]["ticket"]["migrated"] == TICKETS

        # every source agent's groups, on the agent the target maps it to
        agents = {u["email"] for u in pages(zd_source, "/api/v2/users.json?role[]=agent",
                                            "users")}
        expected = {m for m in memberships(zd_source) if m[0] in agents}
        assert expected and expected <= memberships(zd_target)
        theirs = {u["email"] for u in before["users"].values()}
        given = {m for m in memberships(zd_target) - members_before if m[0] in theirs}
        assert given  # the run put agents that were there before into groups

        rolled = subprocess.run([sys.executable, "-m", "deskmigrate", "--db", str(db),
                                 "rollback", "1", "--yes"], env=ENV, capture_output=True,
                                text=True, timeout=300)
        assert rolled.returncode == 0, rolled.stderr
        after = live(zd_target)
        for collection in KEEP:  # what was there is there, unchanged; nothing else is
            assert shown(after[collection], collection) == shown(before[collection],
                                                                 collection), collection
        assert after["tickets"] == {}
        assert memberships(zd_target) == members_before  # what it gave theirs is undone
