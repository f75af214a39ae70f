"""Citizens' appeals (59-ФЗ): registration cards, questions by the federal classifier, deadlines."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l

from ..core import menus
from ..core.numbering import Journal, declare_journal
from ..security import (
    APPEALS_CLERK,
    BODY_CLERK,
    CONTROL_OFFICER,
    DEPUTY_HEAD,
    DISTRICT_CLERK,
    SUPERVISOR,
    Resource,
    declare_resource,
)

if TYPE_CHECKING:
    from flask_appbuilder import AppBuilder

CATEGORY = menus.APPEALS
#: The registration journal of appeals (app/core/numbering): ОГ-2026-000123, numbered per local year.
JOURNAL = declare_journal(Journal("appeals", "ОГ-{year}-{seq:06d}", _l("Журнал регистрации обращений граждан")))
# Clerks register and work appeals and receptions; body staff work the appeals of their body and
# those assigned to them (the row scope decides which); the Supervisor and the deputy heads read them.
# Nobody but Admin deletes: registered appeals are annulled with a reason.
RESOURCES = [
    declare_resource(
        Resource(
            "Appeal",
            menus=(
                "AppealList",
                "AppealsOverdue",
                "AppealsThisWeek",
                "AppealsMine",
                "Receptions",
                "AppealReports",
                "AppealsDashboard",
            ),
            category=CATEGORY,
            # The control officer reads appeals to put them on control (app/control: «Поставить на контроль»).
            readers=(SUPERVISOR, DEPUTY_HEAD, APPEALS_CLERK, CONTROL_OFFICER, DISTRICT_CLERK, BODY_CLERK),
            writers=(APPEALS_CLERK, DISTRICT_CLERK, BODY_CLERK),
        )
    ),
    # Importing files is registering appeals: the clerks who register them (and Admin), nobody who only reads.
    declare_resource(
        Resource("AppealImport", menus=("AppealImport",), category=CATEGORY, writers=(APPEALS_CLERK, DISTRICT_CLERK))
    ),
]


def register(appbuilder: AppBuilder) -> None:
    """Menus, views and APIs of appeals."""
    from ..core.presets import add_preset_links
    from .api import AppealApi, AppealQuestionApi
    from .reception_views import ReceptionApi, ReceptionView, ReceptionVisitApi, ReceptionVisitView
    from .views import AppealCopyView, AppealQuestionView, AppealView, DocumentRequestView

    menus.add_view(
        appbuilder,
        AppealView,
        "AppealList",
        label=_l("Обращения граждан"),
        icon="fa-envelope-open-text",
        category=CATEGORY,
    )
    add_preset_links(appbuilder, AppealView, CATEGORY)
    register_appeal_counters()
    menus.add_view(
        appbuilder, ReceptionView, "Receptions", label=_l("Личный приём"), icon="fa-user-tie", category=CATEGORY
    )
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
    from ..core.workspace import register_dashboard
    from .dashboard import APPEALS_DASHBOARD

    register_dashboard(appbuilder, APPEALS_DASHBOARD, menu="AppealsDashboard", label=_l("Показатели обращений"))
    from ..core.imports.views import register_import_view
    from .imports import AppealImportView

    register_import_view(
        appbuilder,
        AppealImportView,
        "AppealImport",
        label=_l("Загрузка обращений из файла"),
        icon="fa-file-import",
        category=CATEGORY,
    )


def register_appeal_counters() -> None:
    """The appeals' numbers on the home page: each is a preset of the appeal list."""
    from ..core.workspace import Counter, WorkList, register_counter, register_worklist

    clerks = (APPEALS_CLERK, DISTRICT_CLERK, BODY_CLERK)
    watchers = (SUPERVISOR, DEPUTY_HEAD, *clerks)
    for order, (preset, label, tone, audiences) in enumerate(
        (
            ("overdue", _l("Просроченные обращения"), "danger", watchers),
            ("week", _l("Срок ответа в ближайшие 7 дней"), "warning", watchers),
            ("open", _l("Обращения в работе"), "default", watchers),
            ("mine", _l("Мои обращения"), "default", clerks),
        )
    ):
        register_counter(
            Counter(
                key=f"appeals.{preset}",
                label=label,
                domain="appeals",
                view="AppealView",
                preset=preset,
                audiences=audiences,
                tone=tone,
                order=order,
                # Overdue appeals per responsible body: «Органы с наибольшим числом просроченных».
                by_body="responsible_body" if preset == "overdue" else None,
            )
        )
    # «Ближайшие сроки»: a clerk's own appeals; a deputy head's — every appeal of his bodies («Мой контроль»).
    register_worklist(
        WorkList(
            key="appeals.mine_urgent",
            label=_l("Мои обращения: просроченные и со сроком в ближайшие 7 дней"),
            domain="appeals",
            view="AppealView",
            preset="mine_urgent",
            audiences=clerks,
        )
    )
    register_worklist(
        WorkList(
            key="appeals.urgent",
            label=_l("Обращения: просроченные и со сроком в ближайшие 7 дней"),
            domain="appeals",
            view="AppealView",
            preset="urgent",
            audiences=(DEPUTY_HEAD,),
        )
    )
