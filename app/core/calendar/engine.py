"""The deadline engine: working days, terms in calendar or working days, list status.

The domains call this module only:

    due_date("appeal_answer", registered_on)        -> Deadline(due, rule, unconfirmed)
    due_date("plans_proposals", period_start)        -> a month before the period (a months rule, N < 0)
    due_date("plans_execution_note", period_end)     -> the 10th of the next month (a next-month-day rule)
    extend_due_date("appeal_extension", due, 20)     -> Deadline from the current due date
    add_working_days(day, n), add_calendar_days(day, n, shift), add_months(day, n), is_working_day(day)
    deadline_status(due, closed_on)                  -> overdue / due_soon / on_time / late / open

A year of the calendar is read once per application context (one request, one CLI
command) and kept in `g`; rows an Admin changes drop that cache at the flush.
"""

from __future__ import annotations

import calendar
import datetime as dt
import enum
from dataclasses import dataclass
from typing import Any

from dateutil.relativedelta import relativedelta
from flask import g, has_app_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import event, select

from ...extensions import db
from ..dates import format_date, local_today, to_local
from ..errors import DomainError, ValidationFailed
from .models import DayKind, DeadlineRule, DeadlineUnit, Shift, WorkingDay
from .reference import default_days

#: "Due soon" (amber) covers today and this many following working days.
DUE_SOON_WORKING_DAYS = 3

_YEARS = "_uprava_calendar_years"
_RULES = "_uprava_deadline_rules"
_DUE = "_uprava_due_dates"


class UnknownDeadlineRule(DomainError):
    status = 422
    message = _l("Правило срока «%(code)s» не найдено в справочнике сроков исполнения")


class ExtensionTooLong(DomainError):
    status = 422
    message = _l("Срок можно продлить не более чем на %(limit)s дн.")


class DeadlineStatus(enum.StrEnum):
    """How a list colours a deadline (DOMAIN.md D.7)."""

    OVERDUE = "overdue"  # red: open, and today is past the due date
    DUE_SOON = "due_soon"  # amber: open, due today or within the next working days
    ON_TIME = "on_time"  # green: closed on or before the due date
    LATE = "late"  # grey: closed after the due date
    OPEN = "open"  # open and not near the due date yet


@dataclass(frozen=True)
class RuleTerms:
    """A snapshot of one deadline rule (the row may change while the request runs)."""

    code: str
    name: str
    amount: int
    unit: DeadlineUnit
    shift: Shift


@dataclass(frozen=True)
class Deadline:
    """A computed due date; `unconfirmed` when the term runs through an unpublished calendar."""

    due: dt.date
    rule: RuleTerms | None
    unconfirmed: bool

    @property
    def warning(self) -> str | None:
        if not self.unconfirmed:
            return None
        return str(
            _l(
                "Срок %(due)s рассчитан по производственному календарю, который ещё не утверждён: "
                "проверьте его после публикации календаря",
                due=format_date(self.due),
            )
        )


@dataclass(frozen=True)
class _Year:
    non_working: frozenset[dt.date]
    unconfirmed: frozenset[dt.date]


def _as_date(value: dt.date) -> dt.date:
    # A stored timestamp is naive UTC: its day is the city's local day.
    if isinstance(value, dt.datetime):
        local = to_local(value)
        assert local is not None
        return local.date()
    return value


def _load_year(year: int) -> _Year:
    """The package's defaults for the year with the table's rows on top."""
    specs = {day: (spec.kind is DayKind.NON_WORKING, spec.confirmed) for day, spec in default_days(year).items()}
    rows = db.session.execute(
        select(WorkingDay.day, WorkingDay.kind, WorkingDay.confirmed).where(WorkingDay.year == year)
    )
    for day, kind, confirmed in rows:
        specs[day] = (kind == DayKind.NON_WORKING.value, bool(confirmed))
    return _Year(
        non_working=frozenset(day for day, (off, _c) in specs.items() if off),
        unconfirmed=frozenset(day for day, (_o, confirmed) in specs.items() if not confirmed),
    )


def _year(year: int) -> _Year:
    years = g.setdefault(_YEARS, {})
    if year not in years:
        years[year] = _load_year(year)
    return years[year]


def _forget(*_args: Any) -> None:
    if has_app_context():
        g.pop(_YEARS, None)
        g.pop(_RULES, None)
        g.pop(_DUE, None)


for _model in (WorkingDay, DeadlineRule):
    for _when in ("after_insert", "after_update", "after_delete"):
        event.listen(_model, _when, _forget)


def is_working_day(day: dt.date) -> bool:
    """True for a working (or shortened) day of the production calendar."""
    day = _as_date(day)
    return day not in _year(day.year).non_working


def add_working_days(start: dt.date, n: int) -> dt.date:
    """The n-th working day after `start` (start itself not counted); n < 0 counts back."""
    day = _as_date(start)
    step = dt.timedelta(days=1 if n >= 0 else -1)
    remaining = abs(n)
    while remaining:
        day += step
        if is_working_day(day):
            remaining -= 1
    return day


def shift_to_working_day(day: dt.date, shift: Shift | str, start: dt.date | None = None) -> dt.date:
    """Move a non-working last day of a term as the rule says.

    A term never ends on or before the day it starts: when every day of it is non-working
    (3 days from 31 December), the preceding working day would fall before the start, so the
    term runs to the next working day instead.
    """
    shift = Shift(shift)
    if shift is Shift.NONE or is_working_day(day):
        return day
    step = dt.timedelta(days=-1 if shift is Shift.PREVIOUS_WORKING else 1)
    moved = day + step
    while not is_working_day(moved):
        moved += step
    if start is not None and moved <= start:
        return shift_to_working_day(day, Shift.NEXT_WORKING)
    return moved


def add_calendar_days(start: dt.date, n: int, shift: Shift | str = Shift.PREVIOUS_WORKING) -> dt.date:
    """`start` + n days, then the shift when that day is non-working."""
    start = _as_date(start)
    return shift_to_working_day(start + dt.timedelta(days=n), shift, start)


def add_months(start: dt.date, n: int) -> dt.date:
    """`start` + n months (n < 0 counts back); a day the target month lacks is its last day (31.03 + 1 → 30.04)."""
    return _as_date(start) + relativedelta(months=n)


def day_of_next_month(start: dt.date, n: int) -> dt.date:
    """Day n of the month after the month of `start` (past the month's end: its last day)."""
    first = _as_date(start).replace(day=1) + relativedelta(months=1)
    return first.replace(day=min(n, calendar.monthrange(first.year, first.month)[1]))


def _rules() -> dict[str, RuleTerms]:
    rules = g.get(_RULES)
    if rules is None:
        rules = {
            r.code: RuleTerms(r.code, r.name, r.amount, DeadlineUnit(r.unit), Shift(r.shift))
            for r in db.session.scalars(select(DeadlineRule))
        }
        setattr(g, _RULES, rules)
    return rules


def get_rule(code: str) -> RuleTerms:
    """The current terms of a deadline rule, or UnknownDeadlineRule."""
    try:
        return _rules()[code]
    except KeyError:
        raise UnknownDeadlineRule(code=code) from None


def _unconfirmed_between(start: dt.date, end: dt.date) -> bool:
    """True when any day in (start, end] is not confirmed."""
    return any(start < day <= end for year in range(start.year, end.year + 1) for day in _year(year).unconfirmed)


def _term(start: dt.date, amount: int, unit: DeadlineUnit, shift: Shift, rule: RuleTerms | None) -> Deadline:
    if unit is DeadlineUnit.WORKING_DAYS:
        raw = due = add_working_days(start, amount)
    elif unit is DeadlineUnit.MONTHS and amount < 0:
        # A term before its start («a month before the period»): a non-working last day moves as the
        # rule says, and nothing keeps it after the start.
        raw = add_months(start, amount)
        due = shift_to_working_day(raw, shift)
        earliest = min(raw, due) - dt.timedelta(days=1)
        return Deadline(due=due, rule=rule, unconfirmed=_unconfirmed_between(earliest, start))
    else:
        if unit is DeadlineUnit.MONTHS:
            raw = add_months(start, amount)
        elif unit is DeadlineUnit.NEXT_MONTH_DAY:
            raw = day_of_next_month(start, amount)
        else:
            raw = start + dt.timedelta(days=amount)
        due = shift_to_working_day(raw, shift, start)
    return Deadline(due=due, rule=rule, unconfirmed=_unconfirmed_between(start, max(raw, due)))


def due_date(rule_code: str, start: dt.date, amount: int | None = None) -> Deadline:
    """The due date of a rule's term counted from `start` (registration, issue, submission…).

    A months rule counts from `start` (a period's first day for «N months before the period»); a
    next-month-day rule gives day N of the month after `start`'s (a period's last day for «by the
    10th of the month after the period»).

    `amount` replaces the rule's number of days, keeping its unit and shift: a sub-kind with its
    own term (a ПОС category answered in 5 working days instead of the channel's 10).
    """
    # Remembered like the calendar and the rules it is computed from (an import counts thousands).
    known = g.setdefault(_DUE, {})
    key = (rule_code, _as_date(start), amount)
    if key not in known:
        rule = get_rule(rule_code)
        known[key] = _term(key[1], rule.amount if amount is None else amount, rule.unit, rule.shift, rule)
    return known[key]


def extend_due_date(rule_code_or_shift: str | Shift, current_due: dt.date, days: int | None = None) -> Deadline:
    """Extend a term from its current due date, shifted again.

    With a rule code: the rule's unit and shift, and its amount is the longest extension
    (`days` defaults to it). With a Shift: `days` calendar days and that shift.
    """
    if isinstance(rule_code_or_shift, Shift):
        rule, unit, shift = None, DeadlineUnit.CALENDAR_DAYS, rule_code_or_shift
        if days is None:
            raise ValidationFailed(_l("Укажите, на сколько дней продлить срок"))
    else:
        rule = get_rule(rule_code_or_shift)
        unit, shift = rule.unit, rule.shift
        days = rule.amount if days is None else days
        if days > rule.amount:
            raise ExtensionTooLong(limit=rule.amount)
    if days < 1:
        raise ValidationFailed(_l("Срок продлевается не менее чем на один день"))
    return _term(_as_date(current_due), days, unit, shift, rule)


def deadline_status(due: dt.date, closed_on: dt.date | None = None, today: dt.date | None = None) -> DeadlineStatus:
    """The colour of a deadline in a list; `today` is the city's local date by default."""
    due = _as_date(due)
    if closed_on is not None:
        return DeadlineStatus.ON_TIME if _as_date(closed_on) <= due else DeadlineStatus.LATE
    today = local_today() if today is None else today
    if today > due:
        return DeadlineStatus.OVERDUE
    if due <= add_working_days(today, DUE_SOON_WORKING_DAYS):
        return DeadlineStatus.DUE_SOON
    return DeadlineStatus.OPEN
