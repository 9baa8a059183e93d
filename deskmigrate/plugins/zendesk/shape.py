"""Defensive reading of one Zendesk record: a field of an unexpected shape becomes a warning
on that record (and a safe default), never a failed read.

Published payloads differ from the reference: ``via`` is an object ``{channel, source}`` in
the API reference, a plain string ("Web form") in the ticket-event examples of Zendesk's
"Using the Incremental Exports API" guide, ``{}`` in others; a time may be missing."""

from __future__ import annotations

from datetime import datetime
from typing import Any

CHANNELS_IN = {"voice": "phone", "chat": "chat", "native_messaging": "chat",
               "web_form": "web", "mail": "email"}


def via_channel(via: Any) -> str | None:
    """The channel a ``via`` names (object or plain string), or None when it names none."""
    if isinstance(via, dict):
        channel = via.get("channel")
        return channel if isinstance(channel, str) and channel else None
    if isinstance(via, str) and via.strip():
        return via.strip().lower().replace(" ", "_")
    return None


class Shape:
    """Collects what was odd while reading one record (``warnings``)."""

    def __init__(self, prefix: str = "") -> None:
        self.prefix = prefix
        self.warnings: list[str] = []

    def warn(self, message: str) -> None:
        self.warnings.append(f"{self.prefix}{message}")

    def channel(self, via: Any) -> str:
        """The canonical channel of a ``via`` (``web`` when it says none)."""
        channel = via_channel(via)
        if via is not None and not isinstance(via, dict):
            self.warn(f"'via' is {type(via).__name__} {str(via)[:40]!r}, not an object; "
                      f"channel read as '{channel or 'web'}'")
        return CHANNELS_IN.get(channel or "web", channel or "web")

    def time(self, value: Any, name: str) -> datetime | None:
        """An ISO 8601 time, or None (with a warning when it is there but unreadable)."""
        if value in (None, ""):
            return None
        try:
            return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError:
            self.warn(f"'{name}' {str(value)[:40]!r} is not a time; left empty")
            return None

    def objects(self, value: Any, name: str) -> list[dict[str, Any]]:
        """The objects of a list field; anything else in it is left out with a warning."""
        if value is None:
            return []
        if not isinstance(value, list):
            self.warn(f"'{name}' is not a list; left out")
            return []
        kept = [v for v in value if isinstance(v, dict)]
        if len(kept) < len(value):
            self.warn(f"{len(value) - len(kept)} entries of '{name}' are not objects; left out")
        return kept

    def ids(self, value: Any, name: str) -> list[str]:
        """A list of ids as strings."""
        if value is None:
            return []
        if not isinstance(value, list):
            self.warn(f"'{name}' is not a list; left out")
            return []
        return [str(v) for v in value if isinstance(v, int | str) and str(v)]
