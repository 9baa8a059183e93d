"""The conformance suite catches each mistake a plugin author can make, each with its own
broken fixture plugin: the package ``deskmigrate plugin new acme`` writes, with one method
changed. The unchanged package passes (tests/conformance/test_scaffold.py)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from deskmigrate import hookimpl
from deskmigrate.core.connector import Found, WriteResult
from deskmigrate.core.http import HttpOptions, Verdict
from deskmigrate.core.records import Ticket
from deskmigrate.testing import PlatformConformance
from deskmigrate.testing.kit import Kit


def catches(platform, test: str, promise: str, tmp_path: Path, **attributes) -> None:
    """Run the suite's ``test`` on ``platform`` and expect it to fail naming ``promise``."""
    suite = type("Suite", (PlatformConformance,), {"platform": platform, **attributes})
    kit = Kit(suite, tmp_path)
    method = getattr(suite(), test)
    arguments = {"kit": kit, "tmp_path": tmp_path}
    names = method.__code__.co_varnames[1:method.__code__.co_argcount]
    with pytest.raises(AssertionError, match=promise):
        method(**{n: arguments[n] for n in names})


def platform_with(acme, *, source=None, target=None, **overrides):
    """An Acme platform whose source / target classes (and other members) are replaced."""
    members = dict(overrides)
    if source is not None:
        members["source"] = lambda self, connection: source(connection)
    if target is not None:
        members["target"] = lambda self, connection: target(connection)
    return type("BrokenAcme", (acme.platform.AcmePlatform,), members)()


def test_find_that_always_returns_none(acme, tmp_path):
    class Target(acme.target.AcmeTarget):
        def find(self, kind, record, ctx):
            return None

    catches(platform_with(acme, target=Target), "test_find_locates_what_a_run_created",
            "find\\(\\) locates what an interrupted write created", tmp_path)


def test_find_that_reports_a_natural_key_match_as_created(acme, tmp_path):
    class Target(acme.target.AcmeTarget):
        def find(self, kind, record, ctx):
            key = "subject" if kind == "ticket" else "name"
            value = getattr(record, key)
            rows = self.http.get_json(f"api/{kind}s")["data"]
            return next((Found(str(r["id"]), owned=True) for r in rows
                         if r.get(key) == value), None)

    catches(platform_with(acme, target=Target), "test_find_ignores_what_other_runs_created",
            "never a natural key", tmp_path)


def test_delete_that_does_nothing(acme, tmp_path):
    class Target(acme.target.AcmeTarget):
        def delete(self, kind, target_ids):
            return list(target_ids)  # claims them gone

    catches(platform_with(acme, target=Target), "test_delete_removes_what_was_written",
            "delete\\(\\) removes the records it is given", tmp_path)


def test_write_that_raises(acme, tmp_path):
    class Target(acme.target.AcmeTarget):
        def write(self, kind, records, ctx):
            raise RuntimeError("boom")

    catches(platform_with(acme, target=Target), "test_migration_writes_every_record",
            "A full migration completes|writes every valid record", tmp_path)


def test_target_that_stores_no_external_id(acme, tmp_path):
    class Target(acme.target.AcmeTarget):
        def _write(self, kind, record, ctx):
            class Unstamped:
                def __getattr__(self, name):
                    return getattr(ctx, name)

                def external_id(self, kind, source_id):
                    return None

            return super()._write(kind, record, Unstamped())

    catches(platform_with(acme, target=Target), "test_find_locates_what_a_run_created",
            "by the run's external_id", tmp_path)


def test_target_that_writes_only_the_first_comment(acme, tmp_path):
    class Target(acme.target.AcmeTarget):
        def _ticket(self, ticket, ctx, stamp):
            body = super()._ticket(ticket, ctx, stamp)
            return {**body, "comments": body["comments"][:1]}

        def _write(self, kind, record, ctx):
            if isinstance(record, Ticket):
                record.comments = record.comments[:1]  # the children match what was sent
            return super()._write(kind, record, ctx)

    catches(platform_with(acme, target=Target), "test_every_comment_is_written",
            "Every comment of a ticket is written", tmp_path)


def test_get_returning_records_of_another_kind(acme, tmp_path):
    class Source(acme.source.AcmeSource):
        def get(self, kind, ids):
            for other in ("contact", "ticket"):
                yield from super().get(other, ids)

    catches(platform_with(acme, source=Source),
            "test_get_returns_only_records_of_the_kind_asked",
            "leaves out ids that are not", tmp_path)


def test_source_repeating_a_record_across_a_page_boundary(acme, tmp_path):
    class Source(acme.source.AcmeSource):
        def read(self, kind, *, since=None):
            last = None
            for page in acme.source.PAGES.pages(self.http, acme.source.PageRequest(
                    f"api/{kind}s")):
                rows = ([last] if last else []) + page.items  # the previous page's last again
                yield from (self.record(kind, r) for r in rows)
                last = page.items[-1] if page.items else None

    catches(platform_with(acme, source=Source), "test_every_record_is_read_once",
            "even across page boundaries", tmp_path, listing_tickets=12)


def test_timestamps_dropped_while_claimed(acme, tmp_path):
    class Target(acme.target.AcmeTarget):
        def _ticket(self, ticket, ctx, stamp):
            body = super()._ticket(ticket, ctx, stamp)
            return {**body, "created_at": None,
                    "comments": [{**c, "created_at": None} for c in body["comments"]]}

    catches(platform_with(acme, target=Target), "test_timestamps_are_kept_when_claimed",
            "keeps_timestamps means created_at is kept", tmp_path)


def test_misspelled_hook(acme, tmp_path):
    class Plugin:
        @hookimpl
        def register_platform(self, register):  # the hook is register_platforms
            """Misspelled on purpose."""

    catches(acme.platform.AcmePlatform(), "test_hooks_are_spelled_as_deskmigrate_defines_them",
            "Every hook the plugin implements is a deskmigrate hook", tmp_path,
            plugin=Plugin())


def test_sandbox_seed_missing_a_parameter(acme, tmp_path):
    class Sandbox(acme.sandbox.AcmeSandbox):
        def seed(self, *, tickets, seed):  # no ``attachments``
            super().seed(tickets=tickets, seed=seed)

    platform = platform_with(acme, sandbox=lambda self, path, **kw: Sandbox(path, **kw))
    catches(platform, "test_sandbox_seed_takes_what_sandbox_serve_passes",
            "seed\\(\\) takes tickets, seed and attachments", tmp_path)


def test_401_not_turned_into_auth_error(acme, tmp_path):
    platform = platform_with(acme, http_options=lambda self, url: HttpOptions(
        status_verdicts={401: Verdict.FAIL}))
    catches(platform, "test_bad_credentials_raise_auth_error",
            "A 401 from the platform becomes AuthError", tmp_path)


def test_429_not_honoured(acme, tmp_path):
    platform = platform_with(acme, http_options=lambda self, url: HttpOptions(
        status_verdicts={429: Verdict.FAIL}))
    catches(platform, "test_rate_limits_are_honoured", "A 429 is waited out", tmp_path)


def test_delta_after_no_change_that_writes(acme, tmp_path):
    class Source(acme.source.AcmeSource):
        def read(self, kind, *, since=None):  # ignores ``since``; a value that never settles
            for record in super().read(kind):
                if isinstance(record, Ticket):
                    record.custom_fields = {"read_at": time.monotonic_ns()}
                yield record

    class Target(acme.target.AcmeTarget):
        def update(self, kind, records, ctx):
            return [WriteResult(source_id=r.source_id, target_id=self._write(kind, r, ctx)
                                .target_id) for r, _ in records]

    catches(platform_with(acme, source=Source, target=Target),
            "test_delta_after_no_change_writes_nothing",
            "A delta after no change writes nothing", tmp_path)


def test_kill_and_resume_leaving_a_duplicate(acme, tmp_path):
    class Target(acme.target.AcmeTarget):
        def find(self, kind, record, ctx):  # tickets are never found again
            return None if kind == "ticket" else super().find(kind, record, ctx)

    catches(platform_with(acme, target=Target), "test_kill_and_resume_leaves_no_duplicate",
            "A killed and resumed run writes each record once", tmp_path)


def test_no_false_alarm_for_a_source_listing_tickets_before_people(acme, tmp_path):
    class Source(acme.source.AcmeSource):
        kinds = ("ticket", "contact")

    suite = type("Suite", (PlatformConformance,),
                 {"platform": platform_with(acme, source=Source)})
    kit = Kit(suite, tmp_path)
    suite().test_references_point_at_records_read(kit)
    suite().test_every_record_is_read_once(kit)
