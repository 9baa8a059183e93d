"""The conformance suite a platform plugin's tests subclass, one test per promise:

    from deskmigrate.testing import PlatformConformance

    class TestAcme(PlatformConformance):
        platform = AcmePlatform()

Every test runs hermetically against the plugin's own sandbox (in-process, no socket) and
fails with a sentence naming the promise that is broken. Source tests are skipped for a
target-only platform and target tests for a source-only one. A target-only platform is
written from the built-in sample source (``deskmigrate.testing.sample``) and, having no
source to read its target back, tells the suite how many records its sandbox holds
(``count_written``); only the record-by-record comparisons need a source.
"""

from __future__ import annotations

import contextlib
import importlib
import inspect
from collections import Counter
from pathlib import Path
from typing import Any, ClassVar

import pluggy
import pytest

from ..core import hookspecs
from ..core import state as st
from ..core.connector import Platform
from ..core.errors import AuthError, NoSandbox
from ..core.host import kinds
from ..core.records import Record, Ticket
from ..core.runner import Launch, start_run
from ..sandbox import SandboxApp
from .kit import CrashAfterWrites, Killed, Kit, RateLimitEvery, expect


def located(found: Any) -> str | None:
    """The target id ``find()`` answered (a plain id or a ``Found``), owned or not: records
    that cannot carry a stamp are found by natural key and owned through ``ctx.creating``."""
    return None if found is None else str(getattr(found, "target_id", found))


def owned(found: Any) -> str | None:
    """The target id ``find()`` claims this migration created: a plain id, or the id of a
    ``Found`` whose ``owned`` is true (a natural-key match is not owned)."""
    if found is None or not getattr(found, "owned", True):
        return None
    return str(getattr(found, "target_id", found))


class PlatformConformance:
    """Subclass it and set ``platform``; the class attributes below tune the data."""

    platform: ClassVar[Platform]
    plugin: ClassVar[Any] = None  # what the entry point registers (default: the platform's package)
    tickets: ClassVar[int] = 6  # tickets seeded for the migration tests
    listing_tickets: ClassVar[int] = 12  # seeded for listing: more than one page of records
    seed: ClassVar[int] = 1

    @pytest.fixture(scope="class")
    @classmethod
    def kit(cls, tmp_path_factory: pytest.TempPathFactory) -> Kit:
        return Kit(cls, Path(tmp_path_factory.mktemp(f"conformance-{cls.platform.name}")))

    # -- helpers --------------------------------------------------------------------------
    @classmethod
    def _needs(cls, side: str) -> None:
        capabilities = cls.platform.capabilities
        kinds = capabilities.source_kinds if side == "source" else capabilities.target_kinds
        if not kinds:
            pytest.skip(f"{cls.platform.name} is not a {side}")

    @classmethod
    def _needs_both(cls) -> None:
        """Tests that read the target back record by record need the platform's source."""
        cls._needs("source")
        cls._needs("target")

    @classmethod
    def count_written(cls, app: SandboxApp) -> dict[str, int] | None:
        """Records per kind in a target sandbox. A target-only platform (no source to read
        its target back) overrides it, e.g. counting its sandbox's store."""
        return None

    # -- the plugin -----------------------------------------------------------------------
    def test_hooks_are_spelled_as_deskmigrate_defines_them(self) -> None:
        plugin = self.plugin
        if plugin is None:  # the package whose entry point registers the platform
            module = type(self.platform).__module__
            plugin = importlib.import_module(module.rpartition(".")[0] or module)
        pm = pluggy.PluginManager("deskmigrate")
        pm.add_hookspecs(hookspecs)
        pm.register(plugin)
        try:
            pm.check_pending()
        except pluggy.PluginValidationError as exc:
            raise AssertionError(f"Every hook the plugin implements is a deskmigrate hook, but "
                                 f"{exc}") from None

    def test_sandbox_seed_takes_what_sandbox_serve_passes(self, tmp_path: Path) -> None:
        try:
            app = self.platform.sandbox(str(tmp_path / "seed.sqlite"))
        except NoSandbox:
            pytest.skip(f"{self.platform.name} has no sandbox")
        try:
            inspect.signature(app.seed).bind(tickets=1, seed=1, attachments=False)
        except TypeError as exc:
            raise AssertionError(f"The sandbox's seed() takes tickets, seed and attachments "
                                 f"(what `deskmigrate sandbox serve` passes), but {exc}") from None

    def test_bad_credentials_raise_auth_error(self, kit: Kit) -> None:
        app = kit.listing_app
        wrong = {k: f"{v}-wrong" for k, v in app.credentials().items()}
        connection = kit.connection(app, credentials=wrong)
        side: Any = (self.platform.source(connection) if self.platform.capabilities.source_kinds
                     else self.platform.target(connection))
        try:
            side.check()
        except AuthError:
            return
        except Exception as exc:  # noqa: BLE001 - named in the failure
            raise AssertionError(f"A 401 from the platform becomes AuthError, but check() "
                                 f"raised {type(exc).__name__}: {exc}") from None
        raise AssertionError("A 401 from the platform becomes AuthError, but check() "
                             "accepted wrong credentials")

    # -- the source -----------------------------------------------------------------------
    def test_source_check_names_who_it_acts_as(self, kit: Kit) -> None:
        self._needs("source")
        with expect("check() returns the Identity the credentials belong to"):
            identity = kit.source.check()
        assert identity.name, "check() returns the Identity the credentials belong to, " \
                              "but its name is empty"

    def test_count_agrees_with_read(self, kit: Kit) -> None:
        self._needs("source")
        with expect("count() counts what read() lists"):
            counts = kit.source.count()
        for kind, n in counts.items():
            read = len(kit.records.get(kind, []))
            assert read == n, (f"count() counts what read() lists, but count() says {n} "
                               f"{kind} records and read() gave {read}")

    def test_every_record_is_read_once(self, kit: Kit) -> None:
        self._needs("source")
        for kind, records in kit.records.items():
            repeated = [i for i, n in Counter(r.source_id for r in records).items() if n > 1]
            assert not repeated, (f"read() lists each record once, even across page "
                                  f"boundaries, but {kind} {repeated[:5]} came more than once")
            wrong = [r.source_id for r in records if r.kind != kind]
            assert not wrong, f"read({kind!r}) yields {kind} records only, but got {wrong[:5]}"

    def test_get_returns_only_records_of_the_kind_asked(self, kit: Kit) -> None:
        self._needs("source")
        for kind, records in kit.records.items():
            own = {r.source_id for r in records}
            foreign = {r.source_id for k, rs in kit.records.items() if k != kind
                       for r in rs} - own
            asked = sorted(own)[:3] + sorted(foreign)[:3]
            with expect(f"get({kind!r}, ids) fetches the records of that kind"):
                got = list(kit.source.get(kind, asked))
            stray = [(r.kind, r.source_id) for r in got
                     if r.kind != kind or r.source_id not in own]
            assert not stray, (f"get({kind!r}, ids) leaves out ids that are not {kind} "
                               f"records, but it returned {stray[:5]}")
            missing = set(sorted(own)[:3]) - {r.source_id for r in got}
            assert not missing, f"get({kind!r}, ids) fetches every id asked, not {missing}"

    def test_references_point_at_records_read(self, kit: Kit) -> None:
        self._needs("source")
        people = {r.source_id for k in kinds(kit.plugin_manager()).people
                  for r in kit.records.get(k, [])}
        if not people:
            pytest.skip(f"{self.platform.name} reads no people")
        for ticket in kit.records.get("ticket", []):
            assert not isinstance(ticket, Ticket) or ticket.requester_id in (None, *people), (
                f"A ticket's requester is a person read(), but ticket {ticket.source_id}'s "
                f"requester {ticket.requester_id} is not")

    def test_rate_limits_are_honoured(self, kit: Kit) -> None:
        self._needs("source")
        transport = RateLimitEvery(kit.listing_app.transport())
        source = self.platform.source(kit.connection(kit.listing_app, transport=transport))
        kind = "ticket" if "ticket" in source.kinds else source.kinds[0]
        with expect("A 429 is waited out and the request sent again"):
            got = [r.source_id for r in source.read(kind)]
        assert transport.limited, "the suite sent too few requests to test a 429"
        assert got == [r.source_id for r in kit.records[kind]], (
            f"A 429 is waited out and the request sent again, but reading {kind} records "
            f"under 429s gave other records than reading without")

    # -- the target, written by the engine -------------------------------------------------
    def test_migration_writes_every_record(self, kit: Kit) -> None:
        self._needs("target")
        result = kit.migration.result
        assert result["status"] == st.COMPLETED, (
            f"A full migration completes, but it ended {result['status']}: {result.get('error')}")
        for kind, row in result["records"].items():
            assert row["failed"] == 0, (f"write() writes every valid record, but "
                                        f"{row['failed']} {kind} records failed")
            assert row["migrated"] + row["skipped"] == row["total"], (
                f"Every record read is written or skipped with a reason, but of {row['total']} "
                f"{kind} records {row['migrated']} were written and {row['skipped']} skipped")
        for kind, (created, added) in kit.arrived(kit.migration).items():
            assert added == created, (f"Every {kind} record written arrives once, but the run "
                                      f"created {created} and the target has {added} more")

    def _pairs(self, kit: Kit, kind: str) -> list[tuple[Record, Record]]:
        """(source record, the same record read back from the target) for ``kind``."""
        migration = kit.migration
        ids = migration.state.id_map(migration.migration_id, kind)
        source = {r.source_id: r for r in kit.source_of(migration).read(kind)}
        back = {r.source_id: r for r in kit.reader(migration.target_app).get(
            kind, [t for t in ids.values() if t])}
        return [(record, back[target_id]) for sid, record in source.items()
                if (target_id := ids.get(sid)) is not None and target_id in back]

    def test_every_comment_is_written(self, kit: Kit) -> None:
        self._needs_both()
        pairs = self._pairs(kit, "ticket")
        assert pairs, "Written tickets can be read back, but none could"
        for original, copy in pairs:
            assert isinstance(original, Ticket) and isinstance(copy, Ticket)
            assert len(copy.comments) == len(original.comments), (
                f"Every comment of a ticket is written, but ticket {original.source_id} has "
                f"{len(original.comments)} and its copy {len(copy.comments)}")

    def test_timestamps_are_kept_when_claimed(self, kit: Kit) -> None:
        self._needs_both()
        if not self.platform.capabilities.keeps_timestamps:
            pytest.skip(f"{self.platform.name} does not claim keeps_timestamps")
        for original, copy in self._pairs(kit, "ticket"):
            assert isinstance(original, Ticket) and isinstance(copy, Ticket)
            times = [(c.created_at, d.created_at) for c, d in
                     zip(original.comments, copy.comments, strict=False)]
            assert copy.created_at == original.created_at and all(a == b for a, b in times), (
                f"keeps_timestamps means created_at is kept, but ticket {original.source_id} "
                f"was {original.created_at} and became {copy.created_at} (comments: {times})")

    def test_find_locates_what_a_run_created(self, kit: Kit) -> None:
        self._needs("target")
        migration, target = kit.migration, kit.target(kit.migration.target_app)
        ctx = migration.context()
        for kind in ("contact", "ticket"):
            ids = migration.state.id_map(migration.migration_id, kind)
            for record in kit.source_of(migration).get(kind, sorted(ids)[:2]):
                with expect(f"find({kind!r}) locates what an interrupted write created"):
                    found = located(target.find(kind, record, ctx))
                assert found == ids[record.source_id], (
                    f"find() locates what an interrupted write created (by the run's "
                    f"external_id), but for {kind} {record.source_id} it found {found!r}, "
                    f"not {ids[record.source_id]!r}")

    def test_find_ignores_what_other_runs_created(self, kit: Kit) -> None:
        self._needs("target")
        migration, target = kit.migration, kit.target(kit.migration.target_app)
        other = migration.context(migration.migration_id + 1000)
        for kind in ("contact", "ticket"):
            ids = migration.state.id_map(migration.migration_id, kind)
            for record in kit.source_of(migration).get(kind, sorted(ids)[:2]):
                found = owned(target.find(kind, record, other))
                assert found is None, (
                    f"find() reports only records this migration created (by its stamp, never "
                    f"a natural key), but it claimed {kind} {found} created by another one")

    def test_delete_removes_what_was_written(self, kit: Kit) -> None:
        self._needs("target")
        migration = kit.migrate("delete")
        target, ctx = kit.target(migration.target_app), migration.context()
        ids = migration.state.id_map(migration.migration_id, "ticket")
        source_id, target_id = next((s, t) for s, t in sorted(ids.items()) if t is not None)
        with expect("delete() removes the records it is given"):
            target.delete("ticket", [target_id, target_id])  # a missing id is no error
        record = next(iter(kit.source_of(migration).get("ticket", [source_id])))
        assert owned(target.find("ticket", record, ctx)) is None, (
            f"delete() removes the records it is given, but ticket {target_id} is still there")

    def test_delta_after_no_change_writes_nothing(self, kit: Kit) -> None:
        self._needs("target")
        migration = kit.migrate("delta")
        result = start_run(migration.config, "delta", state=migration.state, pm=migration.pm,
                           launch=Launch(transports=migration.transports()),
                           base_run_id=int(migration.state.runs()[-1]["id"]))
        writes = result.get("requests", {}).get("target_writes")
        assert result["status"] == st.COMPLETED and writes == 0, (
            f"A delta after no change writes nothing, but it sent {writes} write requests "
            f"(status {result['status']}: {result.get('error')})")

    def test_kill_and_resume_leaves_no_duplicate(self, kit: Kit) -> None:
        self._needs("target")
        with contextlib.suppress(Killed):  # "died" right after a ticket reached the platform
            kit.migrate("killed", CrashAfterWrites(self.platform, 1))
        migration = kit.last_migration
        assert migration.result.get("status") != st.COMPLETED, \
            "the suite could not interrupt the run"
        resumed = kit.resume(migration)
        assert resumed["status"] == st.COMPLETED, (
            f"A killed run resumes to the end, but it ended {resumed['status']}: "
            f"{resumed.get('error')}")
        for kind, (created, added) in kit.arrived(migration).items():
            assert added == created, (f"A killed and resumed run writes each record once, but "
                                      f"it created {created} {kind} records and the target "
                                      f"has {added} more")
