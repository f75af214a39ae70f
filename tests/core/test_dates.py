"""Local time (UTC+7) and Russian date formats."""

from __future__ import annotations

import datetime as dt

import pytest

from app.core.dates import format_date, format_datetime, local_to_utc, parse_date, parse_datetime, to_local


@pytest.mark.parametrize(
    ("text", "expected"),
    [("01.05.2024", dt.date(2024, 5, 1)), ("1.5.2024", dt.date(2024, 5, 1)), ("2024-05-01", dt.date(2024, 5, 1))],
)
def test_dates_are_read_day_first_or_iso(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["32.01.2024", "01/13/2024", "вчера", "", "2024-13-01"])
def test_bad_dates_are_refused(text):
    with pytest.raises(ValueError):
        parse_date(text)


def test_timestamp_is_shown_in_novokuznetsk_time(app_ctx):
    # 20:30 UTC on 31 December is already 03:30 on 1 January in Novokuznetsk (UTC+7).
    stored = dt.datetime(2025, 12, 31, 20, 30)
    assert format_datetime(stored) == "01.01.2026 03:30"
    assert format_date(stored) == "01.01.2026"
    assert to_local(stored).utcoffset() == dt.timedelta(hours=7)


def test_typed_local_time_is_stored_as_utc(app_ctx):
    assert local_to_utc(parse_datetime("01.05.2024 09:30")) == dt.datetime(2024, 5, 1, 2, 30)


def test_time_zone_is_a_setting(app_ctx, monkeypatch):
    monkeypatch.setitem(app_ctx.config, "TIMEZONE", "Europe/Moscow")
    assert format_datetime(dt.datetime(2025, 12, 31, 20, 30)) == "31.12.2025 23:30"


def test_local_today_follows_the_city_zone(app_ctx, monkeypatch):
    from app.core import dates

    class FrozenDatetime(dt.datetime):
        @classmethod
        def now(cls, tz=None):
            return dt.datetime(2026, 3, 1, 18, 0, tzinfo=dt.UTC).astimezone(tz)

    monkeypatch.setattr(dates.dt, "datetime", FrozenDatetime)
    # 18:00 UTC on 1 March is 01:00 on 2 March in Novokuznetsk: "today" is the 2nd.
    assert dates.local_today() == dt.date(2026, 3, 2)
