"""Demo appeals: a deterministic, realistic mix registered through the services."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select

from app.appeals.demo import load_demo_appeals
from app.appeals.models import Appeal, AppealQuestion, AppealStatus
from app.appeals.receptions import Reception, ReceptionVisit
from app.appeals.reference.classifier import assignable_codes
from app.core.dates import local_today
from app.extensions import db


def test_demo_appeals_cover_every_outcome_with_unique_numbers_and_assignable_codes(app_ctx):
    created = load_demo_appeals(count=60)
    appeals = db.session.scalars(select(Appeal)).all()
    assert created == len(appeals) >= 60
    statuses = Counter(a.status for a in appeals)
    for status in (AppealStatus.ANSWERED, AppealStatus.IN_WORK, AppealStatus.FORWARDED):
        assert statuses[status.value] > 0, statuses
    assert statuses[AppealStatus.CLOSED_WITHOUT_ANSWER.value] + statuses[AppealStatus.EXTENDED.value] > 0
    assert len({a.reg_number for a in appeals}) == len(appeals)
    codes = set(db.session.scalars(select(AppealQuestion.classifier_code)))
    assert codes <= assignable_codes()
    assert len({a.channel.code for a in appeals}) >= 5
    assert any(a.receiving_body.code.startswith("district-") for a in appeals)
    assert any(a.is_open and a.due_date < local_today() for a in appeals), "some appeals are overdue"
    assert all(a.reg_date < local_today() for a in appeals)
    assert db.session.scalar(select(func.count(Reception.id))) == 12
    # Enough variety for every report: ПОС categories, repeats, copies.
    pos = [a for a in appeals if a.channel.code == "pos"]
    assert pos and all(a.pos_category is not None for a in pos)
    assert any(a.is_repeat and a.previous_appeal is not None for a in appeals)
    assert any(a.copies for a in appeals)
    visits = db.session.scalars(select(ReceptionVisit)).all()
    assert any(v.appeal is not None for v in visits) and any(v.oral_answer_given for v in visits)


def test_demo_appeals_are_loaded_once(app_ctx):
    load_demo_appeals(count=20)
    total = db.session.scalar(select(func.count(Appeal.id)))
    assert load_demo_appeals(count=20) == 0
    assert db.session.scalar(select(func.count(Appeal.id))) == total


def test_demo_appeals_are_deterministic(app_ctx):
    load_demo_appeals(count=30, seed=7)
    first = [(a.reg_number, a.summary, a.status) for a in db.session.scalars(select(Appeal).order_by(Appeal.id))]
    db.session.rollback()
    load_demo_appeals(count=30, seed=7)
    second = [(a.reg_number, a.summary, a.status) for a in db.session.scalars(select(Appeal).order_by(Appeal.id))]
    assert first == second


def test_every_demo_executor_is_an_official_of_the_responsible_body_who_works_appeals(app_ctx):
    """The demo follows the executor rule (Appeal.__links__, issue 13 item 1): nobody executes another body's appeal."""
    from app.org.links import officials_of_body_clause, writer_user_ids

    load_demo_appeals(count=80)
    workers = set(db.session.scalars(select(writer_user_ids("Appeal").subquery().c[0])))
    assigned = [a for a in db.session.scalars(select(Appeal)) if a.executor_id is not None]
    assert len(assigned) > 40
    for appeal in assigned:
        allowed = set(db.session.scalars(officials_of_body_clause(appeal.responsible_body_id)))
        assert appeal.executor_id in allowed & workers, (appeal.reg_number, appeal.responsible_body.code)
