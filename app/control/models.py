"""Control of execution: correspondents, registered documents, resolutions, instructions on control,
extensions of their deadlines and execution reports (DOMAIN.md D.3).

An instruction is ONE model that every domain may point to: its source is a generic reference
(`source_kind` + `source_id`, resolved through app/control/sources.py); the link itself lives on the
source's side (an appeal's or a plan item's `instruction`).
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from flask_appbuilder import Model
from flask_appbuilder.models.filters import BaseFilter
from flask_appbuilder.security.sqla.models import User
from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, Column, Date, ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.export_reads import reads_columns
from ..core.inputs import AFTER_REGISTRATION, HISTORIC_DATES, DateWindow
from ..core.models import AnnulableMixin, VersionedMixin, current_indexes
from ..org.models import Body
from ..security import LinkRule, OfficialUsersInScopeFilter, Scope, can_see_personal_data

# ---- correspondents and kinds of documents -----------------------------------------------------


class CorrespondentKind(enum.StrEnum):
    ORGANISATION = "organisation"
    GOV_BODY = "gov_body"
    HIGHER_BODY = "higher_body"
    DEPUTY = "deputy"
    COURT = "court"
    PROSECUTOR = "prosecutor"
    MEDIA = "media"
    CITIZEN = "citizen"


class Correspondent(VersionedMixin, Model):
    """Who writes to the administration or is written to: an organisation, a court, a citizen…"""

    __tablename__ = "control_correspondent"
    __label__ = _l("Корреспондент")
    # A citizen's name and address are personal data (152-ФЗ); an organisation's are not, and live apart.
    __personal__ = ("citizen_name", "citizen_address")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(24), default=CorrespondentKind.ORGANISATION.value, info={"code": True})
    #: The organisation's name (empty for a citizen: his name is personal data).
    name: Mapped[str | None] = mapped_column(String(500), index=True)
    citizen_name: Mapped[str | None] = mapped_column(String(255))
    citizen_address: Mapped[str | None] = mapped_column(String(500))
    inn: Mapped[str | None] = mapped_column(String(12))
    address: Mapped[str | None] = mapped_column(String(500))
    email: Mapped[str | None] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)

    def __repr__(self) -> str:
        if self.kind == CorrespondentKind.CITIZEN:
            # Drop-downs and cards of documents name the citizen only to those with the right.
            if self.citizen_name and can_see_personal_data():
                return self.citizen_name
            return str(_l("Гражданин"))
        return self.name or ""


class DocumentKind(VersionedMixin, Model):
    """A kind of document (письмо, запрос, постановление, протокол…): reference data the Admin edits."""

    __tablename__ = "control_document_kind"
    __label__ = _l("Вид документа")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=100)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)

    def __repr__(self) -> str:
        return self.name


# ---- the registry of documents ----------------------------------------------------------------


class Direction(enum.StrEnum):
    INCOMING = "incoming"
    OUTGOING = "outgoing"
    INTERNAL = "internal"


class IncomingDocumentsFilter(BaseFilter):
    """Current incoming documents: what another domain's record may name as the letter it arrived as
    (a petition's incoming document, a LinkRule of that record: drop-downs and the write guard alike)."""

    name = "Incoming documents"
    arg_name = "incomingdoc"

    def apply(self, query: Any, value: Any) -> Any:
        return query.filter(self.model.direction == Direction.INCOMING.value, self.model.annulled_at.is_(None))


class Delivery(enum.StrEnum):
    POST = "post"
    EMAIL = "email"
    MEDO = "medo"
    EDMS = "edms"
    COURIER = "courier"
    FAX = "fax"
    BY_HAND = "by_hand"
    EPGU = "epgu"


class Document(AnnulableMixin, VersionedMixin, Model):
    """A registered incoming, outgoing or internal document (регистрационно-контрольная карточка)."""

    __tablename__ = "control_document"
    #: What its drop-downs search when the register is too long for a full list (app/core/related.py).
    __lookup__ = ("reg_number", "summary")
    __label__ = _l("Документ")
    # Seen and worked by the body that registered it and the body it is addressed to.
    __scope__ = Scope(bodies=("registering_body", "addressee_body"))
    #: Scans of the letter and its enclosures.
    __attachments__ = True
    __table_args__ = (
        UniqueConstraint("direction", "reg_year", "reg_seq"),
        *current_indexes(
            "ix_control_document_current",
            (
                ("reg_date", ("reg_date", "id")),
                ("direction", ("direction", "reg_date", "id")),
                ("registering", ("registering_body_id", "reg_date", "id")),
                ("addressee", ("addressee_body_id", "reg_date", "id")),
            ),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    direction: Mapped[str] = mapped_column(String(16), info={"code": True})
    reg_number: Mapped[str] = mapped_column(String(32), unique=True)
    reg_year: Mapped[int] = mapped_column(Integer)
    reg_seq: Mapped[int] = mapped_column(Integer)
    reg_date: Mapped[dt.date] = mapped_column(Date)
    kind_id: Mapped[int] = mapped_column(ForeignKey("control_document_kind.id"), index=True)
    correspondent_id: Mapped[int | None] = mapped_column(ForeignKey("control_correspondent.id"), index=True)
    #: The correspondent's own number and date of the letter (исх. № и дата корреспондента).
    corr_number: Mapped[str | None] = mapped_column(String(64))
    corr_date: Mapped[dt.date | None] = mapped_column(Date, info={"date_window": HISTORIC_DATES})
    signed_by: Mapped[str | None] = mapped_column(String(255))
    registering_body_id: Mapped[int] = mapped_column(ForeignKey("org_body.id"), index=True)
    addressee_body_id: Mapped[int | None] = mapped_column(ForeignKey("org_body.id"), index=True)
    summary: Mapped[str] = mapped_column(String(1000))
    pages: Mapped[int | None] = mapped_column(Integer)
    delivery: Mapped[str | None] = mapped_column(String(16))
    #: The case file of the nomenclature (номенклатура дел) the document is filed in.
    case_file: Mapped[str | None] = mapped_column(String(64))
    #: «В ответ на» and «во исполнение»: links between registered documents.
    reply_to_id: Mapped[int | None] = mapped_column(ForeignKey("control_document.id"), index=True)
    executes_id: Mapped[int | None] = mapped_column(ForeignKey("control_document.id"), index=True)

    kind: Mapped[DocumentKind] = relationship()
    correspondent: Mapped[Correspondent | None] = relationship()
    registering_body: Mapped[Body] = relationship(foreign_keys=[registering_body_id])
    addressee_body: Mapped[Body | None] = relationship(foreign_keys=[addressee_body_id])
    reply_to: Mapped[Document | None] = relationship(remote_side=[id], foreign_keys=[reply_to_id])
    executes: Mapped[Document | None] = relationship(remote_side=[id], foreign_keys=[executes_id])
    resolutions: Mapped[list[Resolution]] = relationship(
        back_populates="document", cascade="all, delete-orphan", order_by="Resolution.id"
    )

    def __repr__(self) -> str:
        return f"{self.reg_number} от {self.reg_date:%d.%m.%Y}" if self.reg_date else self.reg_number or ""


class Resolution(VersionedMixin, Model):
    """A resolution on a document: the Head → a deputy → the head of a body …, each with its text and term."""

    __tablename__ = "control_resolution"
    __lookup__ = ("text", "author_name")
    __label__ = _l("Резолюция")
    # Seen and worked exactly as its document is.
    __scope__ = Scope(parent="document")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("control_document.id", ondelete="CASCADE"), index=True)
    #: The resolution this one follows in the chain (a deputy's after the Head's).
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("control_resolution.id"), index=True)
    #: The author: a user, or (the Head of the city has no account) a name.
    author_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    author_name: Mapped[str | None] = mapped_column(String(255))
    text: Mapped[str] = mapped_column(Text)
    date: Mapped[dt.date] = mapped_column(Date)
    deadline: Mapped[dt.date | None] = mapped_column(
        Date, info={"date_window": DateWindow(not_before="date", not_before_label=_l("даты резолюции"))}
    )

    document: Mapped[Document] = relationship(back_populates="resolutions")
    parent: Mapped[Resolution | None] = relationship(remote_side=[id])
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])

    @property
    def author_text(self) -> str:
        if self.author is not None:
            return self.author.get_full_name()
        return self.author_name or ""

    def __repr__(self) -> str:
        date = f" от {self.date:%d.%m.%Y}" if self.date else ""
        return f"{self.author_text}{date}".strip()


# ---- instructions -------------------------------------------------------------------------------


class Urgency(enum.StrEnum):
    NONE = "none"
    PROMPT = "prompt"  # «оперативно»
    URGENT = "urgent"  # «срочно»


#: The deadline rule (app/core/calendar, table core_deadline_rule) of each urgency: no terms in code.
URGENCY_RULES: dict[Urgency, str] = {
    Urgency.NONE: "instruction_default",
    Urgency.PROMPT: "instruction_prompt",
    Urgency.URGENT: "instruction_urgent",
}
#: How long before the deadline an extension may still be asked for (counted back in working days).
EXTENSION_LEAD_RULE = "instruction_extension_lead"


class InstructionStatus(enum.StrEnum):
    """The lifecycle of DOMAIN.md D.3; overdue is derived from the deadline and local today, never stored."""

    ON_CONTROL = "on_control"  # registered and in execution (returned reports come back here)
    EXTENSION_REQUESTED = "extension_requested"
    REPORT_SUBMITTED = "report_submitted"
    REMOVED = "removed"  # removed from control (executed)
    CANCELLED = "cancelled"  # lost its relevance, with a basis


OPEN_STATUSES = (
    InstructionStatus.ON_CONTROL,
    InstructionStatus.EXTENSION_REQUESTED,
    InstructionStatus.REPORT_SUBMITTED,
)
OPEN_VALUES = tuple(s.value for s in OPEN_STATUSES)
#: Characters of an instruction's text a list shows.
BRIEF = 160

#: Co-executing bodies: they see the instruction and report their part (the platform's scope through collections).
co_executors_table = Table(
    "control_instruction_co_executor",
    Model.metadata,
    Column("instruction_id", ForeignKey("control_instruction.id", ondelete="CASCADE"), primary_key=True),
    Column("body_id", ForeignKey("org_body.id"), primary_key=True, index=True),
)


class Instruction(AnnulableMixin, VersionedMixin, Model):
    """An instruction (поручение) on control: who does what by when, and how it ended."""

    __tablename__ = "control_instruction"
    __lookup__ = ("reg_number", "text")
    __label__ = _l("Поручение")
    # Worked by the responsible body and the co-executing bodies; seen by the deputy head who issued it,
    # its executor and its controller (links to people); a deputy head sees his supervised bodies' too.
    __scope__ = Scope(
        bodies=("responsible_body",),
        body_collections=("co_executors",),
        users=("issued_by", "executor", "controller"),
    )
    # People linked are officials the user sees (as the executor of an appeal is).
    __links__ = {
        "executor": LinkRule(OfficialUsersInScopeFilter),
        "controller": LinkRule(OfficialUsersInScopeFilter),
        "issued_by": LinkRule(OfficialUsersInScopeFilter),
    }
    __table_args__ = (
        UniqueConstraint("reg_year", "reg_seq"),
        # R-C1 reads the period by each of these dates.
        Index("ix_control_instruction_reg_date", "reg_date", "responsible_body_id"),
        Index("ix_control_instruction_removed_on", "removed_on", "responsible_body_id"),
        Index("ix_control_instruction_deadline", "deadline", "responsible_body_id"),
        Index("ix_control_instruction_source", "source_kind", "source_id"),
        # The lists: one partial index per sort order and common filter, each ending in the tie-breaker.
        *current_indexes(
            "ix_control_instruction_current",
            (
                ("reg_date", ("reg_date", "id")),
                ("deadline", ("deadline", "id")),
                ("status", ("status", "deadline", "id")),
                ("status_reg", ("status", "reg_date", "id")),
                ("responsible", ("responsible_body_id", "reg_date", "id")),
                ("executor", ("executor_id", "reg_date", "id")),
                ("issued_by", ("issued_by_id", "status", "id")),
                ("controller", ("controller_id", "status", "id")),
            ),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reg_number: Mapped[str] = mapped_column(String(32), unique=True)
    reg_year: Mapped[int] = mapped_column(Integer)
    reg_seq: Mapped[int] = mapped_column(Integer)
    #: The day it was put on control (registered in the journal of instructions).
    reg_date: Mapped[dt.date] = mapped_column(Date)
    #: Where it comes from: a kind of app/control/sources.py, the source record's id, and what the
    #: paper says (a protocol's number and date, the Head's order).
    source_kind: Mapped[str] = mapped_column(String(32), info={"code": True})
    source_id: Mapped[int | None] = mapped_column(Integer)
    source_note: Mapped[str | None] = mapped_column(String(500))
    document_id: Mapped[int | None] = mapped_column(ForeignKey("control_document.id"), index=True)
    resolution_id: Mapped[int | None] = mapped_column(ForeignKey("control_resolution.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    #: The author of the instruction and of its deadline: a user, or a name when he has no account
    #: (the Head of the city) — then the control officer records his decisions with their basis.
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    issued_by_name: Mapped[str | None] = mapped_column(String(255))
    #: An instruction of the Head of the city (R-C3).
    is_head_instruction: Mapped[bool] = mapped_column(Boolean, default=False)
    issued_on: Mapped[dt.date] = mapped_column(Date)
    controller_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    responsible_body_id: Mapped[int] = mapped_column(ForeignKey("org_body.id"), index=True)
    executor_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    urgency: Mapped[str] = mapped_column(String(16), default=Urgency.NONE.value, info={"code": True})
    #: The first deadline: never changes (statistics «исполнено с продлением» read it).
    deadline_original: Mapped[dt.date] = mapped_column(Date)
    #: The current deadline (moved only by an approved extension).
    deadline: Mapped[dt.date] = mapped_column(Date)
    #: The controller's check date (контрольный срок): the deadline unless set earlier.
    control_date: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(24), default=InstructionStatus.ON_CONTROL.value, info={"code": True})
    #: Removal from control (or cancellation): when, by whom, on what basis (required).
    removed_on: Mapped[dt.date | None] = mapped_column(Date, info={"date_window": AFTER_REGISTRATION})
    removed_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    removal_basis: Mapped[str | None] = mapped_column(String(500))
    result: Mapped[str | None] = mapped_column(Text)

    document: Mapped[Document | None] = relationship()
    resolution: Mapped[Resolution | None] = relationship()
    issued_by: Mapped[User | None] = relationship(foreign_keys=[issued_by_id])
    controller: Mapped[User | None] = relationship(foreign_keys=[controller_id])
    executor: Mapped[User | None] = relationship(foreign_keys=[executor_id])
    removed_by: Mapped[User | None] = relationship(foreign_keys=[removed_by_id])
    responsible_body: Mapped[Body] = relationship(foreign_keys=[responsible_body_id])
    co_executors: Mapped[list[Body]] = relationship(secondary=co_executors_table, order_by=Body.name)
    extensions: Mapped[list[Extension]] = relationship(
        back_populates="instruction", cascade="all, delete-orphan", order_by="Extension.id"
    )
    reports: Mapped[list[ExecutionReport]] = relationship(
        back_populates="instruction", cascade="all, delete-orphan", order_by="ExecutionReport.id"
    )

    def __repr__(self) -> str:
        return self.reg_number or ""

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_VALUES

    @property
    def author_text(self) -> str:
        if self.issued_by is not None:
            return self.issued_by.get_full_name()
        return self.issued_by_name or ""

    @reads_columns("text")
    def text_brief(self) -> str:
        """The text cut for a list cell (the card shows it whole)."""
        text = self.text or ""
        return text if len(text) <= BRIEF else text[: BRIEF - 1].rstrip() + "…"

    @reads_columns("deadline", "removed_on", "status")
    def due_state(self) -> tuple[dt.date, dt.date | None]:
        """(deadline, removed on): what the list's deadline colour is computed from."""
        return self.deadline, self.removed_on if self.status == InstructionStatus.REMOVED else None

    def is_overdue(self, today: dt.date) -> bool:
        """Open past its current deadline on `today` (the city's local date): derived, never stored."""
        return self.is_open and self.deadline < today

    def source_ref(self) -> Any:
        """Its source as a link to the source's card when the user may open it (app/control/sources.py)."""
        from .sources import source_markup

        return source_markup(self)

    def deadline_history(self) -> str:
        """The original deadline beside the current one when they differ («продлён с …»)."""
        if self.deadline_original is None or self.deadline == self.deadline_original:
            return ""
        return str(_l("продлён с %(date)s", date=f"{self.deadline_original:%d.%m.%Y}"))


class ExtensionStatus(enum.StrEnum):
    REQUESTED = "requested"
    APPROVED = "approved"
    REJECTED = "rejected"


class Extension(VersionedMixin, Model):
    """A request to extend an instruction's deadline and the author's decision (every one is kept)."""

    __tablename__ = "control_extension"
    __label__ = _l("Продление срока поручения")
    __scope__ = Scope(parent="instruction")
    __table_args__ = (Index("ix_control_extension_status", "status", "instruction_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    instruction_id: Mapped[int] = mapped_column(ForeignKey("control_instruction.id", ondelete="CASCADE"), index=True)
    old_deadline: Mapped[dt.date] = mapped_column(Date)
    requested_deadline: Mapped[dt.date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    requested_on: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default=ExtensionStatus.REQUESTED.value, info={"code": True})
    #: Who recorded the decision (the author himself, or the control officer for an author without an account).
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    decided_on: Mapped[dt.date | None] = mapped_column(Date)
    approved_deadline: Mapped[dt.date | None] = mapped_column(Date)
    decision_comment: Mapped[str | None] = mapped_column(String(1000))
    #: The paper the decision was recorded from (a resolution's number and date), when recorded for the author.
    decision_basis: Mapped[str | None] = mapped_column(String(500))

    instruction: Mapped[Instruction] = relationship(back_populates="extensions")
    requested_by: Mapped[User | None] = relationship(foreign_keys=[requested_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    def __repr__(self) -> str:
        return f"{self.old_deadline:%d.%m.%Y} → {self.requested_deadline:%d.%m.%Y}" if self.old_deadline else ""


class ReportKind(enum.StrEnum):
    INTERIM = "interim"
    FINAL = "final"


class ReportDecision(enum.StrEnum):
    ACCEPTED = "accepted"
    RETURNED = "returned"


class ExecutionReport(VersionedMixin, Model):
    """An execution report (interim or final) and the controller's decision on it."""

    __tablename__ = "control_execution_report"
    __label__ = _l("Отчёт об исполнении")
    __scope__ = Scope(parent="instruction")
    #: The answer documents, photos of the work done.
    __attachments__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    instruction_id: Mapped[int] = mapped_column(ForeignKey("control_instruction.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16), default=ReportKind.FINAL.value, info={"code": True})
    text: Mapped[str] = mapped_column(Text)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    submitted_on: Mapped[dt.date] = mapped_column(Date)
    decision: Mapped[str | None] = mapped_column(String(16), info={"code": True})
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    decided_on: Mapped[dt.date | None] = mapped_column(Date)
    comment: Mapped[str | None] = mapped_column(String(1000))

    instruction: Mapped[Instruction] = relationship(back_populates="reports")
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    def __repr__(self) -> str:
        return f"{self.submitted_on:%d.%m.%Y}" if self.submitted_on else ""
