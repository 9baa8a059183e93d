"""The migration engine: records in dependency order, in batches, through the record
pipeline hooks, written concurrently under the target's rate budget, with write-ahead
outcomes so that a killed run resumes with nothing lost and nothing duplicated."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from datetime import UTC, datetime
from functools import partial
from itertools import islice
from typing import Any

import structlog

from . import host
from . import state as st
from .connector import WriteResult
from .context import EngineContext, Held
from .errors import AmbiguousWrite, AuthError, DeskmigrateError, Unreachable
from .events import OPTION_APPLIED, RECORD_MIGRATED, RUN_FINISHED, RUN_STARTED, Event
from .logs import scrub
from .lookup import Undecided, look_up
from .outcomes import found_row, result_row, stand_ins, whole_batch_failed
from .pipeline import run_pipeline
from .records import Record, Unreadable, fingerprint
from .run import RunContext
from .runspec import RunSpec, default_agent
from .selection import Selection

log = structlog.get_logger("deskmigrate.engine")

WRITE, UPDATE = "write", "update"
# batch, attempt, op, the target ids it holds
InFlight = dict[Future[list[WriteResult]], tuple[list[Record], int, str, Held]]
MAX_AMBIGUOUS_ATTEMPTS = 8  # under 30 % faults a record of several requests needs a few


class Paused(Exception):
    """The run was asked to pause and stopped at a safe point."""


class Engine:
    def __init__(self, spec: RunSpec) -> None:
        self.spec = spec
        self.state = spec.state
        self.context = RunContext(
            migration_id=spec.migration_id, run_id=spec.run_id, mode=spec.mode,
            source_platform=spec.source_platform, target_platform=spec.target_platform,
            options=spec.options, started_at=datetime.now(UTC),
            source_capabilities=spec.source_capabilities,
            target_capabilities=spec.target_capabilities,
        )
        self.kinds = host.kinds(spec.pm)
        self.ctx = EngineContext(spec.state, spec.migration_id, spec.run_id,
                                 spec.stand_in or self._default_agent, spec.source,
                                 people_kinds=self.kinds.people)
        self._prints: dict[tuple[str, str], str] = {}  # fingerprints of records in flight
        self._writing: set[tuple[str, str]] = set()  # records whose write is in flight
        self._options: dict[tuple[str, str], list[str]] = {}  # options that changed each
        self._phase = ""  # the selection's phase being migrated ("express", "history")

    # -- the run ------------------------------------------------------------------------
    def run(self, selection: Selection) -> str:
        """Migrate ``selection``; returns the final run status."""
        spec = self.spec
        self._emit(RUN_STARTED, {})
        status = st.COMPLETED
        try:
            counts = (self.state.run(spec.run_id) or {}).get("counts") or {}
            for kind in self._kinds():
                source, target = self._request_counts()
                try:
                    for self._phase, records in selection.phases(kind):
                        self._migrate_kind(kind, records,
                                           partial(selection.total, kind, counts, self._phase))
                finally:
                    after = self._request_counts()
                    self.state.add_requests(spec.run_id, kind, after[0] - source,
                                            after[1] - target)
        except Paused:
            status = st.PAUSED
            self._notify(f"Run {spec.run_id} paused at a safe point; "
                         f"`deskmigrate resume {spec.run_id}` carries on.")
        except (AuthError, Unreachable) as exc:
            self.state.set_status(spec.run_id, st.INTERRUPTED, scrub(str(exc)))
            raise
        except DeskmigrateError as exc:
            self.state.set_status(spec.run_id, st.INTERRUPTED, scrub(str(exc)))
            raise
        finally:
            self._flush_fallbacks()
            self._meter_options()
        self.state.set_status(spec.run_id, status)
        self._emit(RUN_FINISHED, {"status": status})
        return status

    def _request_counts(self) -> tuple[int, int]:
        return (self.spec.source.http.stats.requests, self.spec.target.http.stats.requests)

    def _kinds(self) -> list[str]:
        return [k for k in self.kinds.order if k in self.spec.source.kinds
                and k in self.spec.target.kinds]

    def _default_agent(self) -> str | None:
        return default_agent(self.spec.target, self.spec.default_agent_email,
                             self.spec.target_platform)

    # -- one kind -----------------------------------------------------------------------
    def _migrate_kind(self, kind: str, records: Iterable[Record],
                      total: Callable[[], int | None]) -> None:
        """Write ``records`` of ``kind``; ``total()`` says how many there are once known."""
        spec = self.spec
        needed = set(self.kinds[kind].references)
        if spec.mode == "delta":  # which children (comments) earlier runs already wrote
            needed |= set(self.kinds[kind].children)
        self.ctx.refer(needed)  # looked up batch by batch: no whole map in memory
        unknown = self.state.uncertain(spec.migration_id, spec.run_id, kind)
        self.ctx.mark_uncertain(kind, unknown)
        self.ctx.load_absent(kind)
        batch_size = max(1, spec.target.batch_size(kind))
        done = 0
        in_flight: InFlight = {}
        with ThreadPoolExecutor(max_workers=spec.concurrency,
                                thread_name_prefix=f"write-{kind}") as pool:
            for batch in _batches(records, batch_size):
                self._safe_point(kind, in_flight, pool)
                view = self.state.batch_view(spec.migration_id, spec.run_id, kind,
                                             [r.source_id for r in batch])
                writes, updates = self._triage(kind, batch, *view, unknown)
                for op, todo in ((WRITE, writes), (UPDATE, updates)):
                    if todo:
                        while len(in_flight) >= spec.concurrency * 2:
                            done += self._collect(kind, in_flight, pool)
                        self._submit(pool, in_flight, kind, todo, 1, op)
                done += len(batch) - len(writes) - len(updates)
                self._progress(kind, done, total())
            while in_flight:
                done += self._collect(kind, in_flight, pool)
                self._progress(kind, done, total())
        self._progress(kind, done, total())
        log.info("run.kind", run_id=spec.run_id, kind=kind, phase=self._phase or None,
                 done=done, total=total())

    def _safe_point(self, kind: str, in_flight: InFlight, pool: ThreadPoolExecutor) -> None:
        """Between batches: stop if a pause was asked for; wait while the windows are shut."""
        spec = self.spec
        if self.state.status(spec.run_id) == st.PAUSING:
            self._drain(kind, in_flight, pool)
            raise Paused
        schedule = spec.schedule
        if schedule is None or schedule.is_open(datetime.now(UTC)):
            return
        self._drain(kind, in_flight, pool)
        opening = schedule.next_opening(datetime.now(UTC))
        self.state.set_status(spec.run_id, st.WAITING)
        if spec.waiting:
            spec.waiting(opening)
        self._notify(f"Run {spec.run_id} is outside its windows; it waits until "
                     f"{opening.astimezone(schedule.tz):%a %Y-%m-%d %H:%M:%S %Z}.")
        while not schedule.is_open(datetime.now(UTC)):
            if self.state.status(spec.run_id) == st.PAUSING:
                raise Paused
            time.sleep(min(1.0, max(0.05, (opening - datetime.now(UTC)).total_seconds())))
        self.state.set_status(spec.run_id, st.RUNNING)
        if spec.waiting:
            spec.waiting(None)
        self._notify(f"Run {spec.run_id}: a window opened; carrying on.")

    def _drain(self, kind: str, in_flight: InFlight, pool: ThreadPoolExecutor) -> None:
        while in_flight:
            self._collect(kind, in_flight, pool)

    def _submit(self, pool: ThreadPoolExecutor, in_flight: InFlight, kind: str,
                todo: list[Record], attempt: int, op: str) -> None:
        held = self.ctx.hold(todo)  # first: it may ask for the default agent, and fail
        self.state.mark_pending(self.spec.run_id, kind, [r.source_id for r in todo])
        self._writing.update((kind, r.source_id) for r in todo)
        for record in todo if attempt == 1 else ():  # what the source noticed, reported once
            for warning in record.warnings:
                self.ctx.warn(record.source_id, warning)
        if op == WRITE:
            future = pool.submit(self.spec.target.write, kind, todo, self.ctx)
        else:
            pairs = [(r, self.ctx.target_id(kind, r.source_id) or "") for r in todo]
            future = pool.submit(self.spec.target.update, kind, pairs, self.ctx)
        in_flight[future] = (todo, attempt, op, held)

    def _triage(self, kind: str, batch: list[Record], mapped: dict[str, str | None],
                stored: dict[str, str | None], statuses: dict[str, str], unknown: set[str],
                *, prepared: bool = False) -> tuple[list[Record], list[Record]]:
        """Split ``batch`` into records to create and (in a delta) records to update;
        settle the others (already migrated, found after a crash, skipped, unchanged).
        ``mapped``, ``stored`` and ``statuses`` are the id map and this run's outcomes for
        the batch; ``prepared``: the pipeline already ran over these records."""
        settled: list[dict[str, Any]] = []
        writes: list[Record] = []
        updates: list[Record] = []
        for record in batch:
            sid = record.source_id
            done = statuses.get(sid) not in (None, st.PENDING)
            if done or (kind, sid) in self._writing:  # settled, or the stream repeated it
                continue
            if isinstance(record, Unreadable):
                settled.append({"source_id": sid, "status": st.FAILED,
                                "reason": scrub(record.reason)})
                continue
            if sid in mapped and self.spec.mode != "delta":
                # migrated by an earlier run of this migration (a demo): carried over,
                # with its fingerprint; this run owns it from now on
                settled.append({"source_id": sid, "status": st.MIGRATED, "adopted": True,
                                "target_id": mapped[sid], "fingerprint": stored.get(sid)})
                continue
            if sid in mapped and not self._updatable(kind):
                continue  # a delta: the target cannot update this kind; not selected
            printed = (self._prints.get((kind, sid)) if prepared else None) or \
                fingerprint(record)  # of the record as the source gave it
            if sid in mapped and stored.get(sid) == printed:
                continue  # a delta: unchanged since it was written
            # the options first: a record that find() completes gets them as a fresh one
            reason = None if prepared else self._pipeline(kind, record)
            if reason:
                settled.append({"source_id": sid, "status": st.SKIPPED,
                                "reason": scrub(reason)})
                continue
            if sid not in mapped and sid in unknown:
                # a crash left this write's outcome unknown: look before writing again
                row = self._look_up(kind, record, printed)
                if row is not None:
                    self._prints.pop((kind, sid), None)
                    options = self._options.pop((kind, sid), [])
                    if row["status"] == st.MIGRATED:  # the options it was written with
                        row["options"] = options
                    settled.append(row)
                    continue
            self._prints[(kind, sid)] = printed
            if sid in mapped:
                self.ctx.remember(kind, sid, mapped[sid])  # the update needs its target id
                updates.append(record)
            else:
                writes.append(record)
        if settled:
            self._commit(kind, settled)
        return writes, updates

    def _updatable(self, kind: str) -> bool:
        kinds = self.spec.target_capabilities.update_kinds
        return kinds is None or kind in kinds

    def _look_up(self, kind: str, record: Record, printed: str) -> dict[str, Any] | None:
        """Find a record whose earlier write may have been applied: its outcome row, owned
        only if it carries the stamp or this run was creating it (never a natural-key
        match); a pending row while the target cannot tell; None if it is not there."""
        sid = record.source_id
        try:
            found = look_up(self.spec.target, kind, record, self.ctx, MAX_AMBIGUOUS_ATTEMPTS)
        except Undecided as exc:
            return {"source_id": sid, "status": st.PENDING,
                    "reason": f"could not tell whether an earlier attempt wrote it ({exc}); "
                              "a resume looks again"}
        if found is None:
            return None
        return found_row(sid, found, owned=found.owned or self.ctx.was_absent(kind, sid),
                         fingerprint=printed)

    def _pipeline(self, kind: str, record: Record) -> str | None:
        """The option phases over ``record``, once; a reason to skip it, or None."""
        before = dict(self.context.option_usage)
        reason = run_pipeline(self.spec.pm, self.context, kind, record)
        if reason:
            return reason
        changed = [name for name, n in self.context.option_usage.items()
                   if n > before.get(name, 0)]
        if changed:  # metered with the record's outcome, once whatever the retries
            self._options[(kind, record.source_id)] = changed
        return None

    def _collect(self, kind: str, in_flight: InFlight, pool: ThreadPoolExecutor) -> int:
        """Commit the batches that finished; returns how many records were settled."""
        finished, _ = wait(list(in_flight), return_when=FIRST_COMPLETED)
        count = 0
        for future in finished:
            batch, attempt, op, held = in_flight.pop(future)
            self._writing.difference_update((kind, r.source_id) for r in batch)
            try:
                count += self._settle(kind, future, batch, attempt, op, pool, in_flight)
            finally:
                self.ctx.release(held)
        return count

    def _settle(self, kind: str, future: Future[list[WriteResult]], batch: list[Record],
                attempt: int, op: str, pool: ThreadPoolExecutor, in_flight: InFlight) -> int:
        """Commit one finished batch (or send it again); how many records were settled."""
        try:
            results = future.result()
        except (AuthError, Unreachable):
            raise
        except Exception as exc:  # noqa: BLE001 - AmbiguousWrite or not: what landed is unknown
            return self._uncertain_batch(kind, batch, attempt, op, exc, pool, in_flight)
        if len(batch) > 1 and whole_batch_failed(results):
            for record in batch:  # one bad record must not fail its neighbours
                self._submit(pool, in_flight, kind, [record], attempt, op)
            return 0
        records = {r.source_id: r for r in batch}
        self._commit(kind, [self._row(kind, r, records.get(r.source_id)) for r in results])
        return len(results)

    def _uncertain_batch(self, kind: str, batch: list[Record], attempt: int, op: str,
                         exc: Exception, pool: ThreadPoolExecutor, in_flight: InFlight) -> int:
        """A write that raised may have landed in part: look each record up, write again
        what is not there; after the last attempt a record found nowhere is failed with
        the reason, one the target cannot tell about stays pending. Returns how many
        records were settled."""
        reason = scrub(str(exc) if isinstance(exc, AmbiguousWrite)
                       else f"{type(exc).__name__}: {exc}")
        ids = {r.source_id for r in batch}
        self.ctx.mark_uncertain(kind, ids)
        if op == UPDATE:  # updates check what landed: send them again
            if attempt < MAX_AMBIGUOUS_ATTEMPTS:
                self._submit(pool, in_flight, kind, batch, attempt + 1, op)
                return 0
            self._commit(kind, [self._row(kind, WriteResult(source_id=r.source_id,
                                                            error=reason)) for r in batch])
            return len(batch)
        if attempt < MAX_AMBIGUOUS_ATTEMPTS:
            todo, _ = self._triage(kind, batch, {}, {}, {}, ids, prepared=True)
            if todo:
                self._submit(pool, in_flight, kind, todo, attempt + 1, op)
            return len(batch) - len(todo)
        rows = []
        for record in batch:
            row = self._look_up(kind, record, self._prints.get((kind, record.source_id), ""))
            if row is not None and row["status"] == st.MIGRATED:
                self._prints.pop((kind, record.source_id), None)
                row["options"] = self._options.pop((kind, record.source_id), [])
            rows.append(row or self._row(kind, WriteResult(source_id=record.source_id,
                                                           error=reason)))
        self._commit(kind, rows)
        return len(batch)

    def _commit(self, kind: str, rows: list[dict[str, Any]]) -> None:
        spec = self.spec
        self.state.record_results(spec.run_id, spec.migration_id, spec.mode, kind, rows,
                                  billable=self.kinds[kind].billable)
        for row in rows:
            if row["status"] == st.MIGRATED:
                self._emit(RECORD_MIGRATED, {"kind": kind, "source_id": row["source_id"],
                                             "target_id": row["target_id"]})

    def _row(self, kind: str, result: WriteResult, record: Record | None = None
             ) -> dict[str, Any]:
        """The outcome row of one write result, with its warnings, fingerprint and options."""
        key = (kind, result.source_id)
        warnings = [*result.warnings, *self.ctx.take_warnings(result.source_id),
                    *(stand_ins(record, self.ctx) if result.target_id else ())]
        return result_row(result, warnings=warnings, options=self._options.pop(key, []),
                          fingerprint=self._prints.pop(key, None))

    # -- run-level bookkeeping ------------------------------------------------------------
    def _flush_fallbacks(self) -> None:
        known = self.state.outcome_status(self.spec.run_id, "agent")
        rows = [{"source_id": agent, "status": st.SKIPPED,
                 "reason": "not in the target; the default agent stands in for it"}
                for agent in sorted(self.ctx.fallbacks) if agent not in known]
        if rows:
            self.state.record_results(self.spec.run_id, self.spec.migration_id,
                                      self.spec.mode, "agent", rows, billable=True)

    def _meter_options(self) -> None:
        """Tell observers how many records each option changed in this attempt (the
        meter counts them with each record's outcome)."""
        for name, count in self.context.option_usage.items():
            self._emit(OPTION_APPLIED, {"option": name, "records": count})

    def _emit(self, name: str, data: dict[str, Any]) -> None:
        self.spec.pm.hook.record_event(event=Event(
            name=name, migration_id=self.spec.migration_id, run_id=self.spec.run_id,
            mode=self.spec.mode, data=data))

    def _notify(self, message: str) -> None:
        log.info("run.notice", message=message)
        if self.spec.notify:
            self.spec.notify(message)

    def _progress(self, kind: str, done: int, total: int | None) -> None:
        if self.spec.progress:
            self.spec.progress(f"{kind} {self._phase}".strip(), done, total)


def _batches(records: Iterable[Record], size: int) -> Iterator[list[Record]]:
    iterator = iter(records)
    while batch := list(islice(iterator, size)):
        yield batch

