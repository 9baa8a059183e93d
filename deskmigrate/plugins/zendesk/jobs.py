"""Reading the ``results`` of a finished Zendesk bulk job, whose shape depends on the job.

Recorded real traffic (and Zendesk's answer on its developer forum, "Create or Update Many
Users response specifications", 2021): ticket imports and ``tickets/create_many`` give
``{index, id, account_id}``; ``users/create_many`` and ``organizations/create_many`` give
``{id, status: "Created"}`` in request order with no ``index``, and a failure as
``{id, error, details, status: "Failed"}`` where ``id`` is the position, not a record;
``update_many`` gives ``{action, id, status, success}``. So: match on ``index`` where every
result has one, else on request order when the counts agree, else not at all (the caller
confirms by ``external_id``)."""

from __future__ import annotations

from typing import Any

FAILED = ("Failed", "Error")


def job_results(job: dict[str, Any], count: int) -> list[dict[str, Any] | None]:
    """One result per request item, in request order (None where the job does not say)."""
    raw = job.get("results")
    items = [r for r in raw if isinstance(r, dict)] if isinstance(raw, list) else []
    out: list[dict[str, Any] | None] = [None] * count
    if items and all(isinstance(r.get("index"), int) for r in items):
        for item in items:
            if 0 <= item["index"] < count:
                out[item["index"]] = item
    elif len(items) == count:
        out = list(items)
    return out


def created_id(item: dict[str, Any] | None) -> str | None:
    """The new record's id, or None when the result is a failure."""
    if item is None or item.get("error") or item.get("success") is False:
        return None
    if item.get("status") in FAILED or item.get("id") is None:
        return None
    return str(item["id"])


def failure(item: dict[str, Any] | None) -> str:
    """Why a result is a failure, in Zendesk's words."""
    if item is None:
        return "no result in the job"
    return str(item.get("details") or item.get("error") or item.get("status") or "rejected")
