"""Waiting for Zendesk bulk jobs. Every job in flight on one account is polled by one request,
``GET /job_statuses/show_many?ids=…`` (Zendesk's "Show Many Job Statuses"): the first poll
comes soon, the waits then double up to a cap, and a waiter whose job another thread's poll
has just answered reads that answer instead of asking again. Batches whose jobs overlap
(a pipelined import, a delta's imports and updates) so share their polls."""

from __future__ import annotations

import threading
import time
from typing import Any

from deskmigrate.core.errors import ApiError
from deskmigrate.core.http import HttpClient

JOB_POLL_FIRST = 0.05  # seconds before the first poll (soon); doubles up to JOB_POLL_MAX
JOB_POLL_MAX = 5.0
JOB_TIMEOUT = 900.0
FINISHED = ("completed", "failed", "killed")


class JobWatch:
    """The jobs one account has in flight, and their latest known statuses."""

    def __init__(self, http: HttpClient) -> None:
        self.http = http
        self._lock = threading.Lock()  # guards the two dicts below
        self._polling = threading.Lock()  # one poll at a time: the others read its answer
        self._jobs: dict[str, dict[str, Any]] = {}
        self._asked: dict[str, float] = {}  # job id → when the poll that answered it was sent

    def wait(self, job: dict[str, Any]) -> dict[str, Any]:
        """Poll ``job`` (as its queueing request answered) until it is finished."""
        job_id = str(job["id"])
        with self._lock:
            self._jobs[job_id] = job
        try:
            delay, waited = JOB_POLL_FIRST, 0.0
            while job.get("status") not in FINISHED:
                if waited > JOB_TIMEOUT:
                    raise ApiError(f"zendesk job {job_id} did not finish in "
                                   f"{int(JOB_TIMEOUT)} s.")
                slept_from = time.monotonic()
                time.sleep(delay)
                waited += delay
                delay = min(delay * 2, JOB_POLL_MAX)
                job = self._status_since(job_id, slept_from)
        finally:
            with self._lock:
                self._jobs.pop(job_id, None)
                self._asked.pop(job_id, None)
        if job.get("status") == "completed" and job.get("results") is None:
            # Zendesk documents show_many with each job's results (real scripts read them
            # there); should an answer lack them, the job's own status has them
            job = self.http.get_json(f"api/v2/job_statuses/{job_id}.json")["job_status"]
        return job

    def _status_since(self, job_id: str, moment: float) -> dict[str, Any]:
        """The job's status as asked at ``moment`` or later: another waiter's answer when
        there is one, else a poll of every job in flight."""
        with self._polling:
            with self._lock:
                ids = [] if self._asked.get(job_id, -1.0) >= moment else list(self._jobs)
            if ids:
                asked = time.monotonic()
                statuses = self.http.get_json("api/v2/job_statuses/show_many.json",
                                              {"ids": ",".join(ids)}).get("job_statuses")
                with self._lock:
                    for status in statuses if isinstance(statuses, list) else []:
                        known = str(status.get("id")) if isinstance(status, dict) else ""
                        if known in self._jobs:
                            self._jobs[known], self._asked[known] = status, asked
            with self._lock:
                if self._asked.get(job_id, -1.0) < moment:
                    raise ApiError(f"zendesk no longer shows job {job_id}.")
                return self._jobs[job_id]
