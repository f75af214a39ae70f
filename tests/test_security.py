"""Roles grant rights, the official profile grants scope (app/security.py)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.org.models import Body
from app.security import (
    ADMIN,
    BUILTIN_ROLES,
    ScopeLevel,
    Visibility,
    build_fab_roles,
    password_complexity,
    visibility_for,
)

# The bar per role (app/core/menus.py): category key -> entries, in the order shown. A new domain adds its
# category and entries here; tests/e2e/test_menus.py checks the same bar in the browser, on one line at 1280 px.
REFERENCE_ORG = ["Bodies", "Districts", "Officials"]
REFERENCE_CALENDAR = ["WorkingDays", "DeadlineRules"]
APPEALS_REFERENCE = ["AppealChannels", "PosCategories", "AppealResults", "ClosureReasons", "Classifier"]
REFERENCE_DOCUMENTS = ["DocumentTemplates", "GeneratedDocuments"]
CONTROL_REFERENCE = ["Correspondents", "DocumentKinds"]
PLANS_REFERENCE = ["PlanSections"]
HOUSING_REFERENCE = [
    "HousingListTypes",
    "HousingGrounds",
    "HousingFundCategories",
    "HousingDecisionTypes",
    "HousingNorms",
]
REFERENCE = {
    "Reference": [
        *REFERENCE_ORG,
        *REFERENCE_CALENDAR,
        *APPEALS_REFERENCE,
        *CONTROL_REFERENCE,
        *PLANS_REFERENCE,
        *HOUSING_REFERENCE,
        *REFERENCE_DOCUMENTS,
    ]
}
JOURNALS = ["ChangeLog", "ExportLog"]
APPEALS = {"Appeals": ["AppealList", "AppealsOverdue", "AppealsThisWeek", "AppealsMine", "Receptions", "AppealReports"]}
# Clerks who register appeals (and Admin) also import them from files; readers do not.
APPEALS_WRITE = {"Appeals": [*APPEALS["Appeals"], "AppealImport"]}
# «Рабочий стол»: the dashboards of the registers one reads, and one's own background jobs (every role).
WORKSPACE_ALL = {
    "Workspace": [
        "AppealsDashboard",
        "ControlDashboard",
        "PlansDashboard",
        "EventsDashboard",
        "HousingDashboard",
        "Jobs",
    ]
}


def workspace(*dashboards: str) -> dict[str, list[str]]:
    """The «Рабочий стол» of a role reading these registers: their dashboards in the bar's order, then Jobs."""
    return {"Workspace": [d for d in WORKSPACE_ALL["Workspace"] if d in dashboards or d == "Jobs"]}


# Control: the instruction lists with their presets, the registry, the reports; the officer also imports.
CONTROL = {
    "Control": [
        "InstructionList",
        "InstructionsOnControl",
        "InstructionsOverdue",
        "InstructionsThisWeek",
        "DocumentList",
        "ControlReports",
    ]
}
CONTROL_WRITE = {"Control": [*CONTROL["Control"], "DocumentImport", "InstructionImport"]}
# Plans: everybody who works them reads the plans, proposals, items and their reports; the deputy heads also
# their «awaiting my agreement» list; the coordinators (and Admin) import plans from files.
_PLANS = ["Plans", "PlanProposals", "PlanItems", "PlanItemsThisMonth", "PlanItemsUnmarked", "PlanReports"]
PLANS = {"Plans": _PLANS}
PLANS_DEPUTY = {"Plans": [*_PLANS[:2], "PlanProposalsToAgree", *_PLANS[2:]]}
PLANS_COORDINATOR = {"Plans": [*_PLANS, "PlanImport"]}
# Events (app/events): the calendar and lists for everybody who reads them; programmes, petitions and the
# import by right. Body staff keep their body's events and read the programmes they work to.
EVENT_LISTS = ["EventCalendar", "EventList", "EventsThisWeek", "EventsWithoutOutcome"]
PETITIONS = ["TitlePetitions", "TitleCampaigns", "PetitionReports"]
EVENTS_ALL = {"Events": [*EVENT_LISTS, "EventProgrammes", "EventReports", *PETITIONS, "EventImport"]}
EVENTS_READ = {"Events": [*EVENT_LISTS, "EventProgrammes", "EventReports", *PETITIONS]}
EVENTS_BODY = {"Events": [*EVENT_LISTS, "EventProgrammes", "EventReports"]}
HOUSING = {
    "Housing": [
        "Households",
        "HouseholdsAwaiting",
        "HouseholdsOverdue",
        "HousingQueue",
        "HousingDecisions",
        "HousingHandover",
        "HousingPremises",
        "HousingReports",
    ]
}
# The city's housing department (and Admin) also loads the legacy registries.
HOUSING_IMPORTS = ["HousingImportHouseholds", "HousingImportMembers", "HousingImportPremises", "HousingImportDecisions"]
HOUSING_WRITE = {"Housing": [*HOUSING["Housing"], *HOUSING_IMPORTS]}
# Body staff read appeals, instructions, plan items and their body's events.
BODY_WORKSPACE = workspace("AppealsDashboard", "ControlDashboard", "PlansDashboard", "EventsDashboard")
EXPECTED_MENUS = {
    "admin": {
        **WORKSPACE_ALL,
        **APPEALS_WRITE,
        **CONTROL_WRITE,
        "Plans": [*PLANS_DEPUTY["Plans"], "PlanImport"],
        **HOUSING_WRITE,
        **EVENTS_ALL,
        "Reference": [
            *REFERENCE_ORG,
            *REFERENCE_CALENDAR,
            *APPEALS_REFERENCE,
            "ClassifierImport",
            *CONTROL_REFERENCE,
            *PLANS_REFERENCE,
            *HOUSING_REFERENCE,
            *REFERENCE_DOCUMENTS,
        ],
        "Administration": [
            "List Users",
            "List Roles",
            "List Groups",
            *JOURNALS,
            "PersonalDataAccess",
            "Attachments",
            "NumberingJournals",
        ],
    },
    "supervisor": {
        **WORKSPACE_ALL,
        **APPEALS,
        **CONTROL,
        **PLANS,
        **HOUSING,
        **EVENTS_READ,
        **REFERENCE,
        "Administration": [*JOURNALS, "Attachments"],
    },
    "deputy": {
        **workspace("AppealsDashboard", "ControlDashboard", "PlansDashboard"),
        **APPEALS,
        **CONTROL,
        **PLANS_DEPUTY,
        **REFERENCE,
    },
    "appeals": {**workspace("AppealsDashboard"), **APPEALS_WRITE, **REFERENCE},
    # The control officer reads appeals to put them on control.
    "control": {**workspace("AppealsDashboard", "ControlDashboard"), **APPEALS, **CONTROL_WRITE, **REFERENCE},
    "plans": {**workspace("PlansDashboard"), **PLANS_COORDINATOR, **REFERENCE},
    "housing": {**workspace("HousingDashboard"), **HOUSING_WRITE, **REFERENCE},
    "events": {**workspace("EventsDashboard"), **EVENTS_ALL, **REFERENCE},
    # A district's clerk registers housing applications of the district; decisions and premises he reads.
    "zavodskoy": {**workspace("AppealsDashboard", "HousingDashboard"), **APPEALS_WRITE, **HOUSING, **REFERENCE},
    # Body staff work their body's appeals and those assigned to them (their row scope decides which);
    # registering appeals from files is the appeals department's and the districts'.
    "udkh": {**BODY_WORKSPACE, **APPEALS, **CONTROL, **PLANS, **EVENTS_BODY, **REFERENCE},
    "culture": {**BODY_WORKSPACE, **APPEALS, **CONTROL, **PLANS, **EVENTS_BODY, **REFERENCE},
}


def _menu(client) -> dict[str, list[str]]:
    data = client.get("/api/v1/menu/").json["result"]
    return {item["name"]: [child["name"] for child in item.get("childs", [])] for item in data}


@pytest.mark.parametrize("username", sorted(EXPECTED_MENUS))
def test_each_role_sees_exactly_its_menus(login, username):
    assert _menu(login(username)) == EXPECTED_MENUS[username]


def test_menu_labels_are_russian(login):
    data = {item["name"]: item for item in login("supervisor").get("/api/v1/menu/").json["result"]}
    assert [item["label"] for item in data.values()] == [
        "Рабочий стол",
        "Обращения",
        "Контроль",
        "Планы",
        "Жильё",
        "Мероприятия",
        "Справочники",
        "Администрирование",
    ]
    assert [c["label"] for c in data["Reference"]["childs"][:3]] == [
        "Органы администрации",
        "Районы",
        "Должностные лица",
    ]


def test_fab_roles_regexes_are_anchored():
    roles = build_fab_roles([])
    assert set(roles) == set(BUILTIN_ROLES)
    for role, grants in roles.items():
        for view, perm in grants:
            assert view.startswith("^") and view.endswith("$"), (role, view)
            assert perm.startswith("^") and perm.endswith("$"), (role, perm)
    assert roles[ADMIN] == [("^.*$", "^.*$")]


def test_supervisor_reads_but_cannot_write_or_manage_users(login):
    client = login("supervisor")
    assert client.get("/bodyview/list/").status_code == 200
    assert client.get("/bodyview/add").status_code == 403
    assert client.get("/users/list/").status_code == 403
    assert client.get("/roles/list/").status_code == 403
    response = client.post("/api/v1/body/", json={"code": "x", "name": "Новый орган", "kind": "department"})
    assert response.status_code == 403


def test_anonymous_is_sent_to_login(app):
    response = app.test_client().get("/bodyview/list/")
    assert response.status_code == 302
    assert "/login/" in response.headers["Location"]


def test_personal_data_right_goes_to_those_who_handle_citizens(app):
    with app.test_request_context():
        from flask import g
        from flask_login import login_user

        from app.security import can_see_personal_data

        sm = app.appbuilder.sm
        expected = {
            "appeals": True,
            "zavodskoy": True,
            "housing": True,
            "supervisor": False,
            "deputy": False,
            # A citizen correspondent of an instruction; a resident's petition for an event.
            "control": True,
            "events": True,
            # Body staff answer the appeals assigned to them: the applicant's name and address.
            "udkh": True,
            "plans": False,
            "admin": True,
        }
        for username, allowed in expected.items():
            user = sm.find_user(username=username)
            login_user(user)
            g.user = user  # what FAB's before_request sets
            assert can_see_personal_data() is allowed, username


def test_password_policy_names_what_is_missing():
    from flask_appbuilder.exceptions import PasswordComplexityValidationError

    with pytest.raises(PasswordComplexityValidationError, match="заглавная буква"):
        password_complexity("novokuznetsk2026")
    password_complexity("Novokuznetsk2026")


# ---- visibility from the profile --------------------------------------------------------


def visibility(app, username: str) -> Visibility:
    return visibility_for(app.appbuilder.sm.find_user(username=username))


def _body(code: str) -> Body:
    return db.session.scalar(select(Body).where(Body.code == code))


def test_city_scope_sees_everything(app_ctx):
    assert visibility(app_ctx, "supervisor").everything


def test_district_scope_covers_the_district_bodies_only(app_ctx):
    vis = visibility(app_ctx, "zavodskoy")
    assert not vis.everything
    assert vis.body_ids == {_body("district-zavodskoy").id}
    assert vis.district_ids == {_body("district-zavodskoy").district_id}


def test_body_scope_includes_child_bodies(app_ctx):
    from app.org.services import set_profile

    user = app_ctx.appbuilder.sm.find_user(username="housing")
    set_profile(user, _body("docs"), "Начальник управления", ScopeLevel.BODY)
    vis = visibility(app_ctx, "housing")
    # The appeals department is a child of the documentation department.
    assert vis.body_ids == {_body("docs").id, _body("appeals").id}


def test_supervised_scope_follows_the_supervisor_field(app_ctx):
    vis = visibility(app_ctx, "deputy")
    assert vis.body_ids == {_body("kgkh").id, _body("udkh").id, _body("uzhil").id}
    # Changing who supervises a body changes what the deputy sees, without a role change.
    _body("culture").supervisor_id = app_ctx.appbuilder.sm.find_user(username="deputy").id
    db.session.flush()
    assert _body("culture").id in visibility(app_ctx, "deputy").body_ids


def test_user_without_profile_sees_nothing(app_ctx):
    sm = app_ctx.appbuilder.sm
    user = sm.add_user("noprofile", "Без", "Профиля", "np@example.org", sm.find_role("Supervisor"), "Strong-Pass-2026")
    vis = visibility(app_ctx, user.username)
    assert vis == Visibility()
    assert not vis.everything and not vis.body_ids and not vis.district_ids
