"""An independent reader of an Intercom workspace through its public API (plain httpx),
for end-to-end comparisons; it shares no code with the connector under test.

A conversation reads as its messages in order: the first message (``source``) and every
part with a body (comments, notes, and replies that reopened or closed it). A note that
only carries the files of the message before it ("Files of ...", how files beyond ten or
from customers arrive) is folded into that message."""

from __future__ import annotations

import hashlib
from typing import Any

import httpx
from selectolax.lexbor import LexborHTMLParser

STATE_PARTS = {"assignment", "snoozed", "close", "open"}


def client(url: str, credentials: dict[str, str]) -> httpx.Client:
    return httpx.Client(base_url=url, timeout=30, headers={
        "Authorization": f"Bearer {credentials['token']}", "Intercom-Version": "2.14"})


def letters(html: str | None) -> str:
    """The letters and digits of a body's text (markup-independent)."""
    text = LexborHTMLParser(html).text(separator=" ") if html else ""
    return "".join(ch for ch in text or "" if ch.isalnum())


def cursor_rows(http: httpx.Client, path: str, key: str) -> list[dict[str, Any]]:
    rows, params = [], {"per_page": 150}
    while True:
        body = http.get(path, params=params).raise_for_status().json()
        rows += body[key]
        following = (body.get("pages") or {}).get("next")
        if not following:
            return rows
        params["starting_after"] = following["starting_after"]


def people(http: httpx.Client) -> dict[str, str]:
    """Contact and admin ids -> emails."""
    out = {c["id"]: c["email"] for c in cursor_rows(http, "/contacts", "data")}
    out.update({a["id"]: a["email"] for a in http.get("/admins").json()["admins"]})
    return out


def conversation(http: httpx.Client, cid: str, who: dict[str, str]) -> dict[str, Any]:
    body = http.get(f"/conversations/{cid}").raise_for_status().json()
    source = body["source"]

    def files(items: list[dict]) -> list[str]:
        return [hashlib.sha256(http.get(f["url"]).raise_for_status().content).hexdigest()
                for f in items]

    messages = [{"author": who.get(source["author"]["id"]), "public": True,
                 "created_at": body["created_at"], "text": letters(source["body"]),
                 "files": files(source["attachments"])}]
    for part in body["conversation_parts"]["conversation_parts"]:
        if part["part_type"] in STATE_PARTS and not part.get("body"):
            continue
        text = letters(part.get("body"))
        if part["part_type"] == "note" and text.startswith("Filesof"):
            messages[-1]["files"] += files(part["attachments"])
            continue
        messages.append({"author": who.get(part["author"]["id"]),
                         "public": part["part_type"] != "note",
                         "created_at": part["created_at"], "text": text,
                         "files": files(part["attachments"])})
    for message in messages:
        message["files"] = sorted(message["files"])
    contacts = body["contacts"]["contacts"]
    return {"title": body.get("title"), "state": body["state"],
            "tags": sorted(t["name"] for t in body["tags"]["tags"]),
            "requester": who.get(contacts[0]["id"]) if contacts else None,
            "custom": body.get("custom_attributes") or {}, "messages": messages}


def snapshot(url: str, credentials: dict[str, str]) -> dict[str, dict[str, Any]]:
    """Every conversation, keyed by id."""
    with client(url, credentials) as http:
        who = people(http)
        return {c["id"]: conversation(http, c["id"], who)
                for c in cursor_rows(http, "/conversations", "conversations")}


def contacts(url: str, credentials: dict[str, str]) -> dict[str, dict[str, Any]]:
    """Contacts by email: name, company names, tag names."""
    with client(url, credentials) as http:
        out = {}
        for row in cursor_rows(http, "/contacts", "data"):
            companies = http.get(f"/contacts/{row['id']}/companies").json()["data"]
            tags = {t["id"]: t["name"] for t in http.get("/tags").json()["data"]}
            out[row["email"]] = {"name": row["name"],
                                 "companies": sorted(c["name"] for c in companies),
                                 "tags": sorted(tags[t["id"]] for t in row["tags"]["data"])}
        return out


def help_center(url: str, credentials: dict[str, str]) -> list[dict[str, Any]]:
    """Every article with its collection path and every language version (an article
    straight in a top-level collection has that collection as category and folder)."""
    with client(url, credentials) as http:
        collections = {c["id"]: c for c in http.get(
            "/help_center/collections", params={"per_page": 150}).json()["data"]}
        out = []
        for article in http.get("/articles", params={"per_page": 150}).json()["data"]:
            folder = collections[str(article["parent_id"])]
            category = collections.get(str(folder["parent_id"]), folder)
            versions = {locale: {"title": v["title"], "body": letters(v["body"]),
                                 "draft": v["state"] == "draft"}
                        for locale, v in article["translated_content"].items()
                        if locale != "type" and v}
            out.append({"category": category["name"], "folder": folder["name"],
                        "versions": versions})
        return out


def people_records(url: str, credentials: dict[str, str]
                   ) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """Contacts by email (name, phone, company names, tag names, custom attributes by
    label) and companies by name (website's host, tag names, custom attributes by label)."""
    with client(url, credentials) as http:
        labels = {(a["model"], a["name"]): a.get("label") or a["name"]
                  for a in http.get("/data_attributes").raise_for_status().json()["data"]}
        tags = {t["id"]: t["name"] for t in http.get("/tags").json()["data"]}

        def custom(model: str, row: dict) -> dict[str, Any]:
            return {labels[(model, k)]: v for k, v in (row.get("custom_attributes") or {})
                    .items() if v is not None}

        contacts = {}
        for row in cursor_rows(http, "/contacts", "data"):
            companies = http.get(f"/contacts/{row['id']}/companies").json()["data"]
            contacts[row["email"]] = {
                "name": row["name"], "phone": row.get("phone"),
                "companies": sorted(c["name"] for c in companies),
                "tags": sorted(tags[t["id"]] for t in row["tags"]["data"]),
                "custom": custom("contact", row)}
        companies, page, pages = {}, 1, 1
        while page <= pages:
            body = http.get("/companies", params={"per_page": 50, "page": page}).json()
            pages, page = body["pages"]["total_pages"], page + 1
            for row in body["data"]:
                companies[row["name"]] = {
                    "domains": [httpx.URL(row["website"]).host] if row.get("website") else [],
                    "tags": sorted(t["name"] for t in row["tags"]["tags"]),
                    "custom": custom("company", row)}
        return contacts, companies
