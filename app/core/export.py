"""Export of any list to XLSX and CSV: exactly the rows, order and columns the user sees.

`ExportMixin` gives a list view (an UpravaModelView) two endpoints, `export/xlsx` and
`export/csv`. They read the list's own URL arguments (filters `_flt_*`, sort `_oc_`/`_od_`)
with FAB's own parsing and build the query with FAB's own `apply_all`, joined with the
view's base filters — the row scope among them — so an export is the list, all pages of it.
Columns are the view's `list_columns` with their labels; the model's personal-data
columns (`__personal__`) are left out for users without the personal-data right.

Memory stays bounded whatever the row count: rows are read in chunks of `EXPORT_CHUNK`
(`yield_per`: a server-side cursor on PostgreSQL; related objects are loaded per chunk
with `selectinload`, so there is no N+1), the XLSX is written row by row by xlsxwriter
in `constant_memory` mode into a temporary file, and the CSV is a streamed response.

An export is started by a POST from the list (CSRF-protected): a link someone crafts (a GET)
neither exports nor writes the journal in the user's name. Every export is recorded in
core_export_log (and committed) before the first byte leaves. A list of more than
EXPORT_JOB_ROWS rows (5,000) is exported by a background job: the user downloads the file from
the job's page; the journal entry is written by the job, with the file.
"""

from __future__ import annotations

import csv
import datetime as dt
import enum
import inspect
import io
import os
import re
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import quote

import xlsxwriter
from flask import Response, current_app, flash, has_request_context, redirect, request, send_file, stream_with_context
from flask_appbuilder.baseviews import expose
from flask_appbuilder.exceptions import ApplyFilterException
from flask_appbuilder.models.filters import Filters
from flask_appbuilder.security.decorators import has_access
from flask_appbuilder.urltools import get_filter_args, get_order_args
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select
from sqlalchemy.orm import MANYTOONE, selectinload
from sqlalchemy.sql.elements import BinaryExpression

from ..extensions import db
from ..security import READ, is_row_visible, request_user
from .dates import DATE_FORMAT, DATETIME_FORMAT, format_date, format_datetime, local_now, to_local
from .errors import BadListArgument
from .jobs import JobContext, JobKind, register_job_kind, start_job
from .models import ExportLog
from .pii_log import journal_personal_access
from .xlsx_rows import RowStream

#: Rows fetched (and related objects loaded) per round trip; bounds the memory of an export.
EXPORT_CHUNK = 1000

#: The export endpoints are reads of the list.
EXPORT_PERMISSIONS = {"export_xlsx": READ, "export_csv": READ}

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_MAX_STRING = 32767  # Excel's limit for one cell
XLSX_MAX_ROWS = 1_048_576 - 2  # Excel's rows per sheet, less the title and header lines
XLSX_MAX_WIDTH = 60
# A spreadsheet runs a CSV cell starting with these as a formula (CSV injection).
CSV_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

# Operators written as symbols in the filter description; the rest use the filter's name.
_OPERATOR_SYMBOLS = {"eq": "=", "neq": "≠", "rel_o_m": "=", "nrel_o_m": "≠"}
_UNSAFE_FILENAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')
_UNSAFE_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")

Cell = str | int | float | Decimal | dt.date | dt.datetime | None


def cell_value(value: Any) -> Cell:
    """A list value as a typed cell: local naive timestamps, dates, numbers, Да/Нет, or text."""
    if value is None:
        return None
    if isinstance(value, bool):
        return gettext("Да") if value else gettext("Нет")
    if isinstance(value, dt.datetime):
        local = to_local(value)
        assert local is not None
        return local.replace(tzinfo=None)  # Excel has no time zones: the city's wall clock
    if isinstance(value, dt.date | int | float | Decimal):
        return value
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, Markup):
        return value.striptags()
    if isinstance(value, list | tuple | set):
        return ", ".join(str(cell_value(v)) for v in value)
    return str(value)


#: Types `cell_value` returns as they are: answered without its chain of checks (every cell passes here).
_AS_IS = frozenset({str, int, float, Decimal, dt.date, type(None)})


def plain_cell(value: Any) -> Cell:
    """`cell_value`, with the common types answered at once."""
    return value if type(value) in _AS_IS else cell_value(value)


@dataclass(frozen=True)
class ExportColumn:
    name: str
    label: str
    convert: Callable[[Any], Cell]


@dataclass
class ExportPlan:
    """What one export writes: the title line, the columns and the (not yet run) query."""

    title: str
    filter_description: str
    columns: list[ExportColumn]
    query: Any
    count: int
    datamodel: Any
    #: The list's own title when a preset is shown (`title` is then the preset's name); else "".
    list_title: str = ""
    #: Which records by annulment, when not the default current ones («только аннулированные»).
    annulled_note: str = ""
    #: Reads the rows as columns (None: from records, the list has a column that needs one).
    reader: ColumnRows | None = None

    @property
    def title_line(self) -> str:
        """«Обращения граждан — список «Просроченные обращения»; отбор: …»: what the file holds, in words."""
        selection = []
        if self.list_title:
            head = self.list_title
            selection.append(gettext("список «%(preset)s»", preset=self.title))
        else:
            head = self.title
        if self.filter_description:
            selection.append(gettext("отбор: %(filters)s", filters=self.filter_description))
        if self.annulled_note:
            selection.append(self.annulled_note)
        if not selection:
            return gettext("%(title)s — все записи", title=head)
        return f"{head} — {'; '.join(selection)}"

    def rows(self) -> Iterator[list[Cell]]:
        """The cells, row by row: read as columns when the list allows it (`ColumnRows`), else from records."""
        converters = [column.convert for column in self.columns]
        if self.reader is not None:
            for values in self.reader(self.datamodel.session, self.query):
                yield [convert(value) for convert, value in zip(converters, values, strict=True)]
            return
        get = self.datamodel._get_attr_value
        names = [column.name for column in self.columns]
        for item in self.query.options(*relation_loaders(self.datamodel.obj, names)).yield_per(EXPORT_CHUNK):
            yield [convert(get(item, name)) for convert, name in zip(converters, names, strict=True)]

    def filename(self, extension: str) -> str:
        title = _UNSAFE_FILENAME.sub("_", self.title).strip() or "export"
        return f"{title} {local_now():%d.%m.%Y}.{extension}"


def exports_as(convert: Callable[[Any], Any]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare what a list formatter's column is in a file: `convert(raw value)` (a date, a number).

    A formatter draws HTML for the page (a coloured due date); the spreadsheet wants the value itself:

        @exports_as(lambda value: value[0] if isinstance(value, tuple) else value)   # the due date
        def deadline_badge(value): ...
    """

    def mark(formatter: Callable[..., Any]) -> Callable[..., Any]:
        formatter.export_value = convert  # type: ignore[attr-defined]
        return formatter

    return mark


def _plain(value: Any) -> str:
    """How a list writes a date or a number without a formatter of its own."""
    if isinstance(value, dt.datetime):
        return format_datetime(value)
    if isinstance(value, dt.date):
        return format_date(value)
    return str(value)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def column_converter(view: Any, column: str) -> Callable[[Any], Cell]:
    """Every column as typed cells: a date is an Excel date, a number a number, whatever the list draws.

    Dates, timestamps and booleans of the model are typed as they are; a formatter declaring its file
    value (`exports_as`) gives it; a formatter that only draws a date or a number (ДД.ММ.ГГГГ, a count)
    keeps the value typed; any other formatter's text is the cell (a status's name, not its code).
    """
    datamodel = view.datamodel
    typed = column in datamodel.list_columns and (
        datamodel.is_date(column) or datamodel.is_datetime(column) or datamodel.is_boolean(column)
    )
    formatter = view.formatters_columns.get(column)
    if typed and datamodel.is_boolean(column):
        return memoised(cell_value)  # «Да»/«Нет» translated once per export, not per cell
    if formatter is None and datamodel.is_relation(column):
        return memoised(cell_value)  # a related record's name, computed once per record
    if typed or formatter is None:
        return plain_cell
    declared = getattr(formatter, "export_value", None)
    if declared is not None:
        return memoised(lambda value: cell_value(declared(value)))

    def convert(value: Any) -> Cell:
        shown = formatter(value)
        if isinstance(value, dt.date) or _is_number(value):
            text = shown.striptags() if isinstance(shown, Markup) else shown
            if isinstance(text, str) and text.strip() == _plain(value):
                return cell_value(value)
        return cell_value(shown)

    return memoised(convert)


#: Distinct values remembered per column and export.
MEMO_LIMIT = 10_000


def memoised(convert: Callable[[Any], Cell]) -> Callable[[Any], Cell]:
    """A column's converter computed once per distinct value (a status, a body, a due date).

    A formatter renders HTML and translates labels: done for every one of 100,000 rows, it
    was most of an export's time. Within one export it is a function of the value alone.
    """
    cache: dict[Any, Cell] = {}

    def run(value: Any) -> Cell:
        try:
            return cache[value]
        except KeyError:
            result = convert(value)
            if len(cache) < MEMO_LIMIT:
                cache[value] = result
            return result
        except TypeError:  # unhashable
            return convert(value)

    return run


def annulled_note(view: Any) -> str:
    """What the list's annulment switch selects, when not the current records (the default)."""
    if not getattr(view, "is_annullable", False):
        return ""
    mode = request.args.get("annulled", "current") if has_request_context() else "current"
    return {"annulled": gettext("только аннулированные"), "all": gettext("включая аннулированные")}.get(mode, "")


def describe_filters(view: Any, filters: Filters) -> str:
    """«Должность содержит "главный"; Район = Заводской» for the user's active filters."""
    parts = []
    # In the search form's order: FAB reads the URL arguments into a set.
    active = sorted(filters.get_filters_values(), key=lambda pair: view.search_columns.index(pair[0].column_name))
    for flt, values in active:
        for value in values if isinstance(values, list) else [values]:
            parts.append(describe_filter(view, flt, value))
    return "; ".join(parts)


def describe_filter(view: Any, flt: Any, value: Any) -> str:
    """One active filter in words: «Статус = Дан ответ», «Фамилия содержит "Иван"» (a list's chip, a file's title)."""
    column = flt.column_name
    label = str(view.label_columns.get(column, column))
    operator = _OPERATOR_SYMBOLS.get(flt.arg_name) or str(flt.name).lower()
    return f"{label} {operator} {_describe_value(view, column, value)}"


def _choice_label(view: Any, column: str, value: Any) -> str | None:
    """The name a filter's own drop-down gives a stored code (a status offered by name)."""
    field = (getattr(view, "search_form_extra_fields", None) or {}).get(column)
    choices = getattr(field, "kwargs", {}).get("choices") if field is not None else None
    if callable(choices):  # read when the form is built (e.g. the journal's record types, app/core/audit.py)
        choices = choices()
    for key, label in choices or ():
        if str(key) == str(value):
            return str(label)
    return None


def _describe_value(view: Any, column: str, value: Any) -> str:
    datamodel = view.datamodel
    if datamodel.is_relation(column):
        related = datamodel.get_related_obj(column, value)
        # The name of a row outside the user's scope is not theirs to read, even in a title line.
        return str(related) if related is not None and is_row_visible(related) else str(value)
    if datamodel.is_boolean(column):
        return gettext("Да") if value == "y" else gettext("Нет")
    named = _choice_label(view, column, value)
    if named is not None:
        return named
    if datamodel.is_string(column) or datamodel.is_text(column):
        return f'"{value}"'
    return str(value)


def relation_loaders(model: type, columns: list[str]) -> list[Any]:
    """selectinload for every relationship a listed column goes through: one query per chunk, not per row."""
    relationships = sa_inspect(model).relationships
    roots = dict.fromkeys(column.split(".")[0] for column in columns)
    return [selectinload(getattr(model, name)) for name in roots if name in relationships]


class _Columns:
    """The stand-in a declared method is called on: the columns it reads, as attributes."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.__dict__.update(values)


#: Related records remembered per relationship and export (a body, a channel, an executor).
RELATED_MEMO_LIMIT = 10_000


class ColumnRows:
    """A list's rows read as columns: the list's own query (filters, scope, order) selecting only them.

    Loading 100,000 records to read eight of their fifty attributes was a third of an export's time.
    Each listed column is read as FAB's list reads it from the record (`_get_attr_value`): a column
    (an enum as its value), a many-to-one relation (the related record, loaded once per chunk for all
    its rows and remembered), or a method/property declared with `reads_columns` (app/core/export_reads.py;
    called on the row's columns). A list with any other column (a dotted path, a collection, an
    undeclared method) has no ColumnRows: its export reads records.
    """

    def __init__(self, expressions: list[Any], getters: list[Callable[[Any], Any]], relations: list[_Relation]):
        self.expressions = expressions
        self.getters = getters
        self.relations = relations

    @classmethod
    def of(cls, model: type, names: list[str]) -> ColumnRows | None:
        mapper = sa_inspect(model)
        expressions: list[Any] = []
        positions: dict[str, int] = {}

        def position(name: str) -> int:
            if name not in positions:
                positions[name] = len(expressions)
                expressions.append(getattr(model, name))
            return positions[name]

        getters: list[Callable[[Any], Any]] = []
        relations: list[_Relation] = []
        for name in names:
            if name in mapper.column_attrs:
                getters.append(_column_getter(position(name), mapper.column_attrs[name]))
            elif name in mapper.relationships:
                relation = _Relation.of(mapper.relationships[name])
                if relation is None:
                    return None
                relation.index = position(relation.local_key)
                relations.append(relation)
                getters.append(relation.get)
            else:
                getter = _declared_getter(model, name, mapper, position)
                if getter is None:
                    return None
                getters.append(getter)
        return cls(expressions, getters, relations)

    def __call__(self, session: Any, query: Any) -> Iterator[list[Any]]:
        statement = query.with_entities(*self.expressions).statement
        result = session.execute(statement, execution_options={"yield_per": EXPORT_CHUNK})
        getters = self.getters
        # A reader left before its last row (a refused or interrupted export) closes its server-side cursor
        # on PostgreSQL at once, not when the garbage collector finds it.
        try:
            for chunk in result.partitions():
                for relation in self.relations:
                    relation.load(session, chunk)
                for row in chunk:
                    yield [get(row) for get in getters]
        finally:
            result.close()


def _column_getter(index: int, attribute: Any) -> Callable[[Any], Any]:
    column_type = attribute.columns[0].type if len(attribute.columns) == 1 else None
    if getattr(column_type, "enum_class", None) is not None:
        # FAB's list shows an enum by its value.
        return lambda row: row[index].value if isinstance(row[index], enum.Enum) else row[index]
    return lambda row: row[index]


def _declared_getter(model: type, name: str, mapper: Any, position: Callable[[str], int]) -> Any:
    attribute = inspect.getattr_static(model, name, None)
    is_property = isinstance(attribute, property)
    function = attribute.fget if is_property else attribute
    reads = getattr(function, "export_reads", None)
    if not callable(function) or reads is None or any(read not in mapper.column_attrs for read in reads):
        return None
    indexes = [(read, position(read)) for read in reads]

    def get(row: Any) -> Any:
        value = function(_Columns({read: row[index] for read, index in indexes}))
        # As FAB's `_get_attr_value`: an attribute's enum is shown by its value, a method's result as it is.
        return value.value if is_property and isinstance(value, enum.Enum) else value

    return get


class _Relation:
    """A many-to-one relation read through its key: the related records loaded per chunk, remembered."""

    def __init__(self, target: type, remote: Any, local_key: str) -> None:
        self.target = target
        self.remote = remote
        self.local_key = local_key
        self.index = 0
        self.records: dict[Any, Any] = {}

    @classmethod
    def of(cls, relationship: Any) -> _Relation | None:
        pairs = relationship.local_remote_pairs
        if relationship.direction is not MANYTOONE or relationship.secondary is not None or len(pairs) != 1:
            return None
        local, remote = pairs[0]
        target = relationship.mapper
        # Only the plain foreign key to the related primary key: no extra join condition, no other key.
        if not isinstance(relationship.primaryjoin, BinaryExpression) or list(target.primary_key) != [remote]:
            return None
        local_key = relationship.parent.get_property_by_column(local).key
        return cls(target.class_, target.get_property_by_column(remote).class_attribute, local_key)

    def load(self, session: Any, chunk: list[Any]) -> None:
        index = self.index
        if len(self.records) > RELATED_MEMO_LIMIT:
            self.records.clear()
        missing = {row[index] for row in chunk} - self.records.keys() - {None}
        if missing:
            for record in session.scalars(select(self.target).where(self.remote.in_(missing))):
                self.records[sa_inspect(record).identity[0]] = record

    def get(self, row: Any) -> Any:
        key = row[self.index]
        return None if key is None else self.records.get(key)


def record_export(view: Any, plan: ExportPlan, file_format: str, personal_data: bool) -> ExportLog:
    """Write the export journal row (flushes, never commits)."""
    # Decoded, to be read by a person; the journal is not a link.
    args = "&".join(f"{key}={value}" for key, value in request.args.items(multi=True))
    entry = ExportLog(
        user_id=request_user().id,
        view_name=view.__class__.__name__,
        list_title=plan.title[:255],
        filter_description=plan.filter_description,
        query_string=args,
        file_format=file_format,
        row_count=plan.count,
        personal_data=personal_data,
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def write_xlsx(path: str, plan: ExportPlan) -> None:
    """Title line, frozen header and typed cells, streamed row by row (constant memory; app/core/xlsx_rows.py)."""
    workbook = xlsxwriter.Workbook(path, {"constant_memory": True})
    sheet = workbook.add_worksheet(_UNSAFE_SHEET_NAME.sub(" ", plan.title)[:31] or "export")
    title = workbook.add_format({"bold": True, "font_size": 12})
    header = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
    date = workbook.add_format({"num_format": "dd.mm.yyyy", "align": "left"})
    timestamp = workbook.add_format({"num_format": "dd.mm.yyyy hh:mm", "align": "left"})

    sheet.write_string(0, 0, plan.title_line, title)
    for index, column in enumerate(plan.columns):
        sheet.write_string(1, index, column.label, header)
    sheet.freeze_panes(2, 0)
    # Explicit types per cell: a text starting with "=" stays text, never a formula or a link.
    stream = RowStream(sheet, 2, len(plan.columns), date, timestamp)
    write = stream.write
    for values in plan.rows():
        write(values)
    last_row = max(stream.close(), 1)
    widths = [max(len(column.label), width) for column, width in zip(plan.columns, stream.widths, strict=True)]
    # Column widths and the filter are stored apart from the rows: setting them last is fine.
    for index, width in enumerate(widths):
        sheet.set_column(index, index, min(width + 2, XLSX_MAX_WIDTH))
    if plan.columns:
        sheet.autofilter(1, 0, last_row, len(plan.columns) - 1)
    workbook.close()


def csv_text(value: Cell) -> str:
    """A cell as Russian Excel reads it: ДД.ММ.ГГГГ, decimal comma, no formula injection."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime(DATETIME_FORMAT)
    if isinstance(value, dt.date):
        return value.strftime(DATE_FORMAT)
    if isinstance(value, float | Decimal):
        return str(value).replace(".", ",")
    if isinstance(value, int):
        return str(value)
    return "'" + value if value.startswith(CSV_FORMULA_START) else value


def csv_chunks(plan: ExportPlan) -> Iterator[bytes]:
    """UTF-8 with BOM, `;`-separated: a header line, then the rows, EXPORT_CHUNK at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow([column.label for column in plan.columns])
    for number, values in enumerate(plan.rows(), start=1):
        writer.writerow([csv_text(value) for value in values])
        if number % EXPORT_CHUNK == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def attachment(response: Response, filename: str) -> Response:
    """A Russian file name (RFC 5987 `filename*`), with a plain ASCII one for old clients."""
    extension = filename.rsplit(".", 1)[-1]
    response.headers.set(
        "Content-Disposition",
        "attachment",
        filename=f"export.{extension}",
        **{"filename*": "UTF-8''" + quote(filename, safe="")},
    )
    return response


class ExportMixin:
    """List export to XLSX and CSV for an UpravaModelView (see the module docstring)."""

    def __init__(self, **kwargs: Any) -> None:
        # A view with a permission map of its own must still map the export to "read",
        # or FAB would invent can_export_xlsx and every role would silently lose it.
        self.method_permission_name = {**(self.method_permission_name or {}), **EXPORT_PERMISSIONS}
        super().__init__(**kwargs)

    @expose("/export/xlsx", methods=["POST"])
    @has_access
    def export_xlsx(self) -> Any:
        plan = self._export_plan(max_rows=XLSX_MAX_ROWS)
        if plan.count > current_app.config["EXPORT_JOB_ROWS"]:
            return self._export_in_background(plan, "xlsx")
        self._record(plan, "xlsx")
        fd, path = tempfile.mkstemp(prefix="uprava-export-", suffix=".xlsx")
        os.close(fd)
        try:
            write_xlsx(path, plan)
            # Opened, then unlinked: the data lives until the response closes the handle,
            # and no file is left behind even if the download is interrupted.
            handle = open(path, "rb")  # noqa: SIM115 (send_file closes it)
        finally:
            os.unlink(path)
        response = send_file(handle, mimetype=XLSX_MIMETYPE, as_attachment=True, download_name="export.xlsx")
        return attachment(response, plan.filename("xlsx"))

    @expose("/export/csv", methods=["POST"])
    @has_access
    def export_csv(self) -> Any:
        plan = self._export_plan()
        if plan.count > current_app.config["EXPORT_JOB_ROWS"]:
            return self._export_in_background(plan, "csv")
        self._record(plan, "csv")
        response = Response(stream_with_context(csv_chunks(plan)), content_type="text/csv; charset=utf-8")
        return attachment(response, plan.filename("csv"))

    def _export_in_background(self, plan: ExportPlan, file_format: str) -> Any:
        """A long list: the file is written by a job (same list: its arguments go with it); its page offers it."""
        from .jobs import job_url

        title = gettext("Выгрузка «%(title)s» (%(count)s записей)", title=plan.title, count=plan.count)
        job = start_job(EXPORT_JOB, title, {"view": type(self).__name__, "format": file_format})
        flash(gettext("Список большой: файл готовится в фоне и будет доступен для скачивания на этой странице"), "info")
        return redirect(job_url(job))

    def export_to_file(self, file_format: str, folder: str) -> tuple[ExportPlan, str]:
        """What an export job runs (in a request like the list's): the journal entry and the file; no commit."""
        plan = self._export_plan(max_rows=XLSX_MAX_ROWS if file_format == "xlsx" else None)
        self._record(plan, file_format, commit=False)
        path = os.path.join(folder, f"export.{file_format}")
        if file_format == "xlsx":
            write_xlsx(path, plan)
        else:
            with open(path, "wb") as out:
                for chunk in csv_chunks(plan):
                    out.write(chunk)
        return plan, path

    def _export_plan(self, max_rows: int | None = None) -> ExportPlan:
        """Build the list's query (all pages) from the request's list arguments, with its count."""
        view: Any = self  # the UpravaModelView this mixin is part of
        view._validate_filter_args()
        # A fresh Filters: the view's own `_filters` is shared by concurrent requests.
        filters = view.datamodel.get_filters(view.search_columns)
        get_filter_args(filters)
        order_column, order_direction = get_order_args().get(view.__class__.__name__, ("", ""))
        if not order_column and view.base_order:
            order_column, order_direction = view.base_order
        joined = filters.get_joined_filters(view._base_filters)
        datamodel = view.datamodel
        try:
            count = datamodel.query_count(datamodel.session.query(datamodel.obj), joined)
            query = datamodel.apply_all(datamodel.session.query(datamodel.obj), joined, order_column, order_direction)
            description = describe_filters(view, filters)
        except ApplyFilterException:
            raise BadListArgument(_l("Некорректное значение фильтра")) from None
        if max_rows is not None and count > max_rows:
            # xlsxwriter would silently drop the rows past Excel's last one.
            raise BadListArgument(
                _l("В списке %(count)s записей, а на лист Excel помещается %(max)s. Сузьте отбор или выгрузите в CSV."),
                count=count,
                max=max_rows,
            )

        hidden = view.hidden_columns()
        names = [c for c in view.list_columns if c not in hidden]
        preset = view.current_preset() if hasattr(view, "current_preset") else None
        return ExportPlan(
            title=view.current_list_title(),
            list_title=str(view.list_title) if preset is not None else "",
            annulled_note=annulled_note(view),
            filter_description=description,
            columns=[ExportColumn(c, str(view.label_columns.get(c, c)), column_converter(view, c)) for c in names],
            query=query,
            reader=ColumnRows.of(datamodel.obj, names),
            count=count,
            datamodel=datamodel,
        )

    def _record(self, plan: ExportPlan, file_format: str, commit: bool = True) -> None:
        """The export journal (and the personal-data journal when personal columns are in the file)."""
        datamodel = plan.datamodel
        personal = getattr(datamodel.obj, "__personal__", ())
        with_personal = any(column.name in personal for column in plan.columns)
        record_export(self, plan, file_format, personal_data=with_personal)
        if commit:
            datamodel.session.commit()
        if with_personal:
            # One journal entry for the whole file, with its number of records.
            journal_personal_access(datamodel.session, datamodel.obj, f"export_{file_format}", count=plan.count)


def run_export_job(ctx: JobContext) -> dict[str, Any]:
    """A long list's export, in a request rebuilt like the list's (its filters, sort, the user's scope)."""
    name, file_format = ctx.params["view"], ctx.params["format"]
    view = next(v for v in current_app.appbuilder.baseviews if type(v).__name__ == name)
    ctx.progress("write", 0, None)
    plan, path = view.export_to_file(file_format, str(ctx.folder()))
    ctx.progress("write", plan.count, plan.count)
    mimetype = XLSX_MIMETYPE if file_format == "xlsx" else "text/csv"
    return {
        "summary": gettext("Файл готов: %(title)s, записей — %(count)s", title=plan.title_line, count=plan.count),
        "file": {"name": os.path.basename(path), "download": plan.filename(file_format), "mimetype": mimetype},
    }


EXPORT_JOB = register_job_kind(JobKind("export", run_export_job, stages={"write": _l("Запись файла")}))
