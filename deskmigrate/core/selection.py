"""Which records a run takes: everything (full), a reproducible sample (demo), the failed
and skipped records of an earlier run (retry)."""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import datetime
from itertools import islice
from typing import Any

from .connector import Source
from .kinds import Kinds
from .records import USER, Record
from .state import FAILED, SKIPPED, StateStore

DEMO_TICKETS = 20
DEMO_ARTICLES = 5


class Selection:
    """Every record of every kind (a full run), optionally only those changed since a time."""

    def __init__(self, source: Source, since: datetime | None = None) -> None:
        self.source = source
        self.since = since

    def records(self, kind: str) -> Iterable[Record]:
        return self.source.read(kind, since=self.since)


class DemoSelection(Selection):
    """``tickets`` records of the kind registered with ``demo="sample"`` drawn with ``seed``,
    each with everything it needs: the records of ``"linked"`` kinds they link to (people,
    companies); every record of the other kinds; the first few of ``"few"`` kinds (KB
    articles)."""

    def __init__(self, source: Source, *, seed: int, kinds: Kinds,
                 tickets: int = DEMO_TICKETS, articles: int = DEMO_ARTICLES) -> None:
        super().__init__(source)
        self.seed = seed
        self.kinds = kinds
        self.size = tickets
        self.articles = articles
        self._chosen: dict[str, list[Record]] | None = None

    def sample_ids(self) -> list[str]:
        sampled = self.kinds.with_demo("sample")
        ids = sorted(self.source.ids(sampled[0]) if sampled else [], key=_natural)
        picked = random.Random(self.seed).sample(ids, min(self.size, len(ids)))
        return sorted(picked, key=_natural)

    def _prepare(self) -> dict[str, list[Record]]:
        """The drawn records, then (latest kinds first: contacts before the companies they
        link to) the records of each linked kind that those chosen so far link to."""
        if self._chosen is None:
            chosen: dict[str, list[Record]] = {}
            links: dict[str, set[str]] = {}
            for kind in (*self.kinds.with_demo("sample")[:1],
                         *reversed(self.kinds.with_demo("linked"))):
                if self.kinds[kind].demo == "sample":
                    ids = set(self.sample_ids())
                else:
                    ids = links.get(kind, set()) | (
                        links.get(USER, set()) if self.kinds[kind].person else set())
                chosen[kind] = [r for r in self.source.get(kind, sorted(ids, key=_natural))
                                if r.kind == kind] if ids and kind in self.source.kinds else []
                for record in chosen[kind]:
                    for linked, source_id in record.links():
                        links.setdefault(linked, set()).add(source_id)
            self._chosen = chosen
        return self._chosen

    def records(self, kind: str) -> Iterable[Record]:
        demo = self.kinds[kind].demo if kind in self.kinds else "all"
        if demo in ("sample", "linked"):
            return self._prepare().get(kind, [])
        if demo == "few":
            return islice(self.source.read(kind), self.articles)
        return self.source.read(kind)


class RetrySelection(Selection):
    """Only ``ids`` (``{kind: [source id]}``): the records a retry writes again."""

    def __init__(self, source: Source, ids: dict[str, list[str]]) -> None:
        super().__init__(source)
        self.ids = ids

    def records(self, kind: str) -> Iterable[Record]:
        ids = self.ids.get(kind)
        return self.source.get(kind, ids) if ids else []


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

