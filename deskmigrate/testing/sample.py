"""A built-in sample source for the conformance suite: canonical records made from a seed,
so that a target-only platform is written by the engine like any other. It sends no
request; its records are built afresh on every read (options change records in place)."""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from ..core.connector import Capabilities, Connection, Identity, Platform, Source, Target
from ..core.errors import DeskmigrateError
from ..core.records import Agent, Comment, Company, Contact, Group, Record, Ticket

NAME = "deskmigrate-sample"
KINDS = ("group", "agent", "company", "contact", "ticket")
T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def sample_records(tickets: int, seed: int) -> dict[str, list[Record]]:
    """``tickets`` tickets (1-3 comments each, public replies and private notes, with their
    times) from ``tickets // 2 + 1`` contacts in two companies, answered by two agents of
    one group."""
    rng = random.Random(seed)
    groups: list[Record] = [Group(source_id="g1", name="Support", description="Front line")]
    agents: list[Record] = [
        Agent(source_id=f"a{n}", name=f"Agent {n}", email=f"agent{n}@sample.test",
              group_ids=["g1"]) for n in (1, 2)]
    companies: list[Record] = [
        Company(source_id=f"o{n}", name=f"Company {n}", domains=[f"company{n}.test"])
        for n in (1, 2)]
    contacts: list[Contact] = [
        Contact(source_id=f"u{n}", name=f"Contact {n}", email=f"contact{n}@company{n % 2 + 1}.test",
                company_id=f"o{n % 2 + 1}") for n in range(tickets // 2 + 1)]
    made: list[Record] = []
    for n in range(tickets):
        requester = rng.choice(contacts)
        agent = f"a{rng.randint(1, 2)}"
        opened = T0 + timedelta(hours=n)
        comments = [
            Comment(source_id=f"t{n}-c{c}", author_id=requester.source_id if c % 2 == 0
                    else agent, body_html=f"<p>Message {c} of ticket {n}</p>",
                    body_text=f"Message {c} of ticket {n}", public=c != 2,
                    created_at=opened + timedelta(minutes=10 * c))
            for c in range(rng.randint(1, 3))]
        made.append(Ticket(
            source_id=f"t{n}", subject=f"Sample question {n}",
            status=rng.choice(["open", "pending", "solved"]), priority="normal",
            requester_id=requester.source_id, assignee_id=agent, group_id="g1",
            company_id=requester.company_id, tags=["sample"], created_at=opened,
            updated_at=comments[-1].created_at, comments=comments))
    return {"group": groups, "agent": agents, "company": companies, "contact": list(contacts),
            "ticket": made}


class SampleSource(Source):
    def __init__(self, connection: Connection, tickets: int, seed: int,
                 kinds: tuple[str, ...] = KINDS) -> None:
        super().__init__(connection)
        self.tickets, self.seed, self.kinds = tickets, seed, kinds

    def _records(self, kind: str) -> list[Record]:
        return sample_records(self.tickets, self.seed).get(kind, []) if kind in self.kinds \
            else []

    def check(self) -> Identity:
        return Identity(name="Sample source", id="sample")

    def count(self) -> dict[str, int]:
        return {kind: len(records) for kind, records
                in sample_records(self.tickets, self.seed).items() if kind in self.kinds}

    def read(self, kind: str, *, since: datetime | None = None) -> Iterator[Record]:
        for record in self._records(kind):
            updated = getattr(record, "updated_at", None)
            if since is None or updated is None or updated >= since:
                yield record

    def get(self, kind: str, ids: Sequence[str]) -> Iterator[Record]:
        wanted = set(ids)
        return (r for r in self._records(kind) if r.source_id in wanted)


class SamplePlatform(Platform):
    """The source side of a conformance run for a platform that has none: it offers the
    ``kinds`` (of its own) that the platform writes."""

    name = NAME
    title = "deskmigrate sample records"
    config_fields = ()

    def __init__(self, tickets: int, seed: int, kinds: tuple[str, ...] = KINDS) -> None:
        self.tickets, self.seed = tickets, seed
        self.kinds = tuple(k for k in KINDS if k in kinds)
        self.capabilities = Capabilities(source_kinds=self.kinds, keeps_timestamps=True,
                                         keeps_authors=True)

    def source(self, connection: Connection) -> SampleSource:
        return SampleSource(connection, self.tickets, self.seed, self.kinds)

    def target(self, connection: Connection) -> Target:
        raise DeskmigrateError("The sample platform is a source only.")

    def auth(self, credentials: dict[str, str]) -> Any:
        return None
