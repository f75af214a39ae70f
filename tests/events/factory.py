"""Building blocks of the events tests: a programme with its committee, events at local times, a campaign."""

from __future__ import annotations

import datetime as dt
from typing import Any

from app.core.dates import local_to_utc
from app.events.models import CommitteeRole, Event, EventFormat, EventProgramme, TitleCampaign
from app.events.services import add_event, add_member, create_campaign, create_programme
from app.org.services import body_by_code, district_by_code

ACT = "Распоряжение администрации города Новокузнецка от 15.01.2020 № 12"


def local(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> dt.datetime:
    """A wall-clock time in Novokuznetsk (UTC+7) as the database stores it: naive UTC."""
    return local_to_utc(dt.datetime(year, month, day, hour, minute))


def programme(coordinator: str = "culture", year: int = 2020, name: str | None = None) -> EventProgramme:
    return create_programme(
        name=name or f"План мероприятий, посвящённых 75-летию Победы ({coordinator}, {year})",
        year=year,
        coordinator_body=body_by_code(coordinator),
        approved_act="Постановление администрации города Новокузнецка от 20.01.2020 № 5",
        approved_on=dt.date(year, 1, 20),
    )


def committee(plan: EventProgramme, bodies: tuple[str, ...] = ("kon",), included_on: dt.date = dt.date(2020, 1, 15)):
    """A chair and one member per body."""
    members = [
        add_member(
            plan,
            person_name="Глава города",
            position="Глава города Новокузнецка",
            role=CommitteeRole.CHAIR.value,
            included_on=included_on,
            included_by=ACT,
        )
    ]
    for code in bodies:
        members.append(
            add_member(
                plan,
                person_name=f"Представитель {code}",
                body=body_by_code(code),
                included_on=included_on,
                included_by=ACT,
            )
        )
    return members


def event(
    plan: EventProgramme,
    starts_at: dt.datetime,
    *,
    title: str = "Концерт «Песни Победы»",
    ends_at: dt.datetime | None = None,
    organiser: str | None = "culture",
    district: str | None = "central",
    planned_format: str = EventFormat.IN_PERSON.value,
    organiser_name: str | None = None,
    **fields: Any,
) -> Event:
    return add_event(
        plan,
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        planned_format=planned_format,
        organiser_body=body_by_code(organiser) if organiser else None,
        organiser_name=organiser_name if organiser or organiser_name is not None else "Совет ветеранов города",
        district=district_by_code(district) if district else None,
        **fields,
    )


def campaign(coordinator: str = "culture") -> TitleCampaign:
    return create_campaign(
        name="Присвоение Новокузнецку звания «Город трудовой доблести»",
        honorary_title="Город трудовой доблести",
        started_on=dt.date(2020, 1, 10),
        coordinator_body=body_by_code(coordinator),
    )
