"""An independent reader of a Zendesk account through its public API, for end-to-end
comparisons. It shares no code with the connector under test."""

from __future__ import annotations

import hashlib
from typing import Any

import httpx
from zendesk_reader import IMG_SRC, client, export_tickets, pages


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
