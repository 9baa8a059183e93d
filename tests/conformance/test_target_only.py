"""A target-only platform (the scaffold's Acme with its source taken away) gets the suite's
engine tests, written from the built-in sample source: they run, pass, and still catch a
broken target."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
from test_kit_catches_mistakes import catches

from deskmigrate.core.errors import DeskmigrateError
from deskmigrate.sandbox import SandboxApp
from deskmigrate.testing import PlatformConformance
from deskmigrate.testing.kit import Kit
from deskmigrate.testing.sample import sample_records

ENGINE_TESTS = ("test_migration_writes_every_record", "test_find_locates_what_a_run_created",
                "test_find_ignores_what_other_runs_created",
                "test_delete_removes_what_was_written",
                "test_delta_after_no_change_writes_nothing",
                "test_kill_and_resume_leaves_no_duplicate")


def target_only(acme: Any, **members: Any) -> Any:
    def no_source(self: Any, connection: Any) -> Any:
        raise DeskmigrateError("Acme is a target only.")

    capabilities = dataclasses.replace(acme.platform.AcmePlatform.capabilities,
                                       source_kinds=())
    return type("TargetOnlyAcme", (acme.platform.AcmePlatform,),
                {"capabilities": capabilities, "source": no_source, **members})()


def count_written(cls: type, app: SandboxApp) -> dict[str, int]:
    return {"contact": app.store.count("contacts"), "ticket": app.store.count("tickets")}


def suite_for(platform: Any) -> type[PlatformConformance]:
    return type("Suite", (PlatformConformance,), {
        "platform": platform, "count_written": classmethod(count_written)})


def test_the_sample_is_canonical_and_reproducible() -> None:
    records = sample_records(tickets=6, seed=1)
    assert records == sample_records(tickets=6, seed=1) != sample_records(tickets=6, seed=2)
    people = {r.source_id for kind in ("agent", "contact") for r in records[kind]}
    for ticket in records["ticket"]:
        assert {ticket.requester_id, *(c.author_id for c in ticket.comments)} <= people
    assert len(records["ticket"]) == 6


def test_the_engine_tests_run_for_a_target_only_platform(acme, tmp_path: Path) -> None:
    suite = suite_for(target_only(acme))
    kit, instance = Kit(suite, tmp_path), suite()
    for name in ENGINE_TESTS:
        try:
            getattr(instance, name)(kit=kit)
        except pytest.skip.Exception as skipped:
            raise AssertionError(f"{name} was skipped for a target-only platform: "
                                 f"{skipped}") from None
    created = {kind: len(kit.migration.state.id_map(kit.migration.migration_id, kind))
               for kind in ("contact", "ticket")}
    sample = sample_records(suite.tickets, suite.seed)
    assert created == {"contact": len(sample["contact"]), "ticket": len(sample["ticket"])}


def test_a_broken_target_only_platform_is_caught(acme, tmp_path: Path) -> None:
    class Target(acme.target.AcmeTarget):
        def delete(self, kind: str, target_ids: Any) -> list[str]:
            return list(target_ids)

    broken = target_only(acme, target=lambda self, connection: Target(connection))
    catches(broken, "test_delete_removes_what_was_written",
            "delete\\(\\) removes the records it is given", tmp_path,
            count_written=classmethod(count_written))


def test_without_count_written_it_says_what_is_missing(acme, tmp_path: Path) -> None:
    catches(target_only(acme), "test_migration_writes_every_record",
            "its suite defines count_written", tmp_path)
