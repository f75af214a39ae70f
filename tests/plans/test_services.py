"""Plan rules (DOMAIN.md A.7, D.2): terms from the rules table, the late flag, who agrees, the quarter's build, moves.

Calendar facts: 01.12.2026 is a Tuesday; 01.03.2026 a Sunday; 10.04.2026 a Friday; 10.01.2026 is in the New
Year holidays (01.01–11.01.2026), and 31.12.2025 is a day off.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from app.core.dates import local_today
from app.core.errors import ConflictError, DomainError, ValidationFailed
from app.extensions import db
from app.org.services import body_by_code
from app.plans.models import ItemStatus, Plan, PlanItem, PlanStatus, ProposalStatus
from app.plans.services import (
    NoSupervisor,
    NotTheSupervisor,
    agree_proposal,
    bodies_supervised_by,
    build_quarter,
    close_plan,
    include_agreed_proposals,
    mark_cancelled,
    mark_done,
    mark_not_done,
    move_item,
    renumber_plan,
    return_proposal,
    submit_proposal,
    supervising_deputy,
)
from app.security import DEPUTY_HEAD
from tests.plans import factories as f

D = dt.date


@pytest.fixture
def ctx(app_ctx):
    return app_ctx


# ---- terms -------------------------------------------------------------------------------------------


def test_proposals_are_due_a_month_before_the_period_starts(ctx):
    assert f.plan(2027).proposals_due == D(2026, 12, 1)
    assert f.plan(2026).proposals_due == D(2025, 12, 1)
    # Q2 2026 starts 01.04: a month before is Sunday 01.03, so the Friday before.
    assert f.plan(2026, 2).proposals_due == D(2026, 2, 27)


def test_the_execution_note_is_due_the_10th_of_the_month_after_the_period(ctx):
    # 10.01.2027 is a Sunday after the holidays; the working day before them (30.12.2026) precedes the
    # period's end, so the note runs to the first working day after them.
    assert f.plan(2026).note_due == D(2027, 1, 11)
    assert f.plan(2026, 1).note_due == D(2026, 4, 10)
    assert f.plan(2026, 3).note_due == D(2026, 10, 9)  # 10.10.2026 is a Saturday


def test_the_annual_note_of_2025_runs_past_the_new_year_holidays(ctx):
    assert f.plan(2025).note_due == D(2026, 1, 12)


def test_the_terms_follow_the_rules_table(ctx):
    from app.core.calendar.models import DeadlineRule

    rule = db.session.scalar(select(DeadlineRule).where(DeadlineRule.code == "plans_proposals"))
    rule.amount = -2
    db.session.commit()
    assert f.plan(2027).proposals_due == D(2026, 10, 30)  # 01.11.2026 is a Sunday


def test_a_quarterly_plan_belongs_to_its_years_annual_plan(ctx):
    with pytest.raises(ValidationFailed) as refused:
        f.plan(2028, 1)
    assert "сначала создайте план на 2028 год" in str(refused.value)
    annual = f.plan(2028)
    quarter = f.plan(2028, 1)
    assert quarter.parent is annual and quarter.title.endswith("на I квартал 2028 года")
    with pytest.raises(ConflictError):
        f.plan(2028, 1)


# ---- proposals: the late flag and who agrees -----------------------------------------------------------


def test_a_proposal_on_the_due_date_is_on_time_and_the_day_after_late(ctx):
    plan = f.plan(2027, status=PlanStatus.COLLECTING)  # due 01.12.2026
    on_time, late = f.proposal(plan), f.proposal(plan)
    submit_proposal(on_time, today=D(2026, 12, 1))
    submit_proposal(late, today=D(2026, 12, 2))
    assert (on_time.status, on_time.is_late) == (ProposalStatus.SUBMITTED.value, False)
    assert (late.status, late.is_late) == (ProposalStatus.SUBMITTED.value, True)


def test_a_late_proposal_is_still_accepted_while_the_plan_is_on_approval(ctx):
    plan = f.plan(2027, status=PlanStatus.COLLECTING)
    proposal = f.proposal(plan)
    f.move_to(plan, PlanStatus.ON_APPROVAL)
    submit_proposal(proposal, today=D(2026, 12, 20))
    assert proposal.is_late is True


def test_a_plan_not_collecting_takes_no_proposals(ctx):
    plan = f.plan(2027)
    with pytest.raises(ConflictError) as refused:
        f.proposal(plan)
    assert "не принимаются" in str(refused.value) and "Проект" in str(refused.value)


def test_only_the_supervising_deputy_head_agrees(app_ctx):
    app = app_ctx
    plan = f.plan(2027, status=PlanStatus.COLLECTING)
    proposal = f.proposal(plan, body="udkh")  # the demo deputy supervises УДКХиБ
    submit_proposal(proposal)
    sm = app.appbuilder.sm
    other_deputy = sm.add_user(
        "deputy2", "Анна", "Ершова", "d2@example.org", sm.find_role(DEPUTY_HEAD), "Pass-Word-2026"
    )
    body_by_code("culture").supervisor_id = other_deputy.id
    for refused_user in (f.user(app, "plans"), f.user(app, "supervisor"), other_deputy):
        with pytest.raises(NotTheSupervisor) as refused:
            agree_proposal(proposal, refused_user)
        assert str(refused.value) == (
            "Согласовать или вернуть предложение органа «Управление дорожно-коммунального хозяйства и "
            "благоустройства» может только курирующий его заместитель Главы города — Кузнецов Сергей"
        )
        assert proposal.status == ProposalStatus.SUBMITTED.value
    agree_proposal(proposal, f.user(app, "deputy"), today=D(2026, 11, 20))
    assert (proposal.status, proposal.agreed_by.username, proposal.agreed_on) == ("agreed", "deputy", D(2026, 11, 20))


def test_the_supervisor_of_a_parent_body_agrees_for_its_child_without_one(app_ctx):
    app = app_ctx
    uzhil = body_by_code("uzhil")  # a child of the housing committee (kgkh), both supervised by the deputy
    uzhil.supervisor_id = None
    assert supervising_deputy(uzhil).username == "deputy"
    assert uzhil.id in bodies_supervised_by(f.user(app, "deputy").id)
    plan = f.plan(2027, status=PlanStatus.COLLECTING)
    proposal = f.proposal(plan, body="uzhil")
    submit_proposal(proposal)
    agree_proposal(proposal, f.user(app, "deputy"))
    assert proposal.status == ProposalStatus.AGREED.value


def test_a_body_nobody_supervises_cannot_have_its_proposal_agreed(app_ctx):
    plan = f.plan(2027, status=PlanStatus.COLLECTING)
    proposal = f.proposal(plan, body="culture")
    submit_proposal(proposal)
    with pytest.raises(NoSupervisor) as refused:
        agree_proposal(proposal, f.user(app_ctx, "deputy"))
    assert "не указан курирующий заместитель Главы" in str(refused.value)


def test_a_returned_proposal_is_corrected_and_submitted_again(app_ctx):
    plan = f.plan(2027, status=PlanStatus.COLLECTING)
    proposal = f.proposal(plan)
    submit_proposal(proposal)
    with pytest.raises(ValidationFailed):
        return_proposal(proposal, f.user(app_ctx, "deputy"), "  ")
    return_proposal(proposal, f.user(app_ctx, "deputy"), "Уточните срок")
    assert (proposal.status, proposal.comment) == ("returned", "Уточните срок")
    submit_proposal(proposal)
    assert proposal.status == "submitted"


def test_agreed_proposals_become_items_in_one_action(app_ctx):
    plan = f.plan(2027, status=PlanStatus.COLLECTING)
    agreed = [f.proposal(plan, month=month, section="collegium") for month in (3, 2)]
    draft = f.proposal(plan)
    for proposal in agreed:
        submit_proposal(proposal)
        agree_proposal(proposal, f.user(app_ctx, "deputy"))
    items = include_agreed_proposals(plan)
    assert [(i.seq, i.title, i.proposal) for i in items] == [
        (1, agreed[0].title, agreed[0]),
        (2, agreed[1].title, agreed[1]),
    ]
    assert [i.due_date for i in items] == [D(2027, 3, 31), D(2027, 2, 28)]
    assert {p.status for p in agreed} == {"included"} and draft.status == "draft"
    assert include_agreed_proposals(plan) == []  # nothing twice


# ---- numbers ---------------------------------------------------------------------------------------------


def test_items_are_numbered_in_order_within_their_section(ctx):
    plan = f.plan(2027)
    first, second = f.item(plan, section="council"), f.item(plan, section="council")
    other = f.item(plan, section="head")
    assert (first.seq, second.seq, other.seq) == (1, 2, 1)
    assert first.position < second.position < other.position


def test_numbers_change_only_by_the_renumber_action(app_ctx):
    from app.core.services import annul

    plan = f.plan(2027)
    items = [f.item(plan) for _ in range(3)]
    annul(items[0], "Внесён ошибочно", f.user(app_ctx, "plans"))
    late = f.item(plan)
    assert [i.seq for i in items[1:]] + [late.seq] == [2, 3, 4]
    assert renumber_plan(plan) == 3
    assert [i.seq for i in items[1:]] + [late.seq] == [1, 2, 3]
    assert items[0].seq == 1  # the annulled one keeps its number


def test_an_approved_plan_is_not_renumbered(ctx):
    plan = f.plan(2027)
    f.item(plan)
    f.move_to(plan, PlanStatus.APPROVED)
    with pytest.raises(ConflictError):
        renumber_plan(plan)


def test_a_term_outside_the_plans_period_is_refused(ctx):
    plan = f.plan(2027, status=PlanStatus.DRAFT)
    quarter = f.plan(2027, 1)
    with pytest.raises(ValidationFailed) as refused:
        f.item(quarter, month=4)
    assert refused.value.field == "planned_month"
    with pytest.raises(ValidationFailed):
        f.item(plan, planned_date=D(2028, 1, 10))
    dated = f.item(plan, planned_date=D(2027, 5, 15))
    assert (dated.planned_month, dated.due_date) == (5, D(2027, 5, 15))


# ---- the quarter from the annual plan --------------------------------------------------------------------


def test_the_quarter_copies_exactly_the_annual_items_planned_in_it_and_twice_adds_nothing(app_ctx):
    from app.core.services import annul

    annual = f.plan(2027)
    in_q1 = [f.item(annual, month=1, title="Январь"), f.item(annual, month=3, section="head", title="Март")]
    dated = f.item(annual, planned_date=D(2027, 2, 14), section="city_events", title="День защитника")
    f.item(annual, month=4, title="Апрель")
    f.item(annual, month=12, title="Декабрь")
    annul(f.item(annual, month=2, title="Аннулирован"), "Внесён ошибочно", f.user(app_ctx, "plans"))
    quarter, copied = build_quarter(annual, 1)
    assert quarter.title == "План работы администрации города Новокузнецка на I квартал 2027 года"
    assert quarter.parent is annual and quarter.status == "draft"
    expected = {(s.id, s.title, s.planned_month, s.planned_date, s.section_id) for s in [*in_q1, dated]}
    assert {(c.source_item.id, c.title, c.planned_month, c.planned_date, c.section_id) for c in copied} == expected
    assert {c.plan for c in copied} == {quarter}
    again_plan, again = build_quarter(annual, 1)
    assert again_plan is quarter and again == []
    assert db.session.scalar(select(db.func.count()).where(PlanItem.plan_id == quarter.id)) == 3


def test_an_annual_item_added_later_joins_its_quarter_on_the_next_build(ctx):
    annual = f.plan(2027)
    f.item(annual, month=1)
    _quarter, first = build_quarter(annual, 1)
    added = f.item(annual, month=2, title="Добавлен позже")
    _plan, second = build_quarter(annual, 1)
    assert len(first) == 1 and [c.source_item for c in second] == [added]


def test_an_annual_item_with_a_quarterly_copy_is_marked_in_the_quarter(ctx):
    annual = f.plan(2027)
    source = f.item(annual, month=1)
    f.move_to(annual, PlanStatus.APPROVED)
    build_quarter(annual, 1)
    with pytest.raises(ConflictError) as refused:
        mark_done(source, D(2026, 11, 30), "Рассмотрено")
    assert "исполнение отмечается там (пункт 1)" in str(refused.value)


# ---- marks ---------------------------------------------------------------------------------------------


@pytest.fixture
def approved(app_ctx):
    """Annual 2026 with items in March and May, its approved Q1 and Q2 built from it."""
    annual = f.plan(2026)
    march = f.item(annual, month=3, title="Мартовский вопрос")
    may = f.item(annual, month=5, title="Майский вопрос")
    f.move_to(annual, PlanStatus.APPROVED)
    q1, (march_copy,) = build_quarter(annual, 1)
    q2, (may_copy,) = build_quarter(annual, 2)
    for quarter in (q1, q2):
        f.move_to(quarter, PlanStatus.APPROVED)
    return {
        "annual": annual,
        "march": march,
        "may": may,
        "q1": q1,
        "q2": q2,
        "march_copy": march_copy,
        "may_copy": may_copy,
    }


def test_marks_need_an_approved_plan(ctx):
    plan = f.plan(2026)
    item = f.item(plan, month=2)
    with pytest.raises(ConflictError) as refused:
        mark_done(item, D(2026, 2, 20), "Рассмотрено")
    assert "в утверждённом плане" in str(refused.value)


def test_done_needs_a_date_not_in_the_future_and_a_result(approved, app_ctx):
    item = approved["march_copy"]
    with pytest.raises(ValidationFailed):
        mark_done(item, D(2026, 3, 20), "  ")
    with pytest.raises(ValidationFailed) as refused:
        mark_done(item, local_today() + dt.timedelta(days=3), "Рассмотрено")
    assert refused.value.field == "done_on"
    mark_done(item, D(2026, 3, 20), "Рассмотрено на Совете", f.user(app_ctx, "udkh"))
    assert (item.status, item.done_on, item.result, item.marked_by.username) == (
        "done",
        D(2026, 3, 20),
        "Рассмотрено на Совете",
        "udkh",
    )


def test_a_quarterly_mark_is_the_annual_items_too(approved):
    mark_done(approved["march_copy"], D(2026, 3, 20), "Рассмотрено")
    mark_not_done(approved["may_copy"], "Не подготовлен проект решения")
    assert (approved["march"].status, approved["march"].done_on) == ("done", D(2026, 3, 20))
    assert (approved["may"].status, approved["may"].reason) == ("not_done", "Не подготовлен проект решения")


def test_a_mark_is_given_once(approved):
    mark_cancelled(approved["march_copy"], "Вопрос снят с рассмотрения")
    with pytest.raises(ConflictError):
        mark_done(approved["march_copy"], D(2026, 3, 20), "Рассмотрено")
    with pytest.raises(ValidationFailed):
        mark_not_done(approved["may_copy"], "")


def test_moving_creates_the_item_in_the_later_period_linked_to_it(approved, app_ctx):
    old = approved["march_copy"]
    moved = move_item(old, approved["q2"], "Перенесён по просьбе Совета", planned_month=6, user=f.user(app_ctx, "udkh"))
    assert moved.plan is approved["q2"] and (moved.title, moved.planned_month, moved.due_date) == (
        "Мартовский вопрос",
        6,
        D(2026, 6, 30),
    )
    assert (old.status, old.reason, old.moved_to_item) == ("moved", "Перенесён по просьбе Совета", moved)
    assert moved.moved_from is old
    # Moved within its year: still the annual item's copy, and the annual item is still planned.
    assert moved.source_item is approved["march"] and approved["march"].status == "planned"
    assert (moved.seq, moved.status) == (2, "planned")


def test_moving_to_the_next_year_marks_the_annual_item_moved(approved, app_ctx):
    next_year = f.plan(2027)
    item = approved["may_copy"]
    with pytest.raises(ValidationFailed):
        move_item(item, next_year, "Другой вид плана", planned_month=5)
    next_q2 = f.plan(2027, 2)
    moved = move_item(item, next_q2, "Нет финансирования", planned_month=5)
    assert moved.source_item is None
    assert (approved["may"].status, approved["may"].moved_to_item) == ("moved", moved)


def test_an_item_is_moved_only_later(approved):
    with pytest.raises(ValidationFailed):
        move_item(approved["may_copy"], approved["q1"], "Раньше нельзя", planned_month=3)
    with pytest.raises(DomainError):
        move_item(approved["march_copy"], approved["q2"], "", planned_month=6)
    assert approved["march_copy"].status == "planned"


def test_a_plan_closes_once_every_item_is_marked(approved):
    q1 = approved["q1"]
    with pytest.raises(ConflictError) as refused:
        close_plan(q1)
    assert "1 пункт(ов) без отметки" in str(refused.value)
    mark_done(approved["march_copy"], D(2026, 3, 20), "Рассмотрено")
    close_plan(q1)
    assert q1.status == "closed"
    with pytest.raises(ConflictError):
        f.item(q1, month=3)


def test_a_plan_with_current_items_is_not_annulled(app_ctx):
    from app.core.services import annul

    plan = f.plan(2027)
    f.item(plan)
    db.session.commit()
    with pytest.raises(ConflictError):
        annul(plan, "Создан по ошибке", f.user(app_ctx, "plans"))
    db.session.rollback()
    plan = db.session.scalar(select(Plan).where(Plan.period == "2027"))
    item = plan.items[0]
    annul(item, "Создан по ошибке", f.user(app_ctx, "plans"))
    annul(plan, "Создан по ошибке", f.user(app_ctx, "plans"))
    assert plan.annulled_at is not None
    assert ItemStatus(item.status) is ItemStatus.PLANNED
