"""REST API of the housing register (household, householdmember, premises, housingdecision), scoped like the UI.

Decisions are taken through the same service as the case's actions: a POST to /api/v1/housingdecision
with the case, the type, the date and what the type needs (list, ground, premises) numbers it, sets
its terms and applies its effect — or answers 409/422 with the reason.
"""

from __future__ import annotations

from ..core.filters import UpravaInterface
from ..core.views import UpravaModelRestApi
from .models import Household, HouseholdMember, HousingDecision, Premises
from .services import DECISION_HOOKS, HOUSEHOLD_HOOKS, MEMBER_HOOKS, PREMISES_HOOKS
from .views import APPLICANT, HouseholdMemberView, HouseholdView, PremisesView


class HouseholdApi(UpravaModelRestApi):
    resource_name = "household"
    class_permission_name = "Household"
    datamodel = UpravaInterface(Household)
    hooks = HOUSEHOLD_HOOKS
    list_columns = [
        "id",
        "application_number",
        "application_date",
        "application_time",
        "district_id",
        "registering_body_id",
        "status",
        "queue_date",
        "family_size",
        "current_area",
        "area_per_person",
        "is_low_income",
        "decision_due_date",
        "annulled_at",
        *APPLICANT,
    ]
    show_columns = [
        *list_columns,
        "documents_complete_on",
        "documents_submitted",
        "removal_ground_id",
        "removal_ground_found_on",
        "last_reregistration_on",
        "restored_by_court",
        "notes",
        "version",
    ]
    add_columns = HouseholdView.add_columns
    edit_columns = HouseholdView.edit_columns
    order_columns = ["application_date", "application_number", "queue_date", "status"]
    search_columns = [
        "application_number",
        "application_date",
        "queue_date",
        "status",
        "district",
        "registering_body",
        "applicant_last_name",
        "address",
    ]
    base_order = ("application_date", "desc")


class HouseholdMemberApi(UpravaModelRestApi):
    resource_name = "householdmember"
    class_permission_name = "Household"
    datamodel = UpravaInterface(HouseholdMember)
    hooks = MEMBER_HOOKS
    list_columns = show_columns = [
        "id",
        "household_id",
        "last_name",
        "first_name",
        "patronymic",
        "birth_date",
        "relation",
        "snils",
        "passport",
        "address",
        "phone",
        "left_on",
        "version",
    ]
    add_columns = HouseholdMemberView.add_columns
    edit_columns = HouseholdMemberView.edit_columns
    order_columns = ["id", "last_name"]
    search_columns = ["household", "relation", "left_on"]


class PremisesApi(UpravaModelRestApi):
    resource_name = "premises"
    class_permission_name = "Premises"
    datamodel = UpravaInterface(Premises)
    hooks = PREMISES_HOOKS
    list_columns = show_columns = [
        "id",
        "full_address",
        "street",
        "house",
        "building",
        "apartment",
        "district_id",
        "cadastral_number",
        "ownership",
        "fund_category_id",
        "rooms",
        "total_area",
        "living_area",
        "floor",
        "condition",
        "status",
        "offered_to_id",
        "tenant_household_id",
        "contract_number",
        "contract_date",
        "annulled_at",
        "version",
    ]
    add_columns = PremisesView.add_columns
    edit_columns = PremisesView.edit_columns
    order_columns = ["full_address", "total_area", "rooms", "status"]
    search_columns = ["full_address", "district", "fund_category", "status", "rooms", "cadastral_number"]
    base_order = ("full_address", "asc")


class HousingDecisionApi(UpravaModelRestApi):
    resource_name = "housingdecision"
    class_permission_name = "HousingDecision"
    datamodel = UpravaInterface(HousingDecision)
    hooks = DECISION_HOOKS
    list_columns = [
        "id",
        "number",
        "decision_date",
        "decision_type_id",
        "household_id",
        "issuing_body_id",
        "list_type_id",
        "from_list_type_id",
        "queue_date",
        "premises_id",
        "ground_id",
        "district_id",
        "due_date",
        "handover_due",
        "handed_over_on",
        "handover_method",
        "applicant_name",
        "address",
        "annulled_at",
    ]
    show_columns = [*list_columns, "basis", "protocol", "notes", "version"]
    add_columns = [
        "household",
        "decision_type",
        "decision_date",
        "list_type",
        "from_list_type",
        "queue_date",
        "premises",
        "ground",
        "basis",
        "protocol",
        "notes",
    ]
    edit_columns = ["protocol", "handed_over_on", "handover_method", "notes"]
    order_columns = ["decision_date", "number"]
    search_columns = ["number", "decision_date", "decision_type", "district", "household", "handed_over_on"]
    base_order = ("decision_date", "desc")
