"""Mixins and helpers shared by the models of all domains, and the export log of core."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask_appbuilder import Model
from flask_appbuilder.security.sqla.models import User
from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from .dates import utcnow

#: Table name → mapped class, as found (a card asks three times; the registry has ~100 mappers).
_MODELS_BY_TABLE: dict[str, type] = {}


def model_for_table(table_name: str) -> type | None:
    """The mapped class of a table (generic links: attachments, documents, history)."""
    found = _MODELS_BY_TABLE.get(table_name)
    if found is not None:
        return found
    # Not remembered yet: the registry is walked again (a model mapped later is found too).
    for mapper in Model.registry.mappers:
        if mapper.local_table is not None and mapper.local_table.name == table_name:
            _MODELS_BY_TABLE[table_name] = mapper.class_
            return mapper.class_
    return None


def record_by_key(session: Any, model: type, key: Any) -> Any | None:
    """`session.get` for a key as a URL gives it (text), typed as the model's primary key.

    With the text key the session does not recognise a record this request has already read, and
    reads it again (twice per appeal card: its «put on control» link and its files).
    """
    if isinstance(key, str):
        column = sa_inspect(model).primary_key[0]
        try:
            typed = column.type.python_type(key)
        except (ValueError, TypeError, ArithmeticError, NotImplementedError):
            typed = None
        # Only a key written exactly as the type writes it («5», not « 5» or «+5»); any other text is
        # asked as it is, as before.
        if typed is not None and str(typed) == key:
            key = typed
    return session.get(model, key)


#: The options of a partial index over the current (not annulled) rows of an annullable table.
CURRENT_ROWS: dict[str, Any] = {
    "sqlite_where": text("annulled_at IS NULL"),
    "postgresql_where": text("annulled_at IS NULL"),
}


def current_index(name: str, *columns: str) -> Index:
    """An ordering or filter index of a list over its current rows (what the list shows by default).

    It ends in `annulled_at`, although that is always NULL in it: SQLite (3.40, this platform's)
    counts a partial index as covering only when it holds every column the query names, the
    predicate's too. Without the column a list's ids-first query («WHERE annulled_at IS NULL
    ORDER BY reg_date DESC, id DESC») takes the full index and reads the table row of every row
    it skips: the page at OFFSET 80,000 of 100,000 appeals took 40 ms, with it 3 ms. PostgreSQL
    drops an implied predicate by itself and pays a null bit. Not for unique indexes: NULLs are
    distinct there, and the column would void the uniqueness.
    """
    return Index(name, *columns, "annulled_at", **CURRENT_ROWS)


def current_indexes(prefix: str, orders: tuple[tuple[str, tuple[str, ...]], ...]) -> tuple[Index, ...]:
    """`current_index` for each (suffix, columns): a list's sort orders and common filters."""
    return tuple(current_index(f"{prefix}_{suffix}", *columns) for suffix, columns in orders)


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
