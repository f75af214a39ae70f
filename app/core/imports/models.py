"""Saved column mappings and the journal of imports, for every domain's import (keyed by its name)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask_appbuilder import Model
from flask_appbuilder.security.sqla.models import User
from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..dates import utcnow
from ..models import VersionedMixin


class ImportMapping(VersionedMixin, Model):
    """A column mapping saved under a name for the next file of the same kind (ПОС export, a legacy register)."""

    __tablename__ = "core_import_mapping"
    __label__ = _l("Сопоставление столбцов загрузки")
    __table_args__ = (UniqueConstraint("import_name", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: The domain's import (ImportSpec.name), e.g. "appeals".
    import_name: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(128))
    #: {field: the file's column header}; headers, not positions, so a reordered file still fits.
    columns: Mapped[dict[str, str]] = mapped_column(JSON)
    #: {field: id of the entry used for rows whose cell is empty} (e.g. the default channel).
    defaults: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: {field: {the file's spelling (normalised): key of the reference entry it means}}: the value mapping
    #: («Письменное обращение гражданина» → the channel «Письменное обращение»), offered again next time.
    values: Mapped[dict[str, dict[str, Any]] | None] = mapped_column(JSON, default=dict)
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return self.name


class ImportBatch(Model):
    """One imported file: who, which file, how many rows; its insert is the import's entry in the history."""

    __tablename__ = "core_import"
    __label__ = _l("Загрузка из файла")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    import_name: Mapped[str] = mapped_column(String(64), index=True)
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    #: SHA-256 of the file's bytes: the same file imported twice is recognisable in the journal.
    sha256: Mapped[str] = mapped_column(String(64))
    mapping_name: Mapped[str | None] = mapped_column(String(128))
    rows: Mapped[int] = mapped_column(Integer)
    imported: Mapped[int] = mapped_column(Integer)
    skipped: Mapped[int] = mapped_column(Integer)
    #: The background job that ran it (None: run in-process, e.g. by a script).
    job_id: Mapped[int | None] = mapped_column(ForeignKey("core_job.id", ondelete="SET NULL"), index=True)

    user: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"{self.filename}: {self.imported} / {self.rows}"
