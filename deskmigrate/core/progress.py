"""Live progress of a run. The engine reports ``(kind, done, total)`` to a :class:`Board`;
displays read the board on their own clock: rich bars on a terminal (done/total, %, rate,
elapsed, ETA and what the run waits on), or one plain line per kind at a steady interval
off a terminal (CI, nohup, pipes) - as text, or as structlog ``run.progress`` events."""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import IO, Any

import structlog

log = structlog.get_logger("deskmigrate.progress")
PLAIN_INTERVAL = 10.0  # seconds between plain lines; DESKMIGRATE_PROGRESS_INTERVAL overrides
MIN_HOLD = 1.0  # a rate-limit hold shorter than this is ordinary pacing, not worth saying


@dataclass(frozen=True)
class KindProgress:
    """Where one record kind stands, with its rate and ETA worked out at ``now``."""

    kind: str
    done: int
    total: int | None
    started: float
    now: float

    @property
    def elapsed(self) -> float:
        return max(0.0, self.now - self.started)

    @property
    def percent(self) -> float | None:
        return min(100.0, 100.0 * self.done / self.total) if self.total else None

    @property
    def rate(self) -> float | None:
        """Records a second since the kind started."""
        return self.done / self.elapsed if self.elapsed > 0 and self.done else None

    @property
    def eta(self) -> float | None:
        """Seconds left at the current rate."""
        if self.total is None or not self.rate:
            return None
        return max(0, self.total - self.done) / self.rate

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "done": self.done, "total": self.total,
                "percent": _round(self.percent), "rate_per_s": _round(self.rate),
                "elapsed_s": _round(self.elapsed), "eta_s": _round(self.eta)}

    def line(self) -> str:
        """``ticket: 120/2000 (6%), 15.2/s, elapsed 0:00:08, ETA 0:02:03``."""
        total = f"/{self.total}" if self.total is not None else ""
        percent = f" ({self.percent:.0f}%)" if self.percent is not None else ""
        rate = f"{self.rate:.1f}/s" if self.rate else "no rate yet"
        eta = clock_text(self.eta) if self.eta is not None else "unknown"
        return (f"{self.kind}: {self.done}{total}{percent}, {rate}, "
                f"elapsed {clock_text(self.elapsed)}, ETA {eta}")


class Board:
    """Thread-safe counters of a run: the engine's progress callback, the window it waits
    for (:meth:`wait`), and the rate-limit holds displays poll (:meth:`watch`)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._kinds: dict[str, KindProgress] = {}
        self._window: datetime | None = None
        self._holds: list[tuple[str, Callable[[], float]]] = []

    def __call__(self, kind: str, done: int, total: int | None) -> None:
        now = self._clock()
        with self._lock:
            known = self._kinds.get(kind)
            started = known.started if known else now
            total = total if total is not None else (known.total if known else None)
            self._kinds[kind] = KindProgress(kind, done, total, started, now)

    def wait(self, until: datetime | None) -> None:
        """The run waits for its next window, which opens at ``until``; None: it is open."""
        with self._lock:
            self._window = until

    def watch(self, label: str, held: Callable[[], float]) -> None:
        """Poll ``held()`` (seconds every request waits, e.g. ``RateBudget.held_for``) to
        say when the run waits on ``label`` ("the target's rate limit")."""
        with self._lock:
            self._holds.append((label, held))

    def kinds(self) -> list[KindProgress]:
        """Every kind seen so far, its rate and ETA as of now."""
        now = self._clock()
        with self._lock:
            return [replace(k, now=now) if k.total is None or k.done < k.total else k
                    for k in self._kinds.values()]

    def waiting(self) -> str | None:
        """What the run waits on, and for how long, in words; None when it is moving."""
        with self._lock:
            window, holds = self._window, list(self._holds)
        if window is not None:
            left = (window - datetime.now(UTC)).total_seconds()
            return (f"waiting for its next window, which opens "
                    f"{window.astimezone():%a %H:%M %Z} (in {clock_text(left)})")
        for label, held in holds:
            seconds = held()
            if seconds >= MIN_HOLD:
                return f"waiting on {label}: {clock_text(seconds)} left"
        return None


def clock_text(seconds: float | None) -> str:
    """``0:02:03``; days spelled out beyond 24 hours."""
    return str(timedelta(seconds=round(max(0.0, seconds or 0.0))))


def _round(value: float | None) -> float | None:
    return round(value, 1) if value is not None else None


class PlainLines:
    """Off a terminal: every ``interval`` seconds, one line per kind that moved (and what
    the run waits on), and the last count of each kind when the run ends. ``json``: the same
    as structlog ``run.progress`` / ``run.waiting`` events instead of text."""

    def __init__(self, board: Board, stream: IO[str], interval: float, json: bool) -> None:
        self.board, self.stream, self.interval, self.json = board, stream, interval, json
        self._said: dict[str, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="progress", daemon=True)

    def __enter__(self) -> PlainLines:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.tick(final=True)

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            self.tick()

    def tick(self, final: bool = False) -> None:
        for kind in self.board.kinds():
            if self._said.get(kind.kind) != kind.done:
                self._said[kind.kind] = kind.done
                self._say("run.progress", kind.line(), kind.as_dict())
        waiting = None if final else self.board.waiting()
        if waiting:
            self._say("run.waiting", waiting, {"waiting": waiting})

    def _say(self, event: str, text: str, data: dict[str, Any]) -> None:
        if self.json:
            log.info(event, **data)
        else:
            print(f"progress {text}" if event == "run.progress" else text, file=self.stream,
                  flush=True)


def rich_bars(board: Board, stream: IO[str]) -> Any:
    """Rich bars fed from ``board`` at each refresh, with a line for what the run waits on."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TaskProgressColumn,
        TextColumn,
    )
    from rich.text import Text

    class Bars(Progress):
        def get_renderables(self) -> Iterator[Any]:
            tasks: dict[str, Any] = {t.description: t.id for t in self.tasks}
            for kind in board.kinds():
                times: dict[str, Any] = {
                    "rate": f"{kind.rate:.1f}/s" if kind.rate else "-/s",
                         "elapsed": clock_text(kind.elapsed),
                         "eta": clock_text(kind.eta) if kind.eta is not None else "-:--:--"}
                if kind.kind not in tasks:
                    tasks[kind.kind] = self.add_task(kind.kind, total=kind.total, **times)
                self.update(tasks[kind.kind], completed=kind.done, total=kind.total, **times)
            waiting = board.waiting()
            if waiting:
                yield Text(waiting, style="yellow")
            yield self.make_tasks_table(self.tasks)

    return Bars(TextColumn("{task.description:<12}"), BarColumn(), MofNCompleteColumn(),
                TaskProgressColumn(), TextColumn("[cyan]{task.fields[rate]:>9}"),
                TextColumn("elapsed {task.fields[elapsed]}  ETA {task.fields[eta]}"),
                console=Console(file=stream), transient=False)


@contextmanager
def display(enabled: bool, *, stream: IO[str] | None = None, json: bool = False,
            interval: float | None = None) -> Iterator[Board | None]:
    """A :class:`Board` shown on ``stream`` (stderr) for the length of the block: rich bars
    on a terminal, plain lines (or JSON events with ``json``) elsewhere; None if disabled."""
    if not enabled:
        yield None
        return
    stream = stream or sys.stderr
    board = Board()
    if stream.isatty() and not json:
        with rich_bars(board, stream):
            yield board
        return
    every = interval or float(os.environ.get("DESKMIGRATE_PROGRESS_INTERVAL", PLAIN_INTERVAL))
    with PlainLines(board, stream, every, json):
        yield board
