"""Helpers of the options end-to-end tests: sandboxes (in-process or on loopback), configs,
runs through the runner or the CLI, and small independent readers of each target's API."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from click.testing import CliRunner

from deskmigrate.cli import cli
from deskmigrate.core import host
from deskmigrate.core import runner as rn
from deskmigrate.core.config import parse
from deskmigrate.core.sandboxes import open_sandbox
from deskmigrate.core.state import StateStore
from deskmigrate.sandbox import SandboxApp

TICKETS = 60
SEEDS = {"zendesk": 9, "freshdesk": 3}
PORTS = {"source": 8301, "target": 8302}  # in-process URLs (no socket is opened)
NEXT = re.compile(r'<([^>]+)>\s*;\s*rel="next"')


@dataclass
class Side:
    """One account of a migration: its platform, sandbox app and base URL."""

    platform: str
    app: SandboxApp
    url: str

    def http(self) -> httpx.Client:
        """A plain client with the sandbox's credentials (an independent reader)."""
        creds = self.app.credentials()
        auth = ((creds["api_key"], "X") if self.platform == "freshdesk"
                else (f"{creds['email']}/token", creds["token"]))
        return httpx.Client(transport=self.app.transport(), base_url=self.url, auth=auth,
                            timeout=30)

    def table(self, name: str) -> str:
        lines = [f"[{name}]", f'platform = "{self.platform}"', f'url = "{self.url}"',
                 "rate_limit = 100000"]  # the sandboxes are unthrottled: so is the client
        lines += [f'{k} = "{v}"' for k, v in self.app.credentials().items()]
        return "\n".join(lines) + "\n"


def make_side(folder: Path, seeded: dict[str, Path], platform: str, role: str) -> Side:
    """A copy of the seeded ``platform`` source, or an empty target."""
    path = folder / f"{role}-{platform}.sqlite"
    if role == "source":
        shutil.copy(seeded[platform], path)
        app = open_sandbox(platform, path, tickets=TICKETS, seed=SEEDS[platform])
    else:
        app = open_sandbox(platform, path, tickets=0, seed=0)
    return Side(platform, app, f"http://127.0.0.1:{PORTS[role]}")


def migrate(folder: Path, source: Side, target: Side, options: dict[str, Any]
            ) -> dict[str, Any]:
    """A full run in-process through the runner; its summary."""
    config = parse({
        "source": {"platform": source.platform, "url": source.url, "rate_limit": 100_000,
                   **source.app.credentials()},
        "target": {"platform": target.platform, "url": target.url, "rate_limit": 100_000,
                   **target.app.credentials()},
        "options": options, "billing": {"enforce": False}})
    launch = rn.Launch(transports={"source": source.app.transport(),
                                   "target": target.app.transport()})
    state = StateStore(folder / "state.db")
    return rn.start_run(config, "full", state=state, pm=host.new_plugin_manager(),
                        launch=launch)


def run_cli(*args: str) -> Any:
    """``deskmigrate ARGS`` in-process (click's runner); its result."""
    return CliRunner().invoke(cli, list(args))


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# -- Zendesk reader ---------------------------------------------------------------------
def zd_pages(http: httpx.Client, path: str, key: str, **params: Any) -> list[dict]:
    rows: list[dict] = []
    url: str | None = path
    query: dict[str, Any] | None = {**params, "page[size]": 100}
    while url:
        body = http.get(url, params=query).raise_for_status().json()
        rows += body[key]
        url, query = (body["links"]["next"], None) if body["meta"]["has_more"] else (None, None)
    return rows


def zd_tickets(http: httpx.Client) -> list[dict]:
    body = http.get("/api/v2/incremental/tickets/cursor.json", params={"start_time": 0}).json()
    return [t for t in body["tickets"] if t["status"] != "deleted"]


def zd_comments(http: httpx.Client, ticket_id: int) -> list[dict]:
    return zd_pages(http, f"/api/v2/tickets/{ticket_id}/comments.json", "comments",
                    include_inline_images="true")


def zd_side_conversations(http: httpx.Client, ticket_id: int) -> list[dict]:
    """Side conversations with their events (``include=events``), offset pages."""
    body = http.get(f"/api/v2/tickets/{ticket_id}/side_conversations.json",
                    params={"include": "events"}).raise_for_status().json()
    events: dict[str, list[dict]] = {}
    for event in body.get("events", []):
        events.setdefault(event["side_conversation_id"], []).append(event)
    return [{**c, "events": events.get(c["id"], [])} for c in body["side_conversations"]]


def zd_source_of(ticket: dict) -> str:
    """The source ticket id a migrated ticket carries in its external id."""
    return str(ticket["external_id"]).rsplit("-", 1)[-1]


# -- Freshdesk reader -------------------------------------------------------------------
def fd_rows(http: httpx.Client, path: str, **params: Any) -> list[dict]:
    out: list[dict] = []
    response = http.get(path, params={"per_page": 100, **params})
    while True:
        out += response.raise_for_status().json()
        match = NEXT.search(response.headers.get("link", ""))
        if match is None:
            return out
        response = http.get(match.group(1))


def fd_tickets(http: httpx.Client) -> list[dict]:
    return fd_rows(http, "/api/v2/tickets", updated_since="1970-01-01T00:00:00Z",
                   order_by="updated_at", order_type="asc")


def fd_conversations(http: httpx.Client, ticket_id: int) -> list[dict]:
    return fd_rows(http, f"/api/v2/tickets/{ticket_id}/conversations")


def summary_json(result: Any) -> dict[str, Any]:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)
