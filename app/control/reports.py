"""Statistics of control (DOMAIN.md D.9, R-C1…R-C4): aggregate SQL, plain data in, plain data out.

Every query counts in the database (GROUP BY, conditional counts), leaves annulled rows out and is
asked with a filter carrying the row scope of statistics (`app.security.statistics_clause`: what the
user's bodies own — a co-executing body sees an instruction but never counts it). The dashboard of a
later issue may call `executive_discipline` directly: it takes plain values and returns dataclasses.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from flask_appbuilder.security.sqla.models import User
from flask_babel import gettext
from sqlalchemy import and_, case, func, or_, select, true
from sqlalchemy.orm import aliased

from ..core.dates import local_today
from ..extensions import db
from ..org.models import Body
from .models import OPEN_VALUES, Correspondent, Direction, Document, DocumentKind, Instruction, InstructionStatus


def percent(part: int, whole: int, places: int = 2) -> Decimal | None:
    """part / whole × 100 rounded half up (99.68 for 6,461 of 6,482), None when whole is 0."""
    if not whole:
        return None
    quantum = Decimal(1).scaleb(-places)
    return (Decimal(part) * 100 / Decimal(whole)).quantize(quantum, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class ControlFilter:
    """What every control report is asked with: the period (both ends included), a body, the scope clause."""

    date_from: dt.date | None
    date_to: dt.date | None
    body_id: int | None = None
    #: The row scope of statistics (None: every row) — `statistics_clause(Instruction)`.
    scope: Any = None
    #: The local date overdue is judged against (default: today in the city).
    today: dt.date | None = None


def _base(flt: ControlFilter) -> list[Any]:
    conditions: list[Any] = [Instruction.annulled_at.is_(None)]
    if flt.body_id is not None:
        conditions.append(Instruction.responsible_body_id == flt.body_id)
    if flt.scope is not None:
        conditions.append(flt.scope)
    return conditions


def _within(column: Any, flt: Any) -> Any:
    """The column within the filter's period (an open end is no limit)."""
    bounds = []
    if flt.date_from is not None:
        bounds.append(column >= flt.date_from)
    if flt.date_to is not None:
        bounds.append(column <= flt.date_to)
    return and_(true(), *bounds)


# ---- R-C1 executive discipline --------------------------------------------------------------------


@dataclass(frozen=True)
class DisciplineRow:
    """One body's (or the total's) figures of executive discipline for the period."""

    body: str | None
    body_id: int | None
    #: Put on control in the period (by the date of registration in the journal).
    put: int
    #: Removed from control in the period; of them on time / late (against the current deadline).
    removed: int
    removed_on_time: int
    removed_late: int
    #: Still open, due in the period and past the deadline today.
    open_overdue: int
    #: Due in the period with the deadline extended.
    extended: int
    #: Due in the period (not cancelled) and of them removed on time — against the current deadline…
    due: int
    due_on_time: int
    #: … and against the original deadline.
    due_original: int
    due_on_time_original: int

    @property
    def execution_percent(self) -> Decimal | None:
        """Execution rate = removed ÷ put on control (the customer's 6,461 ÷ 6,482 = 99.68 %)."""
        return percent(self.removed, self.put)

    @property
    def on_time_percent(self) -> Decimal | None:
        """On-time rate = removed on time ÷ due in the period (current deadline)."""
        return percent(self.due_on_time, self.due)

    @property
    def on_time_original_percent(self) -> Decimal | None:
        """The same against the original deadline («исполнено с продлением» counts as late here)."""
        return percent(self.due_on_time_original, self.due_original)


@dataclass(frozen=True)
class DisciplineReport:
    rows: list[DisciplineRow]
    total: DisciplineRow
    today: dt.date = field(default_factory=local_today)


MEASURES = (
    "put",
    "removed",
    "removed_on_time",
    "removed_late",
    "open_overdue",
    "extended",
    "due",
    "due_on_time",
    "due_original",
    "due_on_time_original",
)


def _discipline_measures(flt: ControlFilter, today: dt.date) -> list[Any]:
    removed = Instruction.status == InstructionStatus.REMOVED.value
    not_cancelled = Instruction.status != InstructionStatus.CANCELLED.value
    removed_in = and_(removed, _within(Instruction.removed_on, flt))
    due_in = and_(_within(Instruction.deadline, flt), not_cancelled)
    due_original_in = and_(_within(Instruction.deadline_original, flt), not_cancelled)

    def count(condition: Any) -> Any:
        return func.count(case((condition, 1)))

    return [
        count(_within(Instruction.reg_date, flt)),
        count(removed_in),
        count(and_(removed_in, Instruction.removed_on <= Instruction.deadline)),
        count(and_(removed_in, Instruction.removed_on > Instruction.deadline)),
        count(and_(Instruction.status.in_(OPEN_VALUES), due_in, Instruction.deadline < today)),
        count(and_(due_in, Instruction.deadline != Instruction.deadline_original)),
        count(due_in),
        count(and_(due_in, removed, Instruction.removed_on <= Instruction.deadline)),
        count(due_original_in),
        count(and_(due_original_in, removed, Instruction.removed_on <= Instruction.deadline_original)),
    ]


def executive_discipline(flt: ControlFilter) -> DisciplineReport:
    """R-C1 per responsible body for the period: one grouped query over the instructions touched by it.

    A row enters when any of its dates falls in the period (put on control, removed, due by the current
    or the original deadline); each figure then counts its own condition (see `DisciplineRow`).
    """
    today = flt.today or local_today()
    touched = or_(
        _within(Instruction.reg_date, flt),
        _within(Instruction.removed_on, flt),
        _within(Instruction.deadline, flt),
        _within(Instruction.deadline_original, flt),
    )
    query = (
        select(Instruction.responsible_body_id, *_discipline_measures(flt, today))
        .where(*_base(flt), touched)
        .group_by(Instruction.responsible_body_id)
    )
    counts = {body_id: tuple(int(v) for v in values) for body_id, *values in db.session.execute(query)}
    names = (
        dict(db.session.execute(select(Body.id, Body.name).where(Body.id.in_(list(counts)))).all()) if counts else {}
    )
    rows = sorted(
        (DisciplineRow(names.get(body_id), body_id, *values) for body_id, values in counts.items()),
        key=lambda row: row.body or "",
    )
    totals = [sum(getattr(row, name) for row in rows) for name in MEASURES]
    return DisciplineReport(rows=rows, total=DisciplineRow(None, None, *totals), today=today)


# ---- R-C2 overdue instructions for the planning meeting -------------------------------------------


@dataclass(frozen=True)
class OverdueRow:
    deputy: str
    body: str
    instruction_id: int
    reg_number: str
    text: str
    author: str
    executor: str | None
    controller: str | None
    deadline: dt.date
    deadline_original: dt.date
    days_overdue: int


def _full_name(user: Any) -> Any:
    """«Имя Фамилия» of a joined user, NULL when there is none."""
    name = func.trim(func.coalesce(user.first_name, "") + " " + func.coalesce(user.last_name, ""))
    return case((user.id.is_not(None), name), else_=None)


def overdue(flt: ControlFilter, limit: int | None = None) -> list[OverdueRow]:
    """R-C2: open instructions past their deadline on `today`, by the supervising deputy head and body.

    The period is not used: the list is of what is overdue now (the planning meeting's question).
    """
    today = flt.today or local_today()
    supervisor, executor, controller, author = aliased(User), aliased(User), aliased(User), aliased(User)
    query = (
        select(
            _full_name(supervisor).label("deputy"),
            Body.name.label("body"),
            Instruction.id,
            Instruction.reg_number,
            Instruction.text,
            func.coalesce(_full_name(author), Instruction.issued_by_name).label("author"),
            _full_name(executor).label("executor"),
            _full_name(controller).label("controller"),
            Instruction.deadline,
            Instruction.deadline_original,
        )
        .select_from(Instruction)
        .join(Body, Body.id == Instruction.responsible_body_id)
        .outerjoin(supervisor, supervisor.id == Body.supervisor_id)
        .outerjoin(executor, executor.id == Instruction.executor_id)
        .outerjoin(controller, controller.id == Instruction.controller_id)
        .outerjoin(author, author.id == Instruction.issued_by_id)
        .where(*_base(flt), Instruction.status.in_(OPEN_VALUES), Instruction.deadline < today)
        .order_by(supervisor.last_name.nulls_last(), Body.name, Instruction.deadline, Instruction.id)
    )
    if limit is not None:
        query = query.limit(limit)
    return [
        OverdueRow(
            deputy=row.deputy or NO_DEPUTY,
            body=row.body,
            instruction_id=row.id,
            reg_number=row.reg_number,
            text=row.text,
            author=row.author or "",
            executor=row.executor or None,
            controller=row.controller or None,
            deadline=row.deadline,
            deadline_original=row.deadline_original,
            days_overdue=(today - row.deadline).days,
        )
        for row in db.session.execute(query)
    ]


#: The group of bodies no deputy head supervises (a key, shown in Russian by the report's layout).
NO_DEPUTY = ""


# ---- R-C3 the Head's instructions -------------------------------------------------------------------


@dataclass(frozen=True)
class HeadInstructionRow:
    deputy: str
    body: str
    instruction_id: int
    reg_number: str
    reg_date: dt.date
    text: str
    deadline: dt.date
    status: str
    removed_on: dt.date | None
    result: str | None
    overdue: bool


def head_instructions(flt: ControlFilter, limit: int | None = None) -> list[HeadInstructionRow]:
    """R-C3: the Head's instructions put on control in the period, by deputy head and body, with status and result."""
    today = flt.today or local_today()
    supervisor = aliased(User)
    query = (
        select(
            _full_name(supervisor).label("deputy"),
            Body.name.label("body"),
            Instruction.id,
            Instruction.reg_number,
            Instruction.reg_date,
            Instruction.text,
            Instruction.deadline,
            Instruction.status,
            Instruction.removed_on,
            Instruction.result,
        )
        .select_from(Instruction)
        .join(Body, Body.id == Instruction.responsible_body_id)
        .outerjoin(supervisor, supervisor.id == Body.supervisor_id)
        .where(*_base(flt), Instruction.is_head_instruction.is_(True), _within(Instruction.reg_date, flt))
        .order_by(supervisor.last_name.nulls_last(), Body.name, Instruction.reg_date, Instruction.id)
    )
    if limit is not None:
        query = query.limit(limit)
    return [
        HeadInstructionRow(
            deputy=row.deputy or NO_DEPUTY,
            body=row.body,
            instruction_id=row.id,
            reg_number=row.reg_number,
            reg_date=row.reg_date,
            text=row.text,
            deadline=row.deadline,
            status=row.status,
            removed_on=row.removed_on,
            result=row.result,
            overdue=row.status in OPEN_VALUES and row.deadline < today,
        )
        for row in db.session.execute(query)
    ]


# ---- R-C4 correspondence journals -------------------------------------------------------------------


@dataclass(frozen=True)
class JournalRow:
    document_id: int
    reg_number: str
    reg_date: dt.date
    kind: str
    correspondent: str | None
    corr_number: str | None
    corr_date: dt.date | None
    summary: str
    addressee: str | None
    case_file: str | None


@dataclass(frozen=True)
class JournalFilter:
    date_from: dt.date
    date_to: dt.date
    direction: str = Direction.INCOMING.value
    body_id: int | None = None
    scope: Any = None


def journal_conditions(flt: JournalFilter) -> list[Any]:
    conditions: list[Any] = [
        Document.annulled_at.is_(None),
        Document.direction == flt.direction,
        _within(Document.reg_date, flt),
    ]
    if flt.body_id is not None:
        conditions.append(or_(Document.registering_body_id == flt.body_id, Document.addressee_body_id == flt.body_id))
    if flt.scope is not None:
        conditions.append(flt.scope)
    return conditions


def correspondence_journal(flt: JournalFilter, limit: int | None = None, personal: bool = False) -> list[JournalRow]:
    """R-C4: the journal of one direction for the period, in registration order.

    A citizen correspondent is named only with the personal-data right (`personal`).
    """
    addressee = aliased(Body)
    correspondent_name = case(
        (Correspondent.kind == "citizen", Correspondent.citizen_name if personal else None), else_=Correspondent.name
    )
    query = (
        select(
            Document.id,
            Document.reg_number,
            Document.reg_date,
            DocumentKind.name.label("kind"),
            correspondent_name.label("correspondent"),
            Correspondent.kind.label("correspondent_kind"),
            Document.corr_number,
            Document.corr_date,
            Document.summary,
            addressee.name.label("addressee"),
            Document.case_file,
        )
        .select_from(Document)
        .join(DocumentKind, DocumentKind.id == Document.kind_id)
        .outerjoin(Correspondent, Correspondent.id == Document.correspondent_id)
        .outerjoin(addressee, addressee.id == Document.addressee_body_id)
        .where(*journal_conditions(flt))
        .order_by(Document.reg_date, Document.reg_seq)
    )
    if limit is not None:
        query = query.limit(limit)
    return [
        JournalRow(
            document_id=row.id,
            reg_number=row.reg_number,
            reg_date=row.reg_date,
            kind=row.kind,
            correspondent=row.correspondent
            if row.correspondent or row.correspondent_kind != "citizen"
            else gettext("Гражданин"),
            corr_number=row.corr_number,
            corr_date=row.corr_date,
            summary=row.summary,
            addressee=row.addressee,
            case_file=row.case_file,
        )
        for row in db.session.execute(query)
    ]


def journal_count(flt: JournalFilter) -> int:
    return int(db.session.scalar(select(func.count(Document.id)).where(*journal_conditions(flt))) or 0)


def body_names(ids: Sequence[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(db.session.execute(select(Body.id, Body.name).where(Body.id.in_(list(ids)))).all())
