"""Which records a run takes: everything (full), a reproducible sample (demo), the failed
and skipped records of an earlier run (retry)."""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import datetime
from itertools import islice
from typing import Any

from .connector import Source
from .records import Contact, Record, Ticket
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

    def total(self, kind: str, counts: dict[str, int]) -> int | None:
        """How many records of ``kind`` :meth:`records` gives, when known (the progress
        bars' total); ``counts`` are the source's counts. Asked after :meth:`records`."""
        return counts.get(kind) if self.since is None else None


class DemoSelection(Selection):
    """``tickets`` tickets drawn with ``seed``, each with everything it needs: the people,
    companies and groups it references; every agent, group and field; a few KB articles."""

    def __init__(self, source: Source, *, seed: int, tickets: int = DEMO_TICKETS,
                 articles: int = DEMO_ARTICLES) -> None:
        super().__init__(source)
        self.seed = seed
        self.size = tickets
        self.articles = articles
        self._tickets: list[Ticket] | None = None
        self._contacts: list[Record] = []
        self._companies = 0

    def sample_ids(self) -> list[str]:
        ids = sorted(self.source.ids("ticket"), key=_natural)
        picked = random.Random(self.seed).sample(ids, min(self.size, len(ids)))
        return sorted(picked, key=_natural)

    def _prepare(self) -> list[Ticket]:
        if self._tickets is None:
            self._tickets = [t for t in self.source.get("ticket", self.sample_ids())
                             if isinstance(t, Ticket)]
            people: set[str] = set()
            for ticket in self._tickets:
                people.update(p for p in (ticket.requester_id, ticket.assignee_id,
                                          *ticket.cc_ids) if p)
                people.update(c.author_id for c in ticket.comments if c.author_id)
            self._contacts = list(self.source.get("contact", sorted(people, key=_natural)))
        return self._tickets

    def records(self, kind: str) -> Iterable[Record]:
        if kind == "ticket":
            return self._prepare()
        if kind == "contact":
            self._prepare()
            return self._contacts
        if kind == "company":
            tickets = self._prepare()
            ids = {t.company_id for t in tickets if t.company_id}
            ids |= {c.company_id for c in self._contacts
                    if isinstance(c, Contact) and c.company_id}
            self._companies = len(ids)
            return self.source.get("company", sorted(ids, key=_natural)) if ids else []
        if kind == "kb_article":
            return islice(self.source.read(kind), self.articles)
        return self.source.read(kind)

    def total(self, kind: str, counts: dict[str, int]) -> int | None:
        if kind == "ticket":
            return len(self._prepare())
        if kind == "contact":
            return len(self._contacts)
        if kind == "kb_article":
            return min(self.articles, counts.get(kind, self.articles))
        return self._companies if kind == "company" else counts.get(kind)


class RetrySelection(Selection):
    """Only ``ids`` (``{kind: [source id]}``): the records a retry writes again."""

    def __init__(self, source: Source, ids: dict[str, list[str]]) -> None:
        super().__init__(source)
        self.ids = ids

    def records(self, kind: str) -> Iterable[Record]:
        ids = self.ids.get(kind)
        return self.source.get(kind, ids) if ids else []

    def total(self, kind: str, counts: dict[str, int]) -> int | None:
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

