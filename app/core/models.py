"""Mixins and helpers shared by the models of all domains, and the export log of core."""

from __future__ import annotations

import datetime as dt

from flask_appbuilder import Model
from flask_appbuilder.security.sqla.models import User
from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from .dates import utcnow


def model_for_table(table_name: str) -> type | None:
    """The mapped class of a table (generic links: attachments, documents, history)."""
    for mapper in Model.registry.mappers:
        if mapper.local_table is not None and mapper.local_table.name == table_name:
            return mapper.class_
    return None


class VersionedMixin:
    """Optimistic locking: every UPDATE bumps `version`; a stale save is refused.

    SQLAlchemy's version_id_col catches two flushes racing each other; the views also
    compare the version the user *started from* with the stored one (FAB_NOTES S15).
    """

    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:
        return {"version_id_col": cls.version}


class AnnulableMixin:
    """A registered legal record is annulled with a reason, never deleted by staff."""

    annulled_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    annul_reason: Mapped[str | None] = mapped_column(String(1000))

    @declared_attr
    def annulled_by_fk(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("ab_user.id"))

    @property
    def is_annulled(self) -> bool:
        return self.annulled_at is not None


class ExportLog(Model):
    """One export of a list: who, which list, which filter, how many rows, format, when."""

    __tablename__ = "core_export_log"
    __label__ = _l("Выгрузка списка")
    # A filter may hold what a clerk typed, e.g. an applicant's surname.
    __personal__ = ("filter_description", "query_string")
    # docx: a report printed through its Word layout (app/core/reports).
    __table_args__ = (CheckConstraint("file_format IN ('xlsx', 'csv', 'docx')", name="file_format"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id"), index=True)
    # The view class (stable) and the list's title as the user saw it.
    view_name: Mapped[str] = mapped_column(String(100))
    list_title: Mapped[str] = mapped_column(String(255))
    filter_description: Mapped[str] = mapped_column(Text, default="")
    # The list's URL arguments, so that an auditor can open the same list again.
    query_string: Mapped[str] = mapped_column(Text, default="")
    file_format: Mapped[str] = mapped_column(String(8))
    row_count: Mapped[int] = mapped_column(Integer)
    # True when columns declared personal (the model's __personal__) were in the file.
    personal_data: Mapped[bool] = mapped_column(Boolean, default=False)

    user: Mapped[User] = relationship()
