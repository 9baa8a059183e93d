"""The engine's WriteContext: id resolution from the id map.

A kind is resolved from a whole in-memory copy of its map (:meth:`EngineContext.load`), or
(the engine's way, so memory stays flat whatever the help desk's size) lazily: before a batch
is written the engine holds the target ids its records link to, one query per batch, and
releases them once the batch is settled; an id no held batch links to is looked up in the
state database. The engine (main thread) loads, holds and releases; writer threads only read.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence

from .connector import Source, WriteContext
from .records import NESTED_KINDS, USER, Record
from .state import StateStore

Held = list[tuple[str, str]]  # (kind, source id) a batch holds


class EngineContext(WriteContext):
    def __init__(self, state: StateStore, migration_id: int, run_id: int,
                 stand_in: Callable[[], str | None] | None, source: Source | None = None, *,
                 people_kinds: tuple[str, ...] = ()) -> None:
        self.state = state
        self.people_kinds = people_kinds  # kinds in the namespace that user() resolves
        self.source = source
        self._people: dict[str, Record | None] = {}  # source people asked for by targets
        self.migration_id = migration_id
        self.run_id = run_id
        self._ask_stand_in = stand_in  # asks the target for the default agent, once
        self._stand_in: str | None = None
        self._maps: dict[str, dict[str, str | None]] = {}
        self._lazy: frozenset[str] = frozenset()  # kinds resolved by batch, else the database
        self._held: dict[tuple[str, str], int] = {}  # looked up for in-flight batches: count
        self._warnings: dict[str, list[str]] = defaultdict(list)
        self._lock = threading.Lock()
        self.fallbacks: set[str] = set()  # source agents the default agent stood in for
        self._uncertain: set[tuple[str, str]] = set()
        self._absent: set[tuple[str, str]] = set()  # found nothing before creating it
        self._local = threading.local()  # writer threads' own state connections

    # -- engine side --------------------------------------------------------------------
    def load(self, kind: str) -> dict[str, str | None]:
        """(Re)load the id map of ``kind`` from the state database."""
        self._maps[kind] = self.state.id_map(self.migration_id, kind)
        return self._maps[kind]

    def refer(self, kinds: Iterable[str]) -> None:
        """Resolve ``kinds`` lazily from now on (no whole map in memory) and nothing else:
        the maps of other kinds are forgotten."""
        self._lazy = frozenset(kinds)
        self._maps, self._held = {}, {}

    def hold(self, records: Sequence[Record]) -> Held:
        """Look up, in one query, the target ids of what ``records`` link to (in the lazy
        kinds; a person in each people kind) and keep them until :meth:`release`."""
        wanted: set[tuple[str, str]] = set()
        for record in records:
            for kind, source_id in record.links():
                for each in self.people_kinds if kind == USER else (kind,):
                    if each in self._lazy:
                        wanted.add((each, str(source_id)))
        fresh = [key for key in wanted if key not in self._held]
        for (kind, source_id), target_id in self.state.mapped(self.migration_id,
                                                              fresh).items():
            self._maps.setdefault(kind, {})[source_id] = target_id
        for key in wanted:
            self._held[key] = self._held.get(key, 0) + 1
        if self._ask_stand_in is not None and any(
                kind == USER and self.user(str(source_id)) is None
                for record in records for kind, source_id in record.links()):
            self.stand_in()  # here, before the write: a refusal stops the run cleanly
        return list(wanted)

    def release(self, held: Held) -> None:
        """A batch is settled: forget what it alone held."""
        for key in held:
            count = self._held.pop(key, 1) - 1
            if count > 0:
                self._held[key] = count
            else:
                self._maps.get(key[0], {}).pop(key[1], None)

    def remember(self, kind: str, source_id: str, target_id: str | None) -> None:
        if target_id is not None:
            self._maps.setdefault(kind, {})[source_id] = target_id

    def load_absent(self, kind: str) -> None:
        """Which pending records of ``kind`` (and nested records) an interrupted attempt
        was creating."""
        found = self.state.absent(self.migration_id, kind)
        nested = self.state.intents(self.migration_id)
        with self._lock:
            self._absent |= {(kind, s) for s in found} | nested

    def was_absent(self, kind: str, source_id: str) -> bool:
        with self._lock:
            return (kind, str(source_id)) in self._absent

    def take_warnings(self, source_id: str) -> list[str]:
        with self._lock:
            return self._warnings.pop(source_id, [])

    # -- WriteContext -------------------------------------------------------------------
    def target_id(self, kind: str, source_id: str | None) -> str | None:
        if source_id is None:
            return None
        return self._resolve(kind, str(source_id))[1]

    def mark_uncertain(self, kind: str, source_ids: set[str]) -> None:
        with self._lock:
            self._uncertain |= {(kind, str(s)) for s in source_ids}

    def uncertain(self, kind: str, source_id: str) -> bool:
        return (kind, str(source_id)) in self._uncertain

    def known(self, kind: str, source_id: str) -> bool:
        return self._resolve(kind, str(source_id))[0]

    def _resolve(self, kind: str, source_id: str) -> tuple[bool, str | None]:
        """Whether ``source_id`` of ``kind`` is in the id map, and its target id."""
        found = self._maps.get(kind, {})
        if source_id in found:
            return True, found.get(source_id)
        if kind not in self._lazy or (kind, source_id) in self._held:
            return False, None
        row = self._store().mapped(self.migration_id, [(kind, source_id)])
        return (kind, source_id) in row, row.get((kind, source_id))

    def user(self, source_id: str | None, *, agent: bool = False) -> str | None:
        if source_id is not None:
            for kind in self.people_kinds:
                found = self.target_id(kind, source_id)
                if found is not None:
                    return found
        if agent and source_id is not None:
            with self._lock:
                self.fallbacks.add(str(source_id))
            return self.stand_in()
        return None

    def stand_in(self) -> str | None:
        """The default agent's target id, asked of the target the first time a record may
        need it (a delta whose people are all mapped never asks)."""
        with self._lock:
            if self._ask_stand_in is not None:
                self._stand_in, self._ask_stand_in = self._ask_stand_in(), None
            return self._stand_in

    def person(self, source_id: str | None) -> Record | None:
        """Asked of the source once per person (a target naming an unmapped author)."""
        if source_id is None or self.source is None:
            return None
        with self._lock:
            if source_id in self._people:
                return self._people[source_id]
        found = next((r for kind in self.people_kinds if kind in self.source.kinds
                      for r in self.source.get(kind, [source_id])), None)
        with self._lock:
            self._people[source_id] = found
        return found

    def external_id(self, kind: str, source_id: str) -> str:
        return f"deskmigrate-{self.migration_id}-{kind}-{source_id}"

    def creating(self, kind: str, source_id: str) -> None:
        with self._lock:
            self._absent.add((kind, str(source_id)))
        store = self._store()
        if kind in NESTED_KINDS:  # a nested record has no outcome row of its own
            store.mark_intent(self.run_id, kind, str(source_id))
        else:
            store.mark_absent(self.run_id, kind, str(source_id))

    def created(self, kind: str, source_id: str, target_id: str) -> None:
        self._store().mark_created(self.run_id, kind, str(source_id), str(target_id))

    def _store(self) -> StateStore:
        store = getattr(self._local, "store", None)
        if store is None:  # SQLite connections stay in their thread
            store = self._local.store = StateStore(self.state.path)
        return store

    def warn(self, source_id: str, message: str) -> None:
        with self._lock:
            self._warnings[str(source_id)].append(message)
