"""The outcome rows the engine commits to the state store: from a target's write result or
from what :meth:`Target.find` found, with the notes a report must carry."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from . import state as st
from .connector import ChildResult, Found, WriteContext, WriteResult
from .logs import scrub
from .records import Record, Ticket


def result_row(result: WriteResult, *, warnings: Iterable[str], options: list[str],
               fingerprint: str | None) -> dict[str, Any]:
    """The outcome of one write: migrated (with the options that changed the record and its
    fingerprint), skipped or failed; every warning and reason scrubbed."""
    notes = [scrub(w) for w in warnings]
    if result.target_id is not None:
        # The id map of the kind being written and its children (comments) stay in the
        # state database: kept in memory they would grow with the help desk.
        return {"source_id": result.source_id, "status": st.MIGRATED,
                "target_id": result.target_id, "warnings": notes,
                "matched": result.matched, "options": options, "fingerprint": fingerprint,
                "children": _children(result.children)}
    if result.skipped is not None:
        return {"source_id": result.source_id, "status": st.SKIPPED,
                "reason": scrub(result.skipped), "warnings": notes}
    return {"source_id": result.source_id, "status": st.FAILED,
            "reason": scrub(result.error or "the target returned no id"), "warnings": notes}


def found_row(source_id: str, found: Found, *, owned: bool, fingerprint: str) -> dict[str, Any]:
    """A record an earlier attempt may have written, found on the target: ``owned`` only
    when proven ours, otherwise a match the rollback leaves alone."""
    return {"source_id": source_id, "status": st.MIGRATED, "target_id": found.target_id,
            "matched": not owned, "fingerprint": fingerprint,
            "children": _children(found.children)}


def stand_ins(record: Record | None, ctx: WriteContext) -> list[str]:
    """A ticket's requester and authors the target does not have: the default agent
    stood in for them, which the report must say."""
    if not isinstance(record, Ticket):
        return []
    notes = []
    requester = record.requester_id
    if requester and ctx.user(requester) is None:
        notes.append(f"its requester {requester} is not in the target; the default "
                     "agent stands in")
    authors = sorted({c.author_id for c in record.comments if c.author_id
                      and c.author_id != requester and ctx.user(c.author_id) is None})
    if authors:
        notes.append(f"message authors not in the target ({', '.join(authors)}); the "
                     "default agent stands in")
    return notes


def whole_batch_failed(results: list[WriteResult]) -> bool:
    """Every record of a batch failed for one same reason: the request, not the records."""
    errors = {r.error for r in results}
    return len(results) > 1 and None not in errors and len(errors) == 1


def _children(children: Iterable[ChildResult]) -> list[tuple[str, str, str | None, bool | None]]:
    return [(c.kind, c.source_id, c.target_id, c.owned) for c in children]
