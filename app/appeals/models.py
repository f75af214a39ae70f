"""Citizens' appeals (59-ФЗ): the registration card and its questions (numbers: app/core/numbering)."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from flask_appbuilder import Model
from flask_appbuilder.security.sqla.models import User
from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
    literal,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..control.models import Instruction
from ..core.export_reads import reads_columns
from ..core.filters import normalize_text, normalized_value
from ..core.imports.models import ImportBatch
from ..core.inputs import AFTER_REGISTRATION, DateWindow
from ..core.models import AnnulableMixin, VersionedMixin, current_indexes
from ..core.month_counts import month_counts
from ..org.links import officials_of_body
from ..org.models import Body, District
from ..security import Scope, read_only
from .reference.models import AppealForm, AppealResult, Channel, ClosureReason, PosCategory

#: The applicant's name parts and their normalised twins (lower case, ё → е), which the text filters read.
NAME_TWINS: dict[str, str] = {
    "applicant_last_name": "applicant_last_name_norm",
    "applicant_first_name": "applicant_first_name_norm",
    "applicant_patronymic": "applicant_patronymic_norm",
}


class AppealKind(enum.StrEnum):
    INDIVIDUAL = "individual"
    COLLECTIVE = "collective"


class AppealStatus(enum.StrEnum):
    """The lifecycle of DOMAIN.md D.4 (assigned/in work are one state: an executor is set)."""

    REGISTERED = "registered"
    IN_WORK = "in_work"
    EXTENDED = "extended"
    ANSWERED = "answered"
    FORWARDED = "forwarded"
    CLOSED_WITHOUT_ANSWER = "closed_without_answer"
    WITHDRAWN = "withdrawn"


OPEN_STATUSES = (AppealStatus.REGISTERED, AppealStatus.IN_WORK, AppealStatus.EXTENDED)
#: The current open appeals, as the partial index over them states it. `Appeal.open_clause()` writes the
#: statuses out as literals too: a database uses a partial index only for a query it can prove lies inside
#: it, and bound parameters prove nothing.
OPEN_CURRENT = "annulled_at IS NULL AND status IN ({})".format(", ".join(f"'{s.value}'" for s in OPEN_STATUSES))


class QuestionType(enum.StrEnum):
    PROPOSAL = "proposal"
    STATEMENT = "statement"
    COMPLAINT = "complaint"


class AnswerMethod(enum.StrEnum):
    POST = "post"
    EMAIL = "email"
    EPGU = "epgu"
    IN_PERSON = "in_person"


#: The columns of an appeal's body scope (its received, responsible and executor links; see __scope__).
BODY_SCOPE_COLUMNS = ("receiving_body_id", "responsible_body_id", "executor_id")


class Appeal(AnnulableMixin, VersionedMixin, Model):
    """A citizen's appeal: registration card with the applicant's details (personal data)."""

    __tablename__ = "appeals_appeal"
    __label__ = _l("Обращение")
    # Worked by the body that received it, the body responsible for the answer and the official
    # assigned to it; read by each body that was sent a copy (59-ФЗ ст. 8 ч. 3–4), which does not
    # make the appeal that body's own (its statistics count the receiving/responsible bodies).
    __scope__ = Scope(
        bodies=("receiving_body", "responsible_body"),
        body_collections=(read_only("copies.body"),),
        users=("executor",),
    )
    # The executor is an official of the responsible body (or a body under it) whose role works appeals:
    # the form, the assign action, the bulk reassignment and REST all read this rule (app/org/links.py).
    __links__ = {"executor": officials_of_body(("responsible_body", "receiving_body"), "Appeal")}
    #: Scans of the letter, the answer, photos (app/core/attachments): personal data like the card.
    __attachments__ = True
    __personal__ = (
        "applicant_last_name",
        "applicant_first_name",
        "applicant_patronymic",
        "applicant_address",
        "applicant_email",
        "applicant_phone",
        "applicant_social_status",
        "applicant_benefit",
        "text",
        "applicant_search",
        *NAME_TWINS.values(),
    )
    #: Text filters on a name part read its normalised twin (lower case, ё → е) instead of folding
    #: the column per row: the twin holds exactly that part, so «иванов» in last names is looked up in
    #: last names only (a trigram index per part on PostgreSQL), not among patronymics like «Иванович».
    __search_normalised__ = NAME_TWINS
    #: «Contains» searches on these columns are narrowed by the normalised shadow column first
    #: (trigram index; app.core.filters), then checked on the column itself.
    __search_shadow__ = {
        "applicant_last_name": "applicant_search",
        "applicant_first_name": "applicant_search",
        "applicant_patronymic": "applicant_search",
        "applicant_address": "applicant_search",
    }
    #: Lists that search one of these columns also offer the shadow column itself: one search over
    #: name and address, answered from its index alone.
    __search_labels__ = {"applicant_search": _l("Заявитель: ФИО или адрес")}
    __table_args__ = (
        UniqueConstraint("reg_year", "reg_seq"),
        Index("ix_appeals_appeal_status_due", "status", "due_date", "id"),
        Index("ix_appeals_appeal_reg_date", "reg_date", "id"),
        # The list shows current appeals: partial indexes over them, one per sort order and
        # common filter, each ending in the list's own order (reg_date, id) or tie-breaker id.
        *current_indexes(
            "ix_appeals_appeal_current",
            (
                ("reg_date", ("reg_date", "id")),
                ("status", ("status", "reg_date", "id")),
                ("status_body", ("status", "responsible_body_id", "reg_date", "id")),
                ("responsible", ("responsible_body_id", "reg_date", "id")),
                ("receiving", ("receiving_body_id", "reg_date", "id")),
                # With the body scope's columns: a district clerk's district + period list is counted
                # from this index alone (at a million appeals, PostgreSQL 2.7 → 0.5 ms: it read 925 table
                # pages to learn which of the district's 2,241 appeals were his body's).
                ("district", ("district_id", "reg_date", "id", *BODY_SCOPE_COLUMNS)),
                ("executor", ("executor_id", "reg_date", "id")),
                ("by_status", ("status", "id")),
                ("by_summary", ("summary", "id")),
                # R-A4 (timeliness) reads the appeals due in a period: every column it counts, so that
                # a year of 1M appeals is read from the index, not the table (PostgreSQL 200 → 20 ms).
                ("due", ("due_date", "responsible_body_id", "status", "closed_on", "original_due_date", "reg_date")),
            ),
        ),
        # «Contains» search on names and addresses (PostgreSQL; a plain index on SQLite).
        Index(
            "ix_appeals_appeal_applicant_search",
            "applicant_search",
            postgresql_using="gin",
            postgresql_ops={"applicant_search": "gin_trgm_ops"},
        ),
        # Text filters on each name part (its normalised twin; a plain index on SQLite).
        *(
            Index(f"ix_appeals_appeal_{twin}", twin, postgresql_using="gin", postgresql_ops={twin: "gin_trgm_ops"})
            for twin in NAME_TWINS.values()
        ),
        # The open appeals by due date: the home page's «Ближайшие сроки» and the overdue, week and urgent
        # presets read the soonest ones in a scope. Through the index of all current appeals by due date,
        # PostgreSQL walked ~1M answered ones to find a deputy head's six (800 ms); open ones are ~0.5 %.
        Index(
            "ix_appeals_appeal_open_due",
            "due_date",
            "id",
            sqlite_where=text(OPEN_CURRENT),
            postgresql_where=text(OPEN_CURRENT),
        ),
        # The foreign key's own index: deleting an appeal checks that no later appeal names it as its
        # previous one — without it, a scan of the whole table per deleted row. Partial: most appeals
        # name none, so a registration or an import adds nothing to it.
        Index(
            "ix_appeals_appeal_previous_appeal_id",
            "previous_appeal_id",
            sqlite_where=text("previous_appeal_id IS NOT NULL"),
            postgresql_where=text("previous_appeal_id IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reg_number: Mapped[str] = mapped_column(String(32), unique=True)
    reg_year: Mapped[int] = mapped_column(Integer)
    reg_seq: Mapped[int] = mapped_column(Integer)
    received_date: Mapped[dt.date] = mapped_column(Date)
    reg_date: Mapped[dt.date] = mapped_column(Date)
    #: Registered more than 3 days after receipt (59-ФЗ ст. 8 ч. 2).
    registered_late: Mapped[bool] = mapped_column(Boolean, default=False)
    channel_id: Mapped[int] = mapped_column(ForeignKey("appeals_channel.id"), index=True)
    form: Mapped[str] = mapped_column(String(16), default=AppealForm.WRITTEN.value)
    kind: Mapped[str] = mapped_column(String(16), default=AppealKind.INDIVIDUAL.value)
    signatories: Mapped[int | None] = mapped_column(Integer)
    is_repeat: Mapped[bool] = mapped_column(Boolean, default=False)
    is_duplicate: Mapped[bool] = mapped_column(Boolean, default=False)
    previous_appeal_id: Mapped[int | None] = mapped_column(ForeignKey("appeals_appeal.id"))
    # «Поступило из»: a higher body's cover letter.
    came_from: Mapped[str | None] = mapped_column(String(255))
    came_from_number: Mapped[str | None] = mapped_column(String(64))
    came_from_date: Mapped[dt.date | None] = mapped_column(Date)

    # The applicant (personal data; lives on the appeal and follows its scope).
    is_anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    applicant_last_name: Mapped[str | None] = mapped_column(String(100))
    applicant_first_name: Mapped[str | None] = mapped_column(String(100))
    applicant_patronymic: Mapped[str | None] = mapped_column(String(100))
    applicant_address: Mapped[str | None] = mapped_column(String(500))
    applicant_district_id: Mapped[int | None] = mapped_column(ForeignKey("org_district.id"))
    applicant_email: Mapped[str | None] = mapped_column(String(255))
    applicant_phone: Mapped[str | None] = mapped_column(String(64))
    applicant_social_status: Mapped[str | None] = mapped_column(String(128))
    applicant_benefit: Mapped[str | None] = mapped_column(String(128))
    #: Name and address, normalised (lower case, ё → е): the search column. Kept by the model.
    applicant_search: Mapped[str | None] = mapped_column(String(1000))
    #: Each name part alone, normalised like the search column (`__search_normalised__`). Kept by the model.
    applicant_last_name_norm: Mapped[str | None] = mapped_column(String(100))
    applicant_first_name_norm: Mapped[str | None] = mapped_column(String(100))
    applicant_patronymic_norm: Mapped[str | None] = mapped_column(String(100))

    summary: Mapped[str] = mapped_column(String(1000))
    text: Mapped[str | None] = mapped_column(Text)
    problem_address: Mapped[str | None] = mapped_column(String(500))
    district_id: Mapped[int | None] = mapped_column(ForeignKey("org_district.id"), index=True)
    receiving_body_id: Mapped[int] = mapped_column(ForeignKey("org_body.id"), index=True)
    responsible_body_id: Mapped[int] = mapped_column(ForeignKey("org_body.id"), index=True)
    executor_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"), index=True)
    complained_body_id: Mapped[int | None] = mapped_column(ForeignKey("org_body.id"))
    pos_external_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    pos_category_id: Mapped[int | None] = mapped_column(ForeignKey("appeals_pos_category.id"))

    # A code: filtered by exact value (an index), not by a case-folding text search.
    status: Mapped[str] = mapped_column(String(24), default=AppealStatus.REGISTERED.value, info={"code": True})
    due_date: Mapped[dt.date] = mapped_column(Date)
    #: The term runs through a calendar year the government has not published yet.
    due_unconfirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    # Extension (once, at most 30 days, the applicant notified).
    original_due_date: Mapped[dt.date | None] = mapped_column(Date)
    extension_reason: Mapped[str | None] = mapped_column(String(1000))
    extension_notified_on: Mapped[dt.date | None] = mapped_column(Date, info={"date_window": AFTER_REGISTRATION})
    # Forwarding by competence (59-ФЗ ст. 8 ч. 3).
    forward_due_date: Mapped[dt.date | None] = mapped_column(Date)
    forwarded_on: Mapped[dt.date | None] = mapped_column(Date, info={"date_window": AFTER_REGISTRATION})
    forwarded_to: Mapped[str | None] = mapped_column(String(255))
    forwarded_late: Mapped[bool] = mapped_column(Boolean, default=False)
    # Closing.
    closure_reason_id: Mapped[int | None] = mapped_column(ForeignKey("appeals_closure_reason.id"))
    answer_number: Mapped[str | None] = mapped_column(String(64))
    answer_date: Mapped[dt.date | None] = mapped_column(Date, info={"date_window": AFTER_REGISTRATION})
    answer_method: Mapped[str | None] = mapped_column(String(16))
    answer_signed_by: Mapped[str | None] = mapped_column(String(255))
    closed_on: Mapped[dt.date | None] = mapped_column(Date, index=True, info={"date_window": AFTER_REGISTRATION})
    #: Put on control: its instruction (app/control; the link lives on the appeal's side).
    instruction_id: Mapped[int | None] = mapped_column(ForeignKey("control_instruction.id"), index=True)
    #: Loaded from a file (a legacy register): which import brought it. Such a card may lack what the old
    #: system did not keep (an answer's number or signer) — it is marked, not refused.
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("core_import.id", ondelete="SET NULL"), index=True)

    channel: Mapped[Channel] = relationship()
    pos_category: Mapped[PosCategory | None] = relationship()
    closure_reason: Mapped[ClosureReason | None] = relationship()
    district: Mapped[District | None] = relationship(foreign_keys=[district_id])
    applicant_district: Mapped[District | None] = relationship(foreign_keys=[applicant_district_id])
    receiving_body: Mapped[Body] = relationship(foreign_keys=[receiving_body_id])
    responsible_body: Mapped[Body] = relationship(foreign_keys=[responsible_body_id])
    complained_body: Mapped[Body | None] = relationship(foreign_keys=[complained_body_id])
    executor: Mapped[User | None] = relationship(foreign_keys=[executor_id])
    previous_appeal: Mapped[Appeal | None] = relationship(remote_side=[id])
    instruction: Mapped[Instruction | None] = relationship(foreign_keys=[instruction_id])
    import_batch: Mapped[ImportBatch | None] = relationship()
    questions: Mapped[list[AppealQuestion]] = relationship(
        back_populates="appeal", cascade="all, delete-orphan", order_by="AppealQuestion.id"
    )
    copies: Mapped[list[AppealCopy]] = relationship(
        back_populates="appeal", cascade="all, delete-orphan", order_by="AppealCopy.id"
    )

    def __repr__(self) -> str:
        return self.reg_number

    @classmethod
    def open_clause(cls) -> Any:
        """`status IN (the open statuses)`, the statuses written as literals, never parameters: so that a
        database may read the open appeals' own index (OPEN_CURRENT) wherever open appeals are asked for."""
        return cls.status.in_([literal(s.value, literal_execute=True) for s in OPEN_STATUSES])

    @property
    def is_open(self) -> bool:
        return self.status in {s.value for s in OPEN_STATUSES}

    @reads_columns("due_date", "closed_on")
    def due_state(self) -> tuple[dt.date, dt.date | None]:
        """(due date, closed on): what the list's deadline colour is computed from."""
        return self.due_date, self.closed_on

    @property
    def applicant_name(self) -> str:
        parts = (self.applicant_last_name, self.applicant_first_name, self.applicant_patronymic)
        return " ".join(p for p in parts if p) or "—"

    @staticmethod
    def search_text(*parts: str | None) -> str | None:
        """The shadow search value of the applicant's name and address."""
        joined = " ".join(p for p in parts if p)
        return normalize_text(joined) if joined else None


@event.listens_for(Appeal, "before_insert")
@event.listens_for(Appeal, "before_update")
def _fill_applicant_search(_mapper: Any, _connection: Any, appeal: Appeal) -> None:
    appeal.applicant_search = Appeal.search_text(
        appeal.applicant_last_name, appeal.applicant_first_name, appeal.applicant_patronymic, appeal.applicant_address
    )
    for part, twin in NAME_TWINS.items():
        setattr(appeal, twin, normalized_value(getattr(appeal, part)))


#: The appeals per month of registration (migration 0035's triggers): a deep page of the registry starts
#: from its month instead of walking every newer appeal (app.core.month_counts).
APPEAL_MONTHS = month_counts(Appeal, "reg_date")


class AppealQuestion(VersionedMixin, Model):
    """One question of an appeal: a classifier code, a type and, once answered, a result."""

    __tablename__ = "appeals_question"
    __label__ = _l("Вопрос обращения")
    # A question is seen and worked exactly as its appeal is (forwarded, copied, assigned).
    __scope__ = Scope(parent="appeal")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    appeal_id: Mapped[int] = mapped_column(ForeignKey("appeals_appeal.id", ondelete="CASCADE"), index=True)
    classifier_code: Mapped[str] = mapped_column(String(32), index=True)
    question_type: Mapped[str] = mapped_column(String(16), default=QuestionType.STATEMENT.value)
    text: Mapped[str | None] = mapped_column(Text)
    result_id: Mapped[int | None] = mapped_column(ForeignKey("appeals_result.id"))
    measures_taken: Mapped[str | None] = mapped_column(Text)

    appeal: Mapped[Appeal] = relationship(back_populates="questions")
    result: Mapped[AppealResult | None] = relationship()

    def __repr__(self) -> str:
        return self.classifier_code


class AppealCopy(VersionedMixin, Model):
    """A copy of the appeal sent to another body for the questions within its competence (59-ФЗ ст. 8 ч. 4).

    The appeal stays where it is (or goes where it is forwarded); each copy is one addressee,
    sent once, late when sent after the 7-day forwarding term.
    """

    __tablename__ = "appeals_copy"
    __label__ = _l("Копия обращения")
    __table_args__ = (UniqueConstraint("appeal_id", "body_id"),)
    # Seen as its appeal is: by the appeal's bodies, and by the copies' addressees (read-only).
    __scope__ = Scope(parent="appeal")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    appeal_id: Mapped[int] = mapped_column(ForeignKey("appeals_appeal.id", ondelete="CASCADE"), index=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("org_body.id"), index=True)
    sent_on: Mapped[dt.date] = mapped_column(Date)
    late: Mapped[bool] = mapped_column(Boolean, default=False)

    appeal: Mapped[Appeal] = relationship(back_populates="copies")
    body: Mapped[Body] = relationship(foreign_keys=[body_id])

    def __repr__(self) -> str:
        return f"{self.body.name} ({self.sent_on:%d.%m.%Y})"


class DocumentRequest(VersionedMixin, Model):
    """A request for documents to another body (59-ФЗ ст. 10 ч. 2): its own 15-day term."""

    __tablename__ = "appeals_document_request"
    __label__ = _l("Запрос документов")
    __scope__ = Scope(parent="appeal")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    appeal_id: Mapped[int] = mapped_column(ForeignKey("appeals_appeal.id", ondelete="CASCADE"), index=True)
    addressee: Mapped[str] = mapped_column(String(255))
    what: Mapped[str] = mapped_column(String(1000))
    sent_on: Mapped[dt.date] = mapped_column(Date)
    due_on: Mapped[dt.date] = mapped_column(Date)
    received_on: Mapped[dt.date | None] = mapped_column(
        Date, info={"date_window": DateWindow(not_before="sent_on", not_before_label=_l("даты запроса"))}
    )

    appeal: Mapped[Appeal] = relationship()

    def __repr__(self) -> str:
        return f"{self.addressee} ({self.sent_on:%d.%m.%Y})"

    @reads_columns("due_on", "received_on")
    def due_state(self) -> tuple[dt.date, dt.date | None]:
        return self.due_on, self.received_on
