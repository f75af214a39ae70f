"""Housing register rules and state changes (ЖК РФ ст. 49–58). Flush, never commit; refuse with domain errors.

Every decision is taken here (`take_decision`): its number, its terms, and its effect on the case, the
list periods and the premises, all in the caller's one transaction. Providing housing locks the
premises row (PostgreSQL) and relies on its version (SQLite): two officers giving the same flat at
once cannot both succeed — the second gets a conflict and nothing of his is kept.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import event, select
from sqlalchemy.orm.exc import StaleDataError

from ..core import numbering
from ..core.calendar import due_date
from ..core.dates import local_to_utc, local_today, to_local, utcnow
from ..core.errors import ConflictError, ValidationFailed
from ..core.inputs import check_date
from ..core.services import DomainHooks
from ..extensions import db
from ..org.models import Body, BodyKind
from . import APPLICATIONS, CERTIFICATES, DECISIONS
from .models import (
    AWAITING_STATUSES,
    CADASTRAL_PATTERN,
    DecisionEffect,
    DecisionType,
    Ground,
    GroundKind,
    Household,
    HouseholdMember,
    HouseholdStatus,
    HousingDecision,
    HousingNorm,
    ListType,
    NormKind,
    Premises,
    PremisesStatus,
    QueueCertificate,
    QueueEntry,
)
from .queue import positions_of
from .reference import DECISION_RULE, HANDOVER_RULE, REMOVAL_RULE

GENERAL_LIST = "general"
CENT = Decimal("0.01")

STATUS_LABELS = {
    HouseholdStatus.RECEIVED: _l("Заявление принято, документы не полные"),
    HouseholdStatus.UNDER_REVIEW: _l("На рассмотрении"),
    HouseholdStatus.ON_REGISTER: _l("Состоит на учёте"),
    HouseholdStatus.REFUSED: _l("Отказано в принятии на учёт"),
    HouseholdStatus.REMOVED: _l("Снят с учёта"),
    HouseholdStatus.PROVIDED: _l("Жильё предоставлено"),
}
PREMISES_STATUS_LABELS = {
    PremisesStatus.VACANT: _l("Свободно"),
    PremisesStatus.OFFERED: _l("Предложено"),
    PremisesStatus.OCCUPIED: _l("Занято"),
    PremisesStatus.UNDER_REPAIR: _l("На ремонте"),
    PremisesStatus.EXCLUDED: _l("Исключено из фонда"),
}
EFFECT_LABELS = {
    DecisionEffect.REGISTER: _l("Принять на учёт"),
    DecisionEffect.REFUSE: _l("Отказать в принятии на учёт"),
    DecisionEffect.REMOVE: _l("Снять с учёта"),
    DecisionEffect.PROVIDE: _l("Предоставить жильё"),
    DecisionEffect.CHANGE_LIST: _l("Изменить список"),
    DecisionEffect.RESTORE: _l("Восстановить на учёте по решению суда"),
}
#: The statuses each decision needs (the case's state machine).
ALLOWED: dict[DecisionEffect, tuple[HouseholdStatus, ...]] = {
    DecisionEffect.REGISTER: AWAITING_STATUSES,
    DecisionEffect.REFUSE: AWAITING_STATUSES,
    DecisionEffect.REMOVE: (HouseholdStatus.ON_REGISTER,),
    DecisionEffect.PROVIDE: (HouseholdStatus.ON_REGISTER,),
    DecisionEffect.CHANGE_LIST: (HouseholdStatus.ON_REGISTER,),
    DecisionEffect.RESTORE: (HouseholdStatus.REMOVED,),
}


class IllegalDecision(ConflictError):
    message = _l("Решение «%(decision)s» нельзя принять по делу в статусе «%(status)s»")


class PremisesTaken(ConflictError):
    message = _l(
        "Помещение «%(address)s» уже предоставлено или предложено другой семье: обновите страницу и выберите другое"
    )


class NotLatestDecision(ConflictError):
    message = _l("Аннулировать можно только последнее решение по делу: сначала аннулируйте решение %(number)s")


def status_label(status: str) -> str:
    return str(STATUS_LABELS[HouseholdStatus(status)])


# ---- numbers, values ------------------------------------------------------------------------------

_SNILS = re.compile(r"^\s*(\d{3})[-\s]?(\d{3})[-\s]?(\d{3})[-\s]?(\d{2})\s*$")


def snils_checksum(digits: str) -> int:
    """The control number of a СНИЛС's first nine digits (ПФР's rule: weights 9…1, modulo 101)."""
    total = sum(int(d) * (9 - i) for i, d in enumerate(digits[:9]))
    if total < 100:
        return total
    if total in (100, 101):
        return 0
    remainder = total % 101
    return 0 if remainder == 100 else remainder


def normalise_snils(value: str | None, field: str = "applicant_snils") -> str | None:
    """A СНИЛС as «123-456-789 01», its control number checked; None for nothing typed."""
    if value is None or not value.strip():
        return None
    match = _SNILS.match(value)
    if match is None:
        raise ValidationFailed(_l("СНИЛС: 11 цифр, например 112-233-445 95"), field=field)
    digits = "".join(match.groups()[:3])
    control = int(match.group(4))
    # Numbers up to 001-001-998 were issued before the control number existed.
    if int(digits) > 1001998 and snils_checksum(digits) != control:
        raise ValidationFailed(_l("СНИЛС: неверное контрольное число — проверьте номер"), field=field)
    return f"{digits[:3]}-{digits[3:6]}-{digits[6:9]} {match.group(4)}"


def check_cadastral(value: str | None) -> str | None:
    """A cadastral number as «42:30:0102003:1234» (district:area:quarter:number)."""
    if value is None or not value.strip():
        return None
    cleaned = re.sub(r"\s+", "", value)
    if not re.match(CADASTRAL_PATTERN, cleaned):
        raise ValidationFailed(
            _l("Кадастровый номер: АА:ВВ:ССССССС:КК, например 42:30:0102003:1234"), field="cadastral_number"
        )
    return cleaned


def norm_on(kind: NormKind, day: dt.date) -> HousingNorm | None:
    """The norm of this kind in force on `day`: the latest set on or before it."""
    return db.session.scalars(
        select(HousingNorm)
        .where(HousingNorm.kind == kind.value, HousingNorm.valid_from <= day)
        .order_by(HousingNorm.valid_from.desc())
        .limit(1)
    ).first()


def list_type_by_code(code: str) -> ListType:
    list_type = db.session.scalar(select(ListType).where(ListType.code == code))
    if list_type is None:
        raise ValidationFailed(_l("Нет списка очерёдности «%(code)s» в справочнике"), code=code)
    return list_type


def decision_type_by_code(code: str) -> DecisionType:
    found = db.session.scalar(select(DecisionType).where(DecisionType.code == code))
    if found is None:
        raise ValidationFailed(_l("Нет вида решения «%(code)s» в справочнике"), code=code)
    return found


def ground_by_code(kind: GroundKind, code: str) -> Ground:
    found = db.session.scalar(select(Ground).where(Ground.kind == kind.value, Ground.code == code))
    if found is None:
        raise ValidationFailed(_l("Нет основания «%(code)s» в справочнике"), code=code)
    return found


# ---- the case ---------------------------------------------------------------------------------------


def recount_family(household: Household) -> Household:
    """Family size (the applicant and the current members) and the area per person."""
    household.family_size = 1 + len(household.current_members())
    area = household.current_area
    household.area_per_person = (
        (Decimal(area) / household.family_size).quantize(CENT, rounding=ROUND_HALF_UP) if area is not None else None
    )
    return household


def _district_administration(district_id: int | None) -> Body | None:
    if district_id is None:
        return None
    return db.session.scalar(
        select(Body)
        .where(Body.district_id == district_id, Body.kind == BodyKind.DISTRICT_ADMINISTRATION.value)
        .order_by(Body.id)
        .limit(1)
    )


def _start_review(household: Household) -> None:
    """The term to decide runs from the complete documents (ЖК ст. 52 ч. 5)."""
    if household.documents_complete_on is None:
        household.status = HouseholdStatus.RECEIVED.value
        household.decision_due_date, household.decision_due_unconfirmed = None, False
        return
    deadline = due_date(DECISION_RULE, household.documents_complete_on)
    household.status = HouseholdStatus.UNDER_REVIEW.value
    household.decision_due_date, household.decision_due_unconfirmed = deadline.due, deadline.unconfirmed


def prepare_application(household: Household, imported_seq: int | None = None) -> Household:
    """Number, time, status and term of a new application (the form, the REST API and the import come here).

    The application book's number is drawn for the LOCAL year of the application; an imported case
    keeps its number (`imported_seq`) and the year's counter moves past it.
    """
    if household.application_time is None:
        if household.application_date is None or household.application_date == local_today():
            household.application_time = utcnow()
        else:
            # A paper application registered later: the day is known, the hour is not.
            household.application_time = local_to_utc(dt.datetime.combine(household.application_date, dt.time()))
    local = to_local(household.application_time)
    assert local is not None
    household.application_date = local.date()
    if household.district is None and household.district_id is None:
        raise ValidationFailed(_l("Укажите район"), field="district")
    if household.registering_body is None and household.registering_body_id is None:
        district_id = household.district.id if household.district is not None else household.district_id
        household.registering_body = _district_administration(district_id)
        if household.registering_body is None:
            raise ValidationFailed(_l("Укажите орган, принявший заявление"), field="registering_body")
    if imported_seq is None:
        number = numbering.next_number(APPLICATIONS.code, household.application_date)
    else:
        number = numbering.take_imported(APPLICATIONS.code, household.application_date.year, imported_seq)
    household.application_year, household.application_seq, household.application_number = (
        number.year,
        number.seq,
        number.text,
    )
    household.members = list(household.members or [])
    check_household(household)
    _start_review(household)
    return household


def check_household(household: Household) -> Household:
    """Every write of a case: СНИЛС, dates in order, the family recounted; complete documents start the term."""
    household.applicant_snils = normalise_snils(household.applicant_snils)
    if not (household.applicant_last_name or "").strip() or not (household.applicant_first_name or "").strip():
        raise ValidationFailed(_l("Укажите фамилию и имя заявителя"), field="applicant_last_name")
    if not (household.address or "").strip():
        raise ValidationFailed(_l("Укажите адрес заявителя"), field="address")
    if household.current_area is not None and household.current_area < 0:
        raise ValidationFailed(_l("Площадь не может быть отрицательной"), field="current_area")
    complete = household.documents_complete_on
    if complete is not None and household.application_date is not None and complete < household.application_date:
        raise ValidationFailed(
            _l("Документы не могут быть представлены раньше заявления"), field="documents_complete_on"
        )
    if household.status == HouseholdStatus.RECEIVED.value and complete is not None and household.id is not None:
        _start_review(household)
    recount_family(household)
    return household


def register_application(
    *,
    district: Any,
    applicant_last_name: str,
    applicant_first_name: str,
    address: str,
    application_date: dt.date | None = None,
    application_time: dt.datetime | None = None,
    members: Sequence[dict[str, Any]] = (),
    grounds: Sequence[Ground] = (),
    imported_seq: int | None = None,
    **fields: Any,
) -> Household:
    """Register an application in the book: its number, the family, the term to decide (when documents are complete)."""
    household = Household(
        district=district,
        applicant_last_name=applicant_last_name,
        applicant_first_name=applicant_first_name,
        address=address,
        application_date=application_date,
        application_time=application_time,
        grounds=list(grounds),
        **fields,
    )
    for member in members:
        household.members.append(HouseholdMember(**member))
    for member in household.members:
        check_member(member)
    with db.session.no_autoflush:
        prepare_application(household, imported_seq)
    db.session.add(household)
    db.session.flush()
    return household


def complete_documents(household: Household, on: dt.date) -> Household:
    """The applicant has brought every document: the 30 working days to decide start."""
    if household.status != HouseholdStatus.RECEIVED.value:
        raise IllegalDecision(decision=str(_l("Документы представлены")), status=status_label(household.status))
    check_date(household, "documents_complete_on", on, field="on")
    household.documents_complete_on = on
    check_household(household)
    _start_review(household)
    db.session.flush()
    return household


def note_removal_ground(household: Household, ground: Ground, found_on: dt.date) -> Household:
    """A ground of removal is discovered (ЖК ст. 56 ч. 2): the decision is due in 30 working days from then."""
    if household.status != HouseholdStatus.ON_REGISTER.value or household.annulled_at is not None:
        raise IllegalDecision(decision=str(_l("Выявлено основание снятия")), status=status_label(household.status))
    if ground is None or ground.kind != GroundKind.REMOVAL.value:
        raise ValidationFailed(_l("Выберите основание снятия с учёта (ст. 56 ЖК РФ)"), field="ground")
    check_date(household, "removal_ground_found_on", found_on, field="found_on")
    if found_on > local_today():
        raise ValidationFailed(_l("Дата выявления не может быть в будущем"), field="found_on")
    deadline = due_date(REMOVAL_RULE.code, found_on)
    household.removal_ground = ground
    household.removal_ground_found_on = found_on
    household.decision_due_date, household.decision_due_unconfirmed = deadline.due, deadline.unconfirmed
    db.session.flush()
    return household


# ---- family members -----------------------------------------------------------------------------------


def check_member(member: HouseholdMember) -> HouseholdMember:
    """A member's СНИЛС and name; the family is recounted."""
    member.snils = normalise_snils(member.snils, field="snils")
    if not (member.last_name or "").strip() or not (member.first_name or "").strip():
        raise ValidationFailed(_l("Укажите фамилию и имя члена семьи"), field="last_name")
    if member.household is not None:
        recount_family(member.household)
    return member


def link_member(member: HouseholdMember, household: Household | None) -> HouseholdMember:
    if household is None:
        raise ValidationFailed(_l("Укажите учётное дело"), field="household")
    if household.annulled_at is not None:
        raise ValidationFailed(_l("Дело аннулировано: состав семьи не меняется"), field="household")
    member.household = household
    return member


def add_member(household: Household, **fields: Any) -> HouseholdMember:
    """Add a family member (the family's size and area per person follow)."""
    member = link_member(HouseholdMember(**fields), household)
    check_member(member)
    db.session.add(member)
    db.session.flush()
    return member


# ---- list periods --------------------------------------------------------------------------------------


def open_entries(household: Household) -> list[QueueEntry]:
    return [e for e in household.entries if not e.is_void and e.excluded_on is None]


def _open_entry(household: Household, list_type: ListType, queue_date: dt.date, on: dt.date, by: Any) -> QueueEntry:
    entry = QueueEntry(
        household=household,
        list_type=list_type,
        queue_date=queue_date,
        application_time=household.application_time,
        application_seq=household.application_seq,
        included_on=on,
        included_by=by,
    )
    db.session.add(entry)
    if list_type not in household.lists:
        household.lists.append(list_type)
    return entry


def _close_entry(household: Household, entry: QueueEntry, on: dt.date, by: Any) -> None:
    if on < entry.included_on:
        raise ValidationFailed(
            _l("Дата решения раньше постановки в список «%(list)s» (%(date)s)"),
            field="decision_date",
            list=entry.list_type.name,
            date=entry.included_on.strftime("%d.%m.%Y"),
        )
    entry.excluded_on, entry.excluded_by = on, by
    if entry.list_type in household.lists:
        household.lists.remove(entry.list_type)


# ---- decisions -----------------------------------------------------------------------------------------


def _issuing_body(decision: HousingDecision, user_body: Body | None) -> Body:
    body = decision.issuing_body or user_body
    if body is None:
        body = db.session.scalar(select(Body).where(Body.code == "uzhil")) or decision.household.registering_body
    return body


def _lock_premises(premises: Premises) -> Premises:
    """The premises row, locked until commit (PostgreSQL; SQLite serialises writers and checks the version)."""
    return db.session.scalars(
        select(Premises).where(Premises.id == premises.id).with_for_update().execution_options(populate_existing=True)
    ).one()


def _check_provision(decision: HousingDecision) -> Premises:
    premises = decision.premises
    if premises is None:
        raise ValidationFailed(_l("Выберите предоставляемое жилое помещение"), field="premises")
    premises = _lock_premises(premises)
    taken = premises.status not in (PremisesStatus.VACANT.value, PremisesStatus.OFFERED.value)
    offered_elsewhere = (
        premises.status == PremisesStatus.OFFERED.value
        and premises.offered_to_id is not None
        and premises.offered_to_id != decision.household.id
    )
    if taken or offered_elsewhere or premises.annulled_at is not None:
        raise PremisesTaken(address=premises.full_address, field="premises")
    allowed = decision.decision_type.allowed_fund_codes()
    if allowed and premises.fund_category.code not in allowed:
        raise ValidationFailed(
            _l("Помещение фонда «%(category)s» нельзя предоставить решением «%(type)s»"),
            field="premises",
            category=premises.fund_category.name,
            type=decision.decision_type.name,
        )
    return premises


def _require_ground(decision: HousingDecision, kind: GroundKind, message: Any) -> None:
    if decision.ground is None or decision.ground.kind != kind.value:
        raise ValidationFailed(message, field="ground")


def _check_need(household: Household, day: dt.date) -> None:
    """Registration needs a ground of need (ст. 51); «below the norm» is checked against the norm of that day."""
    if not household.grounds:
        raise ValidationFailed(_l("Укажите в деле основание нуждаемости (ст. 51 ЖК РФ)"), field="household")
    below = next((g for g in household.grounds if g.code == "below_norm"), None)
    if below is None or household.area_per_person is None:
        return
    norm = norm_on(NormKind.ACCOUNTING, day)
    if norm is not None and household.area_per_person >= norm.value_m2:
        raise ValidationFailed(
            _l(
                "Обеспеченность %(area)s м² на человека не ниже учётной нормы %(norm)s м², "
                "действующей на %(date)s: основание «ниже учётной нормы» не подтверждается"
            ),
            field="household",
            area=household.area_per_person,
            norm=norm.value_m2,
            date=day.strftime("%d.%m.%Y"),
        )


def _apply(decision: HousingDecision) -> None:
    """The decision's effect on the case, its list periods and the premises (DOMAIN.md D.5)."""
    household, effect, day = decision.household, decision.effect, decision.decision_date
    if effect is DecisionEffect.REGISTER:
        list_type = decision.list_type or list_type_by_code(GENERAL_LIST)
        if list_type.is_legacy or not list_type.is_active:
            raise ValidationFailed(_l("В список «%(list)s» новых не ставят"), field="list_type", list=list_type.name)
        _check_need(household, day)
        decision.list_type = list_type
        decision.queue_date = decision.queue_date or day
        _open_entry(household, list_type, decision.queue_date, day, decision)
        household.queue_date = household.queue_date or decision.queue_date
        household.status = HouseholdStatus.ON_REGISTER.value
    elif effect is DecisionEffect.REFUSE:
        _require_ground(decision, GroundKind.REFUSAL, _l("Выберите основание отказа (ст. 54 ЖК РФ)"))
        household.status = HouseholdStatus.REFUSED.value
    elif effect is DecisionEffect.REMOVE:
        decision.ground = decision.ground or household.removal_ground
        _require_ground(decision, GroundKind.REMOVAL, _l("Выберите основание снятия с учёта (ст. 56 ЖК РФ)"))
        for entry in open_entries(household):
            _close_entry(household, entry, day, decision)
        household.status = HouseholdStatus.REMOVED.value
    elif effect is DecisionEffect.PROVIDE:
        premises = _check_provision(decision)
        decision.premises = premises
        premises.status = PremisesStatus.OCCUPIED.value
        premises.tenant_household = household
        premises.offered_to = None
        if decision.decision_type.ends_registration:
            for entry in open_entries(household):
                _close_entry(household, entry, day, decision)
            household.status = HouseholdStatus.PROVIDED.value
    elif effect is DecisionEffect.CHANGE_LIST:
        _change_list(decision)
    elif effect is DecisionEffect.RESTORE:
        _restore(decision)
    if effect is not DecisionEffect.CHANGE_LIST and (
        effect is not DecisionEffect.PROVIDE or decision.decision_type.ends_registration
    ):
        # The pending decision is taken: no term runs any more.
        household.decision_due_date, household.decision_due_unconfirmed = None, False
        household.removal_ground, household.removal_ground_found_on = None, None


def _change_list(decision: HousingDecision) -> None:
    household, day = decision.household, decision.decision_date
    target = decision.list_type
    if target is None:
        raise ValidationFailed(_l("Выберите список, в который переводится семья"), field="list_type")
    if target.is_legacy or not target.is_active:
        raise ValidationFailed(_l("В список «%(list)s» новых не ставят"), field="list_type", list=target.name)
    current = {e.list_type_id: e for e in open_entries(household)}
    if target.id in current:
        raise ValidationFailed(_l("Семья уже состоит в списке «%(list)s»"), field="list_type", list=target.name)
    if decision.from_list_type is not None:
        leaving = current.get(decision.from_list_type.id)
        if leaving is None:
            raise ValidationFailed(
                _l("Семья не состоит в списке «%(list)s»"), field="from_list_type", list=decision.from_list_type.name
            )
        _close_entry(household, leaving, day, decision)
    decision.queue_date = decision.queue_date or day
    _open_entry(household, target, decision.queue_date, day, decision)


def _latest_removal(household: Household) -> HousingDecision | None:
    return db.session.scalars(
        select(HousingDecision)
        .join(DecisionType)
        .where(
            HousingDecision.household_id == household.id,
            HousingDecision.annulled_at.is_(None),
            DecisionType.effect == DecisionEffect.REMOVE.value,
        )
        .order_by(HousingDecision.decision_date.desc(), HousingDecision.id.desc())
        .limit(1)
    ).first()


def _restore(decision: HousingDecision) -> None:
    """Back on the register by a court: each list it was removed from, with its original queue date."""
    household, day = decision.household, decision.decision_date
    removal = _latest_removal(household)
    closed = [e for e in household.entries if removal is not None and e.excluded_by_id == removal.id and not e.is_void]
    if not closed:
        raise ValidationFailed(_l("В деле нет действующего решения о снятии с учёта"), field="household")
    for entry in closed:
        _open_entry(household, entry.list_type, entry.queue_date, day, decision)
    decision.list_type = decision.list_type or closed[0].list_type
    decision.queue_date = decision.queue_date or closed[0].queue_date
    household.status = HouseholdStatus.ON_REGISTER.value
    household.restored_by_court = True


def prepare_decision(decision: HousingDecision, user_body: Body | None = None, imported_seq: int | None = None) -> Any:
    """Check and number a new decision and apply its effect (the action forms, the REST API and the import)."""
    household = decision.household
    if household is None:
        raise ValidationFailed(_l("Укажите учётное дело"), field="household")
    if decision.decision_type is None:
        raise ValidationFailed(_l("Укажите вид решения"), field="decision_type")
    effect = decision.effect
    if household.annulled_at is not None or household.status not in {s.value for s in ALLOWED[effect]}:
        raise IllegalDecision(decision=decision.decision_type.name, status=status_label(household.status))
    if decision.decision_date is None:
        decision.decision_date = local_today()
    check_date(decision, "decision_date", decision.decision_date)
    if decision.decision_date < household.application_date:
        raise ValidationFailed(_l("Дата решения раньше даты заявления"), field="decision_date")
    if decision.decision_date > local_today() and imported_seq is None:
        raise ValidationFailed(_l("Решение не может быть датировано будущим днём"), field="decision_date")
    latest = latest_decision(household)
    if latest is not None and decision.decision_date < latest.decision_date:
        raise ValidationFailed(
            _l("Дата решения раньше последнего решения по делу (%(number)s)"), field="decision_date", number=latest
        )
    decision.issuing_body = _issuing_body(decision, user_body)
    decision.basis = decision.basis or decision.decision_type.basis
    decision.due_date = household.decision_due_date
    decision.district_id = household.district_id
    decision.applicant_name = household.applicant_name
    decision.address = household.address
    handover = due_date(HANDOVER_RULE, decision.decision_date)
    decision.handover_due = handover.due
    # The effect first: providing housing locks the premises row before anything else is locked (the
    # journal's counter row is held from the draw until commit, and a refused provision draws none).
    _apply(decision)
    if imported_seq is None:
        number = numbering.next_number(DECISIONS.code, decision.decision_date)
    else:
        number = numbering.take_imported(DECISIONS.code, decision.decision_date.year, imported_seq)
    decision.number_year, decision.number_seq, decision.number = number.year, number.seq, number.text
    return decision


def take_decision(
    household: Household,
    decision_type: DecisionType,
    decision_date: dt.date | None = None,
    *,
    user_body: Body | None = None,
    imported_seq: int | None = None,
    **fields: Any,
) -> HousingDecision:
    """Take a decision on a case: numbered, its terms set, its effect applied — in the caller's transaction."""
    decision = HousingDecision(
        household=household, decision_type=decision_type, decision_date=decision_date or local_today(), **fields
    )
    with db.session.no_autoflush:
        prepare_decision(decision, user_body, imported_seq)
    db.session.add(decision)
    try:
        db.session.flush()
    except StaleDataError:
        # SQLite: another transaction changed the premises (or the case) since they were read.
        premises = decision.premises
        raise PremisesTaken(address=premises.full_address if premises else "—", field="premises") from None
    return decision


def latest_decision(household: Household) -> HousingDecision | None:
    """The case's latest decision in force (by date, then by number of entry)."""
    if household.id is None:
        return None
    return db.session.scalars(
        select(HousingDecision)
        .where(HousingDecision.household_id == household.id, HousingDecision.annulled_at.is_(None))
        .order_by(HousingDecision.decision_date.desc(), HousingDecision.id.desc())
        .limit(1)
    ).first()


def check_decision(decision: HousingDecision) -> HousingDecision:
    """An edit of a decision: only its paperwork changes (protocol, notes, hand-over)."""
    if decision.handed_over_on is not None and decision.handover_method is None:
        raise ValidationFailed(_l("Укажите способ выдачи решения"), field="handover_method")
    return decision


def hand_over(decision: HousingDecision, on: dt.date, method: str) -> HousingDecision:
    """The decision is issued or sent to the citizen (3 working days: ЖК ст. 52 ч. 6, 54, 56, 57)."""
    if decision.annulled_at is not None:
        raise ConflictError(_l("Решение аннулировано"))
    if decision.handed_over_on is not None:
        raise ConflictError(_l("Решение уже выдано %(date)s"), date=decision.handed_over_on.strftime("%d.%m.%Y"))
    check_date(decision, "handed_over_on", on, field="on")
    if on > local_today():
        raise ValidationFailed(_l("Дата выдачи не может быть в будущем"), field="on")
    decision.handed_over_on, decision.handover_method = on, method
    check_decision(decision)
    db.session.flush()
    return decision


def revert_decision(decision: HousingDecision) -> None:
    """Annulling a decision takes its effect back: only the case's latest decision may be annulled."""
    household = decision.household
    latest = latest_decision(household)
    if latest is not None and latest.id != decision.id:
        raise NotLatestDecision(number=str(latest))
    effect = decision.effect
    for entry in list(household.entries):
        if entry.included_by_id == decision.id:
            entry.is_void = True
            if entry.list_type in household.lists:
                household.lists.remove(entry.list_type)
        elif entry.excluded_by_id == decision.id:
            entry.excluded_on, entry.excluded_by = None, None
            if entry.list_type not in household.lists:
                household.lists.append(entry.list_type)
    if effect in (DecisionEffect.REGISTER, DecisionEffect.REFUSE):
        if effect is DecisionEffect.REGISTER and household.queue_date == decision.queue_date:
            others = [e for e in household.entries if not e.is_void and e.included_by_id != decision.id]
            household.queue_date = others[0].queue_date if others else None
        _start_review(household)
    elif effect is DecisionEffect.REMOVE:
        household.status = HouseholdStatus.ON_REGISTER.value
    elif effect is DecisionEffect.PROVIDE:
        premises = decision.premises
        if premises is not None and premises.tenant_household_id == household.id:
            premises.status, premises.tenant_household = PremisesStatus.VACANT.value, None
        if decision.decision_type.ends_registration:
            household.status = HouseholdStatus.ON_REGISTER.value
    elif effect is DecisionEffect.RESTORE:
        household.status = HouseholdStatus.REMOVED.value
        household.restored_by_court = False


@event.listens_for(HousingDecision.annulled_at, "set")
def _decision_annulled(decision: HousingDecision, value: Any, oldvalue: Any, _initiator: Any) -> None:
    # Whoever annuls a decision (the card's button, the REST API) takes its effect back in the same
    # transaction: the platform's annul() sets this attribute and flushes.
    if value is not None and not isinstance(oldvalue, dt.datetime) and decision.id is not None:
        revert_decision(decision)


@event.listens_for(Household.annulled_at, "set")
def _household_annulled(household: Household, value: Any, oldvalue: Any, _initiator: Any) -> None:
    # A case registered by mistake is annulled once its decisions are: it then never stood in any list.
    if value is None or isinstance(oldvalue, dt.datetime) or household.id is None:
        return
    if latest_decision(household) is not None:
        raise ConflictError(_l("По делу есть решения: сначала аннулируйте их (начиная с последнего)"))
    for entry in household.entries:
        entry.is_void = True
    household.lists = []
    household.decision_due_date = None


# ---- premises ------------------------------------------------------------------------------------------


def check_premises(premises: Premises) -> Premises:
    """Every write of a dwelling: cadastral number's format, areas, and statuses the decisions own."""
    premises.cadastral_number = check_cadastral(premises.cadastral_number)
    if premises.total_area is None or premises.total_area <= 0:
        raise ValidationFailed(_l("Общая площадь должна быть больше нуля"), field="total_area")
    if premises.living_area is not None and premises.living_area > premises.total_area:
        raise ValidationFailed(_l("Жилая площадь больше общей"), field="living_area")
    if premises.rooms is not None and premises.rooms < 1:
        raise ValidationFailed(_l("Число комнат — не меньше одной"), field="rooms")
    if premises.floor is not None and not -3 <= premises.floor <= 100:
        raise ValidationFailed(_l("Этаж — от −3 до 100"), field="floor")
    from sqlalchemy import inspect

    state = inspect(premises)
    history = state.attrs.status.history if not (state.transient or state.pending) else None
    old = (history.deleted or [None])[0] if history is not None and history.has_changes() else None
    new = premises.status
    by_decision = (PremisesStatus.OCCUPIED.value, PremisesStatus.OFFERED.value)
    if (state.transient or state.pending) and new in by_decision:
        raise ValidationFailed(_l("Новое помещение — свободное, на ремонте или исключённое"), field="status")
    if old is not None and new in by_decision and old != new:
        raise ValidationFailed(
            _l("Помещение предлагают и предоставляют решением по учётному делу, не правкой карточки"), field="status"
        )
    if old == PremisesStatus.OCCUPIED.value and new != old:
        # The tenant left (the contract ended): the dwelling is free again.
        premises.tenant_household = None
    if old == PremisesStatus.OFFERED.value and new != old:
        premises.offered_to = None
    return premises


def offer_premises(premises: Premises, household: Household) -> Premises:
    """Offer a vacant dwelling to a household on the register (смотровой лист): nobody else gets it meanwhile."""
    if household.status != HouseholdStatus.ON_REGISTER.value or household.annulled_at is not None:
        raise IllegalDecision(decision=str(_l("Предложить помещение")), status=status_label(household.status))
    locked = _lock_premises(premises)
    if locked.status != PremisesStatus.VACANT.value or locked.annulled_at is not None:
        raise PremisesTaken(address=locked.full_address, field="premises")
    locked.status = PremisesStatus.OFFERED.value
    locked.offered_to = household
    try:
        db.session.flush()
    except StaleDataError:
        raise PremisesTaken(address=premises.full_address, field="premises") from None
    return locked


# ---- certificates -----------------------------------------------------------------------------------------


def issue_certificate(household: Household, as_of: dt.date, issued_on: dt.date | None = None) -> QueueCertificate:
    """A certificate of the queue position on a date (past dates too): numbered, the positions kept in it."""
    issued_on = issued_on or local_today()
    check_date(QueueCertificate, "as_of", as_of, field="as_of")
    if as_of > issued_on:
        raise ValidationFailed(_l("Справка выдаётся на прошедшую или сегодняшнюю дату"), field="as_of")
    if household.annulled_at is not None:
        raise ConflictError(_l("Дело аннулировано"))
    positions = positions_of(household.id, as_of)
    if not positions:
        raise ValidationFailed(
            _l("На %(date)s семья не состояла ни в одном списке очерёдности"),
            field="as_of",
            date=as_of.strftime("%d.%m.%Y"),
        )
    number = numbering.next_number(CERTIFICATES.code, issued_on)
    lines = [f"{p.list_name} — {p.position}-й (дата постановки в список {p.queue_date:%d.%m.%Y})" for p in positions]
    certificate = QueueCertificate(
        household=household,
        as_of=as_of,
        issued_on=issued_on,
        applicant_name=household.applicant_name,
        positions="\n".join(lines),
        number=number.text,
        number_year=number.year,
        number_seq=number.seq,
    )
    db.session.add(certificate)
    db.session.flush()
    return certificate


HOUSEHOLD_HOOKS = DomainHooks(prepare_new=prepare_application, check=check_household)
MEMBER_HOOKS = DomainHooks(prepare_new=lambda member: link_member(member, member.household), check=check_member)
PREMISES_HOOKS = DomainHooks(check=check_premises)


def _prepare_decision_as_user(decision: HousingDecision) -> Any:
    from ..security import request_user

    user = request_user()
    body = None
    if user is not None:
        from ..org.models import Official

        official = db.session.scalar(select(Official).where(Official.user_id == user.id))
        body = official.body if official is not None else None
    return prepare_decision(decision, body)


DECISION_HOOKS = DomainHooks(prepare_new=_prepare_decision_as_user, check=check_decision)
