"""Document templates (versioned) and the documents generated from them."""

from __future__ import annotations

import datetime

from flask import url_for
from flask_appbuilder import Model
from flask_appbuilder.security.sqla.models import User
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, object_session, relationship

from ..dates import utcnow
from ..models import model_for_table


class DocumentTemplate(Model):
    """One version of a document template. Versions are never overwritten: the newest active one is used."""

    __tablename__ = "core_document_template"
    __label__ = _l("Шаблон документа")
    __table_args__ = (UniqueConstraint("code", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(255))
    domain: Mapped[str] = mapped_column(String(32))
    # Shipped: relative to app/templates/ (read from the package). Uploaded: relative to the files folder.
    file_path: Mapped[str] = mapped_column(String(255))
    is_shipped: Mapped[bool] = mapped_column(Boolean, default=False)
    original_name: Mapped[str | None] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_on: Mapped[datetime.datetime] = mapped_column(DateTime, default=utcnow)
    created_by_fk: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))

    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_fk])

    def file_link(self) -> Markup:
        url = url_for("DocumentTemplateView.file", pk=self.id)
        return Markup('<a href="{}"><i class="fa fa-file-word-o"></i> {}</a>').format(url, _("Скачать .docx"))

    def __repr__(self) -> str:
        return f"{self.name} (v{self.version})"


class GeneratedDocument(Model):
    """A document filled from a template for one record; the file is kept and can be downloaded again."""

    __tablename__ = "core_generated_document"
    __label__ = _l("Сформированный документ")
    __table_args__ = (Index("ix_core_generated_document_entity", "entity_type", "entity_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("core_document_template.id"), index=True)
    # A generic link: the record's table name and id (app.core.models.model_for_table resolves it).
    entity_type: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[int] = mapped_column(Integer)
    file_name: Mapped[str] = mapped_column(String(255))
    stored_path: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(Integer)
    created_on: Mapped[datetime.datetime] = mapped_column(DateTime, default=utcnow)
    created_by_fk: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))

    template: Mapped[DocumentTemplate] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_fk])

    def entity(self) -> str:
        """The record the document was made for, as its own text (lists show only visible ones)."""
        model = model_for_table(self.entity_type)
        session = object_session(self)
        record = session.get(model, self.entity_id) if model is not None and session is not None else None
        return str(record) if record is not None else "—"

    def file_link(self) -> Markup:
        url = url_for("GeneratedDocumentView.file", pk=self.id)
        return Markup('<a href="{}"><i class="fa fa-file-word-o"></i> {}</a>').format(url, escape(self.file_name))

    def __repr__(self) -> str:
        return self.file_name
