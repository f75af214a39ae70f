"""Deadline rules in months (negative: before the start) and on day N of the next month (issue #15).

Facts used: 01.03.2026 and 28.02.2026 are a Sunday and a Saturday; 10.01.2026 falls in the New Year holidays
(01.01–11.01.2026) and 31.12.2025 is a day off (transferred), so the 30.12.2025 before it is the last working
day of 2025; 10.10.2026 is a Saturday.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.core.calendar import Shift, add_months, day_of_next_month, due_date
from app.core.calendar.models import DeadlineRule, DeadlineUnit
from app.core.calendar.services import check_rule, seed_deadline_rules, seed_working_days
from app.core.errors import ValidationFailed
from app.extensions import db
from tests.conftest import login_client

D = dt.date


@pytest.fixture
def calendar(app_ctx):
    seed_working_days(2024, 2028)
    seed_deadline_rules()
    db.session.commit()
    return app_ctx


def _rule(code: str, amount: int, unit: DeadlineUnit, shift: Shift = Shift.PREVIOUS_WORKING) -> str:
    db.session.add(DeadlineRule(code=code, name=code, amount=amount, unit=unit.value, shift=shift.value))
    db.session.commit()
    return code


# ---- the arithmetic ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (D(2026, 1, 31), 1, D(2026, 2, 28)),  # the month's end, not 03.03
        (D(2024, 1, 31), 1, D(2024, 2, 29)),  # a leap year
        (D(2026, 3, 31), -1, D(2026, 2, 28)),
        (D(2027, 1, 1), -1, D(2026, 12, 1)),  # back over a year's end
        (D(2026, 5, 15), -12, D(2025, 5, 15)),
    ],
)
def test_months_are_added_to_the_date_and_clipped_to_the_months_end(start, months, expected):
    assert add_months(start, months) == expected


@pytest.mark.parametrize(
    ("start", "day", "expected"),
    [
        (D(2026, 3, 31), 10, D(2026, 4, 10)),
        (D(2026, 3, 1), 10, D(2026, 4, 10)),  # any day of the month: the next month's 10th
        (D(2025, 12, 31), 10, D(2026, 1, 10)),  # over a year's end
        (D(2026, 1, 15), 31, D(2026, 2, 28)),  # a day February lacks: its last day
    ],
)
def test_day_n_of_the_next_month(start, day, expected):
    assert day_of_next_month(start, day) == expected


# ---- rules in months, counted back from a period's start ---------------------------------


def test_a_month_before_the_period_is_that_day_of_the_previous_month(calendar):
    code = _rule("proposals_test", -1, DeadlineUnit.MONTHS)
    assert due_date(code, D(2027, 1, 1)).due == D(2026, 12, 1)  # a Tuesday


def test_a_month_before_falling_on_a_sunday_moves_to_the_friday_before(calendar):
    code = _rule("proposals_test", -1, DeadlineUnit.MONTHS)
    assert due_date(code, D(2026, 4, 1)).due == D(2026, 2, 27)  # 01.03.2026 is a Sunday


def test_a_month_before_a_months_end_is_the_previous_months_end(calendar):
    code = _rule("proposals_test", -1, DeadlineUnit.MONTHS)
    assert due_date(code, D(2026, 3, 31)).due == D(2026, 2, 27)  # 28.02.2026 is a Saturday


def test_a_term_counted_back_to_a_weekend_moves_further_back(calendar):
    # 01.02.2026 is a Sunday: «no later than» — the Friday before.
    code = _rule("proposals_test", -1, DeadlineUnit.MONTHS)
    assert due_date(code, D(2026, 3, 1)).due == D(2026, 1, 30)


def test_a_term_forward_in_months_shifts_to_a_working_day(calendar):
    code = _rule("months_forward", 1, DeadlineUnit.MONTHS)
    assert due_date(code, D(2026, 1, 31)).due == D(2026, 2, 27)  # 28.02.2026 is a Saturday
    assert due_date(code, D(2026, 2, 15)).due == D(2026, 3, 13)


def test_a_term_counted_back_into_an_unpublished_year_is_unconfirmed(calendar):
    code = _rule("proposals_test", -1, DeadlineUnit.MONTHS)
    assert due_date(code, D(2031, 1, 1)).unconfirmed is True
    assert due_date(code, D(2027, 1, 1)).unconfirmed is False


# ---- rules on day N of the next month ---------------------------------------------------------


def test_the_10th_of_the_month_after_a_quarter(calendar):
    code = _rule("note_test", 10, DeadlineUnit.NEXT_MONTH_DAY)
    assert due_date(code, D(2026, 3, 31)).due == D(2026, 4, 10)  # a Friday


def test_the_10th_on_a_saturday_moves_to_the_friday_before(calendar):
    code = _rule("note_test", 10, DeadlineUnit.NEXT_MONTH_DAY)
    assert due_date(code, D(2026, 9, 30)).due == D(2026, 10, 9)


def test_the_10th_in_the_new_year_holidays_runs_to_the_first_working_day_after_them(calendar):
    # 10.01.2026 is a holiday; the working day before it (30.12.2025) precedes December's end: no earlier
    # than the period itself, the term runs to the first working day after the holidays.
    code = _rule("note_test", 10, DeadlineUnit.NEXT_MONTH_DAY)
    assert due_date(code, D(2025, 12, 31)).due == D(2026, 1, 12)
    assert due_date(code, D(2024, 12, 31)).due == D(2025, 1, 10)  # the 2025 holidays end on the 8th


def test_the_next_months_last_day_when_it_lacks_day_n(calendar):
    code = _rule("last_day_test", 31, DeadlineUnit.NEXT_MONTH_DAY, Shift.NONE)
    assert due_date(code, D(2026, 1, 20)).due == D(2026, 2, 28)
    assert due_date(code, D(2024, 1, 20)).due == D(2024, 2, 29)


def test_the_plans_rules_are_seeded_in_the_new_units(calendar):
    rules = {r.code: r for r in db.session.scalars(select(DeadlineRule).where(DeadlineRule.code.like("plans_%")))}
    assert (rules["plans_proposals"].amount, rules["plans_proposals"].unit) == (-1, "months")
    assert (rules["plans_execution_note"].amount, rules["plans_execution_note"].unit) == (10, "next_month_day")


# ---- what an amount may be, per unit ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("unit", "amount", "allowed"),
    [
        (DeadlineUnit.CALENDAR_DAYS, 30, True),
        (DeadlineUnit.CALENDAR_DAYS, -1, False),
        (DeadlineUnit.WORKING_DAYS, 0, False),
        (DeadlineUnit.MONTHS, -1, True),
        (DeadlineUnit.MONTHS, 3, True),
        (DeadlineUnit.MONTHS, 0, False),
        (DeadlineUnit.NEXT_MONTH_DAY, 31, True),
        (DeadlineUnit.NEXT_MONTH_DAY, 32, False),
        (DeadlineUnit.NEXT_MONTH_DAY, 0, False),
    ],
)
def test_the_amount_must_fit_the_unit(calendar, unit, amount, allowed):
    rule = DeadlineRule(code="x", name="x", amount=amount, unit=unit.value, shift="none")
    if allowed:
        assert check_rule(rule) is rule
    else:
        with pytest.raises(ValidationFailed) as refused:
            check_rule(rule)
        assert refused.value.field == "amount"


def test_the_table_refuses_a_months_rule_of_zero(calendar):
    db.session.add(DeadlineRule(code="zero", name="zero", amount=0, unit="months", shift="none"))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_admin_adds_a_months_rule_and_is_told_why_zero_is_refused(app):
    with app.app_context():
        seed_deadline_rules()
        db.session.commit()
    admin = login_client(app, "admin")
    data = {"code": "before_quarter", "name": "За два месяца до квартала", "unit": "months", "shift": "none"}
    refused = admin.post("/deadlineruleview/add", data={**data, "amount": "0"})
    assert refused.status_code == 200
    assert "Срок в месяцах — от -120 до 120, кроме 0" in refused.text
    assert admin.post("/deadlineruleview/add", data={**data, "amount": "-2"}).status_code == 302
    with app.app_context():
        assert due_date("before_quarter", D(2026, 7, 1)).due == D(2026, 5, 1)
    page = admin.get("/deadlineruleview/list/").text
    assert "Месяцы" in page


def test_admin_form_offers_the_day_of_the_next_month(app):
    admin = login_client(app, "admin")
    page = admin.get("/deadlineruleview/add").text
    assert "Число следующего месяца" in page
    data = {"code": "by_the_5th", "name": "К 5-му числу", "amount": "40", "unit": "next_month_day", "shift": "none"}
    refused = admin.post("/deadlineruleview/add", data=data)
    assert "Число месяца — от 1 до 31" in refused.text
