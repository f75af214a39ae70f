"""The housing screens as clerks use them: registration in a district, decisions from the case,
ready documents in one click, and what a district's clerk may (not) see and change."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.housing.models import GroundKind, Household, HouseholdStatus, HousingDecision, Premises, QueueCertificate
from app.housing.services import decision_type_by_code, ground_by_code, list_type_by_code
from app.org.services import body_by_code, district_by_code
from tests.core.documents.conftest import docx_text

from .conftest import acting_as
from .factories import case, on_register, premises

D = dt.date


def _ids(app, *names: str) -> dict[str, int]:
    with app.app_context():
        found = {
            "zavodskoy": district_by_code("zavodskoy").id,
            "central": district_by_code("central").id,
            "need": ground_by_code(GroundKind.NEED, "not_provided").id,
            "register": decision_type_by_code("register").id,
            "provide": decision_type_by_code("provide_social").id,
            "general": list_type_by_code("general").id,
        }
        return {name: found[name] for name in names} if names else found


def _application(district: int, need: int, **extra: str) -> dict[str, str]:
    return {
        "district": str(district),
        "registering_body": "",
        "application_time": "03.03.2025 10:15",
        "documents_complete_on": "03.03.2025",
        "documents_submitted": "Заявление\nПаспорт заявителя\nВыписка из ЕГРН",
        "applicant_last_name": "Ёлкина",
        "applicant_first_name": "Мария",
        "applicant_patronymic": "Петровна",
        "applicant_birth_date": "12.04.1985",
        "applicant_snils": "11223344595",
        "applicant_passport": "3210 123456",
        "address": "г. Новокузнецк, ул. Ленина, д. 10, кв. 5",
        "phone": "+7 905 000-11-22",
        "grounds": str(need),
        "current_area": "18",
        **extra,
    }


def test_a_district_clerk_registers_an_application_and_prints_the_receipt(app, login):
    ids = _ids(app)
    client = login("zavodskoy")
    response = client.post("/householdview/add", data=_application(ids["zavodskoy"], ids["need"]))
    assert response.status_code == 302, response.text[:2000]
    with app.app_context():
        household = db.session.scalar(select(Household))
        assert household.application_number == "Ж-2025-00001"
        assert household.registering_body_id == body_by_code("district-zavodskoy").id
        assert (household.status, household.decision_due_date) == (HouseholdStatus.UNDER_REVIEW.value, D(2025, 4, 14))
        assert household.applicant_snils == "112-233-445 95"
        pk = household.id
    page = client.get(f"/householdview/show/{pk}").text
    assert "Расписка в получении заявления и документов" in page
    receipt = client.post(f"/documents/generate/housing_receipt/{pk}")
    assert receipt.status_code == 200
    text = docx_text(receipt.data)
    for expected in (
        "Ж-2025-00001",
        "03 марта 2025 г. в 10:15",
        "Ёлкина Мария Петровна, 12.04.1985 г. р.",
        "Выписка из ЕГРН",
        "не позднее 14 апреля 2025 г.",
        "Администрация Заводского района",
        "Ёлкина М. П.",
    ):
        assert expected in text, expected
    # Stored and printable again from the documents register.
    again = client.get("/documents/list/").text
    assert "Расписка в получении заявления и документов" in again


def test_a_district_clerk_cannot_register_an_application_of_another_district(app, login):
    ids = _ids(app)
    client = login("zavodskoy")
    response = client.post("/householdview/add", data=_application(ids["central"], ids["need"]))
    # The form offers the clerk's own district only: another one is no choice at all…
    assert response.status_code == 200 and "Обязательное поле" in response.text
    # …and the API, which takes any id, refuses it by the row scope.
    payload = {
        "district": ids["central"],
        "applicant_last_name": "Захватова",
        "applicant_first_name": "Анна",
        "address": "г. Новокузнецк, ул. Кирова, д. 1",
    }
    api = client.post("/api/v1/household/", json=payload, headers=_csrf(client))
    assert api.status_code == 422 and "вне вашей области видимости" in api.json["message"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Household)) == 0


def test_a_bad_snils_is_refused_beside_its_field(app, login):
    ids = _ids(app)
    response = login("zavodskoy").post(
        "/householdview/add", data=_application(ids["zavodskoy"], ids["need"], applicant_snils="112-233-445 96")
    )
    assert response.status_code == 200
    assert "СНИЛС: неверное контрольное число" in response.text


@pytest.fixture
def two_districts(app):
    with acting_as(app):
        foreign = on_register("Сидорова", D(2024, 3, 1), district="central")
        own = on_register("Петрова", D(2024, 3, 2))
        own_flat = premises()
        foreign_flat = premises("пр. Металлургов", "5", "12", district="central")
        db.session.commit()
        return {"own": own.id, "foreign": foreign.id, "own_flat": own_flat.id, "foreign_flat": foreign_flat.id}


def test_a_district_clerk_sees_only_their_districts_cases(app, login, two_districts):
    client = login("zavodskoy")
    listed = client.get("/householdview/list/").text
    assert "Петрова" in listed and "Сидорова" not in listed
    assert client.get(f"/householdview/show/{two_districts['foreign']}").status_code == 404
    assert client.get(f"/householdview/edit/{two_districts['foreign']}").status_code == 404
    assert client.get(f"/api/v1/household/{two_districts['foreign']}").status_code == 404
    assert (
        client.post(f"/housing/case/certificate/{two_districts['foreign']}", data={"as_of": "01.06.2025"}).status_code
        == 404
    )
    assert {row["id"] for row in client.get("/api/v1/household/").json["result"]} == {two_districts["own"]}
    # The queue shows the district's family at its place in the whole city's list.
    queue = client.get("/housing/queue/?as_of=01.06.2025").text
    assert "Сидорова" not in queue
    assert re.search(r'uprava-queue-position"><strong>2</strong>', queue)
    assert ("Сегодня в списке" not in queue and ": \n  <strong>1</strong>" in queue) or "<strong>1</strong>" in queue


def test_premises_are_read_only_for_a_district_clerk(app, login, two_districts):
    client = login("zavodskoy")
    listed = client.get("/premisesview/list/").text
    assert "ул. Франкфурта, д. 9, кв. 41" in listed and "пр. Металлургов" not in listed
    own = two_districts["own_flat"]
    assert client.get(f"/premisesview/show/{own}").status_code == 200
    assert client.get(f"/premisesview/edit/{own}").status_code == 403
    assert client.get("/premisesview/add").status_code == 403
    assert client.post(f"/premisesview/annul/{own}", data={"reason": "Попытка аннулировать"}).status_code == 403
    put = client.put(f"/api/v1/premises/{own}", json={"rooms": 5, "version": 1}, headers=_csrf(client))
    assert put.status_code == 403
    assert client.get(f"/premisesview/show/{two_districts['foreign_flat']}").status_code == 404
    with app.app_context():
        assert db.session.get(Premises, own).rooms == 2
    # The city's housing officer works them.
    assert login("housing").get(f"/premisesview/edit/{own}").status_code == 200


def _csrf(client) -> dict[str, str]:
    page = client.get("/householdview/list/").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'csrf_token" value="([^"]+)"', page
    )
    return {"X-CSRFToken": token.group(1)} if token else {}


def test_a_district_clerk_takes_no_decisions(app, login, two_districts):
    client = login("zavodskoy")
    own = two_districts["own"]
    assert client.get(f"/housing/actions/decide/remove/{own}").status_code == 403
    page = client.get(f"/householdview/show/{own}").text
    assert "Снять с учёта" not in page
    assert "Справка об очерёдности на дату" in page


def _version(app, pk: int) -> str:
    with app.app_context():
        return str(db.session.get(Household, pk).version)


def test_the_officer_registers_then_provides_a_flat_and_prints_each_decision(app, login):
    ids = _ids(app)
    with acting_as(app):
        household = case("Ёлкина", address="г. Новокузнецк, ул. Ленина, д. 10, кв. 5")
        from app.housing.services import add_member

        add_member(household, last_name="Ёлкин", first_name="Иван", relation="spouse", birth_date=D(1983, 1, 5))
        flat = premises()
        db.session.commit()
        pk, flat_id = household.id, flat.id
    client = login("housing")
    assert "Принять на учёт" in client.get(f"/householdview/show/{pk}").text
    response = client.post(
        f"/housing/actions/decide/register/{pk}",
        data={
            "version": _version(app, pk),
            "decision_type": ids["register"],
            "decision_date": "20.03.2025",
            "list_type": ids["general"],
        },
    )
    assert response.status_code == 302, response.text[:3000]
    decision_url = response.headers["Location"]
    card = client.get(decision_url).text
    assert "Решение о принятии на учёт" in card and "Уведомление заявителю о принятом решении" in card
    assert "Решение об отказе в принятии на учёт" not in card
    decision_id = int(decision_url.rstrip("/").rsplit("/", 1)[1])
    text = docx_text(client.post(f"/documents/generate/housing_decision_register/{decision_id}").data)
    for expected in (
        "РЕШЕНИЕ № РЖ-2025-00001",
        "Ёлкина Пётр",
        "ул. Ленина, д. 10, кв. 5",
        "«Общий список»",
        "Ёлкин Иван",
    ):
        assert expected in text, expected
    refused = client.post(f"/documents/generate/housing_decision_refuse/{decision_id}")
    assert refused.status_code == 422
    # Later: a flat.
    response = client.post(
        f"/housing/actions/decide/provide/{pk}",
        data={
            "version": _version(app, pk),
            "decision_type": ids["provide"],
            "decision_date": "07.05.2025",
            "premises": flat_id,
        },
    )
    assert response.status_code == 302, response.text[:3000]
    provision = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    text = docx_text(client.post(f"/documents/generate/housing_decision_provide/{provision}").data)
    assert "ул. Франкфурта, д. 9, кв. 41" in text and "Ёлкина Пётр" in text and "14 мая 2025 г." in text
    with app.app_context():
        assert db.session.get(Household, pk).status == HouseholdStatus.PROVIDED.value
        assert db.session.get(Premises, flat_id).tenant_household_id == pk


def test_a_refusal_without_its_ground_is_refused_beside_the_field(app, login):
    with acting_as(app):
        pk = case("Отказова").id
        db.session.commit()
    types = _ids(app)
    with app.app_context():
        refuse = decision_type_by_code("refuse").id
    response = login("housing").post(
        f"/housing/actions/decide/refuse/{pk}",
        data={"version": _version(app, pk), "decision_type": refuse, "decision_date": "20.03.2025", "ground": ""},
    )
    assert response.status_code == 200
    assert "Выберите основание отказа (ст. 54 ЖК РФ)" in response.text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(HousingDecision)) == 0
    assert types["register"]


def test_the_queue_certificate_on_a_date_is_one_click_from_the_case_and_stays_printable(app, login, two_districts):
    client = login("zavodskoy")
    response = client.post(f"/housing/case/certificate/{two_districts['own']}", data={"as_of": "01.06.2025"})
    assert response.status_code == 200
    text = docx_text(response.data)
    assert "по состоянию на 01 июня 2025 г." in text
    assert "Общий список — 2-й (дата постановки в список 02.03.2024)" in text
    with app.app_context():
        certificate = db.session.scalar(select(QueueCertificate))
        assert (certificate.as_of, certificate.number) == (
            D(2025, 6, 1),
            "СО-" + str(certificate.issued_on.year) + "-00001",
        )
    assert "Справка об очерёдности" in client.get("/documents/list/").text
    before = client.post(f"/housing/case/certificate/{two_districts['own']}", data={"as_of": "01.01.2024"})
    assert before.status_code == 200 and "не состояла ни в одном списке" in before.text
