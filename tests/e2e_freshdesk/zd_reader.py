"""An independent reader of a Zendesk account through its public API, for the Freshdesk
end-to-end comparisons. It shares no code with the connectors under test."""

from __future__ import annotations

import hashlib
from typing import Any

from zendesk_reader import IMG_SRC, Lookups, client, export_tickets, pages


def snapshot(url: str, credentials: dict[str, str]) -> dict[str, dict[str, Any]]:
    """Every ticket as a comparable dict keyed by its id; ``external_id`` kept."""
    with client(url, credentials) as http:
        look = Lookups.read(http)
        out = {}
        for ticket in export_tickets(http):
            comments = sorted(  # conversation order (a voice comment may be added late)
                pages(http, f"/api/v2/tickets/{ticket['id']}/comments.json"
                            "?include_inline_images=true", "comments"),
                key=lambda c: (c["created_at"], c["id"]))
            out[str(ticket["id"])] = {
                "external_id": ticket.get("external_id"), **look.ticket(ticket),
                "comments": [{
                    "author": look.users.get(c["author_id"]), "public": c["public"],
                    "created_at": c["created_at"],
                    "body": IMG_SRC.sub(r"\1IMG\2", c.get("html_body") or c.get("body") or ""),
                    "attachments": sorted(
                        hashlib.sha256(http.get(a["content_url"]).raise_for_status().content
                                       ).hexdigest() for a in c.get("attachments") or []),
                    "inline": sum(1 for a in c.get("attachments") or [] if a.get("inline")),
                } for c in comments],
            }
        return out


def agents(url: str, credentials: dict[str, str]) -> list[dict[str, Any]]:
    with client(url, credentials) as http:
        return [u for u in pages(http, "/api/v2/users.json?role[]=agent&role[]=admin", "users")]


def articles(url: str, credentials: dict[str, str]) -> list[dict[str, Any]]:
    """Every Help Center article with its language versions, in tree order."""
    with client(url, credentials) as http:
        hc = "/api/v2/help_center"
        out = []
        for category in pages(http, f"{hc}/categories.json", "categories"):
            for section in pages(http, f"{hc}/categories/{category['id']}/sections.json",
                                 "sections"):
                for article in pages(http, f"{hc}/sections/{section['id']}/articles.json",
                                     "articles"):
                    versions = pages(http, f"{hc}/articles/{article['id']}/translations.json",
                                     "translations")
                    out.append({
                        "category": category["name"], "folder": section["name"],
                        "source_locale": article.get("source_locale") or article["locale"],
                        "versions": {v["locale"]: {"title": v["title"], "body": v["body"],
                                                   "draft": bool(v["draft"])}
                                     for v in versions}})
        return out
