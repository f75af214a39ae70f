"""REST API of programmes, committee members, events, campaigns and petitions (/api/v1/event…), scoped like the UI."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..core.filters import UpravaInterface
from ..core.views import UpravaModelRestApi
from .models import CommitteeMember, Event, EventProgramme, TitleCampaign, TitlePetition
from .services import CAMPAIGN_HOOKS, EVENT_HOOKS, MEMBER_HOOKS, PETITION_HOOKS, PROGRAMME_HOOKS
from .views import (
    ACTIVE_BODIES,
    CommitteeMemberView,
    EventProgrammeView,
    EventView,
    TitleCampaignView,
    TitlePetitionView,
)


class EventProgrammeApi(UpravaModelRestApi):
    resource_name = "eventprogramme"
    class_permission_name = "EventProgramme"
    datamodel = UpravaInterface(EventProgramme)
    hooks = PROGRAMME_HOOKS
    list_columns = show_columns = [
        "id",
        "name",
        "year",
        "approved_act",
        "approved_on",
        "coordinator_body_id",
        "note",
        "annulled_at",
        "version",
    ]
    add_columns = edit_columns = EventProgrammeView.add_columns
    order_columns = ["year", "name"]
    search_columns = ["name", "year", "coordinator_body"]
    base_order = ("year", "desc")


class CommitteeMemberApi(UpravaModelRestApi):
    resource_name = "committeemember"
    class_permission_name = "EventProgramme"
    datamodel = UpravaInterface(CommitteeMember)
    hooks = MEMBER_HOOKS
    list_columns = show_columns = [
        "id",
        "programme_id",
        "person_name",
        "position",
        "body_id",
        "role",
        "included_on",
        "included_by",
        "excluded_on",
        "excluded_by",
        "sort_order",
        "version",
    ]
    add_columns = CommitteeMemberView.add_columns
    edit_columns = CommitteeMemberView.edit_columns
    add_query_rel_fields = edit_query_rel_fields = {"body": ACTIVE_BODIES}
    order_columns = ["sort_order", "person_name", "included_on"]
    search_columns = ["programme", "person_name", "body", "role", "included_on", "excluded_on"]
    base_order = ("sort_order", "asc")


class EventApi(UpravaModelRestApi):
    resource_name = "event"
    class_permission_name = "Event"
    datamodel = UpravaInterface(Event)
    hooks = EVENT_HOOKS
    list_columns = [
        "id",
        "programme_id",
        "title",
        "starts_at",
        "ends_at",
        "start_date",
        "end_date",
        "place",
        "district_id",
        "organiser_body_id",
        "organiser_name",
        "coordinator_body_id",
        "responsible_person",
        "planned_format",
        "actual_format",
        "status",
        "postponed_from",
        "change_reason",
        "participants_planned",
        "participants_actual",
        "annulled_at",
    ]
    show_columns = [*list_columns, "description", "version"]
    add_columns = EventView.add_columns
    edit_columns = EventView.edit_columns
    add_query_rel_fields = edit_query_rel_fields = {"organiser_body": ACTIVE_BODIES}
    order_columns = ["starts_at", "title", "status"]
    search_columns = [
        "title",
        "starts_at",
        "start_date",
        "end_date",
        "programme",
        "organiser_body",
        "district",
        "status",
        "planned_format",
        "actual_format",
    ]
    base_order = ("starts_at", "desc")


class TitleCampaignApi(UpravaModelRestApi):
    resource_name = "titlecampaign"
    class_permission_name = "TitlePetition"
    datamodel = UpravaInterface(TitleCampaign)
    hooks = CAMPAIGN_HOOKS
    list_columns = show_columns = [
        "id",
        "name",
        "honorary_title",
        "started_on",
        "ended_on",
        "status",
        "granted_on",
        "coordinator_body_id",
        "note",
        "annulled_at",
        "version",
    ]
    add_columns = edit_columns = TitleCampaignView.add_columns
    order_columns = ["started_on", "name"]
    search_columns = ["name", "status", "started_on"]
    base_order = ("started_on", "desc")


class TitlePetitionApi(UpravaModelRestApi):
    resource_name = "titlepetition"
    class_permission_name = "TitlePetition"
    datamodel = UpravaInterface(TitlePetition)
    hooks = PETITION_HOOKS
    list_columns = show_columns = [
        "id",
        "campaign_id",
        "applicant_type",
        "applicant_last_name",
        "applicant_first_name",
        "applicant_patronymic",
        "applicant_address",
        "organisation_name",
        "received_on",
        "summary",
        "status",
        "appeal_id",
        "incoming_document_id",
        "incoming_number",
        "incoming_date",
        "annulled_at",
        "version",
    ]
    label_columns = {"incoming_document_id": _l("Входящий документ")}
    add_columns = TitlePetitionView.add_columns
    edit_columns = TitlePetitionView.edit_columns
    order_columns = ["received_on", "id"]
    search_columns = ["campaign", "applicant_type", "received_on", "status", "organisation_name"]
    base_order = ("received_on", "desc")
