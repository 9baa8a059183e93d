"""Bulk job polling adapts: the first poll comes soon, then the waits double up to a cap
(no fixed floor per job)."""

from __future__ import annotations

from zendesk_support import api_client, connection, sandbox

from deskmigrate.plugins.zendesk import client as zendesk_client
from deskmigrate.plugins.zendesk.client import ZendeskApi


def test_the_first_poll_comes_soon_then_the_waits_double(tmp_path, monkeypatch):
    app = sandbox(tmp_path / "z.sqlite", tickets=1)
    job = api_client(app).post("/api/v2/organizations/create_many.json", json={
        "organizations": [{"name": "Polling Ltd"}]}).json()["job_status"]
    sleeps: list[float] = []
    monkeypatch.setattr(zendesk_client.time, "sleep", sleeps.append)
    done = ZendeskApi(connection(app).http).wait_for_job(job)
    assert done["status"] == "completed"
    assert sleeps == [0.05, 0.1]  # the sandbox's job completes on its second poll


def test_the_waits_are_capped(monkeypatch):
    polls = iter([{"id": "j", "status": "working"}] * 9 + [{"id": "j", "status": "completed"}])

    class Http:
        def get_json(self, path: str) -> dict:
            return {"job_status": next(polls)}

    sleeps: list[float] = []
    monkeypatch.setattr(zendesk_client.time, "sleep", sleeps.append)
    ZendeskApi(Http()).wait_for_job({"id": "j", "status": "queued"})  # type: ignore[arg-type]
    assert sleeps == [0.05, 0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 5.0, 5.0, 5.0]
