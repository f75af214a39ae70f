"""Roles catalogue, the read/write permission map, and the one row-scope mechanism.

Rights (what a user may do) come from roles; scope (which rows) comes from the
user's official profile (`app.org.models.Official`). The two never mix: a role
name never widens or narrows which rows a user sees.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from flask import current_app, g, has_request_context, request, session
from flask_appbuilder.const import AUTH_DB
from flask_appbuilder.models.filters import BaseFilter
from flask_appbuilder.security.sqla.manager import SecurityManager
from flask_babel import lazy_gettext as _l
from flask_login import current_user, user_logged_in
from limits import parse as parse_limit
from sqlalchemy import case, exists, false, literal_column, or_, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import MANYTOONE, RelationshipProperty, joinedload
from werkzeug.exceptions import NotFound, TooManyRequests
from werkzeug.security import check_password_hash

from .core.errors import ForeignScopeError, LinkRefused, PersonalDataRequired, ReadOnlyRecord, ValidationFailed

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
    #: Roles that read the records without the menus: they reach a card from another domain's link
    #: (the control officer opens a plan item to put it on control; plans are not his work).
    card_readers: tuple[str, ...] = ()


ADMIN = "Admin"
SUPERVISOR = "Supervisor"
APPEALS_CLERK = "AppealsClerk"
CONTROL_OFFICER = "ControlOfficer"
PLANS_COORDINATOR = "PlansCoordinator"
HOUSING_OFFICER = "HousingOfficer"
EVENTS_COORDINATOR = "EventsCoordinator"
DISTRICT_CLERK = "DistrictClerk"
DEPUTY_HEAD = "DeputyHead"
#: Staff of one body: execute instructions, submit plan proposals and execution marks, keep their
#: body's events, work the appeals assigned to them (each domain grants its rights to it).
BODY_CLERK = "BodyClerk"

CLERK_ROLES = (
    APPEALS_CLERK,
    CONTROL_OFFICER,
    PLANS_COORDINATOR,
    HOUSING_OFFICER,
    EVENTS_COORDINATOR,
    DISTRICT_CLERK,
    BODY_CLERK,
)
STAFF_ROLES = (SUPERVISOR, DEPUTY_HEAD, *CLERK_ROLES)
BUILTIN_ROLES = (ADMIN, *STAFF_ROLES)
#: Roles that handle citizens and so hold the personal-data right by default: appeals (the applicant),
#: housing (the household), instructions (a citizen correspondent), events (a resident's petition),
#: and body staff answering the appeals assigned to them.
PERSONAL_DATA_ROLES = (APPEALS_CLERK, DISTRICT_CLERK, HOUSING_OFFICER, CONTROL_OFFICER, EVENTS_COORDINATOR, BODY_CLERK)

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
    BODY_CLERK: _l("Специалист органа"),
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
            names = [
                r.name
                for r in resources
                if role in {READ: (*r.readers, *r.card_readers), WRITE: r.writers, DELETE: r.deleters}[perm]
            ]
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


class Access(enum.IntEnum):
    """How far one user may go with one row: not at all, read it, or work it (edit, act, attach)."""

    NONE = 0
    READ = 1
    WRITE = 2


@dataclass(frozen=True)
class Link:
    """One way a row reaches a user's sight: a path from the model, and whether it lets the user write."""

    path: str
    writes: bool = True


def read_only(path: str) -> Link:
    """A link that shows the row but lets nobody change it through it (a copy sent for information)."""
    return Link(path, writes=False)


BODY, DISTRICT, USER = "body", "district", "user"


@dataclass(frozen=True)
class Scope:
    """Which links of a model place a row in a user's sight; each model declares one as `__scope__`.

    A row is seen when *any* link reaches the user; it may be worked (edited, acted on, given
    files) when a link that writes reaches him. Every check — list SQL, one loaded row, the write
    guard, the statistics — reads this one declaration:

    - `bodies`, `districts`: the row's own columns (a relationship or a column name). They own the
      row: statistics count it for them;
    - `body_collections`: many bodies per row — a many-to-many (`"co_executors"`) or child rows that
      carry a body (`"copies.body"`); compiled to EXISTS (a list's count: to `id IN (…)`), never to a join;
    - `users`: people linked to the row — a user (`"executor"`) or an official (a model with `user_id`);
    - `parent`: the row is seen and worked exactly as its parent row is (an appeal's question);
    - any path wrapped in `read_only(...)` shows the row without letting its holder change it.

        Scope(bodies=("receiving_body", "responsible_body"),
              body_collections=(read_only("copies.body"),), users=("executor",))
    """

    bodies: tuple[str | Link, ...] = ()
    districts: tuple[str | Link, ...] = ()
    body_collections: tuple[str | Link, ...] = ()
    users: tuple[str | Link, ...] = ()
    parent: str | None = None
    #: Paths declared with read_only(); the tuples above hold plain path strings once built.
    read_only_paths: frozenset[str] = field(init=False, default=frozenset())

    def __post_init__(self) -> None:
        read_only_paths = set()
        for kind in ("bodies", "districts", "body_collections", "users"):
            links = [spec if isinstance(spec, Link) else Link(spec) for spec in getattr(self, kind)]
            read_only_paths |= {link.path for link in links if not link.writes}
            object.__setattr__(self, kind, tuple(link.path for link in links))
        object.__setattr__(self, "read_only_paths", frozenset(read_only_paths))

    def relationships(self) -> tuple[str, ...]:
        """The row's own body and district links (those that own it)."""
        return self.bodies + self.districts

    def links(self) -> list[tuple[str, str, bool]]:
        """(kind, path, writes) of every link, own columns first (the cheapest to check)."""
        kinds = ((BODY, self.bodies), (DISTRICT, self.districts), (USER, self.users), (BODY, self.body_collections))
        return [(kind, path, path not in self.read_only_paths) for kind, paths in kinds for path in paths]


@dataclass(frozen=True)
class Visibility:
    """What one user may see: everything, or these bodies and districts, and rows linked to him."""

    everything: bool = False
    body_ids: frozenset[int] = field(default_factory=frozenset)
    district_ids: frozenset[int] = field(default_factory=frozenset)
    #: The user himself, for rows that name him (an executor); None without a profile.
    user_id: int | None = None

    def allows_body(self, body_id: int | None) -> bool:
        return self.everything or (body_id is not None and body_id in self.body_ids)

    def allows_district(self, district_id: int | None) -> bool:
        return self.everything or (district_id is not None and district_id in self.district_ids)

    def allows(self, kind: str, value: int | None) -> bool:
        if kind == USER:
            return self.everything or (value is not None and value == self.user_id)
        return self.allows_body(value) if kind == BODY else self.allows_district(value)


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
    # One statement: the profile (one per user) and, for a sight narrower than the city, every body beside
    # it. It was two or three (the profile, the bodies, the profile's body for a district clerk): a scoped
    # user paid one or two round trips more on every request.
    rows = db.session.execute(
        select(
            Official.scope_level,
            Official.body_id,
            Official.district_id,
            Body.id,
            Body.parent_id,
            Body.district_id,
            Body.supervisor_id,
        )
        .outerjoin(Body, Official.scope_level != ScopeLevel.CITY.value)
        .where(Official.user_id == user.id, Official.is_active.is_(True))
    ).all()
    if not rows:
        return NOTHING
    scope_level, own_body_id, own_district_id = rows[0][:3]
    level = ScopeLevel(scope_level)
    if level is ScopeLevel.CITY:
        return Visibility(everything=True, user_id=user.id)

    bodies = [tuple(row[3:]) for row in rows if row[3] is not None]
    children: dict[int | None, list[int]] = {}
    for body_id, parent_id, _district, _sup in bodies:
        children.setdefault(parent_id, []).append(body_id)

    districts: set[int] = set()
    if level is ScopeLevel.BODY:
        roots = {own_body_id} if own_body_id else set()
    elif level is ScopeLevel.SUPERVISED:
        roots = {bid for bid, _p, _d, sup in bodies if sup == user.id}
    else:  # DISTRICT
        district_id = own_district_id or next((d for bid, _p, d, _s in bodies if bid == own_body_id), None)
        if district_id is None:
            return Visibility(user_id=user.id)
        districts = {district_id}
        roots = {bid for bid, _p, d, _s in bodies if d == district_id}
    return Visibility(
        body_ids=frozenset(_descendants(roots, children)), district_ids=frozenset(districts), user_id=user.id
    )


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


def scope_of(model: type) -> Scope | None:
    return getattr(model, "__scope__", None)


def _scope_column(model: type, name: str) -> Any:
    """A scope entry names a relationship (`body`) or a column (`body_id`)."""
    attr = getattr(model, name)
    prop = getattr(attr, "property", None)
    if prop is not None and hasattr(prop, "local_columns") and prop.local_columns:
        return getattr(model, next(iter(prop.local_columns)).key)
    return attr


@dataclass(frozen=True)
class _Path:
    """A link path resolved against the mappers.

    `column`: the model's own column holding the value (a many-to-one link), or None for a
    collection: then `collection` is the to-many relationship and `attr` the child row's link
    (None: the collection's rows are the bodies or users themselves). `target` is the model
    the value identifies (a body, a user, an official).
    """

    column: Any
    collection: Any
    attr: str | None
    target: type | None


_PATHS: dict[tuple[type, str], _Path] = {}


def _relationship(model: type, name: str) -> Any:
    prop = getattr(getattr(model, name), "property", None)
    return prop if isinstance(prop, RelationshipProperty) else None


def _resolve(model: type, path: str) -> _Path:
    key = (model, path)
    if key not in _PATHS:
        head, _, tail = path.partition(".")
        relationship = _relationship(model, head)
        if relationship is None or not relationship.uselist:
            if tail:
                raise ValueError(f"{model.__name__}.__scope__: {path} — only a collection takes a second step")
            target = relationship.mapper.class_ if relationship is not None else None
            _PATHS[key] = _Path(_scope_column(model, head), None, None, target)
        else:
            child = relationship.mapper.class_
            link = _relationship(child, tail) if tail else None
            target = link.mapper.class_ if link is not None else (None if tail else child)
            _PATHS[key] = _Path(None, relationship, tail or None, target)
    return _PATHS[key]


def _is_user_model(target: type | None) -> bool:
    return target is None or not hasattr(target, "user_id")


def _match(kind: str, column: Any, target: type | None, vis: Visibility) -> Any | None:
    """`column` holds a value the user's sight reaches; None when nothing can match."""
    if kind == USER:
        if vis.user_id is None:
            return None
        if _is_user_model(target):
            return column == vis.user_id
        # A link to an official (a profile): his row is the one of this user.
        pk = sa_inspect(target).primary_key[0]
        return column.in_(select(pk).where(target.user_id == vis.user_id))
    ids = vis.body_ids if kind == BODY else vis.district_ids
    return column.in_(sorted(ids)) if ids else None


#: How a collection link of the scope is written: "exists" (the default), "in" (collections_as_in) or
#: "probe" (collections_probed). The same rows in each form; another plan.
_COLLECTION_FORM: ContextVar[str] = ContextVar("uprava_collection_form", default="exists")


@contextmanager
def _collection_form(form: str) -> Iterator[None]:
    token = _COLLECTION_FORM.set(form)
    try:
        yield
    finally:
        _COLLECTION_FORM.reset(token)


def collections_as_in() -> AbstractContextManager[None]:
    """Within: a collection link of the scope is `row key IN (the collection's keys)`, not EXISTS.

    The same rows, another plan. For a count SQLite then reads each OR-term from its own index
    and merges the row ids (a body clerk's count at a million appeals: 13 → 3 ms); with EXISTS it
    scans the table, probing the collection per row. An ordered page wants the EXISTS: with the
    IN form SQLite sorts every matching row before taking the first 25 (3.5 s). So only the
    bounded count of a list asks for this form (app/core/lists.py).
    """
    return _collection_form("in")


def collections_probed() -> AbstractContextManager[None]:
    """Within: a collection link of the scope is an EXISTS that PostgreSQL probes row by row, never hashes.

    For `OR EXISTS (…)` PostgreSQL plans two ways to run the subquery, per row or hashed once, and
    picks by how many rows the outer scan would return in full; it does not see that a LIMIT stops the
    scan early. A list page walks its order's index until 26 rows are in scope (a body clerk: about 350
    rows at a million appeals), yet it hashed every copy sent to his body first (19,796: 3–5 ms of the
    page's 7). `OFFSET 0` inside the EXISTS keeps PostgreSQL from turning it into a hashable IN, so each
    walked row is looked up in the copies' (appeal, body) index: 0.3–0.6 ms. Only a page's ordered walk
    asks for it (app/core/lists.py load_page); a count or a report reads many rows and keeps the hash.
    """
    return _collection_form("probe")


def _simple_join(relationship: Any, attr: str | None) -> tuple[Any, Any] | None:
    """(the row's key, the collection's column holding it) for a collection joined by exactly `key = column`.

    A second step through a many-to-many (its association table, then the child), a join with more
    conditions, a self-referential collection or an inherited child keeps its plain EXISTS (any()),
    which says them all.
    """
    if relationship.secondary is not None and attr is not None:
        return None
    child = relationship.mapper
    if child.inherits is not None or child.polymorphic_on is not None:
        return None  # its rows are more than one table's, or some of one: any() says which
    pairs = relationship.synchronize_pairs
    if len(pairs) != 1:
        return None
    (own, held) = pairs[0]
    if held.table is own.table:
        return None  # a collection of its own kind: unaliased, the subquery would lose the outer row
    join = relationship.primaryjoin
    return (own, held) if join.compare(own == held) or join.compare(held == own) else None


def _link_clause(model: type, kind: str, path: str, vis: Visibility) -> Any | None:
    """One link as SQL: a column comparison, or an EXISTS over the collection (rows never multiply).

    Within collections_as_in() a collection is `key IN (SELECT …)` instead, within collections_probed() an
    EXISTS that cannot be hashed: the same rows (see there).
    """
    resolved = _resolve(model, path)
    if resolved.collection is None:
        return _match(kind, resolved.column, resolved.target, vis)
    relationship = resolved.collection
    child = relationship.mapper.class_
    form = _COLLECTION_FORM.get()
    joined = _simple_join(relationship, resolved.attr) if form != "exists" else None
    if resolved.attr is None and relationship.secondary is not None:
        # Many-to-many straight to the bodies: the association table alone answers.
        (own, held), *_ = relationship.synchronize_pairs
        (_target, value), *_ = relationship.secondary_synchronize_pairs
        criterion = _match(kind, value, resolved.target, vis)
        if criterion is None:
            return None
        if joined is None:
            return exists().where(held == own, criterion)
        return own.in_(select(held).where(criterion)) if form == "in" else _probed(held, own, criterion)
    column = _scope_column(child, resolved.attr) if resolved.attr else sa_inspect(child).primary_key[0]
    criterion = _match(kind, column, resolved.target, vis)
    if criterion is None:
        return None
    if joined is not None:
        own, held = joined
        return own.in_(select(held).where(criterion)) if form == "in" else _probed(held, own, criterion)
    return getattr(model, relationship.key).any(criterion)


def _probed(held: Any, own: Any, criterion: Any) -> Any:
    """EXISTS (SELECT 1 FROM <held's table> WHERE held = own AND criterion OFFSET 0): see collections_probed."""
    table = held.table
    probe = select(literal_column("1")).select_from(table).where(held == own, criterion).correlate_except(table)
    return probe.offset(0).exists()


def _terms(model: type, vis: Visibility, access: Access, own_only: bool = False) -> list[Any] | None:
    """The OR-terms of a model's scope; None when every row qualifies (unscoped, or a city-wide user)."""
    scope = scope_of(model)
    if scope is None or vis.everything:
        return None
    terms = []
    for kind, path, writes in scope.links():
        if (access is Access.WRITE and not writes) or (own_only and path not in scope.relationships()):
            continue
        term = _link_clause(model, kind, path, vis)
        if term is not None:
            terms.append(term)
    if scope.parent:
        parent = _relationship(model, scope.parent)
        inner = _terms(parent.mapper.class_, vis, access, own_only)
        if inner is None:
            return None
        if inner:
            terms.append(getattr(model, scope.parent).has(or_(*inner)))
    return terms


def scope_reaches_through_collections(model: type, visibility: Visibility | None = None) -> bool:
    """Whether the user's scope clause on `model` holds a collection link (so collections_as_in changes it)."""
    vis = visibility if visibility is not None else current_visibility()
    scope = scope_of(model)
    if scope is None or vis.everything:
        return False
    if any(_resolve(model, path).collection is not None for _kind, path, _writes in scope.links()):
        return True
    if not scope.parent:
        return False
    return scope_reaches_through_collections(_relationship(model, scope.parent).mapper.class_, vis)


def scope_clause(model: type, visibility: Visibility | None = None, access: Access = Access.READ) -> Any | None:
    """The WHERE clause limiting `model` to the rows the user sees (or, with WRITE, may work); None: no limit."""
    vis = visibility if visibility is not None else current_visibility()
    return _scope_clause(model, scope_of(model), vis, access, _COLLECTION_FORM.get())


def scope_terms(model: type, visibility: Visibility | None = None) -> tuple[Any, ...] | None:
    """The OR-terms of the user's read scope on `model` (the clause is their OR); None: no limit."""
    vis = visibility if visibility is not None else current_visibility()
    return _scope_terms(model, scope_of(model), vis, Access.READ, _COLLECTION_FORM.get())


@lru_cache(maxsize=4096)
def _scope_terms(model: type, scope: Scope | None, vis: Visibility, access: Access, form: str) -> tuple | None:
    # Built once per model, declaration, sight, access and form: the terms are a pure function of them
    # (the sight holds the ids already), and SQL expressions are immutable, shared safely between
    # requests. A list page asked for its clause three times (the page, its count, its read-only rows),
    # each build 0.5–1 ms of expression making. `scope` and `form` are in the key for the cache's sake:
    # a replaced declaration, or another form of the collections (collections_as_in…), is another clause.
    terms = _terms(model, vis, access)
    return None if terms is None else tuple(terms)


@lru_cache(maxsize=4096)
def _scope_clause(model: type, scope: Scope | None, vis: Visibility, access: Access, form: str) -> Any | None:
    terms = _scope_terms(model, scope, vis, access, form)
    if terms is None:
        return None
    return or_(*terms) if terms else false()


def statistics_clause(model: type, visibility: Visibility | None = None) -> Any | None:
    """The rows a user's statistics count: those his bodies/districts own (own columns only).

    A copy or a co-execution shows a row to another body without making it that body's row:
    its statistics count the receiving/responsible body, as before.
    """
    terms = _terms(model, visibility if visibility is not None else current_visibility(), Access.READ, own_only=True)
    if terms is None:
        return None
    return or_(*terms) if terms else false()


def _related_id(item: Any, name: str) -> int | None:
    model = type(item)
    relationship = _relationship(model, name)
    if relationship is not None:
        related = getattr(item, name)
        if related is not None:
            return related.id
    return getattr(item, _scope_column(model, name).key)


def _value_of(row: Any, attr: str | None, target: type | None, kind: str) -> Any:
    """The id a loaded row holds for a link: a body's or district's id, a user's id (also via an official)."""
    if kind == USER and not _is_user_model(target):
        related = getattr(row, attr) if attr else row
        return getattr(related, "user_id", None) if related is not None else None
    if attr is None:
        return sa_inspect(row).identity[0] if sa_inspect(row).identity else getattr(row, "id", None)
    return _related_id(row, attr)


def _item_matches(item: Any, kind: str, path: str, vis: Visibility) -> bool:
    resolved = _resolve(type(item), path)
    if resolved.collection is None:
        head = path if _relationship(type(item), path) is not None else None
        if kind == USER and not _is_user_model(resolved.target):
            return vis.allows(kind, _value_of(item, head, resolved.target, kind))
        return vis.allows(kind, _related_id(item, path))
    rows = getattr(item, resolved.collection.key) or []
    return any(vis.allows(kind, _value_of(row, resolved.attr, resolved.target, kind)) for row in rows)


def row_access(item: Any, visibility: Visibility | None = None) -> Access:
    """What the user may do with one loaded (or new) row: the best any of its links gives him."""
    scope = scope_of(type(item))
    vis = visibility if visibility is not None else current_visibility()
    if scope is None or vis.everything:
        return Access.WRITE
    best = Access.NONE
    for kind, path, writes in scope.links():
        level = Access.WRITE if writes else Access.READ
        if level > best and _item_matches(item, kind, path, vis):
            best = level
            if best is Access.WRITE:
                return best
    if scope.parent:
        parent = getattr(item, scope.parent)
        if parent is not None:
            best = max(best, row_access(parent, vis))
    return best


def has_read_only_links(model: type) -> bool:
    """Whether some rows of `model` may be seen without being worked (a read-only link, here or in a parent)."""
    scope = scope_of(model)
    if scope is None:
        return False
    if scope.read_only_paths:
        return True
    return bool(scope.parent) and has_read_only_links(_relationship(model, scope.parent).mapper.class_)


def writable_column(model: type, visibility: Visibility | None = None) -> Any | None:
    """A column true where the user may work the row; None when he may work every row he sees.

    Rows seen through a read-only link (a copy) get no edit button on a list: it would only answer 403.
    """
    vis = visibility if visibility is not None else current_visibility()
    if vis.everything or not has_read_only_links(model):
        return None
    clause = scope_clause(model, vis, access=Access.WRITE)
    return None if clause is None else case((clause, True), else_=False)


def read_only_ids(model: type, ids: list[Any], visibility: Visibility | None = None) -> set[Any]:
    """Of these ids, those the user sees but may not work (a list page reads the same column with its rows)."""
    writable = writable_column(model, visibility)
    if not ids or writable is None:
        return set()
    from .extensions import db

    pk = sa_inspect(model).primary_key[0]
    return {key for key, flag in db.session.execute(select(pk, writable).where(pk.in_(ids))) if not flag}


def is_row_visible(item: Any, visibility: Visibility | None = None) -> bool:
    """Check one loaded row against the scope (actions, downloads)."""
    return row_access(item, visibility) >= Access.READ


def ensure_writable(item: Any, visibility: Visibility | None = None) -> None:
    """The door of every write (edit, action, annul, upload, document): a row seen read-only is a 403."""
    access = row_access(item, visibility)
    if access is Access.NONE:
        raise NotFound()
    if access is Access.READ:
        raise ReadOnlyRecord()


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


def _changed(item: Any, name: str) -> bool:
    """Whether a scope field (relationship or its column) was set or changed in this unit of work."""
    state = sa_inspect(item)
    if state.transient or state.pending:
        return True
    column = _scope_column(type(item), name).key
    return any(state.attrs[key].history.has_changes() for key in {name, column} if key in state.attrs)


def _added_members(item: Any, name: str) -> list[Any]:
    state = sa_inspect(item)
    if state.transient or state.pending:
        return list(getattr(item, name) or [])
    return list(state.attrs[name].history.added or [])


def _check_collections(item: Any, scope: Scope) -> None:
    """A collection may name any body — a copy or a co-executor is another body by nature — if it is active."""
    for path in scope.body_collections:
        resolved = _resolve(type(item), path)
        for member in _added_members(item, resolved.collection.key):
            body = getattr(member, resolved.attr) if resolved.attr else member
            if body is not None and getattr(body, "is_active", True) is False:
                raise ValidationFailed(
                    _l("Орган «%(body)s» не действует: выберите действующий орган", body=str(body)),
                    field=resolved.collection.key,
                )


OUT_OF_HANDS = _l("После такого изменения запись оказалась бы вне вашей области видимости: сохранить её так нельзя")


def ensure_in_scope(item: Any, visibility: Visibility | None = None) -> None:
    """Write guard: refuse a body/district field pointing outside the user's scope.

    A new row: every own body/district field that is set must be visible. An edited row: every
    such field the edit sets or changes must be visible (an appeal whose responsible body is
    elsewhere stays editable by its receiving district). Collections may name any active body, and
    so may an own field declared `read_only` (it shows the row, it never lets anybody work it).
    A row scoped through its parent needs a parent the user may work. After the write the row
    must still be the writer's to work — nobody writes a row out of his own hands.
    """
    scope = scope_of(type(item))
    if scope is None:
        return
    _check_collections(item, scope)
    vis = visibility if visibility is not None else current_visibility()
    if vis.everything:
        return
    own = [(BODY, name) for name in scope.bodies] + [(DISTRICT, name) for name in scope.districts]
    for kind, name in own:
        if name in scope.read_only_paths:
            # A read-only link only lets its body or district see the row, never work it: like a copy,
            # it may name any (the event's district shows the event to that district's staff).
            continue
        value = _related_id(item, name)
        if value is not None and not vis.allows(kind, value) and _changed(item, name):
            raise ForeignScopeError(field=name)
    if scope.parent and _changed(item, scope.parent):
        parent = getattr(item, scope.parent)
        access = row_access(parent, vis) if parent is not None else Access.WRITE
        if access is Access.NONE:
            raise ForeignScopeError(field=scope.parent)
        if access is Access.READ:
            raise ReadOnlyRecord(field=scope.parent)
    if row_access(item, vis) is not Access.WRITE:
        first = scope.relationships()[0] if scope.relationships() else scope.parent
        raise ForeignScopeError(OUT_OF_HANDS, field=first)


class RowScopeFilter(BaseFilter):
    """FAB base filter: applied to list, show, edit, delete and REST get/list/put/delete."""

    name = "Row scope"
    arg_name = "scope"

    def apply(self, query: Any, value: Any) -> Any:
        clause = scope_clause(self.model)
        return query if clause is None else query.filter(clause)


class WritableRowFilter(BaseFilter):
    """Rows the user may work: a new question is added only to an appeal its author works."""

    name = "Writable rows"
    arg_name = "wscope"

    def apply(self, query: Any, value: Any) -> Any:
        clause = scope_clause(self.model, access=Access.WRITE)
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


class ActiveBodiesFilter(BaseFilter):
    """A collection's drop-down: every active body (a copy or a co-executor is another body by nature)."""

    name = "Active bodies"
    arg_name = "abody"

    def apply(self, query: Any, value: Any) -> Any:
        return query.filter(self.model.is_active.is_(True))


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
    if scope_of(model) is None:
        return []
    pk = model.__mapper__.primary_key[0].key
    return [[pk, RowScopeFilter, None]]


def scoped_relation_filters(model: type, writing: bool = False) -> dict[str, list[list[Any]]]:
    """Drop-down filters for links to scoped records (a question's appeal, an earlier appeal).

    A drop-down, a filter's choices or a lookup offering another district's appeals would show
    rows the user may not see: they list the visible ones only, like the lists themselves. In a
    form (`writing`), the parent of a row scoped through it lists the parents the user may work.
    """
    parent = getattr(scope_of(model), "parent", None) if writing else None
    result: dict[str, list[list[Any]]] = {}
    for relationship in sa_inspect(model).relationships:
        target = relationship.mapper.class_
        if relationship.direction is MANYTOONE and scope_of(target) is not None:
            row_filter = WritableRowFilter if relationship.key == parent else RowScopeFilter
            result[relationship.key] = [[target.__mapper__.primary_key[0].key, row_filter, None]]
    return result


def scope_query_rel_fields(model: type) -> dict[str, list[list[Any]]]:
    """Drop-down filters for the scope fields of a form, and for links to scoped records."""
    scope = scope_of(model)
    result: dict[str, list[list[Any]]] = scoped_relation_filters(model, writing=True)
    if scope is None:
        return result
    for path in scope.body_collections:
        if "." not in path:
            result[path] = [["id", ActiveBodiesFilter, None]]
    if len(scope.relationships()) > 1:
        # With several scope fields a foreign value can be legitimate (a responsible body
        # elsewhere): the drop-downs list everything and the write guard decides.
        return result
    for name in scope.bodies:
        result[name] = [["id", VisibleBodiesFilter, None]]
    for name in scope.districts:
        result[name] = [["id", VisibleDistrictsFilter, None]]
    return result


# --------------------------------------------------------------------------------------
# Links: what a relationship of a written record may point at
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LinkRule:
    """Which rows one relationship may point at, beyond the row scope of its target.

    `filter` is a FAB `BaseFilter` on the related model (it may read the request's user):
    form drop-downs, REST `_info` and `related/<column>` offer only the rows it keeps, and a
    write (form or REST) naming any other row is refused. A model declares its rules per
    relationship: `__links__ = {"executor": LinkRule(OfficialUsersInScopeFilter)}`.

    A rule may also depend on the record being written (an executor is an official of the
    record's responsible body): `depends_on` names the record's fields it reads, and `where`
    turns their ids ({field: id or None}) into a SQL clause on the related model. The write
    guard, the record's own drop-downs (a form's lookup sends the fields' current values) and
    `linkable_query(model, key, record)` apply it; REST `_info`, which knows no record, offers
    what `filter` keeps (a write naming a row the record part refuses is still a 422).
    """

    filter: type[BaseFilter]
    depends_on: tuple[str, ...] = ()
    where: Callable[[Mapping[str, int | None]], Any] | None = None

    def record_values(self, item: Any) -> dict[str, int | None]:
        """The ids the record part reads, from a record (loaded, new, or a form's probe)."""
        return {name: _related_id(item, name) for name in self.depends_on}

    def record_clause(self, values: Mapping[str, int | None]) -> Any | None:
        """The record part as SQL on the related model (None: the rule has none)."""
        return self.where(values) if self.where is not None else None


class OfficialUsersInScopeFilter(BaseFilter):
    """Users with an active official profile the current user sees (who may be given work)."""

    name = "Officials in scope"
    arg_name = "officials"

    def apply(self, query: Any, value: Any) -> Any:
        from .org.models import Official

        officials = select(Official.user_id).where(Official.is_active.is_(True))
        clause = scope_clause(Official)
        if clause is not None:
            officials = officials.where(clause)
        return query.filter(self.model.id.in_(officials))


def _declared_links(model: type) -> dict[str, LinkRule]:
    return dict(getattr(model, "__links__", None) or {})


def _guarded_links(model: type) -> dict[str, tuple[type, LinkRule | None]]:
    """Relationship → (target, declared rule) for every link whose rows are limited.

    A link is limited when its target has a row scope (`__scope__`) or the model declares a
    `LinkRule` for it. The model's own scope fields are `ensure_in_scope`'s business.
    """
    scope: Scope | None = getattr(model, "__scope__", None)
    own = set(scope.relationships()) if scope is not None else set()
    declared = _declared_links(model)
    result: dict[str, tuple[type, LinkRule | None]] = {}
    for relationship in sa_inspect(model).relationships:
        if relationship.viewonly or relationship.key in own:
            continue
        target = relationship.mapper.class_
        rule = declared.get(relationship.key)
        if rule is not None or getattr(target, "__scope__", None) is not None:
            result[relationship.key] = (target, rule)
    return result


def link_query_filters(model: type) -> dict[str, list[list[Any]]]:
    """Drop-down filters (forms, REST `_info`, `related/<column>`) of every limited link.

    The rows offered are exactly the rows `ensure_relations_in_scope` lets a write name.
    """
    # A row scoped through its parent is written under a parent the user works, not one he only reads.
    parent = getattr(scope_of(model), "parent", None)
    result: dict[str, list[list[Any]]] = {}
    for key, (target, rule) in _guarded_links(model).items():
        pk = target.__mapper__.primary_key[0].key
        filters: list[list[Any]] = []
        if getattr(target, "__scope__", None) is not None:
            filters.append([pk, WritableRowFilter if key == parent else RowScopeFilter, None])
        if rule is not None:
            filters.append([pk, rule.filter, None])
        result[key] = filters
    return result


def _rule_query(target: type, rule: LinkRule, query: Any, values: Mapping[str, int | None] | None) -> Any:
    """`query` over `target` narrowed by the rule: its filter, and its record part when `values` are given."""
    from flask_appbuilder.models.sqla.interface import SQLAInterface

    from .extensions import db

    pk = target.__mapper__.primary_key[0]
    query = rule.filter(pk.key, SQLAInterface(target, db.session)).apply(query, None)
    clause = rule.record_clause(values) if values is not None else None
    return query if clause is None else query.filter(clause)


def _offered(target: type, rule: LinkRule, row: Any, item: Any = None) -> bool:
    """Whether the rule keeps this row for the record `item` (the same query as the drop-down's)."""
    from .extensions import db

    pk = target.__mapper__.primary_key[0]
    values = rule.record_values(item) if item is not None and rule.depends_on else None
    with db.session.no_autoflush:
        query = _rule_query(target, rule, db.session.query(pk).filter(pk == getattr(row, pk.key)), values)
        return query.first() is not None


def link_rule(model: type, key: str) -> LinkRule | None:
    """The rule a model declares for one of its relationships (`__links__`), if any."""
    return _declared_links(model).get(key)


def linkable_query(model: type, key: str, record: Any = None, values: Mapping[str, int | None] | None = None) -> Any:
    """A query of the rows relationship `key` of `model` may point at: the target's row scope and the
    link rule, with its record part for `record` (or for the given field ids). Custom doors (an action's
    drop-down, a bulk change) offer exactly what the write guard accepts."""
    from .extensions import db

    relationship = sa_inspect(model).relationships[key]
    target = relationship.mapper.class_
    query = db.session.query(target)
    clause = scope_clause(target) if getattr(target, "__scope__", None) is not None else None
    if clause is not None:
        query = query.filter(clause)
    rule = link_rule(model, key)
    if rule is None:
        return query
    if values is None and record is not None and rule.depends_on:
        values = rule.record_values(record)
    return _rule_query(target, rule, query, values)


def may_link(record: Any, key: str, row: Any) -> bool:
    """Whether `record` may point its relationship `key` at `row` (row scope and link rule)."""
    from .extensions import db

    relationship = sa_inspect(type(record)).relationships[key]
    target = relationship.mapper.class_
    if getattr(target, "__scope__", None) is not None and not _stored_row_visible(row, current_visibility()):
        return False
    rule = link_rule(type(record), key)
    with db.session.no_autoflush:
        return rule is None or _offered(target, rule, row, record)


def _identity(row: Any) -> Any:
    """The primary key of a stored row; None for a row being created alongside (not a link)."""
    if row is None:
        return None
    identity = sa_inspect(row).identity
    return identity[0] if identity else None


def _stored_row_visible(row: Any, vis: Visibility) -> bool:
    """Whether a stored row is visible as the database holds it, not as this write rearranged it.

    Appending another appeal's question to one's own appeal moves it in memory (its `appeal` now
    points at a visible parent): the row's sight must be judged before the move, in SQL.
    """
    from .extensions import db

    model = type(row)
    pk = model.__mapper__.primary_key[0]
    ident = _identity(row)
    if ident is None:
        return is_row_visible(row, vis)
    clause = scope_clause(model, vis)
    if clause is None:
        return True
    with db.session.no_autoflush:
        return db.session.execute(select(pk).where(pk == ident, clause).limit(1)).first() is not None


def _newly_linked(item: Any, key: str) -> list[Any]:
    """The stored rows this write links through relationship `key` that were not linked before.

    Many-to-one: the new target when it differs from the stored foreign key (FAB's REST PUT
    sets every field, unchanged ones too: those are no new link), whether the relationship or
    its foreign key column was set. Collections: the stored rows added.
    """
    from .extensions import db

    state = sa_inspect(item)
    relationship = sa_inspect(type(item)).relationships[key]
    linked = state.attrs[key].history.added
    if relationship.uselist:
        return [row for row in linked if _identity(row) is not None]
    columns = [type(item).__mapper__.get_property_by_column(c).key for c in relationship.local_columns]
    if len(columns) != 1:
        return []
    column = state.attrs[columns[0]].history
    stored = None if state.transient or state.pending else next(iter([*column.deleted, *column.unchanged]), None)
    if linked:
        row, new = linked[0], _identity(linked[0])
    elif column.added:
        new = column.added[0]
        with db.session.no_autoflush:
            row = db.session.get(relationship.mapper.class_, new) if new is not None else None
    else:
        return []
    if row is None or new is None or new == stored:
        return []
    return [row]


def ensure_relations_in_scope(
    item: Any, labels: dict[str, Any] | None = None, visibility: Visibility | None = None
) -> None:
    """Write guard for links: every row a write newly links must be one the user may link.

    Driven by the model's relationships: a link to a model with `__scope__` must point at a row
    the user sees (`is_row_visible`), and a link with a declared `LinkRule` at a row its filter
    keeps. Links the write does not set or change are not checked (an old link to a row that
    has since left the user's scope does not block an unrelated edit). The form and the REST
    API both call it from their pre_add/pre_update; a refusal names the field (422).
    """
    from .extensions import db

    guarded = _guarded_links(type(item))
    if not guarded:
        return
    # No autoflush: a query here (the user's visibility among them) would flush the write and
    # clear the very changes this guard reads.
    with db.session.no_autoflush:
        vis = visibility if visibility is not None else current_visibility()
        for key, (target, rule) in guarded.items():
            scoped = getattr(target, "__scope__", None) is not None
            for row in _newly_linked(item, key):
                if (scoped and not _stored_row_visible(row, vis)) or (
                    rule is not None and not _offered(target, rule, row, item)
                ):
                    label = (labels or {}).get(key) or key
                    raise LinkRefused(field=key, label=str(label))


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
        #: (role, permission, resource) → allowed, for the built-in roles (see _has_access_builtin_roles).
        self._builtin_answers: dict[tuple[str, str, str], bool] = {}
        #: (permission, resource) pairs of the Public role, read on first use (see is_item_public).
        self._public_grants: frozenset[tuple[str, str]] | None = None
        super().__init__(appbuilder)

    def load_user(self, pk: int) -> Any | None:
        # Every request loads its user: FAB reads him, then his roles and his groups, lazily — three
        # round trips (about 1.2 ms a page on PostgreSQL). One query brings all three.
        model = self.user_model
        user = self.session.get(model, int(pk), options=[joinedload(model.roles), joinedload(model.groups)])
        return user if user is not None and user.is_active else None

    def _has_access_builtin_roles(self, role: Any, permission_name: str, view_name: str) -> bool:
        # FAB matches every (resource, permission) pattern of the role on every check: 0.2 ms a check for
        # our roles, eight checks on a list page. Built-in roles are fixed in code (FAB_ROLES, computed at
        # start-up), so each answer holds for the life of the process.
        key = (role.name, permission_name, view_name)
        answer = self._builtin_answers.get(key)
        if answer is None:
            answer = self._builtin_answers[key] = super()._has_access_builtin_roles(role, permission_name, view_name)
        return answer

    def is_item_public(self, permission_name: str, view_name: str) -> bool:
        # FAB's REST decorator asks this before every API request, reading the Public role and then its
        # permissions: two queries each time. Public is never edited in the panel (is_fixed_role) and
        # sync_roles grants it nothing, so its grants are read once per process, like the built-in roles'.
        grants = self._public_grants
        if grants is None:
            grants = self._public_grants = frozenset(
                (pv.permission.name, pv.view_menu.name) for pv in self.get_public_permissions()
            )
        return (permission_name, view_name) in grants

    # A menu category needs no right of its own: it shows when one of its entries does (app/core/menus.py).
    # Moving an entry to another category then changes no role, built-in or composed in the UI.

    def _has_view_access(self, user: Any, permission_name: str, view_name: str) -> bool:
        # A page asks the same rights several times (the view's decorator, the list's buttons, its
        # templates, personal data per column): answered once per request and user. (Here, below FAB's
        # has_access: which user asks is FAB's to settle — a session, an API token, a key.)
        if not has_request_context():
            return super()._has_view_access(user, permission_name, view_name)
        answers = g.setdefault("uprava_access_answers", {})
        key = (user.id, permission_name, view_name)
        answer = answers.get(key)
        if answer is None:
            answer = answers[key] = super()._has_view_access(user, permission_name, view_name)
        return answer

    def has_access(self, permission_name: str, view_name: str) -> bool:
        if permission_name == "menu_access":
            from .core.menus import category_of

            category = category_of(self.appbuilder, view_name)
            if category is not None:
                entry_visible = super().has_access  # zero-argument super() does not work inside the generator
                return any(entry_visible(permission_name, c.name) for c in category.childs if c.name != "-")
        return super().has_access(permission_name, view_name)

    def get_user_menu_access(self, menu_names: list[str] | None = None) -> set[str]:
        from .core.menus import visible_categories

        allowed = set(super().get_user_menu_access(menu_names))
        return allowed | visible_categories(self.appbuilder, allowed)

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
