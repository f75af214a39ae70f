"""The Admin edits the production calendar and the deadline rules; staff only read them."""

from __future__ import annotations

import datetime as dt

import pytest
from flask import Flask
from sqlalchemy import select

from app.core.calendar import due_date
from app.core.calendar.models import DeadlineRule, WorkingDay
from app.core.calendar.services import seed_deadline_rules, seed_working_days
from app.extensions import db
from tests.conftest import login_client


@pytest.fixture
def cal_app(app: Flask) -> Flask:
    """The app (create_app registers the calendar views) with the years these tests use."""
    with app.app_context():
        seed_working_days(2024, 2028)
        seed_deadline_rules()
        db.session.commit()
    return app


def _filter_index(app: Flask, view: str, column: str, arg_name: str) -> int:
    view_obj = next(v for v in app.appbuilder.baseviews if v.__class__.__name__ == view)
    filters = view_obj._filters.get_search_filters()[column]
    return next(i for i, f in enumerate(filters) if f.arg_name == arg_name)


def _day_id(app: Flask, day: dt.date) -> int:
    with app.app_context():
        return db.session.scalar(select(WorkingDay.id).where(WorkingDay.day == day))


def _rule(code: str) -> DeadlineRule:
    return db.session.scalar(select(DeadlineRule).where(DeadlineRule.code == code))


def test_admin_lists_one_month_by_year_and_month(cal_app):
    admin = login_client(cal_app, "admin")
    year = _filter_index(cal_app, "WorkingDayView", "year", "eq")
    month = _filter_index(cal_app, "WorkingDayView", "month", "eq")
    page = admin.get(f"/workingdayview/list/?_flt_{year}_year=2024&_flt_{month}_month=5").text
    assert "01.05.2024, ср" in page and "31.05.2024, пт" in page
    assert "30.04.2024" not in page and "01.05.2025" not in page
    assert "Праздник Весны и Труда" in page
    assert "Выходной или праздничный" in page


def test_admin_edits_a_day_and_deadlines_follow(cal_app):
    admin = login_client(cal_app, "admin")
    pk = _day_id(cal_app, dt.date(2024, 12, 28))
    form = admin.get(f"/workingdayview/edit/{pk}").text
    assert 'value="28.12.2024"' in form and "readonly" in form
    response = admin.post(
        f"/workingdayview/edit/{pk}",
        data={
            "day": "01.01.2030",
            "kind": "non_working",
            "note": "Решение Главы города",
            "confirmed": "y",
            "version": 1,
        },
    )
    assert response.status_code == 302
    with cal_app.app_context():
        day = db.session.get(WorkingDay, pk)
        assert (day.day, day.kind, day.note, day.source) == (
            dt.date(2024, 12, 28),
            "non_working",
            "Решение Главы города",
            "admin",
        )
        assert due_date("appeal_answer", dt.date(2024, 12, 2)).due == dt.date(2024, 12, 27)


def test_admin_confirms_selected_days(cal_app):
    admin = login_client(cal_app, "admin")
    ids = [_day_id(cal_app, dt.date(2028, 1, d)) for d in (3, 4)]
    response = admin.post("/workingdayview/action_post", data={"action": "confirm", "rowid": ids})
    assert response.status_code == 302
    with cal_app.app_context():
        assert [db.session.get(WorkingDay, pk).confirmed for pk in ids] == [True, True]
        assert db.session.get(WorkingDay, ids[0]).source == "admin"


def test_working_days_cannot_be_deleted(cal_app):
    """Days are never removed; a day of a year not seeded is entered (tests/core/test_calendar_transfers.py)."""
    admin = login_client(cal_app, "admin")
    pk = _day_id(cal_app, dt.date(2024, 12, 28))
    assert admin.post(f"/workingdayview/delete/{pk}").status_code == 404


def test_admin_changes_a_rule_amount_and_the_due_date_changes(cal_app):
    admin = login_client(cal_app, "admin")
    with cal_app.app_context():
        pk = _rule("appeal_answer").id
    response = admin.post(
        f"/deadlineruleview/edit/{pk}",
        data={
            "code": "hacked",
            "name": "Рассмотрение обращения и ответ",
            "amount": "20",
            "unit": "calendar_days",
            "shift": "previous_working",
            "basis": "ч. 1 ст. 12 № 59-ФЗ",
            "version": 1,
        },
    )
    assert response.status_code == 302
    with cal_app.app_context():
        assert (_rule("appeal_answer").amount, _rule("appeal_answer").id) == (20, pk)  # the code stays
        assert due_date("appeal_answer", dt.date(2024, 12, 2)).due == dt.date(2024, 12, 20)


def test_rule_amount_must_be_positive(cal_app):
    admin = login_client(cal_app, "admin")
    with cal_app.app_context():
        pk = _rule("appeal_answer").id
    data = {"name": "Ответ", "amount": "0", "unit": "calendar_days", "shift": "previous_working"}
    response = admin.post(f"/deadlineruleview/edit/{pk}", data=data)
    assert response.status_code == 200
    with cal_app.app_context():
        assert _rule("appeal_answer").amount == 30


def test_admin_adds_a_rule_but_not_with_a_taken_code(cal_app):
    admin = login_client(cal_app, "admin")
    data = {"code": "appeal_kuzbass", "name": "Кузбасс онлайн", "amount": "15", "unit": "working_days", "shift": "none"}
    assert admin.post("/deadlineruleview/add", data=data).status_code == 302
    taken = admin.post("/deadlineruleview/add", data={**data, "code": "appeal_answer"})
    assert taken.status_code == 200
    assert "Уже существует" in taken.text
    with cal_app.app_context():
        assert due_date("appeal_kuzbass", dt.date(2024, 12, 2)).due == dt.date(2024, 12, 23)  # 15th working day
        assert _rule("appeal_answer").amount == 30


def test_rules_cannot_be_deleted(cal_app):
    admin = login_client(cal_app, "admin")
    with cal_app.app_context():
        pk = _rule("appeal_answer").id
    assert admin.post(f"/deadlineruleview/delete/{pk}").status_code == 404


def test_staff_read_the_calendar_and_rules_but_cannot_edit(cal_app):
    clerk = login_client(cal_app, "appeals")
    pk = _day_id(cal_app, dt.date(2024, 12, 28))
    assert clerk.get("/workingdayview/list/").status_code == 200
    assert "Рассмотрение обращения и ответ" in clerk.get("/deadlineruleview/list/").text
    assert clerk.get(f"/workingdayview/show/{pk}").status_code == 200
    assert clerk.get(f"/workingdayview/edit/{pk}").status_code == 403
    assert clerk.post(f"/workingdayview/edit/{pk}", data={"kind": "non_working"}).status_code == 403
    assert clerk.post("/workingdayview/action_post", data={"action": "confirm", "rowid": [pk]}).status_code == 403
    assert clerk.get("/deadlineruleview/add").status_code == 403
    with cal_app.app_context():
        assert db.session.get(WorkingDay, pk).kind == "shortened"


def test_calendar_menu_has_russian_labels(cal_app):
    for username in ("admin", "supervisor"):
        menu = login_client(cal_app, username).get("/api/v1/menu/").json["result"]
        platform = next(item for item in menu if item["name"] == "Reference")
        assert platform["label"] == "Справочники"
        labels = {c["name"]: c["label"] for c in platform["childs"]}
        assert labels["WorkingDays"] == "Производственный календарь"
        assert labels["DeadlineRules"] == "Сроки исполнения"


def test_search_form_offers_months_and_day_kinds_by_name(cal_app):
    page = login_client(cal_app, "admin").get("/workingdayview/list/").text
    assert "\\u0434\\u0435\\u043a\\u0430\\u0431\\u0440\\u044c" in page  # «декабрь» in the filter widget's JSON
    assert 'value=\\"non_working\\"' in page


def test_admin_finds_non_working_days_of_a_month(cal_app):
    admin = login_client(cal_app, "admin")
    year = _filter_index(cal_app, "WorkingDayView", "year", "eq")
    month = _filter_index(cal_app, "WorkingDayView", "month", "eq")
    kind = _filter_index(cal_app, "WorkingDayView", "kind", "eq")
    page = admin.get(
        f"/workingdayview/list/?_flt_{year}_year=2025&_flt_{month}_month=1&_flt_{kind}_kind=non_working"
    ).text
    assert "08.01.2025, ср" in page and "11.01.2025, сб" in page
    assert "09.01.2025" not in page
