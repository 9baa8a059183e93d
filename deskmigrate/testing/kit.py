"""What the conformance suite's tests share for one platform: its sandboxes, connections,
the records its source reads, and one migration sandbox -> sandbox through the engine."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pluggy

from .. import hookimpl
from ..core import state as st
from ..core.config import Config, parse
from ..core.connect import connect
from ..core.connector import Connection, Platform, Source, Target
from ..core.context import EngineContext
from ..core.host import kinds, new_plugin_manager
from ..core.records import Record
from ..core.runner import Launch, resume_run, start_run
from ..core.sandboxes import IN_PROCESS_RATE
from ..sandbox import SandboxApp
from .sample import NAME, SamplePlatform

if TYPE_CHECKING:
    from .suite import PlatformConformance

_folders = itertools.count(1)


@dataclass
class Migration:
    """A finished full run from a seeded sandbox into an empty one of the same platform."""

    state: st.StateStore
    result: dict[str, Any]
    config: Config
    source_app: SandboxApp | None  # None: the built-in sample source (a target-only platform)
    target_app: SandboxApp
    pm: pluggy.PluginManager
    before: dict[str, int]  # the target's counts before the run (its own admin, ...)

    @property
    def migration_id(self) -> int:
        return int(self.state.runs()[-1]["migration_id"])

    def context(self, migration_id: int | None = None) -> EngineContext:
        """The engine's WriteContext of this migration (or of another migration id)."""
        known = kinds(self.pm)
        ctx = EngineContext(self.state, migration_id or self.migration_id, 0, None,
                            people_kinds=known.people)
        for kind in known.order:
            ctx._maps[kind] = self.state.id_map(self.migration_id, kind)
        return ctx

    def transports(self) -> dict[str, httpx.BaseTransport]:
        apps = {"source": self.source_app, "target": self.target_app}
        return {side: app.transport() for side, app in apps.items() if app is not None}


class Kit:
    """Built once per test class; every part is made on first use."""

    def __init__(self, suite: type[PlatformConformance], folder: Path) -> None:
        self.suite = suite
        self.platform: Platform = suite.platform
        self.folder = folder
        # A target-only platform is written from the built-in sample source.
        self.sample = (None if suite.platform.capabilities.source_kinds
                       else SamplePlatform(suite.tickets, suite.seed,
                                           suite.platform.capabilities.target_kinds))

    # -- sandboxes and connections --------------------------------------------------------
    def sandbox(self, label: str, tickets: int, **kwargs: Any) -> SandboxApp:
        app = self.platform.sandbox(str(self.folder / f"{label}-{next(_folders)}.sqlite"),
                                    **kwargs)
        app.seed(tickets=tickets, seed=self.suite.seed, attachments=False)
        return app

    def connection(self, app: SandboxApp, *, credentials: dict[str, str] | None = None,
                   transport: httpx.BaseTransport | None = None) -> Connection:
        return connect(self.platform, "http://127.0.0.1:1",
                       credentials if credentials is not None else app.credentials(),
                       transport=transport or app.transport(), rate_per_minute=IN_PROCESS_RATE)

    @cached_property
    def listing_app(self) -> SandboxApp:
        return self.sandbox("listing", self.suite.listing_tickets)

    @cached_property
    def source(self) -> Source:
        return self.platform.source(self.connection(self.listing_app))

    @cached_property
    def records(self) -> dict[str, list[Record]]:
        """Every record of every kind the source reads (all kinds read before any check)."""
        return {kind: list(self.source.read(kind)) for kind in self.source.kinds}

    def target(self, app: SandboxApp) -> Target:
        return self.platform.target(self.connection(app))

    def reader(self, app: SandboxApp) -> Source:
        """The platform's source reading a target sandbox back."""
        return self.platform.source(self.connection(app))

    def source_of(self, migration: Migration) -> Source:
        """A source reading what ``migration`` read: its source sandbox, or the sample."""
        if migration.source_app is not None:
            return self.reader(migration.source_app)
        assert self.sample is not None
        return self.sample.source(connect(self.sample, "http://127.0.0.1:1", {}))

    def counts(self, app: SandboxApp) -> dict[str, int]:
        """Records per kind in a target sandbox: read by the platform's source, or (a
        target-only platform) counted by the suite's ``count_written``."""
        if self.sample is None:
            return self.reader(app).count()
        counted = self.suite.count_written(app)
        assert counted is not None, (
            f"{self.platform.name} has no source to read its target back: its suite "
            f"defines count_written(app), the records per kind in its sandbox")
        return counted

    # -- runs through the engine ----------------------------------------------------------
    def config(self, source_app: SandboxApp | None, target_app: SandboxApp) -> Config:
        source = ({"platform": self.platform.name, **source_app.credentials()}
                  if source_app is not None else {"platform": NAME})
        return parse({
            "source": {**source, "url": "http://127.0.0.1:1", "rate_limit": IN_PROCESS_RATE},
            "target": {"platform": self.platform.name, "url": "http://127.0.0.1:2",
                       "rate_limit": IN_PROCESS_RATE, **target_app.credentials()},
            "billing": {"enforce": False}, "run": {"concurrency": 2},
        })

    def plugin_manager(self, platform: Platform | None = None) -> pluggy.PluginManager:
        """A plugin manager whose ``platform.name`` is ``platform`` (default: the suite's)."""
        pm = new_plugin_manager()
        existing = pm.get_plugin(self.platform.name)
        if existing is not None:
            pm.unregister(existing)
        pm.register(_Registers(platform or self.platform), name=self.platform.name)
        if self.sample is not None:
            pm.register(_Registers(self.sample), name=NAME)
        return pm

    @cached_property
    def migration(self) -> Migration:
        return self.migrate("migration")

    def migrate(self, label: str, platform: Platform | None = None) -> Migration:
        """A full run into a new, empty target (``platform`` may wrap the suite's)."""
        source_app = (self.sandbox(f"{label}-source", self.suite.tickets)
                      if self.sample is None else None)
        target_app = self.sandbox(f"{label}-target", 0)
        config = self.config(source_app, target_app)
        state = st.StateStore(self.folder / f"{label}-state-{next(_folders)}.sqlite")
        pm = self.plugin_manager(platform)
        before = self.counts(target_app)
        migration = Migration(state, {}, config, source_app, target_app, pm, before)
        self.last_migration = migration  # kept when the run is killed on the way
        migration.result = start_run(config, "full", state=state, pm=pm,
                                     launch=Launch(transports=migration.transports()))
        return migration

    def arrived(self, migration: Migration) -> dict[str, tuple[int, int]]:
        """Per kind written: (records the runs say they created, records they added to the
        target). Records matched to existing ones (people by email) are in neither."""
        after = self.counts(migration.target_app)
        runs = [r["id"] for r in migration.state.runs()]
        return {kind: (sum(len(migration.state.created_by(run, kind)) for run in runs),
                       after.get(kind, 0) - migration.before.get(kind, 0))
                for kind in set(self.platform.capabilities.target_kinds) & set(after)}

    def resume(self, migration: Migration) -> dict[str, Any]:
        run_id = int(migration.state.runs()[-1]["id"])
        return resume_run(run_id, state=migration.state, pm=self.plugin_manager(),
                          config=migration.config,
                          launch=Launch(transports=migration.transports()))


class Killed(BaseException):
    """Stands for the process being killed: nothing catches it on the way out."""


class CrashAfterWrites(Platform):
    """The suite's platform, whose target is killed right after its ``n``-th ticket write
    reached the platform and before the engine recorded it."""

    def __init__(self, platform: Platform, n: int) -> None:
        self.inner, self.left = platform, n
        self.name, self.title = platform.name, platform.title
        self.config_fields, self.capabilities = platform.config_fields, platform.capabilities

    def source(self, connection: Connection) -> Source:
        return self.inner.source(connection)

    def target(self, connection: Connection) -> Target:
        target = self.inner.target(connection)
        write: Callable[..., Any] = target.write

        def killed_after(kind: str, records: list[Record], ctx: Any) -> Any:
            results = write(kind, records, ctx)
            if kind == "ticket":
                self.left -= 1
                if self.left <= 0:
                    raise Killed
            return results

        target.write = killed_after  # type: ignore[method-assign]
        return target

    def auth(self, credentials: dict[str, str]) -> Any:
        return self.inner.auth(credentials)

    def http_options(self, url: str) -> Any:
        return self.inner.http_options(url)


class RateLimitEvery(httpx.BaseTransport):
    """Answers every ``n``-th request with a 429 (Retry-After: 0) before passing it on."""

    def __init__(self, inner: httpx.BaseTransport, n: int = 3) -> None:
        self.inner, self.n, self.seen, self.limited = inner, n, 0, 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.seen += 1
        if self.seen % self.n == 0:
            self.limited += 1
            return httpx.Response(429, headers={"Retry-After": "0"}, text="Too Many Requests")
        return self.inner.handle_request(request)


@contextmanager
def expect(promise: str) -> Iterator[None]:
    """Turn any exception inside into a failure naming the broken ``promise``."""
    try:
        yield
    except AssertionError:
        raise
    except Exception as exc:  # noqa: BLE001 - any error breaks the promise; it is reported
        raise AssertionError(f"{promise}, but it raised {type(exc).__name__}: {exc}") from exc


class _Registers:
    """Registers a platform that is not installed through an entry point."""

    def __init__(self, platform: Platform) -> None:
        self.platform = platform

    @hookimpl
    def register_platforms(self, register: Callable[[Platform], None]) -> None:
        register(self.platform)
