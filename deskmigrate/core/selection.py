"""Which records a run takes: everything (full), a reproducible sample (demo)."""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import datetime
from itertools import islice

from .connector import Source
from .records import Contact, Record, Ticket

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

    def sample_ids(self) -> list[str]:
        ids = sorted(self.source.ids("ticket"), key=_natural)
        picked = random.Random(self.seed).sample(ids, min(self.size, len(ids)))
        return sorted(picked, key=_natural)

    def _prepare(self) -> list[Ticket]:
        if self._tickets is None:
            self._tickets = [t for t in self.source.get("ticket", self.sample_ids())
                             if isinstance(t, Ticket)]
            people = set()
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
            return self.source.get("company", sorted(ids, key=_natural)) if ids else []
        if kind == "kb_article":
            return islice(self.source.read(kind), self.articles)
        return self.source.read(kind)


def _natural(value: str) -> tuple[int, str]:
    """Sort numeric ids numerically, others after them alphabetically."""
    return (int(value), "") if value.isdigit() else (1 << 62, value)

