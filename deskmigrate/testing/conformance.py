"""The conformance kit: one call proves a platform plugin against its own sandbox.

    from deskmigrate.testing import assert_conforms

    def test_my_platform(tmp_path):
        assert_conforms(MyPlatform(), tmp_path)

It seeds the plugin's sandbox, reads every record kind through the source (counts agree,
ids are unique, references resolve), then migrates the sandbox into an empty one of the same
platform through the real engine and checks that nothing failed and every ticket arrived.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

from .. import hookimpl
from ..core import state as st
from ..core.config import parse
from ..core.connect import connect
from ..core.connector import Platform
from ..core.host import kinds, new_plugin_manager
from ..core.records import Ticket
from ..core.runner import Launch, start_run
from ..core.sandboxes import IN_PROCESS_RATE


def assert_conforms(platform: Platform, folder: Path, *, tickets: int = 12, seed: int = 1
                    ) -> dict[str, int]:
    """Raise AssertionError at the first broken promise; return the source's counts."""
    source_app = platform.sandbox(str(folder / "conformance-source.sqlite"))
    source_app.seed(tickets=tickets, seed=seed)
    target_app = platform.sandbox(str(folder / "conformance-target.sqlite"))
    target_app.seed(tickets=0, seed=seed)

    connection = connect(platform, "http://127.0.0.1:1", source_app.credentials(),
                         transport=source_app.transport(), rate_per_minute=IN_PROCESS_RATE)
    source = platform.source(connection)
    source.check()
    counts = source.count()
    pm = new_plugin_manager()
    if pm.get_plugin(platform.name) is None:
        pm.register(_Registers(platform), name=platform.name)
    known = kinds(pm)
    assert set(counts) <= set(known), f"unknown kinds in count(): {set(counts) - set(known)}"
    users: set[str] = set()
    for kind in source.kinds:
        records = list(source.read(kind))
        ids = Counter(r.source_id for r in records)
        repeated = [i for i, n in ids.items() if n > 1]
        assert not repeated, f"{kind}: ids read more than once: {repeated[:5]}"
        if kind in counts:
            assert len(records) == counts[kind], (
                f"{kind}: count() says {counts[kind]}, read() gave {len(records)}")
        if kind in known.people:
            users |= set(ids)
        for record in records:
            if isinstance(record, Ticket) and record.requester_id:
                assert record.requester_id in users, (
                    f"ticket {record.source_id}: requester {record.requester_id} is not a user")
    connection.http.close()

    config = parse({
        "source": {"platform": platform.name, "url": "http://127.0.0.1:1",
                   "rate_limit": IN_PROCESS_RATE, **source_app.credentials()},
        "target": {"platform": platform.name, "url": "http://127.0.0.1:2",
                   "rate_limit": IN_PROCESS_RATE, **target_app.credentials()},
        "billing": {"enforce": False},
    })
    state = st.StateStore(folder / "conformance-state.sqlite")
    transports = {"source": source_app.transport(), "target": target_app.transport()}
    result = start_run(config, "full", state=state, pm=pm, launch=Launch(transports=transports))
    assert result["status"] == st.COMPLETED, result.get("error")
    for kind, row in result["records"].items():
        assert row["failed"] == 0, f"{kind}: {row['failed']} records failed to migrate"
    migrated = result["records"].get("ticket", {}).get("migrated", 0)
    assert migrated == counts.get("ticket", 0), f"{migrated} of {counts.get('ticket')} tickets"
    return counts


class _Registers:
    """Registers a platform that is not installed through an entry point."""

    def __init__(self, platform: Platform) -> None:
        self.platform = platform

    @hookimpl
    def register_platforms(self, register: Callable[[Platform], None]) -> None:
        register(self.platform)
