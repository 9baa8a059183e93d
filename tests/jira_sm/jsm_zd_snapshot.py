"""Zendesk tickets as the jira_sm comparisons need them, through the shared independent
Zendesk reader (plain httpx)."""

from __future__ import annotations

import hashlib
import html
from typing import Any

from selectolax.lexbor import LexborHTMLParser
from zendesk_reader import Lookups, client, export_tickets, pages


def words(body_html: str) -> str:
    """The words of an HTML body, one space apart (images by their name)."""
    tree = LexborHTMLParser(body_html or "")
    for img in tree.css("img"):
        img.replace_with(" ")
    text = tree.body.text(separator=" ") if tree.body is not None else ""
    return " ".join(html.unescape(text).split())


def snapshot(url: str, credentials: dict[str, str]) -> dict[str, dict[str, Any]]:
    with client(url, credentials) as http:
        look = Lookups.read(http)
        roles = {u["email"]: u["role"] for u in pages(http, "/api/v2/users.json", "users")}
        out = {}
        for ticket in export_tickets(http):
            comments = pages(http, f"/api/v2/tickets/{ticket['id']}/comments.json"
                                   "?include_inline_images=true", "comments")
            out[str(ticket["id"])] = {
                **look.ticket(ticket), "external_id": ticket.get("external_id"),
                "requester_role": roles.get(look.users.get(ticket.get("requester_id"))),
                "comments": [{
                    "author": look.users.get(c["author_id"]), "public": c["public"],
                    "created_at": c["created_at"],
                    "text": words(c.get("html_body") or ""),
                    "files": sorted(hashlib.sha256(http.get(a["content_url"])
                                                   .raise_for_status().content).hexdigest()
                                    for a in c.get("attachments") or []),
                } for c in sorted(comments, key=lambda c: (c["created_at"], c["id"]))]}
        return out
