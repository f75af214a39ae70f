"""The appeals dashboard: intake by month and by channel, topics, districts, timeliness by body.

Every chart reads a query of the statistics page (the `Report` declarations of report_views.py and
their functions in reports.py) — the same numbers as the reports, no second implementation. Where
the chart shows one part of a report, it asks that part alone (the sections of R-A2); the months,
channels and districts charts read one pass of R-A1 that also counts the districts of R-A3
(`intake(…, by_district=True)`, tested equal to R-A3's own totals). A bar
opens the appeal list behind it where the list can say exactly which appeals those are: the
period (registration or due date) and the chart's dimension as list filters. With a body chosen the
bars open nothing: the reports read «the body received it or answers for it», which a list filter
cannot say.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from ..core.dates import format_date
from ..core.reports import ReportParams, list_url
from ..core.workspace import COLUMNS, STACKED, Chart, Dashboard, Measure, fold
from . import reports
from .models import Appeal
from .report_views import TIMELINESS, appeal_filter


def _day(value: dt.date) -> str:
    return format_date(value)


def _period_args(params: ReportParams, column: str, start: dt.date | None = None, end: dt.date | None = None) -> dict:
    """The list's «позже» / «раньше» filters (strict) that keep exactly [start, end] of a date column."""
    start = start or params.date_from
    end = end or params.date_to
    assert start is not None and end is not None
    return {
        f"_flt_1_{column}": _day(start - dt.timedelta(days=1)),
        f"_flt_2_{column}": _day(end + dt.timedelta(days=1)),
    }


def _linkable(params: ReportParams) -> bool:
    # The reports' body filter is «received or answers for»: no list filter says that.
    return params.body_id is None


def _listed(params: ReportParams, filters: dict[str, Any], **args: Any) -> str | None:
    if not _linkable(params):
        return None
    if params.district_id is not None:
        filters = {"district": params.district_id, **filters}
    return list_url("AppealView", filters, **args)


def _month_link(row: Any, params: ReportParams) -> str | None:
    """The appeals registered in the row's month (within the period)."""
    year, month = row.key
    first = dt.date(year, month, 1)
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    assert params.date_from is not None and params.date_to is not None
    period = _period_args(params, "reg_date", max(first, params.date_from), min(last, params.date_to))
    return _listed(params, {}, **period)


def _channel_link(row: Any, params: ReportParams) -> str | None:
    return _listed(params, {"channel": row.channel_id}, **_period_args(params, "reg_date"))


def _district_link(row: Any, params: ReportParams) -> str | None:
    if row.district_id is None:
        return None
    return _listed(params, {"district": row.district_id}, **_period_args(params, "reg_date"))


def _overdue_link(row: Any, params: ReportParams) -> str | None:
    """Open appeals of the body past their due date, due in the period: the list's «overdue» preset."""
    return _listed(params, {"responsible_body": row.body_id}, preset="overdue", **_period_args(params, "due_date"))


def _registrations(params: ReportParams) -> Any:
    """R-A1 with the district totals of R-A3, in one pass: the months, channels and districts charts."""
    return reports.intake(appeal_filter(params), by_district=True)


def _months(data: Any) -> list[Any]:
    return sorted(fold(data.rows, lambda r: (r.year, r.month), "appeals"), key=lambda r: r.key)


APPEALS_DASHBOARD = Dashboard(
    key="appeals",
    title=_l("Показатели обращений"),
    resource="Appeal",
    scope_model=Appeal,
    domain="appeals",
    note=_l("аннулированные обращения не учитываются; числа — те же, что в «Статистике обращений»"),
    charts=[
        Chart(
            "months",
            _l("Поступление обращений по месяцам"),
            query=_registrations,
            rows=_months,
            label=lambda r: f"{r.key[1]:02d}.{r.key[0]}",
            category=_l("Месяц"),
            kind=COLUMNS,
            measures=[Measure(_l("Обращений"), "appeals", link=_month_link)],
        ),
        Chart(
            "channels",
            _l("Обращения по каналам поступления"),
            query=_registrations,
            rows=lambda d: fold(d.rows, "channel", "appeals", "questions", keep=("channel_id",)),
            label="channel",
            category=_l("Канал поступления"),
            measures=[
                Measure(_l("Обращений"), "appeals", link=_channel_link),
                Measure(_l("Вопросов"), "questions", plot=False),
            ],
        ),
        Chart(
            "topics",
            _l("Вопросы по разделам тематического классификатора"),
            query=lambda p: reports.topic_sections(appeal_filter(p)),
            rows="sections",
            label=lambda r: r.name or r.code,
            category=_l("Раздел классификатора"),
            total=lambda d: SimpleNamespace(questions=d.questions, question_share=None),
            measures=[
                Measure(_l("Вопросов"), "questions"),
                Measure(_l("Доля вопросов, %"), "question_share", plot=False, sum=False),
            ],
        ),
        Chart(
            "districts",
            _l("Обращения по районам (адрес проблемы)"),
            query=_registrations,
            rows="districts",
            label=lambda r: r.district or gettext("Район не указан"),
            category=_l("Район"),
            measures=[
                Measure(_l("Обращений"), "appeals", link=_district_link),
                Measure(_l("Вопросов"), "questions", plot=False),
            ],
        ),
        Chart(
            "timeliness",
            _l("Соблюдение сроков по ответственным органам (срок ответа в периоде)"),
            query=TIMELINESS.query,
            label="body",
            category=_l("Ответственный орган"),
            kind=STACKED,
            total=lambda d: d.total,
            measures=[
                Measure(_l("Отвечено в срок"), "on_time"),
                Measure(_l("Отвечено с нарушением срока"), "late"),
                Measure(_l("Просрочено (не закрыто)"), "overdue_open", link=_overdue_link),
                Measure(_l("Срок в периоде"), "total", plot=False),
                Measure(_l("Исполнено в срок, %"), "on_time_percent", plot=False, sum=False),
            ],
        ),
    ],
)
