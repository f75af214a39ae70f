"""Mixins and helpers shared by the models of all domains."""

from __future__ import annotations

import datetime as dt

from flask_appbuilder import Model
from sqlalchemy import DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, declared_attr, mapped_column


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
