"""Reports as a platform part: a declared query and table layout → page, XLSX and DOCX.

A domain declares its reports in `app/<domain>/reports.py` (or beside its queries) and a page:

    from app.core.reports import Column, Report, ReportsView, TableLayout, Total

    BY_STATUS = Report(
        name="status",
        title=_l("Поручения по статусам"),
        query=instructions_by_status,                 # ReportParams -> rows (plain data)
        tables=[TableLayout(_l("По статусам"), rows=None, columns=[
            Column(_l("Статус"), "status"), Column(_l("Поручений"), "instructions", sum=True),
        ], totals=[Total(_l("Итого"))])],
    )

    class ControlReportsView(ReportsView):
        route_base = "/control/reports"
        class_permission_name = "Instruction"
        scope_model = Instruction
        title = _l("Отчёты по поручениям")
        reports = [BY_STATUS]

and registers the page: `appbuilder.add_view(ControlReportsView, "ControlReports", label=..., category=...)`.
The page gives the filter form (period, body, district, the report's extra fields), every table
with its declared total lines (≤ PREVIEW_ROWS rows shown, with a note), links from numbers to the
filtered list behind them, an XLSX of every row (typed numbers and dates) and a DOCX (the generic
layout or the domain's template) — counted in the user's row scope; each file journalled.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .declarations import Column, Report, ReportParams, Subtotals, TableLayout, Total, list_url
from .docx import REPORT_TEMPLATE, register_report_template, report_context
from .tables import PREVIEW_ROWS, Cell, Link, Table, cell_text, preview
from .views import ReportsView
from .xlsx import write_report_xlsx

if TYPE_CHECKING:
    from flask_appbuilder import AppBuilder

__all__ = [
    "PREVIEW_ROWS",
    "REPORT_TEMPLATE",
    "Cell",
    "Column",
    "Link",
    "Report",
    "ReportParams",
    "ReportsView",
    "Subtotals",
    "Table",
    "TableLayout",
    "Total",
    "cell_text",
    "list_url",
    "preview",
    "register",
    "register_report_template",
    "report_context",
    "write_report_xlsx",
]


def register(appbuilder: AppBuilder) -> None:
    """Nothing to add to the menu: importing this package registers the generic DOCX layout
    (app/core/documents), which `flask app init` then seeds. Each domain adds its own page."""
