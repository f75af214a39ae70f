"""Roles catalogue, the read/write permission map, and the one row-scope mechanism.

Rights (what a user may do) come from roles; scope (which rows) comes from the
user's official profile (`app.org.models.Official`). The two never mix: a role
name never widens or narrows which rows a user sees.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from flask import current_app, g, has_request_context, request, session
from flask_appbuilder.const import AUTH_DB
from flask_appbuilder.models.filters import BaseFilter
from flask_appbuilder.security.sqla.manager import SecurityManager
from flask_babel import lazy_gettext as _l
from flask_login import current_user, user_logged_in
from limits import parse as parse_limit
from sqlalchemy import false, or_, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import MANYTOONE
from werkzeug.exceptions import TooManyRequests
from werkzeug.security import check_password_hash

from .core.errors import ForeignScopeError, PersonalDataRequired

if TYPE_CHECKING:
    from flask_appbuilder import AppBuilder

# --------------------------------------------------------------------------------------
# Permissions
# --------------------------------------------------------------------------------------

READ = "read"
WRITE = "write"
DELETE = "delete"

#: Every FAB method collapses into read / write / delete on the view's resource name.
#: A custom @expose or @action must be named here (or in the view's own map), or FAB
#: invents a `can_<method>` permission and every role silently loses access.
RW_METHOD_PERMISSIONS: dict[str, str] = {
    # ModelView
    "list": READ,
    "show": READ,
    "download": READ,
    "export_xlsx": READ,
    "export_csv": READ,
    "api": READ,
    "api_read": READ,
    "api_get": READ,
    "api_column_add": WRITE,
    "api_column_edit": WRITE,
    "api_create": WRITE,
    "api_update": WRITE,
    "add": WRITE,
    "edit": WRITE,
    "action": WRITE,
    "action_post": WRITE,
    "annul": WRITE,
    "delete": DELETE,
    "api_delete": DELETE,
    # ModelRestApi
    "get": READ,
    "get_list": READ,
    "info": READ,
    "post": WRITE,
    "put": WRITE,
}

#: The right to see citizens' personal data: a permission of its own, grantable to any role.
PERSONAL_DATA_PERMISSION = "can_access"
PERSONAL_DATA_RESOURCE = "PersonalData"


def can_see_personal_data() -> bool:
    """True when the current user holds the personal-data right."""
    if not has_request_context() or request_user() is None:
        return False
    return current_app.appbuilder.sm.has_access(PERSONAL_DATA_PERMISSION, PERSONAL_DATA_RESOURCE)


# --------------------------------------------------------------------------------------
# Roles catalogue (FAB_ROLES: checked in memory, fixed in code; FAB_NOTES S8, S13)
# --------------------------------------------------------------------------------------


def _alt(names: Iterable[str]) -> str:
    return "^(" + "|".join(re.escape(n) for n in sorted(set(names))) + ")$"


@dataclass
class Resource:
    """One permission resource (a view and its API share it) and the menus that show it."""

    name: str
    menus: tuple[str, ...] = ()
    category: str = ""
    readers: tuple[str, ...] = ()
    writers: tuple[str, ...] = ()
    deleters: tuple[str, ...] = ()


ADMIN = "Admin"
SUPERVISOR = "Supervisor"
APPEALS_CLERK = "AppealsClerk"
CONTROL_OFFICER = "ControlOfficer"
PLANS_COORDINATOR = "PlansCoordinator"
HOUSING_OFFICER = "HousingOfficer"
EVENTS_COORDINATOR = "EventsCoordinator"
DISTRICT_CLERK = "DistrictClerk"
DEPUTY_HEAD = "DeputyHead"

CLERK_ROLES = (
    APPEALS_CLERK,
    CONTROL_OFFICER,
    PLANS_COORDINATOR,
    HOUSING_OFFICER,
    EVENTS_COORDINATOR,
    DISTRICT_CLERK,
)
STAFF_ROLES = (SUPERVISOR, DEPUTY_HEAD, *CLERK_ROLES)
BUILTIN_ROLES = (ADMIN, *STAFF_ROLES)
#: Roles that handle citizens and so hold the personal-data right by default.
PERSONAL_DATA_ROLES = (APPEALS_CLERK, DISTRICT_CLERK, HOUSING_OFFICER)

ROLE_LABELS: dict[str, Any] = {
    ADMIN: _l("Администратор"),
    SUPERVISOR: _l("Контролёр (только чтение)"),
    APPEALS_CLERK: _l("Специалист по обращениям"),
    CONTROL_OFFICER: _l("Специалист по контролю поручений"),
    PLANS_COORDINATOR: _l("Координатор планов"),
    HOUSING_OFFICER: _l("Специалист по жилью"),
    EVENTS_COORDINATOR: _l("Координатор мероприятий"),
    DISTRICT_CLERK: _l("Специалист администрации района"),
    DEPUTY_HEAD: _l("Заместитель Главы"),
}

#: Filled by each domain's register(); FAB_ROLES is computed from it at start-up.
RESOURCES: dict[str, Resource] = {}

#: What every signed-in staff member may do for themselves (own profile and password, menu).
SELF_SERVICE = [
    ("^(UserInfoEditView|ResetMyPasswordView)$", "^can_this_form_(get|post)$"),
    ("^UserDBModelView$", "^can_(userinfo|resetmypassword|userinfoedit)$"),
    ("^(MenuApi|OpenApi|SwaggerView)$", "^can_(get|show)$"),
]


def declare_resource(resource: Resource) -> Resource:
    """Register a resource in the catalogue (idempotent per name)."""
    RESOURCES[resource.name] = resource
    return resource


def build_fab_roles(resources: Iterable[Resource]) -> dict[str, list[tuple[str, str]]]:
    """Compute FAB_ROLES: anchored regexes only (FAB_NOTES S8)."""
    roles: dict[str, list[tuple[str, str]]] = {ADMIN: [("^.*$", "^.*$")]}
    for role in STAFF_ROLES:
        grants: list[tuple[str, str]] = list(SELF_SERVICE)
        menus: set[str] = set()
        for perm in (READ, WRITE, DELETE):
            names = [r.name for r in resources if role in {READ: r.readers, WRITE: r.writers, DELETE: r.deleters}[perm]]
            if names:
                grants.append((_alt(names), f"^can_{perm}$"))
        for r in resources:
            if role in r.readers or role in r.writers:
                menus.update(r.menus)
                if r.category:
                    menus.add(r.category)
        if menus:
            grants.append((_alt(menus), "^menu_access$"))
        if role in PERSONAL_DATA_ROLES:
            grants.append((f"^{PERSONAL_DATA_RESOURCE}$", f"^{PERSONAL_DATA_PERMISSION}$"))
        roles[role] = grants
    return roles


def password_complexity(password: str) -> None:
    """Password policy: 10+ characters with lower and upper case letters and a digit."""
    from flask_appbuilder.exceptions import PasswordComplexityValidationError

    problems = []
    if len(password or "") < 10:
        problems.append(str(_l("не короче 10 символов")))
    if not re.search(r"[a-zа-яё]", password or ""):
        problems.append(str(_l("строчная буква")))
    if not re.search(r"[A-ZА-ЯЁ]", password or ""):
        problems.append(str(_l("заглавная буква")))
    if not re.search(r"\d", password or ""):
        problems.append(str(_l("цифра")))
    if problems:
        raise PasswordComplexityValidationError(
            str(_l("Пароль слишком простой. Нужно: %(what)s.", what=", ".join(problems)))
        )


# --------------------------------------------------------------------------------------
# Row scope
# --------------------------------------------------------------------------------------


class ScopeLevel(enum.StrEnum):
    """How far a user's sight reaches from their profile."""

    BODY = "body"  # own body and its child bodies
    DISTRICT = "district"  # everything of own district
    SUPERVISED = "supervised"  # bodies the user supervises (deputy head) and their children
    CITY = "city"  # whole city

    @property
    def label(self) -> Any:
        return SCOPE_LEVEL_LABELS[self]


SCOPE_LEVEL_LABELS = {
    ScopeLevel.BODY: _l("Свой орган (с подчинёнными)"),
    ScopeLevel.DISTRICT: _l("Свой район"),
    ScopeLevel.SUPERVISED: _l("Курируемые органы"),
    ScopeLevel.CITY: _l("Весь город"),
}


@dataclass(frozen=True)
class Scope:
    """Which columns of a model place a row in a body's or a district's scope.

    A row is visible when *any* named column points into the user's visible set.
    Each scoped model declares one as its `__scope__`; views, APIs, exports and
    attachment downloads all read it from there.
    """

    bodies: tuple[str, ...] = ()
    districts: tuple[str, ...] = ()

    def relationships(self) -> tuple[str, ...]:
        return self.bodies + self.districts


@dataclass(frozen=True)
class Visibility:
    """What one user may see: everything, or these bodies and districts."""

    everything: bool = False
    body_ids: frozenset[int] = field(default_factory=frozenset)
    district_ids: frozenset[int] = field(default_factory=frozenset)

    def allows_body(self, body_id: int | None) -> bool:
        return self.everything or (body_id is not None and body_id in self.body_ids)

    def allows_district(self, district_id: int | None) -> bool:
        return self.everything or (district_id is not None and district_id in self.district_ids)


NOTHING = Visibility()


def _descendants(roots: set[int], children: dict[int | None, list[int]]) -> set[int]:
    seen: set[int] = set()
    stack = list(roots)
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        stack.extend(children.get(node, ()))
    return seen


def visibility_for(user: Any) -> Visibility:
    """Compute a user's visible bodies/districts from the official profile (deny by default)."""
    from .extensions import db
    from .org.models import Body, Official

    if user is None or not getattr(user, "is_authenticated", False):
        return NOTHING
    official = db.session.execute(
        select(Official).where(Official.user_id == user.id, Official.is_active.is_(True))
    ).scalar_one_or_none()
    if official is None:
        return NOTHING
    level = ScopeLevel(official.scope_level)
    if level is ScopeLevel.CITY:
        return Visibility(everything=True)

    rows = db.session.execute(select(Body.id, Body.parent_id, Body.district_id, Body.supervisor_id)).all()
    children: dict[int | None, list[int]] = {}
    for body_id, parent_id, _district, _sup in rows:
        children.setdefault(parent_id, []).append(body_id)

    districts: set[int] = set()
    if level is ScopeLevel.BODY:
        roots = {official.body_id} if official.body_id else set()
    elif level is ScopeLevel.SUPERVISED:
        roots = {bid for bid, _p, _d, sup in rows if sup == user.id}
    else:  # DISTRICT
        district_id = official.district_id or (official.body.district_id if official.body else None)
        if district_id is None:
            return NOTHING
        districts = {district_id}
        roots = {bid for bid, _p, d, _s in rows if d == district_id}
    return Visibility(body_ids=frozenset(_descendants(roots, children)), district_ids=frozenset(districts))


def request_user() -> Any:
    """The signed-in user of this request: browser session, API key or JWT."""
    user = g.get("user")
    if user is not None and getattr(user, "is_authenticated", False):
        return user
    if current_user and current_user.is_authenticated:
        return current_user
    try:
        from flask_jwt_extended import current_user as jwt_user

        return jwt_user._get_current_object()
    except Exception:  # no verified token in this request
        return None


def current_visibility() -> Visibility:
    """The current request's visibility, computed once per request."""
    if not has_request_context():
        return NOTHING
    cached = g.get("_uprava_visibility")
    if cached is None:
        cached = visibility_for(request_user())
        g._uprava_visibility = cached
    return cached


def _scope_column(model: type, name: str) -> Any:
    """A scope entry names a relationship (`body`) or a column (`body_id`)."""
    attr = getattr(model, name)
    prop = getattr(attr, "property", None)
    if prop is not None and hasattr(prop, "local_columns") and prop.local_columns:
        return getattr(model, next(iter(prop.local_columns)).key)
    return attr


def scope_clause(model: type, visibility: Visibility | None = None) -> Any | None:
    """The WHERE clause that limits `model` to the visible rows; None for unscoped models."""
    scope: Scope | None = getattr(model, "__scope__", None)
    if scope is None:
        return None
    vis = visibility if visibility is not None else current_visibility()
    if vis.everything:
        return None
    terms = []
    if vis.body_ids:
        terms += [_scope_column(model, c).in_(sorted(vis.body_ids)) for c in scope.bodies]
    if vis.district_ids:
        terms += [_scope_column(model, c).in_(sorted(vis.district_ids)) for c in scope.districts]
    return or_(*terms) if terms else false()


def is_row_visible(item: Any, visibility: Visibility | None = None) -> bool:
    """Check one loaded row against the scope (actions, downloads)."""
    scope: Scope | None = getattr(type(item), "__scope__", None)
    if scope is None:
        return True
    vis = visibility if visibility is not None else current_visibility()
    if vis.everything:
        return True
    model = type(item)
    return any(vis.allows_body(getattr(item, _scope_column(model, c).key)) for c in scope.bodies) or any(
        vis.allows_district(getattr(item, _scope_column(model, c).key)) for c in scope.districts
    )


def are_files_visible(item: Any) -> bool:
    """May the user open a record's files (attachments, generated documents)?

    The record must be in scope; and when its model holds personal data (`__personal__`),
    its files (scans of letters, certificates) are personal data too.
    """
    if not is_row_visible(item):
        return False
    return not getattr(type(item), "__personal__", None) or can_see_personal_data()


def require_files_right(item: Any) -> None:
    """403 when a visible record's files hold personal data the user has no right to."""
    if not are_files_visible(item):
        raise PersonalDataRequired()


def _related_id(item: Any, name: str) -> int | None:
    model = type(item)
    attr = getattr(model, name)
    prop = getattr(attr, "property", None)
    if prop is not None and hasattr(prop, "mapper"):
        related = getattr(item, name)
        if related is not None:
            return related.id
    return getattr(item, _scope_column(model, name).key)


def _changed(item: Any, name: str) -> bool:
    """Whether a scope field (relationship or its column) was set or changed in this unit of work."""
    state = sa_inspect(item)
    if state.transient or state.pending:
        return True
    column = _scope_column(type(item), name).key
    return any(state.attrs[key].history.has_changes() for key in {name, column} if key in state.attrs)


def ensure_in_scope(item: Any, visibility: Visibility | None = None) -> None:
    """Write guard: refuse a body/district field pointing outside the user's scope.

    A new row: every named field that is set must be visible. An edited row: every field
    the edit sets or changes must be visible (an appeal whose responsible body is elsewhere
    stays editable by its receiving district). After the write the row must still be
    visible to its writer — nobody writes a row out of their own sight.
    """
    scope: Scope | None = getattr(type(item), "__scope__", None)
    if scope is None:
        return
    vis = visibility if visibility is not None else current_visibility()
    if vis.everything:
        return
    checks = [(name, True) for name in scope.bodies] + [(name, False) for name in scope.districts]
    any_visible = False
    for name, is_body in checks:
        value = _related_id(item, name)
        if value is None:
            continue
        allowed = vis.allows_body(value) if is_body else vis.allows_district(value)
        any_visible = any_visible or allowed
        if not allowed and _changed(item, name):
            raise ForeignScopeError(field=name)
    if not any_visible:
        raise ForeignScopeError(field=scope.relationships()[0] if scope.relationships() else None)


class RowScopeFilter(BaseFilter):
    """FAB base filter: applied to list, show, edit, delete and REST get/list/put/delete."""

    name = "Row scope"
    arg_name = "scope"

    def apply(self, query: Any, value: Any) -> Any:
        clause = scope_clause(self.model)
        return query if clause is None else query.filter(clause)


class CityWideOnlyFilter(BaseFilter):
    """Journals spanning every district (history, exports): only for city-wide sight or Admin."""

    name = "City-wide only"
    arg_name = "citywide"

    def apply(self, query: Any, value: Any) -> Any:
        return query if current_visibility().everything or is_admin() else query.filter(false())


class VisibleBodiesFilter(BaseFilter):
    """Limits a body drop-down to the bodies the user may write into."""

    name = "Visible bodies"
    arg_name = "vbody"

    def apply(self, query: Any, value: Any) -> Any:
        vis = current_visibility()
        if vis.everything:
            return query
        if not vis.body_ids:
            return query.filter(false())
        return query.filter(self.model.id.in_(sorted(vis.body_ids)))


class VisibleDistrictsFilter(BaseFilter):
    """Limits a district drop-down to the districts the user may write into."""

    name = "Visible districts"
    arg_name = "vdistrict"

    def apply(self, query: Any, value: Any) -> Any:
        vis = current_visibility()
        if vis.everything:
            return query
        if not vis.district_ids:
            return query.filter(false())
        return query.filter(self.model.id.in_(sorted(vis.district_ids)))


def scope_base_filters(model: type) -> list[list[Any]]:
    """The base_filters entry every scoped view and API carries."""
    if getattr(model, "__scope__", None) is None:
        return []
    pk = model.__mapper__.primary_key[0].key
    return [[pk, RowScopeFilter, None]]


def scoped_relation_filters(model: type) -> dict[str, list[list[Any]]]:
    """Drop-down filters for links to scoped records (a question's appeal, an earlier appeal).

    A drop-down, a filter's choices or a lookup offering another district's appeals would show
    rows the user may not see: they list the visible ones only, like the lists themselves.
    """
    result: dict[str, list[list[Any]]] = {}
    for relationship in sa_inspect(model).relationships:
        target = relationship.mapper.class_
        if relationship.direction is MANYTOONE and getattr(target, "__scope__", None) is not None:
            result[relationship.key] = [[target.__mapper__.primary_key[0].key, RowScopeFilter, None]]
    return result


def scope_query_rel_fields(model: type) -> dict[str, list[list[Any]]]:
    """Drop-down filters for the scope fields of a form, and for links to scoped records."""
    scope: Scope | None = getattr(model, "__scope__", None)
    if scope is None or len(scope.relationships()) > 1:
        # With several scope fields a foreign value can be legitimate (a responsible body
        # elsewhere): the drop-downs list everything and the write guard decides.
        return scoped_relation_filters(model)
    result: dict[str, list[list[Any]]] = scoped_relation_filters(model)
    for name in scope.bodies:
        result[name] = [["id", VisibleBodiesFilter, None]]
    for name in scope.districts:
        result[name] = [["id", VisibleDistrictsFilter, None]]
    return result


# --------------------------------------------------------------------------------------
# Security manager
# --------------------------------------------------------------------------------------


def is_admin(user: Any = None) -> bool:
    """The built-in Admin role (its rights come from code, not from the database)."""
    user = user if user is not None else request_user()
    return user is not None and any(role.name == ADMIN for role in getattr(user, "roles", []))


def login_rate_key() -> str:
    """Throttle by user name *and* client address: one NAT'd building is not one bucket."""
    username = ""
    if request.is_json:
        username = str((request.get_json(silent=True) or {}).get("username", ""))
    else:
        username = request.form.get("username", "")
    return f"{request.remote_addr}|{username.strip().lower()}"


def _session_lasts_a_working_day(sender: Any, user: Any, **kwargs: Any) -> None:
    session.permanent = True


class UpravaSecurityManager(SecurityManager):
    """FAB's manager with our user view (profile beside roles) and login throttling."""

    # FAB's user statistics chart loads Google Charts from the internet: not on an intranet.
    userstatschartview = None

    def __init__(self, appbuilder: AppBuilder) -> None:
        from .org.security_views import (
            UpravaAuthDBView,
            UpravaAuthLDAPView,
            UpravaGroupModelView,
            UpravaResetMyPasswordView,
            UpravaRoleModelView,
            UpravaUserDBModelView,
            UpravaUserLDAPModelView,
        )

        self.authdbview = UpravaAuthDBView
        self.authldapview = UpravaAuthLDAPView
        self.resetmypasswordview = UpravaResetMyPasswordView
        self.userdbmodelview = UpravaUserDBModelView
        self.userldapmodelview = UpravaUserLDAPModelView
        self.rolemodelview = UpravaRoleModelView
        self.groupmodelview = UpravaGroupModelView
        super().__init__(appbuilder)

    def auth_user_db(self, username: str, password: str) -> Any:
        return self._guarded_sign_in(super().auth_user_db, username, password)

    def auth_user_ldap(self, username: str, password: str) -> Any:
        # While locked, the directory is not even asked: its own lock-out policy is not tripped by ours.
        return self._guarded_sign_in(super().auth_user_ldap, username, password)

    def _guarded_sign_in(self, check: Callable[[str, str], Any], username: str, password: str) -> Any:
        """FAB's check, refused while this name is locked out from this address; every attempt journalled.

        The answer is the same for an unknown name, a wrong password and a locked name — FAB's
        «invalid login» message (web) or 401 (API), with one password hash checked in each case —
        so neither the message nor the time tells which names exist (app/ops/lockout.py). A directory
        user's first sign-in creates the account (AUTH_USER_REGISTRATION): it is journalled as a
        success of that new account.
        """
        from .core.audit import log_sign_in
        from .ops.lockout import clear_failures, client_address, locked_until, login_key, record_failure

        account = self._sign_in_account(username)
        login = login_key(account.username if account is not None else username)
        address = client_address()
        until = locked_until(self.session, login, address) if login else None
        if until is None:
            user = check(username, password)
        else:
            user = None
            if self.auth_type == AUTH_DB:
                # As long as FAB's check of an unknown name: one hash (the directory is not asked while locked).
                check_password_hash(current_app.config["AUTH_DB_FAKE_PASSWORD_HASH_CHECK"], "password")
        account = account or user
        if user is not None:
            clear_failures(self.session, login_key(user.username), address)
        elif login and until is None:
            record_failure(self.session, login, address)
        log_sign_in(self.session, account, username, success=user is not None)
        self.session.commit()
        return user

    def _sign_in_account(self, username: str) -> Any:
        """The account a login name means: by user name, and on Uprava's own passwords by e-mail too (as FAB)."""
        if not username:
            return None
        account = self.find_user(username=username)
        if account is None and self.auth_type == AUTH_DB:
            account = self.find_user(email=username)
        return account

    def register_views(self) -> None:
        super().register_views()
        # A permanent session carries PERMANENT_SESSION_LIFETIME (a working day) in the browser and in
        # its signed timestamp: left alone for that long, it is over.
        user_logged_in.connect(_session_lasts_a_working_day, current_app._get_current_object())
        security = self.appbuilder.menu.find("Security")
        if security and security.childs and security.childs[-1].name == "-":
            # FAB leaves a trailing separator when the permission views are switched off.
            security.childs.pop()
        if not self.is_auth_limited:
            return
        # FAB limits the web login (keyed by RATELIMIT_KEY_FUNC = login_rate_key) but never
        # the API login (FAB_NOTES S3). A second, wider limit per address stops one host
        # trying passwords across many accounts.
        from flask_appbuilder.security.api import SecurityApi

        login_endpoints = {f"{self.auth_view.endpoint}.login"}
        for view in self.appbuilder.baseviews:
            if isinstance(view, SecurityApi):
                self.limiter.limit(self.auth_rate_limit, key_func=login_rate_key, methods=["POST"])(view.blueprint)
                login_endpoints.add(f"{view.endpoint}.login")
        # Flask-Limiter keeps one limit set per blueprint, so the per-address limit is a hook.
        per_address = parse_limit(current_app.config["AUTH_RATE_LIMIT_PER_ADDRESS"])
        limiter = self.limiter

        @current_app.before_request
        def _login_per_address() -> None:
            is_login = request.method == "POST" and request.endpoint in login_endpoints and limiter.enabled
            if is_login and not limiter.limiter.hit(per_address, "login-per-address", request.remote_addr or ""):
                raise TooManyRequests()


def sync_roles(appbuilder: AppBuilder) -> None:
    """Create built-in roles and every view's permissions; idempotent (`flask app init`).

    Built-in roles are created without permission rows: FAB checks them against the
    regexes in memory, and regex rows would only show up as noise (FAB_NOTES S13).
    """
    sm = appbuilder.sm
    for role_name in BUILTIN_ROLES:
        if sm.find_role(role_name) is None:
            sm.add_role(role_name)
    if sm.find_role(sm.auth_role_public) is None:
        sm.add_role(sm.auth_role_public)
    # Not FAB's add_permissions: it syncs view by view and drops what the last view of a shared
    # resource (Appeal) lacks, so writing appeals could no longer be granted to a new role.
    from .core.permissions import sync_view_permissions

    sync_view_permissions(appbuilder)
    sm.add_permission_view_menu(PERSONAL_DATA_PERMISSION, PERSONAL_DATA_RESOURCE)
    _drop_regex_rows(appbuilder)


def _drop_regex_rows(appbuilder: AppBuilder) -> None:
    """Remove permission/view rows whose names are regexes (left by `fab create-db`)."""
    sm = appbuilder.sm
    session = sm.session
    for pv in session.query(sm.permissionview_model).all():
        if pv.view_menu and pv.view_menu.name.startswith("^"):
            for role in session.query(sm.role_model).all():
                if pv in role.permissions:
                    role.permissions.remove(pv)
            session.delete(pv)
    session.flush()
    for vm in session.query(sm.viewmenu_model).filter(sm.viewmenu_model.name.like("^%")).all():
        session.delete(vm)
    for perm in session.query(sm.permission_model).filter(sm.permission_model.name.like("^%")).all():
        session.delete(perm)
    session.commit()
