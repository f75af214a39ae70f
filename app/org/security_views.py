"""FAB's user and role admin, in Russian, with the official profile beside the roles (one screen);
sign-in, sign-out and the change of one's own password, hardened (issue #12: 12, 14, 15)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask import abort, current_app, flash, g, redirect, request
from flask_appbuilder import expose
from flask_appbuilder.actions import action
from flask_appbuilder.const import AUTH_LDAP
from flask_appbuilder.fieldwidgets import BS3PasswordFieldWidget
from flask_appbuilder.forms import DynamicForm
from flask_appbuilder.security.decorators import has_access
from flask_appbuilder.security.views import (
    AuthDBView,
    AuthLDAPView,
    ResetMyPasswordView,
    RoleListWidget,
    RoleModelView,
    UserDBModelView,
    UserGroupModelView,
    UserLDAPModelView,
)
from flask_appbuilder.urltools import get_order_args, get_page_args, get_page_size_args
from flask_appbuilder.validators import PasswordComplexityValidator
from flask_appbuilder.widgets import ShowWidget
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash
from wtforms import PasswordField
from wtforms.validators import DataRequired, EqualTo

from ..core.views import format_value
from ..extensions import db
from ..ops.lockout import clear_failures, client_address, locked_until, login_key, record_failure, unlock
from ..security import (
    BUILTIN_ROLES,
    DELETE,
    PERSONAL_DATA_PERMISSION,
    PERSONAL_DATA_RESOURCE,
    READ,
    RESOURCES,
    ROLE_LABELS,
    WRITE,
)
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


def _count(value: Any) -> int:
    """A counter FAB leaves empty until the first sign-in reads 0, not «None»."""
    return value or 0


#: Fields of the user card that are never "empty": a count of nothing is 0.
USER_COUNTERS = ("login_count", "fail_login_count")


class UpravaUserView(GuardedActions):
    """The user form; the profile (body, district, scope) shows as a tab beside it."""

    related_views = [OfficialView]
    # Keep FAB's permission names: self-service rights (own user info) are granted on them.
    class_permission_name = "UserDBModelView"
    formatters_columns = {
        "roles": _roles,
        "groups": _roles,
        "active": format_value,
        "login_count": _count,
        "fail_login_count": _count,
        "last_login": format_value,
        "created_on": format_value,
        "changed_on": format_value,
    }
    description_columns = {
        **UserDBModelView.description_columns,
        "username": _l("Имя, которое пользователь вводит при входе в систему"),
        "email": _l("Адрес электронной почты пользователя"),
        "roles": _l("Роли определяют, что пользователь может делать; что он видит — его профиль (орган, район)"),
        "groups": _l("Группа добавляет пользователю роли, назначенные группе"),
    }

    def __init__(self, **kwargs: Any) -> None:
        # The help names the sign-in in use: the city directory only when it is on (never OpenID: not offered).
        if current_app.config.get("AUTH_TYPE") == AUTH_LDAP:
            self.description_columns = {
                **self.description_columns,
                "username": _l("Имя для входа — как в каталоге организации (LDAP)"),
            }
        super().__init__(**kwargs)

    def _get_show_widget(self, pk: Any, item: Any, **kwargs: Any) -> Any:
        """The card without empty fields; a section with nothing to show is not shown."""
        fieldsets = kwargs.get("show_fieldsets") or self.show_fieldsets
        if fieldsets and item is not None:
            kwargs["show_fieldsets"] = [
                (title, {**spec, "fields": shown})
                for title, spec in fieldsets
                if (shown := [f for f in spec["fields"] if f in USER_COUNTERS or _filled(item, f)])
            ]
        return super()._get_show_widget(pk, item, **kwargs)  # type: ignore[misc]

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
        lifted = [user.username for user in users if unlock(db.session, user.username)]
        db.session.commit()
        if lifted:
            flash(gettext("Блокировка входа снята: %(names)s", names=", ".join(lifted)), "success")
        else:
            flash(gettext("Эти учётные записи не были заблокированы"), "info")
        self.update_redirect()
        return redirect(self.get_redirect())


def _filled(item: Any, field: Any) -> bool:
    value = getattr(item, field, None) if isinstance(field, str) else None
    return value not in (None, "", [])


class UpravaUserDBModelView(UpravaUserView, UserDBModelView):
    """Users with Uprava's own passwords (AUTH_DB, the default)."""


class UpravaUserLDAPModelView(UpravaUserView, UserLDAPModelView):
    """Users signing in through the city directory (UPRAVA_AUTH=ldap): no password here, the directory has it."""


#: Rights a role may hold on a resource, as the card's columns read them.
RIGHT_PERMISSIONS = {READ: "can_read", WRITE: "can_write", DELETE: "can_delete"}
#: Resources without a menu entry of their own to borrow a label from, and FAB's user administration.
RESOURCE_LABELS: dict[str, Any] = {
    "Attachment": _l("Вложения записей"),
    PERSONAL_DATA_RESOURCE: _l("Персональные данные граждан"),
    "UserDBModelView": _l("Пользователи"),
    "UserLDAPModelView": _l("Пользователи"),
    "RoleModelView": _l("Роли"),
    "UserGroupModelView": _l("Группы пользователей"),
}
#: FAB's user administration: (resource, its FAB permissions for read / write / delete).
FAB_ADMIN_RESOURCES = {
    "UserDBModelView": ("can_list", "can_edit", "can_delete"),
    "RoleModelView": ("can_list", "can_edit", "can_delete"),
    "UserGroupModelView": ("can_list", "can_edit", "can_delete"),
}


@dataclass(frozen=True)
class RightsRow:
    """One line of a role card: a resource by name and what the role may do with it."""

    resource: str
    read: bool
    write: bool
    delete: bool


def resource_label(appbuilder: Any, name: str) -> str:
    """A permission resource as an administrator reads it: the label of its menu entry (or a known name)."""
    if name in RESOURCE_LABELS:
        return str(RESOURCE_LABELS[name])
    resource = RESOURCES.get(name)
    for menu_name in resource.menus if resource else ():
        item = appbuilder.menu.find(menu_name)
        if item is not None:
            return str(item.label)
    return name


def _holds(grants: Any, view: str, permission: str) -> bool:
    """Does a role hold `permission` on `view`: regex grants (built-in roles) or permission rows (composed)."""
    if isinstance(grants, set):
        return (permission, view) in grants
    return any(re.match(v, view) and re.match(p, permission) for v, p in grants)


def role_rights(appbuilder: Any, role: Any) -> list[RightsRow]:
    """A role's rights as a table: resource × read / write / delete, only resources it has a right on."""
    builtin = current_app.config.get("FAB_ROLES", {}).get(role.name)
    grants: Any = (
        builtin
        if builtin is not None
        else {(pv.permission.name, pv.view_menu.name) for pv in role.permissions if pv.permission and pv.view_menu}
    )
    rows = []
    for name in RESOURCES:
        flags = [_holds(grants, name, permission) for permission in RIGHT_PERMISSIONS.values()]
        if any(flags):
            rows.append(RightsRow(resource_label(appbuilder, name), *flags))
    if _holds(grants, PERSONAL_DATA_RESOURCE, PERSONAL_DATA_PERMISSION):
        rows.append(RightsRow(resource_label(appbuilder, PERSONAL_DATA_RESOURCE), True, False, False))
    for name, permissions in FAB_ADMIN_RESOURCES.items():
        flags = [_holds(grants, name, permission) for permission in permissions]
        if any(flags):
            rows.append(RightsRow(resource_label(appbuilder, name), *flags))
    return rows


def is_fixed_role(name: str) -> bool:
    """Built-in roles (rights in code) and Public (the role of a new directory account) are never edited."""
    return name in BUILTIN_ROLES or name == current_app.config.get("AUTH_ROLE_PUBLIC", "Public")


class UpravaRoleListWidget(RoleListWidget):
    # FAB's widget hands the template `appbuilder` (it tells built-in roles apart).
    template = "uprava/roles/list.html"


class UpravaRoleModelView(GuardedActions, RoleModelView):
    """Roles by their Russian labels; a role card shows its rights as a table, never as regexes.

    Built-in roles' rights are fixed in code (FAB_NOTES S13) and Public is what a new directory account
    gets: neither is edited or deleted here. Administrators compose new roles.
    """

    class_permission_name = "RoleModelView"
    list_columns = ["name"]
    show_columns = ["name"]
    list_widget = UpravaRoleListWidget
    show_widget = ShowWidget
    show_template = "uprava/roles/show.html"
    formatters_columns = {"name": role_label}
    label_columns = {**RoleModelView.label_columns, "name": _l("Роль")}

    def _get_show_widget(self, pk: Any, item: Any, **kwargs: Any) -> Any:
        widgets = super()._get_show_widget(pk, item, **kwargs)
        widgets["rights"] = role_rights(self.appbuilder, item)
        widgets["fixed_role"] = is_fixed_role(item.name)
        return widgets

    def _refuse_fixed(self, item: Any) -> bool:
        if item is not None and is_fixed_role(item.name):
            flash(gettext("Встроенную роль «%(role)s» нельзя изменить или удалить", role=role_label(item)), "danger")
            return True
        return False

    def _edit(self, pk: Any) -> Any:
        if self._refuse_fixed(self.datamodel.get(pk, self._base_filters)):
            return None
        return super()._edit(pk)

    def _delete(self, pk: Any) -> Any:
        if self._refuse_fixed(self.datamodel.get(pk, self._base_filters)):
            return None
        return super()._delete(pk)


class UpravaGroupModelView(GuardedActions, UserGroupModelView):
    """FAB's group admin with the same guards (wired in UpravaSecurityManager as `groupmodelview`)."""

    class_permission_name = "UserGroupModelView"


# ---- sign-in and sign-out ---------------------------------------------------------------------

#: The one answer to a failed sign-in: an unknown name, a wrong password and a locked-out name alike.
INVALID_LOGIN = _l(
    "Неверное имя пользователя или пароль. После нескольких неудачных попыток вход с этого компьютера "
    "временно блокируется: подождите четверть часа или обратитесь к администратору."
)


class PostLogout:
    """Sign-out by POST with the CSRF token only (FAB_NOTES S18).

    FAB signs out on a GET: a cross-site image could end a clerk's session in the middle of a form.
    A GET now shows a page with the sign-out button; the navbar's item is a small POST form.
    """

    invalid_login_message = INVALID_LOGIN

    @expose("/logout/", methods=["GET", "POST"])
    def logout(self) -> Any:
        if request.method == "POST":
            return super().logout()  # type: ignore[misc]
        user = g.get("user")
        if user is None or not user.is_authenticated:
            return redirect(self.appbuilder.get_url_for_index)  # type: ignore[attr-defined]
        return self.render_template(  # type: ignore[attr-defined]
            "uprava/logout.html", title=_l("Выход"), appbuilder=self.appbuilder
        )


class UpravaAuthDBView(PostLogout, AuthDBView):
    """Sign-in with Uprava's own passwords."""


class UpravaAuthLDAPView(PostLogout, AuthLDAPView):
    """Sign-in through the city directory."""


# ---- one's own password -------------------------------------------------------------------------

WRONG_CURRENT_PASSWORD = _l("Текущий пароль введён неверно")


class ChangeMyPasswordForm(DynamicForm):
    current_password = PasswordField(
        _l("Текущий пароль"),
        description=_l("Пароль, с которым вы вошли: без него пароль не сменить"),
        validators=[DataRequired()],
        widget=BS3PasswordFieldWidget(),
    )
    password = PasswordField(
        _l("Новый пароль"),
        description=_l("Не короче 10 символов, строчные и заглавные буквы и цифра"),
        validators=[DataRequired(), PasswordComplexityValidator()],
        widget=BS3PasswordFieldWidget(),
    )
    conf_password = PasswordField(
        _l("Новый пароль ещё раз"),
        validators=[EqualTo("password", message=_l("Пароли не совпадают"))],
        widget=BS3PasswordFieldWidget(),
    )


class UpravaResetMyPasswordView(ResetMyPasswordView):
    """Changing one's own password asks for the current one (FAB_NOTES S18).

    An open session left on a desk, or stolen, must not be enough to take the account over. A
    wrong current password counts as a failed sign-in of the account from this address
    (app/ops/lockout.py): the form is no way around the lock-out. The administrator's reset of
    another user's password (ResetPasswordView) stays as FAB has it.
    """

    # Keep FAB's permission names: every signed-in user is granted them (app.security.SELF_SERVICE).
    class_permission_name = "ResetMyPasswordView"
    form = ChangeMyPasswordForm
    form_title = _l("Смена пароля")
    message = _l("Пароль изменён")

    def form_post(self, form: DynamicForm) -> Any:
        sm = self.appbuilder.sm
        user = g.user
        login, address = login_key(user.username), client_address()
        locked = locked_until(sm.session, login, address) is not None
        if not locked and check_password_hash(user.password, form.current_password.data):
            clear_failures(sm.session, login, address)
            sm.reset_password(user.id, form.password.data)
            flash(str(self.message), "info")
            return None
        if not locked:
            record_failure(sm.session, login, address)
        sm.session.commit()
        form.current_password.errors = [*form.current_password.errors, str(WRONG_CURRENT_PASSWORD)]
        return self.render_template(
            self.form_template,
            title=self.form_title,
            widgets=self._get_edit_widget(form=form),
            appbuilder=self.appbuilder,
        )
