"""Import of the legacy housing registries through the platform's import: households, family members,
premises, decisions (four files, loaded in that order; each checked whole, loaded in one transaction).

The households file is a waiting list as the old system printed it: one row per family with its list,
its place in it, its queue date and its application (date, time, book number). The import keeps the
book numbers and refuses a file whose order does not follow from its dates and numbers, naming the
rows that break it — so the computed queue comes out exactly as the legacy list's order. Families
already on the register enter their list at their queue date (a legacy period, no decision in the
system); the decisions file then replays what happened later (removals, provisions, changes of list)
through the same services as the case's actions.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..core import numbering
from ..core.calendar import due_date
from ..core.dates import local_to_utc
from ..core.errors import DomainError
from ..core.imports import Field, FieldType, ImportContext, ImportSpec, Lookup, Row, existing_values
from ..core.imports.views import ImportView, register_import_view
from ..core.inputs import check_date
from ..extensions import db
from ..org.models import Body, District
from ..security import Access, scope_clause
from . import APPLICATIONS, CATEGORY, DECISIONS
from .models import (
    DecisionEffect,
    DecisionType,
    FundCategory,
    Ground,
    GroundKind,
    HandoverMethod,
    Household,
    HouseholdMember,
    HouseholdStatus,
    HousingDecision,
    ListType,
    Ownership,
    Premises,
    PremisesCondition,
    PremisesStatus,
    QueueEntry,
    Relation,
)
from .reference import HANDOVER_RULE
from .services import (
    add_member,
    check_cadastral,
    check_premises,
    normalise_snils,
    register_application,
    take_decision,
)

if TYPE_CHECKING:
    from flask_appbuilder import AppBuilder

DATA = Path(__file__).resolve().parent / "data"
YES = {"да": True, "д": True, "1": True, "+": True, "нет": False, "н": False, "0": False, "-": False}
_TIME = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*$")
NO_DISTRICT = _l("Нет такого района")


def _district_names(district: District) -> tuple[str, ...]:
    return (district.code, district.name, f"{district.name} район", f"{district.name} р-н")


def load_lookups() -> dict[str, Lookup]:
    """Reference rows by every spelling a legacy file uses (code, name, short name, article)."""
    lookups = {name: Lookup() for name in ("districts", "bodies", "lists", "need", "refusal", "removal", "funds")}
    for district in db.session.scalars(select(District)):
        lookups["districts"].add(district, *_district_names(district))
    for body in db.session.scalars(select(Body)):
        lookups["bodies"].add(body, body.code, body.name, body.short_name)
    for list_type in db.session.scalars(select(ListType)):
        lookups["lists"].add(list_type, list_type.code, list_type.name)
    general = db.session.scalar(select(ListType).where(ListType.code == "general"))
    if general is not None:
        lookups["lists"].add(general, "общая очередь", "общий", "общая")
    for ground in db.session.scalars(select(Ground)):
        lookups[ground.kind].add(ground, ground.code, ground.name, ground.article)
    for category in db.session.scalars(select(FundCategory)):
        lookups["funds"].add(category, category.code, category.name)
    types = Lookup()
    for decision_type in db.session.scalars(select(DecisionType)):
        types.add(decision_type, decision_type.code, decision_type.name)
    return {**lookups, "types": types}


def _book_seq(row: Row, key: str, journal: str, year: int | None) -> int | None:
    """A kept book number: «Ж-1998-00012» (its year must be the row's) or a bare sequence number."""
    text = row.text(key)
    if not text:
        return None
    if text.isdecimal():
        seq = int(text)
    else:
        parsed = numbering.parse(journal, text)
        if parsed is None or parsed[0] is None:
            example = numbering.journal(journal).example()
            row.refuse(key, gettext("Номер должен иметь вид %(example)s или быть числом", example=example))
            return None
        if year is not None and parsed[0] != year:
            row.refuse(
                key, gettext("Год в номере (%(year)s) не совпадает с годом даты (%(date)s)", year=parsed[0], date=year)
            )
            return None
        seq = parsed[1]
    if not 1 <= seq <= numbering.journal(journal).max_seq:
        row.refuse(key, gettext("Порядковый номер — от 1 до %(max)s", max=numbering.journal(journal).max_seq))
        return None
    return seq


def _decimal(row: Row, key: str) -> Decimal | None:
    text = row.text(key).replace(" ", "").replace(",", ".")
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        row.refuse(key, gettext("Ожидается число, например 44,5"))
        return None
    if value < 0 or value >= Decimal("1000000"):
        row.refuse(key, gettext("Площадь — от 0 до 999 999,99 м²"))
        return None
    return value.quantize(Decimal("0.01"))


def _dated(row: Row, key: str, model: type, column: str) -> dt.date | None:
    """A date within its column's window (a birth date never in the future, a queue date from 1950)."""
    value = row.value(key)
    if value is None:
        return None
    try:
        check_date(model, column, value)
    except DomainError as exc:
        row.refuse(key, str(exc))
        return None
    return value


def _snils(row: Row, key: str) -> str | None:
    try:
        return normalise_snils(row.value(key), field=key)
    except DomainError as exc:
        row.refuse(key, str(exc))
        return None


def _flag(row: Row, key: str) -> bool:
    text = row.text(key).lower().rstrip(".")
    if not text:
        return False
    if text not in YES:
        row.refuse(key, gettext("Ожидается «да» или «нет»"))
        return False
    return YES[text]


def _name(row: Row, key: str) -> list[str]:
    parts = (row.value(key) or "").split(maxsplit=2)
    if len(parts) < 2:
        row.refuse(key, gettext("Нужны фамилия и имя (и отчество, если есть)"))
    if any(len(part) > 100 for part in parts):
        row.refuse(key, gettext("Фамилия, имя и отчество — не длиннее 100 символов каждое"))
    return parts


def _visible_cases(numbers: set[str], ctx: ImportContext) -> dict[str, Household]:
    """The cases of these book numbers that the importing user works (others are as good as missing)."""
    found: dict[str, Household] = ctx.state.setdefault("cases", {})
    wanted = sorted(numbers - set(found))
    clause = scope_clause(Household, ctx.visibility, access=Access.WRITE)
    for start in range(0, len(wanted), 500):
        query = select(Household).where(
            Household.application_number.in_(wanted[start : start + 500]), Household.annulled_at.is_(None)
        )
        if clause is not None:
            query = query.where(clause)
        found.update({h.application_number: h for h in db.session.scalars(query)})
    return found


def _case(row: Row, ctx: ImportContext, key: str = "application_number") -> Household | None:
    text = row.text(key)
    if not text:
        row.refuse(key, gettext("Не указан номер учётного дела"))
        return None
    parsed = numbering.parse(APPLICATIONS.code, text)
    number = numbering.format_number(APPLICATIONS.code, *parsed) if parsed and parsed[0] else text
    household = _visible_cases({number}, ctx).get(number)
    if household is None:
        row.refuse(key, gettext("Нет такого учётного дела (или оно вне вашей области видимости): загрузите его раньше"))
    return household


# ---- households: the legacy waiting list ------------------------------------------------------------------

HOUSEHOLD_FIELDS: tuple[Field, ...] = (
    Field(
        "application_number",
        _l("Номер заявления в книге регистрации"),
        ("номер заявления", "номер в книге регистрации", "номер дела", "номер учетного дела", "дело"),
        hint=_l("Ж-ГГГГ-00012 или число; пусто — номер даст программа"),
    ),
    Field(
        "position",
        _l("Место в очереди (в старом списке)"),
        ("место в очереди", "номер в очереди", "очередность", "позиция", "место"),
        FieldType.INT,
        hint=_l("по нему проверяется, что очередь сохранит прежний порядок"),
    ),
    Field(
        "list_type",
        _l("Список очерёдности"),
        ("список", "список очередности", "вид списка", "категория"),
        FieldType.REFERENCE,
        lookup="lists",
        unknown=_l("Нет такого списка очерёдности"),
        hint=_l("пусто — общий"),
    ),
    Field(
        "queue_date",
        _l("Дата постановки на учёт"),
        ("дата постановки на учет", "дата постановки", "дата принятия на учет"),
        FieldType.DATE,
        hint=_l("пусто — заявление ещё рассматривается"),
    ),
    Field(
        "application_date",
        _l("Дата подачи заявления"),
        ("дата заявления", "дата подачи заявления", "дата подачи"),
        FieldType.DATE,
        required=True,
    ),
    Field(
        "application_time",
        _l("Время подачи заявления"),
        ("время подачи", "время заявления", "время"),
        hint=_l("ЧЧ:ММ; пусто — начало дня"),
    ),
    Field(
        "applicant_name",
        _l("ФИО заявителя"),
        ("фио", "фио заявителя", "заявитель"),
        required=True,
        column=Household.address,
    ),
    Field("birth_date", _l("Дата рождения"), ("дата рождения",), FieldType.DATE),
    Field("snils", _l("СНИЛС"), ("снилс",)),
    Field("passport", _l("Паспорт"), ("паспорт", "паспортные данные"), column=Household.applicant_passport),
    Field(
        "address",
        _l("Адрес места жительства"),
        ("адрес", "адрес места жительства", "адрес регистрации"),
        required=True,
        column=Household.address,
    ),
    Field("phone", _l("Телефон"), ("телефон",), column=Household.phone),
    Field(
        "district", _l("Район"), ("район",), FieldType.REFERENCE, lookup="districts", unknown=NO_DISTRICT, required=True
    ),
    Field(
        "ground",
        _l("Основание нуждаемости"),
        ("основание", "основание нуждаемости"),
        FieldType.REFERENCE,
        lookup="need",
        unknown=_l("Нет такого основания нуждаемости (ст. 51)"),
    ),
    Field("low_income", _l("Малоимущие"), ("малоимущие", "малоимущая семья", "малоимущий")),
    Field("current_area", _l("Занимаемая площадь, м²"), ("площадь", "занимаемая площадь", "общая площадь")),
)

#: Sorts after every kept number: rows without one get theirs drawn after the counter has moved past those kept.
_DRAWN = 10**12


@dataclass
class HouseholdRow:
    number: int
    seq: int | None
    position: int | None
    list_type: ListType | None
    queue_date: dt.date | None
    application_date: dt.date
    application_time: dt.datetime
    district: District
    ground: Ground | None
    fields: dict[str, Any] = field(default_factory=dict)

    def order_key(self) -> tuple[Any, ...]:
        """What the computed queue orders by (a number still to be drawn sorts last, in file order)."""
        drawn = _DRAWN + (self.position or self.number)
        return (self.queue_date, self.application_time, self.seq if self.seq is not None else drawn)


def _application_time(row: Row, day: dt.date | None) -> dt.datetime | None:
    if day is None:
        return None
    text = row.text("application_time")
    if not text:
        return local_to_utc(dt.datetime.combine(day, dt.time()))
    match = _TIME.match(text.split(" ")[-1])
    if match is None or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        row.refuse("application_time", gettext("Время — ЧЧ:ММ, например 10:15"))
        return None
    return local_to_utc(dt.datetime.combine(day, dt.time(int(match.group(1)), int(match.group(2)))))


def _check_order(row: Row, ctx: ImportContext, item: HouseholdRow) -> None:
    """The legacy place must follow from the queue date, then the time, then the number (per list)."""
    if item.position is None or item.list_type is None:
        return
    places: dict[int, list[tuple[int, tuple[Any, ...], int]]] = ctx.state.setdefault("places", {})
    ranked = places.setdefault(item.list_type.id, [])
    entry = (item.position, item.order_key(), row.number)
    index = bisect.bisect_left(ranked, entry[:1], key=lambda e: e[:1])
    if index < len(ranked) and ranked[index][0] == item.position:
        row.refuse(
            "position", gettext("Место %(place)s уже занято строкой %(row)s", place=item.position, row=ranked[index][2])
        )
        return
    before = ranked[index - 1] if index > 0 else None
    after = ranked[index] if index < len(ranked) else None
    for other, should_precede in ((before, True), (after, False)):
        if other is None or (other[1] < entry[1]) == should_precede:
            continue
        row.refuse(
            "position",
            gettext(
                "Место %(place)s не следует из даты постановки, времени и номера заявления: строка %(row)s "
                "(место %(other)s) по ним стоит %(where)s",
                place=item.position,
                row=other[2],
                other=other[0],
                where=gettext("позже") if should_precede else gettext("раньше"),
            ),
        )
        return
    ranked.insert(index, entry)


def check_household_row(row: Row, ctx: ImportContext) -> HouseholdRow | None:
    """One family of the legacy list, or None with its refusals recorded."""
    application_date = _dated(row, "application_date", Household, "application_date")
    if application_date is None and not row.problems:
        row.refuse("application_date", gettext("Не указана дата подачи заявления"))
    seq = _book_seq(row, "application_number", APPLICATIONS.code, application_date.year if application_date else None)
    if seq is not None and application_date is not None:
        seen = ctx.state.setdefault("numbers", {})
        first = seen.setdefault((application_date.year, seq), row.number)
        if first != row.number:
            row.refuse("application_number", gettext("Повторяется в файле (впервые — в строке %(row)s)", row=first))
    queue_date = _dated(row, "queue_date", Household, "queue_date")
    if queue_date is not None and application_date is not None and queue_date < application_date:
        row.refuse("queue_date", gettext("Дата постановки раньше даты заявления"))
    list_type = row.value("list_type")
    if list_type is None and not row.text("list_type"):
        list_type = ctx.lookups["lists"].find("general")[1]
    position = row.value("position")
    if position is not None and position < 1:
        row.refuse("position", gettext("Место в очереди — целое число от 1"))
    if position is not None and queue_date is None:
        row.refuse("queue_date", gettext("У семьи на месте в очереди должна быть дата постановки на учёт"))
    names = _name(row, "applicant_name")
    fields = {
        "applicant_last_name": names[0] if names else None,
        "applicant_first_name": names[1] if len(names) > 1 else None,
        "applicant_patronymic": names[2] if len(names) > 2 else None,
        "applicant_birth_date": _dated(row, "birth_date", Household, "applicant_birth_date"),
        "applicant_snils": _snils(row, "snils"),
        "applicant_passport": row.value("passport"),
        "address": row.value("address"),
        "phone": row.value("phone"),
        "is_low_income": _flag(row, "low_income"),
        "current_area": _decimal(row, "current_area"),
    }
    district = row.value("district")
    time = _application_time(row, application_date)
    if row.problems or application_date is None or district is None or time is None:
        return None
    item = HouseholdRow(
        number=row.number,
        seq=seq,
        position=position,
        list_type=list_type if queue_date is not None else None,
        queue_date=queue_date,
        application_date=application_date,
        application_time=time,
        district=district,
        ground=row.value("ground"),
        fields=fields,
    )
    if not ctx.visibility.allows_district(district.id):
        row.refuse("district", gettext("Район «%(name)s» вне вашей области видимости", name=district.name))
        return None
    _check_order(row, ctx, item)
    return None if row.problems else item


def _number_text(row: HouseholdRow) -> str | None:
    return numbering.format_number(APPLICATIONS.code, row.application_date.year, row.seq) if row.seq else None


def _card(row: HouseholdRow) -> tuple[Any, ...]:
    return (row.fields["applicant_last_name"], row.fields["applicant_first_name"], row.application_date)


def existing_households(rows: Sequence[HouseholdRow], _ctx: ImportContext) -> list[bool]:
    """A family whose book number (or, without one, whose name and application date) is in the register
    already is skipped (never updated)."""
    numbers = existing_values(Household.application_number, (n for r in rows if (n := _number_text(r))))
    unnumbered = [r for r in rows if r.seq is None]
    cards: set[tuple[Any, ...]] = set()
    days = sorted({r.application_date for r in unnumbered})
    for start in range(0, len(days), 500):
        cards.update(
            tuple(found)
            for found in db.session.execute(
                select(Household.applicant_last_name, Household.applicant_first_name, Household.application_date).where(
                    Household.application_date.in_(days[start : start + 500]), Household.annulled_at.is_(None)
                )
            )
        )
    return [(_number_text(row) in numbers) if row.seq is not None else _card(row) in cards for row in rows]


def number_households(rows: Sequence[HouseholdRow], _ctx: ImportContext | None = None) -> None:
    """Kept numbers move the book's counters past them; rows without one get theirs now, in the list's order,
    so that a tie on date and time goes the way the legacy list has it."""
    last: dict[int, int] = {}
    for row in rows:
        if row.seq is not None:
            last[row.application_date.year] = max(last.get(row.application_date.year, 0), row.seq)
    for year, seq in sorted(last.items()):
        numbering.take_imported(APPLICATIONS.code, year, seq)
    drawn = sorted(
        (r for r in rows if r.seq is None),
        key=lambda r: (r.list_type.sort_order if r.list_type else 0, r.position or 0, r.number),
    )
    for row in drawn:
        row.seq = numbering.next_number(APPLICATIONS.code, row.application_date).seq


def save_household(row: HouseholdRow, _ctx: ImportContext) -> Household:
    """The case through the registration service; a family on the register enters its list at its queue date."""
    household = register_application(
        district=row.district,
        application_date=row.application_date,
        application_time=row.application_time,
        documents_complete_on=row.application_date,
        grounds=[row.ground] if row.ground is not None else [],
        imported_seq=row.seq,
        **row.fields,
    )
    if row.queue_date is not None and row.list_type is not None:
        # Registered by the old system: a period without a decision in this one, from the queue date.
        db.session.add(
            QueueEntry(
                household=household,
                list_type=row.list_type,
                queue_date=row.queue_date,
                application_time=household.application_time,
                application_seq=household.application_seq,
                included_on=row.queue_date,
            )
        )
        household.lists.append(row.list_type)
        household.queue_date = row.queue_date
        household.status = HouseholdStatus.ON_REGISTER.value
        household.decision_due_date, household.decision_due_unconfirmed = None, False
    return household


HOUSEHOLDS_IMPORT = ImportSpec(
    name="housing_households",
    title=_l("Загрузка учётных дел (списка очерёдности)"),
    fields=HOUSEHOLD_FIELDS,
    lookups=load_lookups,
    check_row=check_household_row,
    existing=existing_households,
    before_save=number_households,
    save_row=save_household,
    sample=DATA / "households_sample.csv",
    sample_name="Образец загрузки учётных дел.csv",
    upload_hint=_l(
        "Строка — семья старого списка: список, место в нём, дата постановки, дата, время и номер заявления. "
        "Порядок очереди должен следовать из дат и номеров: строки, где он не следует, будут названы."
    ),
    noun=_l("учётных дел"),
    result_hint=_l("Дела, номер которых уже есть в системе, пропущены и не изменены."),
    list_endpoint="HousingQueueView.index",
    list_label=_l("К очерёдности"),
)


# ---- family members ---------------------------------------------------------------------------------------------

RELATION_NAMES = {
    "супруг": Relation.SPOUSE,
    "супруга": Relation.SPOUSE,
    "жена": Relation.SPOUSE,
    "муж": Relation.SPOUSE,
    "сын": Relation.CHILD,
    "дочь": Relation.CHILD,
    "мать": Relation.PARENT,
    "отец": Relation.PARENT,
    "брат": Relation.SIBLING,
    "сестра": Relation.SIBLING,
    "внук": Relation.GRANDCHILD,
    "внучка": Relation.GRANDCHILD,
    "дедушка": Relation.GRANDPARENT,
    "бабушка": Relation.GRANDPARENT,
    "иное": Relation.OTHER,
}

MEMBER_FIELDS: tuple[Field, ...] = (
    Field(
        "application_number",
        _l("Номер учётного дела"),
        ("номер заявления", "номер дела", "номер учетного дела", "дело"),
        required=True,
    ),
    Field(
        "name",
        _l("ФИО члена семьи"),
        ("фио", "фио члена семьи", "член семьи"),
        required=True,
        column=HouseholdMember.address,
    ),
    Field(
        "relation",
        _l("Родство"),
        ("родство", "степень родства", "кем приходится"),
        FieldType.CHOICE,
        choices={**RELATION_NAMES, **{r.value: r for r in Relation}},
        unknown=_l("Неизвестное родство"),
    ),
    Field("birth_date", _l("Дата рождения"), ("дата рождения",), FieldType.DATE),
    Field("snils", _l("СНИЛС"), ("снилс",)),
    Field(
        "passport", _l("Паспорт"), ("паспорт", "свидетельство о рождении", "документ"), column=HouseholdMember.passport
    ),
)


@dataclass
class MemberRow:
    household: Household
    fields: dict[str, Any]


def check_member_row(row: Row, ctx: ImportContext) -> MemberRow | None:
    household = _case(row, ctx)
    names = _name(row, "name")
    relation = row.value("relation") or Relation.OTHER
    fields = {
        "last_name": names[0] if names else None,
        "first_name": names[1] if len(names) > 1 else None,
        "patronymic": names[2] if len(names) > 2 else None,
        "birth_date": _dated(row, "birth_date", HouseholdMember, "birth_date"),
        "relation": relation.value if isinstance(relation, Relation) else str(relation),
        "snils": _snils(row, "snils"),
        "passport": row.value("passport"),
    }
    if row.problems or household is None:
        return None
    return MemberRow(household, fields)


def existing_members(rows: Sequence[MemberRow], _ctx: ImportContext) -> list[bool]:
    """A member already in the case (same name and birth date) is skipped."""
    ids = sorted({r.household.id for r in rows})
    known = (
        set(
            db.session.execute(
                select(
                    HouseholdMember.household_id,
                    HouseholdMember.last_name,
                    HouseholdMember.first_name,
                    HouseholdMember.birth_date,
                ).where(HouseholdMember.household_id.in_(ids))
            ).all()
        )
        if ids
        else set()
    )
    return [
        (r.household.id, r.fields["last_name"], r.fields["first_name"], r.fields["birth_date"]) in known for r in rows
    ]


MEMBERS_IMPORT = ImportSpec(
    name="housing_members",
    title=_l("Загрузка состава семей"),
    fields=MEMBER_FIELDS,
    lookups=load_lookups,
    check_row=check_member_row,
    existing=existing_members,
    save_row=lambda row, _ctx: add_member(row.household, **row.fields),
    batch_size=1,
    sample=DATA / "members_sample.csv",
    sample_name="Образец загрузки состава семей.csv",
    upload_hint=_l("Строка — член семьи; учётные дела загружаются раньше (по номеру дела)."),
    noun=_l("членов семей"),
    result_hint=_l("Члены семьи, уже внесённые в дело (те же ФИО и дата рождения), пропущены."),
    list_endpoint="HouseholdView.list",
    list_label=_l("К учётным делам"),
)


# ---- premises ----------------------------------------------------------------------------------------------------

OWNERSHIP_NAMES = {
    "муниципальная": Ownership.MUNICIPAL,
    "государственная": Ownership.STATE,
    "частная": Ownership.PRIVATE,
}
CONDITION_NAMES = {
    "хорошее": PremisesCondition.GOOD,
    "требует ремонта": PremisesCondition.NEEDS_REPAIR,
    "непригодно": PremisesCondition.UNFIT,
    "аварийное": PremisesCondition.EMERGENCY,
    "аварийный дом": PremisesCondition.EMERGENCY,
}
STATUS_NAMES = {
    "свободно": PremisesStatus.VACANT,
    "свободна": PremisesStatus.VACANT,
    "занято": PremisesStatus.OCCUPIED,
    "занята": PremisesStatus.OCCUPIED,
    "на ремонте": PremisesStatus.UNDER_REPAIR,
    "ремонт": PremisesStatus.UNDER_REPAIR,
    "исключено": PremisesStatus.EXCLUDED,
}

PREMISES_FIELDS: tuple[Field, ...] = (
    Field("street", _l("Улица"), ("улица",), required=True, column=Premises.street),
    Field("house", _l("Дом"), ("дом", "номер дома"), required=True, column=Premises.house),
    Field("building", _l("Корпус"), ("корпус", "строение"), column=Premises.building),
    Field("apartment", _l("Квартира"), ("квартира", "кв"), column=Premises.apartment),
    Field(
        "district", _l("Район"), ("район",), FieldType.REFERENCE, lookup="districts", unknown=NO_DISTRICT, required=True
    ),
    Field(
        "cadastral_number",
        _l("Кадастровый номер"),
        ("кадастровый номер", "кадастровый"),
        column=Premises.cadastral_number,
    ),
    Field(
        "ownership",
        _l("Собственность"),
        ("собственность", "форма собственности"),
        FieldType.CHOICE,
        choices={**OWNERSHIP_NAMES, **{o.value: o for o in Ownership}},
        unknown=_l("Неизвестная форма собственности"),
    ),
    Field(
        "fund_category",
        _l("Категория фонда"),
        ("категория фонда", "фонд", "категория"),
        FieldType.REFERENCE,
        lookup="funds",
        unknown=_l("Нет такой категории жилищного фонда"),
        required=True,
    ),
    Field("rooms", _l("Комнат"), ("комнат", "число комнат", "количество комнат"), FieldType.INT, required=True),
    Field("total_area", _l("Общая площадь, м²"), ("общая площадь", "площадь"), required=True),
    Field("living_area", _l("Жилая площадь, м²"), ("жилая площадь",)),
    Field("floor", _l("Этаж"), ("этаж",), FieldType.INT),
    Field(
        "condition",
        _l("Состояние"),
        ("состояние",),
        FieldType.CHOICE,
        choices={**CONDITION_NAMES, **{c.value: c for c in PremisesCondition}},
        unknown=_l("Неизвестное состояние"),
    ),
    Field(
        "status",
        _l("Статус"),
        ("статус",),
        FieldType.CHOICE,
        choices={**STATUS_NAMES, **{s.value: s for s in PremisesStatus}},
        unknown=_l("Неизвестный статус помещения"),
    ),
    Field("tenant", _l("Учётное дело нанимателя"), ("наниматель", "дело нанимателя", "номер дела нанимателя")),
    Field("contract_number", _l("Номер договора"), ("номер договора", "договор"), column=Premises.contract_number),
    Field("contract_date", _l("Дата договора"), ("дата договора",), FieldType.DATE),
)


def check_premises_row(row: Row, ctx: ImportContext) -> dict[str, Any] | None:
    try:
        cadastral = check_cadastral(row.value("cadastral_number"))
    except DomainError as exc:
        row.refuse("cadastral_number", str(exc))
        cadastral = None
    total, living = _decimal(row, "total_area"), _decimal(row, "living_area")
    if total is not None and total <= 0:
        row.refuse("total_area", gettext("Общая площадь должна быть больше нуля"))
    if total is not None and living is not None and living > total:
        row.refuse("living_area", gettext("Жилая площадь больше общей"))
    rooms = row.value("rooms")
    if rooms is not None and rooms < 1:
        row.refuse("rooms", gettext("Число комнат — не меньше одной"))
    status = row.value("status") or PremisesStatus.VACANT
    if status == PremisesStatus.OFFERED:
        row.refuse("status", gettext("«Предложено» не загружается: предложите помещение из учётного дела"))
    tenant = _case(row, ctx, "tenant") if row.text("tenant") else None
    if status == PremisesStatus.OCCUPIED and not row.text("tenant"):
        tenant = None  # occupied by a tenant from outside the register (an old contract)
    district = row.value("district")
    if district is not None and not ctx.visibility.allows_district(district.id):
        row.refuse("district", gettext("Район «%(name)s» вне вашей области видимости", name=district.name))
    if cadastral is not None:
        seen = ctx.state.setdefault("cadastral", {})
        first = seen.setdefault(cadastral, row.number)
        if first != row.number:
            row.refuse("cadastral_number", gettext("Повторяется в файле (впервые — в строке %(row)s)", row=first))
    if row.problems:
        return None
    values = {
        "street": row.value("street"),
        "house": row.value("house"),
        "building": row.value("building"),
        "apartment": row.value("apartment"),
        "district": district,
        "cadastral_number": cadastral,
        "ownership": (row.value("ownership") or Ownership.MUNICIPAL).value,
        "fund_category": row.value("fund_category"),
        "rooms": rooms,
        "total_area": total,
        "living_area": living,
        "floor": row.value("floor"),
        "condition": (row.value("condition") or PremisesCondition.GOOD).value,
        "status": status.value,
        "tenant_household": tenant if status == PremisesStatus.OCCUPIED else None,
        "contract_number": row.value("contract_number"),
        "contract_date": row.value("contract_date"),
    }
    values["full_address"] = Premises.address_text(
        values["street"], values["house"], values["building"], values["apartment"]
    )
    return values


def existing_premises(rows: Sequence[dict[str, Any]], _ctx: ImportContext) -> list[bool]:
    """A dwelling with the same cadastral number, or the same address, is skipped."""
    cadastral = existing_values(
        Premises.cadastral_number, (r["cadastral_number"] for r in rows if r["cadastral_number"])
    )
    addresses = existing_values(Premises.full_address, (r["full_address"] for r in rows))
    return [r["cadastral_number"] in cadastral or r["full_address"] in addresses for r in rows]


def save_premises(values: dict[str, Any], _ctx: ImportContext) -> Premises:
    premises = Premises(**values)
    # The legacy register's own state (occupied, with its tenant) is kept as it was.
    status = premises.status
    premises.status = PremisesStatus.VACANT.value
    check_premises(premises)
    premises.status = status
    db.session.add(premises)
    return premises


PREMISES_IMPORT = ImportSpec(
    name="housing_premises",
    title=_l("Загрузка реестра жилых помещений"),
    fields=PREMISES_FIELDS,
    lookups=load_lookups,
    check_row=check_premises_row,
    existing=existing_premises,
    save_row=save_premises,
    sample=DATA / "premises_sample.csv",
    sample_name="Образец загрузки жилых помещений.csv",
    upload_hint=_l("Строка — жилое помещение; помещение с тем же кадастровым номером или адресом пропускается."),
    noun=_l("помещений"),
    result_hint=_l("Помещения, уже внесённые в реестр (тот же кадастровый номер или адрес), пропущены."),
    list_endpoint="PremisesView.list",
    list_label=_l("К жилым помещениям"),
)


# ---- decisions -----------------------------------------------------------------------------------------------------

HANDOVER_NAMES = {
    "лично": HandoverMethod.IN_PERSON,
    "почтой": HandoverMethod.POST,
    "почта": HandoverMethod.POST,
    "эл почта": HandoverMethod.EMAIL,
    "электронная почта": HandoverMethod.EMAIL,
    "епгу": HandoverMethod.EPGU,
}

DECISION_FIELDS: tuple[Field, ...] = (
    Field(
        "number",
        _l("Номер решения"),
        ("номер решения", "номер", "№ решения"),
        required=True,
        hint=_l("РЖ-ГГГГ-00012 или число"),
    ),
    Field("decision_date", _l("Дата решения"), ("дата решения", "дата"), FieldType.DATE, required=True),
    Field(
        "decision_type",
        _l("Вид решения"),
        ("вид решения", "решение", "тип решения"),
        FieldType.REFERENCE,
        lookup="types",
        unknown=_l("Нет такого вида решения"),
        required=True,
    ),
    Field(
        "application_number",
        _l("Номер учётного дела"),
        ("номер дела", "номер заявления", "номер учетного дела", "дело"),
        required=True,
    ),
    Field(
        "list_type",
        _l("Список"),
        ("список", "список очередности"),
        FieldType.REFERENCE,
        lookup="lists",
        unknown=_l("Нет такого списка очерёдности"),
    ),
    Field("ground", _l("Основание отказа или снятия"), ("основание",), hint=_l("по ст. 54 или 56 ЖК РФ")),
    Field(
        "premises", _l("Помещение (кадастровый номер или адрес)"), ("помещение", "кадастровый номер", "адрес помещения")
    ),
    Field("basis", _l("Правовое основание"), ("правовое основание",), column=HousingDecision.basis),
    Field("protocol", _l("Протокол комиссии"), ("протокол", "протокол комиссии"), column=HousingDecision.protocol),
    Field("handed_over_on", _l("Дата выдачи заявителю"), ("дата выдачи", "выдано"), FieldType.DATE),
    Field(
        "handover_method",
        _l("Способ выдачи"),
        ("способ выдачи",),
        FieldType.CHOICE,
        choices={**HANDOVER_NAMES, **{m.value: m for m in HandoverMethod}},
        unknown=_l("Неизвестный способ выдачи"),
    ),
)


@dataclass
class DecisionRow:
    number: int
    seq: int
    decision_date: dt.date
    decision_type: DecisionType
    household: Household
    list_type: ListType | None
    ground: Ground | None
    premises: Premises | None
    fields: dict[str, Any]
    handed_over_on: dt.date | None
    handover_method: HandoverMethod | None


def _premises_by(text: str, ctx: ImportContext) -> Premises | None:
    cleaned = re.sub(r"\s+", "", text)
    query = select(Premises).where(Premises.annulled_at.is_(None))
    clause = scope_clause(Premises, ctx.visibility)
    if clause is not None:
        query = query.where(clause)
    if re.match(r"^\d{2}:\d{2}:", cleaned):
        return db.session.scalar(query.where(Premises.cadastral_number == cleaned))
    return db.session.scalar(query.where(Premises.full_address == text.strip()))


def check_decision_row(row: Row, ctx: ImportContext) -> DecisionRow | None:
    day = _dated(row, "decision_date", HousingDecision, "decision_date")
    seq = _book_seq(row, "number", DECISIONS.code, day.year if day else None)
    decision_type: DecisionType | None = row.value("decision_type")
    household = _case(row, ctx)
    effect = DecisionEffect(decision_type.effect) if decision_type is not None else None
    ground = None
    if row.text("ground") and effect in (DecisionEffect.REFUSE, DecisionEffect.REMOVE):
        kind = GroundKind.REFUSAL.value if effect is DecisionEffect.REFUSE else GroundKind.REMOVAL.value
        found, ground = ctx.lookups[kind].find(row.text("ground"))
        if not found or ground is None:
            row.refuse("ground", gettext("Нет такого основания в справочнике"))
    premises = _premises_by(row.text("premises"), ctx) if row.text("premises") else None
    if row.text("premises") and premises is None:
        row.refuse("premises", gettext("Нет такого помещения в реестре: загрузите реестр помещений раньше"))
    if household is not None and day is not None:
        last = ctx.state.setdefault("last_date", {})
        if day < last.get(household.id, day):
            row.refuse("decision_date", gettext("Решения одного дела — по порядку дат: эта дата раньше предыдущей"))
        last[household.id] = day
    if seq is not None and day is not None:
        seen = ctx.state.setdefault("numbers", {})
        first = seen.setdefault((day.year, seq), row.number)
        if first != row.number:
            row.refuse("number", gettext("Повторяется в файле (впервые — в строке %(row)s)", row=first))
    if row.problems or None in (day, seq, decision_type, household):
        return None
    return DecisionRow(
        number=row.number,
        seq=seq,
        decision_date=day,
        decision_type=decision_type,
        household=household,
        list_type=row.value("list_type"),
        ground=ground,
        premises=premises,
        fields={"basis": row.value("basis"), "protocol": row.value("protocol")},
        handed_over_on=row.value("handed_over_on"),
        handover_method=row.value("handover_method"),
    )


def _decision_number(row: DecisionRow) -> str:
    return numbering.format_number(DECISIONS.code, row.decision_date.year, row.seq)


def existing_decisions(rows: Sequence[DecisionRow], _ctx: ImportContext) -> list[bool]:
    numbers = existing_values(HousingDecision.number, (_decision_number(r) for r in rows))
    return [_decision_number(r) in numbers for r in rows]


def keep_decision_numbers(rows: Sequence[DecisionRow], _ctx: ImportContext | None = None) -> None:
    last: dict[int, int] = {}
    for row in rows:
        last[row.decision_date.year] = max(last.get(row.decision_date.year, 0), row.seq)
    for year, seq in sorted(last.items()):
        numbering.take_imported(DECISIONS.code, year, seq)


def save_decision(row: DecisionRow, _ctx: ImportContext) -> HousingDecision:
    """Replayed through the decision service; the old system's own registration is linked, not repeated."""
    household = row.household
    legacy = [
        e
        for e in household.entries
        if e.included_by_id is None and not e.is_void and e.included_on == row.decision_date
    ]
    if row.decision_type.effect == DecisionEffect.REGISTER.value and legacy:
        decision = HousingDecision(
            household=household,
            decision_type=row.decision_type,
            decision_date=row.decision_date,
            list_type=legacy[0].list_type,
            queue_date=legacy[0].queue_date,
            issuing_body=db.session.scalar(select(Body).where(Body.code == "uzhil")) or household.registering_body,
            basis=row.fields["basis"] or row.decision_type.basis,
            protocol=row.fields["protocol"],
            district_id=household.district_id,
            applicant_name=household.applicant_name,
            address=household.address,
        )
        number = numbering.take_imported(DECISIONS.code, row.decision_date.year, row.seq)
        decision.number_year, decision.number_seq, decision.number = number.year, number.seq, number.text
        decision.handover_due = due_date(HANDOVER_RULE, row.decision_date).due
        db.session.add(decision)
        legacy[0].included_by = decision
    else:
        extra = {"list_type": row.list_type, "ground": row.ground, "premises": row.premises}
        decision = take_decision(
            household,
            row.decision_type,
            row.decision_date,
            imported_seq=row.seq,
            **{k: v for k, v in extra.items() if v is not None},
            **{k: v for k, v in row.fields.items() if v},
        )
    if row.handed_over_on is not None:
        decision.handed_over_on = row.handed_over_on
        decision.handover_method = (row.handover_method or HandoverMethod.IN_PERSON).value
    return decision


DECISIONS_IMPORT = ImportSpec(
    name="housing_decisions",
    title=_l("Загрузка решений по учёту граждан"),
    fields=DECISION_FIELDS,
    lookups=load_lookups,
    check_row=check_decision_row,
    existing=existing_decisions,
    before_save=keep_decision_numbers,
    save_row=save_decision,
    # Each decision reads what the ones before it did (the case's status, its periods): one at a time.
    batch_size=1,
    sample=DATA / "decisions_sample.csv",
    sample_name="Образец загрузки решений.csv",
    upload_hint=_l(
        "Строка — решение по учётному делу, по порядку дат; дела и помещения загружаются раньше. "
        "Решение применяется как в карточке дела: снятие исключает семью из списков с его даты."
    ),
    noun=_l("решений"),
    result_hint=_l("Решения, номер которых уже есть в системе, пропущены и не изменены."),
    list_endpoint="HousingDecisionView.list",
    list_label=_l("К решениям"),
)


class HouseholdImportView(ImportView):
    spec = HOUSEHOLDS_IMPORT
    route_base = "/housing/import/households"
    class_permission_name = "HousingImport"


class MemberImportView(ImportView):
    spec = MEMBERS_IMPORT
    route_base = "/housing/import/members"
    class_permission_name = "HousingImport"


class PremisesImportView(ImportView):
    spec = PREMISES_IMPORT
    route_base = "/housing/import/premises"
    class_permission_name = "HousingImport"


class DecisionImportView(ImportView):
    spec = DECISIONS_IMPORT
    route_base = "/housing/import/decisions"
    class_permission_name = "HousingImport"


def register(appbuilder: AppBuilder) -> None:
    """The four imports of the legacy registries, in the order they are loaded."""
    for view, name, label in (
        (HouseholdImportView, "HousingImportHouseholds", _l("Загрузка учётных дел")),
        (MemberImportView, "HousingImportMembers", _l("Загрузка состава семей")),
        (PremisesImportView, "HousingImportPremises", _l("Загрузка жилых помещений")),
        (DecisionImportView, "HousingImportDecisions", _l("Загрузка решений")),
    ):
        register_import_view(appbuilder, view, name, label=label, icon="fa-file-import", category=CATEGORY)
