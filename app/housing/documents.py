"""Ready documents handed to the citizen (DOMAIN.md H-01…H-06), filled from the case or the decision.

Registered in app/core/documents: the case's card offers the receipt, a decision's card the decision
of its kind and the notice, a certificate's card the certificate; each generation is kept and
printable again. The shipped .docx files are built by scripts/make_document_templates.py.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l

from ..core.dates import to_local
from ..core.documents.registry import register_template
from .models import DecisionEffect, Household, HousingDecision, QueueCertificate, Relation

RELATIONS = {
    Relation.SPOUSE.value: "супруг(а)",
    Relation.CHILD.value: "сын / дочь",
    Relation.PARENT.value: "отец / мать",
    Relation.SIBLING.value: "брат / сестра",
    Relation.GRANDCHILD.value: "внук / внучка",
    Relation.GRANDPARENT.value: "дедушка / бабушка",
    Relation.OTHER.value: "иное родство",
}


def household_context(household: Household) -> dict[str, Any]:
    """What every housing paper says about the case: the application, the applicant, the family."""
    local = to_local(household.application_time)
    return {
        "application_number": household.application_number,
        "application_date": household.application_date,
        "application_time": local.strftime("%H:%M") if local is not None else "",
        "applicant_name": household.applicant_name,
        "applicant_birth_date": household.applicant_birth_date,
        "address": household.address,
        "phone": household.phone or "",
        "district": household.district.name,
        "registering_body": household.registering_body.name,
        "documents": [line.strip() for line in (household.documents_submitted or "").splitlines() if line.strip()],
        "family": [
            {"name": str(member), "relation": RELATIONS.get(member.relation, ""), "birth_date": member.birth_date}
            for member in household.current_members()
        ],
        "family_size": household.family_size,
        "current_area": household.current_area,
        "area_per_person": household.area_per_person,
        "grounds": [str(ground) for ground in household.grounds],
        "decision_due": household.decision_due_date,
    }


def receipt_context(household: Household) -> dict[str, Any]:
    """H-01: receipt for the application and the documents (number, date and time, list of documents)."""
    return household_context(household)


def decision_context(decision: HousingDecision) -> dict[str, Any]:
    """H-02…H-06: the decision with the case's data as of its day (name and address as decided)."""
    premises = decision.premises
    return {
        **household_context(decision.household),
        "applicant_name": decision.applicant_name,
        "address": decision.address or "",
        "number": decision.number,
        "decision_date": decision.decision_date,
        "decision_type": decision.decision_type.name,
        "basis": decision.basis or "",
        "issuing_body": decision.issuing_body.name,
        "list_type": decision.list_type.name if decision.list_type else "",
        "from_list_type": decision.from_list_type.name if decision.from_list_type else "",
        "queue_date": decision.queue_date,
        "ground": str(decision.ground) if decision.ground else "",
        "premises_address": premises.full_address if premises else "",
        "premises_rooms": premises.rooms if premises else "",
        "premises_total_area": premises.total_area if premises else "",
        "premises_living_area": premises.living_area if premises and premises.living_area else "",
        "premises_fund": premises.fund_category.name if premises else "",
        "protocol": decision.protocol or "",
        "handover_due": decision.handover_due,
    }


def certificate_context(certificate: QueueCertificate) -> dict[str, Any]:
    """H-05: the certificate of the queue position on a date, as computed when it was issued."""
    return {
        **household_context(certificate.household),
        "applicant_name": certificate.applicant_name,
        "number": certificate.number,
        "as_of": certificate.as_of,
        "issued_on": certificate.issued_on,
        "positions": certificate.positions.splitlines(),
    }


_HOUSEHOLD_SAMPLE: dict[str, Any] = {
    "application_number": "Ж-2026-00012",
    "application_date": dt.date(2026, 3, 2),
    "application_time": "10:15",
    "applicant_name": "Ёлкина Мария Петровна",
    "applicant_birth_date": dt.date(1985, 4, 12),
    "address": "г. Новокузнецк, ул. Кирова, д. 5, кв. 10",
    "phone": "+7 905 000-11-22",
    "district": "Заводской",
    "registering_body": "Администрация Заводского района",
    "documents": ["Заявление", "Паспорт заявителя", "Выписка из ЕГРН"],
    "family": [{"name": "Ёлкин Иван Сергеевич", "relation": "супруг(а)", "birth_date": dt.date(1983, 1, 5)}],
    "family_size": 2,
    "current_area": Decimal("18.00"),
    "area_per_person": Decimal("9.00"),
    "grounds": ["Обеспеченность площадью ниже учётной нормы (п. 2 ч. 1 ст. 51)"],
    "decision_due": dt.date(2026, 4, 14),
}
_DECISION_SAMPLE: dict[str, Any] = {
    **_HOUSEHOLD_SAMPLE,
    "number": "РЖ-2026-00034",
    "decision_date": dt.date(2026, 4, 1),
    "decision_type": "О принятии на учёт",
    "basis": "ч. 5 ст. 52 ЖК РФ",
    "issuing_body": "Управление по учёту и распределению жилья",
    "list_type": "Общий список",
    "from_list_type": "",
    "queue_date": dt.date(2026, 4, 1),
    "ground": "",
    "premises_address": "ул. Франкфурта, д. 9, кв. 41",
    "premises_rooms": 2,
    "premises_total_area": Decimal("44.50"),
    "premises_living_area": Decimal("28.10"),
    "premises_fund": "Жилищный фонд социального использования",
    "protocol": "Протокол № 4 от 28.03.2026",
    "handover_due": dt.date(2026, 4, 6),
}


def _of(effect: DecisionEffect) -> Any:
    return lambda decision: decision.decision_type.effect == effect.value


RECEIPT = register_template(
    code="housing_receipt",
    name=_l("Расписка в получении заявления и документов"),
    domain="housing",
    path="documents/housing/receipt.docx",
    context_builder=receipt_context,
    model=Household,
    sample=_HOUSEHOLD_SAMPLE,
)
DECISION_TEMPLATES = {
    effect: register_template(
        code=f"housing_decision_{effect.value}",
        name=name,
        domain="housing",
        path=f"documents/housing/decision_{effect.value}.docx",
        context_builder=decision_context,
        model=HousingDecision,
        sample=_DECISION_SAMPLE,
        applies=_of(effect),
    )
    for effect, name in (
        (DecisionEffect.REGISTER, _l("Решение о принятии на учёт")),
        (DecisionEffect.REFUSE, _l("Решение об отказе в принятии на учёт")),
        (DecisionEffect.REMOVE, _l("Решение о снятии с учёта")),
        (DecisionEffect.PROVIDE, _l("Решение о предоставлении жилого помещения")),
    )
}
NOTICE = register_template(
    code="housing_notice",
    name=_l("Уведомление заявителю о принятом решении"),
    domain="housing",
    path="documents/housing/notice.docx",
    context_builder=decision_context,
    model=HousingDecision,
    sample=_DECISION_SAMPLE,
)
CERTIFICATE = register_template(
    code="housing_queue_certificate",
    name=_l("Справка об очерёдности"),
    domain="housing",
    path="documents/housing/queue_certificate.docx",
    context_builder=certificate_context,
    model=QueueCertificate,
    sample={
        **_HOUSEHOLD_SAMPLE,
        "number": "СО-2026-00007",
        "as_of": dt.date(2026, 1, 1),
        "issued_on": dt.date(2026, 3, 2),
        "positions": ["Общий список — 125-й (дата постановки в список 14.05.2019)"],
    },
)
