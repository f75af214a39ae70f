"""REST API of appeals and their questions (/api/v1/appeal, /api/v1/appealquestion), scoped like the UI."""

from __future__ import annotations

from ..core.filters import UpravaInterface
from ..core.views import UpravaModelRestApi
from .models import Appeal, AppealQuestion
from .services import APPEAL_HOOKS, QUESTION_HOOKS
from .views import AppealView

APPLICANT = [
    "is_anonymous",
    "applicant_last_name",
    "applicant_first_name",
    "applicant_patronymic",
    "applicant_address",
    "applicant_district_id",
    "applicant_email",
    "applicant_phone",
    "applicant_social_status",
    "applicant_benefit",
]


class AppealApi(UpravaModelRestApi):
    resource_name = "appeal"
    class_permission_name = "Appeal"
    datamodel = UpravaInterface(Appeal)
    hooks = APPEAL_HOOKS
    list_columns = [
        "id",
        "reg_number",
        "reg_date",
        "received_date",
        "channel_id",
        "form",
        "kind",
        "summary",
        "district_id",
        "receiving_body_id",
        "responsible_body_id",
        "executor_id",
        "status",
        "due_date",
        "closed_on",
        "annulled_at",
        *APPLICANT,
    ]
    show_columns = [
        *list_columns,
        "text",
        "problem_address",
        "registered_late",
        "is_repeat",
        "is_duplicate",
        "previous_appeal_id",
        "came_from",
        "came_from_number",
        "came_from_date",
        "original_due_date",
        "forwarded_on",
        "forwarded_to",
        "answer_number",
        "answer_date",
        "answer_method",
        "answer_signed_by",
        "closure_reason_id",
        "version",
    ]
    # The same fields as the registration form (app/appeals/views.py), in one place.
    add_columns = AppealView.registration_columns
    edit_columns = AppealView.edit_columns
    order_columns = ["reg_date", "reg_number", "due_date", "status"]
    search_columns = [
        "reg_number",
        "reg_date",
        "status",
        "channel",
        "district",
        "receiving_body",
        "responsible_body",
        "due_date",
        "applicant_last_name",
    ]
    base_order = ("reg_date", "desc")


class AppealQuestionApi(UpravaModelRestApi):
    resource_name = "appealquestion"
    class_permission_name = "Appeal"
    datamodel = UpravaInterface(AppealQuestion)
    hooks = QUESTION_HOOKS
    list_columns = show_columns = [
        "id",
        "appeal_id",
        "classifier_code",
        "question_type",
        "text",
        "result_id",
        "measures_taken",
        "version",
    ]
    add_columns = ["appeal", "classifier_code", "question_type", "text"]
    edit_columns = ["classifier_code", "question_type", "text", "result", "measures_taken"]
    order_columns = ["id", "classifier_code"]
    search_columns = ["appeal", "classifier_code", "question_type", "result"]
