"""The personal-data access journal in «Администрирование → Журналы»: Admin only, read-only."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask_babel import lazy_gettext as _l

from ..security import Resource, declare_resource
from . import menus
from .filters import UpravaInterface
from .pii_log import PersonalDataAccess
from .views import UpravaModelView

if TYPE_CHECKING:
    from flask_appbuilder import AppBuilder

CATEGORY = menus.ADMINISTRATION
#: No role but Admin (who holds every right) reads who looked at whose data.
RESOURCE = declare_resource(Resource("PersonalDataAccess", menus=("PersonalDataAccess",), category=CATEGORY))

ACCESS_LABELS: dict[str, Any] = {
    "show": _l("Просмотр карточки"),
    "edit": _l("Открытие формы редактирования"),
    "api_get": _l("Запрос записи через API"),
    "export_xlsx": _l("Выгрузка в Excel"),
    "export_csv": _l("Выгрузка в CSV"),
}


class PersonalDataAccessView(UpravaModelView):
    datamodel = UpravaInterface(PersonalDataAccess)
    class_permission_name = RESOURCE.name
    # A journal is never edited, not even by an Admin (who holds every right).
    base_permissions = ["can_read"]
    record_files = False
    list_title = _l("Журнал доступа к персональным данным")
    show_title = _l("Доступ к персональным данным")
    label_columns = {
        "at": _l("Когда"),
        "username": _l("Пользователь"),
        "ip": _l("IP-адрес"),
        "access": _l("Действие"),
        "table_name": _l("Таблица"),
        "record_id": _l("Запись"),
        "row_count": _l("Записей"),
        "endpoint": _l("Страница или метод API"),
    }
    list_columns = ["at", "username", "ip", "access", "table_name", "record_id", "row_count"]
    show_columns = [*list_columns, "endpoint"]
    search_columns = ["at", "username", "access", "table_name", "record_id"]
    formatters_columns = {"access": lambda value: ACCESS_LABELS.get(value, value)}
    base_order = ("id", "desc")


def register(appbuilder: AppBuilder) -> None:
    """The journal's menu item under «Администрирование»."""
    menus.add_view(
        appbuilder,
        PersonalDataAccessView,
        "PersonalDataAccess",
        label=_l("Доступ к персональным данным"),
        icon="fa-user-secret",
        category=CATEGORY,
        group=menus.ADMIN_JOURNALS,
    )
