"""Household cases, decisions and premises for the housing tests, built through the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from app.core.dates import local_to_utc
from app.extensions import db
from app.housing.models import FundCategory, Ground, GroundKind, Household, Premises
from app.housing.services import (
    decision_type_by_code,
    ground_by_code,
    list_type_by_code,
    register_application,
    take_decision,
)
from app.org.services import district_by_code


def at(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    """A local wall-clock time in Novokuznetsk, stored as UTC (as the form stores it)."""
    return local_to_utc(dt.datetime.combine(day, dt.time(hour, minute)))


def need(code: str = "not_provided") -> Ground:
    return ground_by_code(GroundKind.NEED, code)


def case(
    last_name: str = "Петров",
    *,
    district: str = "zavodskoy",
    filed: dt.datetime | None = None,
    complete: dt.date | None = None,
    first_name: str = "Пётр",
    address: str = "г. Новокузнецк, ул. Кирова, д. 1, кв. 1",
    grounds: tuple[str, ...] = ("not_provided",),
    **fields: Any,
) -> Household:
    """A registered application (documents complete on the day it was filed unless said otherwise)."""
    filed = filed or at(dt.date(2025, 3, 3))
    household = register_application(
        district=district_by_code(district),
        applicant_last_name=last_name,
        applicant_first_name=first_name,
        address=address,
        application_time=filed,
        documents_complete_on=complete or filed.date(),
        grounds=[need(code) for code in grounds],
        **fields,
    )
    return household


def register(household: Household, day: dt.date, list_code: str = "general", **fields: Any) -> Any:
    return take_decision(
        household, decision_type_by_code("register"), day, list_type=list_type_by_code(list_code), **fields
    )


def on_register(last_name: str, day: dt.date, list_code: str = "general", **fields: Any) -> Household:
    """A case filed and registered on `day` (at `hour` o'clock when given)."""
    hour = fields.pop("hour", 10)
    household = case(last_name, filed=at(day, hour), **fields)
    register(household, day, list_code)
    return household


def remove(household: Household, day: dt.date, ground: str = "own_application") -> Any:
    return take_decision(
        household, decision_type_by_code("remove"), day, ground=ground_by_code(GroundKind.REMOVAL, ground)
    )


def premises(
    street: str = "ул. Франкфурта",
    house: str = "9",
    apartment: str = "41",
    *,
    district: str = "zavodskoy",
    fund: str = "social_use",
    rooms: int = 2,
    area: str = "44.50",
) -> Premises:
    row = Premises(
        street=street,
        house=house,
        apartment=apartment,
        district=district_by_code(district),
        fund_category=db.session.scalar(select(FundCategory).where(FundCategory.code == fund)),
        rooms=rooms,
        total_area=Decimal(area),
        living_area=Decimal(area) * Decimal("0.6"),
    )
    db.session.add(row)
    db.session.flush()
    return row


def provide(household: Household, flat: Premises, day: dt.date, type_code: str = "provide_social") -> Any:
    return take_decision(household, decision_type_by_code(type_code), day, premises=flat)
