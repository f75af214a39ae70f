"""Queue positions are computed from the effective dates of decisions, per list, as of any date."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from sqlalchemy import func, select, true

from app.core.services import annul
from app.extensions import db
from app.housing.models import HouseholdStatus, QueueEntry
from app.housing.queue import ORDER, in_force, position_in_list, positions_for, positions_of, queue_count, queue_page
from app.housing.services import (
    NotLatestDecision,
    decision_type_by_code,
    issue_certificate,
    list_type_by_code,
    take_decision,
)

from .factories import at, case, on_register, register, remove

D = dt.date


def _order(day: dt.date | None = None, code: str = "general") -> list[str]:
    rows = queue_page(list_type_by_code(code).id, day or D(2025, 12, 1), limit=None)
    assert [row.position for row in rows] == list(range(1, len(rows) + 1))
    return [row.applicant_name.split()[0] for row in rows]


def _queue(officer_ctx):
    """Four families of the general list: queue dates, then application times, then numbers decide."""
    first = on_register("Первова", D(2024, 2, 15))
    # Filed the same day, registered by one decision day: the earlier hour comes first…
    later_hour = case("Позднова", filed=at(D(2024, 2, 1), 10))
    earlier_hour = case("Раннева", filed=at(D(2024, 2, 1), 9))
    # …and at the same minute, the earlier application number.
    same_minute = case("Вторая", filed=at(D(2024, 2, 1), 10))
    for household in (later_hour, earlier_hour, same_minute):
        register(household, D(2024, 3, 1))
    return first, later_hour, earlier_hour, same_minute


def test_positions_follow_queue_date_then_application_time_then_number(officer_ctx):
    _first, later_hour, _earlier_hour, same_minute = _queue(officer_ctx)
    assert later_hour.application_seq < same_minute.application_seq
    assert later_hour.application_time == same_minute.application_time
    assert _order() == ["Первова", "Раннева", "Позднова", "Вторая"]
    assert [
        position_in_list(h.id, list_type_by_code("general").id, D(2025, 1, 1)) for h in _queue_all(officer_ctx)
    ] == [
        1,
        2,
        3,
        4,
    ]


def _queue_all(officer_ctx):
    from app.housing.models import Household

    names = ["Первова", "Раннева", "Позднова", "Вторая"]
    rows = {h.applicant_last_name: h for h in db.session.scalars(select(Household))}
    return [rows[name] for name in names]


def test_a_removal_moves_the_rest_up_and_a_past_date_keeps_the_old_order(officer_ctx):
    _first, _later_hour, earlier_hour, same_minute = _queue(officer_ctx)
    remove(earlier_hour, D(2024, 6, 1))
    assert _order() == ["Первова", "Позднова", "Вторая"]
    assert earlier_hour.status == HouseholdStatus.REMOVED.value
    # Who stood where on a past day comes from the decisions' dates, not from what was edited since.
    assert _order(D(2024, 5, 31)) == ["Первова", "Раннева", "Позднова", "Вторая"]
    assert _order(D(2024, 6, 1)) == ["Первова", "Позднова", "Вторая"]
    assert _order(D(2024, 2, 20)) == ["Первова"]
    assert _order(D(2024, 2, 14)) == []
    general = list_type_by_code("general").id
    assert position_in_list(same_minute.id, general, D(2024, 5, 31)) == 4
    assert position_in_list(same_minute.id, general, D(2024, 6, 1)) == 3
    assert position_in_list(earlier_hour.id, general, D(2024, 6, 1)) is None
    assert queue_count(general, D(2024, 5, 31)) == 4


def test_out_of_turn_lists_are_queues_of_their_own(officer_ctx):
    _queue(officer_ctx)
    urgent = on_register("Срочнова", D(2024, 9, 1), "out_of_turn_unfit")
    ill = on_register("Больнова", D(2024, 8, 1), "out_of_turn_illness")
    assert _order() == ["Первова", "Раннева", "Позднова", "Вторая"]
    assert _order(code="out_of_turn_unfit") == ["Срочнова"]
    assert _order(code="out_of_turn_illness") == ["Больнова"]
    assert [(p.list_name, p.position) for p in positions_of(urgent.id)] == [
        ("Внеочередной: жильё признано непригодным", 1)
    ]
    assert positions_of(ill.id)[0].out_of_turn is True


def test_a_family_on_two_lists_has_a_place_in_each(officer_ctx):
    first, *_ = _queue(officer_ctx)
    take_decision(
        first,
        decision_type_by_code("change_list"),
        D(2024, 10, 1),
        list_type=list_type_by_code("out_of_turn_unfit"),
    )
    assert [(p.list_name, p.position) for p in positions_of(first.id)] == [
        ("Внеочередной: жильё признано непригодным", 1),
        ("Общий список", 1),
    ]
    assert {t.code for t in first.lists} == {"general", "out_of_turn_unfit"}
    # Moved instead of added: it leaves the general list on the decision's day.
    second = on_register("Переводова", D(2024, 4, 1))
    take_decision(
        second,
        decision_type_by_code("change_list"),
        D(2024, 11, 1),
        list_type=list_type_by_code("out_of_turn_illness"),
        from_list_type=list_type_by_code("general"),
    )
    assert "Переводова" in _order(D(2024, 10, 31)) and "Переводова" not in _order()
    assert _order(code="out_of_turn_illness") == ["Переводова"]


def test_a_court_restores_the_family_at_its_original_queue_date(officer_ctx):
    _first, _later_hour, earlier_hour, _same_minute = _queue(officer_ctx)
    remove(earlier_hour, D(2024, 6, 1), "lost_grounds")
    restore = take_decision(earlier_hour, decision_type_by_code("restore_by_court"), D(2024, 9, 10))
    assert earlier_hour.status == HouseholdStatus.ON_REGISTER.value and earlier_hour.restored_by_court
    assert restore.queue_date == D(2024, 3, 1)
    assert _order() == ["Первова", "Раннева", "Позднова", "Вторая"]
    # Between the removal and the court's decision the family was not in the list.
    assert _order(D(2024, 7, 1)) == ["Первова", "Позднова", "Вторая"]


def test_annulling_the_latest_decision_takes_its_effect_back_and_an_older_one_is_refused(officer_ctx):
    _first, _later_hour, earlier_hour, _same_minute = _queue(officer_ctx)
    removal = remove(earlier_hour, D(2024, 6, 1))
    db.session.commit()
    registration = next(e.included_by for e in earlier_hour.entries)
    with pytest.raises(NotLatestDecision):
        annul(registration, "Ошибочное решение")
    db.session.rollback()
    assert registration.annulled_at is None
    annul(removal, "Решение отменено судом")
    assert removal.household.status == HouseholdStatus.ON_REGISTER.value
    assert _order() == ["Первова", "Раннева", "Позднова", "Вторая"]
    assert _order(D(2024, 7, 1)) == ["Первова", "Раннева", "Позднова", "Вторая"]
    # And the registration itself: the family never stood in the list.
    annul(removal.household.entries[0].included_by, "Поставлен на учёт ошибочно")
    assert _order(D(2024, 7, 1)) == ["Первова", "Позднова", "Вторая"]
    assert removal.household.status == HouseholdStatus.UNDER_REVIEW.value


def test_one_case_position_is_its_row_number_over_the_whole_list(officer_ctx):
    rng = random.Random(16)
    days = [D(2020, 1, 1) + dt.timedelta(days=rng.randint(0, 900)) for _ in range(40)]
    households = []
    for index, day in enumerate(days):
        household = case(f"Семья{index:02d}", filed=at(day, rng.choice((9, 10, 11))))
        register(household, day + dt.timedelta(days=rng.choice((0, 0, 5))))
        households.append(household)
    for household in rng.sample(households, 8):
        remove(household, D(2023, 6, 1) + dt.timedelta(days=rng.randint(0, 300)))
    general = list_type_by_code("general").id
    for day in (D(2021, 1, 1), D(2022, 7, 1), D(2024, 1, 1)):
        # The reference: every period in force, sorted in Python by the documented keys.
        entries = db.session.scalars(select(QueueEntry).where(QueueEntry.list_type_id == general)).all()
        standing = sorted(
            (e for e in entries if e.in_force(day)),
            key=lambda e: (e.queue_date, e.application_time, e.application_seq, e.household_id),
        )
        expected = {e.household_id: n for n, e in enumerate(standing, start=1)}
        assert {row.household_id: row.position for row in queue_page(general, day, limit=None)} == expected
        # Page by page (positions from the page's offset), as the whole list numbered by a window.
        paged = [row for start in range(0, len(expected), 7) for row in queue_page(general, day, offset=start, limit=7)]
        assert [(row.household_id, row.position) for row in paged] == sorted(expected.items(), key=lambda i: i[1])
        windowed = queue_page(general, day, offset=7, limit=7, scope=true())
        assert [(row.household_id, row.position) for row in windowed] == [
            (r.household_id, r.position) for r in paged[7:14]
        ]
        assert {h.id: position_in_list(h.id, general, day) for h in households if h.id in expected} == expected
        # A list page's positions: numbered from its first household to its last, the rows ahead counted.
        for page in ([h.id for h in households], rng.sample(list(expected), 5), [max(expected, key=expected.get)]):
            positions = positions_for(page, day)
            assert {pk: [p.position for p in found] for pk, found in positions.items()} == {
                pk: [expected[pk]] for pk in page if pk in expected
            }
        assert queue_count(general, day) == len(expected)
        counted = db.session.scalar(select(func.count()).select_from(QueueEntry).where(in_force(day)))
        assert counted == len(expected)
    assert len(ORDER) == 4


def test_a_certificate_gives_the_place_on_a_past_date(officer_ctx):
    _first, _later_hour, earlier_hour, same_minute = _queue(officer_ctx)
    remove(earlier_hour, D(2024, 6, 1))
    certificate = issue_certificate(same_minute, D(2024, 5, 31))
    assert certificate.positions == "Общий список — 4-й (дата постановки в список 01.03.2024)"
    assert certificate.number.startswith("СО-")
    today = issue_certificate(same_minute, D(2025, 1, 1))
    assert today.positions.startswith("Общий список — 3-й")
    from app.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed, match="не состояла"):
        issue_certificate(same_minute, D(2024, 1, 1))
