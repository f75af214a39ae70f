"""Statistics pages of events (R-E1) and petitions (R-E2), declared on the platform's reports (app/core/reports).

The queries are app/events/reports.py; the page, XLSX and DOCX come from the platform. Every number of
the events' tables links to the event list it counts (the same period, organiser, district, status).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import SelectField

from ..core.inputs import is_digits
from ..core.reports import Column, Report, ReportParams, ReportsView, TableLayout, Total, list_url
from ..extensions import db
from ..security import scope_clause
from . import reports
from .models import Event, EventProgramme, EventStatus, TitleCampaign, TitlePetition

BY_START = _l("по дате начала мероприятия")
BY_RECEIPT = _l("по дате поступления")
TOTAL = _l("Итого")


def _visible(model: Any, *columns: Any) -> list[tuple[str, str]]:
    query = select(model.id, *columns).where(model.annulled_at.is_(None))
    clause = scope_clause(model)
    if clause is not None:
        query = query.where(clause)
    return [
        ("", gettext("Все")),
        *((str(row[0]), " ".join(str(v) for v in row[1:])) for row in db.session.execute(query)),
    ]


def _programmes() -> list[tuple[str, str]]:
    return _visible(EventProgramme, EventProgramme.name)


def _campaigns() -> list[tuple[str, str]]:
    return _visible(TitleCampaign, TitleCampaign.name)


def _chosen(params: ReportParams, name: str) -> int | None:
    value = params.extra.get(name)
    return int(value) if value is not None and is_digits(str(value)) else None


def event_filter(params: ReportParams) -> reports.EventFilter:
    """The events query's filter from the page: period, programme, organiser (the form's body), district, scope."""
    return reports.EventFilter(
        date_from=params.date_from,
        date_to=params.date_to,
        programme_id=_chosen(params, "programme"),
        organiser_id=params.body_id,
        district_id=params.district_id,
        scope=params.scope_for(Event),
    )


def _period_args(params: ReportParams, row: reports.SummaryRow) -> dict[str, str]:
    """The list's period filters: the report's period, or the row's month within it (strict bounds: a day outside)."""
    start, end = params.date_from, params.date_to
    if row.year is not None and row.month is not None:
        first = dt.date(row.year, row.month, 1)
        following = dt.date(row.year + row.month // 12, row.month % 12 + 1, 1)
        start = max(first, start) if start else first
        end = min(following - dt.timedelta(days=1), end) if end else following - dt.timedelta(days=1)
    args = {}
    if start is not None:
        args["_flt_1_start_date"] = (start - dt.timedelta(days=1)).isoformat()
    if end is not None:
        args["_flt_2_start_date"] = (end + dt.timedelta(days=1)).isoformat()
    return args


def _link(params: ReportParams, dimension: str | None, status: str | None = None, preset: str | None = None) -> Any:
    """The event list behind a number: the row's month / organiser / district, and the column's status."""

    def url(row: reports.SummaryRow) -> str | None:
        filters: dict[str, Any] = {}
        if dimension in ("organiser_body", "district"):
            if row.key is None:
                return None  # an outside organiser or no district: the list has no «empty» filter
            filters[dimension] = row.key
        if params.body_id is not None:
            filters.setdefault("organiser_body", params.body_id)
        if params.district_id is not None:
            filters.setdefault("district", params.district_id)
        if _chosen(params, "programme") is not None:
            filters["programme"] = _chosen(params, "programme")
        if status is not None:
            filters["status"] = status
        args = {**_period_args(params, row), **({"preset": preset} if preset else {})}
        return list_url("EventView", filters, **args)

    return url


def _columns(first: Any, dimension: str | None) -> Any:
    def build(params: ReportParams) -> list[Column]:
        return [
            Column(first, "label"),
            Column(_l("Запланировано"), "planned", sum=True, link=_link(params, dimension)),
            Column(_l("Проведено"), "held", sum=True, link=_link(params, dimension, EventStatus.HELD.value)),
            Column(_l("Перенесено"), "postponed", sum=True, link=_link(params, dimension, EventStatus.POSTPONED.value)),
            Column(_l("Отменено"), "cancelled", sum=True, link=_link(params, dimension, EventStatus.CANCELLED.value)),
            Column(
                _l("Изменён формат"), "format_changed", sum=True, link=_link(params, dimension, preset="format_changed")
            ),
        ]

    return build


def _total(data: reports.SummaryReport) -> dict[str, int]:
    total = data.total
    return {
        "planned": total.planned,
        "held": total.held,
        "postponed": total.postponed,
        "cancelled": total.cancelled,
        "format_changed": total.format_changed,
    }


PROGRAMME_FIELD = {"programme": SelectField(_l("Программа"), choices=_programmes, default="")}

SUMMARY = Report(
    name="summary",
    title=_l("Итоги программы мероприятий"),
    basis=BY_START,
    query=lambda p: reports.events_summary(event_filter(p)),
    extra=PROGRAMME_FIELD,
    tables=[
        TableLayout(
            _l("По месяцам"),
            rows="by_month",
            columns=_columns(_l("Месяц"), None),
            totals=[Total(_l("Итого по программе"), values=_total)],
        ),
        TableLayout(
            _l("По организаторам"),
            rows="by_organiser",
            columns=_columns(_l("Организатор"), "organiser_body"),
            totals=[Total(_l("Итого по программе"), values=_total)],
        ),
        TableLayout(
            _l("По районам"),
            rows="by_district",
            columns=_columns(_l("Район"), "district"),
            totals=[Total(_l("Итого по программе"), values=_total)],
        ),
    ],
)


class EventReportsView(ReportsView):
    route_base = "/events/reports"
    class_permission_name = "Event"
    scope_model = Event
    title = _l("Статистика мероприятий")
    note = _l("аннулированные мероприятия не учитываются; «запланировано» — все мероприятия плана")
    reports = [SUMMARY]


# ---- R-E2 ---------------------------------------------------------------------------------------


def petition_filter(params: ReportParams) -> reports.PetitionFilter:
    return reports.PetitionFilter(
        date_from=params.date_from,
        date_to=params.date_to,
        campaign_id=_chosen(params, "campaign"),
        scope=params.scope_for(TitlePetition),
    )


PETITIONS = Report(
    name="petitions",
    title=_l("Обращения в поддержку присвоения звания"),
    basis=BY_RECEIPT,
    filters=("period",),
    query=lambda p: reports.petitions_summary(petition_filter(p)),
    extra={"campaign": SelectField(_l("Кампания"), choices=_campaigns, default="")},
    tables=[
        TableLayout(
            _l("По видам заявителей и месяцам"),
            rows="by_month",
            columns=[
                Column(_l("Месяц"), "label"),
                Column(_l("От жителей"), "residents", sum=True),
                Column(_l("От организаций"), "organisations", sum=True),
                Column(_l("Всего"), "total", sum=True),
            ],
            totals=[
                Total(
                    TOTAL,
                    values=lambda d: {
                        "residents": d.total.residents,
                        "organisations": d.total.organisations,
                        "total": d.total.total,
                    },
                )
            ],
        )
    ],
)


class PetitionReportsView(ReportsView):
    route_base = "/events/petitions/reports"
    class_permission_name = "TitlePetition"
    scope_model = TitlePetition
    title = _l("Статистика обращений в поддержку присвоения звания")
    note = _l("аннулированные обращения не учитываются")
    reports = [PETITIONS]
