"""Org structure services: reference data, profiles. Flush, never commit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext
from sqlalchemy import select

from ..extensions import db
from ..security import ROLE_LABELS, SCOPE_LEVEL_LABELS, ScopeLevel
from .models import Body, District, Official
from .reference import BODIES, DISTRICTS


def seed_reference() -> dict[str, int]:
    """Insert missing districts and bodies by code; never overwrites an admin's edits."""
    session = db.session
    created = {"districts": 0, "bodies": 0}
    districts = {d.code: d for d in session.scalars(select(District))}
    for code, name in DISTRICTS:
        if code not in districts:
            districts[code] = District(code=code, name=name)
            session.add(districts[code])
            created["districts"] += 1
    session.flush()
    bodies = {b.code: b for b in session.scalars(select(Body))}
    for code, name, short, kind, parent, district, external in BODIES:
        if code in bodies:
            continue
        body = Body(
            code=code,
            name=name,
            short_name=short,
            kind=kind.value,
            parent=bodies.get(parent) if parent else None,
            district=districts[district] if district else None,
            is_external=external,
        )
        session.add(body)
        bodies[code] = body
        created["bodies"] += 1
    session.flush()
    return created


def body_by_code(code: str) -> Body:
    """Look up a body by its stable code."""
    return db.session.execute(select(Body).where(Body.code == code)).scalar_one()


def district_by_code(code: str) -> District:
    """Look up a district by its stable code."""
    return db.session.execute(select(District).where(District.code == code)).scalar_one()


def set_profile(
    user: Any,
    body: Body,
    position: str,
    scope_level: ScopeLevel,
    district: District | None = None,
    phone: str | None = None,
) -> Official:
    """Create or update a user's official profile."""
    official = db.session.execute(select(Official).where(Official.user_id == user.id)).scalar_one_or_none()
    if official is None:
        official = Official(user_id=user.id)
        db.session.add(official)
    official.body = body
    official.position = position
    official.scope_level = scope_level.value
    official.district = district
    official.phone = phone
    db.session.flush()
    return official


def deactivate_officials(officials: list[Official]) -> int:
    """End officials' authority (they leave): their profile stops granting any scope."""
    changed = 0
    for official in officials:
        if official.is_active:
            official.is_active = False
            changed += 1
    db.session.flush()
    return changed


@dataclass
class ProfileSummary:
    username: str
    full_name: str
    roles: list[str]
    body: str | None
    position: str | None
    scope: str
    has_profile: bool


def profile_summary(user: Any) -> ProfileSummary:
    """What the start page tells a user about themselves."""
    official = db.session.execute(select(Official).where(Official.user_id == user.id)).scalar_one_or_none()
    if official is None:
        scope = gettext("нет (записи не видны)")
    else:
        scope = str(SCOPE_LEVEL_LABELS[ScopeLevel(official.scope_level)])
        if official.scope_level == ScopeLevel.DISTRICT.value:
            district = official.district or official.body.district
            scope += f": {district.name}" if district else ""
    return ProfileSummary(
        username=user.username,
        full_name=user.get_full_name(),
        roles=[str(ROLE_LABELS.get(r.name, r.name)) for r in user.roles],
        body=official.body.name if official else None,
        position=official.position if official else None,
        scope=scope,
        has_profile=official is not None,
    )
