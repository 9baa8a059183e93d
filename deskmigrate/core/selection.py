"""Which records a run takes: everything the ``[select]`` filters keep (full, delta), a
reproducible sample of it (demo), the failed and skipped records of an earlier run (retry)."""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from itertools import islice
from typing import Any

from .connector import Source
from .filters import TICKET, Filters, express_key
from .kinds import Kinds
from .records import USER, Record, Ticket
from .state import FAILED, SKIPPED, StateStore

DEMO_TICKETS = 20
DEMO_ARTICLES = 5
DELTA_OVERLAP = timedelta(minutes=10)


class Selection:
    """Every record of every kind the filters keep (a full run), optionally only those
    changed since a time (a delta). A kind left out still brings the records the selected
    tickets link to (requester, assignee, CCs, authors, company, group) and those link to."""

    def __init__(self, source: Source, since: datetime | None = None,
                 filters: Filters | None = None, kinds: Kinds | None = None,
                 now: datetime | None = None) -> None:
        self.source = source
        # A delta reads from a little before its base run started: a source whose clock is
        # behind this machine's (or that indexes a change late) must not hide a change made
        # after the base run read the record. What did not change since it was written is
        # not written again (fingerprints), so the overlap costs reads only.
        self.since = since - DELTA_OVERLAP if since is not None else None
        self.filters = filters or Filters()
        self.kinds = kinds
        self.now = now or datetime.now(UTC)
        self.phase_sizes: dict[str, int] = {}  # express order: tickets in each phase
        self._needs: dict[str, list[str]] | None = None

    def records(self, kind: str) -> Iterable[Record]:
        if not self.filters.keeps_kind(kind):
            return self.needed(kind)
        if kind == TICKET:
            return self.tickets()
        return self.source.read(kind, since=self.since)

    def tickets(self) -> Iterator[Record]:
        """The tickets the date, status and tag filters keep (an unreadable one too: the
        engine reports it as failed)."""
        for record in self.source.read(TICKET, since=self.since):
            if not isinstance(record, Ticket) or self.filters.keeps(record):
                yield record

    def phases(self, kind: str) -> list[tuple[str, Iterable[Record]]]:
        """The records of ``kind`` in the phases they migrate in, each finished before the
        next starts: with ``order = "express"``, tickets come as "express" (open and recent,
        newest first) then "history"; otherwise one unnamed phase."""
        if kind != TICKET or self.filters.order != "express" or \
                not self.filters.keeps_kind(kind):
            return [("", self.records(kind))]
        first: set[str] = set()

        def express() -> Iterator[Record]:
            chosen = sorted((t for t in self.tickets() if isinstance(t, Ticket)
                             and self.filters.express(t, self.now)), key=express_key)
            first.update(t.source_id for t in chosen)
            self.phase_sizes = {"express": len(chosen), "history": 0}
            yield from chosen

        def history() -> Iterator[Record]:
            for ticket in self.tickets():
                if ticket.source_id not in first:
                    self.phase_sizes["history"] = self.phase_sizes.get("history", 0) + 1
                    yield ticket

        return [("express", express()), ("history", history())]

    def total(self, kind: str, counts: dict[str, int], phase: str = "") -> int | None:
        """How many records of ``kind`` (in ``phase``) :meth:`phases` gives, when known: the
        progress bars' total. ``counts`` are the run's, from :meth:`count`."""
        if self.since is not None:
            return None  # a delta reads only what changed: unknown until read
        whole, first = counts.get(kind), self.phase_sizes.get("express")
        if phase == "express":
            return first
        if phase == "history":
            return whole - first if whole is not None and first is not None else None
        return whole

    def count(self) -> dict[str, int]:
        """How many records of each kind this selection migrates (the demo's quote)."""
        counts = self.source.count()
        if self.filters.filters_tickets() and TICKET in counts:
            counts[TICKET] = sum(1 for _ in self.tickets())
        for kind in counts:
            if not self.filters.keeps_kind(kind) and (self.kinds is None or kind in self.kinds):
                counts[kind] = sum(1 for _ in self.needed(kind))
        return counts

    def needed(self, kind: str) -> Iterable[Record]:
        """The records of a left-out ``kind`` the selected tickets need."""
        if self._needs is None:
            self._needs = {}
            if self.kinds is not None and self.filters.keeps_kind(TICKET):
                self._needs = linked(self.source, self.kinds, self.tickets(),
                                     [k for k in self.kinds if not self.filters.keeps_kind(k)])
        ids = self._needs.get(kind)
        return (r for r in self.source.get(kind, ids) if r.kind == kind) if ids else []


def linked(source: Source, kinds: Kinds, records: Iterable[Record], wanted: Iterable[str]
           ) -> dict[str, list[str]]:
    """The ids of the ``wanted`` kinds that ``records`` link to, and that the linked records
    of the later wanted kinds link to in turn (contacts to their companies)."""
    links: dict[str, set[str]] = {}
    for record in records:
        for kind, source_id in record.links():
            links.setdefault(kind, set()).add(source_id)
    wanted = [k for k in kinds.order if k in set(wanted)]
    out: dict[str, list[str]] = {}
    for position, kind in reversed(list(enumerate(wanted))):
        ids = links.get(kind, set()) | (links.get(USER, set()) if kinds[kind].person else set())
        if not ids:
            continue
        out[kind] = sorted(ids, key=_natural)
        if position and kind in source.kinds:  # an earlier wanted kind may be linked from it
            for record in source.get(kind, out[kind]):
                for link, source_id in record.links():
                    links.setdefault(link, set()).add(source_id)
    return out


class DemoSelection(Selection):
    """``tickets`` records of the kind registered with ``demo="sample"`` drawn with ``seed``
    among those the filters keep, each with everything it needs: the records of ``"linked"``
    kinds (and of left-out kinds) they link to (people, companies); every record of the
    other kinds; the first few of ``"few"`` kinds (KB articles)."""

    def __init__(self, source: Source, *, seed: int, kinds: Kinds,
                 tickets: int = DEMO_TICKETS, articles: int = DEMO_ARTICLES,
                 filters: Filters | None = None) -> None:
        super().__init__(source, filters=filters, kinds=kinds)
        self.kinds: Kinds = kinds
        self.seed = seed
        self.size = tickets
        self.articles = articles
        self._chosen: dict[str, list[Record]] | None = None

    def sample_ids(self) -> list[str]:
        sampled = self.kinds.with_demo("sample")
        if not sampled or not self.filters.keeps_kind(sampled[0]):
            return []
        if sampled[0] == TICKET and self.filters.filters_tickets():
            found: Iterable[str] = (t.source_id for t in self.tickets())
        else:
            found = self.source.ids(sampled[0])
        ids = sorted(found, key=_natural)
        picked = random.Random(self.seed).sample(ids, min(self.size, len(ids)))
        return sorted(picked, key=_natural)

    def _linked_kinds(self) -> list[str]:
        return [k for k in self.kinds.order if self.kinds[k].demo == "linked"
                or not self.filters.keeps_kind(k)]

    def _prepare(self) -> dict[str, list[Record]]:
        """The drawn records, then (latest kinds first: contacts before the companies they
        link to) the records of each linked kind that those chosen so far link to."""
        if self._chosen is None:
            chosen: dict[str, list[Record]] = {}
            links: dict[str, set[str]] = {}
            for kind in (*self.kinds.with_demo("sample")[:1],
                         *reversed(self._linked_kinds())):
                if self.kinds[kind].demo == "sample":
                    ids = set(self.sample_ids())
                else:
                    ids = links.get(kind, set()) | (
                        links.get(USER, set()) if self.kinds[kind].person else set())
                chosen[kind] = [r for r in self.source.get(kind, sorted(ids, key=_natural))
                                if r.kind == kind] if ids and kind in self.source.kinds else []
                for record in chosen[kind]:
                    for linked_kind, source_id in record.links():
                        links.setdefault(linked_kind, set()).add(source_id)
            self._chosen = chosen
        return self._chosen

    def records(self, kind: str) -> Iterable[Record]:
        demo = self.kinds[kind].demo if kind in self.kinds else "all"
        if demo in ("sample", "linked") or not self.filters.keeps_kind(kind):
            return self._prepare().get(kind, [])
        if demo == "few":
            return islice(self.source.read(kind), self.articles)
        return self.source.read(kind)

    def phases(self, kind: str) -> list[tuple[str, Iterable[Record]]]:
        return [("", self.records(kind))]  # a sample of 20 has no history to wait for

    def total(self, kind: str, counts: dict[str, int], phase: str = "") -> int | None:
        demo = self.kinds[kind].demo if kind in self.kinds else "all"
        if demo in ("sample", "linked") or not self.filters.keeps_kind(kind):
            return len(self._prepare().get(kind, []))
        if demo == "few":
            return min(self.articles, counts.get(kind, self.articles))
        return counts.get(kind)


class RetrySelection(Selection):
    """Only ``ids`` (``{kind: [source id]}``): the records a retry writes again."""

    def __init__(self, source: Source, ids: dict[str, list[str]]) -> None:
        super().__init__(source)
        self.ids = ids

    def records(self, kind: str) -> Iterable[Record]:
        ids = self.ids.get(kind)
        return self.source.get(kind, ids) if ids else []

    def phases(self, kind: str) -> list[tuple[str, Iterable[Record]]]:
        return [("", self.records(kind))]

    def total(self, kind: str, counts: dict[str, int], phase: str = "") -> int | None:
        return len(self.ids.get(kind) or [])


def retry_ids(state: StateStore, retry_run: dict[str, Any]) -> dict[str, list[str]]:
    """The records the retry's base run failed or skipped that no run has migrated since
    (on a resumed retry, those it already wrote are left out)."""
    out: dict[str, list[str]] = {}
    for row in state.outcomes(retry_run["parent_run_id"]):
        if row["status"] in (FAILED, SKIPPED) and state.target_id(
                retry_run["migration_id"], row["kind"], row["source_id"]) is None:
            out.setdefault(row["kind"], []).append(row["source_id"])
    return out


def _natural(value: str) -> tuple[int, str]:
    """Sort numeric ids numerically, others after them alphabetically."""
    return (int(value), "") if value.isdigit() else (1 << 62, value)
