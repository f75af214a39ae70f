"""Who may be linked to a record as the person working it: the officials of the record's body.

An appeal's executor, an instruction's executor, a plan item's responsible person: each is an
official of the body the record is assigned to (or of a body under it), whose role works that
kind of record. A model declares it once as its link rule:

    __links__ = {"executor": officials_of_body(("responsible_body", "receiving_body"), "Appeal")}

The form's drop-down, the assign action, a bulk reassignment and the write guard (forms and
REST) all read this one rule (app/security.py, `LinkRule`). Never offered: people without an
active profile, people whose roles only read the record (Supervisor, a deputy head), the Admin,
and staff of unrelated bodies (an events coordinator for a road repair appeal).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from flask import g, has_request_context
from flask_appbuilder.models.filters import BaseFilter
from flask_appbuilder.security.sqla.models import (
    Group,
    Permission,
    PermissionView,
    Role,
    ViewMenu,
    assoc_group_role,
    assoc_permissionview_role,
    assoc_user_group,
    assoc_user_role,
)
from sqlalchemy import false, or_, select

from ..security import ADMIN, RESOURCES, LinkRule, scope_clause


def writer_role_ids(resource: str) -> Any:
    """SQL: the roles that write `resource` — built-in ones by the catalogue, roles composed in the UI by
    their `can_write` permission. The Admin writes everything but is nobody's executor: left out."""
    declared = RESOURCES.get(resource)
    builtin = [name for name in (declared.writers if declared else ()) if name != ADMIN]
    composed = (
        select(assoc_permissionview_role.c.role_id)
        .join(PermissionView, PermissionView.id == assoc_permissionview_role.c.permission_view_id)
        .join(Permission, Permission.id == PermissionView.permission_id)
        .join(ViewMenu, ViewMenu.id == PermissionView.view_menu_id)
        .where(Permission.name == "can_write", ViewMenu.name == resource)
    )
    return select(Role.id).where(or_(Role.name.in_(builtin), Role.id.in_(composed)), Role.name != ADMIN)


def writer_user_ids(resource: str) -> Any:
    """SQL: users holding a role that writes `resource`, directly or through a group."""
    roles = writer_role_ids(resource)
    direct = select(assoc_user_role.c.user_id).where(assoc_user_role.c.role_id.in_(roles))
    grouped = (
        select(assoc_user_group.c.user_id)
        .join(Group, Group.id == assoc_user_group.c.group_id)
        .join(assoc_group_role, assoc_group_role.c.group_id == Group.id)
        .where(assoc_group_role.c.role_id.in_(roles))
    )
    return direct.union(grouped)


def _body_tree() -> tuple[dict[int | None, list[int]], dict[int, tuple[int | None, str]]]:
    """(children by parent, (district, kind) by body), read once per request."""
    from ..extensions import db
    from .models import Body

    cached = g.get("_uprava_body_tree") if has_request_context() else None
    if cached is None:
        children: dict[int | None, list[int]] = {}
        bodies: dict[int, tuple[int | None, str]] = {}
        for body_id, parent_id, district_id, kind in db.session.execute(
            select(Body.id, Body.parent_id, Body.district_id, Body.kind)
        ):
            children.setdefault(parent_id, []).append(body_id)
            bodies[body_id] = (district_id, kind)
        cached = (children, bodies)
        if has_request_context():
            g._uprava_body_tree = cached
    return cached


def body_and_children(body_id: int) -> set[int]:
    """A body and every body under it."""
    children, _bodies = _body_tree()
    seen: set[int] = set()
    stack = [body_id]
    while stack:
        node = stack.pop()
        if node not in seen:
            seen.add(node)
            stack.extend(children.get(node, ()))
    return seen


def officials_of_body_clause(body_id: int | None) -> Any:
    """SQL on users: active officials of the body and its children; for a district administration, also
    the officials whose profile names its district (its district clerks, wherever their body is filed)."""
    from .models import BodyKind, Official

    if body_id is None:
        return false()
    _children, bodies = _body_tree()
    officials = select(Official.user_id).where(
        Official.is_active.is_(True), Official.body_id.in_(sorted(body_and_children(body_id)))
    )
    district_id, kind = bodies.get(body_id, (None, ""))
    if kind == BodyKind.DISTRICT_ADMINISTRATION.value and district_id is not None:
        officials = officials.union(
            select(Official.user_id).where(Official.is_active.is_(True), Official.district_id == district_id)
        )
    return officials


def officials_of_body(fields: str | Sequence[str], resource: str) -> LinkRule:
    """The link rule «an official of the record's body who works `resource`» (see the module docstring).

    `fields`: the record's body field(s), the first one set counts (an appeal without a responsible body
    yet is its receiving body's). Offered, whatever the record: active officials the user sees whose role
    writes `resource`; for the record: those of its body and the bodies under it.
    """
    names = (fields,) if isinstance(fields, str) else tuple(fields)

    class WorkersOfResourceFilter(BaseFilter):
        """Users with an active official profile the current user sees, whose role writes the resource."""

        name = f"Workers of {resource}"
        arg_name = f"workers_{resource.lower()}"

        def apply(self, query: Any, value: Any) -> Any:
            from .models import Official

            officials = select(Official.user_id).where(Official.is_active.is_(True))
            clause = scope_clause(Official)
            if clause is not None:
                officials = officials.where(clause)
            return query.filter(self.model.id.in_(officials), self.model.id.in_(writer_user_ids(resource)))

    def where(values: Mapping[str, int | None]) -> Any:
        from flask_appbuilder.security.sqla.models import User

        body_id = next((values[name] for name in names if values.get(name) is not None), None)
        return User.id.in_(officials_of_body_clause(body_id)) if body_id is not None else false()

    return LinkRule(WorkersOfResourceFilter, depends_on=names, where=where)
