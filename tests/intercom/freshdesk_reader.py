"""An independent reader of a Freshdesk account (plain httpx) shaped like the Intercom
reader's conversations, for the Freshdesk <-> Intercom comparisons."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from typing import Any

from freshdesk_http import client, rows
from intercom_reader import letters

ORIGIN = re.compile(r'^<p class="deskmigrate-origin"><em>Originally posted by .*? on '
                    r'(\d{4}-\d\d-\d\d \d\d:\d\d) UTC</em></p>', re.S)
STATUS = {2: "open", 3: "pending", 4: "solved", 5: "closed"}


def epoch(stamp: str) -> int:
    return int(datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp())


def snapshot(url: str, credentials: dict[str, str]) -> dict[str, dict[str, Any]]:
    """Every ticket (spam and trash too) with its messages: the description, then every
    conversation. A migration's "Originally posted by ... on TIME" line gives ``origin``."""
    with client(url, credentials) as http:
        users = {a["id"]: a["contact"]["email"] for a in rows(http, "/agents")}
        for state in (None, "deleted", "blocked"):
            users |= {c["id"]: c.get("email")
                      for c in rows(http, "/contacts", {"state": state} if state else {})}

        def message(author: int, body: str, created: str, public: bool, files: list[dict]
                    ) -> dict[str, Any]:
            origin = ORIGIN.match(body)
            return {"author": users.get(author), "public": public, "created_at": epoch(created),
                    "origin": origin.group(1) if origin else None,
                    "text": letters(body[origin.end():] if origin else body),
                    "files": sorted(hashlib.sha256(http.get(f["attachment_url"]).content)
                                    .hexdigest() for f in files)}

        out: dict[str, dict[str, Any]] = {}
        for name in (None, "spam", "deleted"):
            params = {"updated_since": "1970-01-01T00:00:00Z", **({"filter": name} if name
                                                                   else {})}
            for row in rows(http, "/tickets", params):
                view = http.get(f"/tickets/{row['id']}").raise_for_status().json()
                out[str(row["id"])] = {
                    "subject": view["subject"], "status": STATUS[view["status"]],
                    "tags": sorted(view.get("tags") or []),
                    "requester": users.get(view["requester_id"]),
                    "messages": [message(view["requester_id"], view["description"],
                                         view["created_at"], True, view["attachments"])] + [
                        message(c["user_id"], c["body"], c["created_at"], not c["private"],
                                c["attachments"])
                        for c in rows(http, f"/tickets/{row['id']}/conversations")]}
        return out


def agents(url: str, credentials: dict[str, str]) -> set[str]:
    with client(url, credentials) as http:
        return {a["contact"]["email"] for a in rows(http, "/agents")}


def people_records(url: str, credentials: dict[str, str]
                   ) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """Contacts by email (name, phone, company names, tags, custom fields by label) and
    companies by name (domains, custom fields by label), as the Intercom reader's."""
    with client(url, credentials) as http:
        def labels(kind: str) -> dict[str, str]:
            return {f["name"]: f["label"] for f in http.get(f"/{kind}_fields").json()
                    if not f.get("default")}

        def custom(kind: dict[str, str], row: dict) -> dict[str, Any]:
            return {kind[k]: v for k, v in (row.get("custom_fields") or {}).items()
                    if v is not None}

        contact_labels, company_labels = labels("contact"), labels("company")
        rows_by_id = {c["id"]: c for c in rows(http, "/companies")}
        companies = {c["name"]: {"domains": c.get("domains") or [],
                                 "custom": custom(company_labels, c)}
                     for c in rows_by_id.values()}
        contacts = {c["email"]: {
            "name": c["name"], "phone": c.get("phone"),
            "companies": sorted(rows_by_id[n]["name"] for n in [c.get("company_id")] if n),
            "tags": sorted(c.get("tags") or []), "custom": custom(contact_labels, c)}
            for c in rows(http, "/contacts") if c.get("email")}
        return contacts, companies
