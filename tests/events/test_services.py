"""Events' rules: the derived «format changed», outcomes, postponements, local days, the committee on a date."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from app.core.errors import ConflictError, ValidationFailed
from app.events.models import Event, EventFormat, EventStatus
from app.events.services import (
    cancel_event,
    committee_on,
    exclude_member,
    mark_held,
    postpone_event,
)
from app.extensions import db
from app.org.services import body_by_code
from tests.events.factory import ACT, committee, event, local, programme

ONLINE, IN_PERSON, MIXED = EventFormat.ONLINE.value, EventFormat.IN_PERSON.value, EventFormat.MIXED.value
EPIDEMIC = "Ограничительные меры в связи с распространением COVID-19"


# ---- «format changed» is derived, never typed ---------------------------------------------------


def test_format_changed_is_an_actual_format_other_than_the_planned_one(app_ctx):
    plan = programme()
    moved_online = mark_held(event(plan, local(2020, 5, 9)), actual_format=ONLINE, reason=EPIDEMIC)
    as_planned = mark_held(event(plan, local(2020, 5, 10)), actual_format=IN_PERSON)
    not_yet_held = event(plan, local(2020, 5, 11))
    assert [moved_online.format_changed, as_planned.format_changed, not_yet_held.format_changed] == [
        True,
        False,
        False,
    ]
    # The same rule in SQL: statistics count it in the database.
    changed = db.session.scalars(select(Event.id).where(Event.format_changed)).all()
    assert changed == [moved_online.id]


def test_format_changed_follows_the_formats_and_cannot_be_written(app_ctx):
    item = mark_held(event(programme(), local(2020, 5, 9), planned_format=MIXED), actual_format=MIXED)
    assert item.format_changed is False
    item.planned_format = IN_PERSON  # the plan is corrected: now it was held in another format
    assert item.format_changed is True
    with pytest.raises(AttributeError):
        item.format_changed = False  # type: ignore[misc]
    assert "format_changed" not in Event.__table__.columns


def test_held_in_another_format_needs_a_reason(app_ctx):
    item = event(programme(), local(2020, 5, 9))
    with pytest.raises(ValidationFailed, match="Формат изменён: укажите причину изменения") as refused:
        mark_held(item, actual_format=ONLINE)
    assert refused.value.field == "change_reason"


def test_a_held_event_has_its_actual_format_and_only_a_held_one(app_ctx):
    item = event(programme(), local(2020, 5, 9))
    item.actual_format = ONLINE
    with pytest.raises(ValidationFailed, match="для проведённого мероприятия"):
        from app.events.services import check_event

        check_event(item)
    db.session.rollback()
    item = event(programme(), local(2020, 5, 9))
    item.status = EventStatus.HELD.value
    with pytest.raises(ValidationFailed, match="в каком формате"):
        check_event(item)


def test_an_event_that_has_not_started_cannot_be_marked_held(app_ctx):
    from app.core.dates import local_today

    tomorrow = local_today() + dt.timedelta(days=1)
    item = event(programme(year=tomorrow.year), local(tomorrow.year, tomorrow.month, tomorrow.day, 0, 30))
    with pytest.raises(ValidationFailed, match="ещё не началось"):
        mark_held(item, actual_format=IN_PERSON)


# ---- postponed and cancelled --------------------------------------------------------------------


def test_a_postponed_event_moves_keeps_its_planned_start_and_still_awaits_its_outcome(app_ctx):
    item = event(programme(), local(2020, 5, 9, 15), ends_at=local(2020, 5, 9, 17))
    postpone_event(item, starts_at=local(2020, 9, 3, 15), reason=EPIDEMIC)
    assert (item.status, item.postponed_from, item.starts_at, item.ends_at) == (
        EventStatus.POSTPONED.value,
        local(2020, 5, 9, 15),
        local(2020, 9, 3, 15),
        local(2020, 9, 3, 17),
    )
    assert (item.start_date, item.end_date) == (dt.date(2020, 9, 3), dt.date(2020, 9, 3))
    assert item.awaits_outcome
    mark_held(item, actual_format=IN_PERSON)
    assert (item.status, item.postponed_from) == (EventStatus.HELD.value, local(2020, 5, 9, 15))


def test_a_postponement_needs_a_new_date_and_a_reason(app_ctx):
    from app.events.services import check_event

    item = event(programme(), local(2020, 5, 9))
    db.session.flush()
    item.status, item.change_reason = EventStatus.POSTPONED.value, EPIDEMIC
    with pytest.raises(ValidationFailed, match="укажите новую дату начала"):
        check_event(item)
    db.session.rollback()
    item = event(programme(), local(2020, 5, 9))
    with pytest.raises(ValidationFailed, match="Перенесено: укажите причину изменения"):
        postpone_event(item, starts_at=local(2020, 9, 3), reason="  ")


def test_a_cancelled_event_says_why_and_has_no_outcome_to_mark(app_ctx):
    item = event(programme(), local(2020, 5, 9))
    with pytest.raises(ValidationFailed, match="Отменено: укажите причину изменения"):
        cancel_event(item, "")
    db.session.rollback()
    item = cancel_event(event(programme(), local(2020, 5, 9)), EPIDEMIC)
    assert (item.status, item.change_reason, item.awaits_outcome) == (EventStatus.CANCELLED.value, EPIDEMIC, False)
    with pytest.raises(ConflictError, match="недоступно для мероприятия в статусе «Отменено»"):
        mark_held(item, actual_format=IN_PERSON)


# ---- what an event is ------------------------------------------------------------------------------


def test_an_event_has_one_organiser_a_body_or_an_outside_organisation(app_ctx):
    plan = programme()
    outside = event(plan, local(2020, 5, 9), organiser=None)
    assert (outside.organiser_body, outside.organiser) == (None, "Совет ветеранов города")
    with pytest.raises(ValidationFailed, match="Укажите организатора один раз"):
        event(plan, local(2020, 5, 9), organiser_name="Совет ветеранов города")
    db.session.rollback()
    with pytest.raises(ValidationFailed, match="Укажите организатора: орган"):
        event(programme(), local(2020, 5, 9), organiser=None, organiser_name=" ")


def test_an_event_ends_not_before_it_starts_and_without_an_end_ends_when_it_starts(app_ctx):
    plan = programme()
    item = event(plan, local(2020, 5, 9, 10))
    assert item.ends_at == item.starts_at
    with pytest.raises(ValidationFailed, match="Окончание раньше начала"):
        event(plan, local(2020, 5, 9, 10), ends_at=local(2020, 5, 9, 9))


def test_local_days_follow_novokuznetsk_time_not_utc(app_ctx):
    # 1 June, 03:00 in Novokuznetsk is still 31 May in UTC: the event is on 1 June.
    early = event(programme(), local(2020, 6, 1, 3), ends_at=local(2020, 6, 2, 1))
    assert early.starts_at == dt.datetime(2020, 5, 31, 20, 0)
    assert (early.start_date, early.end_date) == (dt.date(2020, 6, 1), dt.date(2020, 6, 2))


def test_the_event_carries_its_programmes_coordinating_body_and_follows_a_change_of_it(app_ctx):
    plan = programme("culture")
    item = event(plan, local(2020, 5, 9), organiser="udkh")
    assert item.coordinator_body.code == "culture"
    from app.events.services import PROGRAMME_HOOKS

    plan.coordinator_body = body_by_code("sport")
    PROGRAMME_HOOKS.check(plan)
    db.session.flush()
    db.session.refresh(item)
    assert item.coordinator_body.code == "sport"


# ---- the organising committee: its composition on a date -------------------------------------------


def test_the_committee_on_a_date_is_who_the_acts_in_force_put_on_it(app_ctx):
    plan = programme()
    chair, culture_member = committee(plan, bodies=("culture",))
    exclude_member(culture_member, dt.date(2020, 6, 1), "Распоряжение от 25.05.2020 № 301")
    from app.events.services import add_member

    successor = add_member(
        plan,
        person_name="Сидорова Анна Петровна",
        position="Начальник управления культуры",
        body=body_by_code("culture"),
        included_on=dt.date(2020, 6, 1),
        included_by="Распоряжение от 25.05.2020 № 301",
    )
    secretary = add_member(
        plan,
        person_name="Орлова Светлана Николаевна",
        role="secretary",
        included_on=dt.date(2020, 2, 1),
        included_by="Распоряжение от 28.01.2020 № 40",
    )

    def names(day: dt.date) -> list[str]:
        return [m.person_name for m in committee_on(plan, day)]

    assert names(dt.date(2020, 1, 14)) == []
    assert names(dt.date(2020, 1, 15)) == [chair.person_name, culture_member.person_name]
    # Chair first, the secretary before the members.
    assert names(dt.date(2020, 5, 31)) == [chair.person_name, secretary.person_name, culture_member.person_name]
    assert names(dt.date(2020, 6, 1)) == [chair.person_name, secretary.person_name, successor.person_name]


def test_an_exclusion_needs_its_act_and_a_date_after_the_inclusion(app_ctx):
    plan = programme()
    _chair, member = committee(plan)
    with pytest.raises(ValidationFailed, match="позже даты включения"):
        exclude_member(member, dt.date(2020, 1, 15), "Распоряжение № 1")
    db.session.rollback()
    plan = programme()
    _chair, member = committee(plan)
    with pytest.raises(ValidationFailed, match="и акт, и дату"):
        exclude_member(member, dt.date(2020, 3, 1), "")


def test_each_event_carries_the_bodies_of_the_committee_as_composed_on_its_first_day(app_ctx):
    plan = programme()
    _chair, education = committee(plan, bodies=("kon",))
    spring = event(plan, local(2020, 5, 9))
    autumn = event(plan, local(2020, 9, 3))
    assert [b.code for b in spring.committee_bodies] == [b.code for b in autumn.committee_bodies] == ["kon"]
    exclude_member(education, dt.date(2020, 6, 1), ACT)
    from app.events.services import add_member

    add_member(plan, person_name="Спорт", body=body_by_code("sport"), included_on=dt.date(2020, 6, 1), included_by=ACT)
    db.session.flush()
    assert [b.code for b in spring.committee_bodies] == ["kon"]
    assert [b.code for b in autumn.committee_bodies] == ["sport"]
    rows = db.session.scalar(select(func.count()).select_from(Event.committee_bodies.property.secondary))
    assert rows == 2
