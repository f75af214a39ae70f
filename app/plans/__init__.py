"""Work plans: the annual perspective plan and quarterly plans, proposals agreed by deputy heads,
execution marks, the execution note by the 10th (DOMAIN.md A.7, D.2, D.9 R-P1…R-P3)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l

from ..core import menus
from ..security import (
    BODY_CLERK,
    CONTROL_OFFICER,
    DEPUTY_HEAD,
    PLANS_COORDINATOR,
    STAFF_ROLES,
    SUPERVISOR,
    Resource,
    declare_resource,
)

if TYPE_CHECKING:
    from flask_appbuilder import AppBuilder

CATEGORY = menus.PLANS
READERS = (SUPERVISOR, DEPUTY_HEAD, PLANS_COORDINATOR, BODY_CLERK)
# The documentation department (PlansCoordinator) runs the plans; body staff submit proposals and mark their
# body's items; the deputy heads agree their bodies' proposals (the services let only the supervising one) and
# watch their items; the Supervisor reads. Nobody but Admin deletes: items are annulled with a reason.
RESOURCES = [
    declare_resource(
        Resource("Plan", menus=("Plans",), category=CATEGORY, readers=READERS, writers=(PLANS_COORDINATOR,))
    ),
    declare_resource(
        Resource(
            "PlanProposal",
            menus=("PlanProposals",),
            category=CATEGORY,
            readers=READERS,
            writers=(PLANS_COORDINATOR, BODY_CLERK, DEPUTY_HEAD),
        )
    ),
    # Only a menu: the deputy head's «awaiting my agreement» list (a preset of the proposals' list).
    declare_resource(
        Resource("PlanAgreement", menus=("PlanProposalsToAgree",), category=CATEGORY, readers=(DEPUTY_HEAD,))
    ),
    declare_resource(
        Resource(
            "PlanItem",
            menus=("PlanItems", "PlanItemsThisMonth", "PlanItemsUnmarked", "PlanReports", "PlansDashboard"),
            category=CATEGORY,
            readers=READERS,
            writers=(PLANS_COORDINATOR,),
            # The control officer opens an item's card to put it on control (no plans menus: not his work).
            card_readers=(CONTROL_OFFICER,),
        )
    ),
    # Execution marks: the responsible body's staff (their row scope) and the coordinators.
    declare_resource(Resource("PlanItemMark", writers=(PLANS_COORDINATOR, BODY_CLERK))),
    declare_resource(Resource("PlanImport", menus=("PlanImport",), category=CATEGORY, writers=(PLANS_COORDINATOR,))),
    declare_resource(Resource("PlanSection", menus=("PlanSections",), category=menus.REFERENCE, readers=STAFF_ROLES)),
]


def register(appbuilder: AppBuilder) -> None:
    """Menus, views, APIs, actions, reports, import and home-page counters of plans."""
    from ..core.presets import add_preset_links
    from .api import PlanApi, PlanItemApi, PlanProposalApi
    from .views import PlanCardItemView, PlanItemView, PlanProposalView, PlanSectionView, PlanView

    appbuilder.add_view_no_menu(PlanCardItemView)
    menus.add_view(appbuilder, PlanView, "Plans", label=_l("Планы работы"), icon="fa-calendar-check", category=CATEGORY)
    menus.add_view(
        appbuilder,
        PlanProposalView,
        "PlanProposals",
        label=_l("Предложения в план"),
        icon="fa-lightbulb",
        category=CATEGORY,
    )
    add_preset_links(appbuilder, PlanProposalView, CATEGORY)
    menus.add_view(
        appbuilder, PlanItemView, "PlanItems", label=_l("Пункты планов"), icon="fa-list-ol", category=CATEGORY
    )
    add_preset_links(appbuilder, PlanItemView, CATEGORY)
    menus.add_view(
        appbuilder,
        PlanSectionView,
        "PlanSections",
        label=_l("Разделы плана"),
        icon="fa-layer-group",
        category=menus.REFERENCE,
        group=menus.REF_PLANS,
    )
    for api in (PlanApi, PlanProposalApi, PlanItemApi):
        appbuilder.add_api(api)
    from .action_views import register as register_actions

    register_actions(appbuilder)
    from .report_views import register as register_reports

    register_reports(appbuilder)
    from ..core.workspace import register_dashboard
    from .dashboard import PLANS_DASHBOARD

    register_dashboard(appbuilder, PLANS_DASHBOARD, menu="PlansDashboard", label=_l("Показатели исполнения планов"))
    from ..core.imports.views import register_import_view
    from .imports import PlanImportView

    register_import_view(
        appbuilder,
        PlanImportView,
        "PlanImport",
        label=_l("Загрузка плана из файла"),
        icon="fa-file-import",
        category=CATEGORY,
    )
    register_plan_counters()
    register_plan_item_source()


def register_plan_item_source() -> None:
    """A plan item is a source of instructions (the declared link plans → control): its card offers
    «Поставить на контроль» to who may put instructions on control, once; the item holds the instruction,
    the instruction names the item back. Control knows the item only by table and endpoint."""
    from ..control.sources import PLAN_ITEM, SourceKind, register_source

    register_source(
        SourceKind(
            PLAN_ITEM,
            _l("Пункт плана"),
            table="plans_item",
            endpoint="PlanItemView.show",
            back_link="instruction",
            card_action=True,
            resource="PlanItem",
        )
    )


def register_plan_counters() -> None:
    """The plans' numbers on the home page: each is a preset of its list (the number and the list agree)."""
    from ..core.workspace import Counter, register_counter

    for order, (key, view, preset, label, tone, audiences) in enumerate(
        (
            ("plans.month", "PlanItemView", "month", _l("Пункты планов со сроком в этом месяце"), "default", READERS),
            (
                "plans.unmarked",
                "PlanItemView",
                "unmarked",
                _l("Пункты планов без отметки после срока"),
                "danger",
                READERS,
            ),
            (
                "plans.to_agree",
                "PlanProposalView",
                "to_agree",
                _l("Предложения в план, ожидающие моего согласования"),
                "info",
                (DEPUTY_HEAD,),
            ),
        )
    ):
        register_counter(
            Counter(
                key=key,
                label=label,
                domain="plans",
                view=view,
                preset=preset,
                audiences=audiences,
                tone=tone,
                order=order,
                # Items past their term without a mark are the plans' «Просрочено» (ranked per responsible
                # body on the home page); proposals awaiting the deputy head are his «Ждут моего решения».
                measure={"unmarked": "overdue", "to_agree": "decision"}.get(preset),
                by_body="responsible_body" if preset == "unmarked" else None,
            )
        )


def seed() -> dict[str, int]:
    """Reference data for `flask app init`: sections and the two planning terms (idempotent)."""
    from .reference import seed as seed_reference

    return seed_reference()
