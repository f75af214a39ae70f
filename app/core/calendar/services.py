"""Calendar and deadline-rule services: seeding and Admin edits. Flush, never commit."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ...extensions import db
from ..dates import format_date, local_today
from ..errors import ValidationFailed
from .models import UNIT_AMOUNTS, DayKind, DaySource, DeadlineRule, DeadlineUnit, WorkingDay
from .reference import DEADLINE_RULES, RuleSeed, default_days

#: Years seeded around today: earlier years stay readable from the package defaults.
YEARS_BACK = 2
YEARS_AHEAD = 2


def seed_working_days(first_year: int | None = None, last_year: int | None = None) -> dict[str, int]:
    """Write every day of the years from the package; rows an Admin set are never touched.

    Years the package knows are confirmed; later ones (weekends and fixed holidays only)
    are not. Rows written from an older package release are refreshed, so a newer
    `holidays` release fills in next year's transfers at the next `flask app init`.
    """
    today = local_today()
    first = today.year - YEARS_BACK if first_year is None else first_year
    last = today.year + YEARS_AHEAD if last_year is None else last_year
    counts = {"created": 0, "updated": 0}
    for year in range(first, last + 1):
        rows = {row.day: row for row in db.session.scalars(select(WorkingDay).where(WorkingDay.year == year))}
        for day, spec in default_days(year).items():
            source = (DaySource.PACKAGE if spec.confirmed else DaySource.WEEKLY).value
            values = {"kind": spec.kind.value, "note": spec.note, "confirmed": spec.confirmed, "source": source}
            row = rows.get(day)
            if row is None:
                db.session.add(WorkingDay(day=day, **values))
                counts["created"] += 1
            elif row.source != DaySource.ADMIN.value and any(getattr(row, k) != v for k, v in values.items()):
                for key, value in values.items():
                    setattr(row, key, value)
                counts["updated"] += 1
    db.session.flush()
    return counts


def seed_deadline_rules(seeds: Iterable[RuleSeed] = DEADLINE_RULES) -> int:
    """Insert the rules missing by code (the platform's, or a domain's own list); an Admin's edits stay."""
    existing = set(db.session.scalars(select(DeadlineRule.code)))
    created = 0
    for seed in seeds:
        if seed.code in existing:
            continue
        db.session.add(
            DeadlineRule(
                code=seed.code,
                name=seed.name,
                amount=seed.amount,
                unit=seed.unit.value,
                shift=seed.shift.value,
                basis=seed.basis,
            )
        )
        created += 1
    db.session.flush()
    return created


class DayAlreadyInCalendar(ValidationFailed):
    message = _l("День %(day)s уже есть в календаре: откройте его в списке и измените")


def enter_day(day: WorkingDay) -> WorkingDay:
    """An Admin enters a day of any year, past ones included (a decree's non-working day, 24.06.2020).

    Years around today are seeded whole; an earlier year has only the days an Admin enters, over the
    package's defaults (app/core/calendar/engine.py). The day is the Admin's: confirmed, and seeding
    never overwrites it.
    """
    if day.day is None:
        raise ValidationFailed(_l("Укажите дату"), field="day")
    with db.session.no_autoflush:
        taken = db.session.scalar(select(WorkingDay.id).where(WorkingDay.day == day.day))
    if taken is not None:
        raise DayAlreadyInCalendar(field="day", day=format_date(day.day))
    day.kind = day.kind or DayKind.NON_WORKING.value
    day.confirmed = True
    return mark_edited(day)


def mark_edited(day: WorkingDay) -> WorkingDay:
    """An Admin changed the day: seeding must leave it alone from now on."""
    day.source = DaySource.ADMIN.value
    return day


def confirm_days(days: Iterable[WorkingDay]) -> int:
    """Confirm days an Admin checked against the published calendar."""
    changed = 0
    for day in days:
        if not day.confirmed:
            day.confirmed = True
            mark_edited(day)
            changed += 1
    db.session.flush()
    return changed


AMOUNT_MESSAGES = {
    DeadlineUnit.CALENDAR_DAYS: _l("Срок в днях — от %(low)s до %(high)s"),
    DeadlineUnit.WORKING_DAYS: _l("Срок в днях — от %(low)s до %(high)s"),
    DeadlineUnit.MONTHS: _l("Срок в месяцах — от %(low)s до %(high)s, кроме 0 (меньше нуля — раньше даты начала)"),
    DeadlineUnit.NEXT_MONTH_DAY: _l("Число месяца — от %(low)s до %(high)s"),
}


def check_rule(rule: DeadlineRule) -> DeadlineRule:
    """A rule's amount must fit its unit: days > 0, months ≠ 0 (negative: before the start), a day of a month 1–31."""
    try:
        unit = DeadlineUnit(rule.unit)
    except ValueError:
        raise ValidationFailed(_l("Неизвестная единица срока"), field="unit") from None
    low, high = UNIT_AMOUNTS[unit]
    amount = rule.amount
    if amount is None or not low <= amount <= high or (unit is DeadlineUnit.MONTHS and amount == 0):
        raise ValidationFailed(AMOUNT_MESSAGES[unit], field="amount", low=low, high=high)
    return rule
