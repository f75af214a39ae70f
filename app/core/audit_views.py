"""The change history list (Admin, Supervisor): read-only in the UI and the API."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from ..security import RW_METHOD_PERMISSIONS, CityWideOnlyFilter
from .audit import AuditAction, ChangeLog
from .filters import UpravaInterface
from .history import ACTION_LABELS
from .views import UpravaModelRestApi, UpravaModelView


def _action_label(value: Any) -> Any:
    try:
        return ACTION_LABELS[AuditAction(value)]
    except ValueError:
        return value


class ChangeLogView(UpravaModelView):
    datamodel = UpravaInterface(ChangeLog)
    class_permission_name = "ChangeLog"
    # Read-only by construction: no add/edit/delete/action routes have a permission to pass.
    base_permissions = ["can_read"]
    # It spans every district: a city-wide journal.
    base_filters = [["id", CityWideOnlyFilter, None]]
    # A journal carries no files of its own.
    record_files = False
    list_title = _l("История изменений")
    show_title = _l("Запись истории изменений")
    label_columns = {
        "at": _l("Когда"),
        "username": _l("Пользователь"),
        "ip": _l("IP-адрес"),
        "action": _l("Действие"),
        "table_name": _l("Таблица"),
        "record_id": _l("Запись"),
        "masked_repr": _l("Описание записи"),
        "masked_changes": _l("Изменения"),
    }
    # Personal data of the changed record is masked for users without the right.
    list_columns = ["at", "username", "ip", "action", "table_name", "record_id", "masked_repr"]
    show_columns = [*list_columns, "masked_changes"]
    search_columns = ["at", "username", "action", "table_name", "record_id"]
    formatters_columns = {"action": _action_label}
    base_order = ("id", "desc")


class ChangeLogApi(UpravaModelRestApi):
    resource_name = "changelog"
    class_permission_name = "ChangeLog"
    method_permission_name = RW_METHOD_PERMISSIONS
    datamodel = UpravaInterface(ChangeLog)
    allow_browser_login = True
    include_route_methods = {"get", "get_list", "info"}
    base_filters = [["id", CityWideOnlyFilter, None]]
    # Who changed which record and when; the values (personal data among them) stay in the UI,
    # where they are masked per user.
    list_columns = show_columns = ["id", "at", "user_id", "username", "ip", "action", "table_name", "record_id"]
    # Columns the web view shows under other names (masked) or not at all; `_info` lists them all.
    label_columns = {
        "user": _l("Пользователь"),
        "user_id": _l("Пользователь (номер)"),
        "record_repr": _l("Описание записи"),
        "changes": _l("Изменения"),
    }
    order_columns = ["id", "at"]
    search_columns = ["username", "action", "table_name", "record_id", "at"]
    base_order = ("id", "desc")
