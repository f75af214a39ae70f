"""Permission rows of resources shared by several views survive the permission sync (app/core/permissions.py)."""

from __future__ import annotations

from app.cli import initialise
from app.core.permissions import sync_view_permissions
from app.extensions import db

PASSWORD = "Appeal-Writer-2026"


def _appeal_writer(app) -> None:
    sm = app.appbuilder.sm
    role = sm.add_role("AppealWriters")
    for perm in ("can_read", "can_write"):
        sm.add_permission_role(role, sm.find_permission_view_menu(perm, "Appeal"))
    db.session.commit()


def _rights(app) -> set[str]:
    role = app.appbuilder.sm.find_role("AppealWriters")
    return {pv.permission.name for pv in role.permissions if pv.view_menu.name == "Appeal"}


def test_every_view_permission_of_a_shared_resource_exists_after_the_sync(app_ctx):
    sync_view_permissions(app_ctx.appbuilder)
    sm = app_ctx.appbuilder.sm
    assert {p for p in ("can_read", "can_write", "can_delete") if sm.find_permission_view_menu(p, "Appeal")} == {
        "can_read",
        "can_write",
        "can_delete",
    }


def test_a_composed_role_keeps_its_appeal_rights_through_another_sync(app_ctx):
    sync_view_permissions(app_ctx.appbuilder)
    _appeal_writer(app_ctx)
    sync_view_permissions(app_ctx.appbuilder)
    db.session.commit()
    assert _rights(app_ctx) == {"can_read", "can_write"}


def test_after_flask_app_init_writing_and_deleting_appeals_can_be_granted(app_ctx):
    initialise()
    db.session.commit()
    sm = app_ctx.appbuilder.sm
    assert sm.find_permission_view_menu("can_write", "Appeal") is not None
    assert sm.find_permission_view_menu("can_delete", "Appeal") is not None
