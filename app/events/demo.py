"""Demo events: the 2020 programme of the 75th anniversary of Victory and the «Город трудовой доблести»
campaign (development only; ≤ 500 records).

Everything goes through the services, so the copied coordinating body and committee, the derived
«format changed» and the statuses are what the real workflow would have produced. Same seed → same data;
a second run adds nothing.
"""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import select

from ..core.dates import local_to_utc
from ..extensions import db
from ..org.services import body_by_code, district_by_code
from .models import ApplicantType, CampaignStatus, CommitteeRole, EventFormat, EventProgramme
from .services import (
    add_event,
    add_member,
    add_petition,
    cancel_event,
    create_campaign,
    create_programme,
    mark_held,
    postpone_event,
)

PROGRAMME = "План мероприятий, посвящённых 75-летию Победы в Великой Отечественной войне"
ACT = "Распоряжение администрации города Новокузнецка от 20.01.2020 № 45"
#: (person, position, body code, role)
COMMITTEE = (
    ("Кузнецов С. В.", "Заместитель Главы города", "adm", CommitteeRole.CHAIR),
    ("Фёдорова М. А.", "Начальник управления культуры", "culture", CommitteeRole.DEPUTY_CHAIR),
    ("Лебедева А. И.", "Главный специалист управления культуры", "culture", CommitteeRole.SECRETARY),
    ("Орлов Д. Н.", "Начальник комитета образования и науки", "kon", CommitteeRole.MEMBER),
    ("Егоров П. С.", "Начальник УДКХиБ", "udkh", CommitteeRole.MEMBER),
    ("Белова Н. Г.", "Председатель комитета по физической культуре и спорту", "sport", CommitteeRole.MEMBER),
)
#: (title, organiser body code, place, days it lasts)
KINDS = (
    ("Концерт «Песни Победы»", "culture", "ДК «Алюминщик»", 1),
    ("Выставка «Кузнецк — фронту»", "culture", "Новокузнецкий краеведческий музей", 14),
    ("Урок мужества «Память сильнее времени»", "kon", "Школа № {n}", 1),
    ("Благоустройство мемориала «Воинам-кузнечанам»", "udkh", "Сад Металлургов", 3),
    ("Легкоатлетическая эстафета на приз газеты «Кузнецкий рабочий»", "sport", "пр. Металлургов", 1),
    ("Акция «Георгиевская ленточка»", "district-{district}", "Администрация района", 7),
    ("Встреча с ветеранами и тружениками тыла", "district-{district}", "Совет ветеранов района", 1),
    ("Кинопоказ фильмов о войне", "culture", "Кинотеатр «Коммунар»", 2),
)
DISTRICTS = ("central", "kuznetsky", "zavodskoy", "kuibyshevsky", "novoilyinsky", "ordzhonikidzevsky")
EVENTS = 90
#: The campaign's real counts (74 residents, 316 organisations; the title granted on 2 July 2020).
RESIDENTS, ORGANISATIONS = 74, 316
SURNAMES = ("Иванова", "Петров", "Смирнова", "Кузнецов", "Попова", "Соколов", "Морозова", "Волков")
NAMES = ("Елена", "Сергей", "Ольга", "Николай", "Татьяна", "Андрей", "Ирина", "Виктор")
ORGANISATIONS_NAMES = (
    "Совет ветеранов {district} района",
    "Школа № {n}",
    "Детский сад № {n}",
    "ООО «Кузнецкий завод № {n}»",
    "Профсоюзная организация шахты № {n}",
    "Общественная организация «Дети войны» (отделение № {n})",
)
#: The epidemic: from 20 March 2020 events went online or were moved.
LOCKDOWN = dt.date(2020, 3, 20)


def load_demo_events(seed: int = 1945) -> int:
    """Load the programme and the campaign once; returns how many records were made (0 when present)."""
    if db.session.scalar(select(EventProgramme.id).where(EventProgramme.name == PROGRAMME)) is not None:
        return 0
    rng = random.Random(seed)
    made = 0
    culture = body_by_code("culture")
    programme = create_programme(
        name=PROGRAMME, year=2020, coordinator_body=culture, approved_act=ACT, approved_on=dt.date(2020, 1, 20)
    )
    made += 1
    for order, (person, position, body, role) in enumerate(COMMITTEE):
        add_member(
            programme,
            person_name=person,
            position=position,
            body=body_by_code(body),
            role=role.value,
            included_on=dt.date(2020, 1, 20),
            included_by=ACT,
            sort_order=order,
        )
        made += 1
    for number in range(EVENTS):
        made += _event(rng, programme, number)
    campaign = create_campaign(
        name="Присвоение Новокузнецку звания «Город трудовой доблести»",
        honorary_title="Город трудовой доблести",
        started_on=dt.date(2020, 1, 10),
        granted_on=dt.date(2020, 7, 2),
        status=CampaignStatus.GRANTED.value,
        coordinator_body=culture,
    )
    made += 1
    for number in range(RESIDENTS + ORGANISATIONS):
        received = dt.date(2020, 1, 13) + dt.timedelta(days=rng.randint(0, 120))
        if number < RESIDENTS:
            add_petition(
                campaign,
                applicant_type=ApplicantType.RESIDENT.value,
                received_on=received,
                summary="Поддерживаю присвоение Новокузнецку звания «Город трудовой доблести»",
                applicant_last_name=rng.choice(SURNAMES),
                applicant_first_name=rng.choice(NAMES),
                applicant_address=f"г. Новокузнецк, ул. Кирова, д. {rng.randint(1, 120)}",
            )
        else:
            district = rng.choice(("Центрального", "Кузнецкого", "Заводского", "Куйбышевского"))
            name = rng.choice(ORGANISATIONS_NAMES).format(district=district, n=rng.randint(1, 112))
            add_petition(
                campaign,
                applicant_type=ApplicantType.ORGANISATION.value,
                received_on=received,
                summary="Коллектив поддерживает присвоение городу звания «Город трудовой доблести»",
                organisation_name=name,
            )
        made += 1
    return made


def _event(rng: random.Random, programme: EventProgramme, number: int) -> int:
    title, organiser, place, days = KINDS[number % len(KINDS)]
    district = DISTRICTS[number % len(DISTRICTS)]
    day = dt.date(2020, 1, 25) + dt.timedelta(days=int(number * 330 / EVENTS))
    starts = local_to_utc(dt.datetime.combine(day, dt.time(rng.choice((10, 12, 15, 17)))))
    ends = starts + dt.timedelta(days=days - 1, hours=2)
    item = add_event(
        programme,
        title=title,
        starts_at=starts,
        ends_at=ends,
        place=place.format(n=rng.randint(1, 112)),
        district=district_by_code(district),
        organiser_body=body_by_code(organiser.format(district=district)),
        planned_format=EventFormat.IN_PERSON.value,
        participants_planned=rng.choice((50, 100, 200, 500)),
    )
    if day < LOCKDOWN or rng.random() < 0.4:
        mark_held(item, actual_format=EventFormat.IN_PERSON.value, participants_actual=rng.randint(30, 400))
    elif rng.random() < 0.8:
        mark_held(
            item,
            actual_format=rng.choice((EventFormat.ONLINE.value, EventFormat.MIXED.value)),
            participants_actual=rng.randint(100, 3000),
            reason="Ограничения в связи с распространением новой коронавирусной инфекции",
        )
    elif rng.random() < 0.5:
        postpone_event(item, starts_at=starts + dt.timedelta(days=60), reason="Перенесено из-за ограничений")
    else:
        cancel_event(item, "Отменено из-за ограничений на массовые мероприятия")
    return 1
