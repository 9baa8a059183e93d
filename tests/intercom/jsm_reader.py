"""An independent reader of a Jira Service Management project (plain httpx) shaped like the
Intercom reader's conversations: the description then every comment, ADF text by letters."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx


def adf_letters(node: Any) -> str:
    """The letters and digits of every text node of an ADF document."""
    if isinstance(node, dict):
        own = node.get("text") if node.get("type") == "text" else ""
        return "".join(ch for ch in own or "" if ch.isalnum()) + "".join(
            adf_letters(child) for child in node.get("content") or [])
    return ""


def epoch(stamp: str) -> int:
    return int(datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%f%z").timestamp())


def snapshot(url: str, credentials: dict[str, str]) -> dict[str, dict[str, Any]]:
    """Every issue of the service desk's project, keyed by issue key."""
    auth = (credentials["email"], credentials["token"])
    with httpx.Client(base_url=url, auth=auth, timeout=30) as http:
        jql = {"jql": f"project = {credentials['service_desk']}", "maxResults": 100,
               "fields": "summary,reporter,description,created"}
        out = {}
        while True:
            body = http.get("/rest/api/3/search/jql", params=jql).raise_for_status().json()
            for issue in body["issues"]:
                fields = issue["fields"]
                comments = http.get(f"/rest/api/3/issue/{issue['key']}/comment").json()
                out[issue["key"]] = {
                    "subject": fields["summary"],
                    "requester": (fields.get("reporter") or {}).get("emailAddress"),
                    "messages": [{"text": adf_letters(fields.get("description")),
                                  "public": True, "created_at": epoch(fields["created"])}] + [
                        {"text": adf_letters(c["body"]), "public": c["jsdPublic"],
                         "created_at": epoch(c["created"])} for c in comments["comments"]]}
            if body.get("isLast", True):
                return out
            jql["nextPageToken"] = body["nextPageToken"]
