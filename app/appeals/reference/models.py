"""Reference data of citizens' appeals: channels, ПОС categories, results, closure reasons, classifier."""

from __future__ import annotations

import enum

from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ...core.models import VersionedMixin


class AppealForm(enum.StrEnum):
    """Form of an appeal (59-ФЗ ст. 4 п. 1)."""

    WRITTEN = "written"
    ELECTRONIC = "electronic"
    ORAL = "oral"


class LegalRegime(enum.StrEnum):
    """Which rules an appeal from a channel follows (DOMAIN.md A.3, A.4)."""

    FZ59 = "59fz"  # Федеральный закон № 59-ФЗ
    POS_1802 = "pos_1802"  # ПОС message, ПП РФ № 1802
    SOCIAL = "social"  # a social-network post: not a 59-ФЗ appeal until converted


def _in(column: str, values: type[enum.StrEnum]) -> str:
    return f"{column} IN ({', '.join(repr(v.value) for v in values)})"


class Channel(VersionedMixin, Model):
    """Where an appeal came in from; carries the default form and deadline rule of its appeals."""

    __tablename__ = "appeals_channel"
    __label__ = _l("Канал поступления")
    __table_args__ = (
        CheckConstraint(_in("form", AppealForm), name="form"),
        CheckConstraint(_in("legal_regime", LegalRegime), name="legal_regime"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    form: Mapped[str] = mapped_column(String(16), default=AppealForm.WRITTEN.value)
    legal_regime: Mapped[str] = mapped_column(String(16), default=LegalRegime.FZ59.value)
    # A code of the platform's rule table (core_deadline_rule): the law's term lives there, not here.
    deadline_rule_code: Mapped[str] = mapped_column(String(32), default="appeal_answer")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)

    def __repr__(self) -> str:
        return self.name


class PosCategory(VersionedMixin, Model):
    """A category of the ПОС catalogue; may shorten the 10 working days and maps to a classifier code."""

    __tablename__ = "appeals_pos_category"
    __label__ = _l("Категория ПОС")
    __table_args__ = (
        CheckConstraint("parent_id IS NULL OR parent_id <> id", name="not_own_parent"),
        CheckConstraint("deadline_working_days IS NULL OR deadline_working_days > 0", name="deadline_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("appeals_pos_category.id"), index=True)
    # Overrides the channel's rule (10 working days) for this category; empty = the rule.
    deadline_working_days: Mapped[int | None] = mapped_column(Integer)
    # The classifier code a question of this category gets by default (a code, not a row:
    # classifier rows are replaced by editions).
    classifier_code: Mapped[str | None] = mapped_column(String(32))

    parent: Mapped[PosCategory | None] = relationship(remote_side=[id])

    def __repr__(self) -> str:
        return self.name


class AppealResult(VersionedMixin, Model):
    """Result of considering one question (the ССТУ vocabulary, Указ № 171)."""

    __tablename__ = "appeals_result"
    __label__ = _l("Результат рассмотрения")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)

    def __repr__(self) -> str:
        return self.name


class ClosureReason(VersionedMixin, Model):
    """A ground of 59-ФЗ ст. 11 to close an appeal without an answer on the merits."""

    __tablename__ = "appeals_closure_reason"
    __label__ = _l("Основание ст. 11 59-ФЗ")
    __table_args__ = (CheckConstraint("notice_days IS NULL OR notice_days > 0", name="notice_days_positive"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    article: Mapped[str] = mapped_column(String(64))
    # Days within which the applicant is told (where the law sets a term); empty = no term.
    notice_days: Mapped[int | None] = mapped_column(Integer)

    def __repr__(self) -> str:
        return self.name


class ClassifierEntry(Model):
    """One code of the federal thematic classifier in one edition.

    Not versioned: an edition is replaced by importing the next one, never edited row by
    row; older editions stay (inactive) because questions registered earlier keep their codes.
    """

    __tablename__ = "appeals_classifier"
    __label__ = _l("Код классификатора")
    __table_args__ = (
        UniqueConstraint("code", "edition"),
        CheckConstraint("level BETWEEN 1 AND 5", name="level"),
        Index("ix_appeals_classifier_active_code", "is_active", "code"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32))
    edition: Mapped[str] = mapped_column(String(32), index=True)
    level: Mapped[int] = mapped_column(Integer)
    level_name: Mapped[str] = mapped_column(String(32))
    parent_code: Mapped[str | None] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(Text)
    is_assignable: Mapped[bool] = mapped_column(Boolean, default=False)
    is_active: Mapped[bool] = mapped_column(Boolean, default=False)

    def __repr__(self) -> str:
        return f"{self.code} {self.name}"
