"""Statistics of appeals in the UI: one page per report, an HTML table and the same table in XLSX."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import xlsxwriter
from flask import abort, request, send_file, url_for
from flask_appbuilder import BaseView
from flask_appbuilder.baseviews import expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import Form, SelectField
from wtforms.validators import Optional

from ..core.dates import format_date, local_today
from ..core.export import XLSX_MIMETYPE, attachment
from ..core.forms import RuDateField
from ..core.models import ExportLog
from ..extensions import db
from ..org.models import Body, District
from ..security import READ, can_see_personal_data, request_user, statistics_clause
from . import reports
from .models import Appeal
from .receptions import Reception
from .views import QUESTION_TYPE_LABELS

if TYPE_CHECKING:
    from flask_appbuilder import AppBuilder


@dataclass(frozen=True)
class Link:
    """A count that opens the list of the appeals it counts (plain number in XLSX)."""

    value: int
    url: str


Cell = str | int | Decimal | Link | None


@dataclass
class Table:
    """What a report page and its XLSX show: a title, column headers and rows of cells."""

    title: str
    headers: list[str]
    rows: list[list[Cell]]


def _month(year: int, month: int) -> str:
    return f"{month:02d}.{year}"


def _district(name: str | None) -> str:
    return name or gettext("Район не указан")


def intake_tables(flt: reports.ReportFilter, form: ReportForm) -> list[Table]:
    report = reports.intake(flt)
    headers = [gettext("Канал поступления"), gettext("Орган-получатель"), gettext("Месяц")]
    headers += [gettext("Обращений"), gettext("Вопросов")]
    rows: list[list[Cell]] = [[r.channel, r.body, _month(r.year, r.month), r.appeals, r.questions] for r in report.rows]
    rows.append([gettext("Итого"), None, None, report.appeals, report.questions])
    return [Table(gettext("Поступление обращений по каналам, органам и месяцам"), headers, rows)]


def _topic_rows(rows: list[reports.TopicRow]) -> list[list[Cell]]:
    return [[r.code, r.name, r.questions, r.question_share, r.appeals, r.appeal_share] for r in rows]


def _months(flt: reports.ReportFilter) -> list[tuple[int, int]]:
    """Every month of the period, in order (a month without questions still gets its column)."""
    months, year, month = [], flt.date_from.year, flt.date_from.month
    while (year, month) <= (flt.date_to.year, flt.date_to.month):
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _sections_by_month_table(flt: reports.ReportFilter, rows: list[reports.TopicMonthRow]) -> Table:
    """Разделы down, months across (a pivot of the grouped counts; the period is at most a few years)."""
    months = _months(flt)
    counts: dict[tuple[str, str], dict[tuple[int, int], int]] = {}
    for r in rows:
        counts.setdefault((r.code, r.name), {})[(r.year, r.month)] = r.questions
    body: list[list[Cell]] = [
        [code, name, *(per_month.get(m, 0) for m in months), sum(per_month.values())]
        for (code, name), per_month in counts.items()
    ]
    headers = [gettext("Код"), gettext("Раздел"), *(_month(y, m) for y, m in months), gettext("Всего")]
    return Table(gettext("Вопросы по разделам классификатора и месяцам"), headers, body)


def topics_tables(flt: reports.ReportFilter, form: ReportForm) -> list[Table]:
    report = reports.topics(flt)
    headers = [gettext("Код"), gettext("Наименование"), gettext("Вопросов"), gettext("Доля вопросов, %")]
    headers += [gettext("Обращений"), gettext("Доля обращений, %")]
    total: list[Cell] = [gettext("Итого"), None, report.questions, None, report.appeals, None]
    housing: list[Cell] = [gettext("Доля раздела «Жилищно-коммунальная сфера» (Жилище)"), None, None]
    housing += [report.housing_question_share, None, report.housing_appeal_share]
    return [
        Table(gettext("Тематика: разделы классификатора"), headers, [*_topic_rows(report.sections), total, housing]),
        Table(gettext("Тематика: темы классификатора"), headers, _topic_rows(report.themes)),
        _sections_by_month_table(flt, report.sections_by_month),
        Table(
            gettext("%(n)s самых частых вопросов", n=reports.TOP_QUESTIONS), headers, _topic_rows(report.top_questions)
        ),
    ]


def districts_tables(flt: reports.ReportFilter, form: ReportForm) -> list[Table]:
    report = reports.districts(flt, by_applicant=form.by.data == "applicant")
    district = gettext("Район заявителя") if report.by_applicant else gettext("Район проблемы")
    headers = [district, gettext("Код темы"), gettext("Тема"), gettext("Вопросов"), gettext("Обращений")]
    rows: list[list[Cell]] = [
        [_district(r.district), r.theme_code, r.theme_name, r.questions, r.appeals] for r in report.rows
    ]
    totals: list[list[Cell]] = [[_district(r.district), r.appeals, r.questions] for r in report.totals]
    return [
        Table(gettext("Обращения по районам и темам"), headers, rows),
        Table(gettext("Итого по районам"), [district, gettext("Обращений"), gettext("Вопросов")], totals),
    ]


def timeliness_tables(flt: reports.ReportFilter, form: ReportForm) -> list[Table]:
    report = reports.timeliness(flt)
    headers = [gettext("Ответственный орган"), gettext("Срок в периоде"), gettext("Отвечено в срок")]
    headers += [gettext("Отвечено с нарушением срока"), gettext("Просрочено (не закрыто)"), gettext("Продлено")]
    headers += [gettext("Исполнено в срок, %"), gettext("Средний срок ответа, дней")]
    rows: list[list[Cell]] = [
        [
            r.body or gettext("Итого"),
            *(r.total, r.on_time, r.late, r.overdue_open, r.extended, r.on_time_percent, r.average_days),
        ]
        for r in [*report.rows, report.total]
    ]
    return [Table(gettext("Соблюдение сроков по ответственным органам"), headers, rows)]


def results_tables(flt: reports.ReportFilter, form: ReportForm) -> list[Table]:
    report = reports.results(flt)
    headers = [gettext("Результат рассмотрения"), gettext("Вопросов"), gettext("Доля, %")]
    rows: list[list[Cell]] = [[r.name, r.questions, r.share] for r in report.rows]
    rows.append([gettext("Итого"), report.questions, None])
    return [Table(gettext("Результаты рассмотрения вопросов"), headers, rows)]


def _list_link(value: int, row: reports.WorkloadRow, preset: str) -> Cell:
    """The appeal list narrowed to this body, executor and preset (no link for a zero or the unassigned)."""
    if not value or row.body_id is None or row.executor_id is None:
        return value
    # Filter 0 of a relation column is «equal to» (FAB's converter order).
    query = {"_flt_0_responsible_body": row.body_id, "_flt_0_executor": row.executor_id, "preset": preset}
    return Link(value, url_for("AppealView.list", **query))


def workload_tables(flt: reports.ReportFilter, form: ReportForm) -> list[Table]:
    report = reports.workload(flt)
    headers = [gettext("Ответственный орган"), gettext("Исполнитель"), gettext("В работе")]
    headers += [gettext("Просрочено"), gettext("Срок в ближайшие 7 дней"), gettext("Отвечено за период")]
    headers += [gettext("из них с нарушением срока")]
    rows: list[list[Cell]] = [
        [
            r.body,
            r.executor or gettext("Не назначен"),
            _list_link(r.open, r, "open"),
            _list_link(r.overdue, r, "overdue"),
            _list_link(r.due_this_week, r, "week"),
            r.answered,
            r.answered_late,
        ]
        for r in report.rows
    ]
    t = report.total
    rows.append([gettext("Итого"), None, t.open, t.overdue, t.due_this_week, t.answered, t.answered_late])
    title = gettext("Исполнение по органам и исполнителям на %(today)s", today=format_date(report.today))
    return [Table(title, headers, rows)]


def repeats_tables(flt: reports.ReportFilter, form: ReportForm) -> list[Table]:
    report = reports.repeats(flt, personal=can_see_personal_data())
    counts = [
        [gettext("Зарегистрировано обращений"), report.appeals],
        [gettext("Повторных"), report.repeat],
        [gettext("Дубликатов"), report.duplicate],
        [gettext("Коллективных"), report.collective],
        [gettext("Подписантов коллективных обращений"), report.signatories],
        [gettext("Анонимных"), report.anonymous],
    ]
    headers = [gettext("Обращений"), gettext("из них повторных")]
    tables = [
        Table(gettext("Повторные и коллективные обращения"), [gettext("Показатель"), gettext("Количество")], counts),
        Table(
            gettext("Адреса проблем, по которым обращались не раз"),
            [gettext("Адрес проблемы"), *headers],
            [[r.name, r.appeals, r.repeat] for r in report.addresses],
        ),
    ]
    if report.applicants is not None:  # personal data: only with the right
        tables.append(
            Table(
                gettext("Заявители, обращавшиеся не раз"),
                [gettext("Заявитель"), *headers],
                [[r.name, r.appeals, r.repeat] for r in report.applicants],
            )
        )
    return tables


def receptions_tables(flt: reports.ReportFilter, form: ReportForm) -> list[Table]:
    rows, total = reports.receptions(dataclasses.replace(flt, scope=statistics_clause(Reception)))
    headers = [gettext("Должностное лицо"), gettext("Орган"), gettext("Дней приёма"), gettext("Принято граждан")]
    headers += [gettext("Дан устный ответ"), gettext("Зарегистрировано обращений")]
    body: list[list[Cell]] = [[r.official, r.body, r.receptions, r.visits, r.oral_answers, r.appeals] for r in rows]
    body.append([gettext("Итого"), None, total.receptions, total.visits, total.oral_answers, total.appeals])
    return [Table(gettext("Личный приём граждан"), headers, body)]


def pos_tables(flt: reports.ReportFilter, form: ReportForm) -> list[Table]:
    report = reports.pos_sla(flt)
    headers = [gettext("Категория ПОС"), gettext("Поступило"), gettext("Дан ответ"), gettext("Ответ в срок")]
    headers += [gettext("Ответ в срок, %"), gettext("Просрочено (не закрыто)")]
    headers += [gettext("Медиана срока ответа, рабочих дней")]
    rows: list[list[Cell]] = [
        [
            gettext("Итого") if r is report.total else r.category or gettext("Категория не указана"),
            *(r.received, r.answered, r.answered_in_time, r.in_time_percent, r.overdue_open, r.median_working_days),
        ]
        for r in [*report.rows, report.total]
    ]
    return [Table(gettext("Сообщения ПОС «Решаем вместе» по категориям"), headers, rows)]


#: An HTML page shows at most this many rows of a per-question list; the XLSX holds them all.
PREVIEW_ROWS = 500


def preview(table: Table, limit: int) -> Table:
    """A page shows at most `limit` rows of a table (a year of channel × body × month runs to thousands);
    its closing «Итого» line stays. The XLSX always holds every row."""
    if len(table.rows) <= limit:
        return table
    total = table.rows[-1] if table.rows[-1] and table.rows[-1][0] == gettext("Итого") else None
    rows = table.rows[: limit - 1] if total else table.rows[:limit]
    shown, whole = len(rows), len(table.rows)
    note = gettext("(показаны первые %(shown)s из %(total)s — полностью в Excel)", shown=shown, total=whole)
    return Table(f"{table.title} {note}", table.headers, [*rows, total] if total else rows)


def sstu_tables(flt: reports.ReportFilter, form: ReportForm) -> list[Table]:
    rows = reports.sstu(flt, limit=form.preview_rows)
    headers = [gettext("Рег. номер"), gettext("Дата регистрации"), gettext("Код вопроса"), gettext("Вопрос")]
    headers += [gettext("Тип"), gettext("Статус ССТУ"), gettext("Результат"), gettext("Меры приняты")]
    headers += [gettext("Ответственный орган"), gettext("Дата ответа")]
    yes, no = gettext("Да"), gettext("Нет")
    body: list[list[Cell]] = [
        [
            r.reg_number,
            format_date(r.reg_date),
            r.code,
            r.name,
            str(QUESTION_TYPE_LABELS.get(r.question_type, r.question_type)),
            r.status,
            r.result,
            yes if r.measures_taken else no,
            r.body,
            format_date(r.answer_date) if r.answer_date else None,
        ]
        for r in rows
    ]
    title = gettext("Вопросы для выгрузки в ССТУ.РФ")
    if form.preview_rows is not None and len(rows) == form.preview_rows:
        total = reports.sstu_count(flt)
        if total > len(rows):
            title += " " + gettext(
                "(показаны первые %(shown)s из %(total)s — полностью в Excel)", shown=len(rows), total=total
            )
    return [Table(title, headers, body)]


#: report key → (menu title, how the period is read, the tables).
REPORTS: dict[str, tuple[Any, Any, Callable[[reports.ReportFilter, Any], list[Table]]]] = {
    "intake": (_l("Поступление обращений"), _l("по дате регистрации"), intake_tables),
    "topics": (_l("Тематика обращений"), _l("по дате регистрации"), topics_tables),
    "districts": (_l("Обращения по районам"), _l("по дате регистрации"), districts_tables),
    "timeliness": (_l("Соблюдение сроков"), _l("по сроку ответа"), timeliness_tables),
    "results": (_l("Результаты рассмотрения"), _l("по дате регистрации"), results_tables),
    "repeats": (_l("Повторные и коллективные"), _l("по дате регистрации"), repeats_tables),
    "receptions": (_l("Личный приём"), _l("по дате приёма"), receptions_tables),
    "pos": (_l("ПОС: соблюдение сроков"), _l("по дате регистрации"), pos_tables),
    "sstu": (_l("Для ССТУ.РФ"), _l("по дате регистрации или рассмотрения"), sstu_tables),
    "workload": (_l("По исполнителям"), _l("в работе — на сегодня, отвечено — по дате ответа"), workload_tables),
}


def _int_or_none(value: Any) -> int | None:
    return int(value) if value not in (None, "", "None") else None


class ReportForm(Form):
    """The period and filters, read from the query string (a report is a read: no CSRF token)."""

    #: A page shows a long per-question list cut to this many rows (None: all, as in the XLSX).
    preview_rows: int | None = None

    date_from = RuDateField(_l("С"), validators=[Optional()])
    date_to = RuDateField(_l("По"), validators=[Optional()])
    body = SelectField(_l("Орган"), coerce=_int_or_none, validators=[Optional()])
    district = SelectField(_l("Район"), coerce=_int_or_none, validators=[Optional()])
    by = SelectField(
        _l("Район по"),
        choices=[("problem", _l("адресу проблемы")), ("applicant", _l("адресу заявителя"))],
        default="problem",
    )

    def fill(self) -> None:
        """Defaults (the current local year) and the choice lists."""
        today = local_today()
        self.date_from.data = self.date_from.data or dt.date(today.year, 1, 1)
        self.date_to.data = self.date_to.data or dt.date(today.year, 12, 31)
        everyone = [("", gettext("Все"))]
        bodies = db.session.execute(
            select(Body.id, Body.name).where(Body.is_external.is_(False)).order_by(Body.name)
        ).all()
        self.body.choices = everyone + [(str(i), n) for i, n in bodies]
        self.district.choices = everyone + [
            (str(i), n) for i, n in db.session.execute(select(District.id, District.name).order_by(District.name))
        ]

    def report_filter(self) -> reports.ReportFilter:
        return reports.ReportFilter(
            date_from=self.date_from.data,
            date_to=self.date_to.data,
            body_id=self.body.data,
            district_id=self.district.data,
            scope=statistics_clause(Appeal),
        )

    def period(self) -> str:
        return gettext(
            "за период с %(start)s по %(end)s",
            start=format_date(self.date_from.data),
            end=format_date(self.date_to.data),
        )


def write_report_xlsx(title_line: str, tables: list[Table]) -> bytes:
    """One sheet: the title line with the period, then each table with its caption and Russian headers."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet(gettext("Отчёт"))
    bold = workbook.add_format({"bold": True, "font_size": 12})
    header = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
    sheet.write_string(0, 0, title_line, bold)
    row = 2
    widths: dict[int, int] = {}
    for table in tables:
        sheet.write_string(row, 0, table.title, bold)
        row += 1
        for col, label in enumerate(table.headers):
            sheet.write_string(row, col, label, header)
            widths[col] = max(widths.get(col, 0), len(label))
        for values in table.rows:
            row += 1
            for col, value in enumerate(values):
                if value is None:
                    continue
                if isinstance(value, Link):
                    value = value.value
                # Explicit writers: a name starting with "=" stays text.
                if isinstance(value, int | Decimal):
                    sheet.write_number(row, col, float(value))
                else:
                    sheet.write_string(row, col, value)
                    widths[col] = max(widths.get(col, 0), len(value))
        row += 2
    for col, width in widths.items():
        sheet.set_column(col, col, min(width + 2, 60))
    workbook.close()
    return buffer.getvalue()


class AppealReportsView(BaseView):
    """Reports R-A1…R-A5 of DOMAIN.md D.9 within the user's row scope."""

    route_base = "/appeals/reports"
    default_view = "index"
    class_permission_name = "Appeal"
    method_permission_name = {"index": READ, "report": READ, "export": READ}

    @expose("/")
    @has_access
    def index(self) -> Any:
        return self.report("intake")

    @expose("/<name>")
    @has_access
    def report(self, name: str) -> Any:
        form, tables = self._build(name, preview_rows=PREVIEW_ROWS)
        tables = [preview(table, PREVIEW_ROWS) for table in tables]
        return self.render_template(
            "appeals/reports/report.html",
            title=REPORTS[name][0],
            name=name,
            reports=REPORTS,
            form=form,
            tables=tables,
            basis=REPORTS[name][1],
            query_string=request.query_string.decode(),
        )

    @expose("/<name>/xlsx")
    @has_access
    def export(self, name: str) -> Any:
        form, tables = self._build(name)
        title = f"{REPORTS[name][0]} {form.period()} ({REPORTS[name][1]})"
        content = write_report_xlsx(title, tables)
        # Reports hold no personal data, but every download is journalled like a list export.
        db.session.add(
            ExportLog(
                user_id=request_user().id,
                view_name=type(self).__name__,
                list_title=str(REPORTS[name][0]),
                filter_description=form.period(),
                query_string="&".join(f"{k}={v}" for k, v in request.args.items(multi=True)),
                file_format="xlsx",
                row_count=sum(len(table.rows) for table in tables),
                personal_data=False,
            )
        )
        db.session.commit()
        response = send_file(io.BytesIO(content), mimetype=XLSX_MIMETYPE, as_attachment=True, download_name="x.xlsx")
        return attachment(response, f"{REPORTS[name][0]} {local_today():%d.%m.%Y}.xlsx")

    def _build(self, name: str, preview_rows: int | None = None) -> tuple[ReportForm, list[Table]]:
        if name not in REPORTS:
            abort(404)
        form = ReportForm(request.args)
        form.preview_rows = preview_rows
        form.fill()
        if not form.validate():
            return form, []
        if form.date_from.data > form.date_to.data:
            form.date_to.errors = [gettext("Конец периода раньше начала")]
            return form, []
        return form, REPORTS[name][2](form.report_filter(), form)


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
