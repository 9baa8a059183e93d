"""structlog set-up, and the one place text is redacted: :func:`scrub` masks every
registered secret in every encoding a server or a library may echo it in."""

from __future__ import annotations

import base64
import html
import json
import logging
import sys
import threading
from collections.abc import MutableMapping
from typing import Any
from urllib.parse import quote, quote_plus

import structlog

_secrets: set[str] = set()
_lock = threading.Lock()
MASK = "[REDACTED]"
MIN_LENGTH = 4  # shorter values would mask ordinary words


def encodings(secret: str) -> set[str]:
    """The forms ``secret`` may take in text: raw, URL-encoded (upper and lower hex),
    base64 (padded or not, standard or URL-safe), JSON- and HTML-escaped."""
    raw = secret.encode()
    b64 = base64.b64encode(raw).decode()
    forms = {secret, quote(secret, safe=""), quote(secret), quote_plus(secret), b64,
             b64.rstrip("="), base64.urlsafe_b64encode(raw).decode().rstrip("="),
             json.dumps(secret)[1:-1], json.dumps(secret)[1:-1].replace("/", "\\/"),
             html.escape(secret)}
    forms |= {_lower_hex(f) for f in forms if "%" in f}
    return {f for f in forms if len(f) >= MIN_LENGTH}


def _lower_hex(text: str) -> str:
    parts = text.split("%")
    return parts[0] + "".join("%" + p[:2].lower() + p[2:] for p in parts[1:])


def redact(secret: str) -> None:
    """Register a value that must never appear in a log line, report, error message or the
    state database, in any of its :func:`encodings`."""
    if secret and len(secret) >= MIN_LENGTH:
        with _lock:
            _secrets.update(encodings(secret))


def redact_authorization(header: str) -> None:
    """Register what an ``Authorization`` header carries: the whole value, its credential
    part (e.g. base64 of ``user:secret``) and, for Basic, the decoded password."""
    scheme, _, value = header.partition(" ")
    redact(header)
    redact(value)
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(value, validate=True).decode()
        except ValueError:
            return
        redact(decoded)
        redact(decoded.partition(":")[2])


def scrub(text: str) -> str:
    """``text`` with every registered secret masked."""
    with _lock:
        secrets = sorted(_secrets, key=len, reverse=True)
    for secret in secrets:
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


def _redact_processor(_: Any, __: str, event: MutableMapping[str, Any]) -> dict[str, Any]:
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
