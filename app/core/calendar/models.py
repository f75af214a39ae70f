"""Working-day calendar and deadline rules: both are data an Admin edits, not code."""

from __future__ import annotations

import datetime
import enum

from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, CheckConstraint, Date, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, validates

from ..models import VersionedMixin


class DayKind(enum.StrEnum):
    """What a calendar day is for a five-day working week."""

    WORKING = "working"
    NON_WORKING = "non_working"
    # A pre-holiday day one hour shorter (ТК РФ ст. 95): still a working day for deadlines.
    SHORTENED = "shortened"


class DaySource(enum.StrEnum):
    """Where a day's row came from: seeding refreshes package and weekly rows, never admin ones."""

    PACKAGE = "package"  # the official calendar as the `holidays` package knows it
    WEEKLY = "weekly"  # weekends and fixed holidays only: the year's calendar is not published yet
    ADMIN = "admin"  # set by an Admin


class DeadlineUnit(enum.StrEnum):
    """How a rule's amount is counted from its start date."""

    CALENDAR_DAYS = "calendar_days"
    WORKING_DAYS = "working_days"
    # start + N months (a day past the month's end is its last day); N < 0 counts back: «a month
    # before the period starts».
    MONTHS = "months"
    # Day N of the month after the start's month (the 31st of a shorter month is its last day):
    # «by the 10th of the month after the period».
    NEXT_MONTH_DAY = "next_month_day"


#: What a rule's amount may be for each unit (the table's check constraint and the Admin's form agree).
UNIT_AMOUNTS: dict[DeadlineUnit, tuple[int, int]] = {
    DeadlineUnit.CALENDAR_DAYS: (1, 3650),
    DeadlineUnit.WORKING_DAYS: (1, 3650),
    DeadlineUnit.MONTHS: (-120, 120),  # never 0: see the constraint
    DeadlineUnit.NEXT_MONTH_DAY: (1, 31),
}


class Shift(enum.StrEnum):
    """Where a term whose last day is non-working ends."""

    PREVIOUS_WORKING = "previous_working"
    NEXT_WORKING = "next_working"
    NONE = "none"


def _in(column: str, values: type[enum.StrEnum]) -> str:
    return f"{column} IN ({', '.join(repr(v.value) for v in values)})"


class WorkingDay(VersionedMixin, Model):
    """One day of the production calendar (производственный календарь)."""

    __tablename__ = "core_working_day"
    __label__ = _l("День производственного календаря")
    __table_args__ = (
        CheckConstraint(_in("kind", DayKind), name="kind"),
        CheckConstraint(_in("source", DaySource), name="source"),
        CheckConstraint("month BETWEEN 1 AND 12", name="month"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[datetime.date] = mapped_column(Date, unique=True)
    # Stored beside the date so that the Admin's list filters by year and month with plain
    # integer filters (FAB's date filters cannot); kept in step with `day` by the validator.
    year: Mapped[int] = mapped_column(Integer, index=True)
    month: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16), default=DayKind.WORKING.value)
    note: Mapped[str | None] = mapped_column(String(255))
    confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[str] = mapped_column(String(16), default=DaySource.PACKAGE.value)

    @validates("day")
    def _set_year_and_month(self, _key: str, value: datetime.date) -> datetime.date:
        self.year, self.month = value.year, value.month
        return value

    def __repr__(self) -> str:
        return self.day.strftime("%d.%m.%Y")


class DeadlineRule(VersionedMixin, Model):
    """A term of the law or of local practice: «30 calendar days from registration»."""

    __tablename__ = "core_deadline_rule"
    __label__ = _l("Срок исполнения")
    __table_args__ = (
        CheckConstraint(_in("unit", DeadlineUnit), name="unit"),
        CheckConstraint(_in("shift", Shift), name="shift"),
        CheckConstraint(
            "(unit IN ('calendar_days', 'working_days') AND amount > 0)"
            " OR (unit = 'months' AND amount <> 0)"
            " OR (unit = 'next_month_day' AND amount BETWEEN 1 AND 31)",
            name="amount_fits_unit",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The stable key the domains ask for (appeal_answer, housing_decision, …); never edited.
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    amount: Mapped[int] = mapped_column(Integer)
    unit: Mapped[str] = mapped_column(String(16), default=DeadlineUnit.CALENDAR_DAYS.value)
    shift: Mapped[str] = mapped_column(String(16), default=Shift.PREVIOUS_WORKING.value)
    # The legal act or local rule the term comes from.
    basis: Mapped[str | None] = mapped_column(String(255))

    def __repr__(self) -> str:
        return self.name
