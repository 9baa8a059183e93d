"""structlog set-up with one processor that removes every registered secret."""

from __future__ import annotations

import logging
import sys
import threading
from typing import Any

import structlog

_secrets: set[str] = set()
_lock = threading.Lock()
MASK = "[REDACTED]"


def redact(secret: str) -> None:
    """Register a value that must never appear in a log line, report or error message."""
    if secret and len(secret) >= 4:
        with _lock:
            _secrets.add(secret)


def scrub(text: str) -> str:
    """``text`` with every registered secret masked."""
    for secret in sorted(_secrets, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, MASK)
    return text


def _scrub_value(value: Any) -> Any:
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, dict):
        return {k: _scrub_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_scrub_value(v) for v in value)
    return value


def _redact_processor(_: Any, __: str, event: dict[str, Any]) -> dict[str, Any]:
    return {k: _scrub_value(v) for k, v in event.items()}


def configure(verbose: bool = False, stream: Any = None) -> None:
    """Log to stderr; INFO by default, DEBUG with ``verbose``."""
    structlog.configure(
        processors=[
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            _redact_processor,
            structlog.dev.ConsoleRenderer(colors=False),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(
            logging.DEBUG if verbose else logging.WARNING),
        logger_factory=structlog.PrintLoggerFactory(stream or sys.stderr),
        cache_logger_on_first_use=False,
    )
