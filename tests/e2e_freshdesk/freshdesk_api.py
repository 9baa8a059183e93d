"""An independent reader of a Freshdesk account through its public REST API v2, for
end-to-end comparisons. It shares no code with the connector under test."""

from __future__ import annotations

import hashlib
import re
from typing import Any

import httpx
from freshdesk_http import client, rows

ORIGIN = re.compile(r'^<p class="deskmigrate-origin"><em>Originally posted by (.*?) on '
                    r'(\d{4}-\d\d-\d\d \d\d:\d\d) UTC</em></p>', re.S)
IMG_SRC = re.compile(r'(<img[^>]*?\bsrc=")[^"]*(")')
EPOCH = "1970-01-01T00:00:00Z"


def people(http: httpx.Client) -> dict[int, str]:
    """User id -> email for agents and contacts (deleted and blocked ones too)."""
    emails = {a["id"]: a["contact"]["email"] for a in rows(http, "/agents")}
    for state in (None, "deleted", "blocked"):
        for contact in rows(http, "/contacts", {"state": state} if state else {}):
            emails[contact["id"]] = contact.get("email")
    return emails


def tickets(http: httpx.Client) -> list[dict]:
    """Every ticket once: the plain list, spam and trash."""
    seen: dict[int, dict] = {}
    for name in (None, "spam", "deleted"):
        params = {"updated_since": EPOCH, "order_by": "updated_at", "order_type": "asc"}
        for row in rows(http, "/tickets", {**params, **({"filter": name} if name else {})}):
            seen.setdefault(row["id"], row)
    return list(seen.values())


def digest(http: httpx.Client, files: list[dict]) -> list[str]:
    return sorted(hashlib.sha256(http.get(f["attachment_url"]).raise_for_status().content
                                 ).hexdigest() for f in files)


def message(http: httpx.Client, users: dict[int, str], author: int, body: str,
            created_at: str, public: bool, files: list[dict]) -> dict[str, Any]:
    """One message; a migration's "Originally posted by" line is split from the body."""
    origin = ORIGIN.match(body)
    return {"author": users.get(author), "public": public, "created_at": created_at,
            "origin": origin.groups() if origin else None,
            "body": IMG_SRC.sub(r"\1IMG\2", body[origin.end():] if origin else body),
            "attachments": digest(http, files)}


def snapshot(url: str, credentials: dict[str, str]) -> dict[str, dict[str, Any]]:
    """Every ticket as a comparable dict keyed by its id."""
    with client(url, credentials) as http:
        users = people(http)
        companies = {c["id"]: c["name"] for c in rows(http, "/companies")}
        groups = {g["id"]: g["name"] for g in rows(http, "/groups")}
        labels = {f["name"]: f["label"] for f in http.get("/ticket_fields").json()
                  if not f["default"]}
        out = {}
        for row in tickets(http):
            view = http.get(f"/tickets/{row['id']}").raise_for_status().json()
            first = message(http, users, view["requester_id"], view["description"],
                            view["created_at"], True, view["attachments"])
            notes = [message(http, users, c["user_id"], c["body"], c["created_at"],
                             not c["private"], c["attachments"])
                     for c in rows(http, f"/tickets/{row['id']}/conversations")]
            out[str(row["id"])] = {
                "subject": view["subject"], "status": view["status"],
                "priority": view["priority"], "type": view.get("type"),
                "tags": sorted(view.get("tags") or []),
                "spam": bool(view.get("spam")), "deleted": bool(view.get("deleted")),
                "custom_fields": {labels[k]: v for k, v in view["custom_fields"].items()
                                  if v not in (None, "", False)},
                "requester": users.get(view["requester_id"]),
                "assignee": users.get(view.get("responder_id")),
                "company": companies.get(view.get("company_id")),
                "group": groups.get(view.get("group_id")),
                "created_at": view["created_at"],
                "comments": [first, *notes],
            }
        return out


def emails_sent(url: str, credentials: dict[str, str]) -> list[dict]:
    """The sandbox's outbox (sandbox only): every email a reply would have sent."""
    with client(url, credentials) as http:
        return http.get(f"{url}/_sandbox/emails").raise_for_status().json()


def articles(url: str, credentials: dict[str, str]) -> list[dict[str, Any]]:
    """Every solution article with its language versions, in tree order."""
    with client(url, credentials) as http:
        settings = http.get("/settings/helpdesk").json()
        others = [lang for lang in settings["supported_languages"]
                  if lang != settings["primary_language"]]
        out = []
        for category in http.get("/solutions/categories").json():
            for folder in http.get(f"/solutions/categories/{category['id']}/folders").json():
                path = f"/solutions/folders/{folder['id']}/articles"
                versions = {lang: {a["id"]: a for a in rows(http, f"{path}/{lang}")}
                            for lang in others}
                for article in rows(http, path):
                    out.append({
                        "category": category["name"], "folder": folder["name"],
                        "versions": {settings["primary_language"]: _version(article),
                                     **{lang: _version(found[article["id"]])
                                        for lang, found in versions.items()
                                        if article["id"] in found}}})
        return out


def _version(article: dict) -> dict[str, Any]:
    return {"title": article["title"], "body": article["description"],
            "draft": article["status"] == 1}
