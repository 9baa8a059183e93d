"""Looking a record up in the target when the answer to its create request was lost: what a
resume does before writing it again, and what a rollback of a killed run that was never
resumed does before deleting what the run created."""

from __future__ import annotations

from collections.abc import Iterable

import structlog

from .connector import Found, Source, Target, WriteContext
from .context import EngineContext
from .errors import AmbiguousWrite, ApiError
from .kinds import Kinds
from .logs import scrub
from .records import Record
from .state import StateStore

log = structlog.get_logger("deskmigrate.lookup")


class Undecided(Exception):
    """The target could not tell whether the record is there (every look-up was ambiguous)."""


def look_up(target: Target, kind: str, record: Record, ctx: WriteContext, attempts: int
            ) -> Found | None:
    """``target.find()`` asked up to ``attempts`` times (an ambiguous answer is one more
    attempt); a plugin answering a bare id gets ``owned=False`` (not proven ours). Raises
    :class:`Undecided` with the last reason when no attempt got an answer."""
    reason = ""
    for _ in range(attempts):
        try:
            found = target.find(kind, record, ctx)
        except (AmbiguousWrite, ApiError) as exc:
            reason = scrub(str(exc))
            continue
        if found is None or isinstance(found, Found):
            return found
        return Found(str(found), owned=False)
    raise Undecided(reason)


def claim_lost_creates(state: StateStore, source: Source, target: Target, run_id: int,
                       kinds: Kinds, attempts: int) -> int:
    """Before rolling back run ``run_id``: each of its records whose create request may have
    been applied though its answer was lost (pending, no target id, mapped by no run) is
    looked for in the target, and one the run is proven to have made (its stamp, or nothing
    of its natural key was there before the request: ``outcomes.absent``) is recorded as
    created in part, so that the rollback deletes it. A match that may have been there
    before is left alone. Returns how many records the target could not tell about."""
    run = state.run(run_id)
    if run is None:
        return 0
    ctx = EngineContext(state, run["migration_id"], run_id, None, source,
                        people_kinds=kinds.people)
    # Only the people maps (a ticket is found through its requester): with no group map a
    # look-up never adds a group membership to an agent it then leaves in place.
    for kind in kinds.people:
        ctx.load(kind)
    undecided = 0
    for kind in kinds.order:
        ids = state.unanswered(run_id, kind)
        if not ids or kind not in target.kinds or kind not in source.kinds:
            continue
        ctx.load_absent(kind)
        for record in _readable(source.get(kind, ids), kind):
            try:
                found = look_up(target, kind, record, ctx, attempts)
            except Undecided as exc:
                log.warning("rollback.undecided", run_id=run_id, kind=kind,
                            source_id=record.source_id, reason=str(exc))
                undecided += 1
                continue
            if found is not None and (found.owned or ctx.was_absent(kind, record.source_id)):
                state.mark_created(run_id, kind, record.source_id, found.target_id)
    return undecided


def _readable(records: Iterable[Record], kind: str) -> Iterable[Record]:
    """The records the source could read (an unreadable one is of no kind)."""
    return (r for r in records if r.kind == kind)
