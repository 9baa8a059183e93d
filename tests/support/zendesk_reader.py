"""Primitives of an independent Zendesk API reader for end-to-end comparisons (plain
httpx; it shares no code with the connector under test)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import httpx

IMG_SRC = re.compile(r'(<img[^>]*?\bsrc=")[^"]*(")')


def client(url: str, credentials: dict[str, str]) -> httpx.Client:
    auth = (f"{credentials['email']}/token", credentials["token"])
    return httpx.Client(base_url=url, auth=auth, timeout=30)


def pages(http: httpx.Client, path: str, key: str) -> list[dict[str, Any]]:
    """Every row of a cursor-paginated list, following ``links.next`` as given."""
    rows: list[dict[str, Any]] = []
    url: str | None = f"{path}{'&' if '?' in path else '?'}page[size]=100"
    while url:
        body = http.get(url).raise_for_status().json()
        rows.extend(body[key])
        url = body["links"]["next"] if body["meta"]["has_more"] else None
    return rows


def export_tickets(http: httpx.Client) -> list[dict[str, Any]]:
    """Every live ticket (archived ones too) through the incremental cursor export."""
    body = http.get("/api/v2/incremental/tickets/cursor.json", params={"start_time": 0}).json()
    rows = list(body["tickets"])
    while not body["end_of_stream"]:
        body = http.get("/api/v2/incremental/tickets/cursor.json",
                        params={"cursor": body["after_cursor"]}).json()
        rows.extend(body["tickets"])
    return [t for t in rows if t.get("status") != "deleted"]


def option_names(field: dict[str, Any], value: Any) -> Any:
    """Drop-down values by option name: each account has its own option tags."""
    names = {o["value"]: o["name"] for o in field.get("custom_field_options") or []}
    if isinstance(value, list):
        return sorted(names.get(v, v) for v in value)
    return names.get(value, value)


@dataclass
class Lookups:
    """Who and what the ids of one account stand for."""

    users: dict[int, str]
    orgs: dict[int, str]
    groups: dict[int, str]
    fields: dict[int, dict[str, Any]]

    @classmethod
    def read(cls, http: httpx.Client) -> Lookups:
        return cls(
            users={u["id"]: u["email"] for u in pages(http, "/api/v2/users.json", "users")},
            orgs={o["id"]: o["name"] for o in pages(http, "/api/v2/organizations.json",
                                                     "organizations")},
            groups={g["id"]: g["name"] for g in pages(http, "/api/v2/groups.json", "groups")},
            fields={f["id"]: f for f in pages(http, "/api/v2/ticket_fields.json",
                                              "ticket_fields")})

    def ticket(self, ticket: dict[str, Any]) -> dict[str, Any]:
        """A ticket's comparable fields, ids replaced by emails and names."""
        return {
            "subject": ticket["subject"], "status": ticket["status"],
            "priority": ticket.get("priority"), "type": ticket.get("type"),
            "tags": sorted(ticket.get("tags") or []),
            "custom_fields": {self.fields[f["id"]]["title"]:
                              option_names(self.fields[f["id"]], f["value"])
                              for f in ticket.get("custom_fields") or []
                              if f.get("value") not in (None, "", False, [])},
            "requester": self.users.get(ticket.get("requester_id")),
            "assignee": self.users.get(ticket.get("assignee_id")),
            "company": self.orgs.get(ticket.get("organization_id")),
            "group": self.groups.get(ticket.get("group_id")),
            "created_at": ticket.get("created_at"),
        }
