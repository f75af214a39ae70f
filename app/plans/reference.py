"""Reference data of plans: the five sections of the plan and the two terms of planning (`flask app init`)."""

from __future__ import annotations

from sqlalchemy import select

from ..core.calendar.models import DeadlineUnit, Shift
from ..core.calendar.reference import RuleSeed
from ..extensions import db
from .models import CITY_EVENTS_SECTION, PlanSection

#: Proposals are due a month before the period starts (DOMAIN.md A.7 [C]).
PROPOSALS_RULE = "plans_proposals"
#: The execution note is due the 10th of the month after the period (DOMAIN.md A.7 [C]).
NOTE_RULE = "plans_execution_note"

DEADLINE_RULES = [
    RuleSeed(
        PROPOSALS_RULE,
        "Предложения в план работы (за месяц до начала периода)",
        -1,
        DeadlineUnit.MONTHS,
        Shift.PREVIOUS_WORKING,
        "Порядок планирования работы администрации: предложения не позднее чем за месяц до начала периода",
    ),
    RuleSeed(
        NOTE_RULE,
        "Аналитическая справка об исполнении плана (до 10-го числа следующего месяца)",
        10,
        DeadlineUnit.NEXT_MONTH_DAY,
        Shift.PREVIOUS_WORKING,
        "Порядок планирования работы администрации: справка об исполнении к 10-му числу месяца после периода",
    ),
]

# (code, name, order): the sections of the annual perspective plan (DOMAIN.md A.7 [C]).
SECTIONS: list[tuple[str, str, int]] = [
    ("council", "Вопросы, вносимые на рассмотрение Новокузнецкого городского Совета народных депутатов", 1),
    ("collegium", "Вопросы для рассмотрения на заседаниях Коллегии администрации города Новокузнецка", 2),
    ("head", "Вопросы, рассматриваемые Главой города Новокузнецка", 3),
    ("deputy", "Вопросы, рассматриваемые заместителями Главы города", 4),
    (CITY_EVENTS_SECTION, "Общегородские мероприятия", 5),
]


def seed() -> dict[str, int]:
    """Sections and deadline rules missing by code (idempotent; an Admin's edits stay)."""
    from ..core.calendar.services import seed_deadline_rules

    existing = set(db.session.scalars(select(PlanSection.code)))
    created = 0
    for code, name, order in SECTIONS:
        if code not in existing:
            db.session.add(PlanSection(code=code, name=name, sort_order=order))
            created += 1
    db.session.flush()
    return {"sections": created, "deadline rules": seed_deadline_rules(DEADLINE_RULES)}


def section_by_code(code: str) -> PlanSection:
    """A section by its stable code."""
    section = db.session.scalar(select(PlanSection).where(PlanSection.code == code))
    if section is None:
        raise LookupError(f"plan section {code!r} is not seeded: run `flask app init`")
    return section
