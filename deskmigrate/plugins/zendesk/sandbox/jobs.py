"""Background jobs of the sandbox (bulk creates, imports, destroys): the work is done when the
job is queued; ``/job_statuses/{id}`` reveals it like Zendesk does — ``queued``, then
``working`` with partial progress, then ``completed`` with every result."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from werkzeug.routing import Rule
from werkzeug.wrappers import Request

from deskmigrate.sandbox import SandboxStore

from .support import base_url, iso, not_found, now, routes

POLLS_TO_COMPLETE = 2  # polls that see the job unfinished before it completes


class JobQueue:
    """Job records in the store's meta table (Zendesk keeps them for a day)."""

    def __init__(self, store: SandboxStore) -> None:
        self.store = store

    def add(self, job_type: str, results: Any, total: int | None) -> str:
        """Record a job whose work is done; returns its id."""
        counter = int(self.store.meta("zendesk:jobs", "0") or 0) + 1
        self.store.set_meta("zendesk:jobs", str(counter))
        job_id = hashlib.md5(f"{job_type}:{counter}".encode(), usedforsecurity=False).hexdigest()
        job = {"id": job_id, "job_type": job_type, "total": total, "results": results,
               "polls": 0, "queued_at": now()}
        self.store.set_meta(f"zendesk:job:{job_id}", json.dumps(job))
        return job_id

    def view(self, job_id: str, base: str, *, poll: bool) -> dict[str, Any] | None:
        raw = self.store.meta(f"zendesk:job:{job_id}")
        if raw is None:
            return None
        job = json.loads(raw)
        if poll:
            job["polls"] += 1
            self.store.set_meta(f"zendesk:job:{job_id}", json.dumps(job))
        return render(job, base, job["polls"] if poll else 0)


def render(job: dict[str, Any], base: str, polls: int) -> dict[str, Any]:
    total = job["total"]
    results = job["results"]
    view: dict[str, Any] = {
        "id": job["id"], "job_type": job["job_type"], "total": total,
        "url": f"{base}/api/v2/job_statuses/{job['id']}.json",
    }
    if polls == 0:
        view.update(status="queued", progress=None, message=None, results=None)
    elif polls < POLLS_TO_COMPLETE:
        done = (total or 0) // 2
        view.update(status="working", progress=done, message=f"{done}/{total or 0}",
                    results=results[:done] if isinstance(results, list) else None)
    else:
        view.update(status="completed", progress=total,
                    message=f"Completed at {iso(job['queued_at'])}", results=results)
    return view


def queued(jobs: JobQueue, request: Request, job_type: str, results: Any,
           total: int | None) -> dict[str, Any]:
    """The response of an endpoint that queued a job: ``{"job_status": {...}}``."""
    job_id = jobs.add(job_type, results, total)
    return {"job_status": jobs.view(job_id, base_url(request), poll=False)}


class JobHandlers:
    """``GET /job_statuses/{id}`` and ``/job_statuses/show_many``."""

    jobs: JobQueue

    def job_rules(self) -> list[Rule]:
        return [*routes("/job_statuses/<job_id>", "show_job"),
                *routes("/job_statuses/show_many", "show_many_jobs")]

    def show_job(self, request: Request, user: dict, job_id: str) -> dict[str, Any]:
        view = self.jobs.view(job_id.removesuffix(".json"), base_url(request), poll=True)
        if view is None:
            raise not_found()
        return {"job_status": view}

    def show_many_jobs(self, request: Request, user: dict) -> dict[str, Any]:
        ids = [i for i in request.args.get("ids", "").split(",") if i]
        views = [self.jobs.view(i, base_url(request), poll=True) for i in ids]
        return {"job_statuses": [v for v in views if v is not None]}
