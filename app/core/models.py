"""Helpers shared by models of all domains, and the models of core itself."""

from __future__ import annotations

import datetime

from flask_appbuilder import Model
from flask_appbuilder.security.sqla.models import User
from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .dates import utcnow


def model_for_table(table_name: str) -> type | None:
    """The mapped class of a table (generic links: attachments, documents, history)."""
    for mapper in Model.registry.mappers:
        if mapper.local_table is not None and mapper.local_table.name == table_name:
            return mapper.class_
    return None


class ExportLog(Model):
    """One export of a list: who, which list, which filter, how many rows, format, when."""

    __tablename__ = "core_export_log"
    __table_args__ = (CheckConstraint("file_format IN ('xlsx', 'csv')", name="file_format"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id"), index=True)
    # The view class (stable) and the list's title as the user saw it.
    view_name: Mapped[str] = mapped_column(String(100))
    list_title: Mapped[str] = mapped_column(String(255))
    filter_description: Mapped[str] = mapped_column(Text, default="")
    # The list's URL arguments, so that an auditor can open the same list again.
    query_string: Mapped[str] = mapped_column(Text, default="")
    file_format: Mapped[str] = mapped_column(String(8))
    row_count: Mapped[int] = mapped_column(Integer)
    # True when columns declared personal (personal_columns) were in the file.
    personal_data: Mapped[bool] = mapped_column(Boolean, default=False)

    user: Mapped[User] = relationship()
