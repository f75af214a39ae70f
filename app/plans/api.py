"""REST API of plans, proposals and items (/api/v1/plan, /api/v1/planproposal, /api/v1/planitem), scoped like the UI."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..core.filters import UpravaInterface
from ..core.views import UpravaModelRestApi
from .models import Plan, PlanItem, PlanProposal
from .services import ITEM_HOOKS, PLAN_HOOKS, PROPOSAL_HOOKS
from .views import OpenPlansFilter, PlanItemView, PlanProposalView, PlansTakingProposalsFilter


class PlanApi(UpravaModelRestApi):
    resource_name = "plan"
    class_permission_name = "Plan"
    datamodel = UpravaInterface(Plan)
    hooks = PLAN_HOOKS
    list_columns = [
        "id",
        "kind",
        "year",
        "quarter",
        "period",
        "parent_id",
        "title",
        "status",
        "proposals_due",
        "note_due",
        "approved_act_no",
        "approved_on",
        "annulled_at",
    ]
    show_columns = [*list_columns, "version"]
    add_columns = ["kind", "year", "quarter", "title"]
    edit_columns = ["title"]
    order_columns = ["period", "year", "title"]
    search_columns = ["kind", "year", "quarter", "status", "title"]
    base_order = ("period", "desc")


class PlanProposalApi(UpravaModelRestApi):
    resource_name = "planproposal"
    class_permission_name = "PlanProposal"
    datamodel = UpravaInterface(PlanProposal)
    hooks = PROPOSAL_HOOKS
    list_columns = [
        "id",
        "plan_id",
        "section_id",
        "submitted_by_body_id",
        "title",
        "responsible_body_id",
        "responsible_person",
        "form",
        "planned_month",
        "planned_date",
        "status",
        "submitted_on",
        "is_late",
        "agreed_by_fk",
        "agreed_on",
        "comment",
        "annulled_at",
    ]
    show_columns = [*list_columns, "co_executors", "version"]
    label_columns = {"agreed_by_fk": _l("Согласовал")}
    # The same fields as the web form (app/plans/views.py), in one place.
    add_columns = PlanProposalView.add_columns
    edit_columns = PlanProposalView.edit_columns
    add_query_rel_fields = {"plan": [["id", PlansTakingProposalsFilter, None]]}
    order_columns = ["id", "submitted_on", "title"]
    search_columns = ["plan", "section", "submitted_by_body", "responsible_body", "status", "is_late"]
    base_order = ("id", "desc")


class PlanItemApi(UpravaModelRestApi):
    resource_name = "planitem"
    class_permission_name = "PlanItem"
    datamodel = UpravaInterface(PlanItem)
    hooks = ITEM_HOOKS
    list_columns = [
        "id",
        "plan_id",
        "section_id",
        "seq",
        "title",
        "form",
        "responsible_body_id",
        "responsible_person",
        "supervisor_id",
        "planned_month",
        "planned_date",
        "due_date",
        "status",
        "done_on",
        "result",
        "reason",
        "source_item_id",
        "proposal_id",
        "moved_to_item_id",
        "instruction_id",
        "event_id",
        "annulled_at",
    ]
    show_columns = [*list_columns, "co_executors", "marked_on", "version"]
    label_columns = {"instruction_id": _l("Поручение на контроле"), "event_id": _l("Мероприятие календаря")}
    add_columns = PlanItemView.add_columns
    edit_columns = PlanItemView.edit_columns
    add_query_rel_fields = {"plan": [["id", OpenPlansFilter, None]]}
    order_columns = ["due_date", "seq", "id"]
    search_columns = ["plan", "section", "responsible_body", "status", "due_date", "form"]
    base_order = ("due_date", "desc")
