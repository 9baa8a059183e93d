"""Run ``deskmigrate`` and report its memory stage by stage; with ``--tracemalloc``, what grows
during the ticket stage, by allocation site.

    python bench/traced_migrate.py OUT.json [--tracemalloc] -- --db STATE migrate --config C

Every ``RSS_SECONDS`` the process's RSS is read and kept as the highest of the stage then
running (each record kind, "start" before the first, "end" after the last: the summary).
With ``--tracemalloc``, a snapshot is taken when the ticket stage starts; while it runs, a
sampler takes another whenever Python's traced memory reaches a new high (at most every
``SAMPLE_SECONDS``). OUT.json then gets the traced sizes at both points and the top growth
sites between them (by line, with the deskmigrate frames that led there), plus the RSS at
both points: tracemalloc sees only Python's allocations, not SQLite's page caches or malloc's
arenas.
``bench/migrate_bench.py --tracemalloc`` runs the migration through this script.
"""

from __future__ import annotations

import json
import sys
import threading
import time
import tracemalloc
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

FRAMES = 12
SAMPLE_SECONDS = 2.0
RSS_SECONDS = 0.2
TOP = 25


def rss_mb() -> float:
    """The process's resident set size now (Linux ``/proc/self/statm``)."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * 4096 / 2**20


class Sampler:
    """Snapshots of the ticket stage: its start and its highest traced memory."""

    def __init__(self) -> None:
        self.start: tracemalloc.Snapshot | None = None
        self.start_rss = 0.0
        self.high: tracemalloc.Snapshot | None = None
        self.high_size = 0
        self.high_rss = 0.0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def begin(self) -> None:
        self.start, self.start_rss = tracemalloc.take_snapshot(), rss_mb()
        self.high_size = tracemalloc.get_traced_memory()[0]
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def end(self) -> None:
        self._take()
        self._stop.set()
        if self._thread:
            self._thread.join()

    def _sample(self) -> None:
        while not self._stop.wait(SAMPLE_SECONDS):
            self._take()

    def _take(self) -> None:
        size = tracemalloc.get_traced_memory()[0]
        if size > self.high_size or self.high is None:
            self.high, self.high_size, self.high_rss = tracemalloc.take_snapshot(), size, rss_mb()

    def report(self) -> dict[str, Any]:
        if self.start is None or self.high is None:
            return {"error": "the ticket stage did not run"}
        start_size = sum(s.size for s in self.start.statistics("filename"))
        growth = []
        for stat in self.high.compare_to(self.start, "traceback")[:TOP]:
            ours = [f for f in stat.traceback if "/deskmigrate/" in f.filename]
            growth.append({
                "grew_kb": round(stat.size_diff / 1024, 1),
                "blocks_grew": stat.count_diff,
                "at": f"{stat.traceback[-1].filename}:{stat.traceback[-1].lineno}",
                "via": [f"{f.filename.split('/deskmigrate/')[-1]}:{f.lineno}" for f in ours],
            })
        return {"ticket_stage_start_traced_mb": round(start_size / 2**20, 2),
                "ticket_stage_high_traced_mb": round(self.high_size / 2**20, 2),
                "ticket_stage_start_rss_mb": round(self.start_rss, 1),
                "ticket_stage_high_rss_mb": round(self.high_rss, 1),
                "top_growth": growth}


class Requests:
    """When the incremental export pages and the ticket imports were sent: how many export
    pages each endpoint took and when its last one went, and when the first ticket import
    went (seconds from the start)."""

    def __init__(self) -> None:
        self.began = time.monotonic()
        self.exports: dict[str, dict[str, float]] = {}
        self.first_ticket_write: float | None = None
        self._lock = threading.Lock()

    def watch(self) -> None:
        from deskmigrate.core.http import HttpClient
        send = HttpClient.request

        def request(client: HttpClient, method: str, path: str, **kwargs: Any) -> Any:
            self._seen(method, urlsplit(client.url(path)).path)
            return send(client, method, path, **kwargs)

        HttpClient.request = request  # type: ignore[method-assign,assignment]

    def _seen(self, method: str, path: str) -> None:
        at = round(time.monotonic() - self.began, 1)
        with self._lock:
            if "/incremental/" in path:
                row = self.exports.setdefault(path.split("/incremental/")[1],
                                              {"pages": 0, "first_s": at})
                row["pages"] += 1
                row["last_s"] = at
            elif method == "POST" and "imports/tickets" in path \
                    and self.first_ticket_write is None:
                self.first_ticket_write = at

    def report(self) -> dict[str, Any]:
        return {"export_pages": self.exports, "first_ticket_write_s": self.first_ticket_write}


class Stages:
    """The highest RSS of each stage of the run, read every ``RSS_SECONDS``; when each stage
    began (seconds from the start)."""

    def __init__(self) -> None:
        self.current = "start"
        self.peaks: dict[str, float] = {}
        self.began = time.monotonic()
        self.starts: dict[str, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def enter(self, stage: str) -> None:
        self._read()
        self.current = stage
        if stage != "end":  # entered after every kind
            self.starts.setdefault(stage, round(time.monotonic() - self.began, 1))

    def stop(self) -> dict[str, float]:
        self._stop.set()
        self._thread.join()
        self._read()
        return {k: round(v, 1) for k, v in self.peaks.items()}

    def _sample(self) -> None:
        while not self._stop.wait(RSS_SECONDS):
            self._read()

    def _read(self) -> None:
        stage = self.current
        self.peaks[stage] = max(self.peaks.get(stage, 0.0), rss_mb())


def main() -> None:
    out, args = Path(sys.argv[1]), sys.argv[sys.argv.index("--") + 1:]
    profile = "--tracemalloc" in sys.argv[2:sys.argv.index("--")]
    if profile:
        tracemalloc.start(FRAMES)
    from deskmigrate.core.engine import Engine

    sampler, stages, requests = Sampler(), Stages(), Requests()
    requests.watch()
    migrate_kind = Engine._migrate_kind

    def traced(self: Engine, kind: str, *rest: Any) -> None:
        stages.enter(kind)
        if kind != "ticket" or not profile:
            try:
                return migrate_kind(self, kind, *rest)
            finally:
                stages.enter("end")
        sampler.begin()
        try:
            return migrate_kind(self, kind, *rest)
        finally:
            sampler.end()
            stages.enter("end")

    Engine._migrate_kind = traced  # type: ignore[method-assign]
    from deskmigrate.cli import main as cli

    sys.argv = ["deskmigrate", *args]
    began = time.monotonic()
    try:
        cli()
    finally:
        report = sampler.report() if profile else {}
        out.write_text(json.dumps({"peak_rss_mb_by_stage": stages.stop(),
                                   "stage_start_s": stages.starts, **requests.report(),
                                   **report,
                                   "seconds": round(time.monotonic() - began, 1)}, indent=2))


if __name__ == "__main__":
    main()
