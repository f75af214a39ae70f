"""The events dashboard charts the R-E1 statistics' own numbers (held vs planned), in the reader's scope.

A small known 2020 programme coordinated by the committee for youth (КОН): culture organises a concert
in January (held) and one in February (cancelled); УДКХиБ a clean-up in February (held) and one in
March (still planned); an annulled event is nowhere.
"""

from __future__ import annotations

import datetime as dt
import html

import pytest
from flask import Flask

from app.events.dashboard import EVENTS_DASHBOARD
from app.events.models import EventFormat
from app.events.report_views import SUMMARY
from app.events.services import cancel_event, mark_held
from app.extensions import db
from app.org.services import body_by_code
from tests.core.dashboards import assert_same_numbers, built_as
from tests.core.test_workspace_home import listed_total
from tests.events.factory import event, local, programme

YEAR = "?date_from=01.01.2020&date_to=31.12.2020"


@pytest.fixture
def known(app: Flask) -> dict[str, str]:
    with app.app_context():
        plan = programme(coordinator="kon")
        january = event(plan, local(2020, 1, 15), organiser="culture", district="central")
        february = event(plan, local(2020, 2, 10), organiser="culture", district="zavodskoy")
        cleanup = event(plan, local(2020, 2, 20), title="Субботник", organiser="udkh", district="zavodskoy")
        event(plan, local(2020, 3, 5), title="Субботник", organiser="udkh", district="central")
        annulled = event(plan, local(2020, 3, 6), title="Внесено по ошибке", organiser="udkh")
        annulled.annulled_at, annulled.annul_reason = dt.datetime(2020, 3, 7), "Внесено по ошибке"
        mark_held(january, actual_format=EventFormat.IN_PERSON.value, participants_actual=100)
        mark_held(cleanup, actual_format=EventFormat.IN_PERSON.value, participants_actual=40)
        cancel_event(february, "Ограничительные меры")
        db.session.commit()
        return {"culture": body_by_code("culture").name, "udkh": body_by_code("udkh").name}


def test_the_events_dashboard_charts_the_statistics_numbers(known, app):
    charts, (tables,) = built_as(app, EVENTS_DASHBOARD, "supervisor", YEAR, (SUMMARY,))
    assert list(charts) == ["months", "organisers", "districts"]
    # Запланировано, проведено — by month of start.
    assert charts["months"][1] == [["январь 2020", "1", "1"], ["февраль 2020", "2", "1"], ["март 2020", "1", "0"]]
    assert charts["months"][2] == ["", "4", "2"]
    # Проведено, перенесено, отменено, запланировано — by organiser and by district.
    assert sorted(charts["organisers"][1]) == sorted(
        [[known["culture"], "1", "0", "1", "2"], [known["udkh"], "1", "0", "0", "2"]]
    )
    assert sorted(charts["districts"][1]) == [["Заводской", "1", "0", "1", "2"], ["Центральный", "1", "0", "0", "2"]]
    assert charts["districts"][2] == ["", "2", "0", "1", "4"]
    # The statistics' tables (by month, organiser, district) say the same numbers in every row and total.
    by_month, by_organiser, by_district = tables
    compared = (
        assert_same_numbers(charts["months"], by_month)
        + assert_same_numbers(charts["organisers"], by_organiser)
        + assert_same_numbers(charts["districts"], by_district)
    )
    assert compared == 4 * 2 + 3 * 4 + 3 * 4


def test_an_organisers_clerk_sees_only_his_bodys_events(known, app):
    charts, (tables,) = built_as(app, EVENTS_DASHBOARD, "udkh", YEAR, (SUMMARY,))
    assert charts["months"][1] == [["февраль 2020", "1", "1"], ["март 2020", "1", "0"]]
    assert charts["organisers"][1] == [[known["udkh"], "1", "0", "0", "2"]]
    assert_same_numbers(charts["districts"], tables[2])


def test_every_linked_number_opens_the_event_list_of_exactly_that_many_rows(known, app, login):
    client = login("supervisor")
    checked = 0
    for key, (_headers, rows, _total, urls) in built_as(app, EVENTS_DASHBOARD, "supervisor", YEAR)[0].items():
        for row, row_urls in zip(rows, urls, strict=True):
            for text, url in zip(row, row_urls, strict=True):
                if url:
                    assert listed_total(client, html.unescape(url)) == text, (key, url)
                    checked += 1
    # Months: 3 planned + 2 held; organisers and districts: 2 held, 1 cancelled, 2 planned each.
    assert checked == 5 + 5 + 5


def test_the_page_is_for_the_readers_of_events(known, login):
    page = login("events").get("/dashboards/events/" + YEAR)
    assert page.status_code == 200 and page.text.count("<svg ") == 3
    assert login("housing").get("/dashboards/events/").status_code == 403
