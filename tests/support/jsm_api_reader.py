"""An independent reader of a Jira Service Management site through its public API (plain
httpx), for end-to-end comparisons. It shares no code with the connector under test."""

from __future__ import annotations

import hashlib
import re
from typing import Any

import httpx

ORIGIN = "deskmigrate.origin"


def client(url: str, credentials: dict[str, str]) -> httpx.Client:
    return httpx.Client(base_url=url, auth=(credentials["email"], credentials["token"]),
                        timeout=30, follow_redirects=True)


def text(node: Any) -> str:
    """The words of an ADF document, one space apart; ``[image: NAME]`` stand-ins of
    images a migration could not show inline are left out."""
    parts: list[str] = []

    def walk(n: Any) -> None:
        if isinstance(n, dict):
            if n.get("type") == "text":
                parts.append(n.get("text", ""))
            for child in n.get("content") or []:
                walk(child)
            if n.get("type") in ("paragraph", "listItem", "heading", "codeBlock"):
                parts.append(" ")

    walk(node)
    return " ".join(re.sub(r"\[image: [^\]]*\]", " ", "".join(parts)).split())


def media(node: Any) -> list[str]:
    """File names of the inline images (media nodes) of an ADF document."""
    if not isinstance(node, dict):
        return []
    own = [(node.get("attrs") or {}).get("alt", "")] if node.get("type") == "media" else []
    return own + [n for child in node.get("content") or [] for n in media(child)]


def issues(http: httpx.Client, project: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    token = None
    while True:
        params = {"jql": f"project = {project} ORDER BY created ASC", "fields": "*all",
                  "properties": ORIGIN, "maxResults": 50}
        if token:
            params["nextPageToken"] = token
        body = http.get("/rest/api/3/search/jql", params=params).raise_for_status().json()
        rows += body["issues"]
        token = body.get("nextPageToken")
        if body["isLast"]:
            return rows


def snapshot(url: str, credentials: dict[str, str]) -> dict[str, dict[str, Any]]:
    """Every request of the configured desk keyed by its key: fields, people by email,
    comments in order (the description first) with their files' sha256."""
    project = credentials["service_desk"]
    with client(url, credentials) as http:
        out = {}
        for issue in issues(http, project):
            fields = issue["fields"]
            files = [(a["filename"], hashlib.sha256(http.get(a["content"]).raise_for_status()
                                                    .content).hexdigest())
                     for a in fields.get("attachment") or []]
            comments = http.get(f"/rest/api/3/issue/{issue['key']}/comment",
                                params={"expand": "properties", "maxResults": 100}
                                ).raise_for_status().json()["comments"]
            inline = {n for body in [fields.get("description"), *(c["body"] for c in comments)]
                      for n in media(body)}
            out[issue["key"]] = {
                "origin": issue.get("properties", {}).get(ORIGIN),
                "summary": fields["summary"], "status": fields["status"]["name"],
                "priority": fields["priority"]["name"], "labels": sorted(fields["labels"]),
                "reporter": (fields.get("reporter") or {}).get("emailAddress"),
                "assignee": (fields.get("assignee") or {}).get("emailAddress"),
                "organizations": [o["name"] for o in fields.get("customfield_10002") or []],
                "request_type": (fields.get("customfield_10010") or {}).get(
                    "requestType", {}).get("name"),
                "files": sorted(h for _, h in files),
                "attached": sorted(h for n, h in files if n not in inline),
                "comments": [{"text": text(fields.get("description")), "public": True,
                              "author": (fields.get("reporter") or {}).get("emailAddress"),
                              "created": fields["created"]}] + [
                    {"text": text(c["body"]), "public": c["jsdPublic"],
                     "author": c["author"]["emailAddress"], "created": c["created"],
                     "origin": next((p["value"] for p in c.get("properties") or []
                                     if p["key"] == ORIGIN), None)} for c in comments],
            }
        return out


def organizations(url: str, credentials: dict[str, str]) -> dict[str, list[str]]:
    """Organization name -> member emails."""
    with client(url, credentials) as http:
        out = {}
        orgs = http.get("/rest/servicedeskapi/organization", params={"limit": 100}).json()
        for org in orgs["values"]:
            members = http.get(f"/rest/servicedeskapi/organization/{org['id']}/user",
                               params={"limit": 100}).json()["values"]
            out[org["name"]] = sorted(m["emailAddress"] for m in members)
        return out
