"""The housing dashboard: the queue by list today and the movement of 2020 — the housing reports' own numbers.

Known: three cases registered in the general list in 2020 — two in Заводской (one removed on his own
application in June), one in Центральный. The demo's cases stand in the queue too: the queue chart is
checked against the queue report's own count and by how much the known cases change it.
"""

from __future__ import annotations

import datetime as dt

from flask import Flask

from app.housing.dashboard import HOUSING_DASHBOARD
from app.housing.report_views import MOVEMENT, QUEUE
from app.org.services import district_by_code
from tests.core.dashboards import assert_same_numbers, built_as
from tests.housing.conftest import acting_as
from tests.housing.factories import on_register, remove

D = dt.date
YEAR = "?date_from=01.01.2020&date_to=31.12.2020"
GENERAL = "Общий список"


def _known(app: Flask) -> None:
    from app.extensions import db

    with acting_as(app):
        on_register("Иванов", D(2020, 3, 10))
        removed = on_register("Петров", D(2020, 3, 12), address="г. Новокузнецк, ул. Кирова, д. 2, кв. 5")
        on_register("Сидоров", D(2020, 4, 15), district="central", address="г. Новокузнецк, пр. Металлургов, д. 3")
        remove(removed, D(2020, 6, 1))
        db.session.commit()


def _queue(charts: dict) -> dict[str, str]:
    return {row[0]: row[1] for row in charts["queue"][1]}


def test_the_housing_dashboard_charts_the_queue_and_the_movement_reports_numbers(app):
    before = _queue(built_as(app, HOUSING_DASHBOARD, "supervisor", YEAR)[0])
    _known(app)
    charts, (movement, queue) = built_as(app, HOUSING_DASHBOARD, "supervisor", YEAR, (MOVEMENT, QUEUE))
    assert list(charts) == ["queue", "movement", "removals"]
    # The queue today: two more families in the general list (the removed one is not in it), no other list moved.
    after = _queue(charts)
    assert int(after[GENERAL]) == int(before[GENERAL]) + 2
    assert {k: v for k, v in after.items() if k != GENERAL} == {k: v for k, v in before.items() if k != GENERAL}
    # The queue report (its first list, the general one) counts the same families today.
    assert queue[0][3].startswith(f"{GENERAL} на ") and queue[0][3].endswith(f": {after[GENERAL]}")
    # Принято на учёт, снято, предоставлено жильё, отказано, изменён список, восстановлено — by district.
    assert charts["movement"][1] == [
        ["Заводской", "2", "1", "0", "0", "0", "0"],
        ["Центральный", "1", "0", "0", "0", "0", "0"],
    ]
    assert charts["movement"][2] == ["", "3", "1", "0", "0", "0", "0"]
    assert charts["removals"][1] == [["Подача заявления о снятии с учёта (п. 1 ч. 1 ст. 56)", "1"]]
    by_district, by_ground = movement
    assert assert_same_numbers(charts["movement"], by_district, {"Снято с учёта": "Снято с учёта"}) == 3 * 6
    assert assert_same_numbers(charts["removals"], by_ground) == 2


def test_a_district_clerk_counts_only_his_district(app):
    before = _queue(built_as(app, HOUSING_DASHBOARD, "zavodskoy", YEAR)[0])
    _known(app)
    charts, (movement,) = built_as(app, HOUSING_DASHBOARD, "zavodskoy", YEAR, (MOVEMENT,))
    assert int(_queue(charts)[GENERAL]) == int(before[GENERAL]) + 1
    assert charts["movement"][1] == [["Заводской", "2", "1", "0", "0", "0", "0"]]
    assert_same_numbers(charts["movement"], movement[0])


def test_the_district_filter_narrows_the_queue_as_the_district_clerks_scope_does(app):
    _known(app)
    with app.app_context():
        zavodskoy = district_by_code("zavodskoy").id
    charts = built_as(app, HOUSING_DASHBOARD, "supervisor", f"{YEAR}&district={zavodskoy}")[0]
    assert _queue(charts) == _queue(built_as(app, HOUSING_DASHBOARD, "zavodskoy", YEAR)[0])
    assert charts["movement"][1] == [["Заводской", "2", "1", "0", "0", "0", "0"]]


def test_the_page_is_for_the_readers_of_the_register(app, login):
    _known(app)
    page = login("housing").get("/dashboards/housing/" + YEAR)
    assert page.status_code == 200 and page.text.count("<svg ") == 3
    assert login("udkh").get("/dashboards/housing/").status_code == 403
