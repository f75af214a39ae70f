"""The appeals dashboard: the reports' own numbers, charted, in the user's statistics scope; bars open their lists.

The dataset is the reports' (tests/appeals/test_reports.py): four appeals of 2025 counted by
registration, five due in 2025, one annulled.
"""

from __future__ import annotations

import html
import re

import pytest
from flask import Flask

from app.extensions import db
from tests.appeals.test_reports import APPEALS_DEPT, KGKH, LETTER, POS, ZAVODSKOY_ADM, build_dataset
from tests.core.test_workspace_home import listed_total

YEAR = "?date_from=01.01.2025&date_to=31.12.2025"
URL = "/dashboards/appeals/"


@pytest.fixture
def dataset(app: Flask) -> Flask:
    with app.app_context():
        build_dataset()
        db.session.commit()
    return app


def charts_as(app, username: str, query: str = YEAR) -> dict:
    """chart key → (headers, rows as text, total line as text) as the page builds them."""
    from flask import g
    from flask_login import login_user

    from app.appeals.dashboard import APPEALS_DASHBOARD
    from app.core.reports.tables import cell_text
    from app.core.workspace.dashboards import build_dashboard, dashboard_form

    with app.test_request_context(URL + query):
        from flask import request

        user = app.appbuilder.sm.find_user(username=username)
        login_user(user)
        g.user = user
        form = dashboard_form(APPEALS_DASHBOARD)(request.args)
        form.fill()
        assert form.check()
        built = build_dashboard(APPEALS_DASHBOARD, form.params(APPEALS_DASHBOARD.scope_model))
        return {
            chart.chart.key: (
                chart.table.headers,
                [[cell_text(c) for c in row] for row in chart.table.rows],
                [cell_text(c) for c in chart.table.total] if chart.table.total else None,
                [[getattr(c, "url", None) for c in row] for row in chart.table.rows],
            )
            for chart in built
        }


def test_the_dashboard_charts_the_reports_numbers(dataset):
    charts = charts_as(dataset, "supervisor")
    assert list(charts) == ["months", "channels", "topics", "districts", "timeliness"]
    # Intake by month and by channel (R-A1): 2 appeals in March, 1 in April, 1 in May; the annulled A5 nowhere.
    assert charts["months"][1] == [["03.2025", "2"], ["04.2025", "1"], ["05.2025", "1"]]
    assert charts["channels"][1] == [[LETTER, "3", "4"], [POS, "1", "1"]]
    assert charts["channels"][2] == ["", "4", "5"]
    # Topics (R-A2): разделы by questions, with their shares.
    assert [row[1:] for row in charts["topics"][1]] == [["3", "60,0"], ["2", "40,0"]]
    assert charts["topics"][2] == ["", "5", ""]
    # Districts of the problem (R-A3).
    assert charts["districts"][1] == [["Заводской", "2", "3"], ["Центральный", "1", "1"], ["Район не указан", "1", "1"]]
    # Timeliness by responsible body (R-A4): on time, late, overdue open, due in the period, % on time.
    assert charts["timeliness"][1] == [
        [ZAVODSKOY_ADM, "0", "0", "1", "1", "0,0"],
        [KGKH, "0", "1", "0", "1", "0,0"],
        [APPEALS_DEPT, "2", "0", "1", "3", "66,7"],
    ]
    assert charts["timeliness"][2] == ["", "2", "1", "2", "5", "40,0"]


def test_a_district_clerks_dashboard_counts_only_his_district(dataset):
    charts = charts_as(dataset, "zavodskoy")
    assert charts["channels"][1] == [[POS, "1", "1"]]
    assert charts["districts"][1] == [["Заводской", "1", "1"]]
    assert charts["timeliness"][1] == [[ZAVODSKOY_ADM, "0", "0", "1", "1", "0,0"]]


def test_a_deputy_heads_dashboard_counts_the_appeals_his_bodies_own(dataset):
    charts = charts_as(dataset, "deputy")
    # A2 is the КЖКХ's (responsible body); the demo deputy head supervises КЖКХ, УДКХиБ and the housing department.
    assert charts["channels"][1] == [[LETTER, "1", "1"]]
    assert charts["timeliness"][1] == [[KGKH, "0", "1", "0", "1", "0,0"]]
    # A body with no appeal of its own in the period: every chart is empty.
    assert all(rows == [] for _h, rows, _t, _u in charts_as(dataset, "culture").values())


def test_every_linked_number_opens_a_list_of_exactly_that_many_rows(dataset, login):
    client = login("supervisor")
    checked = 0
    for key, (_headers, rows, _total, urls) in charts_as(dataset, "supervisor").items():
        for row, row_urls in zip(rows, urls, strict=True):
            for text, url in zip(row, row_urls, strict=True):
                if url:
                    assert listed_total(client, html.unescape(url)) == text, (key, url)
                    checked += 1
    # Months (3), channels (2), districts (2 named), overdue of two bodies.
    assert checked == 3 + 2 + 2 + 2


def test_the_period_and_district_filters_narrow_the_charts_and_their_links(dataset, login):
    from app.org.services import district_by_code

    with dataset.app_context():
        zavodskoy = district_by_code("zavodskoy").id
    charts = charts_as(dataset, "supervisor", f"?date_from=01.03.2025&date_to=31.03.2025&district={zavodskoy}")
    assert charts["channels"][1] == [[LETTER, "1", "2"]]
    url = charts["channels"][3][0][1]
    assert f"_flt_0_district={zavodskoy}" in url and "_flt_1_reg_date=28.02.2025" in url
    assert listed_total(login("supervisor"), html.unescape(url)) == "1"


def test_with_a_body_chosen_the_bars_open_nothing(dataset):
    from app.org.services import body_by_code

    with dataset.app_context():
        body = body_by_code("appeals").id
    charts = charts_as(dataset, "supervisor", f"{YEAR}&body={body}")
    # «Received or answers for» is no list filter: the numbers stay, the links go.
    assert charts["channels"][1] == [[LETTER, "3", "4"]]
    assert all(url is None for row in charts["channels"][3] for url in row)


def test_the_page_draws_each_chart_as_svg_without_any_script_with_its_table(dataset, login):
    response = login("supervisor").get(URL + YEAR)
    page = response.text
    assert response.status_code == 200
    svgs = re.findall(r"<svg .*?</svg>", page, re.S)
    assert len(svgs) == 5
    nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"]).group(1)
    for svg in svgs:
        assert "<script" not in svg
        assert re.findall(r"(?:https?:)?//(?!www\.w3\.org/)", svg) == []  # nothing to fetch from anywhere
        assert f'<style type="text/css" nonce="{nonce}">' in svg
    assert page.count('class="table table-condensed table-bordered uprava-chart-table"') == 5
    assert "Показатели обращений за период с 01.01.2025 по 31.12.2025" in page


def test_a_period_ending_before_it_starts_is_said_beside_the_field(dataset, login):
    page = login("supervisor").get(URL + "?date_from=31.12.2025&date_to=01.01.2025").text
    assert "Конец периода раньше начала" in page and "<svg" not in page


def test_the_dashboard_is_for_the_readers_of_appeals(dataset, login):
    assert login("housing").get(URL).status_code == 403
    assert login("deputy").get(URL + YEAR).status_code == 200
