"""Files belong only to the models that declare them, behind the rights of the view that shows them.

Generated from the models: every model declaring `__attachments__` gets its upload and download
checked for every built-in role (Attachment right × the owning view's right × the personal-data
right), and every other mapped table — journals, reference data, the org chart, the calendar —
refuses a file from everybody with the answer a missing row gets. A later domain's model that
declares attachments must name an own row and its resource in `OWN_ROWS`; the rest follows.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from flask import Flask
from flask_appbuilder import Model
from sqlalchemy import func, select

from app.appeals.models import Appeal
from app.appeals.receptions import Reception, ReceptionVisit
from app.control.models import Document, ExecutionReport
from app.core.attachments.models import Attachment
from app.core.documents.models import GeneratedDocument
from app.core.records import declares_attachments, record_resource
from app.events.models import EventProgramme, TitlePetition
from app.extensions import db
from app.housing.models import Household, HousingDecision, Premises
from app.org.models import Official
from app.org.services import body_by_code, set_profile
from app.plans.models import Plan
from app.security import ADMIN, ScopeLevel
from tests.conftest import login_client
from tests.security.matrix import LOGIN, PERSONAL_DATA, PRINCIPALS, RIGHTS
from tests.security.world import PDF, World

#: Who sees the world's Заводской rows, worked out from the org chart by hand: city-wide users and
#: the district's clerk; the appeal (answered by the housing department) also the housing officer
#: and the deputy head who supervises that department.
CITY = {"admin", "supervisor", "appeals", "control", "plans"}
SEEN_BY = {
    "appeal": CITY | {"zavodskoy", "housing", "deputy"},
    "reception": CITY | {"zavodskoy"},
    "visit": CITY | {"zavodskoy"},
    # A letter addressed to the Заводской district administration; the events coordinator (city-wide) reads
    # the registry's documents to link an organisation's petition to its letter.
    "document": CITY | {"zavodskoy", "events"},
    # The report on its instruction, co-executed by the housing department and issued by the deputy head.
    "report": CITY | {"zavodskoy", "housing", "deputy"},
    # A plan is the administration's own document: every reader of plans sees it.
    "plan": set(PRINCIPALS),
    # The culture department's programme (events is a city-wide user): УДКХиБ sits on its committee,
    # which the deputy head supervises; its campaign's petition only the city-wide users.
    "programme": CITY | {"events", "udkh", "deputy"},
    "petition": CITY | {"events"},
    # Housing cases and flats: by district; the housing department is city-wide.
    "household": CITY | {"zavodskoy", "housing"},
    "housing_decision": CITY | {"zavodskoy", "housing"},
    "premises": CITY | {"zavodskoy", "housing"},
}


#: Every model taking files: an own row of the world, its file, and the resource of its view (the matrix's).
OWN_ROWS: dict[type, tuple[str, str, str]] = {
    Appeal: ("appeal", "attachment", "Appeal"),
    Reception: ("reception", "reception_attachment", "Appeal"),
    ReceptionVisit: ("visit", "visit_attachment", "Appeal"),
    Document: ("document", "document_attachment", "ControlDocument"),
    ExecutionReport: ("report", "report_attachment", "InstructionExecution"),
    Plan: ("plan", "plan_attachment", "Plan"),
    EventProgramme: ("programme", "programme_attachment", "EventProgramme"),
    TitlePetition: ("petition", "petition_attachment", "TitlePetition"),
    Household: ("household", "household_attachment", "Household"),
    HousingDecision: ("housing_decision", "housing_decision_attachment", "HousingDecision"),
    Premises: ("premises", "premises_attachment", "Premises"),
}


def _declaring() -> list[type]:
    return sorted(
        (
            m.class_
            for m in Model.registry.mappers
            if declares_attachments(m.class_) and not m.class_.__tablename__.startswith("test_")
        ),
        key=lambda m: m.__name__,
    )


def _undeclared_tables() -> list[tuple[type, str]]:
    models = [m.class_ for m in Model.registry.mappers if not declares_attachments(m.class_)]
    return sorted(
        ((m, m.__tablename__) for m in models if not m.__tablename__.startswith("test_")), key=lambda pair: pair[1]
    )


def test_every_model_that_takes_files_has_a_case_and_a_view_guarding_it(security_app):
    assert set(_declaring()) == set(OWN_ROWS)
    with security_app.app_context():
        for model, (_row, _file, resource) in OWN_ROWS.items():
            assert record_resource(model) == resource, model.__name__
        # No two views guard one model with different resources (record_resource would raise).
        for mapper in Model.registry.mappers:
            record_resource(mapper.class_)


def _expected(username: str, model: type, row: str, right: str) -> str:
    """What a principal gets on a file door of an own row: from the matrix's rights, by hand."""
    role = PRINCIPALS[username]
    if role is None:
        return LOGIN
    resource = OWN_ROWS[model][2]
    attachment = {"read": RIGHTS["Attachment"].read, "write": RIGHTS["Attachment"].write}[right]
    owner = {"read": RIGHTS[resource].read, "write": RIGHTS[resource].write}[right]
    if role != ADMIN and (role not in attachment or role not in owner):
        return "403"
    if username not in SEEN_BY[row]:
        return "404"
    if getattr(model, "__personal__", None) and role not in PERSONAL_DATA:
        return "403"
    return "200" if right == "read" else "302"


def _outcome(response: Any) -> str:
    if response.status_code == 302 and "/login/" in response.headers.get("Location", ""):
        return LOGIN
    return str(response.status_code)


def _client(app: Flask, username: str) -> Any:
    return app.test_client() if PRINCIPALS[username] is None else login_client(app, username)


@pytest.mark.parametrize("username", list(PRINCIPALS))
def test_files_of_a_record_need_the_right_on_its_view_and_the_row_scope(sec_app, world: World, username):
    client = _client(sec_app, username)
    wrong = []
    for model, (row, file, _resource) in OWN_ROWS.items():
        table, pk = model.__tablename__, world[row]
        download = client.get(f"/attachments/download/{world[file]}")
        download.close()
        want = _expected(username, model, row, "read")
        if _outcome(download) != want:
            wrong.append(f"download of a {model.__name__} file: {_outcome(download)}, expected {want}")
        upload = client.post(
            f"/attachments/upload/{table}/{pk}", data={"file": (io.BytesIO(PDF), "Новый.pdf"), "kind": "scan"}
        )
        want = _expected(username, model, row, "write")
        if _outcome(upload) != want:
            wrong.append(f"upload to a {model.__name__}: {_outcome(upload)}, expected {want}")
        with sec_app.app_context():
            added = db.session.scalar(
                select(func.count()).where(
                    Attachment.entity_type == table, Attachment.entity_id == pk, Attachment.original_name == "Новый.pdf"
                )
            )
        if added != (1 if want == "302" else 0):
            wrong.append(f"upload to a {model.__name__}: {added} files stored")
    assert not wrong, f"{username}:\n" + "\n".join(wrong)


@pytest.mark.parametrize("username", list(PRINCIPALS))
def test_a_table_that_declares_no_attachments_refuses_a_file_like_a_missing_row(sec_app, world: World, username):
    """Journals, org chart, calendar, reference data, templates: the answer never depends on the row."""
    role = PRINCIPALS[username]
    # Without the right to attach files at all: 403 whatever the URL; with it: not found.
    may_attach = role == ADMIN or role in RIGHTS["Attachment"].write
    want = LOGIN if role is None else "404" if may_attach else "403"
    client = _client(sec_app, username)
    with sec_app.app_context():
        existing = {}
        for model, table in _undeclared_tables():
            pk = model.__mapper__.primary_key[0]
            first = db.session.scalar(select(pk).order_by(pk).limit(1))
            existing[table] = first if isinstance(first, int) else 1
    wrong = []
    for table, pk in existing.items():
        for method, url in (
            ("GET", f"/attachments/upload/{table}/{pk}"),
            ("GET", f"/attachments/upload/{table}/987654321"),
            ("POST", f"/attachments/upload/{table}/{pk}"),
        ):
            data = {"file": (io.BytesIO(PDF), "Подброшено.pdf"), "kind": "scan"} if method == "POST" else None
            got = _outcome(client.open(url, method=method, data=data))
            if got != want:
                wrong.append(f"{method} {url}: {got}, expected {want}")
    assert not wrong, f"{username} ({role}):\n" + "\n".join(wrong)
    with sec_app.app_context():
        assert db.session.scalar(select(func.count()).where(Attachment.original_name == "Подброшено.pdf")) == 0


def test_documents_of_a_record_need_the_read_right_on_its_view(sec_app, world: World):
    """A database role that may fill documents but not read officials neither fills, opens nor lists theirs."""
    with sec_app.app_context():
        sm = sec_app.appbuilder.sm
        role = sm.add_role("DocumentsWithoutOfficials")
        for permission in ("can_read", "can_write"):
            sm.add_permission_role(role, sm.add_permission_view_menu(permission, "GeneratedDocument"))
        sm.add_permission_role(role, sm.find_permission_view_menu("can_access", "PersonalData"))
        user = sm.add_user("docwriter", "Дина", "Документова", "dw@example.org", role, "Documents-Only-2026")
        set_profile(user, body_by_code("district-zavodskoy"), "Специалист", ScopeLevel.DISTRICT)
        db.session.commit()
        official = world["official_zavodskoy"]
        documents = db.session.scalar(select(func.count()).select_from(GeneratedDocument))
    client = login_client(sec_app, "docwriter", "Documents-Only-2026")
    assert client.post(f"/documents/generate/org_official_card/{official}").status_code == 403
    assert client.get(f"/documents/file/{world['document_zavodskoy']}").status_code in (403, 404)
    assert "Справка" not in client.get("/documents/list/").text
    with sec_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(GeneratedDocument)) == documents
        assert db.session.get(Official, official) is not None
