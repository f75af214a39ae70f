"""Import of appeals from XLSX/CSV (the ПОС back-office export, legacy registers): the field map.

The platform (app/core/imports) reads the file, maps its columns, checks the WHOLE file, reports
every bad row and imports a good one in one transaction as a background job. Appeals declare:

- the fields (labels, header spellings, types, look-ups) and the rules across fields (`check_row`):
  the status needs its answer, its results, its target or its reason; the user's row scope;
- numbers: a row with a registration number keeps it and the year's counter moves past it
  (`keep_file_numbers`); a row without one is numbered by the normal registration;
- the save (`save_row`): through the appeal services — register, assign, answer (with each
  question's result), forward, close without answer, withdraw — so numbers, due dates, history,
  scope and versions are what the normal workflow gives;
- what is already loaded (`find_existing`): a row whose number or ПОС id is in the database (or,
  with neither, the same card) is skipped and counted. A re-import never updates an appeal.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask_appbuilder.security.sqla.models import User
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..core import numbering
from ..core.errors import ForeignScopeError
from ..core.imports import (
    DefaultChoice,
    Field,
    FieldType,
    ImportContext,
    ImportSpec,
    Lookup,
    Row,
    existing_values,
    normalise,
)
from ..core.imports.views import ImportView
from ..extensions import db
from ..org.models import Body, BodyFormerName, District
from ..security import current_visibility, ensure_in_scope, may_link
from . import JOURNAL
from .models import OPEN_STATUSES, AnswerMethod, Appeal, AppealStatus, QuestionType
from .reference.classifier import assignable_codes, assignable_codes_cached
from .reference.models import AppealForm, AppealResult, Channel, ClosureReason, PosCategory
from .services import (
    STATUS_LABELS,
    QuestionInput,
    answer_appeal,
    assign_executor,
    close_without_answer,
    forward_appeal,
    keep_imported_number,
    register_appeal,
    registration_number,
    set_result,
    withdraw_appeal,
)

SAMPLE = Path(__file__).resolve().parent / "data" / "appeals_import_sample.csv"
#: The largest sequence a registration number (six digits) holds.
MAX_SEQ = JOURNAL.max_seq
#: Values compared in a batch when looking for appeals already in the database.
LOOKUP_CHUNK = 500

#: How files name channels, statuses and the rest, besides their codes and names (normalised text).
CHANNEL_ALIASES = {
    "пос": "pos",
    "госуслуги": "pos",
    "решаем вместе": "pos",
    "госуслуги решаем вместе": "pos",
    "письмо": "letter",
    "почта": "letter",
    "письменное": "letter",
    "сайт": "website",
    "виртуальная приемная": "website",
    "интернет-приемная": "website",
    "кузбасс онлайн": "kuzbass_online",
    "соцсети": "social",
    "социальные сети": "social",
    "горячая линия": "hotline",
    "личный прием": "reception",
    "эл почта": "email",
    "электронная почта": "email",
    "e-mail": "email",
    "вышестоящий орган": "higher_body",
}
STATUS_ALIASES = {
    "новое": AppealStatus.REGISTERED,
    "в работе": AppealStatus.IN_WORK,
    "находится на рассмотрении": AppealStatus.IN_WORK,
    "рассмотрено": AppealStatus.ANSWERED,
    "отвечено": AppealStatus.ANSWERED,
    "ответ дан": AppealStatus.ANSWERED,
    "дан ответ автору": AppealStatus.ANSWERED,
    "переадресовано": AppealStatus.FORWARDED,
    "оставлено без ответа автору": AppealStatus.CLOSED_WITHOUT_ANSWER,
    "отозвано": AppealStatus.WITHDRAWN,
    "рассмотрение продлено": AppealStatus.EXTENDED,
}
RESULT_ALIASES = {"поддержано, меры приняты": "supported_measures", "меры приняты": "supported_measures"}
QUESTION_TYPE_NAMES = {"предложение": "proposal", "заявление": "statement", "жалоба": "complaint"}
ANSWER_METHOD_NAMES = {
    "почтой": "post",
    "почта": "post",
    "по электронной почте": "email",
    "эл почта": "email",
    "электронная почта": "email",
    "через епгу": "epgu",
    "епгу": "epgu",
    "госуслуги": "epgu",
    "лично": "in_person",
}
#: Statuses an import replays; an extension needs its reason and notice date: done on the card after import.
IMPORTABLE_STATUSES = set(AppealStatus) - {AppealStatus.EXTENDED}
_SPLIT_RE = re.compile(r"[;,\s]+")

NO_BODY = _l("Нет такого органа в справочнике")
NO_DISTRICT = _l("Нет такого района")


def _active_channels() -> list[tuple[int, str]]:
    channels = db.session.scalars(select(Channel).where(Channel.is_active.is_(True)).order_by(Channel.sort_order))
    return [(c.id, c.name) for c in channels]


def _visible_bodies() -> list[tuple[int, str]]:
    """The bodies a default receiving body may be: active, of the administration, within the user's scope."""
    vis = current_visibility()
    query = select(Body).where(Body.is_active.is_(True), Body.is_external.is_(False)).order_by(Body.name)
    if not vis.everything:
        query = query.where(Body.id.in_(sorted(vis.body_ids)))
    return [(b.id, b.name) for b in db.session.scalars(query)]


def _channel(entry_id: int) -> Channel | None:
    return db.session.get(Channel, entry_id)


def _visible_body(entry_id: int) -> Body | None:
    return db.session.get(Body, entry_id) if entry_id in {i for i, _name in _visible_bodies()} else None


FIELDS: tuple[Field, ...] = (
    Field(
        "reg_number",
        _l("Регистрационный номер"),
        ("рег номер", "регистрационный номер", "номер обращения", "рег номер обращения", "номер регистрации", "номер"),
        hint=_l("ОГ-ГГГГ-000123 или число; пусто — номер даст программа"),
    ),
    Field(
        "pos_id",
        _l("Номер в ПОС"),
        ("номер в пос", "id пос", "ид пос", "идентификатор пос", "номер сообщения", "id сообщения", "id"),
        column=Appeal.pos_external_id,
    ),
    Field(
        "received_date",
        _l("Дата поступления"),
        ("дата поступления", "дата получения", "дата создания", "дата создания сообщения", "дата подачи"),
        FieldType.DATE,
        hint=_l("ДД.ММ.ГГГГ; пусто — дата регистрации"),
    ),
    Field(
        "reg_date",
        _l("Дата регистрации"),
        ("дата регистрации", "дата рег"),
        FieldType.DATE,
        hint=_l("пусто — дата поступления"),
    ),
    Field(
        "channel",
        _l("Канал поступления"),
        ("канал поступления", "канал", "источник", "способ поступления"),
        FieldType.REFERENCE,
        lookup="channels",
        unknown=_l("Нет такого канала поступления в справочнике"),
        hint=_l("пусто — канал по умолчанию"),
        default=DefaultChoice(
            _l("Канал по умолчанию"), _active_channels, _channel, _l("для строк без канала, например вся выгрузка ПОС")
        ),
    ),
    Field(
        "pos_category",
        _l("Категория ПОС"),
        ("категория пос", "категория", "категория сообщения"),
        FieldType.REFERENCE,
        lookup="categories",
        unknown=_l("Нет такой категории ПОС в справочнике"),
    ),
    Field(
        "applicant_name",
        _l("ФИО заявителя"),
        ("фио заявителя", "заявитель", "фио", "автор", "автор сообщения"),
        column=Appeal.applicant_address,
        hint=_l("Фамилия Имя Отчество"),
    ),
    Field(
        "applicant_address",
        _l("Почтовый адрес заявителя"),
        ("адрес заявителя", "почтовый адрес"),
        column=Appeal.applicant_address,
    ),
    Field(
        "applicant_district",
        _l("Район заявителя"),
        ("район заявителя",),
        FieldType.REFERENCE,
        lookup="districts",
        unknown=NO_DISTRICT,
    ),
    Field(
        "applicant_email",
        _l("Эл. почта заявителя"),
        ("эл почта", "электронная почта", "e-mail", "email"),
        column=Appeal.applicant_email,
    ),
    Field(
        "applicant_phone",
        _l("Телефон заявителя"),
        ("телефон", "телефон заявителя", "контактный телефон"),
        column=Appeal.applicant_phone,
    ),
    Field(
        "summary",
        _l("Краткое содержание"),
        ("краткое содержание", "содержание", "тема обращения", "тема", "заголовок"),
        column=Appeal.summary,
        hint=_l("пусто — начало текста обращения"),
    ),
    Field(
        "text", _l("Текст обращения"), ("текст обращения", "текст", "текст сообщения", "описание"), column=Appeal.text
    ),
    Field(
        "problem_address",
        _l("Адрес проблемы"),
        ("адрес проблемы", "адрес", "место проблемы"),
        column=Appeal.problem_address,
    ),
    Field(
        "district",
        _l("Район проблемы"),
        ("район проблемы", "район"),
        FieldType.REFERENCE,
        lookup="districts",
        unknown=NO_DISTRICT,
    ),
    Field(
        "receiving_body",
        _l("Орган-получатель"),
        ("орган-получатель", "орган получатель", "получатель", "поступило в"),
        FieldType.REFERENCE,
        lookup="bodies",
        unknown=NO_BODY,
        hint=_l("пусто — орган по умолчанию"),
        default=DefaultChoice(
            _l("Орган-получатель по умолчанию"), _visible_bodies, _visible_body, _l("для строк без органа-получателя")
        ),
    ),
    Field(
        "responsible_body",
        _l("Ответственный орган"),
        ("ответственный орган", "ответственный", "орган-исполнитель", "орган исполнитель"),
        FieldType.REFERENCE,
        lookup="bodies",
        unknown=NO_BODY,
        hint=_l("пусто — орган-получатель"),
    ),
    Field(
        "executor",
        _l("Исполнитель"),
        ("исполнитель", "ответственный исполнитель"),
        FieldType.REFERENCE,
        lookup="users",
        unknown=_l("Нет такого пользователя: укажите логин или «Фамилия Имя» исполнителя"),
        hint=_l("логин или ФИО"),
    ),
    Field(
        "due_date",
        _l("Срок ответа"),
        ("срок ответа", "срок", "срок исполнения", "контрольный срок"),
        FieldType.DATE,
        hint=_l("пусто — по правилу канала"),
    ),
    Field(
        "status",
        _l("Статус"),
        ("статус", "состояние"),
        FieldType.REFERENCE,
        lookup="statuses",
        unknown=_l("Неизвестный статус обращения"),
        hint=_l("пусто — по дате ответа и исполнителю"),
    ),
    Field(
        "classifier_codes",
        _l("Коды классификатора"),
        ("код классификатора", "коды классификатора", "код вопроса", "коды вопросов", "код"),
        hint=_l("несколько — через «;»"),
    ),
    Field("question_type", _l("Тип вопроса"), ("тип вопроса", "вид вопроса"), hint=_l("один или по коду")),
    Field(
        "result",
        _l("Результат рассмотрения"),
        ("результат рассмотрения", "результат", "результаты"),
        hint=_l("один или по коду"),
    ),
    Field(
        "answer_number",
        _l("Номер ответа"),
        ("номер ответа", "исх номер ответа", "исходящий номер"),
        column=Appeal.answer_number,
    ),
    Field("answer_date", _l("Дата ответа"), ("дата ответа",), FieldType.DATE),
    Field(
        "answer_method",
        _l("Способ ответа"),
        ("способ ответа", "способ направления ответа"),
        FieldType.CHOICE,
        choices=ANSWER_METHOD_NAMES,
        unknown=_l("Неизвестный способ ответа"),
    ),
    Field(
        "answer_signed_by",
        _l("Подписал ответ"),
        ("подписал", "подписал ответ", "подписант"),
        column=Appeal.answer_signed_by,
    ),
    Field(
        "closed_on",
        _l("Дата направления, закрытия или отзыва"),
        ("дата закрытия", "дата направления", "дата переадресации", "дата отзыва"),
        FieldType.DATE,
    ),
    Field(
        "forwarded_to",
        _l("Куда направлено"),
        ("куда направлено", "направлено в", "переадресовано в"),
        FieldType.REFERENCE,
        lookup="bodies",
        unknown=NO_BODY,
    ),
    Field(
        "closure_reason",
        _l("Основание ст. 11 59-ФЗ"),
        ("основание", "основание ст 11", "основание закрытия"),
        FieldType.REFERENCE,
        lookup="reasons",
        unknown=_l("Нет такого основания ст. 11"),
    ),
)


# ---- look-ups: every reference table read once per file ------------------------------------------


def _district_names(district: District) -> tuple[str, ...]:
    return (district.code, district.name, f"{district.name} район", f"{district.name} р-н")


def load_lookups() -> dict[str, Lookup]:
    """Reference rows by every spelling a file may use (code, name, short name, aliases)."""
    lookups = {name: Lookup() for name in ("channels", "bodies", "districts", "results", "reasons", "categories")}
    channels = list(db.session.scalars(select(Channel)))
    by_code = {c.code: c for c in channels}
    for channel in channels:
        lookups["channels"].add(channel, channel.code, channel.name)
    for alias, code in CHANNEL_ALIASES.items():
        if code in by_code:
            lookups["channels"].add(by_code[code], alias)
    for body in db.session.scalars(select(Body)):
        lookups["bodies"].add(body, body.code, body.name, body.short_name)
    # A register of past years names a body as it was then called.
    for former in db.session.scalars(select(BodyFormerName).options(joinedload(BodyFormerName.body))):
        lookups["bodies"].add(former.body, former.name)
    for district in db.session.scalars(select(District)):
        lookups["districts"].add(district, *_district_names(district))
    results = {r.code: r for r in db.session.scalars(select(AppealResult))}
    for result in results.values():
        lookups["results"].add(result, result.code, result.name)
    for alias, code in RESULT_ALIASES.items():
        if code in results:
            lookups["results"].add(results[code], alias)
    for reason in db.session.scalars(select(ClosureReason)):
        lookups["reasons"].add(reason, reason.code, reason.name, reason.article)
    for category in db.session.scalars(select(PosCategory)):
        lookups["categories"].add(category, category.code, category.name)
    users = Lookup()
    for user in db.session.scalars(select(User)):
        first, last = user.first_name or "", user.last_name or ""
        initial = f"{last} {first[:1]}" if first else None
        users.add(user, user.username, f"{last} {first}", f"{first} {last}", initial)
    statuses = Lookup()
    for status, label in STATUS_LABELS.items():
        statuses.add(status, status.value, str(label))
    for alias, status in STATUS_ALIASES.items():
        statuses.add(status, alias)
    return {**lookups, "users": users, "statuses": statuses}


# ---- one row ---------------------------------------------------------------------------------------


@dataclass
class AppealRow:
    """One good row, ready to be registered."""

    number: int
    reg_seq: int | None
    pos_id: str | None
    channel: Channel
    received_date: dt.date
    reg_date: dt.date
    due_date: dt.date | None
    status: AppealStatus
    receiving_body: Body
    responsible_body: Body
    executor: User | None
    questions: list[tuple[str, str, AppealResult | None]]
    fields: dict[str, Any]
    answer: tuple[str | None, dt.date, str, str | None] | None = None
    closed_on: dt.date | None = None
    forwarded_to: Body | None = None
    closure_reason: ClosureReason | None = None


def _max_length(column: str) -> int | None:
    return getattr(Appeal.__table__.c[column].type, "length", None)


def _registration_seq(row: Row, reg_date: dt.date | None) -> int | None:
    """The number a row keeps: ОГ-ГГГГ-000123 (the year must be its registration's) or a bare sequence."""
    text = row.text("reg_number")
    if not text:
        return None
    if text.isdecimal():
        seq = int(text)
    else:
        parsed = numbering.parse(JOURNAL.code, text)
        if parsed is None or parsed[0] is None:
            row.refuse(
                "reg_number",
                gettext("Номер должен иметь вид %(prefix)s-ГГГГ-000123 или быть числом", prefix=JOURNAL.prefix),
            )
            return None
        year, seq = parsed
        if reg_date is not None and year != reg_date.year:
            row.refuse(
                "reg_number",
                gettext(
                    "Год в номере (%(year)s) не совпадает с годом регистрации (%(reg)s)", year=year, reg=reg_date.year
                ),
            )
            return None
    if not 1 <= seq <= MAX_SEQ:
        row.refuse("reg_number", gettext("Порядковый номер — от 1 до %(max)s", max=MAX_SEQ))
        return None
    return seq


def _split(text: str) -> list[str]:
    return [part for part in _SPLIT_RE.split(text) if part]


def _questions(row: Row, ctx: ImportContext, category: PosCategory | None) -> list[tuple[str, str, Any]]:
    codes_allowed = ctx.state.get("codes")
    if codes_allowed is None:
        codes_allowed = ctx.state["codes"] = assignable_codes()
    codes = _split(row.text("classifier_codes"))
    for code in codes:
        if code not in codes_allowed:
            row.refuse(
                "classifier_codes",
                gettext(
                    "Код %(code)s нельзя присвоить вопросу: "
                    "нужен самый подробный код действующей редакции классификатора",
                    code=code,
                ),
                value=code,
            )
    if not codes and category is not None and category.classifier_code in codes_allowed:
        # A ПОС message carries a category, not a code: the category's default code stands for it.
        codes = [category.classifier_code]
    types_text = [t.strip() for t in re.split(r"[;\n]+", row.text("question_type")) if t.strip()]
    results_text = [t.strip() for t in re.split(r"[;\n]+", row.text("result")) if t.strip()]
    for key, values in (("question_type", types_text), ("result", results_text)):
        if len(values) > 1 and len(values) != len(codes):
            row.refuse(key, gettext("Укажите одно значение или по одному на каждый код классификатора (через «;»)"))
            return []
    types = []
    for text in types_text:
        value = QUESTION_TYPE_NAMES.get(normalise(text)) or (
            normalise(text) if normalise(text) in set(QuestionType) else None
        )
        if value is None:
            row.refuse("question_type", gettext("Тип вопроса — предложение, заявление или жалоба"), value=text)
        types.append(value)
    results = []
    for text in results_text:
        found, result = ctx.lookups["results"].find(text)
        if not found or result is None:
            row.refuse("result", gettext("Нет такого результата рассмотрения в справочнике"), value=text)
        results.append(result)
    return [
        (
            code,
            (types[0] if len(types) == 1 else types[i] if types else None) or QuestionType.STATEMENT.value,
            results[0] if len(results) == 1 else results[i] if results else None,
        )
        for i, code in enumerate(codes)
    ]


def _status(row: Row, answered: bool, executor: Any) -> AppealStatus | None:
    if not row.text("status"):
        if answered:
            return AppealStatus.ANSWERED
        return AppealStatus.IN_WORK if executor is not None else AppealStatus.REGISTERED
    status = row.value("status")
    if status is not None and status not in IMPORTABLE_STATUSES:
        row.refuse(
            "status",
            gettext("Статус «Срок продлён» не загружается: загрузите обращение и продлите срок в его карточке"),
        )
        return None
    return status


def _check_outcome(row: Row, plan: AppealRow) -> None:
    """What the status needs: the answer and every question's result, the target, the reason, the date."""
    status = plan.status
    if status == AppealStatus.IN_WORK and plan.executor is None:
        row.refuse("executor", gettext("Для статуса «На рассмотрении» укажите исполнителя"))
    if status == AppealStatus.ANSWERED:
        if not plan.questions:
            row.refuse("classifier_codes", gettext("У отвеченного обращения должен быть хотя бы один код вопроса"))
        elif any(result is None for _code, _type, result in plan.questions):
            row.refuse("result", gettext("У отвеченного обращения нужен результат по каждому вопросу"))
        number = row.value("answer_number")
        answered_on = row.value("answer_date")
        signed_by = row.value("answer_signed_by")
        # A legacy register often kept the answer's date alone: the number and the signer stay empty
        # (the card is marked as imported), the answer's date is what the statistics need.
        if answered_on is None and not row.text("answer_date"):
            row.refuse("answer_date", gettext("Для отвеченного обращения это поле обязательно"))
        if answered_on is not None and answered_on < plan.reg_date:
            row.refuse("answer_date", gettext("Дата ответа раньше даты регистрации"))
        method = row.value("answer_method")
        if method is None and not row.text("answer_method"):
            method = (
                AnswerMethod.EPGU.value
                if plan.channel.code == "pos"
                else AnswerMethod.EMAIL.value
                if plan.channel.form == AppealForm.ELECTRONIC
                else AnswerMethod.POST.value
            )
        if answered_on and method:
            plan.answer = (number, answered_on, method, signed_by)
    if status in (AppealStatus.FORWARDED, AppealStatus.CLOSED_WITHOUT_ANSWER, AppealStatus.WITHDRAWN):
        plan.closed_on = row.value("closed_on")
        if plan.closed_on is None and not row.text("closed_on"):
            row.refuse("closed_on", gettext("Для этого статуса нужна дата (направления, закрытия или отзыва)"))
        elif plan.closed_on is not None and plan.closed_on < plan.reg_date:
            row.refuse("closed_on", gettext("Дата раньше даты регистрации"))
    if status == AppealStatus.FORWARDED:
        plan.forwarded_to = row.value("forwarded_to")
        if plan.forwarded_to is None and not row.text("forwarded_to"):
            row.refuse("forwarded_to", gettext("Укажите, куда направлено обращение"))
        elif plan.forwarded_to is not None and not plan.forwarded_to.is_external:
            row.refuse(
                "forwarded_to",
                gettext(
                    "«Направлено по компетенции» загружается только для органа вне администрации; "
                    "внутри администрации укажите его как ответственный орган"
                ),
            )
    if status == AppealStatus.CLOSED_WITHOUT_ANSWER:
        plan.closure_reason = row.value("closure_reason")
        if plan.closure_reason is None and not row.text("closure_reason"):
            row.refuse("closure_reason", gettext("Укажите основание ст. 11 59-ФЗ"))


def _scope_problem(row: Row, plan: AppealRow, visibility: Any) -> None:
    """The platform's write guard, as for a card typed by hand: no body outside the user's scope."""
    probe = Appeal(receiving_body_id=plan.receiving_body.id, responsible_body_id=plan.responsible_body.id)
    try:
        ensure_in_scope(probe, visibility)
    except ForeignScopeError:
        key = "responsible_body" if visibility.allows_body(plan.receiving_body.id) else "receiving_body"
        body = plan.responsible_body if key == "responsible_body" else plan.receiving_body
        row.refuse(
            key,
            gettext("Орган «%(body)s» вне вашей области видимости: такое обращение загрузить нельзя", body=body.name),
            value=row.text(key) or body.name,
        )


def _executor_problem(row: Row, ctx: ImportContext, plan: AppealRow) -> None:
    """An open appeal's executor follows the appeals' rule, as on the card: an official of the responsible
    body's tree who works appeals (app/org/links.py) — he is given work. A closed appeal's executor is
    history (the clerk may have moved since): kept as the file says. Judged once per body and person."""
    if plan.executor is None or plan.status not in OPEN_STATUSES:
        return
    key = ("executor", plan.responsible_body.id, plan.executor.id)
    allowed = ctx.state.get(key)
    if allowed is None:
        probe = Appeal(receiving_body_id=plan.receiving_body.id, responsible_body_id=plan.responsible_body.id)
        allowed = ctx.state[key] = may_link(probe, "executor", plan.executor)
    if not allowed:
        row.refuse(
            "executor",
            gettext(
                "Исполнитель — сотрудник ответственного органа «%(body)s» (или подчинённого ему), работающий "
                "с обращениями",
                body=plan.responsible_body.name,
            ),
        )


def _check_repeats(row: Row, ctx: ImportContext, seq_key: Any, pos_id: str | None) -> None:
    """A number or a ПОС id met twice in the file: the second row is bad (whatever else is wrong with the first)."""
    seen = ctx.state.setdefault("seen", {})
    for key, value in (("reg_number", seq_key), ("pos_id", pos_id)):
        if value is None:
            continue
        first = seen.setdefault((key, value), row.number)
        if first != row.number:
            row.refuse(key, gettext("Повторяется в файле (впервые — в строке %(row)s)", row=first))


def check_row(row: Row, ctx: ImportContext) -> AppealRow | None:
    """One row of the file as an appeal to register, or None with its refusals recorded on `row`."""
    # A legacy register often kept one of the two dates: each stands for the other when missing.
    received = row.value("received_date")
    reg_date = row.value("reg_date")
    if received is None and not row.text("received_date"):
        received = reg_date
        if reg_date is None and not row.text("reg_date"):
            row.refuse("received_date", gettext("Не заполнены ни дата поступления, ни дата регистрации"))
    reg_date = reg_date or received
    if received and reg_date and received > reg_date:
        row.refuse("reg_date", gettext("Дата поступления позже даты регистрации"))
    seq = _registration_seq(row, reg_date)
    pos_id = row.value("pos_id")
    _check_repeats(row, ctx, (reg_date.year, seq) if seq is not None and reg_date else None, pos_id)

    channel = row.value("channel")
    if channel is None and not row.text("channel"):
        channel = row.default("channel")
        if channel is None:
            row.refuse("channel", gettext("Не указан канал поступления, и канал по умолчанию не выбран"))
    category = row.value("pos_category")
    receiving = row.value("receiving_body")
    if receiving is None and not row.text("receiving_body"):
        receiving = row.default("receiving_body")
        if receiving is None:
            row.refuse("receiving_body", gettext("Не указан орган-получатель, и орган по умолчанию не выбран"))
    responsible = row.value("responsible_body")
    executor = row.value("executor")
    district = row.value("district")
    applicant_district = row.value("applicant_district")
    due = row.value("due_date")
    if due and reg_date and due < reg_date:
        row.refuse("due_date", gettext("Срок ответа раньше даты регистрации"))

    text = row.value("text")
    summary = row.value("summary") or (text[: _max_length("summary")] if text else None)
    if not summary:
        row.refuse("summary", gettext("Не заполнено краткое содержание (и нет текста обращения)"))
    name_parts = (row.value("applicant_name") or "").split(maxsplit=2)
    part_limit = _max_length("applicant_last_name") or 0
    if any(len(part) > part_limit for part in name_parts):
        row.refuse(
            "applicant_name",
            gettext("Фамилия, имя и отчество — не длиннее %(limit)s символов каждое", limit=part_limit),
        )
    email = row.value("applicant_email")
    if email and (email.count("@") != 1 or " " in email):
        row.refuse("applicant_email", gettext("Некорректный адрес электронной почты"))
    fields: dict[str, Any] = {
        "pos_external_id": pos_id,
        "pos_category": category,
        "applicant_last_name": name_parts[0] if name_parts else None,
        "applicant_first_name": name_parts[1] if len(name_parts) > 1 else None,
        "applicant_patronymic": name_parts[2] if len(name_parts) > 2 else None,
        # Anonymous only when the file has the applicant's column and it is empty: unmapped is unknown.
        "is_anonymous": row.is_mapped("applicant_name") and not name_parts,
        "applicant_address": row.value("applicant_address"),
        "applicant_district": applicant_district,
        "applicant_email": email,
        "applicant_phone": row.value("applicant_phone"),
        "text": text,
        "problem_address": row.value("problem_address"),
        "district": district,
    }
    questions = _questions(row, ctx, category)
    answered = bool(row.text("answer_date") or row.text("answer_number"))
    status = _status(row, answered, executor)
    if row.problems or None in (received, reg_date, channel, receiving, status, summary):
        return None
    plan = AppealRow(
        number=row.number,
        reg_seq=seq,
        pos_id=pos_id,
        channel=channel,
        received_date=received,
        reg_date=reg_date,
        due_date=due,
        status=status,
        receiving_body=receiving,
        responsible_body=responsible or receiving,
        executor=executor,
        questions=questions,
        fields={**fields, "summary": summary},
    )
    _check_outcome(row, plan)
    _scope_problem(row, plan, ctx.visibility)
    _executor_problem(row, ctx, plan)
    return None if row.problems else plan


# ---- what is already loaded ----------------------------------------------------------------------


def _number(row: AppealRow) -> str:
    assert row.reg_seq is not None
    return registration_number(row.reg_date.year, row.reg_seq)


def _card(row: AppealRow) -> tuple[Any, ...]:
    """What recognises a row with neither a number nor a ПОС id: the same date, body, applicant and summary."""
    return (row.received_date, row.receiving_body.id, row.fields["applicant_last_name"], row.fields["summary"])


def _existing_cards(dates: set[dt.date]) -> set[tuple[Any, ...]]:
    wanted = sorted(dates)
    columns = (Appeal.received_date, Appeal.receiving_body_id, Appeal.applicant_last_name, Appeal.summary)
    found: set[tuple[Any, ...]] = set()
    for start in range(0, len(wanted), LOOKUP_CHUNK):
        rows = db.session.execute(
            select(*columns).where(Appeal.received_date.in_(wanted[start : start + LOOKUP_CHUNK]))
        )
        found.update(tuple(row) for row in rows)
    return found


def find_existing(rows: Sequence[AppealRow], _ctx: ImportContext) -> list[bool]:
    """A row whose number or ПОС id (or, without both, whose card) is already in the database is skipped."""
    numbers = existing_values(Appeal.reg_number, (_number(r) for r in rows if r.reg_seq is not None))
    pos_ids = existing_values(Appeal.pos_external_id, (r.pos_id for r in rows if r.pos_id))
    anonymous = [r for r in rows if r.reg_seq is None and not r.pos_id]
    cards = _existing_cards({r.received_date for r in anonymous}) if anonymous else set()
    return [
        (row.reg_seq is not None and _number(row) in numbers)
        or (row.pos_id in pos_ids)
        or (row.reg_seq is None and not row.pos_id and _card(row) in cards)
        for row in rows
    ]


# ---- saving ----------------------------------------------------------------------------------------


def keep_file_numbers(rows: Sequence[AppealRow], _ctx: ImportContext | None = None) -> None:
    """Numbers the file keeps: every year's counter moves past the largest of them before any row is saved.

    A row without a number, drawn from the counter by the normal registration, must never take a
    number a later row of the file brings. (The one place the import touches the counter.)
    """
    last_kept: dict[int, int] = {}
    for row in rows:
        if row.reg_seq is not None:
            last_kept[row.reg_date.year] = max(last_kept.get(row.reg_date.year, 0), row.reg_seq)
    for year, seq in sorted(last_kept.items()):
        keep_imported_number(year, seq)


def save_row(row: AppealRow, ctx: ImportContext) -> Appeal:
    """Register one row through the services and replay its status: assign, answer, forward, close, withdraw."""
    appeal = register_appeal(
        channel=row.channel,
        received_date=row.received_date,
        reg_date=row.reg_date,
        receiving_body=row.receiving_body,
        responsible_body=row.responsible_body,
        questions=[QuestionInput(code, question_type) for code, question_type, _result in row.questions],
        imported_number=row.reg_seq,
        **row.fields,
    )
    if ctx.batch is not None:
        appeal.import_batch_id = ctx.batch.id
    if row.due_date is not None:
        appeal.due_date, appeal.due_unconfirmed = row.due_date, False
    if row.executor is not None:
        if row.status == AppealStatus.REGISTERED:
            # The file says "registered" and names an executor: keep both, as the card's edit form would.
            appeal.executor = row.executor
        else:
            assign_executor(appeal, row.executor)
    for question, (_code, _type, result) in zip(appeal.questions, row.questions, strict=True):
        if result is not None:
            set_result(question, result)
    if row.status == AppealStatus.ANSWERED:
        assert row.answer is not None
        answer_appeal(appeal, *row.answer, legacy=True)
    elif row.status == AppealStatus.FORWARDED:
        assert row.forwarded_to is not None and row.closed_on is not None
        forward_appeal(appeal, row.forwarded_to, row.closed_on)
    elif row.status == AppealStatus.CLOSED_WITHOUT_ANSWER:
        assert row.closure_reason is not None and row.closed_on is not None
        close_without_answer(appeal, row.closure_reason, row.closed_on)
    elif row.status == AppealStatus.WITHDRAWN:
        assert row.closed_on is not None
        withdraw_appeal(appeal, row.closed_on)
    return appeal


APPEALS_IMPORT = ImportSpec(
    name="appeals",
    title=_l("Загрузка обращений из файла"),
    fields=FIELDS,
    lookups=load_lookups,
    check_row=check_row,
    existing=find_existing,
    before_save=keep_file_numbers,
    save_row=save_row,
    # The services check each question's code: one read of the codes for the whole file.
    around=assignable_codes_cached,
    sample=SAMPLE,
    sample_name="Образец загрузки обращений.csv",
    upload_hint=_l("Обращения, номер или номер ПОС которых уже есть в системе, пропускаются и не изменяются."),
    noun=_l("обращений"),
    result_hint=_l(
        "Уже загруженные обращения (тот же рег. номер или номер ПОС) пропущены и не изменены: "
        "карточка меняется только действиями в ней."
    ),
    list_endpoint="AppealView.list",
    list_label=_l("К списку обращений"),
)


class AppealImportView(ImportView):
    """«Загрузка обращений из файла»: the clerks who register appeals (and Admin)."""

    spec = APPEALS_IMPORT
    route_base = "/appeals/import"
    class_permission_name = "AppealImport"
