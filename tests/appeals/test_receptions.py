"""Personal receptions (59-ФЗ ст. 13): visit cards, appeals registered from a visit, scope and personal data."""

from __future__ import annotations

import datetime as dt

import pytest
from flask import current_app
from sqlalchemy import select

from app.appeals.receptions import (
    Reception,
    ReceptionFormat,
    ReceptionVisit,
    add_visit,
    check_reception,
    register_appeal_from_visit,
)
from app.appeals.reference.classifier import NotAssignableCode
from app.core.errors import ConflictError, ValidationFailed
from app.extensions import db
from app.org.services import body_by_code

HOUSING = "0005.0005.0055.1122"  # a level-4 question of the shipped classifier


def _reception(body: str = "district-zavodskoy", date: dt.date = dt.date(2025, 3, 3)) -> Reception:
    reception = Reception(
        official=current_app.appbuilder.sm.find_user(username="deputy"),
        body=body_by_code(body),
        date=date,
        time_from="10:00",
        place="ул. Франкфурта, 9, каб. 5",
        format=ReceptionFormat.OFFICE.value,
    )
    check_reception(reception)
    db.session.add(reception)
    db.session.flush()
    return reception


def _visit(reception: Reception, code: str = HOUSING, last_name: str = "Орлова") -> ReceptionVisit:
    return add_visit(
        reception,
        visitor_last_name=last_name,
        visitor_first_name="Анна",
        visitor_address="г. Новокузнецк, ул. Кирова, 12-4",
        visitor_phone="+7 3843 00-00-00",
        classifier_code=code,
        questions="Переселение из аварийного дома по ул. Кирова, 12",
    )


def test_a_visit_with_an_assignable_code_takes_the_body_of_its_reception(app_ctx):
    visit = _visit(_reception())
    assert (visit.classifier_code, visit.body.code, visit.appeal) == (HOUSING, "district-zavodskoy", None)


def test_a_visit_with_a_theme_that_has_questions_is_refused(app_ctx):
    with pytest.raises(NotAssignableCode, match=r"0005\.0005\.0055\.0000"):
        _visit(_reception(), code="0005.0005.0055.0000")


def test_reception_time_must_be_hours_and_minutes(app_ctx):
    with pytest.raises(ValidationFailed, match="ЧЧ:ММ"):
        check_reception(Reception(time_from="25:00", format=ReceptionFormat.OFFICE.value))


def test_an_appeal_registered_from_a_visit_is_linked_and_runs_on_the_reception_channel(app_ctx):
    visit = _visit(_reception(date=dt.date(2025, 3, 3)))
    appeal = register_appeal_from_visit(visit, body_by_code("district-zavodskoy"), "Переселение", dt.date(2025, 3, 3))
    assert visit.appeal is appeal
    assert (appeal.channel.code, appeal.form, appeal.received_date) == ("reception", "oral", dt.date(2025, 3, 3))
    assert appeal.due_date == dt.date(2025, 4, 2)  # 30 days (59-ФЗ ст. 12)
    assert (appeal.applicant_last_name, appeal.applicant_address) == ("Орлова", "г. Новокузнецк, ул. Кирова, 12-4")
    assert [q.classifier_code for q in appeal.questions] == [HOUSING]
    with pytest.raises(ConflictError, match="уже зарегистрировано"):
        register_appeal_from_visit(visit, body_by_code("district-zavodskoy"), "Ещё раз", dt.date(2025, 3, 3))


@pytest.fixture
def two_districts(app):
    with app.app_context():
        own = _reception("district-zavodskoy")
        foreign = _reception("district-central", date=dt.date(2025, 3, 4))
        own_visit = _visit(own, last_name="Орлова")
        foreign_visit = _visit(foreign, last_name="Соколов")
        db.session.commit()
        return {"own": own.id, "foreign": foreign.id, "own_visit": own_visit.id, "foreign_visit": foreign_visit.id}


def test_district_clerk_sees_only_receptions_of_own_district(login, two_districts):
    clerk = login("zavodskoy")
    page = clerk.get("/receptionview/list/").text
    assert "03.03.2025" in page and "04.03.2025" not in page
    assert clerk.get(f"/receptionview/show/{two_districts['foreign']}").status_code == 404
    assert clerk.get(f"/receptionvisitview/show/{two_districts['foreign_visit']}").status_code == 404
    assert clerk.get(f"/api/v1/reception/{two_districts['foreign']}").status_code == 404
    assert clerk.get(f"/api/v1/receptionvisit/{two_districts['foreign_visit']}").status_code == 404
    listed = clerk.get("/api/v1/receptionvisit/").json["result"]
    assert [row["visitor_last_name"] for row in listed] == ["Орлова"]


def test_district_clerk_cannot_post_a_visit_into_another_districts_reception(app, login, two_districts):
    clerk = login("zavodskoy")
    payload = {"reception": two_districts["foreign"], "visitor_last_name": "Петров", "classifier_code": HOUSING}
    response = clerk.post("/api/v1/receptionvisit/", json={**payload, "questions": "Ремонт крыши"})
    assert response.status_code in (400, 403, 422), response.text
    with app.app_context():
        assert db.session.scalar(select(ReceptionVisit).where(ReceptionVisit.visitor_last_name == "Петров")) is None


def test_district_clerk_records_a_visit_through_the_api(app, login, two_districts):
    clerk = login("zavodskoy")
    payload = {"reception": two_districts["own"], "visitor_last_name": "Петров", "questions": "Ремонт крыши"}
    response = clerk.post("/api/v1/receptionvisit/", json={**payload, "classifier_code": HOUSING})
    assert response.status_code == 201, response.text
    with app.app_context():
        visit = db.session.get(ReceptionVisit, response.json["id"])
        assert visit.body.code == "district-zavodskoy"
    refused = clerk.post("/api/v1/receptionvisit/", json={**payload, "classifier_code": "0005.0000.0000.0000"})
    assert refused.status_code == 422 and "0005.0000.0000.0000" in refused.json["message"]


def test_visitor_personal_data_is_hidden_from_the_supervisor(login, two_districts):
    supervisor = login("supervisor")
    shown = supervisor.get(f"/api/v1/receptionvisit/{two_districts['own_visit']}").json["result"]
    assert "visitor_last_name" not in shown and "visitor_phone" not in shown
    assert shown["classifier_code"] == HOUSING
    page = supervisor.get(f"/receptionvisitview/show/{two_districts['own_visit']}").text
    assert "Переселение из аварийного дома" in page and "Орлова" not in page and "Кирова, 12-4" not in page
    clerk = login("zavodskoy")
    assert "Орлова" in clerk.get(f"/receptionvisitview/show/{two_districts['own_visit']}").text


def test_register_appeal_action_links_the_visit_to_a_new_appeal(app, login, two_districts):
    clerk = login("zavodskoy")
    response = clerk.post(f"/receptionvisitview/action/register_appeal/{two_districts['own_visit']}")
    assert response.status_code == 302, response.text[:2000]
    with app.app_context():
        visit = db.session.get(ReceptionVisit, two_districts["own_visit"])
        assert visit.appeal is not None and visit.appeal.channel.code == "reception"
        assert visit.appeal.summary == "Переселение из аварийного дома по ул. Кирова, 12"
        assert response.headers["Location"].endswith(f"/appealview/show/{visit.appeal.id}")
