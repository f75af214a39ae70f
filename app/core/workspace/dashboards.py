"""Dashboards: a domain's charts, each drawn from one of its report query functions, with the numbers beside it.

A domain declares its dashboard from the queries its reports already use (app/core/reports) — the
same function serves the report and the chart, so they show the same numbers — and registers it
(a page under «Рабочий стол», readable by whoever reads the domain's records):

    APPEALS_DASHBOARD = Dashboard(
        key="appeals", title=_l("Показатели обращений"), resource="Appeal", scope_model=Appeal,
        charts=[
            Chart("channels", _l("По каналам поступления"), query=INTAKE.query,
                  rows=lambda d: fold(d.rows, "channel", "appeals"), label="channel",
                  measures=[Measure(_l("Обращений"), "appeals", link=lambda r, p: ...)]),
        ],
    )
    register_dashboard(appbuilder, APPEALS_DASHBOARD, menu="AppealsDashboard", label=_l("Показатели обращений"))

The page has the report pages' filter form (period, body, district; ДД.ММ.ГГГГ; the current year
by default), runs each query once (charts sharing a query share its answer), counts in the user's
statistics scope (`ReportParams.conditions`, as the reports do), and shows every chart as SVG
(app/core/workspace/charts.py) with its table: the categories, each measure, a total line, numbers
linking to the list they count where the chart declares a link.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace
from typing import Any, ClassVar

from flask import request
from flask_appbuilder import BaseView
from flask_appbuilder.baseviews import expose
from flask_appbuilder.security.decorators import has_access

from ...security import READ
from ..reports import Link, Report, ReportParams
from ..reports.forms import ReportForm, form_class
from ..reports.tables import cell_text
from .charts import BARS, KINDS, STACKED, ChartData, Series, render_chart

#: Drawing widths (px) near what the page gives a chart at 1280 px: beside its table, or across the page.
NARROW_WIDTH, WIDE_WIDTH = 680, 1100

Number = int | float | Decimal | None


@dataclass(frozen=True)
class Measure:
    """One number per category: a bar series in the chart and a column in its table.

    `value`: an attribute name of the row or a function of it. `link`: the list behind a row's
    number, a function of (row, ReportParams) — None where no list shows exactly those rows.
    `plot=False`: shown in the table only (a percentage beside the counts it is made of).
    """

    label: Any
    value: str | Callable[[Any], Number]
    link: Callable[[Any, ReportParams], str | None] | None = None
    plot: bool = True
    #: Whether the table's total line sums this measure (counts do, percentages do not).
    sum: bool = True

    def read(self, row: Any) -> Number:
        if isinstance(self.value, str):
            return getattr(row, self.value)  # type: ignore[no-any-return]
        return self.value(row)


@dataclass(frozen=True)
class Chart:
    """One chart of a dashboard: the query it reads, its rows, each row's category and its measures.

    `query` is a report's own query function (ReportParams → data); `rows` picks the rows from its
    data (an attribute name, a function of the data, or None: the data is the rows); `label` names a
    row's category (attribute name or function). `total`: a function of the data giving the total
    row (the report's own total line), else the table sums the measures declared `sum=True`.
    """

    key: str
    title: Any
    query: Callable[[ReportParams], Any]
    label: str | Callable[[Any], str]
    measures: Sequence[Measure]
    rows: str | Callable[[Any], Iterable[Any]] | None = "rows"
    kind: str = BARS
    category: Any = ""
    total: Callable[[Any], Any] | None = None
    note: Any = None
    #: How a plotted value is written on its bar ("{:.1f}" for a percentage); None: as it is.
    value_format: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"chart {self.key}: unknown kind {self.kind!r} (one of {KINDS})")

    def items(self, data: Any) -> list[Any]:
        if self.rows is None:
            return list(data)
        if isinstance(self.rows, str):
            return list(getattr(data, self.rows))
        return list(self.rows(data))

    def category_of(self, row: Any) -> str:
        return str(getattr(row, self.label) if isinstance(self.label, str) else self.label(row))


@dataclass
class ChartTable:
    """The numbers of a chart as a table: headers, a row per category, the total line."""

    headers: list[str]
    rows: list[list[Any]]
    total: list[Any] | None


@dataclass
class RenderedChart:
    chart: Chart
    svg: Any
    table: ChartTable
    empty: bool
    #: The chart takes the page's width and its table goes under it (stacked bars, tables of many columns).
    wide: bool = False


@dataclass(frozen=True)
class Dashboard:
    """A domain's page of charts (see the module docstring)."""

    key: str
    title: Any
    #: The permission resource whose readers see the dashboard (the domain's register: "Appeal").
    resource: str
    #: The model whose statistics scope `ReportParams.scope` is (as a report page's `scope_model`).
    scope_model: type
    charts: Sequence[Chart]
    #: Which of the common filters the page offers (period, body, district).
    filters: tuple[str, ...] = ("period", "body", "district")
    #: A line said of every chart («аннулированные обращения не учитываются»).
    note: Any = None
    #: The domain's key (appeals, control, plans, housing, events): the home page links it there.
    domain: str = ""
    order: int = 100


DASHBOARDS: dict[str, Dashboard] = {}
#: The view (endpoint) of each registered dashboard, by its key.
DASHBOARD_ENDPOINTS: dict[str, str] = {}


def fold(rows: Iterable[Any], by: str | Callable[[Any], Any], *sums: str, keep: Sequence[str] = ()) -> list[Any]:
    """Rows summed per key: `fold(intake.rows, "channel", "appeals")` → one row per channel, the biggest first.

    The query has already aggregated in SQL (a few hundred grouped rows); this adds up a coarser
    grouping of them for a chart (intake is channel × body × month; a chart shows channels).
    `keep` names attributes carried over from the first row of each group (e.g. the channel's id).
    """
    key_of = (lambda row: getattr(row, by)) if isinstance(by, str) else by
    name = by if isinstance(by, str) else "key"
    groups: dict[Any, dict[str, Any]] = {}
    for row in rows:
        key = key_of(row)
        group = groups.get(key)
        if group is None:
            group = groups[key] = {name: key, **{k: getattr(row, k) for k in keep}, **dict.fromkeys(sums, 0)}
        for total in sums:
            group[total] += getattr(row, total) or 0
    folded = [SimpleNamespace(**group) for group in groups.values()]
    if sums:
        folded.sort(key=lambda g: -getattr(g, sums[0]))
    return folded


def _sum(values: Iterable[Number]) -> Number:
    return sum((v for v in values if v is not None), start=0)


def build_chart(chart: Chart, data: Any, params: ReportParams) -> RenderedChart:
    """The chart's SVG and its table from the query's data."""
    rows = chart.items(data)
    plotted = [m for m in chart.measures if m.plot]
    series = [
        Series(
            str(m.label),
            [m.read(row) for row in rows],
            [m.link(row, params) if m.link is not None else None for row in rows],
        )
        for m in plotted
    ]
    chart_data = ChartData([chart.category_of(row) for row in rows], series)
    wide = chart.kind == STACKED or len(chart.measures) > 2
    svg = render_chart(
        chart.kind,
        chart_data,
        key=chart.key,
        title=str(chart.title),
        value_format=chart.value_format,
        width=WIDE_WIDTH if wide else NARROW_WIDTH,
    )
    table_rows = []
    for row in rows:
        cells: list[Any] = [chart.category_of(row)]
        for measure in chart.measures:
            value = measure.read(row)
            url = measure.link(row, params) if measure.link is not None and value else None
            cells.append(Link(value, url) if url else value)  # type: ignore[arg-type]
        table_rows.append(cells)
    total = None
    if rows:
        if chart.total is not None:
            total_row = chart.total(data)
            total = [None, *(m.read(total_row) for m in chart.measures)]
        else:
            total = [None, *((_sum(m.read(r) for r in rows) if m.sum else None) for m in chart.measures)]
    headers = [str(chart.category), *(str(m.label) for m in chart.measures)]
    return RenderedChart(chart, svg, ChartTable(headers, table_rows, total), chart_data.empty, wide)


def build_dashboard(dashboard: Dashboard, params: ReportParams) -> list[RenderedChart]:
    """Every chart of the dashboard; each query runs once however many charts read it."""
    answers: dict[int, Any] = {}
    rendered = []
    for chart in dashboard.charts:
        key = id(chart.query)
        if key not in answers:
            answers[key] = chart.query(params)
        rendered.append(build_chart(chart, answers[key], params))
    return rendered


class DashboardView(BaseView):
    """The page of one dashboard: the filter form, then each chart with its table (a read: GET only)."""

    default_view = "index"
    template = "workspace/dashboard.html"
    method_permission_name = {"index": READ}
    dashboard: ClassVar[Dashboard]

    @expose("/")
    @has_access
    def index(self) -> Any:
        dashboard = self.dashboard
        form = dashboard_form(dashboard)(request.args)
        form.fill()
        charts: list[RenderedChart] = []
        if form.check():
            charts = build_dashboard(dashboard, form.params(dashboard.scope_model))
        return self.render_template(
            self.template,
            title=dashboard.title,
            dashboard=dashboard,
            form=form,
            charts=charts,
            cell_text=cell_text,
        )


def dashboard_form(dashboard: Dashboard) -> type[ReportForm]:
    """The report pages' filter form, with the dashboard's choice of common filters."""
    return form_class(_form_report(dashboard))


_FORM_REPORTS: dict[str, Report] = {}


def _form_report(dashboard: Dashboard) -> Report:
    # The report form is built per Report (its fields and filters): one stand-in per dashboard, kept.
    report = _FORM_REPORTS.get(dashboard.key)
    if report is None or report.filters != dashboard.filters:
        report = _FORM_REPORTS[dashboard.key] = Report(
            name=dashboard.key, title=dashboard.title, query=lambda p: None, tables=(), filters=dashboard.filters
        )
    return report


def register_dashboard(
    appbuilder: Any, dashboard: Dashboard, *, menu: str, label: Any, icon: str = "fa-chart-bar"
) -> type:
    """The dashboard's page (`/dashboards/<key>/`) under «Рабочий стол»; its menu name joins the domain's Resource."""
    from .. import menus

    view_class = type(
        f"{menu}View",
        (DashboardView,),
        {
            "route_base": f"/dashboards/{dashboard.key}",
            "class_permission_name": dashboard.resource,
            "dashboard": dashboard,
        },
    )
    DASHBOARDS[dashboard.key] = dashboard
    DASHBOARD_ENDPOINTS[dashboard.key] = view_class.__name__
    menus.add_view(appbuilder, view_class, menu, category=menus.WORKSPACE, label=label, icon=icon)
    return view_class


def dashboards_for(user: Any) -> list[tuple[Dashboard, str]]:
    """(dashboard, its URL) of the dashboards a user may open (read right on their resource), in order."""
    from flask import current_app, url_for

    sm = current_app.appbuilder.sm
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    return [
        (d, url_for(f"{DASHBOARD_ENDPOINTS[d.key]}.index"))
        for d in sorted(DASHBOARDS.values(), key=lambda d: (d.order, d.key))
        if d.key in DASHBOARD_ENDPOINTS and sm.has_access("can_read", d.resource)
    ]
