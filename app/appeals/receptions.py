"""Personal receptions of officials (59-ФЗ ст. 13): reception days and the cards of visits.

A visit answered orally is recorded with the answer; when a written answer is needed the
visit becomes an appeal of the «Личный приём» channel and is linked to it.
"""

from __future__ import annotations

import datetime as dt
import enum
import re

from flask_appbuilder import Model
from flask_appbuilder.security.sqla.models import User
from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.errors import ConflictError, ValidationFailed
from ..core.models import VersionedMixin
from ..core.services import DomainHooks
from ..extensions import db
from ..org.models import Body
from ..security import Scope
from .models import Appeal
from .reference.classifier import check_classifier_code
from .reference.models import AppealForm, Channel
from .services import QuestionInput, register_appeal

RECEPTION_CHANNEL = "reception"
TIME_RE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


class ReceptionFormat(enum.StrEnum):
    OFFICE = "office"
    FIELD = "field"  # выездной приём
    VIDEO = "video"
    ALL_RUSSIA_DAY = "all_russia_day"  # общероссийский день приёма граждан (12 декабря)


class Reception(VersionedMixin, Model):
    """A reception day of an official (the Head, a deputy, a district head)."""

    __tablename__ = "appeals_reception"
    __label__ = _l("Личный приём")
    __scope__ = Scope(bodies=("body",))
    #: The reception's schedule or order, an announcement (app/core/attachments); no personal data.
    __attachments__ = True
    __table_args__ = (Index("ix_appeals_reception_date", "date", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    official_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id"), index=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("org_body.id"), index=True)
    date: Mapped[dt.date] = mapped_column(Date)
    time_from: Mapped[str] = mapped_column(String(5))
    place: Mapped[str] = mapped_column(String(255))
    format: Mapped[str] = mapped_column(String(16), default=ReceptionFormat.OFFICE.value)
    note: Mapped[str | None] = mapped_column(Text)

    official: Mapped[User] = relationship(foreign_keys=[official_id])
    body: Mapped[Body] = relationship(foreign_keys=[body_id])

    def __repr__(self) -> str:
        return f"{self.date:%d.%m.%Y} {self.time_from} — {self.official}"


class ReceptionVisit(VersionedMixin, Model):
    """The card of one visit (карточка личного приёма): the visitor is personal data."""

    __tablename__ = "appeals_reception_visit"
    __label__ = _l("Карточка личного приёма")
    # The reception's body, copied so that the row scope is one indexed column away.
    __scope__ = Scope(bodies=("body",))
    #: A visitor's written statement or documents handed in at the reception (app/core/attachments).
    __attachments__ = True
    __personal__ = ("visitor_last_name", "visitor_first_name", "visitor_patronymic", "visitor_address", "visitor_phone")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reception_id: Mapped[int] = mapped_column(ForeignKey("appeals_reception.id"), index=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("org_body.id"), index=True)
    visitor_last_name: Mapped[str] = mapped_column(String(100))
    visitor_first_name: Mapped[str | None] = mapped_column(String(100))
    visitor_patronymic: Mapped[str | None] = mapped_column(String(100))
    visitor_address: Mapped[str | None] = mapped_column(String(500))
    visitor_phone: Mapped[str | None] = mapped_column(String(64))
    classifier_code: Mapped[str] = mapped_column(String(32), index=True)
    questions: Mapped[str] = mapped_column(Text)
    #: The facts were obvious and the visitor agreed to an oral answer (59-ФЗ ст. 13 ч. 3).
    oral_answer_given: Mapped[bool] = mapped_column(Boolean, default=False)
    answer: Mapped[str | None] = mapped_column(Text)
    appeal_id: Mapped[int | None] = mapped_column(ForeignKey("appeals_appeal.id"), index=True)

    # One-way: a visit being built in a form is not pulled into the session through its reception.
    reception: Mapped[Reception] = relationship()
    body: Mapped[Body] = relationship(foreign_keys=[body_id])
    appeal: Mapped[Appeal | None] = relationship()

    def __repr__(self) -> str:
        return f"{self.reception} №{self.id}" if self.id else str(self.reception)


def check_reception(reception: Reception) -> None:
    """A start time as ЧЧ:ММ and a known format."""
    if not TIME_RE.match(reception.time_from or ""):
        raise ValidationFailed(_l("Время начала приёма — в формате ЧЧ:ММ, например 10:00"), field="time_from")
    if reception.format not in {f.value for f in ReceptionFormat}:
        raise ValidationFailed(_l("Неизвестный формат приёма"), field="format")


def check_visit(visit: ReceptionVisit) -> None:
    """A visit carries an assignable classifier code and the visitor's questions."""
    if not (visit.classifier_code or "").strip():
        raise ValidationFailed(_l("Укажите код классификатора"), field="classifier_code")
    check_classifier_code(visit.classifier_code)
    if not (visit.questions or "").strip():
        raise ValidationFailed(_l("Укажите содержание вопросов"), field="questions")
    if visit.oral_answer_given and not (visit.answer or "").strip():
        raise ValidationFailed(_l("Устный ответ дан: запишите его содержание"), field="answer")


def link_visit(visit: ReceptionVisit, reception: Reception) -> ReceptionVisit:
    """A visit is seen wherever its reception is (the body is copied for the row scope)."""
    if reception is None:
        raise ValidationFailed(_l("Укажите приём"), field="reception")
    visit.reception = reception
    visit.body = reception.body
    return visit


def add_visit(reception: Reception, **fields: object) -> ReceptionVisit:
    """Record a visit to a reception."""
    visit = ReceptionVisit(**fields)
    with db.session.no_autoflush:
        link_visit(visit, reception)
        check_visit(visit)
    db.session.add(visit)
    db.session.flush()
    return visit


def register_appeal_from_visit(
    visit: ReceptionVisit, receiving_body: Body, summary: str, reg_date: dt.date | None = None
) -> Appeal:
    """A written answer is needed: register an appeal of the «Личный приём» channel and link the visit.

    The appeal is received on the reception day and takes the visitor, the questions and the
    classifier code of the card; its due date follows the channel's rule.
    """
    if visit.appeal_id is not None or visit.appeal is not None:
        raise ConflictError(_l("По этой карточке приёма обращение уже зарегистрировано"))
    if not (summary or "").strip():
        raise ValidationFailed(_l("Укажите краткое содержание обращения"), field="summary")
    channel = db.session.scalar(select(Channel).where(Channel.code == RECEPTION_CHANNEL))
    if channel is None:
        raise ConflictError(_l("Нет канала поступления «Личный приём»: загрузите справочники"))
    appeal = register_appeal(
        channel=channel,
        received_date=visit.reception.date,
        reg_date=reg_date,
        summary=summary.strip(),
        receiving_body=receiving_body,
        questions=[QuestionInput(visit.classifier_code, text=visit.questions)],
        form=AppealForm.ORAL.value,
        text=visit.questions,
        applicant_last_name=visit.visitor_last_name,
        applicant_first_name=visit.visitor_first_name,
        applicant_patronymic=visit.visitor_patronymic,
        applicant_address=visit.visitor_address,
        applicant_phone=visit.visitor_phone,
    )
    visit.appeal = appeal
    db.session.flush()
    return appeal


RECEPTION_HOOKS = DomainHooks(check=check_reception)
VISIT_HOOKS = DomainHooks(prepare_new=lambda visit: link_visit(visit, visit.reception), check=check_visit)
