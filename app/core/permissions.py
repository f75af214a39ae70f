"""Permission rows for resources that several views share (FAB_NOTES: class_permission_name).

FAB's `appbuilder.add_permissions(update_perms=True)` syncs view by view, and for each view
deletes the permissions on its resource that *this* view lacks. Views sharing a resource
(Appeal: the list, the actions page, the reports) then leave only the last one's: after
`flask app init` only `can_read` on Appeal exists, so an Admin composing a role in the UI
cannot grant writing appeals at all (rows already held by a role survive: FAB refuses to
delete a permission in use).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask_appbuilder import AppBuilder


def view_permissions(appbuilder: AppBuilder) -> dict[str, set[str]]:
    """{resource: the union of its views' permissions}."""
    union: dict[str, set[str]] = {}
    for view in appbuilder.baseviews:
        name = getattr(view, "class_permission_name", None)
        if name and view.base_permissions:
            union.setdefault(name, set()).update(view.base_permissions)
    return union


def sync_view_permissions(appbuilder: AppBuilder) -> None:
    """What `appbuilder.add_permissions(update_perms=True)` should do: one sync per resource, the union."""
    sm = appbuilder.sm
    for name, permissions in view_permissions(appbuilder).items():
        sm.add_permissions_view(sorted(permissions), name)
    appbuilder._add_menu_permissions(update_perms=True)
