"""Errors a user can act on. Each message is one sentence, free of credentials."""

from __future__ import annotations

from typing import Any

from . import exits
from .logs import scrub


class DeskmigrateError(Exception):
    """A user-facing error: the CLI prints its message and exits non-zero."""

    exit_code = exits.ERROR

    def __init__(self, message: Any = "", *args: Any) -> None:
        super().__init__(scrub(str(message)), *args)


class ConfigError(DeskmigrateError):
    """The configuration file or command-line arguments are wrong."""

    exit_code = exits.USAGE


class AuthError(DeskmigrateError):
    """The platform refused the credentials (401) or the permission (403)."""


class ApiError(DeskmigrateError):
    """A platform answered with an error that retrying will not fix."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class NotFound(ApiError):
    """The platform has no such record (404)."""


class NoSandbox(ConfigError):
    """The platform plugin ships no sandbox (emulator)."""


class TooLarge(ApiError):
    """A download passed its size limit; reading stopped there."""


class Unreachable(DeskmigrateError):
    """The platform could not be reached after retries (DNS, refused, timeouts)."""


class RunRefused(DeskmigrateError):
    """The ``authorize_run`` hook refused the run (billing gates)."""

    exit_code = exits.REFUSED


class RunInterrupted(DeskmigrateError):
    """A run stopped before it finished (an error, Ctrl-C); ``resume`` carries on."""

    exit_code = exits.INTERRUPTED

    def __init__(self, run_id: int, reason: str) -> None:
        super().__init__(f"{reason.rstrip('.')}; run {run_id} is interrupted, and "
                         f"`deskmigrate resume {run_id}` carries on once that is fixed.")
        self.run_id = run_id


class AmbiguousWrite(DeskmigrateError):
    """A create request failed in a way that leaves unknown whether it was applied (the
    connection dropped after sending, a 500/502/504). Targets let it propagate: the engine
    looks the records up in the target before writing them again."""
