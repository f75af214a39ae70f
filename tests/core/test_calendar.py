"""The production calendar and the deadline engine, checked against the official calendars.

Facts used (Постановления Правительства РФ о переносе выходных дней):
2024 — working Saturdays 27.04, 02.11, 28.12; 29.04–01.05 and 09.05–12.05 off; 30–31.12 off.
2025 — 01.01–08.01 off; working Saturday 01.11; 02.05, 08.05, 13.06, 03.11, 31.12 off.
2026 — 01.01–11.01 off.
"""

from __future__ import annotations

import datetime as dt

import pytest
from markupsafe import Markup
from sqlalchemy import func, select

from app.core.calendar import (
    DeadlineStatus,
    ExtensionTooLong,
    Shift,
    UnknownDeadlineRule,
    add_calendar_days,
    add_working_days,
    deadline_badge,
    deadline_status,
    due_date,
    extend_due_date,
    is_working_day,
    seed,
)
from app.core.calendar.models import DayKind, DaySource, DeadlineRule, WorkingDay
from app.core.calendar.reference import DEADLINE_RULES, last_known_year
from app.core.calendar.services import confirm_days, mark_edited, seed_deadline_rules, seed_working_days
from app.core.dates import local_today
from app.core.errors import ValidationFailed
from app.extensions import db

#: The platform's own rules (a domain seeds its rules beside them, e.g. housing's removal term).
PLATFORM_RULES = DeadlineRule.code.in_([rule.code for rule in DEADLINE_RULES])

D = dt.date


@pytest.fixture
def calendar(app_ctx):
    """The calendar 2024–2028 and the deadline rules, as `flask app init` leaves them."""
    seed_working_days(2024, 2028)
    seed_deadline_rules()
    db.session.commit()
    return app_ctx


def _day(day: dt.date) -> WorkingDay:
    return db.session.scalar(select(WorkingDay).where(WorkingDay.day == day))


def _rule(code: str) -> DeadlineRule:
    return db.session.scalar(select(DeadlineRule).where(DeadlineRule.code == code))


def _days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


# ---- the calendar ------------------------------------------------------------------


def test_package_knows_the_published_calendars_2024_to_2026():
    assert last_known_year() >= 2026


def test_2024_transferred_saturdays_are_working_days(calendar):
    for saturday in (D(2024, 4, 27), D(2024, 11, 2), D(2024, 12, 28)):
        assert saturday.weekday() == 5
        assert is_working_day(saturday), saturday
    assert not is_working_day(D(2024, 4, 20))  # an ordinary Saturday


def test_may_2024_holidays_are_non_working(calendar):
    off = _days(D(2024, 4, 28), D(2024, 5, 1)) + _days(D(2024, 5, 9), D(2024, 5, 12))
    assert [d for d in off if is_working_day(d)] == []
    assert is_working_day(D(2024, 5, 2)) and is_working_day(D(2024, 5, 3)) and is_working_day(D(2024, 5, 8))


def test_new_year_2025_is_non_working_from_1_to_8_january(calendar):
    assert [d for d in _days(D(2024, 12, 29), D(2025, 1, 8)) if is_working_day(d)] == []
    assert is_working_day(D(2025, 1, 9))


def test_2025_transfers(calendar):
    assert is_working_day(D(2025, 11, 1))  # Saturday
    for day_off in (D(2025, 5, 2), D(2025, 5, 8), D(2025, 6, 13), D(2025, 11, 3), D(2025, 12, 31)):
        assert day_off.weekday() < 5
        assert not is_working_day(day_off), day_off


def test_new_year_2026_is_non_working_until_11_january(calendar):
    assert [d for d in _days(D(2025, 12, 31), D(2026, 1, 11)) if is_working_day(d)] == []
    assert is_working_day(D(2026, 1, 12))


@pytest.mark.parametrize(("year", "working"), [(2024, 248), (2025, 247), (2026, 247)])
def test_number_of_working_days_matches_the_official_calendar(calendar, year, working):
    count = db.session.scalar(
        select(func.count()).where(WorkingDay.year == year, WorkingDay.kind != DayKind.NON_WORKING.value)
    )
    assert count == working


@pytest.mark.parametrize(
    ("year", "shortened"),
    [
        (2024, ["22.02", "07.03", "27.04", "08.05", "11.06", "02.11", "28.12"]),
        # Not 07.05 and 30.12: the next day is a transferred day off, not a holiday.
        (2025, ["07.03", "30.04", "11.06", "01.11"]),
    ],
)
def test_shortened_pre_holiday_days_match_the_official_calendar(calendar, year, shortened):
    rows = db.session.scalars(
        select(WorkingDay.day).where(WorkingDay.year == year, WorkingDay.kind == DayKind.SHORTENED.value)
    )
    assert [day.strftime("%d.%m") for day in rows] == shortened


def test_seeded_days_carry_the_holiday_and_the_transfer_in_the_note(calendar):
    assert _day(D(2025, 1, 3)).note == "Новогодние каникулы"
    assert _day(D(2024, 4, 29)).note == "Выходной (перенесено с 27.04.2024)"
    assert "выходной перенесён на 29.04.2024" in _day(D(2024, 4, 27)).note


def test_known_years_are_confirmed_and_later_years_are_weekends_and_fixed_holidays_only(calendar):
    known = _day(D(2025, 6, 13))
    assert (known.kind, known.confirmed, known.source) == ("non_working", True, "package")
    assert last_known_year() < 2028
    later = _day(D(2028, 1, 3))  # Monday, a New Year holiday
    assert (later.kind, later.confirmed, later.source) == ("non_working", False, "weekly")
    assert _day(D(2028, 2, 7)).kind == "working"
    assert _day(D(2028, 2, 5)).kind == "non_working"  # Saturday


# ---- counting ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "amount", "unit", "shift", "due"),
    [
        # From Wednesday 10.01.2024; 13.01 is a Saturday, 23.02 a holiday.
        ("appeal_registration", 3, "calendar_days", "previous_working", D(2024, 1, 12)),
        ("appeal_forward", 7, "calendar_days", "previous_working", D(2024, 1, 17)),
        ("appeal_answer", 30, "calendar_days", "previous_working", D(2024, 2, 9)),
        ("appeal_extension", 30, "calendar_days", "previous_working", D(2024, 2, 9)),
        ("appeal_request", 15, "calendar_days", "previous_working", D(2024, 1, 25)),
        ("appeal_pos", 10, "working_days", "none", D(2024, 1, 24)),
        ("housing_decision", 30, "working_days", "none", D(2024, 2, 21)),
        ("housing_handover", 3, "working_days", "none", D(2024, 1, 15)),
        ("instruction_default", 30, "calendar_days", "previous_working", D(2024, 2, 9)),
        ("instruction_urgent", 3, "working_days", "none", D(2024, 1, 15)),
        ("instruction_prompt", 10, "working_days", "none", D(2024, 1, 24)),
    ],
)
def test_seeded_rules(calendar, code, amount, unit, shift, due):
    rule = _rule(code)
    assert (rule.amount, rule.unit, rule.shift) == (amount, unit, shift)
    assert rule.name
    assert due_date(code, D(2024, 1, 10)).due == due


def test_answer_due_30_calendar_days_after_registration(calendar):
    assert due_date("appeal_answer", D(2024, 1, 10)).due == D(2024, 2, 9)


def test_answer_due_on_a_sunday_moves_to_the_preceding_friday(calendar):
    assert due_date("appeal_answer", D(2024, 3, 1)).due == D(2024, 3, 29)  # 31.03.2024 is a Sunday


def test_answer_due_on_new_year_moves_to_working_saturday_28_12_2024(calendar):
    # 02.12.2024 + 30 = 01.01.2025, a holiday; 31.12 and 30.12 are days off, 29.12 a Sunday.
    deadline = due_date("appeal_answer", D(2024, 12, 2))
    assert deadline.due == D(2024, 12, 28)
    assert deadline.rule.code == "appeal_answer"
    assert deadline.unconfirmed is False and deadline.warning is None


def test_pos_10_working_days_over_the_may_2024_holidays(calendar):
    # 27.04 (Sat, working), 02.05, 03.05, 06.05, 07.05, 08.05, 13.05, 14.05, 15.05, 16.05.
    assert due_date("appeal_pos", D(2024, 4, 26)).due == D(2024, 5, 16)


def test_working_days_are_counted_after_the_start_day(calendar):
    assert add_working_days(D(2024, 3, 4), 1) == D(2024, 3, 5)  # Monday -> Tuesday
    assert add_working_days(D(2024, 3, 1), 1) == D(2024, 3, 4)  # Friday -> Monday
    assert add_working_days(D(2024, 3, 4), 0) == D(2024, 3, 4)
    assert add_working_days(D(2024, 3, 4), -1) == D(2024, 3, 1)


def test_transferred_saturday_02_11_2024_counts_as_a_working_day(calendar):
    assert add_working_days(D(2024, 11, 1), 1) == D(2024, 11, 2)
    # housing hand-over: 02.11 (Sat), 05.11 (04.11 is a holiday), 06.11
    assert due_date("housing_handover", D(2024, 11, 1)).due == D(2024, 11, 6)


def test_housing_decision_30_working_days_over_new_year(calendar):
    # From Friday 20.12.2024: 6 working days in 2024 (23–27.12 and Saturday 28.12); 09.01.2025 is the
    # 7th, 10.01 the 8th, then five a week from 13.01: the 28th is 07.02, the 30th Tuesday 11.02.2025.
    assert due_date("housing_decision", D(2024, 12, 20)).due == D(2025, 2, 11)


def test_instruction_terms(calendar):
    assert due_date("instruction_default", D(2025, 4, 3)).due == D(2025, 4, 30)  # 03.05 -> Wed 30.04
    # After 30.04.2025: 01.05–04.05 off; 05, 06, 07.05; 08.05–11.05 off; 12–16.05; 19, 20.05.
    assert due_date("instruction_urgent", D(2025, 4, 30)).due == D(2025, 5, 7)
    assert due_date("instruction_prompt", D(2025, 4, 30)).due == D(2025, 5, 20)


@pytest.mark.parametrize(
    ("shift", "expected"),
    [
        (Shift.PREVIOUS_WORKING, D(2024, 12, 28)),
        (Shift.NEXT_WORKING, D(2025, 1, 9)),
        (Shift.NONE, D(2025, 1, 1)),
    ],
)
def test_calendar_days_shift_when_the_last_day_is_non_working(calendar, shift, expected):
    assert add_calendar_days(D(2024, 12, 2), 30, shift) == expected


def test_the_rule_decides_the_shift(calendar):
    _rule("appeal_answer").shift = Shift.NEXT_WORKING.value
    db.session.commit()
    assert due_date("appeal_answer", D(2024, 12, 2)).due == D(2025, 1, 9)


def test_a_term_made_only_of_days_off_runs_to_the_next_working_day(calendar):
    # 31.12.2025 + 3 = 03.01.2026; the preceding working day (30.12.2025) would be before the start.
    assert due_date("appeal_registration", D(2025, 12, 31)).due == D(2026, 1, 12)


def test_a_timestamp_start_counts_from_the_local_day(calendar):
    # 01.12.2024 20:00 UTC is 02.12.2024 03:00 in Novokuznetsk.
    assert due_date("appeal_answer", dt.datetime(2024, 12, 1, 20, 0)).due == D(2024, 12, 28)


def test_unknown_rule_is_refused(calendar):
    with pytest.raises(UnknownDeadlineRule, match="no_such_rule"):
        due_date("no_such_rule", D(2025, 1, 1))


# ---- extensions --------------------------------------------------------------------


def test_extension_counts_from_the_current_due_date(calendar):
    assert extend_due_date("appeal_extension", D(2024, 12, 28), 30).due == D(2025, 1, 27)
    assert extend_due_date("appeal_extension", D(2024, 12, 28)).due == D(2025, 1, 27)  # the rule's maximum


def test_extension_ending_on_a_holiday_is_shifted_again(calendar):
    # 09.12.2024 + 30 = 08.01.2025 (holiday) -> working Saturday 28.12.2024.
    assert extend_due_date("appeal_extension", D(2024, 12, 9), 30).due == D(2024, 12, 28)
    assert extend_due_date(Shift.NEXT_WORKING, D(2024, 12, 9), 30).due == D(2025, 1, 9)


def test_extension_longer_than_the_rule_allows_or_of_no_days_is_refused(calendar):
    with pytest.raises(ExtensionTooLong, match="не более чем на 30"):
        extend_due_date("appeal_extension", D(2024, 12, 28), 31)
    with pytest.raises(ValidationFailed, match="не менее чем на один день"):
        extend_due_date("appeal_extension", D(2024, 12, 28), 0)
    with pytest.raises(ValidationFailed, match="на сколько дней"):
        extend_due_date(Shift.NEXT_WORKING, D(2024, 12, 28))


# ---- unconfirmed years -------------------------------------------------------------


def test_deadline_in_an_unconfirmed_year_comes_with_a_warning(calendar):
    deadline = due_date("appeal_answer", D(2030, 3, 1))
    assert deadline.due == D(2030, 3, 29)  # 31.03.2030 is a Sunday
    assert deadline.unconfirmed is True
    assert "29.03.2030" in deadline.warning and "не утверждён" in deadline.warning


def test_a_term_running_into_a_seeded_but_unpublished_year_is_unconfirmed(calendar):
    assert due_date("appeal_answer", D(2027, 12, 20)).unconfirmed is True
    assert due_date("appeal_answer", D(2027, 11, 20)).unconfirmed is False


def test_confirming_the_days_removes_the_warning(calendar):
    january = db.session.scalars(select(WorkingDay).where(WorkingDay.year == 2028, WorkingDay.month == 1)).all()
    assert confirm_days(january) == 31
    db.session.commit()
    assert due_date("appeal_answer", D(2027, 12, 20)).unconfirmed is False


# ---- Admin edits -------------------------------------------------------------------


def test_changing_a_rule_amount_changes_the_due_date(calendar):
    assert due_date("appeal_answer", D(2024, 12, 2)).due == D(2024, 12, 28)
    _rule("appeal_answer").amount = 20
    db.session.commit()
    assert due_date("appeal_answer", D(2024, 12, 2)).due == D(2024, 12, 20)  # 22.12 is a Sunday


def test_a_day_made_non_working_moves_the_due_date(calendar):
    day = _day(D(2024, 12, 28))
    day.kind = DayKind.NON_WORKING.value
    mark_edited(day)
    db.session.commit()
    assert due_date("appeal_answer", D(2024, 12, 2)).due == D(2024, 12, 27)


# ---- seeding -----------------------------------------------------------------------


def test_seeding_twice_changes_nothing(calendar):
    def count() -> int:
        return db.session.scalar(select(func.count()).where(WorkingDay.year.between(2024, 2028)))

    assert count() == 366 + 365 * 3 + 366
    assert seed_working_days(2024, 2028) == {"created": 0, "updated": 0}
    assert seed_deadline_rules() == 0
    assert count() == 366 + 365 * 3 + 366
    # The platform's twelve rules, plus those the domains seed with their reference data (plans: two).
    codes = set(db.session.scalars(select(DeadlineRule.code)))
    assert len(DEADLINE_RULES) == 12 and {rule.code for rule in DEADLINE_RULES} <= codes
    assert seed_deadline_rules() == 0 and len(set(db.session.scalars(select(DeadlineRule.code)))) == len(codes)


def test_seeding_never_overwrites_an_admins_edits(calendar):
    _rule("appeal_answer").amount = 25
    _rule("appeal_answer").name = "Ответ на обращение"
    day = _day(D(2024, 12, 28))
    day.kind, day.note = DayKind.NON_WORKING.value, "Решение Главы города"
    mark_edited(day)
    db.session.delete(_rule("instruction_prompt"))
    db.session.commit()
    seed_working_days(2024, 2028)
    assert seed_deadline_rules() == 1  # only the missing rule comes back
    db.session.commit()
    assert (_rule("appeal_answer").amount, _rule("appeal_answer").name) == (25, "Ответ на обращение")
    assert (_day(D(2024, 12, 28)).kind, _day(D(2024, 12, 28)).note) == ("non_working", "Решение Главы города")
    assert _rule("instruction_prompt").amount == 10


def test_a_newer_package_release_fills_in_a_year_seeded_as_unconfirmed(calendar):
    # As if 2027 had been seeded before the package knew its transfers.
    for row in db.session.scalars(select(WorkingDay).where(WorkingDay.year == 2027)):
        row.confirmed, row.source = False, DaySource.WEEKLY.value
    _day(D(2027, 2, 22)).kind = DayKind.WORKING.value
    db.session.commit()
    counts = seed_working_days(2027, 2027)
    assert counts == {"created": 0, "updated": 365}
    feb_22 = _day(D(2027, 2, 22))
    assert (feb_22.kind, feb_22.confirmed, feb_22.source) == ("non_working", True, "package")


def test_seed_covers_two_years_back_and_two_ahead(app_ctx):
    seed()
    db.session.commit()
    year = local_today().year
    rows = db.session.execute(select(WorkingDay.year, WorkingDay.confirmed).distinct()).all()
    assert {y for y, _c in rows} == set(range(year - 2, year + 3))
    assert all(confirmed == (y <= last_known_year()) for y, confirmed in rows)
    # The platform's twelve rules (the domains' own are seeded with their reference data).
    platform = {rule.code for rule in DEADLINE_RULES}
    assert len(platform) == 12 and platform <= set(db.session.scalars(select(DeadlineRule.code)))
    assert seed() == {"created": 0, "updated": 0, "rules": 0}


# ---- list status -------------------------------------------------------------------


def test_status_overdue_when_open_after_the_due_date(calendar):
    assert deadline_status(D(2024, 12, 9), today=D(2024, 12, 10)) is DeadlineStatus.OVERDUE


def test_status_due_soon_on_the_due_date(calendar):
    assert deadline_status(D(2024, 12, 9), today=D(2024, 12, 9)) is DeadlineStatus.DUE_SOON


def test_due_soon_window_is_three_working_days_across_a_weekend(calendar):
    friday = D(2024, 11, 29)
    assert deadline_status(D(2024, 11, 30), today=friday) is DeadlineStatus.DUE_SOON  # Saturday
    assert deadline_status(D(2024, 12, 4), today=friday) is DeadlineStatus.DUE_SOON  # Mon, Tue, Wed
    assert deadline_status(D(2024, 12, 5), today=friday) is DeadlineStatus.OPEN


def test_due_soon_window_follows_transfers(calendar):
    # From Friday 01.11.2024: Saturday 02.11 (working), 05.11 (04.11 a holiday), 06.11.
    assert deadline_status(D(2024, 11, 6), today=D(2024, 11, 1)) is DeadlineStatus.DUE_SOON
    assert deadline_status(D(2024, 11, 7), today=D(2024, 11, 1)) is DeadlineStatus.OPEN


def test_status_of_closed_records(calendar):
    assert deadline_status(D(2024, 12, 9), closed_on=D(2024, 12, 9), today=D(2025, 3, 1)) is DeadlineStatus.ON_TIME
    assert deadline_status(D(2024, 12, 9), closed_on=D(2024, 12, 1)) is DeadlineStatus.ON_TIME
    assert deadline_status(D(2024, 12, 9), closed_on=D(2024, 12, 10)) is DeadlineStatus.LATE


def test_status_today_is_the_city_local_date(calendar):
    today = local_today()
    assert deadline_status(today - dt.timedelta(days=1)) is DeadlineStatus.OVERDUE
    assert deadline_status(today) is DeadlineStatus.DUE_SOON
    assert deadline_status(today + dt.timedelta(days=30)) is DeadlineStatus.OPEN


def test_deadline_badge_colours_the_date(calendar):
    today = local_today()
    overdue = deadline_badge(today - dt.timedelta(days=1))
    assert isinstance(overdue, Markup)
    assert 'class="deadline deadline-overdue label label-danger"' in overdue
    assert 'title="Просрочено"' in overdue
    late = deadline_badge((D(2024, 12, 9), D(2024, 12, 10)))
    assert late == Markup(
        '<span class="deadline deadline-late label label-default" '
        'title="Исполнено с нарушением срока">09.12.2024 !</span>'
    )
    assert "label-success" in deadline_badge((D(2024, 12, 9), D(2024, 12, 9)))
    assert "label-warning" in deadline_badge(today)
    assert deadline_badge(None) == "" and deadline_badge((None, None)) == ""
