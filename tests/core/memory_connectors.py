"""An in-memory platform for engine tests: a source of records and a target that can be
told to fail, crash or lose a response."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime

from deskmigrate.core.connector import (
    ChildResult,
    Found,
    Identity,
    Source,
    Target,
    WriteContext,
    WriteResult,
)
from deskmigrate.core.errors import AmbiguousWrite
from deskmigrate.core.http import HttpClient
from deskmigrate.core.records import Agent, Comment, Contact, Group, Record, Ticket

KINDS = ("group", "agent", "contact", "ticket")


def sample_records(tickets: int = 30) -> dict[str, list[Record]]:
    groups = [Group(source_id="g1", name="Support")]
    agents = [Agent(source_id="a1", name="Ann", email="ann@x.test", group_ids=["g1"]),
              Agent(source_id="a2", name="Bob", email="bob@x.test")]
    contacts = [Contact(source_id=f"u{i}", name=f"User {i}", email=f"u{i}@x.test")
                for i in range(5)]
    ticket_list = [
        Ticket(source_id=str(i), subject=f"Ticket {i}", requester_id=f"u{i % 5}",
               assignee_id="a2" if i % 3 == 0 else "a1", tags=["t"],
               comments=[Comment(source_id=f"{i}-c{j}", author_id=f"u{i % 5}",
                                 body_html=f"<p>{i}.{j}</p>") for j in range(3)])
        for i in range(1, tickets + 1)
    ]
    return {"group": groups, "agent": agents, "contact": contacts, "ticket": ticket_list}


class MemorySource(Source):
    kinds = KINDS

    def __init__(self, records: dict[str, list[Record]]) -> None:
        self.records = records
        self.http = HttpClient("http://127.0.0.1", platform="memory")

    def check(self) -> Identity:
        return Identity(name="memory")

    def count(self) -> dict[str, int]:
        return {k: len(v) for k, v in self.records.items()}

    def read(self, kind: str, *, since: datetime | None = None) -> Iterator[Record]:
        yield from self.records.get(kind, [])

    def get(self, kind: str, ids: Sequence[str]) -> Iterator[Record]:
        wanted = set(ids)
        yield from (r for r in self.records.get(kind, []) if r.source_id in wanted)


class MemoryTarget(Target):
    """Stores what it is given. ``fail`` ids answer with an error; ``lose`` ids are written
    but the call raises afterwards, as when a process dies before the answer is stored;
    ``ambiguous`` ids are written, then the call reports that its outcome is unknown.
    Groups, agents and contacts already there (:meth:`preexisting`) are matched by name or
    email, as real targets do; ``find_ambiguous`` ids make find() itself ambiguous and
    ``undeletable`` target ids are refused by delete()."""

    kinds = KINDS

    def __init__(self, batch: int = 10) -> None:
        self.batch = batch
        self.http = HttpClient("http://127.0.0.1", platform="memory")
        self.store: dict[str, dict[str, Record]] = {k: {} for k in KINDS}
        self.external: dict[str, str] = {}
        self.fail: set[str] = set()
        self.lose: set[str] = set()
        self.ambiguous: set[str] = set()
        self.added_comments: list[str] = []
        self.write_calls = 0
        self.resolved: dict[str, dict[str, str | None]] = {}
        self.find_ambiguous: dict[str, int] = {}  # source id -> ambiguous find() answers
        self.undeletable: set[str] = set()
        self.explode: set[str] = set()  # written, then the call raises an unexpected error
        self.refuse_batches = 0  # this many multi-record batches are refused as a whole

    def preexisting(self, kind: str, record: Record) -> str:
        """A record that was in the target before any run (never the tool's to delete)."""
        target_id = f"{kind}-pre-{len(self.store[kind]) + 1}"
        self.store[kind][target_id] = record
        return target_id

    def _natural(self, kind: str, record: Record) -> str | None:
        key = getattr(record, "email", None) or getattr(record, "name", None)
        if kind not in ("group", "agent", "contact") or not key:
            return None
        return next((tid for tid, r in self.store[kind].items()
                     if (getattr(r, "email", None) or getattr(r, "name", None)) == key), None)

    def check(self) -> Identity:
        return Identity(name="Default Agent", id="agent-default")

    def batch_size(self, kind: str) -> int:
        return self.batch if kind == "ticket" else 1

    def write(self, kind: str, records: list[Record], ctx: WriteContext) -> list[WriteResult]:
        self.write_calls += 1
        if len(records) > 1 and self.refuse_batches > 0:
            self.refuse_batches -= 1
            return [WriteResult(source_id=r.source_id, error="the job failed")
                    for r in records]
        results = []
        for record in records:
            if record.source_id in self.fail:
                results.append(WriteResult(source_id=record.source_id, error="refused"))
                continue
            existing = self._natural(kind, record)
            if existing is not None:
                results.append(WriteResult(source_id=record.source_id, target_id=existing,
                                           matched=True))
                continue
            ctx.creating(kind, record.source_id)
            target_id = f"{kind}-{len(self.store[kind]) + 1}"
            self.store[kind][target_id] = record
            if kind != "group":  # like Zendesk groups, memory groups carry no stamp
                self.external[ctx.external_id(kind, record.source_id)] = target_id
            if isinstance(record, Ticket):
                self.resolved[target_id] = {
                    "requester": ctx.user(record.requester_id),
                    "assignee": ctx.user(record.assignee_id, agent=True)}
            children = [ChildResult("comment", c.source_id, None)
                        for c in getattr(record, "comments", [])]
            results.append(WriteResult(source_id=record.source_id, target_id=target_id,
                                       children=children))
        if any(r.source_id in self.ambiguous for r in records):
            self.ambiguous -= {r.source_id for r in records}
            raise AmbiguousWrite("the connection dropped after the request was sent.")
        if any(r.source_id in self.explode for r in records):
            self.explode -= {r.source_id for r in records}
            raise RuntimeError("the target's answer could not be parsed")
        if any(r.source_id in self.lose for r in records):
            self.lose.clear()
            raise SystemExit("killed after the write, before the answer")
        return results

    def update(self, kind: str, records: list[tuple[Record, str]], ctx: WriteContext
               ) -> list[WriteResult]:
        """Replace the stored record; report which comments are new to the id map."""
        self.write_calls += 1
        results = []
        for record, target_id in records:
            new = [c for c in getattr(record, "comments", [])
                   if not ctx.known("comment", c.source_id)]
            self.store[kind][target_id] = record
            self.added_comments.extend(c.source_id for c in new)
            results.append(WriteResult(source_id=record.source_id, target_id=target_id,
                                       children=[ChildResult("comment", c.source_id, None)
                                                 for c in new]))
        return results

    def find(self, kind: str, record: Record, ctx: WriteContext) -> Found | None:
        if self.find_ambiguous.get(record.source_id, 0) > 0:
            self.find_ambiguous[record.source_id] -= 1
            raise AmbiguousWrite("the connection dropped while completing the record.")
        stamped = self.external.get(ctx.external_id(kind, record.source_id))
        if stamped is not None:
            return Found(stamped, owned=True)
        natural = self._natural(kind, record)
        return Found(natural, owned=False) if natural else None

    def delete(self, kind: str, target_ids: Iterable[str]) -> list[str]:
        gone = []
        for target_id in target_ids:
            if target_id not in self.undeletable:
                self.store[kind].pop(target_id, None)
                gone.append(target_id)
        return gone
