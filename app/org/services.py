"""Org structure services: reference data, profiles. Flush, never commit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import inspect, select

from ..core.errors import ProfileChangeRefused
from ..core.services import DomainHooks
from ..extensions import db
from ..security import ROLE_LABELS, SCOPE_LEVEL_LABELS, ScopeLevel, is_admin, request_user
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


#: How far each scope level reaches, for comparing a granted level with the granter's own.
SCOPE_REACH = {ScopeLevel.BODY: 1, ScopeLevel.SUPERVISED: 2, ScopeLevel.DISTRICT: 2, ScopeLevel.CITY: 3}


def check_profile_change(official: Official, actor: Any, is_admin: bool) -> None:
    """Nobody but an Admin widens a scope: no editing one's own profile, no level above one's own.

    Rights to write profiles can be given to a composed role; sight must still never grow
    by a user's own hand.
    """
    if is_admin:
        return
    if official.user_id == getattr(actor, "id", None):
        raise ProfileChangeRefused(_l("Свой профиль должностного лица меняет только администратор"))
    own = db.session.execute(
        select(Official).where(Official.user_id == actor.id, Official.is_active.is_(True))
    ).scalar_one_or_none()
    own_reach = SCOPE_REACH[ScopeLevel(own.scope_level)] if own else 0
    if SCOPE_REACH[ScopeLevel(official.scope_level)] > own_reach:
        raise ProfileChangeRefused(_l("Нельзя дать область видимости шире своей"), field="scope_level")


def check_body_change(body: Body, is_admin: bool) -> None:
    """The org tree (parent, district, supervisor) decides everybody's sight: Admin only."""
    if is_admin:
        return
    changed = {name for name in ("parent_id", "district_id", "supervisor_id") if attribute_changed(body, name)}
    changed |= {name for name in ("parent", "district", "supervisor") if attribute_changed(body, name)}
    if changed:
        raise ProfileChangeRefused(
            _l("Вышестоящий орган, район и куратора органа меняет только администратор"), field="parent"
        )


def deactivate_officials(officials: list[Official]) -> int:
    """End officials' authority (they leave): their profile stops granting any scope."""
    changed = 0
    for official in officials:
        if official.is_active:
            official.is_active = False
            changed += 1
    db.session.flush()
    return changed


def attribute_changed(item: Any, name: str) -> bool:
    """Whether an attribute of a loaded or new object differs from what the database holds."""
    state = inspect(item)
    if state.transient or state.pending:
        return getattr(item, name, None) is not None
    return state.attrs[name].history.has_changes()


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


#: Profiles and the org tree decide everybody's sight: their views and APIs share these checks.
PROFILE_HOOKS = DomainHooks(check=lambda official: check_profile_change(official, request_user(), is_admin()))
BODY_HOOKS = DomainHooks(check=lambda body: check_body_change(body, is_admin()))
