"""The events calendar as data: which events fall on which local days of a month grid or a week.

Plain data in, plain data out (the calendar pages render it; a dashboard may reuse it). An event
is on every local day from its `start_date` to its `end_date`: a festival from 30 April to 2 May
shows on each of the three days, in April's grid and in May's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..core.dates import to_local
from ..extensions import db
from .models import Event


@dataclass(frozen=True)
class CalendarFilter:
    """The calendar's own filters (all optional): organiser body, district, status, programme."""

    organiser_id: int | None = None
    district_id: int | None = None
    status: str | None = None
    programme_id: int | None = None

    def conditions(self) -> list[Any]:
        clauses: list[Any] = [Event.annulled_at.is_(None)]
        if self.organiser_id is not None:
            clauses.append(Event.organiser_body_id == self.organiser_id)
        if self.district_id is not None:
            clauses.append(Event.district_id == self.district_id)
        if self.status is not None:
            clauses.append(Event.status == self.status)
        if self.programme_id is not None:
            clauses.append(Event.programme_id == self.programme_id)
        return clauses


@dataclass(frozen=True)
class CalendarEntry:
    """One event as a calendar cell shows it (local times; the row's own columns only)."""

    id: int
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    start_date: dt.date
    end_date: dt.date
    status: str
    planned_format: str
    actual_format: str | None

    @property
    def format_changed(self) -> bool:
        return self.actual_format is not None and self.actual_format != self.planned_format

    @property
    def multi_day(self) -> bool:
        return self.end_date > self.start_date

    def time_on(self, day: dt.date) -> str:
        """What the cell says of the time: the start on the first day, «до ЧЧ:ММ» on the last, nothing between."""
        if not self.multi_day:
            return f"{to_local(self.starts_at):%H:%M}"
        if day == self.start_date:
            return f"с {to_local(self.starts_at):%H:%M}"
        if day == self.end_date:
            return f"до {to_local(self.ends_at):%H:%M}"
        return ""


@dataclass
class Day:
    date: dt.date
    in_month: bool
    entries: list[CalendarEntry] = field(default_factory=list)


def month_days(year: int, month: int) -> tuple[dt.date, dt.date]:
    """The first and last day of the grid: whole weeks, Monday to Sunday, around the month."""
    first = dt.date(year, month, 1)
    start = first - dt.timedelta(days=first.weekday())
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    last = following - dt.timedelta(days=1)
    end = last + dt.timedelta(days=6 - last.weekday())
    return start, end


def entries_between(start: dt.date, end: dt.date, flt: CalendarFilter, scope: Any = None) -> list[CalendarEntry]:
    """Current events on any day from `start` to `end` (both included), within `scope`, in start order."""
    columns = (
        Event.id,
        Event.title,
        Event.starts_at,
        Event.ends_at,
        Event.start_date,
        Event.end_date,
        Event.status,
        Event.planned_format,
        Event.actual_format,
    )
    query = select(*columns).where(Event.start_date <= end, Event.end_date >= start, *flt.conditions())
    if scope is not None:
        query = query.where(scope)
    rows = db.session.execute(query.order_by(Event.starts_at, Event.id)).all()
    return [CalendarEntry(*row) for row in rows]


def spread(entries: Iterable[CalendarEntry], start: dt.date, end: dt.date) -> dict[dt.date, list[CalendarEntry]]:
    """Each day from `start` to `end` with the events on it (a multi-day event on each of its days)."""
    days: dict[dt.date, list[CalendarEntry]] = {}
    day = start
    while day <= end:
        days[day] = []
        day += dt.timedelta(days=1)
    for entry in entries:
        day = max(entry.start_date, start)
        while day <= min(entry.end_date, end):
            days[day].append(entry)
            day += dt.timedelta(days=1)
    return days


def month(year: int, month_number: int, flt: CalendarFilter, scope: Any = None) -> list[list[Day]]:
    """The month grid: weeks of seven days, each with its events."""
    start, end = month_days(year, month_number)
    days = spread(entries_between(start, end, flt, scope), start, end)
    grid = [Day(day, day.month == month_number, entries) for day, entries in days.items()]
    return [grid[index : index + 7] for index in range(0, len(grid), 7)]


def agenda(start: dt.date, days: int, flt: CalendarFilter, scope: Any = None) -> list[tuple[dt.date, list[Event]]]:
    """The days from `start` (`days` of them) with their events, organiser and district loaded."""
    end = start + dt.timedelta(days=days - 1)
    query = (
        select(Event)
        .where(Event.start_date <= end, Event.end_date >= start, *flt.conditions())
        .options(selectinload(Event.organiser_body), selectinload(Event.district))
        .order_by(Event.starts_at, Event.id)
    )
    if scope is not None:
        query = query.where(scope)
    events: Sequence[Event] = db.session.scalars(query).all()
    by_day: dict[dt.date, list[Event]] = {start + dt.timedelta(days=n): [] for n in range(days)}
    for item in events:
        day = max(item.start_date, start)
        while day <= min(item.end_date, end):
            by_day[day].append(item)
            day += dt.timedelta(days=1)
    return list(by_day.items())
