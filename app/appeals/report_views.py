"""Statistics of appeals in the UI: declared reports on the platform's report page (app/core/reports).

Each report is its query (app/appeals/reports.py, unchanged) and the layout of its tables; the
page, the XLSX and the DOCX come from the platform. R-A1…R-A8 of DOMAIN.md D.9 and the workload.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from wtforms import SelectField

from ..core.dates import format_date
from ..core.reports import Column, Report, ReportParams, ReportsView, Subtotals, TableLayout, Total, list_url
from ..security import can_see_personal_data
from . import reports
from .models import Appeal
from .receptions import Reception
from .views import QUESTION_TYPE_LABELS

if TYPE_CHECKING:
    from flask_appbuilder import AppBuilder

BY_REGISTRATION = _l("по дате регистрации")
TOTAL = _l("Итого")


def appeal_filter(params: ReportParams, scope: Any = None) -> reports.ReportFilter:
    """The appeals queries' own filter from the page's parameters (the row scope of appeals by default)."""
    assert params.date_from is not None and params.date_to is not None
    return reports.ReportFilter(
        date_from=params.date_from,
        date_to=params.date_to,
        body_id=params.body_id,
        district_id=params.district_id,
        scope=params.scope if scope is None else scope,
    )


def _month(year: int, month: int) -> str:
    return f"{month:02d}.{year}"


def _district(name: str | None) -> str:
    return name or gettext("Район не указан")


def _months(params: ReportParams) -> list[tuple[int, int]]:
    """Every month of the period, in order (a month without questions still gets its column)."""
    assert params.date_from is not None and params.date_to is not None
    months, year, month = [], params.date_from.year, params.date_from.month
    while (year, month) <= (params.date_to.year, params.date_to.month):
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


# ---- R-A1 intake ----------------------------------------------------------------------------


def _intake_total(d: reports.IntakeReport) -> dict[str, int]:
    return {"appeals": d.appeals, "questions": d.questions}


#: Appeals and questions are the figures a report cites: summed in each subtotal line.
INTAKE_COUNTS = [Column(_l("Обращений"), "appeals", sum=True), Column(_l("Вопросов"), "questions", sum=True)]

INTAKE = Report(
    name="intake",
    title=_l("Поступление обращений"),
    basis=BY_REGISTRATION,
    query=lambda p: reports.intake(appeal_filter(p)),
    tables=[
        # By channel: each channel's months and receiving bodies, then its subtotal.
        TableLayout(
            _l("Поступление обращений по каналам, органам и месяцам"),
            rows=lambda d: sorted(d.rows, key=lambda r: (r.channel_order, r.channel, r.body, r.year, r.month)),
            columns=[
                Column(_l("Канал поступления"), "channel"),
                Column(_l("Орган-получатель"), "body"),
                Column(_l("Месяц"), lambda r: _month(r.year, r.month)),
                *INTAKE_COUNTS,
            ],
            subtotals=Subtotals("channel", lambda channel: gettext("Итого по каналу: %(name)s", name=channel)),
            totals=[Total(TOTAL, values=_intake_total)],
            key="by_channel",
        ),
        # By receiving body: the same figures, each body's subtotal.
        TableLayout(
            _l("Поступление обращений по органам-получателям"),
            rows=lambda d: sorted(d.rows, key=lambda r: (r.body, r.channel_order, r.channel, r.year, r.month)),
            columns=[
                Column(_l("Орган-получатель"), "body"),
                Column(_l("Канал поступления"), "channel"),
                Column(_l("Месяц"), lambda r: _month(r.year, r.month)),
                *INTAKE_COUNTS,
            ],
            subtotals=Subtotals("body", lambda body: gettext("Итого по органу: %(name)s", name=body)),
            totals=[Total(TOTAL, values=_intake_total)],
            key="by_body",
        ),
    ],
)

# ---- R-A2 topics ----------------------------------------------------------------------------

TOPIC_COLUMNS = [
    Column(_l("Код"), "code"),
    Column(_l("Наименование"), "name"),
    Column(_l("Вопросов"), "questions"),
    Column(_l("Доля вопросов, %"), "question_share"),
    Column(_l("Обращений"), "appeals"),
    Column(_l("Доля обращений, %"), "appeal_share"),
]


@dataclasses.dataclass(frozen=True)
class _SectionMonths:
    code: str
    name: str
    per_month: dict[tuple[int, int], int]


def _by_section(rows: Sequence[reports.TopicMonthRow]) -> list[_SectionMonths]:
    """Разделы down, months across (a pivot of the grouped counts; the period is at most a few years)."""
    counts: dict[tuple[str, str], dict[tuple[int, int], int]] = {}
    for r in rows:
        counts.setdefault((r.code, r.name), {})[(r.year, r.month)] = r.questions
    return [_SectionMonths(code, name, per_month) for (code, name), per_month in counts.items()]


def _month_columns(params: ReportParams) -> list[Column]:
    months = [Column(_month(*month), lambda r, month=month: r.per_month.get(month, 0)) for month in _months(params)]
    return [
        Column(_l("Код"), "code"),
        Column(_l("Раздел"), "name"),
        *months,
        Column(_l("Всего"), lambda r: sum(r.per_month.values())),
    ]


TOPICS = Report(
    name="topics",
    title=_l("Тематика обращений"),
    basis=BY_REGISTRATION,
    query=lambda p: reports.topics(appeal_filter(p)),
    tables=[
        TableLayout(
            _l("Тематика: разделы классификатора"),
            rows="sections",
            columns=TOPIC_COLUMNS,
            totals=[
                Total(TOTAL, values=lambda d: {"questions": d.questions, "appeals": d.appeals}),
                Total(
                    _l("Доля раздела «Жилищно-коммунальная сфера» (Жилище)"),
                    values=lambda d: {
                        "question_share": d.housing_question_share,
                        "appeal_share": d.housing_appeal_share,
                    },
                ),
            ],
        ),
        TableLayout(_l("Тематика: темы классификатора"), rows="themes", columns=TOPIC_COLUMNS),
        TableLayout(
            _l("Вопросы по разделам классификатора и месяцам"),
            rows=lambda d: _by_section(d.sections_by_month),
            columns=_month_columns,
        ),
        TableLayout(
            lambda d: gettext("%(n)s самых частых вопросов", n=reports.TOP_QUESTIONS),
            rows="top_questions",
            columns=TOPIC_COLUMNS,
        ),
    ],
)

# ---- R-A3 districts -------------------------------------------------------------------------


def _by_applicant(params: ReportParams) -> bool:
    return params.extra.get("by") == "applicant"


def _district_label(params: ReportParams) -> Any:
    return _l("Район заявителя") if _by_applicant(params) else _l("Район проблемы")


DISTRICTS = Report(
    name="districts",
    title=_l("Обращения по районам"),
    basis=BY_REGISTRATION,
    query=lambda p: reports.districts(appeal_filter(p), by_applicant=_by_applicant(p)),
    extra={
        "by": SelectField(
            _l("Район по"),
            choices=[("problem", _l("адресу проблемы")), ("applicant", _l("адресу заявителя"))],
            default="problem",
        )
    },
    tables=[
        TableLayout(
            _l("Обращения по районам и темам"),
            # The same order of counts as the totals by district below (and as the intake): appeals, questions.
            columns=lambda p: [
                Column(_district_label(p), lambda r: _district(r.district)),
                Column(_l("Код темы"), "theme_code"),
                Column(_l("Тема"), "theme_name"),
                Column(_l("Обращений"), "appeals"),
                Column(_l("Вопросов"), "questions"),
            ],
        ),
        TableLayout(
            _l("Итого по районам"),
            rows="totals",
            columns=lambda p: [
                Column(_district_label(p), lambda r: _district(r.district)),
                Column(_l("Обращений"), "appeals"),
                Column(_l("Вопросов"), "questions"),
            ],
        ),
    ],
)

# ---- R-A4 timeliness, R-A5 results ----------------------------------------------------------

#: The timeliness page counts the appeals DUE in the period; the «Просроченные» list every overdue one
#: today. Both are right, and the page says which it counts (162 here vs 166 in the list is no error).
OVERDUE_IN_PERIOD = _l(
    "«Просрочено (не закрыто)» — обращения со сроком ответа в выбранном периоде, не закрытые на сегодня. "
    "Список «Просроченные» показывает все просроченные на сегодня обращения, в том числе со сроком ответа "
    "вне периода, поэтому числа могут различаться."
)

TIMELINESS = Report(
    name="timeliness",
    title=_l("Соблюдение сроков"),
    basis=_l("по сроку ответа"),
    query=lambda p: reports.timeliness(appeal_filter(p)),
    tables=[
        TableLayout(
            _l("Соблюдение сроков по ответственным органам"),
            columns=[
                Column(_l("Ответственный орган"), "body"),
                Column(_l("Срок в периоде"), "total"),
                Column(_l("Отвечено в срок"), "on_time"),
                Column(_l("Отвечено с нарушением срока"), "late"),
                Column(_l("Просрочено (не закрыто)"), "overdue_open"),
                Column(_l("Продлено"), "extended"),
                Column(_l("Исполнено в срок, %"), "on_time_percent"),
                Column(_l("Средний срок ответа, дней"), "average_days"),
            ],
            totals=[Total(TOTAL, row=lambda d: d.total)],
            explanation=OVERDUE_IN_PERIOD,
        )
    ],
)

RESULTS = Report(
    name="results",
    title=_l("Результаты рассмотрения"),
    basis=BY_REGISTRATION,
    query=lambda p: reports.results(appeal_filter(p)),
    tables=[
        TableLayout(
            _l("Результаты рассмотрения вопросов"),
            columns=[
                Column(_l("Результат рассмотрения"), "name"),
                Column(_l("Вопросов"), "questions"),
                Column(_l("Доля, %"), "share"),
            ],
            totals=[Total(TOTAL, values=lambda d: {"questions": d.questions})],
        )
    ],
)

# ---- R-A6 repeats, R-A7 receptions, R-A8 ПОС ------------------------------------------------

REPEAT_COLUMNS = [Column(_l("Обращений"), "appeals"), Column(_l("из них повторных"), "repeat")]


def _repeat_counts(d: reports.RepeatReport) -> list[tuple[str, int]]:
    return [
        (gettext("Зарегистрировано обращений"), d.appeals),
        (gettext("Повторных"), d.repeat),
        (gettext("Дубликатов"), d.duplicate),
        (gettext("Коллективных"), d.collective),
        (gettext("Подписантов коллективных обращений"), d.signatories),
        (gettext("Анонимных"), d.anonymous),
    ]


REPEATS = Report(
    name="repeats",
    title=_l("Повторные и коллективные"),
    basis=BY_REGISTRATION,
    query=lambda p: reports.repeats(appeal_filter(p), personal=can_see_personal_data()),
    tables=[
        TableLayout(
            _l("Повторные и коллективные обращения"),
            rows=_repeat_counts,
            columns=[Column(_l("Показатель"), lambda r: r[0]), Column(_l("Количество"), lambda r: r[1])],
        ),
        TableLayout(
            _l("Адреса проблем, по которым обращались не раз"),
            rows="addresses",
            columns=[Column(_l("Адрес проблемы"), "name"), *REPEAT_COLUMNS],
        ),
        # Applicants are personal data: shown (and journalled as such) only with the right.
        TableLayout(
            _l("Заявители, обращавшиеся не раз"),
            rows="applicants",
            columns=[Column(_l("Заявитель"), "name"), *REPEAT_COLUMNS],
            when=lambda d: d.applicants is not None,
            personal=True,
        ),
    ],
)

RECEPTIONS = Report(
    name="receptions",
    title=_l("Личный приём"),
    basis=_l("по дате приёма"),
    # A reception is seen by its body: the receptions' own row scope, not the appeals'.
    query=lambda p: reports.receptions(appeal_filter(p, scope=p.scope_for(Reception))),
    tables=[
        TableLayout(
            _l("Личный приём граждан"),
            rows=lambda d: d[0],
            columns=[
                Column(_l("Должностное лицо"), "official"),
                Column(_l("Орган"), "body"),
                Column(_l("Дней приёма"), "receptions"),
                Column(_l("Принято граждан"), "visits"),
                Column(_l("Дан устный ответ"), "oral_answers"),
                Column(_l("Зарегистрировано обращений"), "appeals"),
            ],
            totals=[Total(TOTAL, row=lambda d: d[1])],
        )
    ],
)

POS = Report(
    name="pos",
    title=_l("ПОС: соблюдение сроков"),
    basis=BY_REGISTRATION,
    query=lambda p: reports.pos_sla(appeal_filter(p)),
    tables=[
        TableLayout(
            _l("Сообщения ПОС «Решаем вместе» по категориям"),
            columns=[
                Column(_l("Категория ПОС"), lambda r: r.category or gettext("Категория не указана")),
                Column(_l("Поступило"), "received"),
                Column(_l("Дан ответ"), "answered"),
                Column(_l("Ответ в срок"), "answered_in_time"),
                Column(_l("Ответ в срок, %"), "in_time_percent"),
                Column(_l("Просрочено (не закрыто)"), "overdue_open"),
                Column(_l("Медиана срока ответа, рабочих дней"), "median_working_days"),
            ],
            totals=[Total(TOTAL, row=lambda d: d.total)],
            explanation=_l(
                "«Просрочено (не закрыто)» — сообщения ПОС, зарегистрированные в выбранном периоде и не закрытые, "
                "срок ответа по которым истёк на сегодня. Список «Просроченные» считает все просроченные "
                "обращения на сегодня, любого канала и любой даты регистрации."
            ),
        )
    ],
)

# ---- ССТУ.РФ: one row per question (the page shows 500; the files every one) ---------------

SSTU = Report(
    name="sstu",
    title=_l("Для ССТУ.РФ"),
    basis=_l("по дате регистрации или рассмотрения"),
    # The page's limit goes to the query: a year's questions are never all read for a page.
    query=lambda p: reports.sstu(appeal_filter(p), limit=p.limit),
    tables=[
        TableLayout(
            _l("Вопросы для выгрузки в ССТУ.РФ"),
            rows=None,
            count=lambda p: reports.sstu_count(appeal_filter(p)),
            columns=[
                Column(_l("Рег. номер"), "reg_number"),
                Column(_l("Дата регистрации"), "reg_date"),
                Column(_l("Код вопроса"), "code"),
                Column(_l("Вопрос"), "name"),
                Column(_l("Тип"), lambda r: str(QUESTION_TYPE_LABELS.get(r.question_type, r.question_type))),
                Column(_l("Статус ССТУ"), "status"),
                Column(_l("Результат"), "result"),
                Column(_l("Меры приняты"), lambda r: gettext("Да") if r.measures_taken else gettext("Нет")),
                Column(_l("Ответственный орган"), "body"),
                Column(_l("Дата ответа"), "answer_date"),
            ],
        )
    ],
)

# ---- the executors' workload: numbers open the list they count -----------------------------


def _list_of(preset: str) -> Any:
    """The appeal list narrowed to this body, executor and preset (none for the unassigned)."""

    def url(row: reports.WorkloadRow) -> str | None:
        if row.body_id is None or row.executor_id is None:
            return None
        return list_url("AppealView", {"responsible_body": row.body_id, "executor": row.executor_id}, preset=preset)

    return url


WORKLOAD = Report(
    name="workload",
    title=_l("По исполнителям"),
    basis=_l("в работе — на сегодня, отвечено — по дате ответа"),
    query=lambda p: reports.workload(appeal_filter(p)),
    tables=[
        TableLayout(
            lambda d: gettext("Исполнение по органам и исполнителям на %(today)s", today=format_date(d.today)),
            columns=[
                Column(_l("Ответственный орган"), "body"),
                Column(_l("Исполнитель"), lambda r: r.executor or gettext("Не назначен")),
                Column(_l("В работе"), "open", link=_list_of("open")),
                Column(_l("Просрочено"), "overdue", link=_list_of("overdue")),
                Column(_l("Срок в ближайшие 7 дней"), "due_this_week", link=_list_of("week")),
                Column(_l("Отвечено за период"), "answered"),
                Column(_l("из них с нарушением срока"), "answered_late"),
            ],
            totals=[
                Total(
                    TOTAL,
                    values=lambda d: {
                        name: getattr(d.total, name)
                        for name in ("open", "overdue", "due_this_week", "answered", "answered_late")
                    },
                )
            ],
            explanation=_l(
                "«В работе», «Просрочено» и «Срок в ближайшие 7 дней» — на сегодня, как одноимённые списки "
                "(число открывает список); «Отвечено» — по дате ответа в выбранном периоде."
            ),
        )
    ],
)

#: The reports of the page, by name, in the order of their tabs.
REPORTS: dict[str, Report] = {
    report.name: report
    for report in (INTAKE, TOPICS, DISTRICTS, TIMELINESS, RESULTS, REPEATS, RECEPTIONS, POS, SSTU, WORKLOAD)
}


class AppealReportsView(ReportsView):
    """Reports R-A1…R-A8 of DOMAIN.md D.9 and the workload, within the user's row scope."""

    route_base = "/appeals/reports"
    class_permission_name = "Appeal"
    scope_model = Appeal
    title = _l("Статистика обращений")
    note = _l("аннулированные обращения не учитываются")
    reports = list(REPORTS.values())


def register(appbuilder: AppBuilder) -> None:
    """The statistics page in the «Обращения» menu (readers of appeals see it)."""
    from ..core import menus

    menus.add_view(
        appbuilder,
        AppealReportsView,
        "AppealReports",
        label=_l("Статистика обращений"),
        icon="fa-chart-bar",
        category=menus.APPEALS,
    )
