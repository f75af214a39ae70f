"""The events' rows of the security tests' world (tests/security/world.py calls this).

Own rows: a programme coordinated by the culture department (on its committee: the education
committee and УДКХиБ), an event organised by the Заводской district administration in the Заводской district,
one organised by УДКХиБ (its body clerk works it), a campaign of the culture department with a
resident's and an organisation's petition. Foreign rows: the same of the sports department, in the
Центральный district — none of the attackers' bodies, districts or people.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from app.core.attachments.services import add_attachment
from app.core.dates import local_to_utc
from app.events.models import ApplicantType, TitlePetition
from app.events.services import add_event, add_member, add_petition, create_campaign, create_programme
from app.extensions import db
from app.org.services import body_by_code, district_by_code

ACT = "Распоряжение администрации города Новокузнецка от 15.01.2020 № 12"


def _programme(coordinator: str, member: str, name: str) -> Any:
    programme = create_programme(name=name, year=2020, coordinator_body=body_by_code(coordinator))
    add_member(programme, person_name="Председатель", role="chair", included_on=dt.date(2020, 1, 15), included_by=ACT)
    member_row = add_member(
        programme,
        person_name="Член оргкомитета",
        body=body_by_code(member),
        included_on=dt.date(2020, 1, 15),
        included_by=ACT,
    )
    return programme, member_row


def _event(programme: Any, organiser: str, district: str, title: str) -> Any:
    return add_event(
        programme,
        title=title,
        starts_at=local_to_utc(dt.datetime(2020, 5, 9, 10)),
        organiser_body=body_by_code(organiser),
        district=district_by_code(district),
    )


def _campaign(coordinator: str) -> Any:
    return create_campaign(
        name=f"Кампания ({coordinator})",
        honorary_title="Город трудовой доблести",
        started_on=dt.date(2020, 1, 10),
        coordinator_body=body_by_code(coordinator),
    )


def _petition(campaign: Any, last_name: str) -> Any:
    return add_petition(
        campaign,
        applicant_type=ApplicantType.RESIDENT.value,
        received_on=dt.date(2020, 3, 2),
        summary="Поддерживаю присвоение звания",
        applicant_last_name=last_name,
        applicant_first_name="Мария",
        applicant_address="г. Новокузнецк, ул. Кирова, 5",
    )


def build_events_world(ids: dict[str, int], admin: Any, pdf: bytes) -> None:
    """Add the events' rows to the world's ids (flushed; the world commits)."""
    programme, member = _programme("culture", "kon", "План мероприятий 75-летия Победы")
    foreign_programme, foreign_member = _programme("sport", "transport", "План спортивных мероприятий")
    ids.update(programme=programme.id, member=member.id)
    # УДКХиБ sits on the committee too: its clerk reads the programme it organises events of.
    add_member(
        programme,
        person_name="Представитель УДКХиБ",
        body=body_by_code("udkh"),
        included_on=dt.date(2020, 1, 15),
        included_by=ACT,
    )
    ids.update(foreign_programme=foreign_programme.id, foreign_member=foreign_member.id)
    ids["event"] = _event(programme, "district-zavodskoy", "zavodskoy", "Митинг у памятника").id
    ids["udkh_event"] = _event(programme, "udkh", "kuznetsky", "Благоустройство мемориала").id
    ids["foreign_event"] = _event(foreign_programme, "district-central", "central", "Эстафета").id
    campaign, foreign_campaign = _campaign("culture"), _campaign("sport")
    ids.update(campaign=campaign.id, foreign_campaign=foreign_campaign.id)
    ids["petition"] = _petition(campaign, "Кузнецова").id
    ids["organisation_petition"] = add_petition(
        campaign,
        applicant_type=ApplicantType.ORGANISATION.value,
        received_on=dt.date(2020, 3, 3),
        summary="Поддерживаем присвоение звания",
        organisation_name="Совет ветеранов",
    ).id
    ids["foreign_petition"] = _petition(foreign_campaign, "Сидорова").id
    # Files: the act approving the programme, the scan of a petition.
    ids["programme_attachment"] = add_attachment(programme, io.BytesIO(pdf), "Постановление.pdf", user=admin).id
    resident = db.session.get(TitlePetition, ids["petition"])
    ids["petition_attachment"] = add_attachment(resident, io.BytesIO(pdf), "Обращение.pdf", user=admin).id
