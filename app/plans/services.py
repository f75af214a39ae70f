"""Plan rules and state changes (DOMAIN.md A.7, D.2). Flush, never commit; refuse with translated domain errors.

Terms are rules of the deadline table (app/core/calendar): proposals are due `plans_proposals` from the
period's first day (a month before it), the execution note `plans_execution_note` from its last day (the
10th of the next month). Percentages of execution live in app/plans/reports.py.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from flask_appbuilder.security.sqla.models import User
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy import inspect as sa_inspect

from ..core.calendar import due_date
from ..core.dates import format_date, local_today
from ..core.errors import ConflictError, DomainError, ValidationFailed
from ..core.inputs import check_date
from ..core.services import DomainHooks
from ..events.models import Event
from ..extensions import db
from ..org.models import Body
from .models import (
    CITY_EVENTS_SECTION,
    ItemStatus,
    Plan,
    PlanItem,
    PlanKind,
    PlanProposal,
    PlanSection,
    PlanStatus,
    ProposalStatus,
    item_co_executors,
)
from .reference import NOTE_RULE, PROPOSALS_RULE
from .texts import ITEM_STATUS_LABELS, PLAN_STATUS_LABELS, PROPOSAL_STATUS_LABELS, QUARTER_NAMES

#: An item's place in the printed plan: section order × this + its number.
POSITION_STEP = 100_000
ADMINISTRATION = "администрации города Новокузнецка"


class IllegalTransition(ConflictError):
    message = _l("«%(action)s» недоступно: %(what)s в статусе «%(status)s»")


class NotTheSupervisor(ConflictError):
    """Somebody other than the proposing body's supervising deputy head tries to agree or return a proposal."""

    status = 403
    message = _l(
        "Согласовать или вернуть предложение органа «%(body)s» может только курирующий его заместитель Главы "
        "города — %(deputy)s"
    )


class NoSupervisor(ConflictError):
    message = _l(
        "У органа «%(body)s» не указан курирующий заместитель Главы: согласовать предложение некому. "
        "Обратитесь к администратору (справочник органов)"
    )


# ---- bodies and the deputy heads who supervise them ------------------------------------------------


def supervising_deputy(body: Body | None) -> User | None:
    """The deputy head who supervises a body: its own supervisor, else the nearest parent body's."""
    seen: set[int] = set()
    while body is not None and body.id not in seen:
        if body.supervisor_id is not None:
            return body.supervisor or db.session.get(User, body.supervisor_id)
        seen.add(body.id)
        body = body.parent
    return None


def bodies_supervised_by(user_id: int | None) -> set[int]:
    """The bodies whose supervising deputy head (own, else inherited from a parent body) is this user."""
    if user_id is None:
        return set()
    rows = db.session.execute(select(Body.id, Body.parent_id, Body.supervisor_id)).all()
    parent = {body_id: parent_id for body_id, parent_id, _s in rows}
    own = {body_id: supervisor for body_id, _p, supervisor in rows}
    result = set()
    for body_id in own:
        node: int | None = body_id
        seen: set[int] = set()
        while node is not None and own.get(node) is None and node not in seen:
            seen.add(node)
            node = parent.get(node)
        if node is not None and own.get(node) == user_id:
            result.add(body_id)
    return result


def _user_name(user: User | None) -> str:
    return f"{user.last_name} {user.first_name}".strip() if user is not None else "—"


# ---- plans ------------------------------------------------------------------------------------------


def period_key(year: int, quarter: int | None) -> str:
    """«2026» for the annual plan, «2026-2» for the second quarter."""
    return str(year) if quarter is None else f"{year}-{quarter}"


def plan_title(kind: str, year: int, quarter: int | None) -> str:
    """How the administration names its plans."""
    if kind == PlanKind.ANNUAL.value:
        return gettext("План работы %(who)s на %(year)s год", who=ADMINISTRATION, year=year)
    assert quarter is not None
    return gettext(
        "План работы %(who)s на %(quarter)s квартал %(year)s года",
        who=ADMINISTRATION,
        quarter=QUARTER_NAMES[quarter - 1],
        year=year,
    )


def _current_plan(period: str, exclude: int | None = None) -> Plan | None:
    query = select(Plan).where(Plan.period == period, Plan.annulled_at.is_(None))
    if exclude is not None:
        query = query.where(Plan.id != exclude)
    with db.session.no_autoflush:
        return db.session.scalar(query)


def prepare_plan(plan: Plan) -> Plan:
    """Period, title, parent and terms of a new plan: a quarterly plan belongs to its year's annual plan."""
    kind = plan.kind or PlanKind.ANNUAL.value
    if kind not in {k.value for k in PlanKind}:
        raise ValidationFailed(_l("Вид плана: годовой или квартальный"), field="kind")
    if plan.year is None or not 2000 <= plan.year <= 2100:
        raise ValidationFailed(_l("Укажите год плана (2000–2100)"), field="year")
    if kind == PlanKind.ANNUAL.value:
        plan.quarter = None
    elif plan.quarter not in (1, 2, 3, 4):
        raise ValidationFailed(_l("Укажите квартал квартального плана (1–4)"), field="quarter")
    plan.kind = kind
    plan.period = period_key(plan.year, plan.quarter)
    if _current_plan(plan.period) is not None:
        raise ConflictError(
            _l("План на этот период уже есть: %(title)s"), field="year", title=plan_title(kind, plan.year, plan.quarter)
        )
    if kind == PlanKind.QUARTERLY.value:
        annual = _current_plan(period_key(plan.year, None))
        if annual is None:
            raise ValidationFailed(
                _l("Квартальный план строится из годового: сначала создайте план на %(year)s год"),
                field="year",
                year=plan.year,
            )
        plan.parent = annual
    else:
        plan.parent = None
    plan.title = (plan.title or "").strip() or plan_title(kind, plan.year, plan.quarter)
    plan.status = PlanStatus.DRAFT.value
    plan.proposals_due = due_date(PROPOSALS_RULE, plan.start).due
    plan.note_due = due_date(NOTE_RULE, plan.end).due
    return plan


def check_plan(plan: Plan) -> Plan:
    """Every write of a plan: a title; the period is never changed after creation."""
    if not (plan.title or "").strip():
        raise ValidationFailed(_l("Укажите название плана"), field="title")
    state = sa_inspect(plan)
    if state.persistent:
        for column in ("kind", "year", "quarter"):
            if state.attrs[column].history.has_changes():
                raise ValidationFailed(_l("Период плана после создания не меняется"), field=column)
    return plan


def create_plan(kind: str, year: int, quarter: int | None = None, title: str | None = None) -> Plan:
    """A new plan in the draft status."""
    plan = Plan(kind=kind, year=year, quarter=quarter, title=title)
    with db.session.no_autoflush:
        prepare_plan(plan)
    db.session.add(plan)
    db.session.flush()
    return plan


PLAN_ACTIONS: dict[str, Any] = {
    "collect": _l("Открыть сбор предложений"),
    "to_approval": _l("Направить на утверждение"),
    "approve": _l("Утвердить"),
    "close": _l("Закрыть план"),
    "include": _l("Включить согласованные предложения"),
    "build_quarter": _l("Сформировать квартальный план"),
    "renumber": _l("Перенумеровать пункты"),
}
#: Which statuses each plan action is open in.
PLAN_TRANSITIONS: dict[str, tuple[PlanStatus, ...]] = {
    "collect": (PlanStatus.DRAFT,),
    "to_approval": (PlanStatus.DRAFT, PlanStatus.COLLECTING),
    "approve": (PlanStatus.ON_APPROVAL,),
    "close": (PlanStatus.APPROVED,),
    "include": (PlanStatus.DRAFT, PlanStatus.COLLECTING, PlanStatus.ON_APPROVAL, PlanStatus.APPROVED),
    "build_quarter": (PlanStatus.DRAFT, PlanStatus.COLLECTING, PlanStatus.ON_APPROVAL, PlanStatus.APPROVED),
    # A signed plan keeps its numbers.
    "renumber": (PlanStatus.DRAFT, PlanStatus.COLLECTING, PlanStatus.ON_APPROVAL),
}


def plan_action_allowed(plan: Plan, action: str) -> bool:
    """Whether the plan's status (and kind) opens this action."""
    if plan.annulled_at is not None or PlanStatus(plan.status) not in PLAN_TRANSITIONS[action]:
        return False
    return action != "build_quarter" or plan.is_annual


def _require_plan(plan: Plan, action: str) -> None:
    if not plan_action_allowed(plan, action):
        status = gettext("аннулирован") if plan.annulled_at is not None else str(PLAN_STATUS_LABELS[plan.status])
        if action == "build_quarter" and plan.annulled_at is None and not plan.is_annual:
            raise ValidationFailed(_l("Квартальный план строится из годового плана"))
        raise IllegalTransition(action=str(PLAN_ACTIONS[action]), what=gettext("план"), status=status)


def open_proposals(plan: Plan) -> Plan:
    """draft → collecting proposals."""
    _require_plan(plan, "collect")
    plan.status = PlanStatus.COLLECTING.value
    db.session.flush()
    return plan


def send_for_approval(plan: Plan) -> Plan:
    """The plan goes to the Head for approval (proposals still come: they are late)."""
    _require_plan(plan, "to_approval")
    plan.status = PlanStatus.ON_APPROVAL.value
    db.session.flush()
    return plan


def approve_plan(plan: Plan, act_no: str, approved_on: dt.date) -> Plan:
    """Approved by an act of the administration (its number and date)."""
    _require_plan(plan, "approve")
    if not (act_no or "").strip():
        raise ValidationFailed(_l("Укажите номер акта об утверждении плана"), field="act_no")
    if approved_on is None:
        raise ValidationFailed(_l("Укажите дату акта об утверждении плана"), field="approved_on")
    check_date(plan, "approved_on", approved_on)
    if approved_on > local_today():
        raise ValidationFailed(_l("Дата акта не может быть позже сегодняшней"), field="approved_on")
    if not _current_items(plan):
        raise ValidationFailed(_l("В плане нет ни одного пункта: утверждать нечего"))
    plan.approved_act_no = act_no.strip()
    plan.approved_on = approved_on
    plan.status = PlanStatus.APPROVED.value
    db.session.flush()
    return plan


def close_plan(plan: Plan) -> Plan:
    """A plan is closed once every item carries a mark."""
    _require_plan(plan, "close")
    unmarked = [item for item in _current_items(plan) if item.status == ItemStatus.PLANNED.value]
    if unmarked:
        raise ConflictError(
            _l("В плане %(count)s пункт(ов) без отметки об исполнении: отметьте их, затем закройте план"),
            count=len(unmarked),
        )
    plan.status = PlanStatus.CLOSED.value
    db.session.flush()
    return plan


def _current_items(plan: Plan) -> list[PlanItem]:
    return list(
        db.session.scalars(
            select(PlanItem)
            .where(PlanItem.plan_id == plan.id, PlanItem.annulled_at.is_(None))
            .order_by(PlanItem.position, PlanItem.id)
        )
    )


def renumber_plan(plan: Plan) -> int:
    """Number each section's current items 1, 2, 3 … in their present order; returns how many numbers changed."""
    _require_plan(plan, "renumber")
    changed = 0
    counters: dict[int, int] = {}
    items = sorted(_current_items(plan), key=lambda i: (i.section.sort_order, i.section_id, i.seq, i.id))
    for item in items:
        seq = counters[item.section_id] = counters.get(item.section_id, 0) + 1
        if item.seq != seq or item.position != _position(item.section, seq):
            item.seq = seq
            item.position = _position(item.section, seq)
            changed += 1
    db.session.flush()
    return changed


# ---- planned terms ------------------------------------------------------------------------------------


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def settle_term(record: PlanItem | PlanProposal, plan: Plan) -> dt.date:
    """Check a planned month or date against the plan's period; the due date it gives.

    A planned date sets the month; a month alone is due on its last day.
    """
    month, day = record.planned_month, record.planned_date
    if day is not None:
        check_date(record, "planned_date", day)
        if not plan.start <= day <= plan.end:
            raise ValidationFailed(
                _l("Дата должна быть в периоде плана: с %(start)s по %(end)s"),
                field="planned_date",
                start=format_date(plan.start),
                end=format_date(plan.end),
            )
        record.planned_month = day.month
        return day
    if month is None:
        raise ValidationFailed(_l("Укажите месяц или дату исполнения"), field="planned_month")
    if month not in plan.months:
        raise ValidationFailed(
            _l("Месяц должен быть в периоде плана: с %(start)s по %(end)s"),
            field="planned_month",
            start=format_date(plan.start),
            end=format_date(plan.end),
        )
    return _month_end(plan.year, month)


def _check_bodies(record: PlanItem | PlanProposal) -> None:
    body = record.responsible_body
    if body is None:
        raise ValidationFailed(_l("Укажите ответственный орган"), field="responsible_body")
    if not body.is_active or body.is_external:
        raise ValidationFailed(_l("Ответственный орган — действующий орган администрации"), field="responsible_body")


def _check_text(record: PlanItem | PlanProposal) -> None:
    if not (record.title or "").strip():
        raise ValidationFailed(_l("Укажите содержание вопроса (мероприятия)"), field="title")
    record.title = record.title.strip()
    section = record.section
    if section is None:
        raise ValidationFailed(_l("Укажите раздел плана"), field="section")
    if not section.is_active:
        raise ValidationFailed(_l("Раздел «%(name)s» не действует"), field="section", name=section.name)


# ---- items ------------------------------------------------------------------------------------------


def _position(section: PlanSection, seq: int) -> int:
    return section.sort_order * POSITION_STEP + seq


def _next_seq(plan: Plan, section: PlanSection) -> int:
    """The next number in a section: after every item it holds (annulled ones keep theirs)."""
    with db.session.no_autoflush:
        last = db.session.scalar(
            select(func.max(PlanItem.seq)).where(PlanItem.plan_id == plan.id, PlanItem.section_id == section.id)
        )
    taken = [i.seq for i in db.session.new if isinstance(i, PlanItem) and i.plan is plan and i.section is section]
    return max([last or 0, *(s for s in taken if s is not None)]) + 1


def _check_plan_open(plan: Plan | None, field: str = "plan") -> Plan:
    if plan is None:
        raise ValidationFailed(_l("Укажите план"), field=field)
    if plan.annulled_at is not None or plan.status == PlanStatus.CLOSED.value:
        raise ConflictError(_l("План «%(title)s» закрыт: изменять его нельзя"), field=field, title=plan.title)
    return plan


def _check_event(item: PlanItem) -> None:
    """An event of the Victory-75 calendar is linked only from the city-wide-events section, and only a current one."""
    event = item.event
    if event is None and item.event_id is not None:
        event = db.session.get(Event, item.event_id)
    if event is None:
        return
    if item.section is None or not item.section.is_city_events:
        raise ValidationFailed(
            _l("Мероприятие календаря указывают только у пунктов раздела «%(section)s»"),
            field="event",
            section=city_events_section_name(),
        )
    if event.annulled_at is not None:
        raise ValidationFailed(_l("Мероприятие «%(title)s» аннулировано"), field="event", title=event.title)


def _current_event(item: PlanItem) -> Event | None:
    """The item's event when it is still current (what a copy of the item carries over)."""
    event = item.event
    return event if event is not None and event.annulled_at is None else None


def city_events_section_name() -> str:
    """The name of the city-wide-events section, as the reference table holds it."""
    with db.session.no_autoflush:
        name = db.session.scalar(select(PlanSection.name).where(PlanSection.code == CITY_EVENTS_SECTION))
    return name or gettext("Общегородские мероприятия")


def link_event(item: PlanItem, event: Event | None) -> PlanItem:
    """Link an item of the city-wide-events section to its event of the calendar (None: unlink)."""
    item.event = event
    _check_event(item)
    db.session.flush()
    return item


def prepare_item(item: PlanItem) -> PlanItem:
    """A new item: its plan open, its section's next number, its due date, its supervising deputy head."""
    plan = _check_plan_open(item.plan)
    _check_text(item)
    _check_bodies(item)
    _check_event(item)
    item.due_date = settle_term(item, plan)
    item.seq = _next_seq(plan, item.section)
    item.position = _position(item.section, item.seq)
    item.supervisor = supervising_deputy(item.responsible_body)
    item.status = ItemStatus.PLANNED.value
    return item


def check_item(item: PlanItem) -> PlanItem:
    """Every write of an item: a marked item is no longer edited; a new section gives a new number."""
    state = sa_inspect(item)
    if not state.persistent:
        return item
    if item.status != ItemStatus.PLANNED.value:
        raise ConflictError(
            _l("Пункт отмечен («%(status)s»): изменить его нельзя"), status=str(ITEM_STATUS_LABELS[item.status])
        )
    plan = _check_plan_open(item.plan)
    _check_text(item)
    _check_bodies(item)
    _check_event(item)
    item.due_date = settle_term(item, plan)
    if state.attrs.section.history.has_changes() or state.attrs.section_id.history.has_changes():
        item.seq = _next_seq(plan, item.section)
        item.position = _position(item.section, item.seq)
    if state.attrs.responsible_body.history.has_changes() or state.attrs.responsible_body_id.history.has_changes():
        item.supervisor = supervising_deputy(item.responsible_body)
    return item


def add_item(
    plan: Plan,
    section: PlanSection,
    title: str,
    responsible_body: Body,
    *,
    responsible_person: str | None = None,
    co_executors: Iterable[Body] = (),
    planned_month: int | None = None,
    planned_date: dt.date | None = None,
    form: str | None = None,
    proposal: PlanProposal | None = None,
    source_item: PlanItem | None = None,
    event: Event | None = None,
) -> PlanItem:
    """Add an item at the end of its section (`event`: only in the city-wide-events section)."""
    item = PlanItem(
        plan=plan,
        section=section,
        title=title,
        responsible_body=responsible_body,
        responsible_person=responsible_person,
        co_executors=list(co_executors),
        planned_month=planned_month,
        planned_date=planned_date,
        form=form,
        proposal=proposal,
        source_item=source_item,
        event=event,
    )
    try:
        with db.session.no_autoflush:
            prepare_item(item)
    except DomainError:
        # Out of its plan's collection again: a refused item must not reach a later flush.
        item.plan = None
        raise
    db.session.add(item)
    db.session.flush()
    return item


# ---- proposals ----------------------------------------------------------------------------------------

PROPOSAL_ACTIONS: dict[str, Any] = {
    "submit": _l("Направить на согласование"),
    "agree": _l("Согласовать"),
    "return": _l("Вернуть на доработку"),
    "reject": _l("Отклонить"),
}
PROPOSAL_TRANSITIONS: dict[str, tuple[ProposalStatus, ...]] = {
    "submit": (ProposalStatus.DRAFT, ProposalStatus.RETURNED),
    "agree": (ProposalStatus.SUBMITTED,),
    "return": (ProposalStatus.SUBMITTED,),
    "reject": (ProposalStatus.SUBMITTED, ProposalStatus.AGREED),
}
#: Plans take proposals while they are collected and while the plan is being approved (late, flagged).
TAKING_PROPOSALS = (PlanStatus.COLLECTING.value, PlanStatus.ON_APPROVAL.value)


def proposal_action_allowed(proposal: PlanProposal, action: str) -> bool:
    return proposal.annulled_at is None and ProposalStatus(proposal.status) in PROPOSAL_TRANSITIONS[action]


def _require_proposal(proposal: PlanProposal, action: str) -> None:
    if not proposal_action_allowed(proposal, action):
        status = (
            gettext("аннулировано")
            if proposal.annulled_at is not None
            else str(PROPOSAL_STATUS_LABELS[proposal.status])
        )
        raise IllegalTransition(action=str(PROPOSAL_ACTIONS[action]), what=gettext("предложение"), status=status)


def _check_taking(plan: Plan | None) -> Plan:
    if plan is None:
        raise ValidationFailed(_l("Укажите план"), field="plan")
    if plan.annulled_at is not None or plan.status not in TAKING_PROPOSALS:
        raise ConflictError(
            _l("Предложения в «%(title)s» не принимаются: план в статусе «%(status)s»"),
            field="plan",
            title=plan.title,
            status=str(PLAN_STATUS_LABELS[plan.status]) if plan.annulled_at is None else gettext("аннулирован"),
        )
    return plan


def prepare_proposal(proposal: PlanProposal) -> PlanProposal:
    """A new proposal (a draft): its plan takes proposals, its term falls in the plan's period."""
    plan = _check_taking(proposal.plan)
    if proposal.submitted_by_body is None:
        raise ValidationFailed(_l("Укажите орган, вносящий предложение"), field="submitted_by_body")
    _check_text(proposal)
    _check_bodies(proposal)
    settle_term(proposal, plan)
    proposal.form = proposal.form or "report"
    proposal.status = ProposalStatus.DRAFT.value
    proposal.is_late = False
    return proposal


def check_proposal(proposal: PlanProposal) -> PlanProposal:
    """Every write: a proposal is edited as a draft or once returned; the plan is not changed."""
    state = sa_inspect(proposal)
    if not state.persistent:
        return proposal
    if proposal.status not in (ProposalStatus.DRAFT.value, ProposalStatus.RETURNED.value):
        raise ConflictError(
            _l("Предложение в статусе «%(status)s» не изменяется"),
            status=str(PROPOSAL_STATUS_LABELS[proposal.status]),
        )
    for column in ("plan", "plan_id", "submitted_by_body", "submitted_by_body_id"):
        if state.attrs[column].history.has_changes():
            raise ValidationFailed(
                _l("План и вносящий орган предложения не меняются"), field=column.removesuffix("_id")
            )
    _check_text(proposal)
    _check_bodies(proposal)
    settle_term(proposal, proposal.plan)
    return proposal


def submit_proposal(proposal: PlanProposal, today: dt.date | None = None) -> PlanProposal:
    """Send to the supervising deputy head; past the plan's proposals term it is accepted and flagged late."""
    _require_proposal(proposal, "submit")
    plan = _check_taking(proposal.plan)
    today = today or local_today()
    proposal.submitted_on = today
    proposal.is_late = today > plan.proposals_due
    proposal.status = ProposalStatus.SUBMITTED.value
    db.session.flush()
    return proposal


def _require_supervisor(proposal: PlanProposal, user: Any) -> None:
    """Only the deputy head who supervises the proposing body agrees or returns its proposal."""
    deputy = supervising_deputy(proposal.submitted_by_body)
    body = proposal.submitted_by_body.name
    if deputy is None:
        raise NoSupervisor(body=body)
    if user is None or deputy.id != user.id:
        raise NotTheSupervisor(body=body, deputy=_user_name(deputy))


def agree_proposal(proposal: PlanProposal, user: Any, today: dt.date | None = None) -> PlanProposal:
    """The supervising deputy head agrees the proposal (anyone else is refused, with the reason)."""
    _require_proposal(proposal, "agree")
    _require_supervisor(proposal, user)
    proposal.status = ProposalStatus.AGREED.value
    proposal.agreed_by_fk = user.id
    proposal.agreed_on = today or local_today()
    proposal.comment = None
    db.session.flush()
    return proposal


def return_proposal(proposal: PlanProposal, user: Any, comment: str) -> PlanProposal:
    """The supervising deputy head returns the proposal with a comment; the body corrects and resubmits it."""
    _require_proposal(proposal, "return")
    _require_supervisor(proposal, user)
    if not (comment or "").strip():
        raise ValidationFailed(_l("Напишите, что доработать"), field="comment")
    proposal.status = ProposalStatus.RETURNED.value
    proposal.comment = comment.strip()
    db.session.flush()
    return proposal


def reject_proposal(proposal: PlanProposal, reason: str) -> PlanProposal:
    """The plan's coordinator does not take a proposal into the plan (with the reason)."""
    _require_proposal(proposal, "reject")
    if not (reason or "").strip():
        raise ValidationFailed(_l("Укажите причину"), field="reason")
    proposal.status = ProposalStatus.REJECTED.value
    proposal.comment = reason.strip()
    db.session.flush()
    return proposal


def include_agreed_proposals(plan: Plan) -> list[PlanItem]:
    """Every agreed proposal of the plan becomes an item, in the order of submission (one action)."""
    _require_plan(plan, "include")
    proposals = db.session.scalars(
        select(PlanProposal)
        .where(
            PlanProposal.plan_id == plan.id,
            PlanProposal.status == ProposalStatus.AGREED.value,
            PlanProposal.annulled_at.is_(None),
        )
        .order_by(PlanProposal.submitted_on, PlanProposal.id)
    ).all()
    items = []
    for proposal in proposals:
        items.append(
            add_item(
                plan,
                proposal.section,
                proposal.title,
                proposal.responsible_body,
                responsible_person=proposal.responsible_person,
                co_executors=proposal.co_executors,
                planned_month=proposal.planned_month,
                planned_date=proposal.planned_date,
                form=proposal.form,
                proposal=proposal,
            )
        )
        proposal.status = ProposalStatus.INCLUDED.value
    db.session.flush()
    return items


# ---- the quarterly plan from the annual one -----------------------------------------------------------


def build_quarter(annual: Plan, quarter: int) -> tuple[Plan, list[PlanItem]]:
    """The quarter's plan (made when missing) with a copy of each annual item planned in the quarter.

    Copied: current annual items still planned whose month falls in the quarter, each linked to its
    source. Run again, it copies only what has no copy in that plan yet (an annulled copy counts: the
    coordinator annulled it on purpose).
    """
    _require_plan(annual, "build_quarter")
    if quarter not in (1, 2, 3, 4):
        raise ValidationFailed(_l("Квартал — от 1 до 4"), field="quarter")
    plan = _current_plan(period_key(annual.year, quarter))
    if plan is None:
        plan = create_plan(PlanKind.QUARTERLY.value, annual.year, quarter)
    _check_plan_open(plan)
    months = plan.months
    copied = set(
        db.session.scalars(
            select(PlanItem.source_item_id).where(PlanItem.plan_id == plan.id, PlanItem.source_item_id.is_not(None))
        )
    )
    items = []
    for source in _current_items(annual):
        if source.status != ItemStatus.PLANNED.value or source.planned_month not in months or source.id in copied:
            continue
        items.append(
            add_item(
                plan,
                source.section,
                source.title,
                source.responsible_body,
                responsible_person=source.responsible_person,
                co_executors=source.co_executors,
                planned_month=source.planned_month,
                planned_date=source.planned_date,
                form=source.form,
                proposal=source.proposal,
                source_item=source,
                # The quarter's copy names the same event of the calendar.
                event=_current_event(source),
            )
        )
    return plan, items


# ---- execution marks ------------------------------------------------------------------------------------

MARK_ACTIONS: dict[str, Any] = {
    "done": _l("Исполнено"),
    "move": _l("Перенести"),
    "cancel": _l("Отменить"),
    "not_done": _l("Не исполнено"),
}


def current_copy(item: PlanItem) -> PlanItem | None:
    """The item's current copy in a quarterly plan (the copy is marked instead of it)."""
    with db.session.no_autoflush:
        return db.session.scalar(
            select(PlanItem)
            .where(PlanItem.source_item_id == item.id, PlanItem.annulled_at.is_(None))
            .order_by(PlanItem.id.desc())
            .limit(1)
        )


def markable(item: PlanItem) -> bool:
    """Whether an item may get a mark now (an approved plan, not marked, not watched through a quarterly copy)."""
    return (
        item.annulled_at is None
        and item.status == ItemStatus.PLANNED.value
        and item.plan.status == PlanStatus.APPROVED.value
        and current_copy(item) is None
    )


def _require_markable(item: PlanItem, action: str) -> None:
    label = str(MARK_ACTIONS[action])
    if item.annulled_at is not None:
        raise IllegalTransition(action=label, what=gettext("пункт"), status=gettext("аннулирован"))
    if item.status != ItemStatus.PLANNED.value:
        raise IllegalTransition(action=label, what=gettext("пункт"), status=str(ITEM_STATUS_LABELS[item.status]))
    if item.plan.status != PlanStatus.APPROVED.value:
        raise ConflictError(
            _l("Отметки об исполнении ставятся в утверждённом плане; «%(title)s» — в статусе «%(status)s»"),
            title=item.plan.title,
            status=str(PLAN_STATUS_LABELS[item.plan.status]),
        )
    copy = current_copy(item)
    if copy is not None:
        raise ConflictError(
            _l("Пункт включён в «%(title)s»: исполнение отмечается там (пункт %(seq)s)"),
            title=copy.plan.title,
            seq=copy.seq,
        )


def _reason(reason: str | None) -> str:
    text = (reason or "").strip()
    if not text:
        raise ValidationFailed(_l("Укажите причину"), field="reason")
    return text


def _stamp(item: PlanItem, status: ItemStatus, user: Any) -> None:
    item.status = status.value
    item.marked_on = local_today()
    item.marked_by_fk = getattr(user, "id", None)


def mark_done(item: PlanItem, done_on: dt.date, result: str, user: Any = None) -> PlanItem:
    """Executed on a date, with its result."""
    _require_markable(item, "done")
    if done_on is None:
        raise ValidationFailed(_l("Укажите дату исполнения"), field="done_on")
    check_date(item, "done_on", done_on)
    if done_on > local_today():
        raise ValidationFailed(_l("Дата исполнения не может быть позже сегодняшней"), field="done_on")
    if not (result or "").strip():
        raise ValidationFailed(_l("Укажите результат"), field="result")
    item.done_on = done_on
    item.result = result.strip()
    item.reason = None
    _stamp(item, ItemStatus.DONE, user)
    _mirror_to_source(item)
    db.session.flush()
    return item


def mark_cancelled(item: PlanItem, reason: str, user: Any = None) -> PlanItem:
    """Cancelled (not counted in the percentage; shown apart), with the reason."""
    _require_markable(item, "cancel")
    item.reason = _reason(reason)
    _stamp(item, ItemStatus.CANCELLED, user)
    _mirror_to_source(item)
    db.session.flush()
    return item


def mark_not_done(item: PlanItem, reason: str, user: Any = None) -> PlanItem:
    """Not done, with the reason."""
    _require_markable(item, "not_done")
    item.reason = _reason(reason)
    _stamp(item, ItemStatus.NOT_DONE, user)
    _mirror_to_source(item)
    db.session.flush()
    return item


def move_targets(item: PlanItem) -> list[Plan]:
    """Plans an item may be moved to: later plans of its kind, current and not closed."""
    return list(
        db.session.scalars(
            select(Plan)
            .where(
                Plan.kind == item.plan.kind,
                Plan.annulled_at.is_(None),
                Plan.status != PlanStatus.CLOSED.value,
                Plan.period != item.plan.period,
            )
            .order_by(Plan.year, Plan.quarter)
        )
    )


def move_item(
    item: PlanItem,
    target: Plan,
    reason: str,
    planned_month: int | None = None,
    planned_date: dt.date | None = None,
    user: Any = None,
) -> PlanItem:
    """Move to a later period: the item is created there (linked), this one is marked moved with the reason."""
    _require_markable(item, "move")
    text = _reason(reason)
    if target is None:
        raise ValidationFailed(_l("Выберите план, в который переносится пункт"), field="target")
    _check_plan_open(target, field="target")
    if target.kind != item.plan.kind or target.start <= item.plan.start:
        raise ValidationFailed(_l("Пункт переносится в план более позднего периода того же вида"), field="target")
    probe = PlanItem(planned_month=planned_month, planned_date=planned_date)
    with db.session.no_autoflush:
        due = settle_term(probe, target)
    if due <= item.due_date:
        raise ValidationFailed(
            _l("Новый срок должен быть позже прежнего (%(due)s)"), field="planned_month", due=format_date(item.due_date)
        )
    # A quarterly item moved within its year stays the copy of its annual item.
    source = item.source_item if target.parent_id is not None and target.parent_id == item.plan.parent_id else None
    moved = add_item(
        target,
        item.section,
        item.title,
        item.responsible_body,
        responsible_person=item.responsible_person,
        co_executors=item.co_executors,
        planned_month=probe.planned_month,
        planned_date=planned_date,
        form=item.form,
        proposal=item.proposal,
        source_item=source,
        event=_current_event(item),
    )
    item.reason = text
    item.moved_to_item = moved
    _stamp(item, ItemStatus.MOVED, user)
    _mirror_to_source(item)
    db.session.flush()
    return moved


def _mirror_to_source(item: PlanItem) -> None:
    """A quarterly item's mark is its annual item's too, unless it only moved to a later quarter of the year."""
    source = item.source_item
    if (
        source is None
        or source.annulled_at is not None
        or source.status != ItemStatus.PLANNED.value
        or source.plan_id != item.plan.parent_id
    ):
        return
    if item.status == ItemStatus.MOVED.value:
        target = item.moved_to_item
        if target is not None and target.source_item_id == source.id:
            return  # still the annual item's copy, in a later quarter
        source.moved_to_item = target
    source.status = item.status
    source.done_on, source.result, source.reason = item.done_on, item.result, item.reason
    source.marked_on, source.marked_by_fk = item.marked_on, item.marked_by_fk


def co_executor_ids(item_ids: Sequence[int]) -> dict[int, list[int]]:
    """The co-executing bodies of these items (one query): for lists and files."""
    rows = db.session.execute(
        select(item_co_executors.c.item_id, item_co_executors.c.body_id).where(
            item_co_executors.c.item_id.in_(item_ids)
        )
    )
    result: dict[int, list[int]] = {}
    for item_id, body_id in rows:
        result.setdefault(item_id, []).append(body_id)
    return result


PLAN_HOOKS = DomainHooks(prepare_new=prepare_plan, check=check_plan)
PROPOSAL_HOOKS = DomainHooks(prepare_new=prepare_proposal, check=check_proposal)
ITEM_HOOKS = DomainHooks(prepare_new=prepare_item, check=check_item)
