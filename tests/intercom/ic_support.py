"""Helpers of the Intercom tests: a seeded sandbox and an authenticated client on it."""

from __future__ import annotations

from pathlib import Path

import httpx

from deskmigrate.plugins.intercom.sandbox import IntercomSandbox

SEED = 5
TICKETS = 12


def sandbox(folder: Path, name: str = "ic", *, tickets: int = TICKETS, **kwargs) -> IntercomSandbox:
    app = IntercomSandbox(str(folder / f"{name}.sqlite"), **kwargs)
    app.seed(tickets=tickets, seed=SEED)
    return app


def client(app: IntercomSandbox, base: str = "https://api.intercom.io") -> httpx.Client:
    return httpx.Client(transport=app.transport(), base_url=base, headers={
        "Authorization": f"Bearer {app.credentials()['token']}",
        "Intercom-Version": "2.14"})
