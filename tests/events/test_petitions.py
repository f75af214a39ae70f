"""Petitions for «Город трудовой доблести»: a resident's is a citizen's appeal registered as a proposal and linked;
an organisation's is an incoming letter; names of residents are personal data."""

from __future__ import annotations

import datetime as dt

import pytest
from flask import Flask
from sqlalchemy import select

from app.appeals.models import Appeal, AppealStatus
from app.core.errors import ConflictError, ValidationFailed
from app.events.models import ApplicantType, PetitionStatus, TitlePetition
from app.events.services import PETITION_CLASSIFIER_CODE, add_petition, include_petition, register_petition_appeal
from app.extensions import db
from tests.events.factory import campaign

SUMMARY = "Прошу поддержать присвоение Новокузнецку звания «Город трудовой доблести»"


def _resident(title, **fields) -> TitlePetition:
    return add_petition(
        title,
        applicant_type=ApplicantType.RESIDENT.value,
        received_on=dt.date(2020, 3, 2),
        summary=SUMMARY,
        applicant_last_name="Кузнецова",
        applicant_first_name="Мария",
        applicant_patronymic="Ивановна",
        applicant_address="654000, г. Новокузнецк, ул. Кирова, д. 5, кв. 1",
        **fields,
    )


def _organisation(title, **fields) -> TitlePetition:
    return add_petition(
        title,
        applicant_type=ApplicantType.ORGANISATION.value,
        received_on=dt.date(2020, 3, 3),
        summary=SUMMARY,
        organisation_name="АО «ЕВРАЗ ЗСМК»",
        **fields,
    )


def test_a_residents_petition_is_registered_as_a_proposal_and_linked(app_ctx):
    title = campaign()
    petition = _resident(title)
    assert petition.status == PetitionStatus.RECEIVED.value
    appeal = register_petition_appeal(petition, reg_date=dt.date(2020, 3, 3))
    assert petition.appeal is appeal and petition.status == PetitionStatus.REGISTERED.value
    assert (appeal.channel.code, appeal.received_date, appeal.reg_date) == (
        "letter",
        dt.date(2020, 3, 2),
        dt.date(2020, 3, 3),
    )
    assert appeal.reg_number.startswith("ОГ-2020-")
    assert (appeal.receiving_body.code, appeal.responsible_body.code) == ("culture", "culture")
    assert (appeal.applicant_last_name, appeal.applicant_first_name, appeal.applicant_patronymic) == (
        "Кузнецова",
        "Мария",
        "Ивановна",
    )
    [question] = appeal.questions
    assert (question.classifier_code, question.question_type) == (PETITION_CLASSIFIER_CODE, "proposal")
    # From now on the appeals rules answer it: due in 30 days, open.
    assert appeal.status == AppealStatus.REGISTERED.value
    assert appeal.due_date == dt.date(2020, 4, 2)


def test_a_petition_is_registered_once_and_an_organisations_never_as_a_citizens_appeal(app_ctx):
    title = campaign()
    petition = _resident(title)
    register_petition_appeal(petition)
    with pytest.raises(ConflictError, match="уже зарегистрировано"):
        register_petition_appeal(petition)
    with pytest.raises(ConflictError, match="входящим письмом"):
        register_petition_appeal(_organisation(title))


def test_an_organisations_petition_is_registered_by_its_incoming_letter(app_ctx):
    petition = _organisation(campaign(), incoming_number="Вх-2020-00123", incoming_date=dt.date(2020, 3, 4))
    assert petition.status == PetitionStatus.REGISTERED.value
    assert include_petition(petition).status == PetitionStatus.INCLUDED.value
    with pytest.raises(ConflictError, match="уже включено"):
        include_petition(petition)


def test_an_unregistered_petition_is_not_included_in_the_application(app_ctx):
    with pytest.raises(ValidationFailed, match="зарегистрированное обращение"):
        include_petition(_organisation(campaign()))


@pytest.mark.parametrize(
    ("kind", "fields", "message"),
    [
        (ApplicantType.RESIDENT.value, {"organisation_name": "Школа № 1"}, "Укажите фамилию жителя"),
        (
            ApplicantType.RESIDENT.value,
            {"applicant_last_name": "Иванов", "organisation_name": "Школа № 1"},
            "организацию не указывают",
        ),
        (ApplicantType.ORGANISATION.value, {}, "Укажите организацию"),
        (
            ApplicantType.ORGANISATION.value,
            {"organisation_name": "Школа № 1", "applicant_last_name": "Иванов"},
            "фамилию и адрес жителя не указывают",
        ),
        ("nobody", {}, "от жителя или от организации"),
    ],
)
def test_a_petition_names_its_applicant_by_its_type(app_ctx, kind, fields, message):
    with pytest.raises(ValidationFailed, match=message):
        add_petition(campaign(), applicant_type=kind, received_on=dt.date(2020, 3, 1), summary=SUMMARY, **fields)


@pytest.fixture
def petitions(app: Flask) -> dict[str, int]:
    with app.app_context():
        title = campaign()
        ids = {"campaign": title.id, "resident": _resident(title).id, "organisation": _organisation(title).id}
        db.session.commit()
        return ids


def test_the_register_action_creates_the_appeal_and_opens_the_petition_again(app, login, petitions):
    client = login("events")
    pk = petitions["resident"]
    response = client.post(f"/titlepetitionview/action/register_appeal/{pk}")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/titlepetitionview/show/{pk}")
    with app.app_context():
        petition = db.session.get(TitlePetition, pk)
        assert petition.appeal is not None and petition.status == PetitionStatus.REGISTERED.value
        number = petition.appeal.reg_number
    card = client.get(f"/titlepetitionview/show/{pk}").text
    assert f"Зарегистрировано обращение гражданина {number}" in card
    # Again: refused with a message, nothing new registered.
    client.post(f"/titlepetitionview/action/register_appeal/{pk}")
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(Appeal)) == 1


def test_a_residents_name_is_hidden_from_the_supervisor_and_shown_to_the_coordinator(login, petitions):
    pk = petitions["resident"]
    assert "Кузнецова" in login("events").get(f"/titlepetitionview/show/{pk}").text
    card = login("supervisor").get(f"/titlepetitionview/show/{pk}").text
    assert "Кузнецова" not in card and "Ул. Кирова" not in card
    listed = login("supervisor").get("/api/v1/titlepetition/").json["result"]
    assert all("applicant_last_name" not in row for row in listed)
    assert {row["organisation_name"] for row in listed} == {None, "АО «ЕВРАЗ ЗСМК»"}
