"""FAB's user and role admin, in Russian, with the official profile beside the roles (one screen);
sign-in, sign-out and the change of one's own password, hardened (issue #12: 12, 14, 15)."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, g, redirect, request
from flask_appbuilder import expose
from flask_appbuilder.actions import action
from flask_appbuilder.fieldwidgets import BS3PasswordFieldWidget
from flask_appbuilder.forms import DynamicForm
from flask_appbuilder.security.decorators import has_access
from flask_appbuilder.security.views import (
    AuthDBView,
    AuthLDAPView,
    ResetMyPasswordView,
    RoleModelView,
    UserDBModelView,
    UserGroupModelView,
    UserLDAPModelView,
)
from flask_appbuilder.urltools import get_order_args, get_page_args, get_page_size_args
from flask_appbuilder.validators import PasswordComplexityValidator
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash
from wtforms import PasswordField
from wtforms.validators import DataRequired, EqualTo

from ..core.views import format_value
from ..extensions import db
from ..ops.lockout import clear_failures, client_address, locked_until, login_key, record_failure, unlock
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
        lifted = [user.username for user in users if unlock(db.session, user.username)]
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
