"""An organisation's petition arrived as a letter: it links to its registered incoming document of the control
registry (the declared link events → control). The typed number and date stay for petitions recorded before
the registry and mirror the linked document's; only a current incoming document the user sees is linked."""

from __future__ import annotations

import datetime as dt

import pytest
from flask import Flask

from app.control.models import Direction, Document
from app.core.errors import ValidationFailed
from app.core.services import annul
from app.events.models import ApplicantType, PetitionStatus, TitleCampaign, TitlePetition
from app.events.services import add_petition, link_incoming_document
from app.extensions import db
from app.org.services import body_by_code, set_profile
from app.security import EVENTS_COORDINATOR, ScopeLevel
from tests.conftest import login_client
from tests.control.conftest import new_document
from tests.events.factory import campaign

SUMMARY = "Поддерживаем присвоение Новокузнецку звания «Город трудовой доблести»"
PASSWORD = "Petition-Links-2026"
REFUSED_LINK = "Поле «Входящий документ»: такой записи нет, или она вне вашей области видимости и её нельзя выбрать"


@pytest.fixture
def world(app: Flask) -> dict[str, int]:
    """The culture department's campaign; an incoming letter addressed to it, one addressed to УДКХиБ,
    and an outgoing letter."""
    with app.app_context():
        title = campaign()
        letter = new_document(
            addressee_body=body_by_code("culture"),
            summary="Письмо АО «ЕВРАЗ ЗСМК»",
            reg_date=dt.date(2020, 3, 4),
            corr_date=dt.date(2020, 2, 27),
        )
        udkh_letter = new_document(
            summary="О ремонте дорог", reg_date=dt.date(2020, 3, 5), corr_date=dt.date(2020, 2, 27)
        )
        outgoing = new_document(
            direction=Direction.OUTGOING, summary="Ответ", reg_date=dt.date(2020, 3, 6), corr_date=None
        )
        db.session.commit()
        return {
            "campaign": title.id,
            "letter": letter.id,
            "letter_number": letter.reg_number,
            "udkh_letter": udkh_letter.id,
            "outgoing": outgoing.id,
            "outgoing_number": outgoing.reg_number,
        }


def _organisation(campaign_id: int, **fields) -> dict:
    return {
        "campaign": campaign_id,
        "applicant_type": ApplicantType.ORGANISATION.value,
        "organisation_name": "АО «ЕВРАЗ ЗСМК»",
        "received_on": "2020-03-03",
        "summary": SUMMARY,
        **fields,
    }


def test_an_organisations_petition_links_its_incoming_document_and_mirrors_its_number(app, world):
    client = login_client(app, "events")
    response = client.post(
        "/api/v1/titlepetition/", json=_organisation(world["campaign"], incoming_document=world["letter"])
    )
    assert response.status_code == 201, response.text[:500]
    pk = response.json["id"]
    shown = client.get(f"/api/v1/titlepetition/{pk}").json["result"]
    assert (shown["incoming_document_id"], shown["incoming_number"], shown["incoming_date"]) == (
        world["letter"],
        world["letter_number"],
        "2020-03-04",
    )
    assert shown["status"] == PetitionStatus.REGISTERED.value
    # The coordinator reads the registry's documents (without its menus) and follows the link.
    card = client.get(f"/titlepetitionview/show/{pk}").text
    assert f'<a href="/documentview/show/{world["letter"]}">{world["letter_number"]} от 04.03.2020</a>' in card
    assert "/documentview/list" not in client.get("/").text


def test_an_outgoing_document_is_not_offered_nor_linked(app, world):
    client = login_client(app, "events")
    response = client.post(
        "/api/v1/titlepetition/", json=_organisation(world["campaign"], incoming_document=world["outgoing"])
    )
    assert response.status_code == 422
    assert response.json["message"] == REFUSED_LINK
    info = client.get("/api/v1/titlepetition/_info").json
    offered = {v["id"] for v in next(f for f in info["add_columns"] if f["name"] == "incoming_document")["values"]}
    assert world["letter"] in offered and world["outgoing"] not in offered
    # The service says why, in Russian.
    with app.app_context():
        petition = add_petition(
            db.session.get(TitleCampaign, world["campaign"]),
            applicant_type=ApplicantType.ORGANISATION.value,
            received_on=dt.date(2020, 3, 3),
            summary=SUMMARY,
            organisation_name="Совет ветеранов",
        )
        with pytest.raises(ValidationFailed) as refused:
            link_incoming_document(petition, db.session.get(Document, world["outgoing"]))
        assert str(refused.value) == f"Документ {world['outgoing_number']} не входящий: укажите входящий документ"
        db.session.rollback()


def test_a_residents_petition_is_refused_an_incoming_document(app, world):
    with app.app_context():
        petition = add_petition(
            db.session.get(TitleCampaign, world["campaign"]),
            applicant_type=ApplicantType.RESIDENT.value,
            received_on=dt.date(2020, 3, 2),
            summary=SUMMARY,
            applicant_last_name="Кузнецова",
        )
        with pytest.raises(ValidationFailed) as refused:
            link_incoming_document(petition, db.session.get(Document, world["letter"]))
        assert str(refused.value) == (
            "Обращение жителя регистрируется как обращение гражданина, а не входящим документом"
        )
        db.session.rollback()


def test_an_annulled_document_is_not_linked(app, world):
    with app.app_context():
        document = db.session.get(Document, world["letter"])
        annul(document, "Зарегистрирован ошибочно")
        petition = add_petition(
            db.session.get(TitleCampaign, world["campaign"]),
            applicant_type=ApplicantType.ORGANISATION.value,
            received_on=dt.date(2020, 3, 3),
            summary=SUMMARY,
            organisation_name="Совет ветеранов",
        )
        with pytest.raises(ValidationFailed) as refused:
            link_incoming_document(petition, document)
        assert str(refused.value) == f"Документ {world['letter_number']} аннулирован"
        db.session.rollback()


def test_a_legacy_petition_keeps_its_typed_number_without_a_document(app, world):
    client = login_client(app, "events")
    response = client.post(
        "/api/v1/titlepetition/",
        json=_organisation(world["campaign"], incoming_number="123/45", incoming_date="2020-03-04"),
    )
    assert response.status_code == 201, response.text[:500]
    shown = client.get(f"/api/v1/titlepetition/{response.json['id']}").json["result"]
    assert (shown["incoming_document_id"], shown["incoming_number"], shown["status"]) == (None, "123/45", "registered")


def test_a_document_outside_the_users_scope_is_a_422(app, world):
    """An events coordinator of the culture department alone (a body-scoped role an Admin could compose)
    names the letter addressed to УДКХиБ: the link guard refuses it; the culture department's letter links."""
    with app.app_context():
        sm = app.appbuilder.sm
        role = sm.find_role(EVENTS_COORDINATOR)
        user = sm.add_user("events_culture", "Вера", "Культурова", "ec@example.org", role, PASSWORD)
        set_profile(user, body_by_code("culture"), "Специалист", ScopeLevel.BODY)
        db.session.commit()
    client = login_client(app, "events_culture", PASSWORD)
    refused = client.post(
        "/api/v1/titlepetition/", json=_organisation(world["campaign"], incoming_document=world["udkh_letter"])
    )
    assert refused.status_code == 422
    assert refused.json["message"] == REFUSED_LINK
    linked = client.post(
        "/api/v1/titlepetition/", json=_organisation(world["campaign"], incoming_document=world["letter"])
    )
    assert linked.status_code == 201, linked.text[:500]
    # A petition linked (by a city-wide coordinator) to a letter he does not see: its name, no link.
    with app.app_context():
        petition = db.session.get(TitlePetition, linked.json["id"])
        petition.incoming_document = db.session.get(Document, world["udkh_letter"])
        db.session.commit()
        number = petition.incoming_document.reg_number
    card = client.get(f"/titlepetitionview/show/{linked.json['id']}").text
    assert f"{number} от 05.03.2020" in card and f"/documentview/show/{world['udkh_letter']}" not in card
