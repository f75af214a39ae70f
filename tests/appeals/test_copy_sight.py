"""Who sees an appeal besides its own bodies: each body it was copied to reads it (59-ФЗ ст. 8 ч. 3–4),
the official assigned to it works it — and nobody else gets so much as its number.

An appeal received by the appeals department and answered by the housing committee (КЖКХ) is copied
to КУМИ. A КУМИ clerk reads it and its questions, requests and files; every write path is a 403 with a
message, and the appeal never counts in КУМИ's statistics. A clerk of КОиН (no copy) gets 404 on every
path. The demo body clerk of the culture department, assigned as executor, works his appeal.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, inspect, select

from app.appeals import reports
from app.appeals.models import Appeal, AppealCopy, AppealQuestion, DocumentRequest
from app.appeals.reference.models import Channel
from app.appeals.services import QuestionInput, assign_executor, register_appeal, request_documents, send_copies
from app.core.attachments.models import Attachment
from app.core.attachments.services import add_attachment
from app.core.permissions import sync_view_permissions
from app.extensions import db
from app.org.services import body_by_code, set_profile
from app.security import (
    BODY_CLERK,
    Access,
    ScopeLevel,
    collections_as_in,
    row_access,
    scope_clause,
    statistics_clause,
    visibility_for,
)
from tests.conftest import login_client

HOUSING = "0005.0005.0055.1122"
PASSWORD = "Copy-Reader-2026"
READ_ONLY = "только для чтения"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ACTIONS = ("assign", "extend", "answer", "forward", "copies", "close", "withdraw")
YEAR = reports.ReportFilter(dt.date(2025, 1, 1), dt.date(2025, 12, 31))


def _appeal(summary: str, last_name: str) -> Appeal:
    return register_appeal(
        channel=db.session.scalar(select(Channel).where(Channel.code == "letter")),
        received_date=dt.date(2025, 3, 3),
        reg_date=dt.date(2025, 3, 3),
        summary=summary,
        receiving_body=body_by_code("appeals"),
        responsible_body=body_by_code("kgkh"),
        questions=[QuestionInput(HOUSING, text="Когда отремонтируют?")],
        applicant_last_name=last_name,
        applicant_address="г. Новокузнецк, ул. Кирова, 1",
    )


@pytest.fixture
def world(app: Flask) -> dict[str, Any]:
    """The copied appeal with its rows and a file, the assigned one, and the clerks (ids and numbers)."""
    with app.app_context():
        sm = app.appbuilder.sm
        # `flask app init` leaves only can_read on Appeal (FAB syncs shared resources view by view).
        sync_view_permissions(app.appbuilder)
        clerk = sm.find_role(BODY_CLERK)
        # Every right on appeals and files: a refusal is then the row scope's, not the role's.
        everything = sm.add_role("AppealsEverything")
        for resource in ("Appeal", "Attachment", "GeneratedDocument"):
            for perm in ("can_read", "can_write", "can_delete"):
                pv = sm.find_permission_view_menu(perm, resource)
                if pv is not None:
                    sm.add_permission_role(everything, pv)
        sm.add_permission_role(everything, sm.find_permission_view_menu("can_access", "PersonalData"))
        for username, role, body in (
            ("kumi_clerk", clerk, "kumi"),
            ("kumi_all", everything, "kumi"),
            ("kon_clerk", clerk, "kon"),
            ("kon_all", everything, "kon"),
            ("kgkh_clerk", clerk, "kgkh"),
        ):
            user = sm.add_user(username, "Анна", "Копиева", f"{username}@example.org", role, PASSWORD)
            set_profile(user, body_by_code(body), "Специалист", ScopeLevel.BODY)
        copied = _appeal("Протекает кровля, копия в КУМИ", "Петров")
        request = request_documents(copied, "Росреестр", "Выписка ЕГРН", dt.date(2025, 3, 4))
        copy = send_copies(copied, [body_by_code("kumi")], dt.date(2025, 3, 4))[0]
        admin = sm.find_user(username="admin")
        file = add_attachment(copied, io.BytesIO(PDF), "Скан.pdf", user=admin)
        assigned = _appeal("Ямы во дворе, исполнитель из управления культуры", "Сидоров")
        assign_executor(assigned, sm.find_user(username="culture"))
        db.session.commit()
        return {
            "copied": copied.id,
            "number": copied.reg_number,
            "question": copied.questions[0].id,
            "request": request.id,
            "copy": copy.id,
            "file": file.id,
            "assigned": assigned.id,
            "assigned_number": assigned.reg_number,
            "assigned_question": assigned.questions[0].id,
        }


def _client(app: Flask, username: str) -> Any:
    return login_client(app, username, PASSWORD)


def _text(response: Any) -> str:
    return response.json.get("message", "") if response.is_json else response.get_data(as_text=True)


def _snapshot(app: Flask, world: dict[str, Any]) -> dict[str, Any]:
    """Every column of the appeal and of its child rows, and how many rows and files there are."""
    with app.app_context():

        def columns(model: type, pk: int) -> dict[str, Any]:
            row = db.session.get(model, pk)
            return {attr.key: getattr(row, attr.key) for attr in inspect(model).column_attrs}

        return {
            "appeal": columns(Appeal, world["copied"]),
            "question": columns(AppealQuestion, world["question"]),
            "request": columns(DocumentRequest, world["request"]),
            "counts": [
                db.session.scalar(select(func.count()).select_from(model))
                for model in (Appeal, AppealQuestion, AppealCopy, DocumentRequest, Attachment)
            ],
        }


def test_a_copy_recipient_reads_the_appeal_its_rows_and_files(app, world):
    client = _client(app, "kumi_clerk")
    pk = world["copied"]
    assert world["number"] in client.get("/appealview/list/").text
    card = client.get(f"/appealview/show/{pk}")
    assert card.status_code == 200 and "Протекает кровля, копия в КУМИ" in card.text
    assert "История изменений" in card.text
    assert client.get(f"/api/v1/appeal/{pk}").json["result"]["applicant_last_name"] == "Петров"
    assert world["number"] in client.post("/appealview/export/csv").text
    assert "Когда отремонтируют?" in client.get(f"/appealquestionview/show/{world['question']}").text
    assert client.get(f"/api/v1/appealquestion/{world['question']}").json["result"]["classifier_code"] == HOUSING
    assert "Выписка ЕГРН" in client.get(f"/documentrequestview/show/{world['request']}").text
    assert client.get(f"/appealcopyview/show/{world['copy']}").status_code == 200
    download = client.get(f"/attachments/download/{world['file']}")
    assert download.data == PDF
    download.close()


def test_the_card_of_a_copy_offers_no_actions_and_no_upload(app, world):
    pk = world["copied"]
    reader = _client(app, "kumi_clerk").get(f"/appealview/show/{pk}").text
    worker = _client(app, "kgkh_clerk").get(f"/appealview/show/{pk}").text
    for marker in ("/appeals/actions/assign/", "Прикрепить файл"):
        assert marker in worker and marker not in reader
    # Nor does its row in the list offer the edit button (one query marks the page's read-only rows).
    edit = f"/appealview/edit/{pk}"
    assert edit in _client(app, "kgkh_clerk").get("/appealview/list/").text
    reader_list = _client(app, "kumi_clerk").get("/appealview/list/").text
    assert f"/appealview/show/{pk}" in reader_list and edit not in reader_list


@pytest.mark.parametrize("username", ["kumi_clerk", "kumi_all"])
def test_every_write_path_on_a_copy_is_403_and_changes_nothing(app, world, username):
    client = _client(app, username)
    before = _snapshot(app, world)
    pk, question, request = world["copied"], world["question"], world["request"]
    version = before["appeal"]["version"]
    doors = {
        "edit form": ("GET", f"/appealview/edit/{pk}", {}),
        "edit": ("POST", f"/appealview/edit/{pk}", {"data": {"summary": "Изменено", "version": version}}),
        "annul form": ("GET", f"/appealview/annul/{pk}", {}),
        "annul": ("POST", f"/appealview/annul/{pk}", {"data": {"reason": "Зарегистрировано ошибочно"}}),
        "delete": ("POST", f"/appealview/delete/{pk}", {}),
        "api put": ("PUT", f"/api/v1/appeal/{pk}", {"json": {"summary": "Изменено", "version": version}}),
        "api annul": ("POST", f"/api/v1/appeal/{pk}/annul", {"json": {"reason": "Зарегистрировано ошибочно"}}),
        "api delete": ("DELETE", f"/api/v1/appeal/{pk}", {}),
        "question form": ("GET", f"/appealquestionview/edit/{question}", {}),
        "question edit": ("POST", f"/appealquestionview/edit/{question}", {"data": {"text": "Изменено"}}),
        "question api": ("PUT", f"/api/v1/appealquestion/{question}", {"json": {"text": "Изменено", "version": 1}}),
        "question api add": (
            "POST",
            "/api/v1/appealquestion/",
            {"json": {"appeal": pk, "classifier_code": HOUSING, "question_type": "statement"}},
        ),
        "request edit": ("POST", f"/documentrequestview/edit/{request}", {"data": {"what": "Изменено"}}),
        "upload form": ("GET", f"/attachments/upload/appeals_appeal/{pk}", {}),
        "upload": (
            "POST",
            f"/attachments/upload/appeals_appeal/{pk}",
            {"data": {"file": (io.BytesIO(PDF), "Ответ.pdf"), "kind": "scan"}, "content_type": "multipart/form-data"},
        ),
        "file delete": ("POST", f"/attachments/delete/{world['file']}", {}),
        **{f"{name} form": ("GET", f"/appeals/actions/{name}/{pk}", {}) for name in ACTIONS},
        **{name: ("POST", f"/appeals/actions/{name}/{pk}", {"data": {"version": version}}) for name in ACTIONS},
    }
    if username == "kumi_clerk":
        # Without the delete right the refusal is the role's: a plain 403 (the scope's door is behind it).
        doors = {door: spec for door, spec in doors.items() if "delete" not in door}
    wrong = []
    for door, (method, url, kwargs) in doors.items():
        response = client.open(url, method=method, **kwargs)
        if response.status_code != 403 or READ_ONLY not in _text(response):
            wrong.append(f"{door}: {response.status_code} {_text(response)[:100]}")
        response.close()
    assert wrong == []
    assert _snapshot(app, world) == before


def test_a_copy_never_counts_in_the_recipient_bodys_statistics(app, world):
    with app.app_context():

        def intake(username: str, clause: Any) -> tuple[int, int]:
            vis = visibility_for(app.appbuilder.sm.find_user(username=username))
            report = reports.intake(reports.ReportFilter(YEAR.date_from, YEAR.date_to, scope=clause(Appeal, vis)))
            return report.appeals, report.questions

        # КУМИ reads the copied appeal, yet counts nothing; КЖКХ answers both appeals and counts both.
        assert intake("kumi_clerk", scope_clause) == (1, 1)
        assert intake("kumi_clerk", statistics_clause) == (0, 0)
        assert intake("kgkh_clerk", statistics_clause) == (2, 2)
        # Nor is an executor's appeal his body's: the culture department counts nothing either.
        assert intake("culture", statistics_clause) == (0, 0)

    def total(username: str) -> str:
        page = _client(app, username).get("/appeals/reports/intake?date_from=01.01.2025&date_to=31.12.2025").text
        row = re.search(r"<tr[^>]*>\s*<t[dh][^>]*>\s*Итого.*?</tr>", page, re.S)
        assert row is not None, page[:500]
        return re.sub(r"<[^>]+>|\s+", " ", row.group(0)).split()

    assert total("kumi_clerk")[-2:] == ["0", "0"]
    assert total("kgkh_clerk")[-2:] == ["2", "2"]


def test_a_body_outside_the_copies_gets_404_on_every_path(app, world):
    pk, number = world["copied"], world["number"]
    for username in ("kon_clerk", "kon_all"):
        client = _client(app, username)
        before = _snapshot(app, world)
        version = before["appeal"]["version"]
        doors = {
            "show": ("GET", f"/appealview/show/{pk}", {}),
            "edit": ("POST", f"/appealview/edit/{pk}", {"data": {"summary": "Изменено", "version": version}}),
            "annul": ("POST", f"/appealview/annul/{pk}", {"data": {"reason": "Зарегистрировано ошибочно"}}),
            "api get": ("GET", f"/api/v1/appeal/{pk}", {}),
            "api put": ("PUT", f"/api/v1/appeal/{pk}", {"json": {"summary": "Изменено", "version": version}}),
            "api annul": ("POST", f"/api/v1/appeal/{pk}/annul", {"json": {"reason": "Зарегистрировано ошибочно"}}),
            "question": ("GET", f"/appealquestionview/show/{world['question']}", {}),
            "question api": ("GET", f"/api/v1/appealquestion/{world['question']}", {}),
            "request": ("GET", f"/documentrequestview/show/{world['request']}", {}),
            "copy": ("GET", f"/appealcopyview/show/{world['copy']}", {}),
            "download": ("GET", f"/attachments/download/{world['file']}", {}),
            "upload": ("GET", f"/attachments/upload/appeals_appeal/{pk}", {}),
            **{name: ("POST", f"/appeals/actions/{name}/{pk}", {"data": {"version": version}}) for name in ACTIONS},
        }
        if username == "kon_all":
            doors["api delete"] = ("DELETE", f"/api/v1/appeal/{pk}", {})
            doors["delete"] = ("POST", f"/appealview/delete/{pk}", {})
            doors["file delete"] = ("POST", f"/attachments/delete/{world['file']}", {})
        got = {
            door: client.open(url, method=method, **kwargs).status_code for door, (method, url, kwargs) in doors.items()
        }
        assert got == dict.fromkeys(doors, 404), username
        assert number not in client.get("/appealview/list/").text
        assert number not in client.post("/appealview/export/csv").text
        listed = client.get("/api/v1/appealquestion/?q=(page_size:100)").json["result"]
        assert world["question"] not in {row["id"] for row in listed}
        assert _snapshot(app, world) == before


def test_the_assigned_executor_sees_and_works_his_appeal(app, world):
    # The demo body clerk of the culture department: his body neither received nor answers the appeal.
    client = login_client(app, "culture")
    pk = world["assigned"]
    mine = client.get("/appealview/list/?preset=mine").text
    assert world["assigned_number"] in mine and world["number"] not in mine
    with app.app_context():
        version = db.session.get(Appeal, pk).version
    extended = client.post(
        f"/appeals/actions/extend/{pk}",
        data={"version": version, "days": 10, "reason": "Запрос документов", "notified_on": "20.03.2025"},
    )
    assert extended.status_code == 302, extended.text[:300]
    question = client.post(
        f"/appealquestionview/edit/{world['assigned_question']}",
        data={"classifier_code": HOUSING, "question_type": "statement", "text": "Уточнён исполнителем", "version": 1},
    )
    assert question.status_code == 302
    with app.app_context():
        appeal = db.session.get(Appeal, pk)
        assert (appeal.status, appeal.extension_reason) == ("extended", "Запрос документов")
        assert appeal.questions[0].text == "Уточнён исполнителем"
    # Another appeal of the same bodies, not assigned to him: not his to see.
    assert client.get(f"/appealview/show/{world['copied']}").status_code == 404


def test_the_executor_cannot_hand_his_appeal_out_of_his_own_hands(app, world):
    pk = world["assigned"]
    with app.app_context():
        version = db.session.get(Appeal, pk).version
        other = app.appbuilder.sm.find_user(username="udkh").id
    response = login_client(app, "culture").put(f"/api/v1/appeal/{pk}", json={"executor": other, "version": version})
    # Refused either way: the official is not one he may link, and the appeal would leave his hands.
    assert response.status_code == 422 and "вне вашей области видимости" in response.json["message"]
    with app.app_context():
        assert db.session.get(Appeal, pk).executor.username == "culture"


def test_a_new_question_is_offered_only_for_appeals_the_user_works(app, world):
    with app.app_context():
        copied = db.session.get(Appeal, world["copied"])
        kumi = visibility_for(app.appbuilder.sm.find_user(username="kumi_clerk"))
        kgkh = visibility_for(app.appbuilder.sm.find_user(username="kgkh_clerk"))
        assert (row_access(copied, kumi), row_access(copied, kgkh)) == (Access.READ, Access.WRITE)
    reader = _client(app, "kumi_clerk").get("/appealquestionview/add").text
    worker = _client(app, "kgkh_clerk").get("/appealquestionview/add").text
    assert world["number"] in worker and world["number"] not in reader


def test_the_list_sql_and_one_loaded_row_agree_for_appeals_and_their_rows(app, world):
    """The EXISTS clauses (copies, the parent appeal) select exactly the rows row_access lets through."""
    with app.app_context():
        for username in ("kumi_clerk", "kon_clerk", "kgkh_clerk", "culture", "zavodskoy"):
            vis = visibility_for(app.appbuilder.sm.find_user(username=username))
            for model in (Appeal, AppealQuestion, AppealCopy, DocumentRequest):
                rows = db.session.scalars(select(model)).all()
                for access in (Access.READ, Access.WRITE):
                    clause = scope_clause(model, vis, access=access)
                    by_sql = set(db.session.scalars(select(model.id).where(clause)))
                    by_row = {row.id for row in rows if row_access(row, vis) >= access}
                    assert by_sql == by_row, (username, model.__name__, access)
                    # The form a list's count reads (the copies as `id IN (…)`): the same rows.
                    with collections_as_in():
                        counted = scope_clause(model, vis, access=access)
                    assert set(db.session.scalars(select(model.id).where(counted))) == by_row, (username, model)
        kumi = visibility_for(app.appbuilder.sm.find_user(username="kumi_clerk"))
        with collections_as_in():
            sql = str(scope_clause(Appeal, kumi).compile(db.engine))
        assert "appeals_appeal.id IN (SELECT appeals_copy.appeal_id" in sql and "EXISTS" not in sql
        assert set(db.session.scalars(select(AppealQuestion.id).where(scope_clause(AppealQuestion, kumi)))) == {
            world["question"]
        }
        assert not set(
            db.session.scalars(select(AppealQuestion.id).where(scope_clause(AppealQuestion, kumi, Access.WRITE)))
        )
