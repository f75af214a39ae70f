"""The change history list (Admin, Supervisor): read-only in the UI and the API.

It reads as a journal, not as a database dump: record types by name («Обращение», not
`appeals_appeal`), a description of the record, «Система» for changes made by the CLI and
imports, and an entry's changes as a table of fields with their labels, before and after.
"""

from __future__ import annotations

from typing import Any

from flask_appbuilder import ModelView
from flask_appbuilder.fieldwidgets import Select2Widget
from flask_babel import lazy_gettext as _l
from wtforms import SelectField

from ..security import RW_METHOD_PERMISSIONS, CityWideOnlyFilter
from .audit import AuditAction, ChangeLog, actor_label, record_type_choices, record_type_label
from .filters import UpravaInterface
from .history import ACTION_LABELS, Describer, present_change
from .models import model_for_table
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
    show_template = "uprava/changelog_show.html"
    label_columns = {
        "at": _l("Когда"),
        "username": _l("Пользователь"),
        "ip": _l("IP-адрес"),
        "action": _l("Действие"),
        "table_name": _l("Тип записи"),
        "record_id": _l("Номер записи"),
        "description": _l("Запись"),
    }
    # Personal data of the changed record is masked for users without the right (ChangeLog.description).
    list_columns = ["at", "username", "ip", "action", "table_name", "record_id", "description"]
    show_columns = list_columns
    search_columns = ["at", "username", "action", "table_name", "record_id"]
    formatters_columns = {"action": _action_label, "username": actor_label, "table_name": record_type_label}
    # Record types by name; the stored value is the table.
    search_form_extra_fields = {
        "table_name": SelectField(_l("Тип записи"), choices=record_type_choices, widget=Select2Widget())
    }
    base_order = ("id", "desc")

    def _show(self, pk: Any) -> Any:
        widgets = super()._show(pk)
        # A journal entry has no history of its own; it shows what it recorded, field by field.
        widgets.pop("history", None)
        entry = self.datamodel.get(pk, self._base_filters)
        if entry is not None:
            model = model_for_table(entry.table_name)
            labels, formatters = self._record_view_columns(model)
            widgets["changes"] = present_change(entry, model, describe=Describer(model, formatters), labels=labels)
        return widgets

    def _record_view_columns(self, model: type | None) -> tuple[dict[str, Any], dict[str, Any]]:
        """The labels and formatters of the record's own view (the fields as its card names them)."""
        views = [
            view
            for view in self.appbuilder.baseviews
            if isinstance(view, ModelView) and model is not None and view.datamodel.obj is model
        ]
        if not views:
            return {}, {}
        view = max(views, key=lambda v: len(v.label_columns or {}))
        return dict(view.label_columns or {}), dict(view.formatters_columns or {})


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
