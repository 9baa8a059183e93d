"""An independent reader of a Zendesk account through its public API, for end-to-end
comparisons. It shares no code with the connector under test."""

from __future__ import annotations

import hashlib
from typing import Any

import httpx
from zendesk_reader import IMG_SRC, Lookups, client, export_tickets, pages


def snapshot(url: str, credentials: dict[str, str], *, key: str = "id"
             ) -> dict[str, dict[str, Any]]:
    """Every ticket as a comparable dict, keyed by its id (or by the source id found in its
    ``external_id`` when ``key="external_id"``)."""
    with client(url, credentials) as http:
        look = Lookups.read(http)
        out: dict[str, dict[str, Any]] = {}
        for ticket in export_tickets(http):
            comments = pages(http, f"/api/v2/tickets/{ticket['id']}/comments.json"
                                   "?include_inline_images=true", "comments")
            ident = str(ticket["id"]) if key == "id" else str(ticket["external_id"]).rsplit(
                "-", 1)[-1]
            # comments in time order (an account may list a late-added voice comment last)
            out[ident] = {**look.ticket(ticket), "comments": sorted(
                (_comment(http, c, look.users) for c in comments),
                key=lambda c: (c["created_at"], c["body"]))}
        return out


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
