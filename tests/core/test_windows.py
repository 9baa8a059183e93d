"""Interval windows: parsing, time zones, wrapping across midnight and the week's end."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from deskmigrate.core.errors import ConfigError
from deskmigrate.core.windows import Schedule

# 2026-11-23 is a Monday.
MON_NOON = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def test_weekend_window_in_paris_opens_friday_23h_utc():
    weekend = Schedule.parse(["sat 00:00-sun 23:59"], "Europe/Paris")
    assert not weekend.is_open(MON_NOON)
    assert weekend.next_opening(MON_NOON) == datetime(2026, 11, 27, 23, 0, tzinfo=UTC)
    assert weekend.is_open(datetime(2026, 11, 27, 23, 0, 1, tzinfo=UTC))
    assert not weekend.is_open(datetime(2026, 11, 29, 22, 59, 30, tzinfo=UTC))  # sun 23:59:30


def test_nightly_window_crosses_midnight():
    nights = Schedule.parse(["22:00-06:00"], "UTC")
    assert nights.is_open(datetime(2026, 11, 23, 23, 30, tzinfo=UTC))
    assert nights.is_open(datetime(2026, 11, 24, 5, 59, tzinfo=UTC))
    assert not nights.is_open(MON_NOON)
    assert nights.next_opening(MON_NOON) == datetime(2026, 11, 23, 22, 0, tzinfo=UTC)


def test_weekday_hours_and_sunday_to_monday_wrap():
    evenings = Schedule.parse(["mon-fri 19:00-23:30"], "UTC")
    saturday = datetime(2026, 11, 28, 20, 0, tzinfo=UTC)
    assert not evenings.is_open(saturday)
    assert evenings.next_opening(saturday) == datetime(2026, 11, 30, 19, 0, tzinfo=UTC)
    wrap = Schedule.parse(["sun 22:00-mon 02:00"], "UTC")
    assert wrap.is_open(datetime(2026, 11, 30, 1, 0, tzinfo=UTC))  # monday 01:00


def test_seconds_and_several_windows():
    both = Schedule.parse(["12:00:30-12:00:40", "13:00-14:00"], "UTC")
    assert both.next_opening(MON_NOON) == datetime(2026, 11, 23, 12, 0, 30, tzinfo=UTC)
    assert both.is_open(datetime(2026, 11, 23, 13, 15, tzinfo=UTC))
    assert Schedule.parse([], None) is None


@pytest.mark.parametrize(("window", "message"), [
    ("someday", "is not like"), ("fun 10:00-sat 11:00", "unknown day 'fun'"),
    ("sat 10:00-11:00", "a day on both sides or on neither"), ("25:00-26:00", "is not like"),
])
def test_bad_windows_are_one_sentence(window, message):
    with pytest.raises(ConfigError, match=message):
        Schedule.parse([window], "UTC")


def test_unknown_time_zone():
    with pytest.raises(ConfigError, match="Unknown time zone 'Mars/Olympus'"):
        Schedule.parse(["10:00-11:00"], "Mars/Olympus")
