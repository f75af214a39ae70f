"""The personal-data access journal (152-ФЗ): who opened whose full card, when, from where.

A show page, an edit form or a REST GET of one record of a model with personal fields
(`__personal__`), opened by a user who holds the personal-data right, writes one row;
an export that includes personal columns writes one row with the number of records.
Lists are not journalled row by row (they show no more than the export journal covers).
The row is committed at once: a read has no other transaction to ride on.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import has_request_context, request
from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, insert
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .dates import utcnow


class PersonalDataAccess(Model):
    """One look at citizens' personal data. Never edited, never deleted."""

    __tablename__ = "core_personal_data_access"
    __label__ = _l("Доступ к персональным данным")
    __table_args__ = (Index("ix_core_personal_data_access_record", "table_name", "record_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id", ondelete="SET NULL"), index=True)
    username: Mapped[str] = mapped_column(String(128))
    ip: Mapped[str | None] = mapped_column(String(64))
    #: show | edit | api_get | export_xlsx | export_csv
    access: Mapped[str] = mapped_column(String(16))
    table_name: Mapped[str] = mapped_column(String(64))
    #: The record opened; empty for an export.
    record_id: Mapped[str | None] = mapped_column(String(64))
    #: Records in the file (exports); 1 for a card.
    row_count: Mapped[int] = mapped_column(Integer, default=1)
    #: The page or API endpoint, to tell the card from the API.
    endpoint: Mapped[str | None] = mapped_column(String(128))

    user = relationship("User", foreign_keys=[user_id])

    def __repr__(self) -> str:
        return f"{self.access} {self.table_name}#{self.record_id or '*'}"


def record_personal_access(
    session: Any, user: Any, access: str, model: type, record_id: Any = None, count: int = 1
) -> None:
    """Journal one access to personal data of `model` (flushes nothing else; the caller commits)."""
    session.execute(
        insert(PersonalDataAccess.__table__),
        [
            {
                "at": utcnow(),
                "user_id": getattr(user, "id", None),
                "username": getattr(user, "username", "") or "",
                "ip": request.remote_addr if has_request_context() else None,
                "access": access,
                "table_name": model.__tablename__,
                "record_id": None if record_id is None else str(record_id),
                "row_count": count,
                "endpoint": (request.endpoint or "")[:128] if has_request_context() else None,
            }
        ],
    )


def journal_personal_access(session: Any, model: type, access: str, record_id: Any = None, count: int = 1) -> None:
    """Journal and commit a look at `model`'s personal fields — only when the user may see them."""
    from ..security import can_see_personal_data, request_user
    from .history import personal_fields

    if not personal_fields(model) or not can_see_personal_data():
        return
    record_personal_access(session, request_user(), access, model, record_id, count)
    # Committed without expiring what the request has read: the page goes on showing those rows, and
    # an expired record is read again by the next look at it (twice more on an appeal's card).
    target = session() if callable(session) else session
    expire = target.expire_on_commit
    target.expire_on_commit = False
    try:
        target.commit()
    finally:
        target.expire_on_commit = expire
