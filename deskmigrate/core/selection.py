"""Which records a run takes: everything the ``[select]`` filters keep (full, delta), a
reproducible sample of it (demo), the failed and skipped records of an earlier run (retry)."""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from itertools import islice
from typing import Any

from .connector import Source
from .filters import Filters, express_key
from .records import KIND_ORDER, Agent, Contact, Record, Ticket
from .state import FAILED, SKIPPED, StateStore

DEMO_TICKETS = 20
DEMO_ARTICLES = 5
NEEDED_KINDS = ("group", "agent", "company", "contact")  # what a ticket references


class Selection:
    """Every record of every kind the filters keep (a full run), optionally only those
    changed since a time (a delta). Kinds left out still bring the records the selected
    tickets need (requester, assignee, CCs, authors, company, group)."""

    def __init__(self, source: Source, since: datetime | None = None,
                 filters: Filters | None = None, now: datetime | None = None) -> None:
        self.source = source
        self.since = since
        self.filters = filters or Filters()
        self.now = now or datetime.now(UTC)
        self.phase_sizes: dict[str, int] = {}  # express order: tickets in each phase
        self._needs: dict[str, list[str]] | None = None

    def records(self, kind: str) -> Iterable[Record]:
        if kind not in self.filters.taken_kinds():
            return self.needed(kind)
        if kind == "ticket":
            return self.tickets()
        return self.source.read(kind, since=self.since)

    def tickets(self) -> Iterator[Ticket]:
        """The tickets the date, status and tag filters keep."""
        for record in self.source.read("ticket", since=self.since):
            if not isinstance(record, Ticket) or self.filters.keeps(record):
                yield record  # type: ignore[misc]  # an Unreadable is reported as failed

    def phases(self, kind: str) -> list[tuple[str, Iterable[Record]]]:
        """The records of ``kind`` in the phases they migrate in, each finished before the
        next starts: with ``order = "express"``, tickets come as "express" (open and recent,
        newest first) then "history"; otherwise one unnamed phase."""
        if kind != "ticket" or self.filters.order != "express" or \
                kind not in self.filters.taken_kinds():
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

    def count(self) -> dict[str, int]:
        """How many records of each kind this selection migrates (the demo's quote)."""
        counts = self.source.count()
        if self.filters.filters_tickets() and "ticket" in counts:
            counts["ticket"] = sum(1 for _ in self.tickets())
        taken = self.filters.taken_kinds()
        for kind in counts:
            if kind in KIND_ORDER and kind not in taken:
                counts[kind] = sum(1 for _ in self.needed(kind))
        return counts

    def needed(self, kind: str) -> Iterable[Record]:
        """The records of a left-out ``kind`` the selected tickets need."""
        ids = self._needed_ids().get(kind)
        return self.source.get(kind, ids) if ids else []

    def _needed_ids(self) -> dict[str, list[str]]:
        if self._needs is None:
            taken = self.filters.taken_kinds()
            missing = [k for k in NEEDED_KINDS if k not in taken]
            self._needs = needs(self.source, self.tickets(), missing) \
                if missing and "ticket" in taken else {}
        return self._needs


def needs(source: Source, tickets: Iterable[Record], missing: list[str],
          contacts: list[Record] | None = None) -> dict[str, list[str]]:
    """The ids of the ``missing`` kinds the ``tickets`` reference: people (as both agent
    and contact: the source's ``get`` keeps those of its kind), companies (also those of the
    contacts, read again unless given), groups (also those of the agents)."""
    people: set[str] = set()
    companies: set[str] = set()
    groups: set[str] = set()
    for ticket in tickets:
        if isinstance(ticket, Ticket):
            people.update(p for p in (ticket.requester_id, ticket.assignee_id,
                                      *ticket.cc_ids) if p)
            people.update(c.author_id for c in ticket.comments if c.author_id)
            companies.update([ticket.company_id] if ticket.company_id else [])
            groups.update([ticket.group_id] if ticket.group_id else [])
    ordered = sorted(people, key=_natural)
    if "company" in missing and ordered:
        read = contacts if contacts is not None else source.get("contact", ordered)
        companies.update(c.company_id for c in read if isinstance(c, Contact) and c.company_id)
    if "group" in missing and ordered:
        for agent in source.get("agent", ordered):
            groups.update(agent.group_ids if isinstance(agent, Agent) else [])
    found = {"agent": ordered, "contact": ordered, "company": sorted(companies, key=_natural),
             "group": sorted(groups, key=_natural)}
    return {kind: found[kind] for kind in missing if found[kind]}


class DemoSelection(Selection):
    """``tickets`` tickets drawn with ``seed`` among those the filters keep, each with
    everything it needs: the people, companies and groups it references; every agent,
    group and field (unless left out); a few KB articles."""

    def __init__(self, source: Source, *, seed: int, tickets: int = DEMO_TICKETS,
                 articles: int = DEMO_ARTICLES, filters: Filters | None = None) -> None:
        super().__init__(source, filters=filters)
        self.seed = seed
        self.size = tickets
        self.articles = articles
        self._tickets: list[Ticket] | None = None
        self._contacts: list[Record] = []

    def sample_ids(self) -> list[str]:
        if self.filters.filters_tickets():
            ids = sorted((t.source_id for t in self.tickets()), key=_natural)
        else:
            ids = sorted(self.source.ids("ticket"), key=_natural)
        picked = random.Random(self.seed).sample(ids, min(self.size, len(ids)))
        return sorted(picked, key=_natural)

    def _prepare(self) -> list[Ticket]:
        if self._tickets is None:
            self._tickets = [t for t in self.source.get("ticket", self.sample_ids())
                             if isinstance(t, Ticket)]
            taken = self.filters.taken_kinds()
            people = needs(self.source, self._tickets, ["contact"]).get("contact", [])
            self._contacts = list(self.source.get("contact", people)) if people else []
            missing = ["company", *(k for k in ("group", "agent") if k not in taken)]
            self._needs = {**needs(self.source, self._tickets, missing, self._contacts),
                           "contact": people}
        return self._tickets

    def records(self, kind: str) -> Iterable[Record]:
        taken = self.filters.taken_kinds()
        if kind == "ticket":
            return self._prepare() if kind in taken else []
        if kind == "contact":
            self._prepare()
            return self._contacts
        if kind == "company" or (kind in NEEDED_KINDS and kind not in taken):
            self._prepare()
            return self.needed(kind)
        if kind not in taken:
            return []
        if kind == "kb_article":
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

