"""One writer per migration: a run's lease is its process id, host and a heartbeat the
process refreshes every few seconds in the state database. A run whose owner is gone (pid
dead on this host, or heartbeat stale) is *interrupted*, whatever its stored status says.
The claim itself (refuse if another owner is alive) is a state-store transaction."""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from .logs import scrub

if TYPE_CHECKING:
    from .state import StateStore

HEARTBEAT_SECONDS = 3.0
STALE_SECONDS = 30.0  # a heartbeat older than this: the owner is gone
LIVE = ("running", "waiting", "pausing")  # statuses that need a live owner


def this_host() -> str:
    return socket.gethostname()


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


def owner_alive(pid: int | None, host: str | None, heartbeat: str | None) -> bool:
    """True while the run's process may still be working on it (a run started without a
    lease, by a library caller, is taken at its word)."""
    if pid is None and heartbeat is None:
        return True
    if heartbeat is not None:
        age = (datetime.now(UTC) - datetime.fromisoformat(heartbeat)).total_seconds()
        if age > STALE_SECONDS:
            return False
    if pid is not None and (host is None or host == this_host()):
        return pid_alive(pid)
    return heartbeat is not None


def interrupted_note(run_id: int, pid: int | None) -> str:
    return (f"its process{f' ({pid})' if pid else ''} ended before it finished; "
            f"`deskmigrate resume {run_id}` carries on")


@contextmanager
def held(state: StateStore, run_id: int) -> Iterator[None]:
    """Keep ``run_id``'s heartbeat fresh while the block runs; a run the block leaves by an
    exception while still live is marked interrupted (the operator sees why)."""
    stop = threading.Event()
    pid = os.getpid()

    def beat() -> None:
        store = type(state)(state.path)  # SQLite connections stay in their thread
        while not stop.wait(HEARTBEAT_SECONDS):
            store.beat(run_id, pid)

    thread = threading.Thread(target=beat, name=f"lease-{run_id}", daemon=True)
    thread.start()
    try:
        yield
    except BaseException as exc:
        state.interrupt(run_id, scrub(str(exc) or type(exc).__name__))
        raise
    finally:
        stop.set()
        thread.join()
