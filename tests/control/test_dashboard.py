"""The control dashboard charts R-C1's own numbers (executive discipline by body), in the reader's statistics scope.

A small known year (2020, before any demo instruction): УДКХиБ — one removed on time, one removed late,
one open past its deadline, one annulled; the housing committee — one removed on time, one removed on
time against an extended deadline.
"""

from __future__ import annotations

import datetime as dt

import pytest
from flask import Flask
from sqlalchemy import insert

from app.control.dashboard import CONTROL_DASHBOARD
from app.control.models import Instruction
from app.control.report_views import DISCIPLINE
from app.extensions import db
from app.org.services import body_by_code
from tests.control.test_discipline import _row
from tests.core.dashboards import assert_same_numbers, built_as

D = dt.date
#: The chart's legend says which removals it counts; the report's columns sit under «Снято с контроля».
ALIASES = {"Снято в срок": "из них в срок", "Снято с нарушением срока": "с нарушением срока"}
YEAR = "?date_from=01.01.2020&date_to=31.12.2020"


@pytest.fixture
def known(app: Flask) -> dict[str, str]:
    with app.app_context():
        udkh, kgkh = body_by_code("udkh"), body_by_code("kgkh")
        removed = {"status": "removed", "removal_basis": "Акт"}
        rows = [
            _row(1, udkh.id, D(2020, 1, 10), deadline=D(2020, 2, 9), removed_on=D(2020, 2, 7), **removed),
            _row(2, udkh.id, D(2020, 2, 10), deadline=D(2020, 3, 11), removed_on=D(2020, 3, 16), **removed),
            _row(3, udkh.id, D(2020, 3, 1), deadline=D(2020, 3, 31)),
            _row(4, udkh.id, D(2020, 3, 2), annulled_at=dt.datetime(2020, 3, 3), annul_reason="Ошибка"),
            _row(5, kgkh.id, D(2020, 4, 1), deadline=D(2020, 5, 1), removed_on=D(2020, 4, 29), **removed),
            _row(
                6,
                kgkh.id,
                D(2020, 5, 1),
                deadline=D(2020, 5, 31),
                deadline_original=D(2020, 5, 21),
                removed_on=D(2020, 5, 29),
                **removed,
            ),
        ]
        db.session.execute(insert(Instruction), rows)
        db.session.commit()
        return {"udkh": udkh.name, "kgkh": kgkh.name}


def test_the_control_dashboard_charts_the_discipline_reports_numbers(known, app):
    charts, (tables,) = built_as(app, CONTROL_DASHBOARD, "supervisor", YEAR, (DISCIPLINE,))
    assert list(charts) == ["removal", "on_time"]
    # Снято в срок, с нарушением, просрочено (не снято), поставлено, % исполнения — by body name.
    assert charts["removal"][1] == [
        [known["kgkh"], "2", "0", "0", "2", "100,00"],
        [known["udkh"], "1", "1", "1", "3", "66,67"],
    ]
    assert charts["removal"][2] == ["", "3", "1", "1", "5", "80,00"]
    # Срок в периоде, исполнено в срок, % в срок, продлено: the extended one is on time against its new deadline.
    assert charts["on_time"][1] == [
        [known["kgkh"], "2", "2", "100,00", "1"],
        [known["udkh"], "3", "1", "33,33", "0"],
    ]
    # The report's table says the same numbers, row by row and in its total line.
    compared = sum(assert_same_numbers(charts[key], tables[0], ALIASES) for key in charts)
    assert compared == (2 + 1) * 5 + (2 + 1) * 4


def test_a_body_clerk_sees_only_his_bodys_instructions(known, app):
    charts, (tables,) = built_as(app, CONTROL_DASHBOARD, "udkh", YEAR, (DISCIPLINE,))
    assert charts["removal"][1] == [[known["udkh"], "1", "1", "1", "3", "66,67"]]
    assert_same_numbers(charts["removal"], tables[0], ALIASES)
    # A body with no instruction of its own in the year: nothing to chart.
    assert all(rows == [] for _h, rows, *_ in built_as(app, CONTROL_DASHBOARD, "culture", YEAR)[0].values())


def test_the_page_is_for_the_readers_of_instructions(known, login):
    page = login("control").get("/dashboards/control/" + YEAR)
    assert page.status_code == 200 and page.text.count("<svg ") == 2
    assert login("housing").get("/dashboards/control/").status_code == 403
