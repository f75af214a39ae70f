"""A report is declared, not programmed: a query function and the layout of its tables.

    INTAKE = Report(
        name="intake",
        title=_l("Поступление обращений"),
        basis=_l("по дате регистрации"),
        query=lambda p: reports.intake(appeal_filter(p)),
        tables=[
            TableLayout(
                title=_l("Поступление обращений по каналам, органам и месяцам"),
                rows="rows",
                columns=[
                    Column(_l("Канал поступления"), "channel"),
                    Column(_l("Обращений"), "appeals", sum=True, link=lambda r: list_url(...)),
                ],
                totals=[Total(_l("Итого"))],  # the sum of the columns declared sum=True
            )
        ],
    )

The query gets `ReportParams` (period, body, district, extra fields, the row scope, the page's
row limit) and returns whatever data it likes; the layout reads rows and cells from it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from flask import url_for
from sqlalchemy import or_

from ..models import AnnulableMixin
from .tables import Cell, Link, Table


@dataclass(frozen=True)
class ReportParams:
    """What every report query is asked with: the filter form's values, the row scope, the page's limit."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    body_id: int | None = None
    district_id: int | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)
    #: The page asks for one row more than it shows (to know it was cut); files ask for every row (None).
    limit: int | None = None
    #: The model whose row scope the report counts in (the report page's `scope_model`).
    model: type | None = None
    #: Whose scope: a `Visibility` (app.security); None means the signed-in user's.
    visibility: Any = None

    def scope_for(self, model: type) -> Any:
        """The rows of `model` this user's statistics count (None: every row).

        Statistics count what the user's bodies and districts own: a copy or a co-execution shows a
        row to another body (its list), never adds it to that body's figures.
        """
        from ...security import statistics_clause

        return statistics_clause(model, self.visibility)

    @property
    def scope(self) -> Any:
        """The row-scope clause of the page's model (None: the user sees every row)."""
        if self.model is None:
            # Never "no scope" by omission: a report page names the model it counts.
            raise LookupError("ReportParams.scope without a model: set scope_model on the report page")
        return self.scope_for(self.model)

    def conditions(
        self,
        model: type,
        *,
        date: Any = None,
        bodies: Sequence[Any] = (),
        district: Any = None,
    ) -> list[Any]:
        """The WHERE of a report over `model`: not annulled, in scope, in the period, of the body and district.

        `date` is the column the period reads; `bodies` the columns a chosen body may be in (any
        of them); `district` the column of the chosen district.
        """
        clauses: list[Any] = []
        if issubclass(model, AnnulableMixin):
            clauses.append(model.annulled_at.is_(None))  # type: ignore[attr-defined]
        scope = self.scope_for(model)
        if scope is not None:
            clauses.append(scope)
        if date is not None and self.date_from is not None:
            clauses.append(date >= self.date_from)
        if date is not None and self.date_to is not None:
            clauses.append(date <= self.date_to)
        if bodies and self.body_id is not None:
            clauses.append(or_(*(column == self.body_id for column in bodies)))
        if district is not None and self.district_id is not None:
            clauses.append(district == self.district_id)
        return clauses


def list_url(view: str, filters: Mapping[str, Any] | None = None, **args: Any) -> str:
    """The URL of a list view narrowed by «equal to» filters: `list_url("AppealView", {"executor": 5}, preset="open")`.

    Filter 0 is FAB's «equal to» for relations, numbers and dates (for text it is «starts with»).
    """
    query = {f"_flt_0_{column}": value for column, value in (filters or {}).items()}
    return url_for(f"{view}.list", **query, **args)


def _field(row: Any, name: str) -> Any:
    """A named value of a row: a mapping's key, a result row's column (by its label: a column named
    `count` is not the tuple's method), an object's attribute."""
    if isinstance(row, Mapping):
        return row[name]
    mapping = getattr(row, "_mapping", None)
    if mapping is not None:
        return mapping[name]
    return getattr(row, name)


@dataclass(frozen=True)
class Column:
    """One column: its header, how a row gives its value (an attribute name or a function), how it totals.

    `sum=True`: summed into a computed total or subtotal line. `link`: the URL of the list behind a
    row's number (None: no link; a zero is never linked).
    """

    label: Any
    value: str | Callable[[Any], Cell]
    key: str = ""
    sum: bool = False
    link: Callable[[Any], str | None] | None = None

    @property
    def name(self) -> str:
        """The key a total's values are given by (the attribute name unless `key` is set)."""
        return self.key or (self.value if isinstance(self.value, str) else "")

    def read(self, row: Any) -> Cell:
        if isinstance(self.value, str):
            return _field(row, self.value)  # type: ignore[no-any-return]
        return self.value(row)

    def cell(self, row: Any) -> Cell:
        value = self.read(row)
        if self.link is not None and value and not isinstance(value, Link):
            url = self.link(row)
            if url:
                return Link(value, url)  # type: ignore[arg-type]
        return value


@dataclass(frozen=True)
class Total:
    """A declared total line (a table may have several): its label and where its figures come from.

    - `values`: a function of the query's data giving {column key: value} (totals counted in SQL);
    - `row`: a function of the data giving a row object the columns read like any other row;
    - neither: the sum of the columns declared `sum=True` over the table's data rows.
    The label takes the first column.
    """

    label: Any
    values: Callable[[Any], Mapping[str, Cell]] | None = None
    row: Callable[[Any], Any] | None = None


@dataclass(frozen=True)
class Subtotals:
    """A subtotal line after each group of consecutive rows with the same `by` (the query orders them).

    The sum of the `sum=True` columns; `label` is a function of the group's key (or a fixed text).
    """

    by: str | Callable[[Any], Any]
    label: Any

    def key(self, row: Any) -> Any:
        if isinstance(self.by, str):
            return _field(row, self.by)
        return self.by(row)

    def text(self, key: Any) -> str:
        return str(self.label(key) if callable(self.label) else self.label)


@dataclass(frozen=True)
class TableLayout:
    """How one table of a report is laid out.

    `rows`: the attribute of the data holding the rows, a function of the data, or None (the data
    is the rows). `columns`: a list, or a function of `ReportParams` (columns that depend on the
    period, e.g. one per month). `title`: a text or a function of the data. `count`: how many
    rows the whole table has, asked only when the page's limited query came back full. `when`:
    the table is shown only when this holds for the data. `personal`: the table names people —
    shown only with the personal-data right, and its files are journalled as personal. `explanation`:
    what a figure counts when another page counts it otherwise (under the table, in XLSX and DOCX).
    """

    title: Any
    columns: Sequence[Column] | Callable[[ReportParams], Sequence[Column]]
    rows: str | Callable[[Any], Iterable[Any]] | None = "rows"
    totals: Sequence[Total] = ()
    subtotals: Subtotals | None = None
    key: str = ""
    count: Callable[[ReportParams], int] | None = None
    when: Callable[[Any], bool] | None = None
    personal: bool = False
    explanation: Any = ""

    def build(self, data: Any, params: ReportParams) -> Table:
        """The table of this layout over the query's data."""
        columns = list(self.columns(params) if callable(self.columns) else self.columns)
        if self.rows is None:
            items = list(data)
        elif isinstance(self.rows, str):
            items = list(getattr(data, self.rows))
        else:
            items = list(self.rows(data))
        rows: list[list[Cell]] = []
        subtotal_rows: set[int] = set()
        group: list[Any] = []
        for index, item in enumerate(items):
            group.append(item)
            rows.append([column.cell(item) for column in columns])
            if self.subtotals is not None:
                key = self.subtotals.key(item)
                if index + 1 == len(items) or self.subtotals.key(items[index + 1]) != key:
                    subtotal_rows.add(len(rows))
                    rows.append(_summed(columns, group, self.subtotals.text(key)))
                    group = []
        totals = [self._total(total, columns, data, items) for total in self.totals]
        title = self.title(data) if callable(self.title) else self.title
        return Table(
            title=str(title),
            headers=[str(column.label) for column in columns],
            rows=rows,
            totals=totals,
            subtotals=frozenset(subtotal_rows),
            key=self.key,
            personal=self.personal,
            explanation=str(self.explanation) if self.explanation else "",
        )

    @staticmethod
    def _total(total: Total, columns: list[Column], data: Any, items: list[Any]) -> list[Cell]:
        if total.row is not None:
            line = [column.read(total.row(data)) for column in columns]
        elif total.values is not None:
            values = total.values(data)
            line = [values.get(column.name) if column.name else None for column in columns]
        else:
            return _summed(columns, items, str(total.label))
        return [str(total.label), *line[1:]]


def _summed(columns: list[Column], items: list[Any], label: str) -> list[Cell]:
    line: list[Cell] = [label]
    for column in columns[1:]:
        if column.sum:
            values = [_number(column.read(item)) for item in items]
            line.append(sum((v for v in values if v is not None), start=0))
        else:
            line.append(None)
    return line


def _number(value: Cell) -> int | float | Decimal | None:
    if isinstance(value, Link):
        return value.value
    return value if isinstance(value, int | float | Decimal) and not isinstance(value, bool) else None


@dataclass(frozen=True)
class Report:
    """One report: a name (its URL), a Russian title, the query, the layout of its tables.

    `basis` says how the period is read («по дате регистрации»); `filters` which of the common
    filter fields the page offers (period, body, district); `extra` more form fields (WTForms,
    e.g. a SelectField) whose values the query finds in `params.extra`; `docx_template` the code
    of a domain's own DOCX template (app/core/reports/docx.py), None for the generic layout;
    `document` more values for that template (a function of the parameters: a plan's title and
    approving act, a note's due date), merged into the DOCX context.
    """

    name: str
    title: Any
    query: Callable[[ReportParams], Any]
    tables: Sequence[TableLayout]
    basis: Any = None
    filters: tuple[str, ...] = ("period", "body", "district")
    extra: Mapping[str, Any] = field(default_factory=dict)
    docx_template: str | None = None
    document: Callable[[ReportParams], Mapping[str, Any]] | None = None

    def build(self, params: ReportParams, *, personal: bool = False, preview_rows: int | None = None) -> list[Table]:
        """Run the query and lay out its tables (the personal ones only with the personal-data right).

        With `preview_rows` (the page), a table whose limited query came back longer than that
        asks its `count` for the size of the whole table.
        """
        data = self.query(params)
        tables = []
        for layout in self.tables:
            if (layout.personal and not personal) or (layout.when is not None and not layout.when(data)):
                continue
            table = layout.build(data, params)
            if preview_rows is not None and layout.count is not None and table.data_rows > preview_rows:
                table.size = layout.count(params)
            tables.append(table)
        return tables
