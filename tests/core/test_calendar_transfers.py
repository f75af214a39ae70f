"""The calendar of years the `holidays` package does not know yet follows ТК РФ ст. 112 ч. 2, and the Admin
enters days a decree declares non-working for any year, past ones included (issue 13, item 16)."""

from __future__ import annotations

import datetime as dt
import re

import holidays
import pytest
from sqlalchemy import select

from app.core.calendar import add_working_days, due_date, is_working_day
from app.core.calendar.models import WorkingDay
from app.core.calendar.reference import default_days, labour_code_transfers, last_known_year
from app.core.calendar.services import seed_deadline_rules, seed_working_days
from app.extensions import db
from tests.conftest import login_client

D = dt.date


@pytest.mark.parametrize(
    ("year", "moved"),
    [
        (2028, {D(2028, 11, 6): D(2028, 11, 4)}),  # Unity Day on a Saturday → Monday
        (2029, {D(2029, 11, 5): D(2029, 11, 4)}),  # on a Sunday → Monday
        (2030, {D(2030, 2, 25): D(2030, 2, 23)}),
        # 2033: 1 and 8 January on a Saturday stay where they are (the government moves those by decree);
        # 1 May and 12 June on a Sunday → the Mondays.
        (2033, {D(2033, 5, 2): D(2033, 5, 1), D(2033, 6, 13): D(2033, 6, 12)}),
        # 2027: 1 May (Saturday) → Monday 3 May; 9 May (Sunday) → Monday 10 May, the 3rd being taken.
        (2027, {D(2027, 5, 3): D(2027, 5, 1), D(2027, 5, 10): D(2027, 5, 9), D(2027, 6, 14): D(2027, 6, 12)}),
    ],
)
def test_a_holiday_on_a_day_off_moves_to_the_next_working_day_but_new_year_days_do_not(year, moved):
    assert labour_code_transfers(year) == moved


#: Published calendars whose weekend holidays the government left to the article (in 2013, 2014, 2019 and
#: 2025 a decree moved 23 February or 8 March elsewhere: that is why those years wait for the decree).
BY_THE_ARTICLE = (2015, 2016, 2017, 2018, 2020, 2021, 2022, 2023, 2026, 2027)


@pytest.mark.parametrize("year", BY_THE_ARTICLE)
def test_the_rule_gives_the_days_off_of_the_published_calendars_that_follow_it(year):
    """Each day the article moves a holiday to is a day off in the government's published calendar."""
    if year > last_known_year():
        pytest.skip("the installed package does not know this year")
    calendar = holidays.country_holidays("RU", years=[year])
    moved = labour_code_transfers(year)
    assert moved and all(not calendar.is_working_day(day_off) for day_off in moved)


def test_an_unknown_years_transferred_day_is_a_day_off_unconfirmed_with_its_reason():
    assert last_known_year() < 2028
    day = default_days(2028)[D(2028, 11, 6)]
    assert (day.kind, day.confirmed) == ("non_working", False)
    assert day.note == "Выходной: перенос праздника 04.11.2028 (ч. 2 ст. 112 ТК РФ)"
    # New Year on a Saturday: the 1–8 January days stay, nothing is moved to the 10th.
    assert default_days(2028)[D(2028, 1, 10)].kind == "working"


def test_a_term_ending_on_the_transferred_day_moves_before_the_long_weekend(app_ctx):
    seed_working_days(2028, 2028)
    seed_deadline_rules()
    assert not is_working_day(D(2028, 11, 6))
    deadline = due_date("appeal_answer", D(2028, 10, 7))  # + 30 days = Monday 06.11.2028
    assert (deadline.due, deadline.unconfirmed) == (D(2028, 11, 3), True)
    assert add_working_days(D(2028, 11, 3), 1) == D(2028, 11, 7)


def test_the_admin_enters_a_decrees_non_working_day_of_a_past_year(app):
    """24.06.2020 (the Victory parade) and 01.07.2020 (the vote) were declared non-working by decree."""
    admin = login_client(app, "admin")
    form = admin.get("/workingdayview/add").text
    assert "Новый день календаря" in form and '<option selected value="non_working">' in form
    for day, note in (("24.06.2020", "Указ Президента РФ от 01.06.2020 № 354"), ("01.07.2020", "Указ № 345")):
        response = admin.post("/workingdayview/add", data={"day": day, "kind": "non_working", "note": note})
        assert response.status_code == 302, response.text[:3000]
    with app.app_context():
        rows = db.session.scalars(select(WorkingDay).where(WorkingDay.year == 2020).order_by(WorkingDay.day)).all()
        assert [(r.day, r.kind, r.source, r.confirmed) for r in rows] == [
            (D(2020, 6, 24), "non_working", "admin", True),
            (D(2020, 7, 1), "non_working", "admin", True),
        ]
        # Every other day of 2020 is still the package's: a term over them counts the decree's days off.
        assert add_working_days(D(2020, 6, 23), 1) == D(2020, 6, 25)
        assert add_working_days(D(2020, 6, 30), 1) == D(2020, 7, 2)
        # Seeding the year later keeps what the Admin entered.
        seed_working_days(2020, 2020)
        assert db.session.scalar(select(WorkingDay.kind).where(WorkingDay.day == D(2020, 6, 24))) == "non_working"
        db.session.rollback()
    again = admin.post("/workingdayview/add", data={"day": "24.06.2020", "kind": "working"})
    assert again.status_code == 200
    # Beside the date: the form's uniqueness check says it before the service's own would.
    assert re.search(r'id="day".*?alert alert-danger">\s*Уже существует', again.text, re.S)


def test_the_service_refuses_a_second_entry_of_a_day_with_its_date(app_ctx):
    from app.core.calendar.services import enter_day
    from app.core.errors import ValidationFailed

    seed_working_days(2028, 2028)
    with pytest.raises(ValidationFailed, match=re.escape("День 06.11.2028 уже есть в календаре")):
        enter_day(WorkingDay(day=D(2028, 11, 6), kind="working"))


def test_only_the_admin_enters_calendar_days(app):
    clerk = login_client(app, "appeals")
    assert clerk.post("/workingdayview/add", data={"day": "24.06.2020", "kind": "non_working"}).status_code == 403
    with app.app_context():
        assert db.session.scalar(select(WorkingDay.id).where(WorkingDay.day == D(2020, 6, 24))) is None
