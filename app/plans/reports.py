"""Statistics and printouts of plans (DOMAIN.md D.9 R-P1…R-P3): plain data in, plain data out.

Every query counts with GROUP BY in the database and leaves annulled items out. A query is asked with an
`ExecutionFilter` (plain data plus the row-scope clause of statistics), so a dashboard, a report page or a
script can call it alike:

    report = execution(ExecutionFilter(date_from=dt.date(2026, 1, 1), date_to=dt.date(2026, 3, 31)))
    report.total.percent        # Decimal("87.5"): done ÷ (done + not done + moved), one decimal, half up

The percentage of execution (DOMAIN.md D.2) is done ÷ (done + not done + moved); cancelled items are
shown apart and never counted in it; items without a mark yet are planned but not in the percentage.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import Integer, case, cast, extract, func, select
from sqlalchemy.orm import aliased, joinedload, selectinload

from ..core.calendar import due_date
from ..extensions import db
from ..org.models import Body
from .models import ItemStatus, Plan, PlanItem, PlanProposal, PlanSection, monitored
from .reference import NOTE_RULE


def percent(part: int, whole: int) -> Decimal | None:
    """part ÷ whole × 100, one decimal rounded half up (as people round); None when whole is 0."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class ExecutionFilter:
    """Which items a report counts.

    `plan_ids`: the items of these plans; None — the items execution is watched on across plans (quarterly
    items, and annual items without a quarterly copy: an item is never counted twice). `date_from`/`date_to`
    bound the due date; `month` (1–12) narrows to one month; `body_id` the responsible body; `scope` is the
    row-scope clause of statistics (app.security.statistics_clause(PlanItem); None: every item).
    """

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    plan_ids: tuple[int, ...] | None = None
    month: int | None = None
    body_id: int | None = None
    scope: Any = None

    def conditions(self) -> list[Any]:
        clauses: list[Any] = [PlanItem.annulled_at.is_(None)]
        if self.plan_ids is None:
            clauses.append(monitored())
        else:
            clauses.append(PlanItem.plan_id.in_(self.plan_ids))
        if self.date_from is not None:
            clauses.append(PlanItem.due_date >= self.date_from)
        if self.date_to is not None:
            clauses.append(PlanItem.due_date <= self.date_to)
        if self.month is not None:
            clauses.append(PlanItem.planned_month == self.month)
        if self.body_id is not None:
            clauses.append(PlanItem.responsible_body_id == self.body_id)
        if self.scope is not None:
            clauses.append(self.scope)
        return clauses


@dataclass(frozen=True)
class Counts:
    """Items by their mark; `planned` is every item of the group."""

    planned: int = 0
    done: int = 0
    moved: int = 0
    cancelled: int = 0
    not_done: int = 0

    @property
    def unmarked(self) -> int:
        return self.planned - self.done - self.moved - self.cancelled - self.not_done

    @property
    def percent(self) -> Decimal | None:
        """done ÷ (done + not done + moved); cancelled ones are not counted (DOMAIN.md D.2)."""
        return percent(self.done, self.done + self.not_done + self.moved)

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.planned + other.planned,
            self.done + other.done,
            self.moved + other.moved,
            self.cancelled + other.cancelled,
            self.not_done + other.not_done,
        )


def _count_columns() -> list[Any]:
    def of(status: ItemStatus) -> Any:
        return func.coalesce(func.sum(case((PlanItem.status == status.value, 1), else_=0)), 0)

    return [
        func.count(PlanItem.id).label("planned"),
        of(ItemStatus.DONE).label("done"),
        of(ItemStatus.MOVED).label("moved"),
        of(ItemStatus.CANCELLED).label("cancelled"),
        of(ItemStatus.NOT_DONE).label("not_done"),
    ]


def _counts(row: Any) -> Counts:
    return Counts(int(row.planned), int(row.done), int(row.moved), int(row.cancelled), int(row.not_done))


@dataclass(frozen=True)
class ExecutionRow:
    """One group of items: a body × section × month of the due date (or a coarser group), with its counts."""

    body: str
    section: str
    section_order: int
    year: int
    month: int
    counts: Counts

    def __getattr__(self, name: str) -> Any:
        # The tables read counts by name (planned, done, …, percent) like any other column.
        if name.startswith("_") or name == "counts":
            raise AttributeError(name)
        return getattr(self.counts, name)


@dataclass(frozen=True)
class GroupRow:
    """A named group (a section, a body) with its counts."""

    name: str
    counts: Counts
    order: int = 0

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_") or name == "counts":
            raise AttributeError(name)
        return getattr(self.counts, name)


@dataclass(frozen=True)
class ExecutionReport:
    rows: list[ExecutionRow]
    by_section: list[GroupRow]
    by_body: list[GroupRow]
    total: GroupRow


def execution(flt: ExecutionFilter, total_label: str = "") -> ExecutionReport:
    """Items by responsible body × section × month of the due date: planned, done, moved, cancelled, not done, %.

    Grouped on the item's own columns (one GROUP BY), names joined to the grouped rows afterwards.
    """
    year = cast(extract("year", PlanItem.due_date), Integer)
    month = cast(extract("month", PlanItem.due_date), Integer)
    grouped = (
        select(
            PlanItem.responsible_body_id.label("body_id"),
            PlanItem.section_id.label("section_id"),
            year.label("year"),
            month.label("month"),
            *_count_columns(),
        )
        .where(*flt.conditions())
        .group_by(PlanItem.responsible_body_id, PlanItem.section_id, year, month)
        .subquery()
    )
    query = (
        select(
            Body.name.label("body"),
            PlanSection.name.label("section"),
            PlanSection.sort_order.label("section_order"),
            grouped,
        )
        .select_from(grouped)
        .join(Body, Body.id == grouped.c.body_id)
        .join(PlanSection, PlanSection.id == grouped.c.section_id)
        .order_by(Body.name, PlanSection.sort_order, grouped.c.year, grouped.c.month)
    )
    rows = [
        ExecutionRow(r.body, r.section, r.section_order, int(r.year), int(r.month), _counts(r))
        for r in db.session.execute(query)
    ]
    by_section: dict[str, GroupRow] = {}
    by_body: dict[str, GroupRow] = {}
    for row in rows:
        known = by_section.get(row.section)
        by_section[row.section] = GroupRow(
            row.section, (known.counts if known else Counts()) + row.counts, row.section_order
        )
        known = by_body.get(row.body)
        by_body[row.body] = GroupRow(row.body, (known.counts if known else Counts()) + row.counts)
    total = sum((row.counts for row in rows), start=Counts())
    return ExecutionReport(
        rows=rows,
        by_section=sorted(by_section.values(), key=lambda g: (g.order, g.name)),
        by_body=sorted(by_body.values(), key=lambda g: g.name),
        total=GroupRow(total_label, total),
    )


# ---- the items not executed, with reasons ------------------------------------------------------------------


@dataclass(frozen=True)
class UnexecutedRow:
    section: str
    seq: int
    title: str
    body: str
    due: dt.date
    status: str
    reason: str
    moved_to: str


def unexecuted(flt: ExecutionFilter) -> list[UnexecutedRow]:
    """Items not done, moved or cancelled, with their reasons (and where a moved item went), in plan order."""
    target = aliased(PlanItem)
    target_plan = aliased(Plan)
    query = (
        select(
            PlanSection.name,
            PlanItem.seq,
            PlanItem.title,
            Body.name,
            PlanItem.due_date,
            PlanItem.status,
            PlanItem.reason,
            target_plan.title,
            target.seq,
        )
        .join(PlanSection, PlanSection.id == PlanItem.section_id)
        .join(Body, Body.id == PlanItem.responsible_body_id)
        .outerjoin(target, target.id == PlanItem.moved_to_item_id)
        .outerjoin(target_plan, target_plan.id == target.plan_id)
        .where(
            *flt.conditions(),
            PlanItem.status.in_([ItemStatus.NOT_DONE.value, ItemStatus.MOVED.value, ItemStatus.CANCELLED.value]),
        )
        .order_by(PlanItem.due_date, PlanSection.sort_order, PlanItem.seq, PlanItem.id)
    )
    return [
        UnexecutedRow(section, seq, title, body, due, status, reason or "", f"{plan}, п. {to_seq}" if plan else "")
        for section, seq, title, body, due, status, reason, plan, to_seq in db.session.execute(query)
    ]


# ---- late proposals -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LateProposalRow:
    plan: str
    title: str
    body: str
    submitted_on: dt.date
    due: dt.date


def late_proposals(plan_ids: Iterable[int], scope: Any = None) -> list[LateProposalRow]:
    """Proposals to these plans submitted after their term (DOMAIN.md D.9 R-P3)."""
    query = (
        select(Plan.title, PlanProposal.title, Body.name, PlanProposal.submitted_on, Plan.proposals_due)
        .join(Plan, Plan.id == PlanProposal.plan_id)
        .join(Body, Body.id == PlanProposal.submitted_by_body_id)
        .where(
            PlanProposal.plan_id.in_(list(plan_ids)),
            PlanProposal.is_late.is_(True),
            PlanProposal.annulled_at.is_(None),
        )
        .order_by(PlanProposal.submitted_on, PlanProposal.id)
    )
    if scope is not None:
        query = query.where(scope)
    return [LateProposalRow(*row) for row in db.session.execute(query)]


# ---- the analytical note (execution note) ------------------------------------------------------------------


@dataclass
class NoteData:
    """The execution note of a plan for its period or one month of it: totals, %, the items not executed."""

    plan: Plan | None
    month: int | None
    period: str
    start: dt.date | None
    end: dt.date | None
    due: dt.date | None
    execution: ExecutionReport
    unexecuted: list[UnexecutedRow] = field(default_factory=list)
    late: list[LateProposalRow] = field(default_factory=list)


def note(plan: Plan | None, month: int | None, scope: Any = None, proposals_scope: Any = None) -> NoteData:
    """The figures of the execution note, due the 10th of the month after the period (rule plans_execution_note)."""
    from .texts import MONTH_NAMES

    if plan is None:
        return NoteData(None, None, "", None, None, None, execution(ExecutionFilter(plan_ids=())))
    if month is not None and month not in plan.months:
        month = None
    start = plan.start if month is None else dt.date(plan.year, month, 1)
    end = plan.end if month is None else (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    flt = ExecutionFilter(plan_ids=(plan.id,), month=month, scope=scope)
    period = plan.title if month is None else f"{plan.title}, {MONTH_NAMES[month - 1]} {plan.year}"
    return NoteData(
        plan=plan,
        month=month,
        period=period,
        start=start,
        end=end,
        due=due_date(NOTE_RULE, end).due,
        execution=execution(flt),
        unexecuted=unexecuted(flt),
        late=late_proposals([plan.id], proposals_scope) if month is None else [],
    )


# ---- the plan printout ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PrintRow:
    number: int
    title: str
    term: str
    responsible: str
    co_executors: str
    form: str


@dataclass(frozen=True)
class PrintSection:
    order: int
    name: str
    rows: list[PrintRow]


def printout(plan: Plan | None, scope: Any = None) -> list[PrintSection]:
    """The plan's current items section by section, numbered as the plan numbers them (R-P1)."""
    from .texts import FORM_LABELS

    if plan is None:
        return []
    query = (
        select(PlanItem)
        .where(PlanItem.plan_id == plan.id, PlanItem.annulled_at.is_(None))
        .order_by(PlanItem.position, PlanItem.id)
        .options(
            selectinload(PlanItem.co_executors), joinedload(PlanItem.section), joinedload(PlanItem.responsible_body)
        )
    )
    if scope is not None:
        query = query.where(scope)
    sections: dict[int, PrintSection] = {}
    for item in db.session.scalars(query):
        responsible = item.responsible_body.name
        if item.responsible_person:
            responsible = f"{responsible} ({item.responsible_person})"
        row = PrintRow(
            item.seq,
            item.title,
            item.planned_text(),
            responsible,
            ", ".join(body.name for body in item.co_executors),
            str(FORM_LABELS.get(item.form or "", "")),
        )
        section = sections.setdefault(item.section_id, PrintSection(item.section.sort_order, item.section.name, []))
        section.rows.append(row)
    return sorted(sections.values(), key=lambda s: s.order)
