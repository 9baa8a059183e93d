"""An independent reader of a Zendesk account through its public API, for end-to-end
comparisons. It shares no code with the connector under test."""

from __future__ import annotations

import hashlib
import re
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
    """Every ticket (archived ones too) through the incremental cursor export."""
    rows: list[dict[str, Any]] = []
    body = http.get("/api/v2/incremental/tickets/cursor.json", params={"start_time": 0}).json()
    rows.extend(body["tickets"])
    while not body["end_of_stream"]:
        body = http.get("/api/v2/incremental/tickets/cursor.json",
                        params={"cursor": body["after_cursor"]}).json()
        rows.extend(body["tickets"])
    return rows


def snapshot(url: str, credentials: dict[str, str], *, key: str = "id"
             ) -> dict[str, dict[str, Any]]:
    """Every ticket as a comparable dict, keyed by its id (or by the source id found in its
    ``external_id`` when ``key="external_id"``)."""
    with client(url, credentials) as http:
        users = {u["id"]: u["email"] for u in pages(http, "/api/v2/users.json", "users")}
        orgs = {o["id"]: o["name"] for o in pages(http, "/api/v2/organizations.json",
                                                   "organizations")}
        groups = {g["id"]: g["name"] for g in pages(http, "/api/v2/groups.json", "groups")}
        fields = {f["id"]: f for f in pages(http, "/api/v2/ticket_fields.json",
                                            "ticket_fields")}
        out: dict[str, dict[str, Any]] = {}
        for ticket in export_tickets(http):
            if ticket.get("status") == "deleted":
                continue
            comments = pages(http, f"/api/v2/tickets/{ticket['id']}/comments.json"
                                   "?include_inline_images=true", "comments")
            ident = str(ticket["id"]) if key == "id" else str(ticket["external_id"]).rsplit(
                "-", 1)[-1]
            out[ident] = {
                "subject": ticket["subject"],
                "status": ticket["status"],
                "priority": ticket.get("priority"),
                "type": ticket.get("type"),
                "tags": sorted(ticket.get("tags") or []),
                "custom_fields": {fields[f["id"]]["title"]: _named(fields[f["id"]], f["value"])
                                  for f in ticket.get("custom_fields") or []
                                  if f.get("value") not in (None, "", False, [])},
                "requester": users.get(ticket.get("requester_id")),
                "assignee": users.get(ticket.get("assignee_id")),
                "organization": orgs.get(ticket.get("organization_id")),
                "group": groups.get(ticket.get("group_id")),
                "created_at": ticket.get("created_at"),
                # in time order (an account may list a late-added voice comment last)
                "comments": sorted((_comment(http, c, users) for c in comments),
                                   key=lambda c: (c["created_at"], c["body"])),
            }
        return out


def _named(field: dict[str, Any], value: Any) -> Any:
    """Drop-down values by option name: each account has its own option tags."""
    names = {o["value"]: o["name"] for o in field.get("custom_field_options") or []}
    if isinstance(value, list):
        return sorted(names.get(v, v) for v in value)
    return names.get(value, value)


def _comment(http: httpx.Client, comment: dict[str, Any], users: dict[int, str]
             ) -> dict[str, Any]:
    digests = sorted(hashlib.sha256(http.get(a["content_url"]).raise_for_status().content
                                    ).hexdigest() for a in comment.get("attachments") or [])
    return {
        "author": users.get(comment["author_id"]),
        "public": comment["public"],
        "created_at": comment["created_at"],
        "body": IMG_SRC.sub(r"\1IMG\2", comment.get("html_body") or comment.get("body") or ""),
        "attachments": digests,
    }
