"""Run windows: ``"sat 00:00-sun 23:59"`` (a weekly span), ``"mon-fri 19:00-23:30"`` (the
same hours on several days) or ``"22:00-06:00"`` (every day; may cross midnight), read in a
time zone; times may carry seconds (``"12:00:30"``). Outside its windows an interval run
waits."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import ConfigError

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY = 24 * 3600
WEEK = 7 * DAY
_TIME = r"((?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d)?)"
_SPAN = re.compile(rf"^(?:(\w{{3}})\s+)?{_TIME}\s*-\s*(?:(\w{{3}})\s+)?{_TIME}$")
_DAYS_THEN_HOURS = re.compile(rf"^(\w{{3}})\s*-\s*(\w{{3}})\s+{_TIME}\s*-\s*{_TIME}$")


def _seconds(clock: str) -> int:
    parts = [int(p) for p in clock.split(":")]
    return parts[0] * 3600 + parts[1] * 60 + (parts[2] if len(parts) == 3 else 0)


@dataclass(frozen=True)
class Span:
    """Seconds of the week [start, end); end may pass the week's end (wraps)."""

    start: int
    end: int

    def contains(self, second: int) -> bool:
        return any(self.start <= s < self.end for s in (second, second + WEEK))


def _day(name: str, text: str) -> int:
    if name.lower() not in DAYS:
        raise ConfigError(f"Window '{text}' has an unknown day '{name}' (use mon … sun).")
    return DAYS.index(name.lower())


def _spans(days: list[int], start: int, end: int) -> list[Span]:
    length = end - start if end > start else end + DAY - start
    return [Span(d * DAY + start, d * DAY + start + length) for d in days]


def parse_window(text: str) -> list[Span]:
    """The weekly spans a window string names."""
    value = text.strip()
    if match := _DAYS_THEN_HOURS.match(value):
        first, last = _day(match[1], text), _day(match[2], text)
        days = [d % 7 for d in range(first, first + (last - first) % 7 + 1)]
        return _spans(days, _seconds(match[3]), _seconds(match[4]))
    if match := _SPAN.match(value):
        start, end = _seconds(match[2]), _seconds(match[4])
        if match[1] is None and match[3] is None:
            return _spans(list(range(7)), start, end)
        if match[1] is None or match[3] is None:
            raise ConfigError(f"Window '{text}' needs a day on both sides or on neither.")
        begin = _day(match[1], text) * DAY + start
        finish = _day(match[3], text) * DAY + end
        return [Span(begin, finish if finish > begin else finish + WEEK)]
    raise ConfigError(f"Window '{text}' is not like 'sat 00:00-sun 23:59', "
                      "'mon-fri 19:00-23:30' or '22:00-06:00'.")


def zone(name: str | None) -> ZoneInfo | None:
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"Unknown time zone '{name}'.") from None


@dataclass
class Schedule:
    """Several windows in one time zone (None: the machine's local time)."""

    spans: list[Span]
    tz: ZoneInfo | None = None

    @classmethod
    def parse(cls, windows: list[str], tz: str | None = None) -> Schedule | None:
        tz_info = zone(tz)  # a bad zone is refused even without windows
        if not windows:
            return None
        return cls([s for w in windows for s in parse_window(w)], tz_info)

    def _second(self, when: datetime) -> int:
        local = when.astimezone(self.tz)
        return local.weekday() * DAY + local.hour * 3600 + local.minute * 60 + local.second

    def is_open(self, when: datetime) -> bool:
        second = self._second(when)
        return any(span.contains(second) for span in self.spans)

    def next_opening(self, when: datetime) -> datetime:
        """The next moment (to the second) a window is open; ``when`` itself if open now."""
        if self.is_open(when):
            return when
        now = self._second(when)
        waits = [(start - now) % WEEK for span in self.spans
                 for start in (span.start % WEEK,)]
        return when.replace(microsecond=0) + timedelta(seconds=min(waits))
