"""structlog set-up, and the one place text is redacted: :func:`scrub` masks every
registered secret in every encoding a server or a library may echo it in."""

from __future__ import annotations

import base64
import html
import json
import logging
import sys
import threading
from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, cast
from urllib.parse import quote, quote_plus

import structlog

_secrets: set[str] = set()
_lock = threading.Lock()
_write_lock = threading.Lock()
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


LEVELS = {"debug": logging.DEBUG, "info": logging.INFO, "warning": logging.WARNING,
          "warn": logging.WARNING, "error": logging.ERROR, "critical": logging.CRITICAL,
          "exception": logging.ERROR, "fatal": logging.CRITICAL, "msg": logging.INFO}
FORMATS = ("text", "json")
_run_files: list[IO[str]] = []  # the log files of the runs this process is driving
_json = structlog.processors.JSONRenderer(default=str)


class _Fanout:
    """The end of the processor chain: each event rendered for stderr (text or JSON, from
    the chosen level up) and as a JSON line for every open run log (INFO and up)."""

    def __init__(self, stream: IO[str] | None, level: int, fmt: str) -> None:
        self.stream, self.level = stream, level  # None: sys.stderr as it is at each event
        self.render: Any = _json if fmt == "json" else structlog.dev.ConsoleRenderer(
            colors=False)

    def _write(self, method: str, event: dict[str, Any]) -> None:
        level = LEVELS.get(method, logging.INFO)
        # One write per line under the lock: print() writes the text and its newline
        # apart, so two threads' events could share a line.
        if level >= self.level:
            shown = f"{self.render(None, method, dict(event))}\n"
            with _write_lock:
                stream = self.stream or sys.stderr
                stream.write(shown)
                stream.flush()
        if level >= logging.INFO:
            line = f"{cast(str, _json(None, method, dict(event)))}\n"  # json.dumps: a str
            with _write_lock:
                for file in _run_files:
                    file.write(line)
                    file.flush()

    def __getattr__(self, method: str) -> Any:
        if method not in LEVELS:
            raise AttributeError(method)
        return lambda **event: self._write(method, event)


def configure(verbose: bool = False, stream: Any = None, fmt: str = "text") -> None:
    """Log to stderr: warnings in text by default; with ``verbose`` everything from DEBUG;
    ``fmt="json"``: one JSON object a line, from INFO (progress events included). Every
    event from INFO also goes to the log file of each run in progress (:func:`run_log`)."""
    level = logging.DEBUG if verbose else logging.INFO if fmt == "json" else logging.WARNING
    sink = _Fanout(stream, level, fmt)
    structlog.configure(
        processors=[
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            _redact_processor,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(min(level, logging.INFO)),
        logger_factory=lambda *args: sink,
        cache_logger_on_first_use=False,
    )


@contextmanager
def run_log(path: Path) -> Iterator[Path]:
    """Append every event from INFO to ``path`` (JSON lines, secrets masked) while the
    block runs."""
    file = path.open("a", encoding="utf-8")
    with _write_lock:
        _run_files.append(file)
    try:
        yield path
    finally:
        with _write_lock:
            _run_files.remove(file)
        file.close()
