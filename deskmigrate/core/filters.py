"""What a run selects: the config's ``[select]`` table (and the CLI flags that override it)
read into :class:`Filters` — date ranges, ticket statuses, tags, record kinds, and the
order tickets migrate in. Every mistake is one sentence (:class:`ConfigError`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from .errors import ConfigError
from .kinds import Kinds
from .records import STATUSES, Ticket

DATE_KEYS = ("created_after", "created_before", "updated_after", "updated_before")
LIST_KEYS = ("status", "tags_any", "tags_all", "tags_none", "kinds", "exclude_kinds")
ORDERS = ("default", "express")
UNSOLVED = ("new", "open", "pending", "hold")
KEYS = (*DATE_KEYS, *LIST_KEYS, "order", "recent_days")
TICKET = "ticket"  # the kind the date, status and tag filters apply to
MAX_RECENT_DAYS = 36_500  # a century: more would overflow the date arithmetic


def config_label(key: str) -> str:
    return f"[select] {key}"


def flag_label(key: str) -> str:
    """The command-line flag of a ``[select]`` setting."""
    return "--" + key.replace("_", "-")


@dataclass(frozen=True)
class Filters:
    """``[select]``: which tickets and kinds a run takes, and in which order.

    Dates are UTC; ``*_after`` is inclusive, ``*_before`` exclusive. ``status`` keeps
    tickets in one of the statuses; ``tags_any`` those with at least one of the tags,
    ``tags_all`` those with every one, ``tags_none`` those with none of them. ``kinds`` keeps
    only the kinds named, ``exclude_kinds`` leaves kinds out (the people, companies and
    groups the selected tickets need come along anyway). ``order = "express"`` migrates open
    and recent (``recent_days``) tickets first, newest first, then the history."""

    created_after: datetime | None = None
    created_before: datetime | None = None
    updated_after: datetime | None = None
    updated_before: datetime | None = None
    status: tuple[str, ...] = ()
    tags_any: tuple[str, ...] = ()
    tags_all: tuple[str, ...] = ()
    tags_none: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    exclude_kinds: tuple[str, ...] = ()
    order: str = "default"
    recent_days: int = 30

    @classmethod
    def parse(cls, table: dict[str, Any], label: Callable[[str], str] = config_label,
              kinds: Kinds | None = None) -> Filters:
        """Read a ``[select]`` table (values as TOML or the CLI give them); ``label`` names
        a setting in error messages (``[select] status``, ``--status``); the kind names are
        checked against ``kinds`` (the registered kinds) when given."""
        unknown = sorted(set(table) - set(KEYS))
        if unknown:
            raise ConfigError(f"[select] has no setting '{unknown[0]}'; known settings: "
                              f"{', '.join(KEYS)}.")
        values: dict[str, Any] = {k: _when(table[k], label(k)) for k in DATE_KEYS
                                  if table.get(k) is not None}
        for key in LIST_KEYS:
            if table.get(key) is not None:
                values[key] = _names(table[key], label(key))
        for status in values.get("status", ()):
            if status not in STATUSES:
                raise ConfigError(f"Unknown ticket status '{status}' in {label('status')}; "
                                  f"known statuses: {', '.join(STATUSES)}.")
        order = table.get("order", "default")
        if order not in ORDERS:
            raise ConfigError(f"{label('order')} must be one of {', '.join(ORDERS)}, not "
                              f"'{order}'.")
        days = table.get("recent_days", 30)
        if isinstance(days, bool) or not isinstance(days, int) or not \
                0 <= days <= MAX_RECENT_DAYS:
            raise ConfigError(f"{label('recent_days')} must be a whole number of days "
                              f"from 0 to {MAX_RECENT_DAYS}.")
        filters = cls(**values, order=order, recent_days=days)
        filters._check(label)
        if kinds is not None:
            filters.check_kinds(kinds, label)
        return filters

    def _check(self, label: Callable[[str], str]) -> None:
        for low, high in (("created_after", "created_before"),
                          ("updated_after", "updated_before")):
            start, end = getattr(self, low), getattr(self, high)
            if start is not None and end is not None and start >= end:
                raise ConfigError(f"{label(low)} ({start:%Y-%m-%d %H:%M}) must be before "
                                  f"{label(high)} ({end:%Y-%m-%d %H:%M}).")

    def check_kinds(self, kinds: Kinds, label: Callable[[str], str] = config_label) -> None:
        """Every kind named is registered; a kept kind does not need a left-out one that
        cannot come along (only what tickets reference, and people, come along)."""
        for key in ("kinds", "exclude_kinds"):
            for kind in getattr(self, key):
                if kind not in kinds:
                    raise ConfigError(f"Unknown record kind '{kind}' in {label(key)}; known "
                                      f"kinds: {', '.join(kinds.order)}.")
        taken = [k for k in kinds.order if self.keeps_kind(k)]
        if not taken:
            raise ConfigError("The selection leaves out every record kind; nothing would "
                              "migrate.")
        brought = set(kinds[TICKET].references) if TICKET in kinds else set()
        for kind in taken:
            for parent in kinds[kind].references:
                if not self.keeps_kind(parent) and parent not in brought and \
                        not kinds[parent].person:
                    raise ConfigError(f"The selection keeps {kind} but leaves out {parent}, "
                                      f"which {kind} records need; keep {parent} or leave "
                                      f"{kind} out too.")

    def as_table(self) -> dict[str, Any]:
        """The settings given, as a ``[select]`` table (stored with the run: a delta keeps
        them)."""
        out: dict[str, Any] = {}
        for key, value in asdict(self).items():
            if value in (None, (), []) or value == Filters.__dict__.get(key):
                continue
            out[key] = value.isoformat() if isinstance(value, datetime) else (
                list(value) if isinstance(value, tuple) else value)
        return out

    # -- what the filters keep ------------------------------------------------------------
    def keeps_kind(self, kind: str) -> bool:
        """Whether ``kind`` migrates in full (tickets: as the filters keep them); a kind
        left out brings only the records the selected tickets need."""
        return (not self.kinds or kind in self.kinds) and kind not in self.exclude_kinds

    def filters_tickets(self) -> bool:
        """Whether some tickets may be left out by the date, status or tag filters."""
        return any(getattr(self, k) is not None for k in DATE_KEYS) or bool(
            self.status or self.tags_any or self.tags_all or self.tags_none)

    def keeps(self, ticket: Ticket) -> bool:
        """Whether ``ticket`` passes the date, status and tag filters."""
        if not _within(ticket.created_at, self.created_after, self.created_before):
            return False
        if not _within(ticket.updated_at or ticket.created_at, self.updated_after,
                       self.updated_before):
            return False
        if self.status and ticket.status not in self.status:
            return False
        tags = set(ticket.tags)
        if self.tags_any and not tags & set(self.tags_any):
            return False
        if self.tags_all and not set(self.tags_all) <= tags:
            return False
        return not tags & set(self.tags_none)

    def express(self, ticket: Ticket, now: datetime) -> bool:
        """Whether ``ticket`` belongs to the express phase: unsolved, or created or updated
        within ``recent_days`` of ``now``."""
        if ticket.status in UNSOLVED:
            return True
        latest = ticket.updated_at or ticket.created_at
        return latest is not None and _utc(latest) >= now - timedelta(days=self.recent_days)


def express_key(ticket: Ticket) -> tuple[bool, float]:
    """Sort key of the express phase: unsolved tickets first, newest first within each."""
    created = ticket.created_at
    stamp = _utc(created).timestamp() if created else 0.0
    return (ticket.status not in UNSOLVED, -stamp)


def _within(value: datetime | None, start: datetime | None, end: datetime | None) -> bool:
    if start is None and end is None:
        return True
    if value is None:
        return False
    value = _utc(value)
    return (start is None or value >= start) and (end is None or value < end)


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _when(value: Any, name: str) -> datetime:
    """A TOML date or datetime, or an ISO text (``2025-01-31``, ``2025-01-31T08:00Z``)."""
    if isinstance(value, datetime):
        try:
            return _utc(value)
        except OverflowError:  # 9999-12-31T23:00-01:00 has no UTC time
            raise ConfigError(f"{name} is past the last date there is.") from None
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    if isinstance(value, str):
        try:
            return _utc(datetime.fromisoformat(value.strip().replace("Z", "+00:00")))
        except (ValueError, OverflowError):  # not a date; a date at the end of time
            pass
    raise ConfigError(f"{name} must be a date such as 2025-01-31 (or 2025-01-31T08:00Z), "
                      f"not '{value}'.")


def _names(value: Any, name: str) -> tuple[str, ...]:
    """A list of names, or one name, or comma-separated names (the CLI's form)."""
    items = value if isinstance(value, list | tuple) else [value]
    names: list[str] = []
    for item in items:
        if not isinstance(item, str):
            raise ConfigError(f"{name} must be a list of names, not {item!r}.")
        names += [part.strip() for part in item.split(",") if part.strip()]
    if not names:  # an empty filter would keep everything, not what was meant
        raise ConfigError(f"{name} names nothing; give at least one name or leave it out.")
    return tuple(dict.fromkeys(names))
