"""FAB's user and role admin, in Russian, with the official profile beside the roles (one screen)."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, request
from flask_appbuilder import expose
from flask_appbuilder.actions import action
from flask_appbuilder.security.decorators import has_access
from flask_appbuilder.security.views import RoleModelView, UserDBModelView, UserGroupModelView, UserLDAPModelView
from flask_appbuilder.urltools import get_order_args, get_page_args, get_page_size_args
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from ..core.views import format_value
from ..extensions import db
from ..ops.lockout import unlock
from ..security import ROLE_LABELS
from .views import OfficialView


def role_label(role: Any) -> str:
    """A role as an administrator reads it: the Russian label, the key in brackets."""
    name = getattr(role, "name", str(role))
    return f"{ROLE_LABELS[name]} ({name})" if name in ROLE_LABELS else name


def _roles(roles: Any) -> str:
    return ", ".join(role_label(role) for role in roles or [])


class GuardedActions:
    """FAB's security views: no generic /download/<filename> and no 500 from the one-record action route.

    FAB serves UPLOAD_FOLDER (unset here: a 500) on /download; its /action/<name>/<pk> fails on an
    unknown name and hands one record to list-only actions such as «copyrole» (FAB_NOTES S12).
    """

    exclude_route_methods = {"download"}

    @expose("/action/<string:name>/<pk>", methods=["GET", "POST"])
    def action(self, name: str, pk: Any) -> Any:
        action = self.actions.get(name)  # type: ignore[attr-defined]
        if action is None or not action.single:
            abort(404)
        return super().action(name, pk)  # type: ignore[misc]

    @expose("/action_post", methods=["POST"])
    def action_post(self) -> Any:
        if request.form.get("action") not in self.actions:  # type: ignore[attr-defined]
            abort(404)
        return super().action_post()  # type: ignore[misc]


class UpravaUserView(GuardedActions):
    """The user form; the profile (body, district, scope) shows as a tab beside it."""

    related_views = [OfficialView]
    # Keep FAB's permission names: self-service rights (own user info) are granted on them.
    class_permission_name = "UserDBModelView"
    formatters_columns = {"roles": _roles, "groups": _roles, "active": format_value}
    description_columns = {
        **UserDBModelView.description_columns,
        "roles": _l("Роли определяют, что пользователь может делать; что он видит — его профиль (орган, район)"),
        "groups": _l("Группа добавляет пользователю роли, назначенные группе"),
    }

    def _init_forms(self) -> None:
        super()._init_forms()
        # The role drop-downs by their Russian labels, as the user list shows them (not internal keys).
        for form in (self.add_form, self.edit_form):
            field = getattr(form, "roles", None)
            if field is not None:
                field.kwargs["get_label"] = role_label

    @expose("/show/<pk>", methods=["GET"])
    @has_access
    def show(self, pk: Any) -> Any:
        # FAB's own user page never builds the related views' widgets (a 500 with related_views).
        item = self.datamodel.get(pk, self._base_filters)
        if not item:
            abort(404)
        actions = {name: self.actions[name] for name in ("resetpasswords", "unlock") if name in self.actions}
        widgets = self._get_show_widget(pk, item, actions=actions)
        widgets = self._get_related_views_widgets(
            item, orders=get_order_args(), pages=get_page_args(), page_sizes=get_page_size_args(), widgets=widgets
        )
        self.update_redirect()
        return self.render_template(
            self.show_template, pk=pk, title=self.show_title, widgets=widgets, related_views=self._related_views
        )

    @action(
        "unlock",
        _l("Снять блокировку входа"),
        _l("Снять временную блокировку входа после неудачных попыток?"),
        "fa-unlock",
    )
    def unlock(self, items: Any) -> Any:
        """Lift the temporary sign-in lock-out of the chosen users (the lift is recorded in the history)."""
        users = items if isinstance(items, list) else [items]
        lifted = [user.username for user in users if unlock(db.session, user)]
        db.session.commit()
        if lifted:
            flash(gettext("Блокировка входа снята: %(names)s", names=", ".join(lifted)), "success")
        else:
            flash(gettext("Эти учётные записи не были заблокированы"), "info")
        self.update_redirect()
        return redirect(self.get_redirect())


class UpravaUserDBModelView(UpravaUserView, UserDBModelView):
    """Users with Uprava's own passwords (AUTH_DB, the default)."""


class UpravaUserLDAPModelView(UpravaUserView, UserLDAPModelView):
    """Users signing in through the city directory (UPRAVA_AUTH=ldap): no password here, the directory has it."""


class UpravaRoleModelView(GuardedActions, RoleModelView):
    """Roles by their Russian labels. Built-in roles' rights are fixed in code: their regexes are not listed."""

    class_permission_name = "RoleModelView"
    list_columns = ["name"]
    formatters_columns = {"name": role_label}


class UpravaGroupModelView(GuardedActions, UserGroupModelView):
    """FAB's group admin with the same guards (wired in UpravaSecurityManager as `groupmodelview`)."""

    class_permission_name = "UserGroupModelView"
