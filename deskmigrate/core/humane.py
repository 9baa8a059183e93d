"""Words for people: reasons as sentences, times in the operator's zone, durations, config
with its secrets masked. Used by reports and run summaries."""

from __future__ import annotations

import ast
import json
import os
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_datetime, format_timedelta

from .errors import ConfigError
from .logs import MASK, scrub

SECRET_WORDS = ("token", "secret", "password", "key", "credential")
CLOSERS = {"{": "}", "[": "]"}


def zone(name: str | None = None) -> tzinfo:
    """The operator's time zone: ``name`` (e.g. ``Europe/Paris``), else ``$TZ``, else the
    machine's local zone."""
    for candidate, asked in ((name, True), (os.environ.get("TZ"), False)):
        if not candidate:
            continue
        try:
            return ZoneInfo(candidate.removeprefix(":"))
        except (ZoneInfoNotFoundError, ValueError):
            if asked:
                raise ConfigError(f"Unknown time zone '{candidate}'; use a name such as "
                                  "Europe/Paris or UTC.") from None
    return datetime.now().astimezone().tzinfo or UTC  # TZ unset or not a zone name


def when(stamp: str | None, tz: tzinfo, now: datetime | None = None) -> str:
    """``Mon 30 Nov 2026, 16:44:57 CET (3 minutes ago)``; "not yet" for no time."""
    if not stamp:
        return "not yet"
    moment = datetime.fromisoformat(stamp)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    text = format_datetime(moment, "EEE d MMM y, HH:mm:ss zzz", tzinfo=tz, locale="en")
    ago = format_timedelta(moment - (now or datetime.now(UTC)), add_direction=True,
                           threshold=2, locale="en")
    return f"{text} ({ago})"


def duration(start: str | None, end: str | None) -> tuple[float | None, str]:
    """Seconds between two ISO stamps and the same in words (``72 seconds``)."""
    if not start or not end:
        return None, "not finished"
    seconds = (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds()
    if seconds < 1:
        return seconds, "under a second"
    return seconds, format_timedelta(timedelta(seconds=seconds), threshold=2, locale="en")


def sentence(text: str | None) -> str:
    """A reason as a sentence: any Python or JSON structure in it (an API error body) said
    as ``key: value`` phrases, a capital letter first, a full stop last."""
    words = " ".join(_unpack(scrub(text or "")).split())
    if not words:
        return ""
    words = words[0].upper() + words[1:]
    return words if words[-1] in ".!?" else words + "."


def _unpack(text: str) -> str:
    """``text`` with each bracketed structure that parses as a dict or list spelled out."""
    out, i = [], 0
    while i < len(text):
        end = _closing(text, i) if text[i] in CLOSERS else -1
        value = _parse(text[i:end + 1]) if end > i else None
        if value is None:
            out.append(text[i])
            i += 1
            continue
        out.append(_phrase(value))
        i = end + 1
    return "".join(out)


def _closing(text: str, start: int) -> int:
    """Index of the bracket closing the one at ``start`` (quotes respected), or -1."""
    depth, quote = 0, ""
    for i in range(start, len(text)):
        char = text[i]
        if quote:
            if char == quote and text[i - 1] != "\\":
                quote = ""
        elif char in "'\"":
            quote = char
        elif char in CLOSERS:
            depth += 1
        elif char in CLOSERS.values():
            depth -= 1
            if depth == 0:
                return i
    return -1


def _parse(chunk: str) -> Any:
    for parse in (json.loads, ast.literal_eval):
        try:
            value = parse(chunk)
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            continue
        if isinstance(value, dict | list) and value:
            return value
    return None


def _phrase(value: Any) -> str:
    if isinstance(value, dict):
        return "; ".join(f"{key}: {_phrase(item)}" for key, item in value.items()
                         if item not in (None, "", [], {}))
    if isinstance(value, list):
        return ", ".join(_phrase(item) for item in value)
    return str(value)


def masked(value: Any, key: str = "") -> Any:
    """A config table fit to show: values under secret-looking keys masked, the rest
    scrubbed of registered secrets."""
    if isinstance(value, dict):
        return {k: masked(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [masked(v, key) for v in value]
    if any(word in key.lower() for word in SECRET_WORDS) and value not in (None, ""):
        return MASK
    return scrub(value) if isinstance(value, str) else value
