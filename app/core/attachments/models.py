"""Attachment: a file (scan, answer, photo) attached to any record by table name and id."""

from __future__ import annotations

import datetime
import enum

from flask import url_for
from flask_appbuilder import Model
from flask_appbuilder.security.sqla.models import User
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..dates import utcnow


class AttachmentKind(enum.StrEnum):
    """What the file is to the record (скан / ответ / фото / прочее)."""

    SCAN = "scan"
    ANSWER = "answer"
    PHOTO = "photo"
    OTHER = "other"


class Attachment(Model):
    """A stored file of a record. The record is `entity_type` (its table) + `entity_id`."""

    __tablename__ = "core_attachment"
    __label__ = _l("Вложение")
    __table_args__ = (Index("ix_core_attachment_entity", "entity_type", "entity_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entity_type: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[int] = mapped_column(Integer)
    # Shown and offered on download, already sanitised; never used to build a path.
    original_name: Mapped[str] = mapped_column(String(255))
    # Random name on disk (uuid4 hex): the only thing a path is built from.
    stored_name: Mapped[str] = mapped_column(String(32), unique=True)
    # Detected from the content, not taken from the browser.
    content_type: Mapped[str] = mapped_column(String(128))
    size: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16), default=AttachmentKind.OTHER.value)
    note: Mapped[str | None] = mapped_column(String(500))
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id"), index=True)
    uploaded_at: Mapped[datetime.datetime] = mapped_column(DateTime, default=utcnow)

    uploaded_by: Mapped[User] = relationship(foreign_keys=[uploaded_by_id])

    def download_link(self) -> Markup:
        """The file name as a link to the scope-checked download (registry list)."""
        url = url_for("AttachmentView.download", attachment_id=self.id)
        return Markup('<a href="{}">{}</a>').format(url, self.original_name)

    def __repr__(self) -> str:
        return self.original_name
