"""Helpers of the Intercom end-to-end tests: loopback accounts, config files, the CLI
in-process, the id map, a Zendesk reader built on tests/support, and the comparisons."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import intercom_reader
from e2e_accounts import Account, cli_json
from e2e_accounts import write_config as shared_config
from zendesk_reader import Lookups, client, export_tickets, option_names, pages

TICKETS = 12
SEEDS = {"zendesk": 13, "intercom": 17, "freshdesk": 19, "jira_sm": 23}
ZD_TO_STATE = {"new": "open", "open": "open", "pending": "snoozed", "hold": "snoozed",
               "solved": "closed", "closed": "closed"}
STATE_TO_ZD = {"open": "open", "snoozed": "pending", "closed": "solved"}


def write_config(path: Path, source: Account, target: Account) -> Path:
    """Both accounts, billing off, KB translations on (where both sides have a KB)."""
    options = "" if "jira_sm" in (source.platform, target.platform) else (
        "[options]\nkb_translations = true\n")
    return shared_config(path, source, target, options)


def epoch(stamp: str) -> int:
    return int(datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp())


def zendesk_snapshot(account: Account) -> dict[str, dict[str, Any]]:
    """Every Zendesk ticket with its comments, as the Intercom reader shapes them."""
    with client(account.url, account.credentials) as http:
        look = Lookups.read(http)
        out = {}
        for ticket in export_tickets(http):
            comments = sorted(pages(http, f"/api/v2/tickets/{ticket['id']}/comments.json"
                                          "?include_inline_images=true", "comments"),
                              key=lambda c: (c["created_at"], c["id"]))
            out[str(ticket["id"])] = {**look.ticket(ticket), "messages": [{
                "author": look.users.get(c["author_id"]), "public": c["public"],
                "created_at": epoch(c["created_at"]),
                "text": intercom_reader.letters(c.get("html_body") or c.get("body")),
                "files": sorted(hashlib.sha256(http.get(a["content_url"]).content).hexdigest()
                                for a in c.get("attachments") or []),
            } for c in comments]}
        return out


def zendesk_agents(account: Account) -> set[str]:
    with client(account.url, account.credentials) as http:
        return {u["email"] for u in pages(http, "/api/v2/users.json?role[]=agent&role[]=admin",
                                          "users")}


def assert_zendesk_in_intercom(zd: dict, ic: dict, *, agents: set[str], owner: str) -> None:
    """Intercom conversation ``ic`` is what Zendesk ticket ``zd`` must become: agents with no
    Intercom admin are the default admin (``owner``); a customer's private comment is a note
    by the owner."""
    assert ic["title"] == zd["subject"]
    assert ic["requester"] == zd["requester"]
    assert ic["state"] == ZD_TO_STATE[zd["status"]]
    assert ic["tags"] == zd["tags"]
    assert len(ic["messages"]) == len(zd["messages"]), zd["subject"]
    for want, got in zip(zd["messages"], ic["messages"], strict=True):
        author = owner if want["author"] in agents or not want["public"] else want["author"]
        if got is ic["messages"][0]:
            author = zd["requester"]  # the first message is the requester's
        assert (got["text"], got["public"], got["created_at"], got["files"]) == (
            want["text"] or got["text"], want["public"] or got is ic["messages"][0],
            want["created_at"], want["files"]), zd["subject"]
        assert got["author"] == author


def assert_intercom_in_zendesk(ic: dict, zd: dict, late: int | None = None) -> None:
    """Zendesk ticket ``zd`` is what Intercom conversation ``ic`` must become (admins were
    created as agents with the same emails). Messages from ``late`` on came with a delta:
    Zendesk adds them to an existing ticket at its own time, so only their order counts."""
    assert zd["subject"] == ic["title"] or ic["title"] is None
    assert zd["requester"] == ic["requester"]
    assert zd["status"] == STATE_TO_ZD[ic["state"]]
    assert zd["tags"] == ic["tags"]
    def when(stamp: int) -> int | None:
        return None if late is not None and stamp >= late else stamp

    got = [(m["author"], m["public"], when(m["created_at"]), m["text"][:40], m["files"])
           for m in zd["messages"]]
    want = [(m["author"], m["public"], when(m["created_at"]), m["text"][:40], m["files"])
            for m in ic["messages"]]
    assert got == want, f"{got} != {want}"


def zendesk_articles(account: Account) -> dict[str, dict[str, Any]]:
    """Zendesk articles by the title of their source locale: every version's locale (as
    Intercom names it: ``en-us`` is ``en``), title, text and draft flag."""
    with client(account.url, account.credentials) as http:
        out = {}
        for article in pages(http, "/api/v2/help_center/articles.json", "articles"):
            versions = pages(http, f"/api/v2/help_center/articles/{article['id']}/"
                                   "translations.json", "translations")
            out[article["title"]] = {v["locale"].split("-")[0]: {
                "title": v["title"], "body": intercom_reader.letters(v["body"]),
                "draft": bool(v["draft"])} for v in versions}
        return out


def zendesk_organizations(account: Account) -> dict[str, dict[str, Any]]:
    """Organizations by name: domains, tags, custom fields by title (as the Intercom
    reader's companies)."""
    with client(account.url, account.credentials) as http:
        fields = {f["key"]: f for f in pages(
            http, "/api/v2/organization_fields.json", "organization_fields")}
        return {o["name"]: {"domains": o.get("domain_names") or [],
                            "tags": sorted(o.get("tags") or []),
                            "custom": {fields[k]["title"]: option_names(fields[k], v)
                                       for k, v in
                                       (o.get("organization_fields") or {}).items()
                                       if v is not None}}
                for o in pages(http, "/api/v2/organizations.json", "organizations")}


def zendesk_contacts(account: Account) -> dict[str, dict[str, Any]]:
    """End users by email: name, company names, tag names (as the Intercom reader)."""
    with client(account.url, account.credentials) as http:
        look = Lookups.read(http)
        return {u["email"]: {"name": u["name"],
                             "companies": sorted(filter(None, [look.orgs.get(
                                 u.get("organization_id"))])),
                             "tags": sorted(u.get("tags") or [])}
                for u in pages(http, "/api/v2/users.json?role=end-user", "users")
                if u.get("email") and u.get("active", True)}


def migrate(folder: Path, source: Account, target: Account) -> tuple[Path, dict]:
    """A full run through the CLI that completes with no failed ticket: (state db, summary)."""
    db = folder / "state.db"
    result = cli_json(db, "migrate", "--config", str(write_config(folder / "c.toml", source,
                                                                  target)))
    assert result["status"] == "completed" and result["records"]["ticket"]["failed"] == 0
    return db, result


def full_then_delta(folder: Path, source: Account, target: Account,
                    activity: Callable[[], dict[str, int]], changed: int
                    ) -> tuple[Path, dict, int]:
    """A full run, ``activity()`` in the source through its API (it says what it did:
    ``changed`` tickets in all), then a delta that migrates exactly those: (state db, the
    full run's summary, the epoch second before the activity)."""
    db, full = migrate(folder, source, target)
    late = int(time.time()) - 1
    assert sum(activity().values()) == changed
    delta = cli_json(db, "delta", str(full["run_id"]))
    assert delta["status"] == "completed"
    assert delta["records"]["ticket"] == {"total": changed, "migrated": changed,
                                          "skipped": 0, "failed": 0}
    return db, full, late


def intercom_activity(account: Account, app: Any, **kwargs: int) -> Callable[[], dict]:
    """New and answered conversations in an Intercom sandbox, through its API."""
    def run() -> dict[str, int]:
        with intercom_reader.client(account.url, account.credentials) as http:
            return app.activity(http, **kwargs)
    return run
