"""The housing register (ЖК РФ ст. 49–57): household cases, computed queue positions, premises, decisions.

District clerks register the applications filed with their district administration and see their
district's cases; the city's housing department (a city-wide profile) works every case, takes the
decisions and keeps the premises; the Supervisor reads everything. Queue positions are computed
(app/housing/queue.py), deadlines come from the platform's rule table, numbers from its journals.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l

from ..core import menus
from ..core.numbering import Journal, declare_journal
from ..security import (
    DISTRICT_CLERK,
    HOUSING_OFFICER,
    STAFF_ROLES,
    SUPERVISOR,
    Resource,
    declare_resource,
)

if TYPE_CHECKING:
    from flask_appbuilder import AppBuilder

CATEGORY = menus.HOUSING
#: The application book (книга регистрации заявлений, ЖК ст. 52): Ж-2026-00012, per local year.
APPLICATIONS = declare_journal(
    Journal("housing_applications", "Ж-{year}-{seq:05d}", _l("Книга регистрации заявлений о принятии на учёт"))
)
#: Decisions on household cases (register, refuse, remove, provide, …).
DECISIONS = declare_journal(Journal("housing_decisions", "РЖ-{year}-{seq:05d}", _l("Журнал решений по учёту граждан")))
#: Certificates of the queue position (справки об очерёдности).
CERTIFICATES = declare_journal(
    Journal("housing_certificates", "СО-{year}-{seq:05d}", _l("Журнал справок об очерёдности"))
)

READERS = (SUPERVISOR, HOUSING_OFFICER, DISTRICT_CLERK)
# District clerks register applications and keep their cases; the housing department decides and keeps
# the premises (district clerks read their district's: a right of the role, not of the row — the
# premises' district link is ownership, counted in the district's statistics). Nobody but Admin deletes.
RESOURCES = [
    declare_resource(
        Resource(
            "Household",
            menus=(
                "Households",
                "HouseholdsAwaiting",
                "HouseholdsOverdue",
                "HousingQueue",
                "HousingReports",
                "HousingDashboard",
            ),
            category=CATEGORY,
            readers=READERS,
            writers=(HOUSING_OFFICER, DISTRICT_CLERK),
        )
    ),
    declare_resource(
        Resource(
            "HousingDecision",
            menus=("HousingDecisions", "HousingHandover"),
            category=CATEGORY,
            readers=READERS,
            writers=(HOUSING_OFFICER,),
        )
    ),
    declare_resource(
        Resource("Premises", menus=("HousingPremises",), category=CATEGORY, readers=READERS, writers=(HOUSING_OFFICER,))
    ),
    # The legacy registries are loaded by the city's housing department (and Admin).
    declare_resource(
        Resource(
            "HousingImport",
            menus=(
                "HousingImportHouseholds",
                "HousingImportMembers",
                "HousingImportPremises",
                "HousingImportDecisions",
            ),
            category=CATEGORY,
            writers=(HOUSING_OFFICER,),
        )
    ),
    declare_resource(
        Resource(
            "HousingReference",
            menus=(
                "HousingListTypes",
                "HousingGrounds",
                "HousingFundCategories",
                "HousingDecisionTypes",
                "HousingNorms",
            ),
            category=menus.REFERENCE,
            readers=STAFF_ROLES,
        )
    ),
]


def register(appbuilder: AppBuilder) -> None:
    """Menus, views, APIs, reports, imports, documents and home-page counters of housing."""
    from ..core.presets import add_preset_links
    from . import documents  # noqa: F401  (registers the housing document templates)
    from .action_views import register as register_actions
    from .api import HouseholdApi, HouseholdMemberApi, HousingDecisionApi, PremisesApi
    from .imports import register as register_imports
    from .queue_views import HousingQueueView
    from .report_views import HousingReportsView
    from .views import (
        CertificateView,
        DecisionTypeView,
        FundCategoryView,
        GroundView,
        HouseholdMemberView,
        HouseholdView,
        HousingDecisionView,
        HousingNormView,
        ListTypeView,
        PremisesView,
        QueueEntryView,
    )

    menus.add_view(
        appbuilder, HouseholdView, "Households", label=_l("Учётные дела"), icon="fa-folder-open", category=CATEGORY
    )
    add_preset_links(appbuilder, HouseholdView, CATEGORY)
    menus.add_view(
        appbuilder, HousingQueueView, "HousingQueue", label=_l("Очерёдность"), icon="fa-list-ol", category=CATEGORY
    )
    menus.add_view(
        appbuilder, HousingDecisionView, "HousingDecisions", label=_l("Решения"), icon="fa-gavel", category=CATEGORY
    )
    add_preset_links(appbuilder, HousingDecisionView, CATEGORY)
    menus.add_view(
        appbuilder, PremisesView, "HousingPremises", label=_l("Жилые помещения"), icon="fa-building", category=CATEGORY
    )
    menus.add_view(
        appbuilder, HousingReportsView, "HousingReports", label=_l("Отчёты"), icon="fa-chart-bar", category=CATEGORY
    )
    for view in (HouseholdMemberView, QueueEntryView, CertificateView):
        appbuilder.add_view_no_menu(view)
    for view, name, label, icon in (
        (ListTypeView, "HousingListTypes", _l("Списки очерёдности"), "fa-list"),
        (GroundView, "HousingGrounds", _l("Основания (ЖК РФ)"), "fa-balance-scale"),
        (FundCategoryView, "HousingFundCategories", _l("Категории жилищного фонда"), "fa-home"),
        (DecisionTypeView, "HousingDecisionTypes", _l("Виды решений по учёту"), "fa-gavel"),
        (HousingNormView, "HousingNorms", _l("Нормы площади"), "fa-ruler-combined"),
    ):
        menus.add_view(
            appbuilder, view, name, label=label, icon=icon, category=menus.REFERENCE, group=menus.REF_HOUSING
        )
    for api in (HouseholdApi, HouseholdMemberApi, PremisesApi, HousingDecisionApi):
        appbuilder.add_api(api)
    register_actions(appbuilder)
    register_imports(appbuilder)
    register_housing_counters()
    from ..core.workspace import register_dashboard
    from .dashboard import HOUSING_DASHBOARD

    register_dashboard(appbuilder, HOUSING_DASHBOARD, menu="HousingDashboard", label=_l("Показатели жилищного учёта"))


def register_housing_counters() -> None:
    """The register's numbers on the home page: each is a preset of its list."""
    from ..core.workspace import Counter, register_counter

    clerks = (SUPERVISOR, HOUSING_OFFICER, DISTRICT_CLERK)
    for order, (key, label, view, preset, tone, audiences) in enumerate(
        (
            ("awaiting", _l("Заявления ожидают решения"), "HouseholdView", "awaiting", "info", clerks),
            ("overdue", _l("Просрочено решение по учёту"), "HouseholdView", "overdue", "danger", clerks),
            (
                "handover",
                _l("Решения к выдаче заявителю"),
                "HousingDecisionView",
                "handover",
                "warning",
                (SUPERVISOR, HOUSING_OFFICER),
            ),
        )
    ):
        register_counter(
            Counter(
                key=f"housing.{key}",
                label=label,
                domain="housing",
                view=view,
                preset=preset,
                audiences=audiences,
                tone=tone,
                order=order,
            )
        )


def seed() -> dict[str, int]:
    """Reference data for `flask app init` (idempotent; never overwrites an Admin's edits)."""
    from .reference import seed_reference

    return seed_reference()
