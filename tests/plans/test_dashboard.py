"""The plans dashboard charts the execution report's own numbers (by body, by month), in the reader's scope.

The dataset is the reports' (tests/plans/test_reports.py): 2026 — УДКХиБ in February 4 done, 1 not done,
1 moved, 2 cancelled, 1 without a mark; the housing committee in March 3 done; one annulled item.
"""

from __future__ import annotations

import pytest
from flask import Flask

from app.plans.dashboard import PLANS_DASHBOARD
from app.plans.report_views import EXECUTION
from tests.core.dashboards import assert_same_numbers, built_as
from tests.plans.test_reports import build_dataset

YEAR = "?date_from=01.01.2026&date_to=31.12.2026"
UDKH = "Управление дорожно-коммунального хозяйства и благоустройства"
KGKH = "Комитет жилищно-коммунального хозяйства"


@pytest.fixture
def dataset(app: Flask) -> dict[str, int]:
    return build_dataset(app)


def test_the_plans_dashboard_charts_the_execution_reports_numbers(dataset, app):
    charts, (tables,) = built_as(app, PLANS_DASHBOARD, "supervisor", YEAR, (EXECUTION,))
    assert list(charts) == ["bodies", "months"]
    # Исполнено, перенесено, не исполнено, без отметки, запланировано, %, отменено.
    assert charts["bodies"][1] == [
        [KGKH, "3", "0", "0", "0", "3", "100,0", "0"],
        [UDKH, "4", "1", "1", "1", "9", "66,7", "2"],
    ]
    # The percentage of the sums (7 ÷ 9), never a sum of percentages.
    assert charts["bodies"][2] == ["", "7", "1", "1", "1", "12", "77,8", "2"]
    assert charts["months"][1] == [["02.2026", "9", "4"], ["03.2026", "3", "3"]]
    assert charts["months"][2] == ["", "12", "7"]
    # «По ответственным органам» of the report: the same numbers in every row, column and the total.
    by_body = tables[2]
    assert by_body[0][0] == "Ответственный орган"
    assert assert_same_numbers(charts["bodies"], by_body) == 3 * 7


def test_a_body_clerk_sees_only_his_bodys_items(dataset, app):
    charts, (tables,) = built_as(app, PLANS_DASHBOARD, "udkh", YEAR, (EXECUTION,))
    assert charts["bodies"][1] == [[UDKH, "4", "1", "1", "1", "9", "66,7", "2"]]
    assert charts["months"][1] == [["02.2026", "9", "4"]]
    assert_same_numbers(charts["bodies"], tables[2])
    assert all(rows == [] for _h, rows, *_ in built_as(app, PLANS_DASHBOARD, "culture", YEAR)[0].values())


def test_the_page_is_for_the_readers_of_plan_items(dataset, login):
    page = login("plans").get("/dashboards/plans/" + YEAR)
    assert page.status_code == 200 and page.text.count("<svg ") == 2
    assert login("housing").get("/dashboards/plans/").status_code == 403
