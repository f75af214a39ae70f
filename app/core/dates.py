"""Local time and Russian date formats.

Timestamps are stored in UTC (naive, as FAB does); "today", overdue and
registration years follow the city's zone (TIMEZONE setting, Asia/Novokuznetsk).
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

DEFAULT_TZ = "Asia/Novokuznetsk"
DATE_FORMAT = "%d.%m.%Y"
DATETIME_FORMAT = "%d.%m.%Y %H:%M"

_RU_DATE = re.compile(r"^\s*(\d{1,2})[./-](\d{1,2})[./-](\d{4})\s*$")
_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")
_RU_DATETIME = re.compile(r"^\s*(\d{1,2})[./](\d{1,2})[./](\d{4})[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*$")
_ISO_DATETIME = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?\s*$")


def local_zone() -> ZoneInfo:
    name = current_app.config.get("TIMEZONE", DEFAULT_TZ) if has_app_context() else DEFAULT_TZ
    return ZoneInfo(name)


def utcnow() -> dt.datetime:
    """Naive UTC now: what the database stores."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def local_now() -> dt.datetime:
    """Aware local now in the city's zone."""
    return dt.datetime.now(local_zone())


def local_today() -> dt.date:
    """The city's today (a server on UTC is 7 hours off)."""
    return local_now().date()


def to_local(value: dt.datetime | None) -> dt.datetime | None:
    """Stored naive-UTC timestamp -> aware local time."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(local_zone())


def local_to_utc(value: dt.datetime) -> dt.datetime:
    """A naive local wall-clock time typed by a user -> naive UTC for storage."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=local_zone())
    return value.astimezone(dt.UTC).replace(tzinfo=None)


def parse_date(text: str) -> dt.date:
    """Parse ДД.ММ.ГГГГ (day first) or ISO ГГГГ-ММ-ДД; raise ValueError otherwise."""
    match = _RU_DATE.match(text or "")
    if match:
        day, month, year = (int(x) for x in match.groups())
        return dt.date(year, month, day)
    match = _ISO_DATE.match(text or "")
    if match:
        year, month, day = (int(x) for x in match.groups())
        return dt.date(year, month, day)
    raise ValueError(text)


def parse_datetime(text: str) -> dt.datetime:
    """Parse ДД.ММ.ГГГГ ЧЧ:ММ[:СС] or ISO; a bare date means midnight. Naive result."""
    for pattern, order in ((_RU_DATETIME, "dmy"), (_ISO_DATETIME, "ymd")):
        match = pattern.match(text or "")
        if match:
            a, b, c, hour, minute, second = match.groups()
            if order == "dmy":
                day, month, year = int(a), int(b), int(c)
            else:
                year, month, day = int(a), int(b), int(c)
            return dt.datetime(year, month, day, int(hour), int(minute), int(second or 0))
    return dt.datetime.combine(parse_date(text), dt.time())


def format_date(value: dt.date | dt.datetime | None) -> str:
    """ДД.ММ.ГГГГ; a timestamp is shown in local time."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        local = to_local(value)
        assert local is not None
        value = local.date()
    # Not strftime: glibc writes the year 1 as "1", not "0001".
    return f"{value.day:02d}.{value.month:02d}.{value.year:04d}"


def format_datetime(value: dt.datetime | None) -> str:
    """ДД.ММ.ГГГГ ЧЧ:ММ in local time."""
    local = to_local(value)
    return local.strftime(DATETIME_FORMAT) if local else ""
