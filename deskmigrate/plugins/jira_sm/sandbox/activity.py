"""Simulated support activity in a Jira Service Management sandbox, through the public REST
API only: new requests raised on behalf of existing customers, and open requests answered
by an agent with a public comment, a label and a move to "Waiting for customer"."""

from __future__ import annotations

import random

import httpx

SD = "/rest/servicedeskapi"
V3 = "/rest/api/3"


def _values(client: httpx.Client, path: str, headers: dict[str, str] | None = None
            ) -> list[dict]:
    rows: list[dict] = []
    start = 0
    while True:
        page = client.get(f"{SD}/{path}", params={"start": start, "limit": 50},
                          headers=headers).raise_for_status().json()
        rows += page["values"]
        if page["isLastPage"]:
            return rows
        start += len(page["values"])


def _doc(text: str) -> dict:
    return {"type": "doc", "version": 1,
            "content": [{"type": "paragraph", "content": [{"type": "text", "text": text}]}]}


def simulate(client: httpx.Client, *, new: int, updated: int, seed: int) -> dict[str, int]:
    """Answer ``updated`` open requests and raise ``new`` ones on the first desk."""
    rng = random.Random(seed)
    desk = _values(client, "servicedesk")[0]
    customers = _values(client, f"servicedesk/{desk['id']}/customer",
                        {"X-ExperimentalApi": "opt-in"})
    types = [t for t in _values(client, f"servicedesk/{desk['id']}/requesttype")
             if not any(f["required"] and f["fieldId"] not in ("summary", "description")
                        for f in client.get(f"{SD}/servicedesk/{desk['id']}/requesttype/"
                                            f"{t['id']}/field").json()["requestTypeFields"])]
    if new and not (customers and types):
        raise ValueError("the sandbox has no customers or request types to raise requests")
    found = client.get(f"{V3}/search/jql", params={
        "jql": f"project = {desk['projectKey']} ORDER BY created ASC", "fields": "status",
        "maxResults": 100}).raise_for_status().json()["issues"]
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
