"""The change history in «Администрирование → Журналы» (the export journal sits beside it, app/core/export_log.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l

from ..security import SUPERVISOR, Resource, declare_resource
from . import menus

if TYPE_CHECKING:
    from flask_appbuilder import AppBuilder

CATEGORY = menus.ADMINISTRATION
RESOURCES = [
    # History is read by Admin (everything) and the Supervisor; nobody writes it.
    declare_resource(Resource("ChangeLog", menus=("ChangeLog",), category=CATEGORY, readers=(SUPERVISOR,))),
]


def register(appbuilder: AppBuilder) -> None:
    """Menus and views of the platform."""
    from .audit_views import ChangeLogApi, ChangeLogView

    menus.add_view(
        appbuilder,
        ChangeLogView,
        "ChangeLog",
        label=_l("История изменений"),
        icon="fa-history",
        category=CATEGORY,
        group=menus.ADMIN_JOURNALS,
    )
    appbuilder.add_api(ChangeLogApi)
