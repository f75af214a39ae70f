"""Statistics of events (R-E1) and of title petitions (R-E2): aggregate SQL, plain data in and out.

Every figure is counted by the database with GROUP BY (never by looping over events), annulled rows
left out, in the row scope the caller passes (`app.security.statistics_clause`: what the user's
bodies and districts own; None: every row). «Format changed» is the model's SQL expression
(`Event.format_changed`: an actual format other than the planned one), never a stored flag.

    report = events_summary(EventFilter(date_from=dt.date(2020, 1, 1), date_to=dt.date(2020, 12, 31)))
    report.total.planned, report.total.held, report.total.format_changed   # 410, 400, 150

A dashboard calls the same functions with its own filter.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer, case, cast, extract, func, select

from ..extensions import db
from ..org.models import Body, District
from .models import ApplicantType, Event, EventStatus, TitlePetition


@dataclass(frozen=True)
class EventFilter:
    """Which events a summary counts: started in the period, of a programme, organiser, district; in scope."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    programme_id: int | None = None
    organiser_id: int | None = None
    district_id: int | None = None
    scope: Any = None

    def conditions(self) -> list[Any]:
        clauses: list[Any] = [Event.annulled_at.is_(None)]
        if self.date_from is not None:
            clauses.append(Event.start_date >= self.date_from)
        if self.date_to is not None:
            clauses.append(Event.start_date <= self.date_to)
        if self.programme_id is not None:
            clauses.append(Event.programme_id == self.programme_id)
        if self.organiser_id is not None:
            clauses.append(Event.organiser_body_id == self.organiser_id)
        if self.district_id is not None:
            clauses.append(Event.district_id == self.district_id)
        if self.scope is not None:
            clauses.append(self.scope)
        return clauses


@dataclass(frozen=True)
class SummaryRow:
    """One line of the summary: planned (every event of the plan), held, postponed, cancelled, format changed."""

    label: str
    planned: int
    held: int
    postponed: int
    cancelled: int
    format_changed: int
    year: int | None = None
    month: int | None = None
    #: The organiser body or district the line is about (the list behind its numbers).
    key: int | None = None


@dataclass(frozen=True)
class SummaryReport:
    by_month: list[SummaryRow]
    by_organiser: list[SummaryRow]
    by_district: list[SummaryRow]
    total: SummaryRow


def _count(condition: Any) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _figures() -> tuple[Any, ...]:
    return (
        func.count(Event.id).label("planned"),
        _count(Event.status == EventStatus.HELD.value).label("held"),
        _count(Event.status == EventStatus.POSTPONED.value).label("postponed"),
        _count(Event.status == EventStatus.CANCELLED.value).label("cancelled"),
        _count(Event.format_changed).label("format_changed"),
    )


def _numbers(row: Any) -> dict[str, int]:
    return {
        name: int(getattr(row, name) or 0) for name in ("planned", "held", "postponed", "cancelled", "format_changed")
    }


MONTH_NAMES = (
    _l("январь"),
    _l("февраль"),
    _l("март"),
    _l("апрель"),
    _l("май"),
    _l("июнь"),
    _l("июль"),
    _l("август"),
    _l("сентябрь"),
    _l("октябрь"),
    _l("ноябрь"),
    _l("декабрь"),
)


def month_label(year: int, month: int) -> str:
    """«май 2020»."""
    return f"{MONTH_NAMES[month - 1]} {year}"


def events_summary(flt: EventFilter) -> SummaryReport:
    """Planned / held / postponed / cancelled / format changed by month of start, organiser and district, and in all."""
    where = flt.conditions()
    year = cast(extract("year", Event.start_date), Integer)
    month = cast(extract("month", Event.start_date), Integer)
    by_month = [
        SummaryRow(month_label(row.year, row.month), **_numbers(row), year=row.year, month=row.month)
        for row in db.session.execute(
            select(year.label("year"), month.label("month"), *_figures())
            .where(*where)
            .group_by(year, month)
            .order_by(year, month)
        )
    ]
    bodies = dict(db.session.execute(select(Body.id, Body.name)).all())
    by_organiser = sorted(
        (
            SummaryRow(
                bodies.get(row.organiser_body_id) or row.organiser_name or gettext("Организатор не указан"),
                **_numbers(row),
                key=row.organiser_body_id,
            )
            for row in db.session.execute(
                select(Event.organiser_body_id, Event.organiser_name, *_figures())
                .where(*where)
                .group_by(Event.organiser_body_id, Event.organiser_name)
            )
        ),
        key=lambda r: (-r.planned, r.label),
    )
    districts = dict(db.session.execute(select(District.id, District.name)).all())
    by_district = sorted(
        (
            SummaryRow(
                districts.get(row.district_id) or gettext("Район не указан"), **_numbers(row), key=row.district_id
            )
            for row in db.session.execute(
                select(Event.district_id, *_figures()).where(*where).group_by(Event.district_id)
            )
        ),
        key=lambda r: (r.key is None, r.label),
    )
    total = db.session.execute(select(*_figures()).where(*where)).one()
    return SummaryReport(by_month, by_organiser, by_district, SummaryRow(gettext("Итого"), **_numbers(total)))


# ---- R-E2: petitions for the honorary title ----------------------------------------------------


@dataclass(frozen=True)
class PetitionFilter:
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    campaign_id: int | None = None
    scope: Any = None

    def conditions(self) -> list[Any]:
        clauses: list[Any] = [TitlePetition.annulled_at.is_(None)]
        if self.date_from is not None:
            clauses.append(TitlePetition.received_on >= self.date_from)
        if self.date_to is not None:
            clauses.append(TitlePetition.received_on <= self.date_to)
        if self.campaign_id is not None:
            clauses.append(TitlePetition.campaign_id == self.campaign_id)
        if self.scope is not None:
            clauses.append(self.scope)
        return clauses


@dataclass(frozen=True)
class PetitionRow:
    label: str
    residents: int
    organisations: int
    year: int | None = None
    month: int | None = None

    @property
    def total(self) -> int:
        return self.residents + self.organisations


@dataclass(frozen=True)
class PetitionReport:
    by_month: list[PetitionRow]
    total: PetitionRow


def petitions_summary(flt: PetitionFilter) -> PetitionReport:
    """Petitions by applicant type (residents / organisations) and month of receipt, and in all."""
    where = flt.conditions()
    year = cast(extract("year", TitlePetition.received_on), Integer)
    month = cast(extract("month", TitlePetition.received_on), Integer)
    figures = (
        _petitions(ApplicantType.RESIDENT.value).label("residents"),
        _petitions(ApplicantType.ORGANISATION.value).label("organisations"),
    )
    by_month = [
        PetitionRow(month_label(row.year, row.month), int(row.residents), int(row.organisations), row.year, row.month)
        for row in db.session.execute(
            select(year.label("year"), month.label("month"), *figures)
            .where(*where)
            .group_by(year, month)
            .order_by(year, month)
        )
    ]
    total = db.session.execute(select(*figures).where(*where)).one()
    return PetitionReport(by_month, PetitionRow(gettext("Итого"), int(total.residents), int(total.organisations)))


def _petitions(kind: str) -> Any:
    return _count(TitlePetition.applicant_type == kind)
