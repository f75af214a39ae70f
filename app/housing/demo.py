"""Demo housing register: households on the lists of every district, flats, decisions (development only).

Everything goes through the services, so numbers, terms, list periods and statuses are what the real
workflow writes. Same seed and same "today" → same data; loaded once (a second call adds nothing).
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from sqlalchemy import func, select

from ..core.dates import local_to_utc, local_today
from ..extensions import db
from ..org.services import district_by_code
from .models import FundCategory, GroundKind, Household, Premises, Relation
from .services import (
    add_member,
    decision_type_by_code,
    ground_by_code,
    list_type_by_code,
    register_application,
    take_decision,
)

DISTRICTS = ("central", "kuznetsky", "zavodskoy", "kuibyshevsky", "novoilyinsky", "ordzhonikidzevsky")
LAST_NAMES = (
    "Иванов",
    "Ёлкин",
    "Кузнецов",
    "Смирнов",
    "Попов",
    "Васильев",
    "Фёдоров",
    "Морозов",
    "Волков",
    "Алексеев",
    "Лебедев",
    "Семёнов",
)
FIRST_NAMES = ("Анна", "Пётр", "Мария", "Сергей", "Ольга", "Дмитрий", "Елена", "Алексей")
STREETS = ("ул. Кирова", "пр-т Металлургов", "ул. Франкфурта", "ул. Ленина", "ул. Тольятти", "пр-т Строителей")
#: (list type, weight): most families wait on the general list.
LISTS = (("general", 8), ("out_of_turn_unfit", 2), ("out_of_turn_illness", 1), ("young_families", 2))


def _female(last_name: str, first_name: str) -> str:
    return last_name + "а" if first_name in ("Анна", "Мария", "Ольга", "Елена") else last_name


def load_demo_housing(count: int = 120, seed: int = 2026) -> int:
    """Register `count` households (a few refused, removed or provided a flat) and 30 flats; return the households."""
    if db.session.scalar(select(func.count(Household.id))):
        return 0
    rng = random.Random(seed)
    today = local_today()
    social = db.session.scalar(select(FundCategory).where(FundCategory.code == "social_use"))
    flats: list[Premises] = []
    for i in range(30):
        flat = Premises(
            street=STREETS[i % len(STREETS)],
            house=str(10 + i),
            apartment=str(1 + rng.randrange(90)),
            district=district_by_code(DISTRICTS[i % len(DISTRICTS)]),
            fund_category=social,
            rooms=1 + i % 3,
            total_area=Decimal(30 + 12 * (i % 3)) + Decimal("0.5"),
            living_area=Decimal(18 + 8 * (i % 3)),
        )
        db.session.add(flat)
        flats.append(flat)
    db.session.flush()
    lists = [code for code, weight in LISTS for _ in range(weight)]
    created = 0
    for i in range(count):
        first = FIRST_NAMES[i % len(FIRST_NAMES)]
        last = _female(LAST_NAMES[rng.randrange(len(LAST_NAMES))], first)
        # Applications over the last three years; the oldest ones are decided, the freshest still wait.
        filed = today - dt.timedelta(days=10 + (count - i) * 900 // count)
        street = STREETS[rng.randrange(len(STREETS))]
        household = register_application(
            district=district_by_code(DISTRICTS[i % len(DISTRICTS)]),
            applicant_last_name=last,
            applicant_first_name=first,
            address=f"г. Новокузнецк, {street}, д. {1 + rng.randrange(60)}, кв. {1 + rng.randrange(120)}",
            application_time=local_to_utc(dt.datetime.combine(filed, dt.time(9 + i % 8, 5 * (i % 12)))),
            documents_complete_on=filed if i % 10 else None,
            grounds=[ground_by_code(GroundKind.NEED, "below_norm" if i % 3 else "not_provided")],
            current_area=Decimal(10 + rng.randrange(12)),  # below the norm of 12 m² per person
            is_low_income=bool(i % 2),
        )
        add_member(household, last_name=last, first_name="Михаил", relation=Relation.SPOUSE.value)
        if i % 3 == 0:
            add_member(household, last_name=last, first_name="Дарья", relation=Relation.CHILD.value)
        created += 1
        decided = filed + dt.timedelta(days=20)
        if household.documents_complete_on is None or decided > today:
            continue  # waits for documents or for the decision
        if i % 17 == 0:
            take_decision(
                household,
                decision_type_by_code("refuse"),
                decided,
                ground=ground_by_code(GroundKind.REFUSAL, "no_right"),
            )
            continue
        list_code = lists[rng.randrange(len(lists))]
        take_decision(household, decision_type_by_code("register"), decided, list_type=list_type_by_code(list_code))
        later = decided + dt.timedelta(days=120)
        if later > today:
            continue
        if i % 13 == 0:
            take_decision(
                household,
                decision_type_by_code("remove"),
                later,
                ground=ground_by_code(GroundKind.REMOVAL, "own_application"),
            )
        elif i % 11 == 0 and flats:
            take_decision(household, decision_type_by_code("provide_social"), later, premises=flats.pop())
    db.session.flush()
    return created
