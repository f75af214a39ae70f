"""The export journal: who exported which list, with which filter, how many rows (Admin, Supervisor)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l

from ..security import SUPERVISOR, CityWideOnlyFilter, Resource, declare_resource
from . import menus
from .filters import UpravaInterface
from .models import ExportLog
from .views import UpravaModelView

if TYPE_CHECKING:
    from flask_appbuilder import AppBuilder

CATEGORY = menus.ADMINISTRATION
RESOURCE = declare_resource(Resource("ExportLog", menus=("ExportLog",), category=CATEGORY, readers=(SUPERVISOR,)))

FORMAT_LABELS = {"xlsx": "Excel (XLSX)", "csv": "CSV", "docx": "Word (DOCX)"}


class ExportLogView(UpravaModelView):
    datamodel = UpravaInterface(ExportLog)
    class_permission_name = RESOURCE.name
    # A journal is never edited, not even by an Admin (who holds every right).
    base_permissions = ["can_read"]
    base_filters = [["id", CityWideOnlyFilter, None]]
    record_files = False
    list_title = _l("Журнал выгрузок списков")
    show_title = _l("Выгрузка списка")
    label_columns = {
        "created_at": _l("Когда"),
        "user": _l("Пользователь"),
        "view_name": _l("Представление"),
        "list_title": _l("Список"),
        "filter_description": _l("Отбор"),
        "query_string": _l("Параметры списка"),
        "file_format": _l("Формат"),
        "row_count": _l("Записей"),
        "personal_data": _l("С персональными данными"),
    }
    list_columns = [
        "created_at",
        "user",
        "list_title",
        "filter_description",
        "file_format",
        "row_count",
        "personal_data",
    ]
    show_columns = [*list_columns, "view_name", "query_string"]
    search_columns = ["created_at", "user", "list_title", "filter_description", "file_format", "personal_data"]
    formatters_columns = {"file_format": lambda value: FORMAT_LABELS.get(value, value)}
    base_order = ("created_at", "desc")


def register(appbuilder: AppBuilder) -> None:
    """The export journal's menu and view."""
    menus.add_view(
        appbuilder,
        ExportLogView,
        "ExportLog",
        label=_l("Журнал выгрузок"),
        icon="fa-file-export",
        category=CATEGORY,
        group=menus.ADMIN_JOURNALS,
    )
