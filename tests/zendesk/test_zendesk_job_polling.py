"""Bulk job polling adapts: the first poll comes soon, then the waits double up to a cap (no
fixed floor per job); the jobs in flight on one account share each poll
(``job_statuses/show_many``)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from zendesk_support import PLATFORM, UNLIMITED, URL, Recording, api_client, connection, sandbox

from deskmigrate.core.connect import connect
from deskmigrate.core.errors import ApiError
from deskmigrate.plugins.zendesk import job_watch
from deskmigrate.plugins.zendesk.client import ZendeskApi


def test_the_first_poll_comes_soon_then_the_waits_double(tmp_path, monkeypatch):
    app = sandbox(tmp_path / "z.sqlite", tickets=1)
    job = api_client(app).post("/api/v2/organizations/create_many.json", json={
        "organizations": [{"name": "Polling Ltd"}]}).json()["job_status"]
    sleeps: list[float] = []
    monkeypatch.setattr(job_watch.time, "sleep", sleeps.append)
    done = ZendeskApi(connection(app).http).wait_for_job(job)
    assert done["status"] == "completed"
    assert sleeps == [0.05, 0.1]  # the sandbox's job completes on its second poll


class Http:
    """Answers ``show_many`` from a script of statuses per job; records each poll's ids."""

    def __init__(self, script: dict[str, list[str]]) -> None:
        self.script = script
        self.polls: list[list[str]] = []

    def get_json(self, path: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        if path != "api/v2/job_statuses/show_many.json":  # one job's own status
            self.polls.append([path])
            return {"job_status": {"id": "j", "status": "completed", "results": [{"id": 1}]}}
        assert params is not None
        ids = params["ids"].split(",")
        self.polls.append(ids)
        return {"job_statuses": [{"id": i, "status": self.script[i].pop(0), "results": []}
                                 for i in ids if self.script[i]]}


def test_the_waits_are_capped(monkeypatch):
    http = Http({"j": ["working"] * 9 + ["completed"]})
    sleeps: list[float] = []
    monkeypatch.setattr(job_watch.time, "sleep", sleeps.append)
    ZendeskApi(http).wait_for_job({"id": "j", "status": "queued"})  # type: ignore[arg-type]
    assert sleeps == [0.05, 0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 5.0, 5.0, 5.0]
    assert http.polls == [["j"]] * 10


def test_jobs_in_flight_together_share_their_polls(tmp_path, monkeypatch):
    # Two waiters whose first polls fall due together: the first to poll asks for both jobs,
    # the second reads that answer. The sandbox's jobs complete on their second poll: 2 polls
    # in all, where one poll per job per wait would cost 4.
    app = sandbox(tmp_path / "z.sqlite", tickets=1)
    recording = Recording(app.transport())
    api = ZendeskApi(connect(PLATFORM, URL, app.credentials(), transport=recording,
                             rate_per_minute=UNLIMITED).http)
    jobs = [api_client(app).post("/api/v2/organizations/create_many.json", json={
        "organizations": [{"name": name}]}).json()["job_status"] for name in ("A Ltd", "B Ltd")]
    both_waiting = threading.Barrier(2)
    real_sleep = job_watch.time.sleep

    def sleep(seconds: float) -> None:
        if seconds == job_watch.JOB_POLL_FIRST:
            both_waiting.wait(timeout=5)
        real_sleep(0.01)

    monkeypatch.setattr(job_watch.time, "sleep", sleep)
    with ThreadPoolExecutor(max_workers=2) as pool:
        done = list(pool.map(api.wait_for_job, jobs))
    assert [job["status"] for job in done] == ["completed", "completed"]
    assert [len(job["results"]) for job in done] == [1, 1]
    polls = [path for path in recording.paths if "job_statuses" in path]
    assert polls == ["/api/v2/job_statuses/show_many.json"] * 2


def test_a_finished_job_shown_without_results_is_asked_for_them(monkeypatch):
    monkeypatch.setattr(job_watch.time, "sleep", lambda seconds: None)

    class Bare(Http):
        def get_json(self, path: str, params: dict[str, Any] | None = None
                     ) -> dict[str, Any]:
            answer = super().get_json(path, params)
            for status in answer.get("job_statuses", []):
                del status["results"]
            return answer

    http = Bare({"j": ["completed"]})
    done = ZendeskApi(http).wait_for_job({"id": "j", "status": "queued"})  # type: ignore
    assert done["results"] == [{"id": 1}]
    assert http.polls == [["j"], ["api/v2/job_statuses/j.json"]]


def test_a_job_no_longer_shown_is_one_clear_error(monkeypatch):
    monkeypatch.setattr(job_watch.time, "sleep", lambda seconds: None)
    http = Http({"gone": []})
    with pytest.raises(ApiError, match="zendesk no longer shows job gone"):
        ZendeskApi(http).wait_for_job({"id": "gone", "status": "queued"})  # type: ignore
