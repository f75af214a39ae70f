"""Citizens' appeals (59-ФЗ): registration cards, questions by the federal classifier, deadlines."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l

from ..security import (
    APPEALS_CLERK,
    DEPUTY_HEAD,
    DISTRICT_CLERK,
    SUPERVISOR,
    Resource,
    declare_resource,
)

if TYPE_CHECKING:
    from flask_appbuilder import AppBuilder

CATEGORY = "Appeals"
# Clerks register and work appeals and receptions; the Supervisor and the deputy heads read them.
# Nobody but Admin deletes: registered appeals are annulled with a reason.
RESOURCES = [
    declare_resource(
        Resource(
            "Appeal",
            menus=("AppealList", "AppealsOverdue", "AppealsThisWeek", "AppealsMine", "Receptions", "AppealReports"),
            category=CATEGORY,
            readers=(SUPERVISOR, DEPUTY_HEAD, APPEALS_CLERK, DISTRICT_CLERK),
            writers=(APPEALS_CLERK, DISTRICT_CLERK),
        )
    ),
    # Importing files is registering appeals: the clerks who register them (and Admin), nobody who only reads.
    declare_resource(
        Resource("AppealImport", menus=("AppealImport",), category=CATEGORY, writers=(APPEALS_CLERK, DISTRICT_CLERK))
    ),
]


def register(appbuilder: AppBuilder) -> None:
    """Menus, views and APIs of appeals."""
    from .api import AppealApi, AppealQuestionApi
    from .reception_views import ReceptionApi, ReceptionView, ReceptionVisitApi, ReceptionVisitView
    from .views import PRESETS, AppealCopyView, AppealQuestionView, AppealView, DocumentRequestView

    appbuilder.add_view(
        AppealView,
        "AppealList",
        label=_l("Обращения граждан"),
        icon="fa-envelope-open-text",
        category=CATEGORY,
        category_label=_l("Обращения"),
        category_icon="fa-envelope",
    )
    for name, preset, icon in (
        ("AppealsOverdue", "overdue", "fa-exclamation-circle"),
        ("AppealsThisWeek", "week", "fa-calendar"),
        ("AppealsMine", "mine", "fa-user"),
    ):
        appbuilder.add_link(
            name, href=f"/appealview/list/?preset={preset}", label=PRESETS[preset], icon=icon, category=CATEGORY
        )
    appbuilder.add_view(ReceptionView, "Receptions", label=_l("Личный приём"), icon="fa-user-tie", category=CATEGORY)
    appbuilder.add_view_no_menu(AppealQuestionView)
    appbuilder.add_view_no_menu(DocumentRequestView)
    appbuilder.add_view_no_menu(AppealCopyView)
    appbuilder.add_view_no_menu(ReceptionVisitView)
    appbuilder.add_api(AppealApi)
    appbuilder.add_api(AppealQuestionApi)
    appbuilder.add_api(ReceptionApi)
    appbuilder.add_api(ReceptionVisitApi)
    from .action_views import register as register_actions

    register_actions(appbuilder)
    from .report_views import register as register_reports

    register_reports(appbuilder)
    from ..core.imports.views import register_import_view
    from .imports import AppealImportView

    register_import_view(
        appbuilder,
        AppealImportView,
        "AppealImport",
        label=_l("Загрузка обращений из файла"),
        icon="fa-file-import",
        category=CATEGORY,
        category_label=_l("Обращения"),
        category_icon="fa-envelope",
    )
