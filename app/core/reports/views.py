"""The report page of a domain: report tabs, the filter form, the tables; XLSX and DOCX of every row.

A domain's page is configuration:

    class AppealReportsView(ReportsView):
        route_base = "/appeals/reports"
        class_permission_name = "Appeal"      # readers of the register read its reports
        scope_model = Appeal                  # the row scope the reports count in
        title = _l("Статистика обращений")
        note = _l("аннулированные обращения не учитываются")
        reports = [INTAKE, TOPICS, ...]
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any, ClassVar

from flask import abort, request, send_file
from flask_appbuilder import BaseView
from flask_appbuilder.baseviews import expose
from flask_appbuilder.security.decorators import has_access

from ...extensions import db
from ...security import READ, can_see_personal_data, request_user
from ..dates import local_today
from ..export import XLSX_MIMETYPE, attachment
from ..models import ExportLog
from . import tables as page_tables
from .declarations import Report
from .docx import render_report_docx, report_context
from .forms import ReportForm, form_class
from .tables import Table, cell_text, preview
from .xlsx import write_report_xlsx

DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class ReportsView(BaseView):
    """One page of declared reports within the user's row scope (annulled records are the queries' to leave out)."""

    route_base = "/reports"
    default_view = "index"
    template = "reports/page.html"
    method_permission_name = {"index": READ, "report": READ, "xlsx": READ, "docx": READ}
    #: The reports, in the order of their tabs.
    reports: ClassVar[Sequence[Report]] = ()
    #: The model whose row scope `params.scope` is (a report may ask `params.scope_for` of others).
    scope_model: ClassVar[type | None] = None
    #: The page's heading, and a line said of every report («аннулированные … не учитываются»).
    title: ClassVar[Any] = ""
    note: ClassVar[Any] = None
    #: Data rows a page shows of one table (None: PREVIEW_ROWS, read when the page is asked).
    preview_rows: ClassVar[int | None] = None

    def __init__(self) -> None:
        super().__init__()
        if self.scope_model is None:
            raise TypeError(f"{type(self).__name__}: declare scope_model (the row scope its reports count in)")
        self.by_name = {report.name: report for report in self.reports}

    @property
    def limit(self) -> int:
        return self.preview_rows if self.preview_rows is not None else page_tables.PREVIEW_ROWS

    @expose("/")
    @has_access
    def index(self) -> Any:
        return self.report(self.reports[0].name)

    @expose("/<name>")
    @has_access
    def report(self, name: str) -> Any:
        report, form, tables = self._build(name, preview_rows=self.limit)
        return self.render_template(
            self.template,
            view=self,
            heading=self.title,
            title=report.title,
            report=report,
            reports=self.reports,
            form=form,
            tables=[preview(table, self.limit) for table in tables],
            cell_text=cell_text,
            query_string=request.query_string.decode(),
        )

    @expose("/<name>/xlsx")
    @has_access
    def xlsx(self, name: str) -> Any:
        report, form, tables = self._build(name)
        content = write_report_xlsx(self._title_line(report, form), tables)
        self._journal(report, form, tables, "xlsx")
        response = send_file(io.BytesIO(content), mimetype=XLSX_MIMETYPE, as_attachment=True, download_name="x.xlsx")
        return attachment(response, f"{report.title} {local_today():%d.%m.%Y}.xlsx")

    @expose("/<name>/docx")
    @has_access
    def docx(self, name: str) -> Any:
        report, form, tables = self._build(name)
        context = report_context(
            str(report.title), form.description(), str(report.basis or ""), str(self.note or ""), tables
        )
        if report.document is not None:
            # A domain's own layout may print more than the tables (a plan's title, its approving act).
            context.update(report.document(form.params(self.scope_model)))
        content = render_report_docx(report.docx_template, context, request_user())
        self._journal(report, form, tables, "docx")
        response = send_file(io.BytesIO(content), mimetype=DOCX_MIMETYPE, as_attachment=True, download_name="x.docx")
        return attachment(response, f"{report.title} {local_today():%d.%m.%Y}.docx")

    def _build(self, name: str, preview_rows: int | None = None) -> tuple[Report, ReportForm, list[Table]]:
        report = self.by_name.get(name)
        if report is None:
            abort(404)
        form = form_class(report)(request.args)
        form.fill()
        if not form.check():
            return report, form, []
        # The page asks for one row more than it shows: a full answer means the table goes on.
        params = form.params(self.scope_model, limit=preview_rows + 1 if preview_rows is not None else None)
        return report, form, report.build(params, personal=can_see_personal_data(), preview_rows=preview_rows)

    @staticmethod
    def _title_line(report: Report, form: ReportForm) -> str:
        line = f"{report.title} {form.description()}".strip()
        return f"{line} ({report.basis})" if report.basis else line

    def _journal(self, report: Report, form: ReportForm, tables: list[Table], file_format: str) -> None:
        """Every download is journalled like a list export; a table naming people marks it personal."""
        db.session.add(
            ExportLog(
                user_id=request_user().id,
                view_name=type(self).__name__,
                list_title=str(report.title)[:255],
                filter_description=form.description(),
                query_string="&".join(f"{k}={v}" for k, v in request.args.items(multi=True)),
                file_format=file_format,
                row_count=sum(table.data_rows for table in tables),
                personal_data=any(table.personal for table in tables),
            )
        )
        db.session.commit()
