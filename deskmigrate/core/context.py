"""The engine's WriteContext: id resolution from an in-memory copy of the id map.

The engine (main thread) loads and updates the maps; writer threads only read them.
"""

from __future__ import annotations

import threading
from collections import defaultdict

from .connector import Source, WriteContext
from .records import NESTED_KINDS, Record
from .state import StateStore


class EngineContext(WriteContext):
    def __init__(self, state: StateStore, migration_id: int, run_id: int,
                 default_agent: str | None, source: Source | None = None, *,
                 people_kinds: tuple[str, ...] = ()) -> None:
        self.state = state
        self.people_kinds = people_kinds  # kinds in the namespace that user() resolves
        self.source = source
        self._people: dict[str, Record | None] = {}  # source people asked for by targets
        self.migration_id = migration_id
        self.run_id = run_id
        self.default_agent = default_agent
        self._maps: dict[str, dict[str, str | None]] = {}
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

    def keep(self, kinds: set[str]) -> None:
        """Forget the maps of other kinds (memory stays flat with the help desk's size)."""
        self._maps = {k: v for k, v in self._maps.items() if k in kinds}

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
        return self._maps.get(kind, {}).get(str(source_id))

    def mark_uncertain(self, kind: str, source_ids: set[str]) -> None:
        with self._lock:
            self._uncertain |= {(kind, str(s)) for s in source_ids}

    def uncertain(self, kind: str, source_id: str) -> bool:
        return (kind, str(source_id)) in self._uncertain

    def known(self, kind: str, source_id: str) -> bool:
        return str(source_id) in self._maps.get(kind, {})

    def user(self, source_id: str | None, *, agent: bool = False) -> str | None:
        if source_id is not None:
            for kind in self.people_kinds:
                found = self.target_id(kind, source_id)
                if found is not None:
                    return found
        if agent and source_id is not None:
            with self._lock:
                self.fallbacks.add(str(source_id))
            return self.default_agent
        return None

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
