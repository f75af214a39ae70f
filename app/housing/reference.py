"""Shipped reference data of the housing register, loaded by `flask app init` (an Admin's edits stay).

Lists, grounds and fund categories follow the Housing Code (DOMAIN.md A.5, D.5); the local norms are
dated by the act that set them [V: the values are the city's to confirm — the Admin edits them].
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select

from ..core.calendar.models import DeadlineRule, DeadlineUnit, Shift
from ..core.calendar.reference import RuleSeed
from ..extensions import db
from .models import DecisionEffect, DecisionType, FundCategory, Ground, GroundKind, HousingNorm, ListType, NormKind

#: (code, name, basis, out of turn, legacy)
LIST_TYPES = [
    ("general", "Общий список", "ч. 1 ст. 57 ЖК РФ", False, False),
    (
        "out_of_turn_unfit",
        "Внеочередной: жильё признано непригодным",
        "п. 1 ч. 2 ст. 57 ЖК РФ",
        True,
        False,
    ),
    (
        "out_of_turn_illness",
        "Внеочередной: тяжёлая форма хронического заболевания",
        "п. 3 ч. 2 ст. 57 ЖК РФ",
        True,
        False,
    ),
    (
        "legacy_first_priority",
        "Первоочередники (поставлены на учёт до 01.03.2005)",
        "ст. 6 Федерального закона от 29.12.2004 № 189-ФЗ",
        False,
        True,
    ),
    ("young_families", "Молодые семьи", "местная программа", False, False),
]

#: (kind, code, name, article)
GROUNDS = [
    (GroundKind.NEED, "not_provided", "Не является нанимателем или собственником жилого помещения", "п. 1 ч. 1 ст. 51"),
    (GroundKind.NEED, "below_norm", "Обеспеченность площадью ниже учётной нормы", "п. 2 ч. 1 ст. 51"),
    (GroundKind.NEED, "unfit", "Проживает в помещении, не отвечающем установленным требованиям", "п. 3 ч. 1 ст. 51"),
    (
        GroundKind.NEED,
        "illness",
        "Проживает в квартире нескольких семей с больным тяжёлой формой хронического заболевания",
        "п. 4 ч. 1 ст. 51",
    ),
    (GroundKind.REFUSAL, "no_documents", "Не представлены необходимые документы", "п. 1 ч. 1 ст. 54"),
    (GroundKind.REFUSAL, "no_right", "Документы не подтверждают право состоять на учёте", "п. 2 ч. 1 ст. 54"),
    (
        GroundKind.REFUSAL,
        "five_years",
        "Не истёк срок ст. 53 (намеренное ухудшение жилищных условий)",
        "п. 3 ч. 1 ст. 54",
    ),
    (GroundKind.REMOVAL, "own_application", "Подача заявления о снятии с учёта", "п. 1 ч. 1 ст. 56"),
    (GroundKind.REMOVAL, "lost_grounds", "Утрата оснований для получения жилья по договору", "п. 2 ч. 1 ст. 56"),
    (
        GroundKind.REMOVAL,
        "moved_away",
        "Выезд на место жительства в другое муниципальное образование",
        "п. 3 ч. 1 ст. 56",
    ),
    (GroundKind.REMOVAL, "budget_funds", "Получение бюджетных средств на приобретение жилья", "п. 4 ч. 1 ст. 56"),
    (GroundKind.REMOVAL, "land_plot", "Предоставление земельного участка для строительства дома", "п. 5 ч. 1 ст. 56"),
    (
        GroundKind.REMOVAL,
        "false_information",
        "Выявление недостоверных сведений или неправомерных действий при постановке на учёт",
        "п. 6 ч. 1 ст. 56",
    ),
]

#: (code, name, article, specialised)
FUND_CATEGORIES = [
    ("social_use", "Жилищный фонд социального использования", "п. 1 ч. 3 ст. 19 ЖК РФ", False),
    ("specialised.service", "Специализированный: служебные жилые помещения", "п. 1 ч. 1 ст. 92", True),
    ("specialised.dormitory", "Специализированный: общежития", "п. 2 ч. 1 ст. 92", True),
    ("specialised.maneuver", "Специализированный: манёвренный фонд", "п. 3 ч. 1 ст. 92", True),
    ("specialised.social_service_homes", "Специализированный: дома системы социального обслуживания", "п. 4", True),
    ("specialised.forced_migrants", "Специализированный: для вынужденных переселенцев", "п. 5 ч. 1 ст. 92", True),
    ("specialised.refugees", "Специализированный: для беженцев", "п. 6 ч. 1 ст. 92", True),
    ("specialised.social_protection", "Специализированный: для социальной защиты", "п. 7 ч. 1 ст. 92", True),
    ("specialised.orphans", "Специализированный: для детей-сирот", "п. 8 ч. 1 ст. 92", True),
    ("commercial", "Жилищный фонд коммерческого использования", "п. 2 ч. 3 ст. 19 ЖК РФ", False),
]

#: (code, name, effect, basis, fund category codes, ends registration)
DECISION_TYPES = [
    ("register", "О принятии на учёт", DecisionEffect.REGISTER, "ч. 5 ст. 52 ЖК РФ", "", True),
    ("refuse", "Об отказе в принятии на учёт", DecisionEffect.REFUSE, "ст. 54 ЖК РФ", "", True),
    ("remove", "О снятии с учёта", DecisionEffect.REMOVE, "ст. 56 ЖК РФ", "", True),
    (
        "provide_social",
        "О предоставлении жилого помещения по договору социального найма",
        DecisionEffect.PROVIDE,
        "ч. 3–4 ст. 57 ЖК РФ",
        "social_use",
        True,
    ),
    (
        "provide_specialised",
        "О предоставлении специализированного жилого помещения",
        DecisionEffect.PROVIDE,
        "ст. 92, 99 ЖК РФ",
        "specialised.service,specialised.dormitory,specialised.orphans,specialised.social_protection",
        True,
    ),
    (
        "provide_maneuver",
        "О предоставлении жилого помещения манёвренного фонда",
        DecisionEffect.PROVIDE,
        "ст. 95, 106 ЖК РФ",
        "specialised.maneuver",
        False,
    ),
    ("change_list", "Об изменении списка очерёдности", DecisionEffect.CHANGE_LIST, "ч. 2 ст. 57 ЖК РФ", "", True),
    (
        "restore_by_court",
        "О восстановлении на учёте по решению суда",
        DecisionEffect.RESTORE,
        "решение суда; ст. 55 ЖК РФ",
        "",
        True,
    ),
]

LOCAL_ACT = "Решение Новокузнецкого городского Совета народных депутатов (уточняется администратором)"
#: (kind, m² per person, valid from) [V]
NORMS = [
    (NormKind.ACCOUNTING, Decimal("12.00"), dt.date(2005, 3, 1)),
    (NormKind.PROVISION, Decimal("18.00"), dt.date(2005, 3, 1)),
    (NormKind.MANOEUVRE, Decimal("6.00"), dt.date(2005, 3, 1)),
]

#: The removal decision's own term (ЖК ст. 56 ч. 2): 30 working days from the discovery of its ground.
#: The registration term (`housing_decision`) and the hand-over term (`housing_handover`) are the
#: platform's (app/core/calendar/reference.py).
REMOVAL_RULE = RuleSeed(
    "housing_removal",
    "Решение о снятии с учёта (со дня выявления основания)",
    30,
    DeadlineUnit.WORKING_DAYS,
    Shift.NONE,
    "ч. 2 ст. 56 Жилищного кодекса РФ",
)
DECISION_RULE = "housing_decision"
HANDOVER_RULE = "housing_handover"


def _missing(model: type, key: str, wanted: list[str]) -> set[str]:
    return set(wanted) - set(db.session.scalars(select(getattr(model, key))))


def seed_reference() -> dict[str, int]:
    """Insert what is missing by code; an Admin's edits of existing rows stay."""
    counts: dict[str, int] = {}
    missing = _missing(ListType, "code", [row[0] for row in LIST_TYPES])
    for order, (code, name, basis, out_of_turn, legacy) in enumerate(LIST_TYPES):
        if code in missing:
            db.session.add(
                ListType(
                    code=code, name=name, basis=basis, is_out_of_turn=out_of_turn, is_legacy=legacy, sort_order=order
                )
            )
    counts["housing lists"] = len(missing)
    existing = set(db.session.execute(select(Ground.kind, Ground.code)).all())
    added = 0
    for order, (kind, code, name, article) in enumerate(GROUNDS):
        if (kind.value, code) not in existing:
            db.session.add(Ground(kind=kind.value, code=code, name=name, article=article, sort_order=order))
            added += 1
    counts["housing grounds"] = added
    missing = _missing(FundCategory, "code", [row[0] for row in FUND_CATEGORIES])
    for order, (code, name, article, specialised) in enumerate(FUND_CATEGORIES):
        if code in missing:
            db.session.add(
                FundCategory(code=code, name=name, article=article, is_specialised=specialised, sort_order=order)
            )
    counts["housing fund categories"] = len(missing)
    missing = _missing(DecisionType, "code", [row[0] for row in DECISION_TYPES])
    for order, (code, name, effect, basis, funds, ends) in enumerate(DECISION_TYPES):
        if code in missing:
            db.session.add(
                DecisionType(
                    code=code,
                    name=name,
                    effect=effect.value,
                    basis=basis,
                    fund_categories=funds or None,
                    ends_registration=ends,
                    sort_order=order,
                )
            )
    counts["housing decision types"] = len(missing)
    existing_norms = set(db.session.execute(select(HousingNorm.kind, HousingNorm.valid_from)).all())
    added = 0
    for kind, value, valid_from in NORMS:
        if (kind.value, valid_from) not in existing_norms:
            db.session.add(HousingNorm(kind=kind.value, value_m2=value, valid_from=valid_from, act=LOCAL_ACT))
            added += 1
    counts["housing norms"] = added
    if db.session.scalar(select(DeadlineRule.id).where(DeadlineRule.code == REMOVAL_RULE.code)) is None:
        db.session.add(
            DeadlineRule(
                code=REMOVAL_RULE.code,
                name=REMOVAL_RULE.name,
                amount=REMOVAL_RULE.amount,
                unit=REMOVAL_RULE.unit.value,
                shift=REMOVAL_RULE.shift.value,
                basis=REMOVAL_RULE.basis,
            )
        )
        counts["housing deadline rules"] = 1
    db.session.flush()
    return counts
