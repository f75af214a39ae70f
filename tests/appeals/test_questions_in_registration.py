"""The clerk picks the appeal's questions in the registration form itself (issue #13 items 3–4): a multiple
pick by name in «Содержание»; saving creates one question per picked code, checked as on the card; a code
that cannot be assigned is refused beside the field and nothing is registered. The edit form and the REST
API keep questions apart (the card's questions tab, /api/v1/appealquestion)."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from app.appeals.models import Appeal, AppealQuestion
from app.appeals.reference.classifier import assignable_query
from app.appeals.reference.models import Channel, ClassifierEntry
from app.appeals.views import AppealView
from app.core.audit import ChangeLog
from app.extensions import db
from app.org.services import body_by_code

ROAD = "0003.0009.0099.0742"
NOT_ASSIGNABLE = "0003.0009.0099.0000"  # a theme, not a question


def _two_codes(app) -> list[str]:
    with app.app_context():
        other = db.session.scalar(
            assignable_query().with_only_columns(ClassifierEntry.code).where(ClassifierEntry.code != ROAD).limit(1)
        )
    return [ROAD, other]


def _form(app, summary: str, codes: list[str]) -> dict:
    with app.app_context():
        return {
            "received_date": "03.03.2025",
            "channel": db.session.scalar(select(Channel.id).where(Channel.code == "letter")),
            "form": "written",
            "kind": "individual",
            "summary": summary,
            "receiving_body": body_by_code("appeals").id,
            "responsible_body": body_by_code("udkh").id,
            "applicant_last_name": "Сидорова",
            "question_codes": codes,
        }


def test_the_registration_form_offers_a_multiple_pick_of_questions_in_its_content_section(app, login):
    page = login("appeals").get("/appealview/add").text
    assert re.search(
        r'<select class="uprava-ajax-select form-control" id="question_codes" name="question_codes" '
        r'data-url="/appealquestionview/classifier" multiple>',
        page,
    )
    # In «Содержание», after the summary and before «Направление».
    assert page.index("Содержание") < page.index('id="question_codes"') < page.index("Направление")
    assert "Вопросы" in page


def test_registering_with_two_questions_creates_exactly_those_two_with_their_history(app, login):
    codes = _two_codes(app)
    response = login("appeals").post("/appealview/add", data=_form(app, "Яма и свалка во дворе", codes))
    with app.app_context():
        appeal = db.session.scalar(select(Appeal).where(Appeal.summary == "Яма и свалка во дворе"))
        rows = db.session.scalars(
            select(AppealQuestion).where(AppealQuestion.appeal_id == appeal.id).order_by(AppealQuestion.id)
        ).all()
        history = db.session.scalars(
            select(ChangeLog.record_id).where(
                ChangeLog.table_name == AppealQuestion.__tablename__, ChangeLog.action == "insert"
            )
        ).all()
        assert response.headers["Location"].endswith(f"/appealview/show/{appeal.id}")
        assert [(q.classifier_code, q.question_type) for q in rows] == [(code, "statement") for code in codes]
        assert {str(q.id) for q in rows} <= set(history)


def test_a_question_picked_twice_is_one_question(app, login):
    login("appeals").post("/appealview/add", data=_form(app, "Дважды одна яма", [ROAD, ROAD]))
    with app.app_context():
        appeal = db.session.scalar(select(Appeal).where(Appeal.summary == "Дважды одна яма"))
        assert [q.classifier_code for q in appeal.questions] == [ROAD]


def test_a_code_that_cannot_be_assigned_is_refused_beside_the_field_and_nothing_is_registered(app, login):
    with app.app_context():
        before = db.session.scalar(select(func.count()).select_from(Appeal))
        questions = db.session.scalar(select(func.count()).select_from(AppealQuestion))
    page = login("appeals").post("/appealview/add", data=_form(app, "Неверный код", [ROAD, NOT_ASSIGNABLE])).text
    assert page.count("нельзя присвоить вопросу") == 1
    # Beside the field: the message follows the questions' select, the typed values stay.
    assert page.index('id="question_codes"') < page.index("нельзя присвоить вопросу")
    assert f'value="{ROAD}" selected' in page and "Неверный код" in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Appeal)) == before
        assert db.session.scalar(select(func.count()).select_from(AppealQuestion)) == questions
        assert db.session.scalar(select(Appeal.id).where(Appeal.summary == "Неверный код")) is None


def test_an_overlong_code_is_refused_beside_the_field_not_a_server_error(app, login):
    response = login("appeals").post("/appealview/add", data=_form(app, "Длинный код", ["9" * 40]))
    assert response.status_code == 200 and "Код вопроса длиннее 32 знаков" in response.text
    with app.app_context():
        assert db.session.scalar(select(Appeal.id).where(Appeal.summary == "Длинный код")) is None


def test_the_edit_form_and_the_rest_api_leave_questions_to_their_own_screens(app, login):
    from app.appeals.api import AppealApi

    assert "question_codes" not in AppealView.edit_columns
    assert "question_codes" not in AppealApi.add_columns and "question_codes" not in AppealApi.edit_columns
    assert AppealApi.add_columns == AppealView.registration_columns


def test_the_rest_api_registers_as_before_and_knows_no_picked_questions(app, login):
    client = login("appeals")
    info = client.get("/api/v1/appeal/_info?q=(keys:!(add_columns))").get_json()
    assert "question_codes" not in {column["name"] for column in info["add_columns"]}
    payload = _form(app, "Через REST", [ROAD])
    del payload["form"], payload["kind"]
    payload["received_date"] = "2025-03-03"
    refused = client.post("/api/v1/appeal/", json=payload)
    assert refused.status_code == 422 and "question_codes" in refused.get_json()["message"]
    del payload["question_codes"]
    created = client.post("/api/v1/appeal/", json=payload)
    assert created.status_code == 201
    with app.app_context():
        appeal = db.session.get(Appeal, created.get_json()["id"])
        assert appeal.summary == "Через REST" and appeal.questions == []
