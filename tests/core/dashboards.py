"""Helpers of the dashboard tests: a dashboard's chart tables and its reports' tables, built as a user."""

from __future__ import annotations

from typing import Any

from flask import Flask


def built_as(app: Flask, dashboard: Any, username: str, query: str, reports: tuple[Any, ...] = ()) -> tuple[dict, list]:
    """(chart key → (headers, rows as text, total as text, links), [tables of each report]) with the same parameters.

    The reports are built by their own declarations (`Report.build`, as their page, XLSX and DOCX are), on the
    parameters the dashboard's form gives — what a user asking the report for that period sees.
    """
    from flask import g, request
    from flask_login import login_user

    from app.core.reports.tables import cell_text
    from app.core.workspace.dashboards import build_dashboard, dashboard_form

    with app.test_request_context(f"/dashboards/{dashboard.key}/{query}"):
        user = app.appbuilder.sm.find_user(username=username)
        login_user(user)
        g.user = user
        form = dashboard_form(dashboard)(request.args)
        form.fill()
        assert form.check()
        params = form.params(dashboard.scope_model)
        charts = {
            chart.chart.key: (
                chart.table.headers,
                [[cell_text(c) for c in row] for row in chart.table.rows],
                [cell_text(c) for c in chart.table.total] if chart.table.total else None,
                [[getattr(c, "url", None) for c in row] for row in chart.table.rows],
            )
            for chart in build_dashboard(dashboard, params)
        }
        tables = [[_as_text(table, cell_text) for table in report.build(params)] for report in reports]
        return charts, tables


def _as_text(table: Any, cell_text: Any) -> tuple[list[str], list[list[str]], list[list[str]], str]:
    return (
        [str(h) for h in table.headers],
        [[cell_text(c) for c in row] for row in table.rows],
        [[cell_text(c) for c in row] for row in table.totals],
        str(table.title),
    )


def assert_same_numbers(chart: tuple, table: tuple, aliases: dict[str, str] | None = None) -> int:
    """Every number of the chart's table equals the report table's number in the same row and column.

    Rows meet by their first cell (the category: a body, a district, a month); columns by header. The
    chart's total line meets the report's first total line; `aliases` names the report's header of a chart
    column the chart calls otherwise (a legend says «снято в срок» where the report says «из них в срок»).
    Returns how many numbers were compared.
    """
    headers, rows, total = chart[:3]
    report_headers, report_rows, report_totals = table[:3]
    by_label = {row[0]: row for row in report_rows}
    named = [(aliases or {}).get(h, h) for h in headers]
    shared = [(i, report_headers.index(h)) for i, h in enumerate(named) if i and h in report_headers]
    assert len(shared) == len(headers) - 1, (headers, report_headers)
    assert shared, (headers, report_headers)
    compared = 0
    for row in rows:
        assert row[0] in by_label, (row[0], list(by_label))
        for mine, theirs in shared:
            assert row[mine] == by_label[row[0]][theirs], (row[0], headers[mine])
            compared += 1
    assert len(rows) == len(report_rows)
    if total is not None and report_totals:
        for mine, theirs in shared:
            assert total[mine] == report_totals[0][theirs], ("total", headers[mine])
            compared += 1
    return compared
