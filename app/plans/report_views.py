"""Reports of plans on the platform's report page (app/core/reports): R-P1 printout, R-P2 execution, R-P3 the note.

Each report is its query (app/plans/reports.py) and the layout of its tables; the page, the XLSX and the
DOCX come from the platform. The printout and the note print through the domain's own Word layouts.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import SelectField

from ..core.dates import format_date, local_today
from ..core.documents.registry import register_template
from ..core.inputs import is_digits
from ..core.reports import Column, Report, ReportParams, ReportsView, Table, TableLayout, Total
from ..core.reports.docx import FIELDS as REPORT_FIELDS
from ..core.reports.docx import SAMPLE as REPORT_SAMPLE
from ..core.reports.docx import docx_text
from ..extensions import db
from . import reports
from .models import Plan, PlanItem, PlanProposal
from .texts import ITEM_STATUS_LABELS, PLAN_STATUS_LABELS, roman

if TYPE_CHECKING:
    from flask_appbuilder import AppBuilder

TOTAL = _l("Итого")
PRINTOUT_TEMPLATE = "plans_plan"
NOTE_TEMPLATE = "plans_note"


def _plans() -> list[Plan]:
    return list(db.session.scalars(select(Plan).where(Plan.annulled_at.is_(None)).order_by(Plan.period.desc())))


def _plan_choices() -> list[tuple[str, str]]:
    return [(str(p.id), p.title) for p in _plans()]


def _all_or_plan_choices() -> list[tuple[str, str]]:
    return [("", gettext("Все планы (пункт считается один раз)")), *_plan_choices()]


def _current_plan_id() -> str:
    """The default plan of a report: the latest one whose period has begun (else the latest one)."""
    today = local_today()
    plans = _plans()
    started = [p for p in plans if p.start <= today]
    chosen = (started or plans or [None])[0]
    return str(chosen.id) if chosen is not None else ""


def _month_choices() -> list[tuple[str, str]]:
    from .texts import MONTH_NAMES

    return [("", gettext("весь период плана")), *((str(i), str(name)) for i, name in enumerate(MONTH_NAMES, start=1))]


def _chosen_plan(params: ReportParams) -> Plan | None:
    value = params.extra.get("plan")
    return db.session.get(Plan, int(value)) if value and is_digits(str(value)) else None


def _chosen_month(params: ReportParams) -> int | None:
    value = params.extra.get("month")
    return int(value) if value and is_digits(str(value)) else None


def _percent(value: Any) -> Any:
    return value if value is not None else "—"


COUNT_COLUMNS = [
    Column(_l("Запланировано"), "planned", sum=True),
    Column(_l("Исполнено"), "done", sum=True),
    Column(_l("Перенесено"), "moved", sum=True),
    Column(_l("Не исполнено"), "not_done", sum=True),
    Column(_l("Без отметки"), "unmarked", sum=True),
    Column(_l("Исполнение, %"), lambda r: _percent(r.percent), key="percent"),
    # Cancelled items are shown apart: never in the percentage (DOMAIN.md D.2).
    Column(_l("Отменено (не учитывается в %)"), "cancelled", sum=True),
]


def _total(report: reports.ExecutionReport) -> dict[str, Any]:
    """The closing line's figures: sums of the counts, and the percentage of the sums (never a sum of percentages)."""
    counts = report.total.counts
    return {
        "planned": counts.planned,
        "done": counts.done,
        "moved": counts.moved,
        "not_done": counts.not_done,
        "unmarked": counts.unmarked,
        "percent": _percent(counts.percent),
        "cancelled": counts.cancelled,
    }


# ---- R-P2 execution: body × section × month ------------------------------------------------------------


def _execution_filter(params: ReportParams) -> reports.ExecutionFilter:
    plan = _chosen_plan(params)
    return reports.ExecutionFilter(
        date_from=params.date_from,
        date_to=params.date_to,
        plan_ids=(plan.id,) if plan is not None else None,
        body_id=params.body_id,
        scope=params.scope,
    )


EXECUTION = Report(
    name="execution",
    title=_l("Исполнение планов"),
    basis=_l("по сроку пункта"),
    filters=("period", "body"),
    query=lambda p: reports.execution(_execution_filter(p)),
    extra={"plan": SelectField(_l("План"), choices=_all_or_plan_choices, default="")},
    tables=[
        TableLayout(
            _l("Исполнение по органам, разделам и месяцам"),
            rows="rows",
            columns=[
                Column(_l("Ответственный орган"), "body"),
                Column(_l("Раздел плана"), lambda r: f"{roman(r.section_order)}. {r.section}"),
                Column(_l("Месяц"), lambda r: f"{r.month:02d}.{r.year}"),
                *COUNT_COLUMNS,
            ],
            totals=[Total(TOTAL, values=_total)],
        ),
        TableLayout(
            _l("По разделам плана"),
            rows="by_section",
            columns=[Column(_l("Раздел плана"), lambda r: f"{roman(r.order)}. {r.name}"), *COUNT_COLUMNS],
            totals=[Total(TOTAL, values=_total)],
        ),
        TableLayout(
            _l("По ответственным органам"),
            rows="by_body",
            columns=[Column(_l("Ответственный орган"), "name"), *COUNT_COLUMNS],
            totals=[Total(TOTAL, values=_total)],
        ),
    ],
)

# ---- R-P3 the analytical note (execution note) -----------------------------------------------------------


def _note(params: ReportParams) -> reports.NoteData:
    return reports.note(
        _chosen_plan(params), _chosen_month(params), scope=params.scope, proposals_scope=params.scope_for(PlanProposal)
    )


def _note_context(params: ReportParams) -> Mapping[str, Any]:
    """The note's figures in words for its Word layout (the tables come with the report)."""
    data = _note(params)
    total = data.execution.total.counts
    return {
        "note": {
            "period": data.period,
            "start": format_date(data.start) if data.start else "",
            "end": format_date(data.end) if data.end else "",
            "due": format_date(data.due) if data.due else "",
            "planned": docx_text(total.planned),
            "done": docx_text(total.done),
            "moved": docx_text(total.moved),
            "cancelled": docx_text(total.cancelled),
            "not_done": docx_text(total.not_done),
            "unmarked": docx_text(total.unmarked),
            "percent": docx_text(total.percent) if total.percent is not None else "—",
        }
    }


NOTE = Report(
    name="note",
    title=_l("Аналитическая справка об исполнении плана"),
    basis=_l("по сроку пункта"),
    filters=(),
    query=_note,
    extra={
        "plan": SelectField(_l("План"), choices=_plan_choices, default=_current_plan_id),
        "month": SelectField(_l("Месяц"), choices=_month_choices, default=""),
    },
    docx_template=NOTE_TEMPLATE,
    document=_note_context,
    tables=[
        TableLayout(
            lambda d: (
                gettext("Исполнение: %(period)s (справка — до %(due)s)", period=d.period, due=format_date(d.due))
                if d.due
                else gettext("Выберите план")
            ),
            key="sections",
            rows=lambda d: d.execution.by_section,
            columns=[Column(_l("Раздел плана"), lambda r: f"{roman(r.order)}. {r.name}"), *COUNT_COLUMNS],
            totals=[Total(TOTAL, values=lambda d: _total(d.execution))],
        ),
        TableLayout(
            _l("Исполнение по ответственным органам"),
            key="bodies",
            rows=lambda d: d.execution.by_body,
            columns=[Column(_l("Ответственный орган"), "name"), *COUNT_COLUMNS],
            totals=[Total(TOTAL, values=lambda d: _total(d.execution))],
        ),
        TableLayout(
            _l("Неисполненные пункты и причины"),
            key="unexecuted",
            rows="unexecuted",
            columns=[
                Column(_l("Раздел плана"), "section"),
                Column(_l("№"), "seq"),
                Column(_l("Вопрос (мероприятие)"), "title"),
                Column(_l("Ответственный орган"), "body"),
                Column(_l("Срок"), "due"),
                Column(_l("Отметка"), lambda r: str(ITEM_STATUS_LABELS.get(r.status, r.status))),
                Column(_l("Причина"), "reason"),
                Column(_l("Перенесён в"), "moved_to"),
            ],
        ),
        TableLayout(
            _l("Предложения, поступившие позже срока"),
            key="late",
            rows="late",
            columns=[
                Column(_l("Предложение"), "title"),
                Column(_l("Вносит орган"), "body"),
                Column(_l("Направлено"), "submitted_on"),
                Column(_l("Срок предложений"), "due"),
            ],
        ),
    ],
)

# ---- R-P1 the plan printout: a numbered table per section ------------------------------------------------

PRINT_COLUMNS = [
    Column(_l("№ п/п"), "number"),
    Column(_l("Вопрос (мероприятие)"), "title"),
    Column(_l("Срок"), "term"),
    Column(_l("Ответственный"), "responsible"),
    Column(_l("Соисполнители"), "co_executors"),
    Column(_l("Форма"), "form"),
]


@dataclasses.dataclass(frozen=True)
class SectionedReport(Report):
    """A report with one table per section of the plan (the sections are reference data, not code)."""

    def build(self, params: ReportParams, *, personal: bool = False, preview_rows: int | None = None) -> list[Table]:
        sections = self.query(params)
        return [
            TableLayout(f"{roman(section.order)}. {section.name}", columns=PRINT_COLUMNS, rows=None).build(
                section.rows, params
            )
            for section in sections
        ]


def _printout_context(params: ReportParams) -> Mapping[str, Any]:
    plan = _chosen_plan(params)
    if plan is None:
        return {"plan": {"title": "", "approval": "", "status": ""}}
    if plan.approved_on is not None:
        approval = gettext(
            "актом администрации города от %(date)s № %(number)s",
            date=format_date(plan.approved_on),
            number=plan.approved_act_no,
        )
    else:
        approval = gettext("проект (план не утверждён)")
    return {"plan": {"title": plan.title, "approval": approval, "status": str(PLAN_STATUS_LABELS[plan.status])}}


PRINTOUT = SectionedReport(
    name="printout",
    title=_l("План (для печати)"),
    filters=(),
    query=lambda p: reports.printout(_chosen_plan(p), scope=p.scope),
    extra={"plan": SelectField(_l("План"), choices=_plan_choices, default=_current_plan_id)},
    docx_template=PRINTOUT_TEMPLATE,
    document=_printout_context,
    tables=[],
)

#: The reports of the page, by name, in the order of their tabs.
REPORTS: dict[str, Report] = {report.name: report for report in (EXECUTION, NOTE, PRINTOUT)}


class PlanReportsView(ReportsView):
    """R-P1…R-P3 of DOMAIN.md D.9, in the user's row scope (a deputy head: his bodies; body staff: their body)."""

    route_base = "/plans/reports"
    class_permission_name = "PlanItem"
    scope_model = PlanItem
    title = _l("Исполнение планов")
    note = _l(
        "аннулированные пункты не учитываются; % исполнения = исполнено ÷ (исполнено + не исполнено + перенесено)"
    )
    reports = list(REPORTS.values())


# ---- the Word layouts ------------------------------------------------------------------------------------

_PLAN_SAMPLE = {
    "title": "План работы администрации города Новокузнецка на I квартал 2026 года",
    "approval": "актом администрации города от 15.12.2025 № 1234",
    "status": "Утверждён",
}
_NOTE_SAMPLE = {
    "period": "План работы администрации города Новокузнецка на I квартал 2026 года",
    "start": "01.01.2026",
    "end": "31.03.2026",
    "due": "10.04.2026",
    "planned": "40",
    "done": "30",
    "moved": "4",
    "cancelled": "2",
    "not_done": "2",
    "unmarked": "2",
    "percent": "83,3",
}


def _register_templates() -> None:
    register_template(
        PRINTOUT_TEMPLATE,
        _l("План работы (для печати)"),
        "plans",
        "documents/plans/plan.docx",
        context_builder=None,
        model=None,
        sample={**REPORT_SAMPLE, "plan": _PLAN_SAMPLE},
        fields={**REPORT_FIELDS, "plan": _l("план: title (название), approval (кем и когда утверждён), status")},
    )
    register_template(
        NOTE_TEMPLATE,
        _l("Аналитическая справка об исполнении плана"),
        "plans",
        "documents/plans/note.docx",
        context_builder=None,
        model=None,
        sample={**REPORT_SAMPLE, "note": _NOTE_SAMPLE},
        fields={
            **REPORT_FIELDS,
            "note": _l(
                "справка: period, start, end, due (срок представления), planned, done, moved, cancelled, "
                "not_done, unmarked, percent"
            ),
        },
    )


_register_templates()


def register(appbuilder: AppBuilder) -> None:
    """The reports page in the «Планы» menu (readers of plan items see it)."""
    from ..core import menus

    menus.add_view(
        appbuilder,
        PlanReportsView,
        "PlanReports",
        label=_l("Исполнение планов"),
        icon="fa-chart-bar",
        category=menus.PLANS,
    )
