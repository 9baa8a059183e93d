"""Simulated support activity in a Jira Service Management sandbox, through the public REST
API only: new requests raised on behalf of existing customers, and open requests answered
by an agent with a public comment, a label and a move to "Waiting for customer". A client
of the emulator, it pages with the core paginators like any other client."""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any

import httpx

from deskmigrate.core.paging import (
    CursorPaginator,
    OffsetPaginator,
    PageRequest,
    RaisingClient,
)

SD = "/rest/servicedeskapi"
V3 = "/rest/api/3"


class _Lists(RaisingClient):
    """The sandbox client for servicedeskapi lists: opted in to the experimental ones (the
    desk's customers), as Atlassian asks with ``X-ExperimentalApi``."""

    def request(self, method: str, path: str, *, params: Mapping[str, Any] | None = None,
                json: Any = None) -> httpx.Response:
        return self.client.request(method, path, params=params, json=json, headers={
            "X-ExperimentalApi": "opt-in"}).raise_for_status()


def _values(client: httpx.Client, path: str) -> list[dict]:
    """Every row of a servicedeskapi list (``start``/``limit`` until ``isLastPage``)."""
    pages = OffsetPaginator(items="values", total=None)
    return list(pages.items(_Lists(client), PageRequest(f"{SD}/{path}")))


def _issues(client: httpx.Client, jql: str) -> list[dict]:
    """Every issue ``jql`` finds (``nextPageToken`` until ``isLast``)."""
    pages = CursorPaginator("nextPageToken", "nextPageToken", items="issues", done="isLast")
    return list(pages.items(RaisingClient(client), PageRequest(
        f"{V3}/search/jql", {"jql": jql, "fields": "status", "maxResults": 100})))


def _doc(text: str) -> dict:
    return {"type": "doc", "version": 1,
            "content": [{"type": "paragraph", "content": [{"type": "text", "text": text}]}]}


def simulate(client: httpx.Client, *, new: int, updated: int, seed: int) -> dict[str, int]:
    """Answer ``updated`` open requests and raise ``new`` ones on the first desk."""
    rng = random.Random(seed)
    desk = _values(client, "servicedesk")[0]
    customers = _values(client, f"servicedesk/{desk['id']}/customer")
    types = [t for t in _values(client, f"servicedesk/{desk['id']}/requesttype")
             if not any(f["required"] and f["fieldId"] not in ("summary", "description")
                        for f in client.get(f"{SD}/servicedesk/{desk['id']}/requesttype/"
                                            f"{t['id']}/field").json()["requestTypeFields"])]
    if new and not (customers and types):
        raise ValueError("the sandbox has no customers or request types to raise requests")
    found = _issues(client, f"project = {desk['projectKey']} ORDER BY created ASC")
    open_issues = [i for i in found if i["fields"]["status"]["statusCategory"]["key"] != "done"]
    chosen = rng.sample(open_issues, min(updated, len(open_issues)))
    for n in range(new):
        client.post(f"{SD}/request", json={
            "serviceDeskId": desk["id"], "requestTypeId": rng.choice(types)["id"],
            "raiseOnBehalfOf": rng.choice(customers)["accountId"], "isAdfRequest": True,
            "requestFieldValues": {
                "summary": f"New request {seed}-{n}: {rng.choice(['login', 'billing'])}",
                "description": _doc(f"Hello, I need help with request {seed}-{n}.")},
        }).raise_for_status()
    for issue in chosen:
        key = issue["key"]
        client.post(f"{V3}/issue/{key}/comment", json={
            "body": _doc(f"Following up on {key}.")}).raise_for_status()
        client.put(f"{V3}/issue/{key}", json={
            "update": {"labels": [{"add": "followed-up"}]}}).raise_for_status()
        moves = client.get(f"{V3}/issue/{key}/transitions").json()["transitions"]
        target = next((t for t in moves if t["to"]["name"] == "Waiting for customer"), None)
        if target is not None:
            client.post(f"{V3}/issue/{key}/transitions",
                        json={"transition": {"id": target["id"]}}).raise_for_status()
    return {"tickets created": new, "tickets updated": len(chosen)}
