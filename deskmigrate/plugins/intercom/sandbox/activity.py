"""Simulated support activity in an Intercom sandbox through the public REST API only: new
conversations from existing contacts, and open conversations answered by an admin, tagged
and snoozed (what a delta run must then carry over). A client of the emulator, it pages
with the core paginators like any other client."""

from __future__ import annotations

import random

import httpx

from deskmigrate.core.paging import PageRequest, RaisingClient, StartingAfterPaginator


def _all(client: httpx.Client, path: str, items: str) -> list[dict]:
    """Every row of a cursor list (``pages.next.starting_after``)."""
    pages = StartingAfterPaginator(items=items)
    return list(pages.items(RaisingClient(client), PageRequest(path, {"per_page": 150})))


def simulate(client: httpx.Client, *, new: int, updated: int, seed: int) -> dict[str, int]:
    rng = random.Random(seed)
    me = client.get("/me").raise_for_status().json()
    users = [c for c in _all(client, "/contacts", "data") if c["role"] == "user"]
    if new and not users:
        raise ValueError("the sandbox has no contacts to start conversations")
    open_ones = [c for c in _all(client, "/conversations", "conversations")
                 if c["state"] == "open"]
    chosen = rng.sample(open_ones, min(updated, len(open_ones)))
    tag = client.post("/tags", json={"name": "followed-up"}).raise_for_status().json()
    for n in range(new):
        contact = rng.choice(users)
        client.post("/conversations", json={
            "from": {"type": "user", "id": contact["id"]},
            "body": f"<p>Hello, I need help with request {seed}-{n}.</p>"}).raise_for_status()
    for conversation in chosen:
        cid = conversation["id"]
        client.post(f"/conversations/{cid}/reply", json={
            "message_type": "comment", "type": "admin", "admin_id": me["id"],
            "body": f"<p>Following up on conversation {cid}.</p>"}).raise_for_status()
        client.post(f"/conversations/{cid}/tags", json={
            "id": tag["id"], "admin_id": me["id"]}).raise_for_status()
        client.post(f"/conversations/{cid}/parts", json={
            "message_type": "snoozed", "type": "admin", "admin_id": me["id"],
            "snoozed_until": 1_900_000_000}).raise_for_status()
    return {"conversations created": new, "conversations updated": len(chosen)}
