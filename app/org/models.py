"""Org structure: districts, bodies of the administration, officials (user profiles)."""

from __future__ import annotations

import datetime
import enum
from typing import Any

from flask_appbuilder import Model
from flask_appbuilder.security.sqla.models import User
from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Integer, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.inputs import HISTORIC_DATES
from ..core.models import VersionedMixin
from ..security import Scope, ScopeLevel


class BodyKind(enum.StrEnum):
    """Kinds of bodies (DOMAIN.md D.1 BodyType)."""

    HEAD_OFFICE = "head_office"
    DEPUTY_HEAD_OFFICE = "deputy_head_office"
    COMMITTEE = "committee"
    DEPARTMENT = "department"
    DISTRICT_ADMINISTRATION = "district_administration"
    COUNCIL = "council"
    COLLEGIUM = "collegium"
    INSTITUTION = "institution"
    EXTERNAL = "external"


class District(VersionedMixin, Model):
    """One of the six city districts."""

    __tablename__ = "org_district"
    __label__ = _l("Район")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)

    def __repr__(self) -> str:
        return self.name


class Body(VersionedMixin, Model):
    """A body of the administration: committee, department, district administration, …"""

    __tablename__ = "org_body"
    __label__ = _l("Орган администрации")
    # A search for a body by name also finds it by a name it bore before (lists' filters and lookups).
    __search_also__ = {"name": lambda pattern: Body.named_formerly(pattern)}
    __table_args__ = (CheckConstraint("parent_id IS NULL OR parent_id <> id", name="not_own_parent"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    short_name: Mapped[str | None] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32), default=BodyKind.DEPARTMENT.value)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("org_body.id"), index=True)
    district_id: Mapped[int | None] = mapped_column(ForeignKey("org_district.id"), index=True)
    # The deputy head who supervises this body (курирующий заместитель Главы).
    supervisor_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"), index=True)
    is_external: Mapped[bool] = mapped_column(Boolean, default=False)
    email: Mapped[str | None] = mapped_column(String(255))
    phone: Mapped[str | None] = mapped_column(String(64))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)

    parent: Mapped[Body | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Body]] = relationship(back_populates="parent")
    district: Mapped[District | None] = relationship()
    supervisor: Mapped[User | None] = relationship(foreign_keys=[supervisor_id])
    former_names: Mapped[list[BodyFormerName]] = relationship(
        back_populates="body", cascade="all, delete-orphan", order_by="BodyFormerName.used_until"
    )

    def __repr__(self) -> str:
        return self.short_name or self.name

    @classmethod
    def named_formerly(cls, pattern: str) -> Any:
        """Bodies one of whose former names matches a normalised LIKE pattern."""
        from ..core.filters import normalized

        return cls.id.in_(
            select(BodyFormerName.body_id).where(normalized(BodyFormerName.name).like(pattern, escape="\\"))
        )


class BodyFormerName(VersionedMixin, Model):
    """A name a body bore before it was renamed (a committee reorganised in 2019 keeps its old name).

    Documents and legacy registers name the body as it was then: lookups, the list's search and the
    imports recognise a former name as the body (app/org/services.py `bodies_named`).
    """

    __tablename__ = "org_body_former_name"
    __label__ = _l("Прежнее название органа")
    __table_args__ = (
        UniqueConstraint("body_id", "name"),
        CheckConstraint("used_from IS NULL OR used_until IS NULL OR used_from <= used_until", name="period"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("org_body.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    #: The period the name was used in (either end may be unknown).
    used_from: Mapped[datetime.date | None] = mapped_column(Date, info={"date_window": HISTORIC_DATES})
    used_until: Mapped[datetime.date | None] = mapped_column(Date, info={"date_window": HISTORIC_DATES})

    body: Mapped[Body] = relationship(back_populates="former_names")

    def __repr__(self) -> str:
        return self.name


class Official(VersionedMixin, Model):
    """A user's profile: body, position, district and how far their sight reaches."""

    __tablename__ = "org_official"
    __label__ = _l("Должностное лицо")
    # Officials are scoped by their body: a district clerk sees their district's staff.
    __scope__ = Scope(bodies=("body",))
    # An employee's direct phone is personal data too (152-ФЗ): masked in history without the right.
    __personal__ = ("phone",)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id"), unique=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("org_body.id"), index=True)
    district_id: Mapped[int | None] = mapped_column(ForeignKey("org_district.id"), index=True)
    position: Mapped[str] = mapped_column(String(255))
    appointed_on: Mapped[datetime.date | None] = mapped_column(Date)
    phone: Mapped[str | None] = mapped_column(String(64))
    scope_level: Mapped[str] = mapped_column(String(16), default=ScopeLevel.BODY.value)
    is_body_head: Mapped[bool] = mapped_column(Boolean, default=False)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    body: Mapped[Body] = relationship()
    district: Mapped[District | None] = relationship()

    def __repr__(self) -> str:
        return f"{self.user.get_full_name() if self.user else ''}, {self.position}"
