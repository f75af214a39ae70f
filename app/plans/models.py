"""Work plans (DOMAIN.md A.7, D.2): annual and quarterly plans, proposals to them, plan items and their marks.

A plan is the administration's own document (no body owns it: every reader sees every plan); a
proposal is its proposing body's, a plan item its responsible body's, and the co-executing bodies
read the item (a collection of the row scope). An item links to an instruction of control (put on control
from its card) and, in the city-wide-events section, to an event of the Victory-75 calendar: the two
declared links of plans (plans imports control and events; neither imports plans).
"""

from __future__ import annotations

import calendar
import datetime as dt
import enum
from typing import Any

from flask_appbuilder import Model
from flask_appbuilder.security.sqla.models import User
from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    exists,
    text,
)
from sqlalchemy.orm import Mapped, aliased, mapped_column, relationship, validates

from ..control.models import Instruction
from ..core.errors import ConflictError
from ..core.export_reads import reads_columns
from ..core.models import CURRENT_ROWS, AnnulableMixin, VersionedMixin, current_index, current_indexes
from ..core.record_links import ReadableFilter
from ..events.models import Event
from ..org.models import Body
from ..security import LinkRule, Scope, read_only


def _in(column: str, values: type[enum.StrEnum]) -> str:
    return f"{column} IN ({', '.join(repr(v.value) for v in values)})"


class PlanKind(enum.StrEnum):
    ANNUAL = "annual"
    QUARTERLY = "quarterly"


class PlanStatus(enum.StrEnum):
    """draft → collecting proposals → on approval → approved → closed (DOMAIN.md D.2)."""

    DRAFT = "draft"
    COLLECTING = "collecting"
    ON_APPROVAL = "on_approval"
    APPROVED = "approved"
    CLOSED = "closed"


class ProposalStatus(enum.StrEnum):
    """draft → submitted → agreed (by the supervising deputy) | returned → included | rejected."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    AGREED = "agreed"
    RETURNED = "returned"
    INCLUDED = "included"
    REJECTED = "rejected"


class ItemStatus(enum.StrEnum):
    """An item is planned until it is marked: done, moved to a later period, cancelled, or not done."""

    PLANNED = "planned"
    DONE = "done"
    MOVED = "moved"
    CANCELLED = "cancelled"
    NOT_DONE = "not_done"


class ItemForm(enum.StrEnum):
    """How a question comes before its addressee (a report, information, a draft decision, an event)."""

    REPORT = "report"
    INFORMATION = "information"
    DRAFT_DECISION = "draft_decision"
    EVENT = "event"


#: The section of city-wide events: its items may link to an event of the Victory-75 calendar.
CITY_EVENTS_SECTION = "city_events"


class PlanSection(VersionedMixin, Model):
    """A section of the plan (five of them: Council, Collegium, the Head, deputy heads, city-wide events)."""

    __tablename__ = "plans_section"
    __label__ = _l("Раздел плана")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The stable key code asks for (city_events: the section whose items link to events); never edited.
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(500), unique=True)
    #: The section's number in the printed plan (I, II, …) and in the items' order.
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)

    def __repr__(self) -> str:
        return self.name

    @property
    def is_city_events(self) -> bool:
        return self.code == CITY_EVENTS_SECTION


class Plan(AnnulableMixin, VersionedMixin, Model):
    """An annual perspective plan or a quarterly current plan (which belongs to its year's annual plan)."""

    __tablename__ = "plans_plan"
    __label__ = _l("План работы")
    # The signed plan and the approving act (scans).
    __attachments__ = True
    __table_args__ = (
        CheckConstraint(_in("kind", PlanKind), name="kind"),
        CheckConstraint(_in("status", PlanStatus), name="status"),
        CheckConstraint(
            "(kind = 'annual' AND quarter IS NULL) OR (kind = 'quarterly' AND quarter BETWEEN 1 AND 4)",
            name="quarter_fits_kind",
        ),
        # One current plan per period («2026», «2026-2»).
        Index("ux_plans_plan_period", "period", unique=True, **CURRENT_ROWS),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), default=PlanKind.ANNUAL.value, info={"code": True})
    year: Mapped[int] = mapped_column(Integer, index=True)
    quarter: Mapped[int | None] = mapped_column(Integer)
    #: «2026» or «2026-2»: the period's key (one current plan each).
    period: Mapped[str] = mapped_column(String(16))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("plans_plan.id"), index=True)
    #: Empty on a new plan: named by its kind and period (services.plan_title).
    title: Mapped[str] = mapped_column(String(255), default="")
    status: Mapped[str] = mapped_column(String(16), default=PlanStatus.DRAFT.value, info={"code": True})
    #: Proposals are due a month before the period starts (rule plans_proposals).
    proposals_due: Mapped[dt.date] = mapped_column(Date)
    #: The execution note of the whole period is due the 10th of the month after it (rule plans_execution_note).
    note_due: Mapped[dt.date] = mapped_column(Date)
    approved_act_no: Mapped[str | None] = mapped_column(String(64))
    approved_on: Mapped[dt.date | None] = mapped_column(Date)

    parent: Mapped[Plan | None] = relationship(remote_side=[id], back_populates="quarters")
    quarters: Mapped[list[Plan]] = relationship(back_populates="parent", order_by="Plan.quarter")
    items: Mapped[list[PlanItem]] = relationship(back_populates="plan", foreign_keys="PlanItem.plan_id")

    def __repr__(self) -> str:
        return self.title

    @property
    def start(self) -> dt.date:
        """The period's first day."""
        month = 1 if self.quarter is None else 3 * (self.quarter - 1) + 1
        return dt.date(self.year, month, 1)

    @property
    def end(self) -> dt.date:
        """The period's last day."""
        month = 12 if self.quarter is None else 3 * self.quarter
        return dt.date(self.year, month, calendar.monthrange(self.year, month)[1])

    @property
    def months(self) -> list[int]:
        """The months of the period."""
        return list(range(self.start.month, self.end.month + 1))

    @property
    def is_annual(self) -> bool:
        return self.kind == PlanKind.ANNUAL.value

    @reads_columns("status", "proposals_due")
    def proposals_state(self) -> tuple[dt.date, dt.date | None]:
        """(due, done): the proposals' term is over once the plan leaves «collecting proposals»."""
        collecting = self.status in (PlanStatus.DRAFT.value, PlanStatus.COLLECTING.value)
        return self.proposals_due, None if collecting else self.proposals_due

    @validates("annulled_at")
    def _annul_only_an_empty_plan(self, _key: str, value: dt.datetime | None) -> dt.datetime | None:
        # A plan is annulled when it was made by mistake: its items are annulled first, one by one, with reasons.
        if value is not None and any(item.annulled_at is None for item in self.items):
            raise ConflictError(_l("В плане есть действующие пункты: сначала аннулируйте их"))
        return value


proposal_co_executors = Table(
    "plans_proposal_co_executor",
    Model.metadata,
    Column("proposal_id", ForeignKey("plans_proposal.id", ondelete="CASCADE"), primary_key=True),
    Column("body_id", ForeignKey("org_body.id"), primary_key=True, index=True),
)
item_co_executors = Table(
    "plans_item_co_executor",
    Model.metadata,
    Column("item_id", ForeignKey("plans_item.id", ondelete="CASCADE"), primary_key=True),
    Column("body_id", ForeignKey("org_body.id"), primary_key=True, index=True),
)


class PlannedTerm:
    """A planned month or date inside a plan's period; the date a list and a report read (`due_date`)."""

    planned_month: Mapped[int | None] = mapped_column(Integer)
    planned_date: Mapped[dt.date | None] = mapped_column(Date)

    def planned_text(self) -> str:
        """«15.03.2026» or «март 2026» (the printed plan's column «Срок»)."""
        from ..core.dates import format_date
        from .texts import MONTH_NAMES

        if self.planned_date is not None:
            return format_date(self.planned_date)
        plan = getattr(self, "plan", None)
        if self.planned_month is not None and plan is not None:
            return f"{MONTH_NAMES[self.planned_month - 1]} {plan.year}"
        return ""


class PlanProposal(PlannedTerm, AnnulableMixin, VersionedMixin, Model):
    """A body's proposal to a plan, agreed with the deputy head who supervises the body."""

    __tablename__ = "plans_proposal"
    __label__ = _l("Предложение в план")
    # The proposing body's: its staff and the deputy head who supervises it (who alone agrees it).
    __scope__ = Scope(bodies=("submitted_by_body",))
    __table_args__ = (
        CheckConstraint(_in("status", ProposalStatus), name="status"),
        CheckConstraint(_in("form", ItemForm), name="form"),
        current_index("ix_plans_proposal_current_status", "status", "id"),
        current_index("ix_plans_proposal_current_body", "submitted_by_body_id", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans_plan.id"), index=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("plans_section.id"))
    submitted_by_body_id: Mapped[int] = mapped_column(ForeignKey("org_body.id"))
    title: Mapped[str] = mapped_column(String(2000))
    responsible_body_id: Mapped[int] = mapped_column(ForeignKey("org_body.id"), index=True)
    responsible_person: Mapped[str | None] = mapped_column(String(255))
    form: Mapped[str] = mapped_column(String(16), default=ItemForm.REPORT.value, info={"code": True})
    status: Mapped[str] = mapped_column(String(16), default=ProposalStatus.DRAFT.value, info={"code": True})
    submitted_on: Mapped[dt.date | None] = mapped_column(Date)
    #: Submitted after the plan's proposals were due: accepted, and flagged.
    is_late: Mapped[bool] = mapped_column(Boolean, default=False)
    agreed_by_fk: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    agreed_on: Mapped[dt.date | None] = mapped_column(Date)
    #: Why it was returned (the deputy head) or rejected (the coordinator).
    comment: Mapped[str | None] = mapped_column(String(2000))

    plan: Mapped[Plan] = relationship()
    section: Mapped[PlanSection] = relationship()
    submitted_by_body: Mapped[Body] = relationship(foreign_keys=[submitted_by_body_id])
    responsible_body: Mapped[Body] = relationship(foreign_keys=[responsible_body_id])
    co_executors: Mapped[list[Body]] = relationship(secondary=proposal_co_executors, order_by=Body.name)
    agreed_by: Mapped[User | None] = relationship(foreign_keys=[agreed_by_fk])

    def __repr__(self) -> str:
        return self.title if len(self.title) <= 80 else self.title[:79] + "…"


class ReadableEventsFilter(ReadableFilter):
    """An item's event: one the user reads (the events' read right; their row scope comes on top)."""

    name = "Readable events"
    arg_name = "readableevent"
    resource = "Event"


class PlanItem(PlannedTerm, AnnulableMixin, VersionedMixin, Model):
    """An item of a plan: numbered within its section, executed by its responsible body, marked when done.

    The links to control and to events are two nullable columns and relationships here:
    `instruction_id → control_instruction.id` («Поставить на контроль» on the card, once; the instruction
    names the item back as its source, kind «plan_item») and `event_id → events_event.id` (items of the
    CITY_EVENTS_SECTION only, `section.is_city_events`; the services refuse it elsewhere).
    """

    __tablename__ = "plans_item"
    __label__ = _l("Пункт плана")
    # The responsible body works the item; co-executing bodies see it (and never mark it).
    __scope__ = Scope(bodies=("responsible_body",), body_collections=(read_only("co_executors"),))
    # An event is linked by who reads events (the plans coordinator does), within his row scope.
    __links__ = {"event": LinkRule(ReadableEventsFilter)}
    __table_args__ = (
        CheckConstraint(_in("status", ItemStatus), name="status"),
        CheckConstraint(f"form IS NULL OR {_in('form', ItemForm)}", name="form"),
        Index("ix_plans_item_plan_position", "plan_id", "position", "id"),
        # An annual item's quarterly copies (`monitored()`: NOT EXISTS per item). Partial: most items are no
        # copy, and with the NULLs counted SQLite's statistics called the index useless and scanned the
        # table once per item (20,000 items: 66 s for the plans dashboard). annulled_at makes it covering.
        Index(
            "ix_plans_item_source",
            "source_item_id",
            "annulled_at",
            sqlite_where=text("source_item_id IS NOT NULL"),
            postgresql_where=text("source_item_id IS NOT NULL"),
        ),
        *current_indexes(
            "ix_plans_item_current",
            (
                ("due", ("due_date", "id")),
                ("status_due", ("status", "due_date", "id")),
                ("body_due", ("responsible_body_id", "due_date", "id")),
                ("plan_due", ("plan_id", "due_date", "id")),
            ),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans_plan.id"))
    section_id: Mapped[int] = mapped_column(ForeignKey("plans_section.id"))
    #: The number within the section: given in order, changed only by the plan's «renumber» action.
    seq: Mapped[int] = mapped_column(Integer)
    #: Section order × 100 000 + number: the plan's printed order (kept by the services).
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(2000))
    responsible_body_id: Mapped[int] = mapped_column(ForeignKey("org_body.id"))
    responsible_person: Mapped[str | None] = mapped_column(String(255))
    #: The deputy head supervising the responsible body when the item was planned (курирующий заместитель).
    supervisor_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"), index=True)
    form: Mapped[str | None] = mapped_column(String(16), info={"code": True})
    #: The planned date, or the last day of the planned month: what «due» means in lists and reports.
    due_date: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default=ItemStatus.PLANNED.value, info={"code": True})
    done_on: Mapped[dt.date | None] = mapped_column(Date)
    result: Mapped[str | None] = mapped_column(String(2000))
    #: Why it was moved, cancelled or not done.
    reason: Mapped[str | None] = mapped_column(String(2000))
    marked_on: Mapped[dt.date | None] = mapped_column(Date)
    marked_by_fk: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    #: The annual item a quarterly item was copied from.
    source_item_id: Mapped[int | None] = mapped_column(ForeignKey("plans_item.id"))
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("plans_proposal.id"), index=True)
    #: The item created in the later period this one was moved to.
    moved_to_item_id: Mapped[int | None] = mapped_column(ForeignKey("plans_item.id"))
    #: Put on control: its instruction (app/control; written only by «Поставить на контроль», once).
    instruction_id: Mapped[int | None] = mapped_column(ForeignKey("control_instruction.id"), index=True)
    #: An item of the city-wide-events section: its event of the Victory-75 calendar (app/events).
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events_event.id"), index=True)

    plan: Mapped[Plan] = relationship(back_populates="items", foreign_keys=[plan_id])
    section: Mapped[PlanSection] = relationship()
    responsible_body: Mapped[Body] = relationship(foreign_keys=[responsible_body_id])
    co_executors: Mapped[list[Body]] = relationship(secondary=item_co_executors, order_by=Body.name)
    supervisor: Mapped[User | None] = relationship(foreign_keys=[supervisor_id])
    marked_by: Mapped[User | None] = relationship(foreign_keys=[marked_by_fk])
    source_item: Mapped[PlanItem | None] = relationship(remote_side=[id], foreign_keys=[source_item_id])
    moved_to_item: Mapped[PlanItem | None] = relationship(remote_side=[id], foreign_keys=[moved_to_item_id])
    # The earlier item this one was moved from (the other end of moved_to_item; written there).
    moved_from: Mapped[PlanItem | None] = relationship(
        primaryjoin="PlanItem.id == remote(PlanItem.moved_to_item_id)", viewonly=True, uselist=False
    )
    proposal: Mapped[PlanProposal | None] = relationship()
    instruction: Mapped[Instruction | None] = relationship(foreign_keys=[instruction_id])
    event: Mapped[Event | None] = relationship(foreign_keys=[event_id])

    def __repr__(self) -> str:
        title = self.title if len(self.title) <= 80 else self.title[:79] + "…"
        return f"{self.seq}. {title}"

    @property
    def is_marked(self) -> bool:
        return self.status != ItemStatus.PLANNED.value

    @reads_columns("status", "due_date", "done_on")
    def due_state(self) -> tuple[dt.date, dt.date | None] | None:
        """(due, done on) for the deadline badge: an item moved, cancelled or not done has no deadline to colour."""
        if self.status == ItemStatus.PLANNED.value:
            return self.due_date, None
        if self.status == ItemStatus.DONE.value:
            return self.due_date, self.done_on
        return None


def represented_by_copy() -> Any:
    """An annual item that has a current copy in a quarterly plan: the copy is monitored and marked instead."""
    copy = aliased(PlanItem)
    return exists().where(copy.source_item_id == PlanItem.id, copy.annulled_at.is_(None))


def monitored() -> Any:
    """The items execution is watched on: quarterly items, and annual items without a quarterly copy."""
    return ~represented_by_copy()
