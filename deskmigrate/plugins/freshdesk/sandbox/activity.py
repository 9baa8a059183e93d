"""Simulated support activity in a Freshdesk sandbox, through the public REST API only:
new tickets from existing contacts (the description is their first message), and open or
pending tickets given a new message - a private agent note or a customer message written
as an incoming note, never a reply (which would send email) - with a changed status and
an extra tag. It is what a delta run must then carry over. A client of the emulator, it
pages with the core paginators like any other client."""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

import httpx

from deskmigrate.core.paging import LinkHeaderPaginator, PageRequest, RaisingClient

EPOCH = "1970-01-01T00:00:00Z"
OPEN, PENDING = 2, 3
TOPICS = ("login", "billing", "export", "invoice", "password reset")


def _rows(client: httpx.Client, path: str, params: dict[str, Any]) -> Iterator[dict]:
    """Every row of a list, following ``Link: <...>; rel="next"``."""
    return LinkHeaderPaginator().items(RaisingClient(client),
                                       PageRequest(path, {**params, "per_page": 100}))


def simulate(client: httpx.Client, *, new: int, updated: int, seed: int) -> dict[str, int]:
    """Create ``new`` tickets and add a message to ``updated`` open or pending tickets;
    returns the counts."""
    rng = random.Random(seed)
    me = client.get("/api/v2/agents/me").raise_for_status().json()
    contacts = list(_rows(client, "/api/v2/contacts", {}))
    if new and not contacts:
        raise ValueError("the sandbox has no contacts to open tickets")
    for n in range(new):
        requester = rng.choice(contacts)
        topic = rng.choice(TOPICS)
        client.post("/api/v2/tickets", json={
            "subject": f"New request {seed}-{n}: {topic}",
            "description": f"<p>Hello, I need help with my {topic} (request {seed}-{n}).</p>",
            "requester_id": requester["id"], "status": OPEN, "source": 2,
            "priority": rng.choice((1, 2, 3)), "tags": ["activity"],
        }).raise_for_status()
    listed = _rows(client, "/api/v2/tickets", {"updated_since": EPOCH,
                                               "order_by": "updated_at", "order_type": "asc"})
    candidates = [t for t in listed if t["status"] in (OPEN, PENDING)
                  and "activity" not in (t.get("tags") or [])]
    chosen = rng.sample(candidates, min(updated, len(candidates)))
    for number, ticket in enumerate(chosen):
        from_customer = number % 2 == 1
        note = ({"body": f"<p>Any news on ticket {ticket['id']}? Thanks.</p>",
                 "private": False, "incoming": True, "user_id": ticket["requester_id"]}
                if from_customer else
                {"body": f"<p>Checked ticket {ticket['id']} with the team.</p>",
                 "private": True, "user_id": me["id"]})
        client.post(f"/api/v2/tickets/{ticket['id']}/notes", json=note).raise_for_status()
        client.put(f"/api/v2/tickets/{ticket['id']}", json={
            "status": OPEN if from_customer else PENDING,
            "tags": [*(ticket.get("tags") or []), "followed-up"],
        }).raise_for_status()
    return {"tickets created": new, "tickets updated": len(chosen)}
