"""Reports of control in the UI: declared on the platform's report page (page, XLSX, DOCX) — R-C1…R-C4."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from wtforms import SelectField

from ..core.reports import Column, Report, ReportParams, ReportsView, TableLayout, Total, register_report_template
from ..security import can_see_personal_data
from . import reports
from .models import Direction, Document, Instruction
from .views import DIRECTION_LABELS, STATUS_BY_VALUE

if TYPE_CHECKING:
    from flask_appbuilder import AppBuilder

TOTAL = _l("Итого")
OVERDUE_TEMPLATE = "control_overdue"
register_report_template(
    OVERDUE_TEMPLATE,
    _l("Перечень просроченных поручений к планёрке"),
    "control",
    "documents/control/overdue.docx",
)


def control_filter(params: ReportParams) -> reports.ControlFilter:
    """The control queries' filter from the page's parameters (the statistics scope of instructions)."""
    return reports.ControlFilter(
        date_from=params.date_from,
        date_to=params.date_to,
        body_id=params.body_id,
        scope=params.scope_for(Instruction),
    )


def _card(row: Any) -> str:
    return url_for("InstructionView.show", pk=row.instruction_id)


def _deputy(name: str) -> str:
    return name or gettext("Без курирующего заместителя")


# ---- R-C1 executive discipline --------------------------------------------------------------------

DISCIPLINE_COLUMNS = [
    Column(_l("Орган"), lambda r: r.body if r.body is not None else str(TOTAL)),
    Column(_l("Поставлено на контроль"), "put"),
    Column(_l("Снято с контроля"), "removed"),
    Column(_l("из них в срок"), "removed_on_time"),
    Column(_l("с нарушением срока"), "removed_late"),
    Column(_l("Просрочено (не снято)"), "open_overdue"),
    Column(_l("Продлено"), "extended"),
    Column(_l("Исполнение, % (снято ÷ поставлено)"), "execution_percent"),
    Column(_l("Срок в периоде"), "due"),
    Column(_l("Исполнено в срок"), "due_on_time"),
    Column(_l("В срок, % (по текущему сроку)"), "on_time_percent"),
    Column(_l("В срок, % (по первоначальному сроку)"), "on_time_original_percent"),
]

DISCIPLINE = Report(
    name="discipline",
    title=_l("Исполнительская дисциплина"),
    basis=_l(
        "поставлено — по дате постановки на контроль, снято — по дате снятия, в срок — по сроку исполнения в периоде"
    ),
    query=lambda p: reports.executive_discipline(control_filter(p)),
    filters=("period", "body"),
    tables=[
        TableLayout(
            _l("Исполнительская дисциплина по органам"),
            columns=DISCIPLINE_COLUMNS,
            totals=[Total(TOTAL, row=lambda d: d.total)],
        )
    ],
)

# ---- R-C2 the overdue list for the planning meeting -----------------------------------------------

OVERDUE = Report(
    name="overdue",
    title=_l("Просроченные поручения (к планёрке)"),
    basis=_l("открытые поручения с истёкшим сроком на сегодня"),
    query=lambda p: reports.overdue(control_filter(p), limit=p.limit),
    filters=("body",),
    docx_template=OVERDUE_TEMPLATE,
    tables=[
        TableLayout(
            _l("Просроченные поручения по курирующим заместителям и органам"),
            rows=None,
            key="main",
            columns=[
                Column(_l("Курирующий заместитель"), lambda r: _deputy(r.deputy)),
                Column(_l("Орган"), "body"),
                Column(_l("Рег. номер"), "reg_number", link=_card),
                Column(_l("Поручение"), "text"),
                Column(_l("Автор"), "author"),
                Column(_l("Исполнитель"), lambda r: r.executor or ""),
                Column(_l("Контролёр"), lambda r: r.controller or ""),
                Column(_l("Срок"), "deadline"),
                Column(_l("Первоначальный срок"), "deadline_original"),
                Column(_l("Дней просрочки"), "days_overdue"),
            ],
            totals=[Total(_l("Всего просрочено"), values=lambda rows: {"body": len(rows)})],
        )
    ],
)

# ---- R-C3 the Head's instructions -----------------------------------------------------------------

HEAD = Report(
    name="head",
    title=_l("Поручения Главы города"),
    basis=_l("по дате постановки на контроль"),
    query=lambda p: reports.head_instructions(control_filter(p), limit=p.limit),
    filters=("period", "body"),
    tables=[
        TableLayout(
            _l("Поручения Главы города по курирующим заместителям и органам"),
            rows=None,
            columns=[
                Column(_l("Курирующий заместитель"), lambda r: _deputy(r.deputy)),
                Column(_l("Орган"), "body"),
                Column(_l("Рег. номер"), "reg_number", link=_card),
                Column(_l("Поставлено на контроль"), "reg_date"),
                Column(_l("Поручение"), "text"),
                Column(_l("Срок"), "deadline"),
                Column(_l("Статус"), lambda r: str(STATUS_BY_VALUE.get(r.status, r.status))),
                Column(_l("Просрочено"), lambda r: gettext("Да") if r.overdue else ""),
                Column(_l("Снято с контроля"), "removed_on"),
                Column(_l("Результат"), lambda r: r.result or ""),
            ],
            totals=[Total(_l("Всего поручений"), values=lambda rows: {"body": len(rows)})],
        )
    ],
)

# ---- R-C4 correspondence journals -----------------------------------------------------------------


def journal_filter(params: ReportParams) -> reports.JournalFilter:
    assert params.date_from is not None and params.date_to is not None
    return reports.JournalFilter(
        date_from=params.date_from,
        date_to=params.date_to,
        direction=params.extra.get("direction") or Direction.INCOMING.value,
        body_id=params.body_id,
        scope=params.scope_for(Document),
    )


JOURNAL = Report(
    name="journal",
    title=_l("Журнал регистрации документов"),
    basis=_l("по дате регистрации"),
    query=lambda p: reports.correspondence_journal(journal_filter(p), limit=p.limit, personal=can_see_personal_data()),
    filters=("period", "body"),
    extra={
        "direction": SelectField(_l("Журнал"), choices=list(DIRECTION_LABELS.items()), default=Direction.INCOMING.value)
    },
    tables=[
        TableLayout(
            lambda rows: gettext("Документы в порядке регистрации"),
            rows=None,
            count=lambda p: reports.journal_count(journal_filter(p)),
            columns=[
                Column(_l("Рег. номер"), "reg_number", link=lambda r: url_for("DocumentView.show", pk=r.document_id)),
                Column(_l("Дата регистрации"), "reg_date"),
                Column(_l("Вид документа"), "kind"),
                Column(_l("Корреспондент"), lambda r: r.correspondent or ""),
                Column(_l("Исх. номер корреспондента"), lambda r: r.corr_number or ""),
                Column(_l("Дата документа корреспондента"), "corr_date"),
                Column(_l("Краткое содержание"), "summary"),
                Column(_l("Адресат"), lambda r: r.addressee or ""),
                Column(_l("Дело"), lambda r: r.case_file or ""),
            ],
            totals=[Total(_l("Всего документов"), values=lambda rows: {"kind": len(rows)})],
        )
    ],
)

#: The reports of the page, by name, in the order of their tabs.
REPORTS: dict[str, Report] = {report.name: report for report in (DISCIPLINE, OVERDUE, HEAD, JOURNAL)}


class ControlReportsView(ReportsView):
    """Reports R-C1…R-C4 of DOMAIN.md D.9, within the user's statistics scope."""

    route_base = "/control/reports"
    class_permission_name = "Instruction"
    scope_model = Instruction
    title = _l("Отчёты по контролю исполнения")
    note = _l("аннулированные записи не учитываются")
    reports = list(REPORTS.values())


def register(appbuilder: AppBuilder) -> None:
    """The reports page in the «Контроль» menu (readers of instructions see it)."""
    from ..core import menus

    menus.add_view(
        appbuilder,
        ControlReportsView,
        "ControlReports",
        label=_l("Отчёты по контролю"),
        icon="fa-chart-bar",
        category=menus.CONTROL,
    )
