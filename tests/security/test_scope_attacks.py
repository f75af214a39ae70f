"""Row-scope attacks: a user scoped to one district, one scoped to one body and one linked to an appeal
as its executor go after another scope's record through every door — nothing is shown, nothing changes.
The foreign appeal has a copy in another body (a collection the attackers' bodies are outside of) and
an executor who is none of them (a link to another person).

The attackers hold every right on the scoped resources (a database role an Admin could compose),
and the personal-data right, so each refusal comes from the row scope alone: a foreign row is
404 wherever it is named, a payload naming a foreign body is 422, and the row stays as it was.

Every model with `__scope__` must have a case in `CASES` (a later domain declares its own);
the generic doors (show, edit, delete, actions, export, files, REST) then cover it.
tests/org/test_scope.py covers officials in depth; tests/appeals/test_actions.py the appeal actions.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from flask import Flask
from flask_appbuilder import Model
from sqlalchemy import func, inspect, select

from app.appeals.models import Appeal, AppealCopy, AppealQuestion, DocumentRequest
from app.appeals.receptions import Reception, ReceptionVisit
from app.appeals.reference.models import Channel
from app.appeals.services import assign_executor
from app.control.models import Document, ExecutionReport, Extension, Instruction, Resolution
from app.control.reference import kind_by_code
from app.core.attachments.models import Attachment
from app.core.attachments.services import add_attachment
from app.core.documents.models import GeneratedDocument
from app.core.permissions import sync_view_permissions
from app.core.records import declares_attachments
from app.events.models import CommitteeMember, Event, EventProgramme, TitleCampaign, TitlePetition
from app.extensions import db
from app.housing.models import (
    FundCategory,
    Household,
    HouseholdMember,
    HousingDecision,
    Premises,
    QueueCertificate,
    QueueEntry,
)
from app.org.models import Body, Official
from app.org.services import body_by_code, district_by_code, set_profile
from app.plans.models import PlanItem, PlanProposal
from app.plans.reference import section_by_code
from app.security import ScopeLevel
from tests.conftest import login_client
from tests.security.world import HOUSING, PDF, World, build_world
from tests.security.world_housing import case_registered_by

PASSWORD = "Scope-Attacker-2026"
FOREIGN_BODY = "district-central"
EVENT_RESOURCES = ("Event", "EventProgramme", "TitlePetition")
SCOPE_MESSAGE = "вне вашей области видимости"
#: Control's resources: the attackers hold every right on them too (the scope alone refuses).
CONTROL_RESOURCES = ("Instruction", "InstructionExecution", "ExtensionDecision", "ControlDocument")
ATTACKERS = {
    # Everything of the Заводской district administration.
    "district": ("district-zavodskoy", ScopeLevel.DISTRICT),
    # The housing department (uzhil) and its children.
    "body": ("uzhil", ScopeLevel.BODY),
    # The culture department, whose clerk is the executor of the Заводской appeal (a link to a person):
    # he sees that one appeal of other bodies, and no other.
    "person": ("culture", ScopeLevel.BODY),
}


@dataclass(frozen=True)
class Case:
    """A scoped model, its doors, and a foreign row of it (a world key)."""

    model: type
    view: str
    foreign: str
    api: str | None = None
    #: REST POST / form add naming a foreign scope (ids resolved against the world and `refs`).
    payload: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    form: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    #: A list filter naming the foreign parent (a related view's door).
    related: str | None = None
    actions: tuple[str, ...] = field(default=())
    #: What the form says: the scope error, or (a drop-down limited to the user's bodies) a missing choice.
    form_refusal: str = SCOPE_MESSAGE
    #: More write doors of the row (action pages of a domain): POSTed with the row's id as `{pk}`.
    posts: tuple[str, ...] = ()


def _appeal_payload(refs: dict[str, Any]) -> dict[str, Any]:
    return {
        "channel": refs["channel"],
        "received_date": "2025-03-05",
        "summary": "Захват чужого района",
        "receiving_body": refs["foreign_body"],
        "responsible_body": refs["foreign_body"],
        "form": "written",
        "kind": "individual",
    }


def _question(refs: dict[str, Any]) -> dict[str, Any]:
    return {"appeal": refs["foreign_appeal"], "classifier_code": HOUSING, "question_type": "statement"}


def _official(refs: dict[str, Any]) -> dict[str, Any]:
    return {"user": refs["newcomer"], "body": refs["foreign_body"], "position": "X", "scope_level": "body"}


def _instruction(refs: dict[str, Any]) -> dict[str, Any]:
    return {
        "source_kind": "meeting_protocol",
        "text": "Захват чужого органа",
        "issued_by_name": "Глава города",
        "issued_on": "2025-03-05",
        "responsible_body": refs["foreign_body"],
        "urgency": "none",
    }


def _document(refs: dict[str, Any]) -> dict[str, Any]:
    return {
        "direction": "incoming",
        "kind": refs["kind"],
        "registering_body": refs["foreign_body"],
        "addressee_body": refs["foreign_body"],
        "correspondent": refs["correspondent"],
        "summary": "Захват чужого района",
    }


CONTROL_CASES = [
    Case(
        Instruction,
        "/instructionview",
        "foreign_instruction",
        api="/api/v1/instruction",
        payload=_instruction,
        form=lambda refs: {**_instruction(refs), "issued_on": "05.03.2025"},
        # The responsible body's drop-down offers the user's own bodies only.
        form_refusal="Обязательное поле",
        posts=(
            "/control/execution/assign/{pk}",
            "/control/execution/report/{pk}",
            "/control/execution/extension/{pk}",
            "/control/extension/decide/{pk}",
            "/control/actions/review/{pk}",
            "/control/actions/remove/{pk}",
            "/control/actions/cancel/{pk}",
            "/api/v1/control/execution/{pk}/report",
            "/api/v1/control/execution/{pk}/extension",
            "/api/v1/control/decision/{pk}",
            "/api/v1/control/instruction/{pk}/remove",
        ),
    ),
    Case(
        Document,
        "/documentview",
        "foreign_document",
        api="/api/v1/document",
        payload=_document,
        form=_document,
    ),
    Case(
        Resolution,
        "/resolutionview",
        "foreign_resolution",
        api="/api/v1/resolution",
        payload=lambda refs: {"document": refs["foreign_document"], "text": "Чужая резолюция", "date": "2025-03-05"},
        form=lambda refs: {"document": refs["foreign_document"], "text": "Чужая резолюция", "date": "05.03.2025"},
        form_refusal="Обязательное поле",
    ),
    # Extensions and reports are made by the actions only: list and show are their doors.
    Case(Extension, "/extensionview", "foreign_extension"),
    Case(ExecutionReport, "/executionreportview", "foreign_report"),
]

CASES = [
    Case(
        Appeal,
        "/appealview",
        "foreign_appeal",
        api="/api/v1/appeal",
        payload=_appeal_payload,
        form=lambda refs: {**_appeal_payload(refs), "received_date": "05.03.2025"},
        actions=("assign", "extend", "answer", "forward", "copies", "close", "withdraw"),
    ),
    # Copies are made by the forward and copies actions only: list and show are their doors.
    Case(AppealCopy, "/appealcopyview", "foreign_copy"),
    Case(
        AppealQuestion,
        "/appealquestionview",
        "foreign_question",
        api="/api/v1/appealquestion",
        payload=lambda refs: {
            "appeal": refs["foreign_appeal"],
            "classifier_code": HOUSING,
            "question_type": "statement",
        },
        form=lambda refs: {"appeal": refs["foreign_appeal"], "classifier_code": HOUSING, "question_type": "statement"},
        # The form's drop-down offers visible appeals only: a foreign one is no choice at all.
        form_refusal="Обязательное поле",
    ),
    Case(
        DocumentRequest,
        "/documentrequestview",
        "foreign_document_request",
        form=lambda refs: {
            "appeal": refs["foreign_appeal"],
            "addressee": "Росреестр",
            "what": "Выписка",
            "sent_on": "05.03.2025",
        },
        form_refusal="Обязательное поле",
    ),
    Case(
        Reception,
        "/receptionview",
        "foreign_reception",
        api="/api/v1/reception",
        payload=lambda refs: {
            "official": refs["user"],
            "body": refs["foreign_body"],
            "date": "2025-03-05",
            "time_from": "10:00",
            "place": "Кабинет 1",
            "format": "office",
        },
    ),
    Case(
        ReceptionVisit,
        "/receptionvisitview",
        "foreign_visit",
        api="/api/v1/receptionvisit",
        payload=lambda refs: {
            "reception": refs["foreign_reception"],
            "visitor_last_name": "Захаров",
            "classifier_code": HOUSING,
            "questions": "Чужой приём",
        },
        related="_flt_0_reception",
        actions=("register_appeal",),
    ),
    Case(
        Official,
        "/officialview",
        "official_central",
        api="/api/v1/official",
        payload=lambda refs: {
            "user": refs["newcomer"],
            "body": refs["foreign_body"],
            "position": "X",
            "scope_level": "body",
        },
        form=lambda refs: {
            "user": refs["newcomer"],
            "body": refs["foreign_body"],
            "position": "X",
            "scope_level": "body",
        },
        form_refusal="Обязательное поле",
        actions=("deactivate",),
    ),
    *CONTROL_CASES,
]


def _plan_item(refs: dict[str, Any]) -> dict[str, Any]:
    return {
        "plan": refs["collecting_plan"],
        "section": refs["council"],
        "title": "Пункт чужого органа",
        "responsible_body": refs["foreign_body"],
        "planned_month": 3,
    }


def _plan_proposal(refs: dict[str, Any]) -> dict[str, Any]:
    return {
        "plan": refs["collecting_plan"],
        "section": refs["council"],
        "submitted_by_body": refs["foreign_body"],
        "title": "Предложение чужого органа",
        "responsible_body": refs["foreign_body"],
        "planned_month": 3,
    }


# Plans: an item is its responsible body's and read by its co-executors; a proposal its proposing body's.
CASES += [
    Case(PlanItem, "/planitemview", "foreign_plan_item", api="/api/v1/planitem", payload=_plan_item),
    Case(PlanProposal, "/planproposalview", "foreign_proposal", api="/api/v1/planproposal", payload=_plan_proposal),
    # Events (tests/events/world.py): the sports department's programme, campaign and their rows.
    Case(
        EventProgramme,
        "/eventprogrammeview",
        "foreign_programme",
        api="/api/v1/eventprogramme",
        payload=lambda refs: {"name": "Чужая программа", "year": 2020, "coordinator_body": refs["foreign_body"]},
        form=lambda refs: {"name": "Чужая программа", "year": "2020", "coordinator_body": refs["foreign_body"]},
        # The drop-down of bodies offers the user's own only.
        form_refusal="Обязательное поле",
    ),
    Case(
        CommitteeMember,
        "/committeememberview",
        "foreign_member",
        api="/api/v1/committeemember",
        payload=lambda refs: {
            "programme": refs["foreign_programme"],
            "person_name": "Захаров",
            "role": "member",
            "included_on": "2020-01-15",
            "included_by": "Распоряжение № 12",
        },
        form=lambda refs: {
            "programme": refs["foreign_programme"],
            "person_name": "Захаров",
            "role": "member",
            "included_on": "15.01.2020",
            "included_by": "Распоряжение № 12",
        },
        # The form's drop-down offers visible programmes only: a foreign one is no choice at all.
        form_refusal="Обязательное поле",
    ),
    Case(
        Event,
        "/eventview",
        "foreign_event",
        api="/api/v1/event",
        payload=lambda refs: {
            "programme": refs["foreign_programme"],
            "title": "Чужое мероприятие",
            "starts_at": "2020-05-09T10:00:00+07:00",
            "organiser_body": refs["foreign_body"],
            "planned_format": "in_person",
        },
        form=lambda refs: {
            "programme": refs["foreign_programme"],
            "title": "Чужое мероприятие",
            "starts_at": "09.05.2020 10:00",
            "organiser_body": refs["foreign_body"],
            "planned_format": "in_person",
        },
        form_refusal="Обязательное поле",
    ),
    Case(
        TitleCampaign,
        "/titlecampaignview",
        "foreign_campaign",
        api="/api/v1/titlecampaign",
        payload=lambda refs: {
            "name": "Чужая кампания",
            "honorary_title": "Город трудовой доблести",
            "started_on": "2020-01-10",
            "coordinator_body": refs["foreign_body"],
        },
    ),
    Case(
        TitlePetition,
        "/titlepetitionview",
        "foreign_petition",
        api="/api/v1/titlepetition",
        payload=lambda refs: {
            "campaign": refs["foreign_campaign"],
            "applicant_type": "organisation",
            "organisation_name": "Совет ветеранов",
            "received_on": "2020-03-02",
            "summary": "Поддерживаем",
        },
        form=lambda refs: {
            "campaign": refs["foreign_campaign"],
            "applicant_type": "organisation",
            "organisation_name": "Совет ветеранов",
            "received_on": "02.03.2020",
            "summary": "Поддерживаем",
        },
        form_refusal="Обязательное поле",
        actions=("register_appeal", "include"),
    ),
    # Housing: a case of the Центральный district and what hangs off it; its flat (by district).
    Case(
        Household,
        "/householdview",
        "foreign_household",
        api="/api/v1/household",
        payload=lambda refs: {
            "district": refs["foreign_district"],
            "applicant_last_name": "Захаров",
            "applicant_first_name": "Иван",
            "address": "г. Новокузнецк, ул. Ленина, д. 1",
        },
    ),
    Case(HouseholdMember, "/householdmemberview", "foreign_household_member", api="/api/v1/householdmember"),
    Case(QueueEntry, "/queueentryview", "foreign_queue_entry"),
    Case(QueueCertificate, "/certificateview", "foreign_certificate"),
    Case(HousingDecision, "/housingdecisionview", "foreign_housing_decision", api="/api/v1/housingdecision"),
    Case(
        Premises,
        "/premisesview",
        "foreign_premises",
        api="/api/v1/premises",
        payload=lambda refs: {
            "district": refs["foreign_district"],
            "street": "ул. Ленина",
            "house": "1",
            "apartment": "2",
            "rooms": 1,
            "total_area": 30,
            "fund_category": refs["fund_category"],
        },
    ),
]


def test_every_scoped_model_has_a_case():
    scoped = {m.class_ for m in Model.registry.mappers if getattr(m.class_, "__scope__", None) is not None}
    scoped = {m for m in scoped if not m.__tablename__.startswith("test_")}
    assert scoped == {case.model for case in CASES}


@pytest.fixture
def attack(sec_app: Flask) -> tuple[World, dict[str, Any]]:
    """The world, the attackers (a database role with every right on the scoped resources), and refs."""
    world = build_world(sec_app, officials=("zavodskoy", "central"))
    with sec_app.app_context():
        sm = sec_app.appbuilder.sm
        # `flask app init` leaves only can_read on Appeal (FAB syncs shared resources view by view).
        sync_view_permissions(sec_app.appbuilder)
        role = sm.add_role("ScopeAttacker")
        for resource in (
            "Appeal",
            "Official",
            "Attachment",
            "GeneratedDocument",
            *CONTROL_RESOURCES,
            "PlanItem",
            "PlanProposal",
            *EVENT_RESOURCES,
            "Household",
            "HousingDecision",
            "Premises",
        ):
            for perm in ("can_read", "can_write", "can_delete"):
                pv = sm.find_permission_view_menu(perm, resource)
                if pv is not None:
                    sm.add_permission_role(role, pv)
        sm.add_permission_role(role, sm.find_permission_view_menu("can_access", "PersonalData"))
        for name, (body, level) in ATTACKERS.items():
            user = sm.add_user(f"{name}_attacker", "Иван", "Взломщиков", f"{name}@example.org", role, PASSWORD)
            set_profile(user, body_by_code(body), "Специалист", level)
        assign_executor(db.session.get(Appeal, world["appeal"]), sm.find_user(username="person_attacker"))
        # Housing cases have no link to a person: the body and person attackers get a case their body
        # registered, so each has an own row to write from.
        for code, last_name in (("uzhil", "Жилин"), ("culture", "Культурин")):
            case_registered_by(code, last_name)
        assign_executor(db.session.get(Appeal, world["foreign_appeal"]), sm.find_user(username="central"))
        # The person attacker executes the Заводской instruction too (a link to a person).
        db.session.get(Instruction, world["instruction"]).executor = sm.find_user(username="person_attacker")
        newcomer = sm.add_user("newcomer", "Инна", "Новикова", "nc@example.org", sm.find_role("Supervisor"), PASSWORD)
        # A file on every foreign row of a model that takes files (the appeal has one from the world).
        for case in CASES:
            row = db.session.get(case.model, world[case.foreign])
            if case.model is not Appeal and declares_attachments(case.model):
                admin = sm.find_user(username="admin")
                world.ids[f"{case.foreign}_file"] = add_attachment(row, io.BytesIO(PDF), "Скан.pdf", user=admin).id
        world.ids["foreign_appeal_file"] = world["foreign_attachment"]
        refs = {
            "channel": db.session.scalar(select(Channel.id).where(Channel.code == "letter")),
            "foreign_body": body_by_code(FOREIGN_BODY).id,
            "foreign_district": district_by_code("central").id,
            "fund_category": db.session.scalar(select(FundCategory.id).where(FundCategory.code == "social_use")),
            "user": sm.find_user(username="deputy").id,
            "newcomer": newcomer.id,
            "foreign_appeal": world["foreign_appeal"],
            "foreign_reception": world["foreign_reception"],
            "foreign_document": world["foreign_document"],
            "kind": kind_by_code("letter").id,
            "correspondent": world["correspondent"],
            "collecting_plan": world["collecting_plan"],
            "council": section_by_code("council").id,
            "foreign_programme": world["foreign_programme"],
            "foreign_campaign": world["foreign_campaign"],
        }
        db.session.commit()
    return world, refs


def _snapshot(app: Flask, model: type, pk: int) -> dict[str, Any] | None:
    """Every column of the row (None when it is gone)."""
    with app.app_context():
        row = db.session.get(model, pk)
        if row is None:
            return None
        return {attr.key: getattr(row, attr.key) for attr in inspect(model).column_attrs}


def _count(app: Flask, model: type) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def _own_bodies(app: Flask, attacker: str) -> set[int]:
    """The attacker's bodies, worked out here from the org chart (not by app.security)."""
    code, level = ATTACKERS[attacker]
    with app.app_context():
        bodies = db.session.scalars(select(Body)).all()
        root = body_by_code(code)
        own = {b.id for b in bodies if b.district_id == root.district_id} if level is ScopeLevel.DISTRICT else {root.id}
        grown = True
        while grown:
            children = {b.id for b in bodies if b.parent_id in own} - own
            own |= children
            grown = bool(children)
        return own


def _visible_ids(app: Flask, model: type, attacker: str) -> set[int]:
    """The rows the attacker sees, worked out here from the rows themselves (not by app.security).

    An appeal is seen by its receiving and responsible bodies, the bodies it was copied to and its
    executor; its questions, copies and document requests as the appeal is; the rest by their body.
    """
    own = _own_bodies(app, attacker)
    with app.app_context():
        user_id = app.appbuilder.sm.find_user(username=f"{attacker}_attacker").id

        def appeal_seen(appeal: Appeal) -> bool:
            bodies = {appeal.receiving_body_id, appeal.responsible_body_id, *(c.body_id for c in appeal.copies)}
            return bool(bodies & own) or appeal.executor_id == user_id

        rows = db.session.scalars(select(model)).all()

        def instruction_seen(instruction: Instruction) -> bool:
            bodies = {instruction.responsible_body_id, *(b.id for b in instruction.co_executors)}
            people = {instruction.executor_id, instruction.controller_id, instruction.issued_by_id}
            return bool(bodies & own) or user_id in people

        if model is Instruction:
            return {row.id for row in rows if instruction_seen(row)}
        if model in (Extension, ExecutionReport):
            return {row.id for row in rows if instruction_seen(row.instruction)}
        if model is Document:
            return {row.id for row in rows if {row.registering_body_id, row.addressee_body_id} & own}
        if model is Resolution:
            return {row.id for row in rows if {row.document.registering_body_id, row.document.addressee_body_id} & own}
        # A housing case by its registering body, or by its district for a district's user; a flat by district.
        district = body_by_code(ATTACKERS[attacker][0]).district_id
        by_district = ATTACKERS[attacker][1] is ScopeLevel.DISTRICT

        def case_seen(household: Household) -> bool:
            return household.registering_body_id in own or (by_district and household.district_id == district)

        if model is Household:
            return {row.id for row in rows if case_seen(row)}
        if model in (HouseholdMember, QueueEntry, QueueCertificate, HousingDecision):
            return {row.id for row in rows if case_seen(row.household)}
        if model is Premises:
            return {row.id for row in rows if by_district and row.district_id == district}
        if model is Appeal:
            return {row.id for row in rows if appeal_seen(row)}
        if model in (AppealCopy, AppealQuestion, DocumentRequest):
            return {row.id for row in rows if appeal_seen(row.appeal)}
        if model is PlanItem:
            return {row.id for row in rows if {row.responsible_body_id, *(b.id for b in row.co_executors)} & own}
        if model is PlanProposal:
            return {row.id for row in rows if row.submitted_by_body_id in own}
        if model in (EventProgramme, CommitteeMember, Event, TitleCampaign, TitlePetition):
            return {row.id for row in rows if _event_row_seen(row, own, _own_district(app, attacker))}
        return {row.id for row in rows if row.body_id in own}


def _own_district(app: Flask, attacker: str) -> int | None:
    code, level = ATTACKERS[attacker]
    return body_by_code(code).district_id if level is ScopeLevel.DISTRICT else None


def _event_row_seen(row: Any, own: set[int], district: int | None) -> bool:
    """A programme by its coordinating body and its committee's bodies; an event by its organiser, the
    coordinating body, the committee's bodies and its district; a campaign by its coordinating body;
    committee members and petitions as their programme and campaign are."""
    if isinstance(row, CommitteeMember):
        row = row.programme
    if isinstance(row, TitlePetition):
        row = row.campaign
    if isinstance(row, EventProgramme):
        return bool({row.coordinator_body_id, *(m.body_id for m in row.committee_members)} & own)
    if isinstance(row, TitleCampaign):
        return row.coordinator_body_id in own
    bodies = {row.organiser_body_id, row.coordinator_body_id, *(b.id for b in row.committee_bodies)}
    return bool(bodies & own) or (district is not None and row.district_id == district)


@pytest.mark.parametrize("attacker", sorted(ATTACKERS))
@pytest.mark.parametrize("case", CASES, ids=[case.model.__name__ for case in CASES])
def test_a_foreign_row_is_refused_through_every_door_and_stays_unchanged(sec_app, attack, case, attacker):
    world, refs = attack
    client = login_client(sec_app, f"{attacker}_attacker", PASSWORD)
    pk = world[case.foreign]
    before, rows_before = _snapshot(sec_app, case.model, pk), _count(sec_app, case.model)
    assert before is not None
    refused: list[str] = []

    def expect(status: int, method: str, url: str, **kwargs: Any) -> None:
        response = client.open(url, method=method, **kwargs)
        response.get_data()
        response.close()
        if response.status_code != status:
            refused.append(f"{method} {url}: {response.status_code}, expected {status}")

    # The record's own pages.
    expect(404, "GET", f"{case.view}/show/{pk}")
    expect(404, "GET", f"{case.view}/edit/{pk}")
    expect(404, "POST", f"{case.view}/edit/{pk}", data={"version": before.get("version", 1)})
    expect(404, "POST", f"{case.view}/delete/{pk}")
    for name in case.actions:
        if case.model is Appeal:
            expect(404, "POST", f"/appeals/actions/{name}/{pk}", data={"version": before["version"]})
        else:
            expect(404, "POST", f"{case.view}/action/{name}/{pk}")
            if name != "register_appeal":
                expect(404, "POST", f"{case.view}/action_post", data={"action": name, "rowid": [pk]})
    for url in case.posts:
        kwargs = {"json": {"version": before.get("version", 1)}} if url.startswith("/api/") else {}
        expect(404, "POST", url.format(pk=pk), **(kwargs or {"data": {"version": before.get("version", 1)}}))
    # Its files (a model that takes none answers the same 404) and documents.
    table = case.model.__tablename__
    file_id = world.ids.get(f"{case.foreign}_file")
    if declares_attachments(case.model):
        expect(404, "GET", f"/attachments/download/{file_id}")
        expect(404, "POST", f"/attachments/delete/{file_id}")
    expect(404, "GET", f"/attachments/upload/{table}/{pk}")
    expect(404, "POST", f"/attachments/upload/{table}/{pk}", data={"file": (io.BytesIO(PDF), "x.pdf"), "kind": "scan"})
    if case.model is Official:
        expect(404, "POST", f"/documents/generate/org_official_card/{pk}")
        expect(404, "GET", f"/documents/file/{world['document_central']}")
    # The REST API.
    if case.api:
        expect(404, "GET", f"{case.api}/{pk}")
        expect(404, "PUT", f"{case.api}/{pk}", json={"version": before.get("version", 1)})
        expect(404, "DELETE", f"{case.api}/{pk}")
    # A payload naming another district's body (or a record of it): 422 on the API, the form again.
    if case.api and case.payload:
        response = client.post(f"{case.api}/", json=case.payload(refs))
        if response.status_code != 422 or SCOPE_MESSAGE not in str(response.json["message"]):
            refused.append(f"POST {case.api}/ naming a foreign scope: {response.status_code} {response.text[:200]}")
    if case.form:
        response = client.post(f"{case.view}/add", data=case.form(refs))
        if response.status_code != 200 or case.form_refusal not in response.text:
            refused.append(f"POST {case.view}/add naming a foreign scope: {response.status_code}")
    assert not refused, f"{attacker} attacker on {case.model.__name__}:\n" + "\n".join(refused)

    # Lists, exports and related lists show exactly the attacker's own rows.
    visible = _visible_ids(sec_app, case.model, attacker)
    exported = list(
        csv.reader(io.StringIO(client.post(f"{case.view}/export/csv").text.lstrip("\ufeff")), delimiter=";")
    )
    assert len(exported) - 1 == len(visible)
    if case.api:
        listed = {row["id"] for row in client.get(f"{case.api}/?q=(page_size:100)").json["result"]}
        assert listed == visible and pk not in listed
    if case.related:
        related = client.post(f"{case.view}/export/csv?{case.related}={refs['foreign_reception']}").text
        assert len(related.strip().splitlines()) == 1  # the header only

    assert _snapshot(sec_app, case.model, pk) == before
    assert _count(sec_app, case.model) == rows_before
    with sec_app.app_context():
        assert file_id is None or db.session.get(Attachment, file_id) is not None
        files = select(func.count()).where(Attachment.entity_type == table, Attachment.entity_id == pk)
        assert db.session.scalar(files) == (1 if file_id else 0)
        assert db.session.scalar(select(func.count()).select_from(GeneratedDocument)) == 2


def test_the_attackers_own_rows_open(sec_app, attack):
    """The refusals above are the scope's: the same attacker opens a row of their own."""
    world, _ = attack
    district = login_client(sec_app, "district_attacker", PASSWORD)
    body = login_client(sec_app, "body_attacker", PASSWORD)
    person = login_client(sec_app, "person_attacker", PASSWORD)
    # The appeal was received by the Заводской district, is answered by the housing department, and its
    # executor is the culture department's clerk; he also reaches its question.
    for client in (district, body, person):
        assert client.get(f"/appealview/show/{world['appeal']}").status_code == 200
        assert client.get(f"/api/v1/appeal/{world['appeal']}").status_code == 200
    assert person.get(f"/appealquestionview/edit/{world['question']}").status_code == 200
    assert district.get(f"/receptionvisitview/show/{world['visit']}").status_code == 200
    assert body.get(f"/receptionvisitview/show/{world['uzhil_visit']}").status_code == 200
    download = district.get(f"/attachments/download/{world['attachment']}")
    assert download.data == PDF
    download.close()
    # And attaches a file to it: the write right on appeals and the row scope hold.
    for client, visit in ((district, world["visit"]), (body, world["uzhil_visit"])):
        response = client.post(
            f"/attachments/upload/appeals_reception_visit/{visit}",
            data={"file": (io.BytesIO(PDF), "Заявление.pdf"), "kind": "scan"},
        )
        assert response.status_code == 302, response.text[:300]
    with sec_app.app_context():
        owners = db.session.scalars(
            select(Attachment.entity_id).where(Attachment.original_name == "Заявление.pdf").order_by(Attachment.id)
        ).all()
        assert owners == [world["visit"], world["uzhil_visit"]]


# ---- links: a write naming a row of a scoped model the user does not see --------------------------
#
# Generated from the models: every add or edit column of every REST API and every form that links a
# model with `__scope__` is attacked with that model's foreign row (CASES name one per scoped model).
# A later domain's links are covered as soon as its model has a case above.


def _foreign_rows() -> dict[type, str]:
    return {case.model: case.foreign for case in CASES}


def _scoped_links(owner: Any, columns: list[str]) -> list[tuple[str, type]]:
    """(column, target) of every column of `columns` that links a scoped model."""
    relationships = inspect(owner.datamodel.obj).relationships
    return [
        (column, relationships[column].mapper.class_)
        for column in columns
        if column in relationships and getattr(relationships[column].mapper.class_, "__scope__", None) is not None
    ]


def _writable(app: Flask, kind: type, method: str) -> list[Any]:
    from app.core.views import UpravaModelRestApi, UpravaModelView

    base = UpravaModelRestApi if kind is UpravaModelRestApi else UpravaModelView
    return [
        owner
        for owner in app.appbuilder.baseviews
        if isinstance(owner, base) and f"{owner.endpoint}.{method}" in app.view_functions
    ]


def _api_link_doors(app: Flask) -> list[tuple[Any, str, str, type]]:
    """(api, "post"/"put", column, target) for every REST write that can link a scoped model."""
    from app.core.views import UpravaModelRestApi

    doors = []
    for api in _writable(app, UpravaModelRestApi, "post"):
        doors += [(api, "post", column, target) for column, target in _scoped_links(api, api.add_columns)]
    for api in _writable(app, UpravaModelRestApi, "put"):
        doors += [(api, "put", column, target) for column, target in _scoped_links(api, api.edit_columns)]
    return doors


def test_every_scoped_model_that_a_write_can_link_has_a_foreign_row_to_attack_with(sec_app):
    doors = _api_link_doors(sec_app)
    assert {(api.resource_name, method, column) for api, method, column, _t in doors} >= {
        ("appeal", "post", "previous_appeal"),
        ("appeal", "put", "previous_appeal"),
        ("appealquestion", "post", "appeal"),
        ("receptionvisit", "post", "reception"),
    }
    assert {target for *_rest, target in doors} <= set(_foreign_rows())


def _own_row(app: Flask, model: type, attacker: str) -> Any:
    from tests.security.world import row_for

    return row_for(model, app.appbuilder.sm.find_user(username=f"{attacker}_attacker"))


@pytest.mark.parametrize("attacker", sorted(ATTACKERS))
def test_a_rest_write_linking_a_foreign_row_is_a_422_and_changes_nothing(sec_app, attack, attacker):
    """Finding 1 and 2 of the outside probe: PUT /api/v1/appeal/<own> with another district's appeal as the
    previous appeal was a 200 — for every link of every API to every scoped model, now a 422."""
    world, _refs = attack
    client = login_client(sec_app, f"{attacker}_attacker", PASSWORD)
    foreign = _foreign_rows()
    wrong = []
    for api, method, column, target in _api_link_doors(sec_app):
        model = api.datamodel.obj
        foreign_pk = world[foreign[target]]
        with sec_app.app_context():
            own = _own_row(sec_app, model, attacker)
            own_pk, label = own.id, str(api.field_labels().get(column))
            # A complete, valid body of the attacker's own row, only the link pointing elsewhere.
            body = {**api.add_model_schema.dump(own), column: foreign_pk} if method == "post" else {}
            # Links with a rule of their own (the executor, who may be another body's official assigned to
            # the attacker's row) are left out: each door is attacked through its one link.
            for other in getattr(model, "__links__", {}):
                if other != column:
                    body.pop(other, None)
        before, rows_before = _snapshot(sec_app, model, own_pk), _count(sec_app, model)
        if method == "post":
            response = client.post(f"/api/v1/{api.resource_name}/", json=body)
        else:
            body = {column: foreign_pk, "version": before.get("version", 1)}
            response = client.put(f"/api/v1/{api.resource_name}/{own_pk}", json=body)
        message = (response.json or {}).get("message")
        if response.status_code != 422 or SCOPE_MESSAGE not in str(message) or f"«{label}»" not in str(message):
            wrong.append(f"{method.upper()} {api.resource_name}.{column}: {response.status_code} {message}")
        if _snapshot(sec_app, model, own_pk) != before or _count(sec_app, model) != rows_before:
            wrong.append(f"{method.upper()} {api.resource_name}.{column}: the data changed")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("attacker", sorted(ATTACKERS))
def test_an_edit_form_linking_a_foreign_row_is_refused_and_changes_nothing(sec_app, attack, attacker):
    from app.core.views import UpravaModelView
    from scripts.load.formdata import form_fields

    world, _refs = attack
    client = login_client(sec_app, f"{attacker}_attacker", PASSWORD)
    foreign = _foreign_rows()
    tried = []
    for view in _writable(sec_app, UpravaModelView, "edit"):
        for column, target in _scoped_links(view, view.edit_columns):
            with sec_app.app_context():
                own_pk = _own_row(sec_app, view.datamodel.obj, attacker).id
            before = _snapshot(sec_app, view.datamodel.obj, own_pk)
            url = f"{view.route_base}/edit/{own_pk}"
            data = {**form_fields(client.get(url).text, "model_form"), column: str(world[foreign[target]])}
            response = client.post(url, data=data)
            assert response.status_code == 200, f"{url} {column}"
            assert _snapshot(sec_app, view.datamodel.obj, own_pk) == before, f"{url} {column}"
            tried.append(f"{view.route_base}.{column}")
    assert "/appealview.previous_appeal" in tried


def test_the_form_write_hook_refuses_a_foreign_link_past_the_drop_down(sec_app, attack):
    """The drop-down offers visible rows only; the write guard behind it refuses a foreign one anyway."""
    from flask import g

    from app.core.errors import LinkRefused

    world, _refs = attack
    with sec_app.test_request_context():
        g.user = sec_app.appbuilder.sm.find_user(username="district_attacker")
        view = next(v for v in sec_app.appbuilder.baseviews if v.__class__.__name__ == "AppealView")
        appeal = db.session.get(Appeal, world["appeal"])
        appeal.previous_appeal = db.session.get(Appeal, world["foreign_appeal"])
        with pytest.raises(LinkRefused) as refused:
            view.pre_update(appeal)
        assert refused.value.field == "previous_appeal"
        assert str(refused.value).startswith("Поле «Предыдущее обращение»")
        db.session.rollback()


def test_an_old_link_to_a_row_that_left_the_users_scope_does_not_block_an_unrelated_edit(sec_app, attack):
    """A link made while the row was visible stays; the record is still editable (REST and form alike)."""
    from scripts.load.formdata import form_fields

    world, _refs = attack
    with sec_app.app_context():
        appeal = db.session.get(Appeal, world["appeal"])
        appeal.previous_appeal_id = world["foreign_appeal"]
        db.session.commit()
        version = appeal.version
    client = login_client(sec_app, "district_attacker", PASSWORD)
    put = client.put(f"/api/v1/appeal/{world['appeal']}", json={"summary": "Переселение: уточнено", "version": version})
    assert put.status_code == 200, put.text[:300]
    page = client.get(f"/appealview/edit/{world['appeal']}").text
    saved = client.post(
        f"/appealview/edit/{world['appeal']}",
        data={**form_fields(page, "model_form"), "problem_address": "ул. Кирова, 1"},
    )
    assert saved.status_code == 302, saved.text[:500]
    with sec_app.app_context():
        appeal = db.session.get(Appeal, world["appeal"])
        assert (appeal.summary, appeal.problem_address) == ("Переселение: уточнено", "ул. Кирова, 1")
        assert appeal.previous_appeal_id == world["foreign_appeal"]


def test_adding_a_foreign_row_to_a_collection_is_refused(sec_app, attack):
    """Collections too: a stored row of a scoped model appended to a record's list is a new link."""
    from flask import g

    from app.core.errors import LinkRefused
    from app.security import ensure_relations_in_scope

    world, _refs = attack
    with sec_app.test_request_context():
        g.user = sec_app.appbuilder.sm.find_user(username="district_attacker")
        appeal = db.session.get(Appeal, world["appeal"])
        appeal.questions.append(db.session.get(AppealQuestion, world["foreign_question"]))
        with pytest.raises(LinkRefused) as refused:
            ensure_relations_in_scope(appeal, {"questions": "Вопросы"})
        assert refused.value.field == "questions"
        db.session.rollback()
        # Its own question, and a new one being created with it, are no foreign links.
        appeal = db.session.get(Appeal, world["appeal"])
        appeal.questions.append(AppealQuestion(classifier_code=HOUSING))
        ensure_relations_in_scope(appeal)
        db.session.rollback()


@pytest.mark.parametrize("attacker", sorted(ATTACKERS))
def test_pick_lists_offer_only_rows_the_attacker_may_link(sec_app, attack, attacker):
    """REST `_info` and the forms' `related/<column>` lookups list own rows only (finding 3)."""
    from app.core.views import UpravaModelRestApi, UpravaModelView

    world, _refs = attack
    client = login_client(sec_app, f"{attacker}_attacker", PASSWORD)
    foreign = _foreign_rows()
    checked = []
    for api in _writable(sec_app, UpravaModelRestApi, "info"):
        info = client.get(f"/api/v1/{api.resource_name}/_info").json
        for key, columns in (("add_columns", api.add_columns), ("edit_columns", api.edit_columns)):
            fields = {f["name"]: f for f in info.get(key, [])}
            for column, target in _scoped_links(api, columns):
                offered = {v["id"] for v in fields[column]["values"]}
                assert offered <= _visible_ids(sec_app, target, attacker), f"{api.resource_name} {key} {column}"
                assert world[foreign[target]] not in offered
                checked.append(f"{api.resource_name}.{column}")
    for view in _writable(sec_app, UpravaModelView, "related"):
        for form, columns in (("add", view.add_columns), ("edit", view.edit_columns)):
            for column, target in _scoped_links(view, columns):
                found = client.get(f"{view.route_base}/related/{column}?form={form}").json["result"]
                offered = {row["id"] for row in found}
                assert offered <= _visible_ids(sec_app, target, attacker), f"{view.route_base} {form} {column}"
                checked.append(f"{view.route_base}.{column}")
    assert {"appeal.previous_appeal", "appealquestion.appeal", "/appealview.previous_appeal"} <= set(checked)


def test_a_declared_link_rule_limits_who_may_be_an_appeals_executor_on_every_path(sec_app, attack):
    """Appeal.__links__: the executor is an official of the appeal's responsible body (or a body under it)
    whose role works appeals and whom the user sees — `_info` (which knows no appeal: the part of the rule
    that needs none), the form's lookup (for the appeal, or for the responsible body the form holds) and the
    write guard apply the same rule. The world's appeal is received by the Заводской administration and
    answered by the housing department: the district's own clerk is not its executor (issue 13, item 1)."""
    world, _refs = attack
    client = login_client(sec_app, "district_attacker", PASSWORD)
    with sec_app.app_context():
        sm = sec_app.appbuilder.sm
        outsider, colleague = sm.find_user(username="central").id, sm.find_user(username="zavodskoy").id
        attacker = sm.find_user(username="district_attacker").id
        district = body_by_code("district-zavodskoy").id
        version = db.session.get(Appeal, world["appeal"]).version
    url = f"/api/v1/appeal/{world['appeal']}"
    refused = client.put(url, json={"executor": outsider, "version": version})
    assert refused.status_code == 422
    assert refused.json["message"].startswith("Поле «Исполнитель»: такой записи нет, или она вне вашей области")
    # A colleague he sees, but not of the responsible body: refused too.
    assert client.put(url, json={"executor": colleague, "version": version}).status_code == 422
    info = client.get("/api/v1/appeal/_info").json
    offered = {v["id"] for f in info["edit_columns"] if f["name"] == "executor" for v in f["values"]}
    assert colleague in offered and outsider not in offered
    lookup = {row["id"] for row in client.get("/appealview/related/executor?form=edit").json["result"]}
    assert lookup == offered
    record = f"/appealview/related/executor?form=edit&pk={world['appeal']}"
    assert client.get(record).json["result"] == []
    moved = {row["id"] for row in client.get(f"{record}&dep_responsible_body={district}").json["result"]}
    assert moved == {colleague, attacker}
    # A form's lookup answers for that form's own columns only.
    assert client.get("/appealquestionview/related/appeal?form=edit").status_code == 404
    assert client.get("/appealview/related/executor?form=nosuch").status_code == 404
    # The district takes the appeal over and gives it to its clerk in one write: allowed.
    both = {"responsible_body": district, "executor": colleague, "version": version}
    assert client.put(url, json=both).status_code == 200
    with sec_app.app_context():
        assert db.session.get(Appeal, world["appeal"]).executor_id == colleague
