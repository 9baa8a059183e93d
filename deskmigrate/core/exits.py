"""The exit codes of the ``deskmigrate`` command (docs/cli.md has the table)."""

from __future__ import annotations

OK = 0  # everything selected migrated, or was skipped for a stated reason
ERROR = 1  # one-sentence error: nothing ran, or nothing changed
USAGE = 2  # a wrong argument or config file
FAILURES = 3  # the run completed, but some records failed (`retry RUN`)
PAUSED = 4  # the run paused at a safe point (`resume RUN`)
WAITING = 5  # the run waits for its next window (``status``)
INTERRUPTED = 6  # the run stopped before it finished (`resume RUN`)
REFUSED = 7  # the plan or the billing gates refused the run
RUNNING = 8  # the run is still running (``status``)

MEANINGS = {
    OK: "everything selected migrated, or was skipped for a stated reason",
    ERROR: "an error: one sentence on stderr; nothing ran or nothing changed",
    USAGE: "a wrong argument or config file",
    FAILURES: "the run completed, but some records failed: see `report`, then `retry`",
    PAUSED: "the run paused at a safe point: `resume` carries on",
    WAITING: "the run is waiting for its next window (`status` of a windowed run)",
    INTERRUPTED: "the run stopped before it finished: `resume` carries on",
    REFUSED: "the plan or the billing gates refused the run",
    RUNNING: "the run is still running (`status`)",
}


def of_run(status: str, unsettled: int) -> int:
    """The exit code of a run with this status; ``unsettled``: its failed and pending
    records."""
    if status == "completed":
        return FAILURES if unsettled else OK
    return {"paused": PAUSED, "waiting": WAITING, "interrupted": INTERRUPTED,
            "running": RUNNING, "pausing": RUNNING}.get(status, OK)
