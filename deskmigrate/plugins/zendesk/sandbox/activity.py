"""Simulated support activity in a Zendesk sandbox, through the public REST API only: new
tickets from existing end users, and existing tickets answered by an agent with a changed
status and an extra tag (what a delta run must then carry over). A client of the emulator,
it pages with the core paginators like any other client."""

from __future__ import annotations

import random
from typing import Any

import httpx

from deskmigrate.core.paging import NextUrlPaginator, PageRequest, RaisingClient


def _all(client: httpx.Client, path: str, key: str, params: dict[str, Any]) -> list[dict]:
    pages = NextUrlPaginator("links.next", items=key, has_more="meta.has_more")
    return list(pages.items(RaisingClient(client), PageRequest(path, {**params,
                                                                      "page[size]": 100})))


def simulate(client: httpx.Client, *, new: int, updated: int, seed: int) -> dict[str, int]:
    """Answer ``updated`` open tickets that existed before, and create ``new`` tickets."""
    rng = random.Random(seed)
    me = client.get("/api/v2/users/me.json").raise_for_status().json()["user"]
    people = _all(client, "/api/v2/users.json", "users", {"role": "end-user"})
    people = [p for p in people if p.get("active", True) and not p.get("suspended")]
    if new and not people:
        raise ValueError("the sandbox has no end users to open tickets")
    open_tickets = [t for t in _all(client, "/api/v2/tickets.json", "tickets", {})
                    if t["status"] not in ("closed", "solved", "deleted")]
    chosen = rng.sample(open_tickets, min(updated, len(open_tickets)))
    for n in range(new):
        requester = rng.choice(people)
        client.post("/api/v2/tickets.json", json={"ticket": {
            "subject": f"New request {seed}-{n}: {rng.choice(['login', 'billing', 'export'])}",
            "requester_id": requester["id"], "priority": rng.choice(["low", "normal", "high"]),
            "tags": ["activity"],
            "comment": {"body": f"Hello, I need help with request {seed}-{n}.",
                        "author_id": requester["id"]},
        }}).raise_for_status()
    for ticket in chosen:
        client.put(f"/api/v2/tickets/{ticket['id']}.json", json={"ticket": {
            "status": "pending", "additional_tags": ["followed-up"],
            "comment": {"body": f"Following up on ticket {ticket['id']}.", "public": True,
                        "author_id": me["id"]},
        }}).raise_for_status()
    return {"tickets created": new, "tickets updated": len(chosen)}
