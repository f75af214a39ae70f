"""Import of appeals from XLSX/CSV: the ПОС back-office export and legacy registers with Russian headers.

The user maps the file's columns to the appeal's fields (pre-filled from a saved mapping or by the
headers). The WHOLE file is validated first; any bad row and nothing is imported, and every bad row
is reported (row as numbered in the spreadsheet, column header, value, reason). A good file is imported
in one transaction through the appeal services, so numbers, due dates, history, scope and versions are
what the normal workflow gives:

- a row with a registration number keeps it (the year's counter moves past it); a row without one is
  numbered by the normal registration; the due date is the file's, else the channel's rule;
- the status and results are replayed through the services: assign, answer (with each question's
  result), forward, close without answer, withdraw;
- a row whose number or ПОС id is already in the database is skipped and counted («уже загружено»).
  A re-import never updates an appeal: once registered, a card changes only through its actions.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from flask_appbuilder.security.sqla.models import User
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..core import numbering
from ..core.dates import parse_date
from ..core.errors import DomainError, ForeignScopeError
from ..core.filters import normalize_text
from ..extensions import db
from ..org.models import Body, District
from ..security import Visibility, ensure_in_scope
from . import JOURNAL
from .models import AnswerMethod, Appeal, AppealImport, AppealStatus, QuestionType
from .reference.classifier import HEADER_SEARCH_ROWS, ImportProblem, assignable_codes, read_grid
from .reference.models import AppealForm, AppealResult, Channel, ClosureReason, PosCategory
from .services import (
    STATUS_LABELS,
    QuestionInput,
    answer_appeal,
    assign_executor,
    close_without_answer,
    forward_appeal,
    register_appeal,
    set_result,
    withdraw_appeal,
)

#: Rows between two progress reports.
PROGRESS_EVERY = 100
#: The largest sequence a registration number (six digits) holds.
MAX_SEQ = JOURNAL.max_seq
#: Values compared in a batch when looking for appeals already in the database.
LOOKUP_CHUNK = 500


@dataclass(frozen=True)
class TargetField:
    """A field of the appeal a column can be mapped to, with the header spellings recognised for it."""

    key: str
    label: Any
    headers: tuple[str, ...] = ()
    required: bool = False
    hint: Any = ""


FIELDS: tuple[TargetField, ...] = (
    TargetField(
        "reg_number",
        _l("Регистрационный номер"),
        ("рег номер", "регистрационный номер", "номер обращения", "рег номер обращения", "номер регистрации", "номер"),
        hint=_l("ОГ-ГГГГ-000123 или число; пусто — номер даст программа"),
    ),
    TargetField(
        "pos_id",
        _l("Номер в ПОС"),
        ("номер в пос", "id пос", "ид пос", "идентификатор пос", "номер сообщения", "id сообщения", "id"),
    ),
    TargetField(
        "received_date",
        _l("Дата поступления"),
        ("дата поступления", "дата получения", "дата создания", "дата создания сообщения", "дата подачи"),
        required=True,
        hint=_l("ДД.ММ.ГГГГ"),
    ),
    TargetField(
        "reg_date",
        _l("Дата регистрации"),
        ("дата регистрации", "дата рег"),
        hint=_l("пусто — дата поступления"),
    ),
    TargetField(
        "channel",
        _l("Канал поступления"),
        ("канал поступления", "канал", "источник", "способ поступления"),
        hint=_l("пусто — канал по умолчанию"),
    ),
    TargetField("pos_category", _l("Категория ПОС"), ("категория пос", "категория", "категория сообщения")),
    TargetField(
        "applicant_name",
        _l("ФИО заявителя"),
        ("фио заявителя", "заявитель", "фио", "автор", "автор сообщения"),
        hint=_l("Фамилия Имя Отчество"),
    ),
    TargetField("applicant_address", _l("Почтовый адрес заявителя"), ("адрес заявителя", "почтовый адрес")),
    TargetField("applicant_district", _l("Район заявителя"), ("район заявителя",)),
    TargetField("applicant_email", _l("Эл. почта заявителя"), ("эл почта", "электронная почта", "e-mail", "email")),
    TargetField("applicant_phone", _l("Телефон заявителя"), ("телефон", "телефон заявителя", "контактный телефон")),
    TargetField(
        "summary",
        _l("Краткое содержание"),
        ("краткое содержание", "содержание", "тема обращения", "тема", "заголовок"),
        hint=_l("пусто — начало текста обращения"),
    ),
    TargetField("text", _l("Текст обращения"), ("текст обращения", "текст", "текст сообщения", "описание")),
    TargetField("problem_address", _l("Адрес проблемы"), ("адрес проблемы", "адрес", "место проблемы")),
    TargetField("district", _l("Район проблемы"), ("район проблемы", "район")),
    TargetField(
        "receiving_body",
        _l("Орган-получатель"),
        ("орган-получатель", "орган получатель", "получатель", "поступило в"),
        hint=_l("пусто — орган по умолчанию"),
    ),
    TargetField(
        "responsible_body",
        _l("Ответственный орган"),
        ("ответственный орган", "ответственный", "орган-исполнитель", "орган исполнитель"),
        hint=_l("пусто — орган-получатель"),
    ),
    TargetField("executor", _l("Исполнитель"), ("исполнитель", "ответственный исполнитель"), hint=_l("логин или ФИО")),
    TargetField(
        "due_date",
        _l("Срок ответа"),
        ("срок ответа", "срок", "срок исполнения", "контрольный срок"),
        hint=_l("пусто — по правилу канала"),
    ),
    TargetField("status", _l("Статус"), ("статус", "состояние"), hint=_l("пусто — по дате ответа и исполнителю")),
    TargetField(
        "classifier_codes",
        _l("Коды классификатора"),
        ("код классификатора", "коды классификатора", "код вопроса", "коды вопросов", "код"),
        hint=_l("несколько — через «;»"),
    ),
    TargetField("question_type", _l("Тип вопроса"), ("тип вопроса", "вид вопроса"), hint=_l("один или по коду")),
    TargetField(
        "result",
        _l("Результат рассмотрения"),
        ("результат рассмотрения", "результат", "результаты"),
        hint=_l("один или по коду"),
    ),
    TargetField("answer_number", _l("Номер ответа"), ("номер ответа", "исх номер ответа", "исходящий номер")),
    TargetField("answer_date", _l("Дата ответа"), ("дата ответа",)),
    TargetField("answer_method", _l("Способ ответа"), ("способ ответа", "способ направления ответа")),
    TargetField("answer_signed_by", _l("Подписал ответ"), ("подписал", "подписал ответ", "подписант")),
    TargetField(
        "closed_on",
        _l("Дата направления, закрытия или отзыва"),
        ("дата закрытия", "дата направления", "дата переадресации", "дата отзыва"),
    ),
    TargetField("forwarded_to", _l("Куда направлено"), ("куда направлено", "направлено в", "переадресовано в")),
    TargetField("closure_reason", _l("Основание ст. 11 59-ФЗ"), ("основание", "основание ст 11", "основание закрытия")),
)
FIELD_BY_KEY = {f.key: f for f in FIELDS}

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


def normalise(text: str) -> str:
    """Text compared case- and ё-insensitively, without quotes, dots and doubled spaces."""
    text = normalize_text(text).replace("№", " номер ")
    text = re.sub(r"[«»\"'.:*()]", " ", text)
    return " ".join(text.split())


# ---- the file --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """A column of the file: its position and the header as the user sees it."""

    index: int
    header: str


@dataclass
class Sheet:
    """A read file: its columns and its data rows (spreadsheet row number, cells)."""

    columns: list[Column]
    rows: list[tuple[int, list[str]]]

    def header(self, index: int) -> str:
        return self.columns[index].header


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _known_headers(cells: list[str]) -> int:
    names = {name for f in FIELDS for name in f.headers}
    return sum(normalise(cell) in names for cell in cells)


def read_sheet(data: bytes, filename: str) -> Sheet:
    """Read an upload; the header row is the one among the first rows naming the most known fields."""
    grid = read_grid(data, filename)
    candidates = [(i, cells) for i, cells in enumerate(grid[:HEADER_SEARCH_ROWS]) if any(cells)]
    if not candidates:
        raise DomainError(_l("В файле нет данных"))
    # A title line («Реестр обращений за 2020 год») may stand above the header row.
    scored = max(candidates, key=lambda pair: (_known_headers(pair[1]), sum(bool(c) for c in pair[1]), -pair[0]))
    header_index, header_cells = scored
    width = max((i + 1 for i, cell in enumerate(header_cells) if cell), default=0)
    columns = [
        Column(i, header_cells[i] or gettext("Столбец %(letter)s", letter=_column_letter(i))) for i in range(width)
    ]
    rows = [
        (number, [*cells[:width], *[""] * (width - len(cells))])
        for number, cells in enumerate(grid[header_index + 1 :], start=header_index + 2)
        if any(cells[:width])
    ]
    if not rows:
        raise DomainError(_l("В файле нет строк с данными под заголовком"))
    return Sheet(columns, rows)


def guess_mapping(sheet: Sheet, saved: dict[str, str] | None = None) -> dict[str, int | None]:
    """Column of each field: by a saved mapping's headers, else by the header's known spellings."""
    by_header: dict[str, int] = {}
    for column in sheet.columns:
        by_header.setdefault(normalise(column.header), column.index)
    result: dict[str, int | None] = dict.fromkeys(FIELD_BY_KEY)
    if saved is not None:
        for key, header in saved.items():
            if key in result:
                result[key] = by_header.get(normalise(header))
        return result
    used: set[int] = set()
    for target in FIELDS:
        for name in target.headers:
            index = by_header.get(name)
            if index is not None and index not in used:
                result[target.key] = index
                used.add(index)
                break
    return result


def mapping_headers(sheet: Sheet, mapping: dict[str, int | None]) -> dict[str, str]:
    """A mapping to save: field -> header text."""
    return {key: sheet.header(index) for key, index in mapping.items() if index is not None}


# ---- validation -----------------------------------------------------------------------------


@dataclass
class Options:
    """What the user chose on the mapping page."""

    mapping: dict[str, int | None]
    default_channel: Channel | None = None
    default_body: Body | None = None


@dataclass
class RowPlan:
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
    answer: tuple[str, dt.date, str, str] | None = None
    closed_on: dt.date | None = None
    forwarded_to: Body | None = None
    closure_reason: ClosureReason | None = None
    existing: bool = False


@dataclass
class Plan:
    """The validated file: good rows, or every problem found."""

    rows: list[RowPlan] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)

    @property
    def skipped(self) -> int:
        return sum(row.existing for row in self.rows)


Progress = Callable[[str, int, int], None]


def _no_progress(stage: str, done: int, total: int) -> None:
    """Default progress sink: nobody is watching."""


class _Lookup:
    """Reference rows by every spelling a file may use (code, name, short name, aliases); None = ambiguous."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}

    def add(self, item: Any, *names: str | None) -> None:
        for name in {normalise(n) for n in names if n}:
            self.values[name] = None if name in self.values and self.values[name] is not item else item

    def find(self, text: str) -> tuple[bool, Any]:
        key = normalise(text)
        return key in self.values, self.values.get(key)


def _district_names(district: District) -> tuple[str, ...]:
    return (district.code, district.name, f"{district.name} район", f"{district.name} р-н")


class _References:
    """Every reference table read once per import."""

    def __init__(self) -> None:
        self.channels = _Lookup()
        channels = list(db.session.scalars(select(Channel)))
        by_code = {c.code: c for c in channels}
        for channel in channels:
            self.channels.add(channel, channel.code, channel.name)
        for alias, code in CHANNEL_ALIASES.items():
            if code in by_code:
                self.channels.add(by_code[code], alias)
        self.bodies = _Lookup()
        for body in db.session.scalars(select(Body)):
            self.bodies.add(body, body.code, body.name, body.short_name)
        self.districts = _Lookup()
        for district in db.session.scalars(select(District)):
            self.districts.add(district, *_district_names(district))
        self.results = _Lookup()
        results = {r.code: r for r in db.session.scalars(select(AppealResult))}
        for result in results.values():
            self.results.add(result, result.code, result.name)
        for alias, code in RESULT_ALIASES.items():
            if code in results:
                self.results.add(results[code], alias)
        self.reasons = _Lookup()
        for reason in db.session.scalars(select(ClosureReason)):
            self.reasons.add(reason, reason.code, reason.name, reason.article)
        self.categories = _Lookup()
        for category in db.session.scalars(select(PosCategory)):
            self.categories.add(category, category.code, category.name)
        self.users = _Lookup()
        for user in db.session.scalars(select(User)):
            first, last = user.first_name or "", user.last_name or ""
            initial = f"{last} {first[:1]}" if first else None
            self.users.add(user, user.username, f"{last} {first}", f"{first} {last}", initial)
        self.statuses = _Lookup()
        for status, label in STATUS_LABELS.items():
            self.statuses.add(status, status.value, str(label))
        for alias, status in STATUS_ALIASES.items():
            self.statuses.add(status, alias)
        self.codes = assignable_codes()


def _max_length(column: str) -> int | None:
    return getattr(Appeal.__table__.c[column].type, "length", None)


class _RowReader:
    """Reads one row's cells through the mapping and records each refusal with its column and value."""

    def __init__(self, sheet: Sheet, mapping: dict[str, int | None], number: int, cells: list[str]) -> None:
        self.sheet = sheet
        self.mapping = mapping
        self.number = number
        self.cells = cells
        self.problems: list[ImportProblem] = []

    def text(self, key: str) -> str:
        index = self.mapping.get(key)
        return self.cells[index].strip() if index is not None else ""

    def refuse(self, key: str, reason: str, value: str | None = None) -> None:
        index = self.mapping.get(key)
        column = self.sheet.header(index) if index is not None else str(FIELD_BY_KEY[key].label)
        self.problems.append(ImportProblem(self.number, column, self.text(key) if value is None else value, reason))

    def date(self, key: str) -> dt.date | None:
        value = self.text(key)
        if not value:
            return None
        try:
            # An XLSX date-time cell reads «ДД.ММ.ГГГГ ЧЧ:ММ»: the day is what counts.
            return parse_date(value.split(" ")[0])
        except ValueError:
            self.refuse(key, gettext("Дата должна быть в формате ДД.ММ.ГГГГ, например 01.05.2024"))
            return None

    def string(self, key: str, column: str | None = None) -> str | None:
        value = self.text(key)
        limit = _max_length(column or key)
        if limit is not None and len(value) > limit:
            self.refuse(
                key, gettext("Не длиннее %(limit)s символов (в ячейке %(length)s)", limit=limit, length=len(value))
            )
        return value or None

    def lookup(self, key: str, table: _Lookup, unknown: str) -> Any:
        value = self.text(key)
        if not value:
            return None
        found, item = table.find(value)
        if not found:
            self.refuse(key, unknown)
        elif item is None:
            self.refuse(key, gettext("Значение подходит к нескольким записям справочника: уточните его"))
        return item

    def choice(self, key: str, names: dict[str, str], unknown: str) -> str | None:
        value = self.text(key)
        if not value:
            return None
        key_text = normalise(value)
        if key_text in names.values():
            return key_text
        if key_text not in names:
            self.refuse(key, unknown)
            return None
        return names[key_text]


def _registration_seq(reader: _RowReader, reg_date: dt.date | None) -> int | None:
    text = reader.text("reg_number")
    if not text:
        return None
    if text.isdecimal():
        seq = int(text)
    else:
        parsed = numbering.parse(JOURNAL.code, text)
        if parsed is None:
            reader.refuse(
                "reg_number",
                gettext("Номер должен иметь вид %(prefix)s-ГГГГ-000123 или быть числом", prefix=JOURNAL.prefix),
            )
            return None
        year, seq = parsed
        if reg_date is not None and year != reg_date.year:
            reader.refuse(
                "reg_number",
                gettext(
                    "Год в номере (%(year)s) не совпадает с годом регистрации (%(reg)s)", year=year, reg=reg_date.year
                ),
            )
            return None
    if not 1 <= seq <= MAX_SEQ:
        reader.refuse("reg_number", gettext("Порядковый номер — от 1 до %(max)s", max=MAX_SEQ))
        return None
    return seq


def _split(text: str) -> list[str]:
    return [part for part in _SPLIT_RE.split(text) if part]


def _questions(reader: _RowReader, refs: _References, category: PosCategory | None) -> list[tuple[str, str, Any]]:
    codes = _split(reader.text("classifier_codes"))
    for code in codes:
        if code not in refs.codes:
            reader.refuse(
                "classifier_codes",
                gettext(
                    "Код %(code)s нельзя присвоить вопросу: "
                    "нужен самый подробный код действующей редакции классификатора",
                    code=code,
                ),
                value=code,
            )
    if not codes and category is not None and category.classifier_code in refs.codes:
        # A ПОС message carries a category, not a code: the category's default code stands for it.
        codes = [category.classifier_code]
    types_text = [t.strip() for t in re.split(r"[;\n]+", reader.text("question_type")) if t.strip()]
    results_text = [t.strip() for t in re.split(r"[;\n]+", reader.text("result")) if t.strip()]
    for key, values in (("question_type", types_text), ("result", results_text)):
        if len(values) > 1 and len(values) != len(codes):
            reader.refuse(key, gettext("Укажите одно значение или по одному на каждый код классификатора (через «;»)"))
            return []
    types = []
    for text in types_text:
        value = QUESTION_TYPE_NAMES.get(normalise(text)) or (
            normalise(text) if normalise(text) in set(QuestionType) else None
        )
        if value is None:
            reader.refuse("question_type", gettext("Тип вопроса — предложение, заявление или жалоба"), value=text)
        types.append(value)
    results = []
    for text in results_text:
        found, result = refs.results.find(text)
        if not found or result is None:
            reader.refuse("result", gettext("Нет такого результата рассмотрения в справочнике"), value=text)
        results.append(result)
    return [
        (
            code,
            (types[0] if len(types) == 1 else types[i] if types else None) or QuestionType.STATEMENT.value,
            results[0] if len(results) == 1 else results[i] if results else None,
        )
        for i, code in enumerate(codes)
    ]


def _status(reader: _RowReader, refs: _References, answered: bool, executor: Any) -> AppealStatus | None:
    if not reader.text("status"):
        if answered:
            return AppealStatus.ANSWERED
        return AppealStatus.IN_WORK if executor is not None else AppealStatus.REGISTERED
    status = reader.lookup("status", refs.statuses, gettext("Неизвестный статус обращения"))
    if status is not None and status not in IMPORTABLE_STATUSES:
        reader.refuse(
            "status",
            gettext("Статус «Срок продлён» не загружается: загрузите обращение и продлите срок в его карточке"),
        )
        return None
    return status


def _check_outcome(reader: _RowReader, refs: _References, plan: RowPlan) -> None:
    """What the status needs: the answer and every question's result, the target, the reason, the date."""
    status = plan.status
    if status == AppealStatus.IN_WORK and plan.executor is None:
        reader.refuse("executor", gettext("Для статуса «На рассмотрении» укажите исполнителя"))
    if status == AppealStatus.ANSWERED:
        if not plan.questions:
            reader.refuse("classifier_codes", gettext("У отвеченного обращения должен быть хотя бы один код вопроса"))
        elif any(result is None for _code, _type, result in plan.questions):
            reader.refuse("result", gettext("У отвеченного обращения нужен результат по каждому вопросу"))
        number = reader.string("answer_number")
        answered_on = reader.date("answer_date")
        signed_by = reader.string("answer_signed_by")
        for key, value in (("answer_number", number), ("answer_date", answered_on), ("answer_signed_by", signed_by)):
            if value is None and not reader.text(key):
                reader.refuse(key, gettext("Для отвеченного обращения это поле обязательно"))
        if answered_on is not None and answered_on < plan.reg_date:
            reader.refuse("answer_date", gettext("Дата ответа раньше даты регистрации"))
        method = reader.choice("answer_method", ANSWER_METHOD_NAMES, gettext("Неизвестный способ ответа"))
        if method is None and not reader.text("answer_method"):
            method = (
                AnswerMethod.EPGU.value
                if plan.channel.code == "pos"
                else AnswerMethod.EMAIL.value
                if plan.channel.form == AppealForm.ELECTRONIC
                else AnswerMethod.POST.value
            )
        if number and answered_on and signed_by and method:
            plan.answer = (number, answered_on, method, signed_by)
    if status in (AppealStatus.FORWARDED, AppealStatus.CLOSED_WITHOUT_ANSWER, AppealStatus.WITHDRAWN):
        plan.closed_on = reader.date("closed_on")
        if plan.closed_on is None and not reader.text("closed_on"):
            reader.refuse("closed_on", gettext("Для этого статуса нужна дата (направления, закрытия или отзыва)"))
        elif plan.closed_on is not None and plan.closed_on < plan.reg_date:
            reader.refuse("closed_on", gettext("Дата раньше даты регистрации"))
    if status == AppealStatus.FORWARDED:
        plan.forwarded_to = reader.lookup("forwarded_to", refs.bodies, gettext("Нет такого органа в справочнике"))
        if plan.forwarded_to is None and not reader.text("forwarded_to"):
            reader.refuse("forwarded_to", gettext("Укажите, куда направлено обращение"))
        elif plan.forwarded_to is not None and not plan.forwarded_to.is_external:
            reader.refuse(
                "forwarded_to",
                gettext(
                    "«Направлено по компетенции» загружается только для органа вне администрации; "
                    "внутри администрации укажите его как ответственный орган"
                ),
            )
    if status == AppealStatus.CLOSED_WITHOUT_ANSWER:
        plan.closure_reason = reader.lookup("closure_reason", refs.reasons, gettext("Нет такого основания ст. 11"))
        if plan.closure_reason is None and not reader.text("closure_reason"):
            reader.refuse("closure_reason", gettext("Укажите основание ст. 11 59-ФЗ"))


def _scope_problem(reader: _RowReader, plan: RowPlan, visibility: Visibility) -> None:
    """The platform's write guard, as for a card typed by hand: no body outside the user's scope."""
    probe = Appeal(receiving_body_id=plan.receiving_body.id, responsible_body_id=plan.responsible_body.id)
    try:
        ensure_in_scope(probe, visibility)
    except ForeignScopeError:
        key = "responsible_body" if visibility.allows_body(plan.receiving_body.id) else "receiving_body"
        body = plan.responsible_body if key == "responsible_body" else plan.receiving_body
        reader.refuse(
            key,
            gettext("Орган «%(body)s» вне вашей области видимости: такое обращение загрузить нельзя", body=body.name),
            value=reader.text(key) or body.name,
        )


def _check_repeats(reader: _RowReader, seen: dict[tuple[Any, ...], int], seq_key: Any, pos_id: str | None) -> None:
    """A number or a ПОС id met twice in the file: the second row is bad (whatever else is wrong with the first)."""
    for key, value in (("reg_number", seq_key), ("pos_id", pos_id)):
        if value is None:
            continue
        first = seen.setdefault((key, value), reader.number)
        if first != reader.number:
            reader.refuse(key, gettext("Повторяется в файле (впервые — в строке %(row)s)", row=first))


def _read_row(
    sheet: Sheet,
    options: Options,
    refs: _References,
    visibility: Visibility,
    seen: dict[tuple[Any, ...], int],
    number: int,
    cells: list[str],
) -> tuple[RowPlan | None, list[ImportProblem]]:
    reader = _RowReader(sheet, options.mapping, number, cells)
    received = reader.date("received_date")
    if received is None and not reader.text("received_date"):
        reader.refuse("received_date", gettext("Не заполнена дата поступления"))
    reg_date = reader.date("reg_date") or received
    if received and reg_date and received > reg_date:
        reader.refuse("reg_date", gettext("Дата поступления позже даты регистрации"))
    seq = _registration_seq(reader, reg_date)
    pos_id = reader.string("pos_id", "pos_external_id")
    _check_repeats(reader, seen, (reg_date.year, seq) if seq is not None and reg_date else None, pos_id)

    channel = reader.lookup("channel", refs.channels, gettext("Нет такого канала поступления в справочнике"))
    if channel is None and not reader.text("channel"):
        channel = options.default_channel
        if channel is None:
            reader.refuse("channel", gettext("Не указан канал поступления, и канал по умолчанию не выбран"))
    category = reader.lookup("pos_category", refs.categories, gettext("Нет такой категории ПОС в справочнике"))
    receiving = reader.lookup("receiving_body", refs.bodies, gettext("Нет такого органа в справочнике"))
    if receiving is None and not reader.text("receiving_body"):
        receiving = options.default_body
        if receiving is None:
            reader.refuse("receiving_body", gettext("Не указан орган-получатель, и орган по умолчанию не выбран"))
    responsible = reader.lookup("responsible_body", refs.bodies, gettext("Нет такого органа в справочнике"))
    executor = reader.lookup(
        "executor", refs.users, gettext("Нет такого пользователя: укажите логин или «Фамилия Имя» исполнителя")
    )
    district = reader.lookup("district", refs.districts, gettext("Нет такого района"))
    applicant_district = reader.lookup("applicant_district", refs.districts, gettext("Нет такого района"))
    due = reader.date("due_date")
    if due and reg_date and due < reg_date:
        reader.refuse("due_date", gettext("Срок ответа раньше даты регистрации"))

    text = reader.string("text")
    summary = reader.string("summary") or (text[: _max_length("summary")] if text else None)
    if not summary:
        reader.refuse("summary", gettext("Не заполнено краткое содержание (и нет текста обращения)"))
    name_parts = (reader.string("applicant_name", "applicant_address") or "").split(maxsplit=2)
    part_limit = _max_length("applicant_last_name") or 0
    if any(len(part) > part_limit for part in name_parts):
        reader.refuse(
            "applicant_name",
            gettext("Фамилия, имя и отчество — не длиннее %(limit)s символов каждое", limit=part_limit),
        )
    email = reader.string("applicant_email")
    if email and (email.count("@") != 1 or " " in email):
        reader.refuse("applicant_email", gettext("Некорректный адрес электронной почты"))
    fields: dict[str, Any] = {
        "pos_external_id": pos_id,
        "pos_category": category,
        "applicant_last_name": name_parts[0] if name_parts else None,
        "applicant_first_name": name_parts[1] if len(name_parts) > 1 else None,
        "applicant_patronymic": name_parts[2] if len(name_parts) > 2 else None,
        # Anonymous only when the file has the applicant's column and it is empty: unmapped is unknown.
        "is_anonymous": options.mapping.get("applicant_name") is not None and not name_parts,
        "applicant_address": reader.string("applicant_address"),
        "applicant_district": applicant_district,
        "applicant_email": email,
        "applicant_phone": reader.string("applicant_phone"),
        "text": text,
        "problem_address": reader.string("problem_address"),
        "district": district,
    }
    questions = _questions(reader, refs, category)
    answered = bool(reader.text("answer_date") or reader.text("answer_number"))
    status = _status(reader, refs, answered, executor)
    if reader.problems or None in (received, reg_date, channel, receiving, status, summary):
        return None, reader.problems
    plan = RowPlan(
        number=number,
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
    _check_outcome(reader, refs, plan)
    _scope_problem(reader, plan, visibility)
    return (None if reader.problems else plan), reader.problems


def _existing(column: Any, values: Iterable[Any]) -> set[Any]:
    wanted = sorted(set(values))
    found: set[Any] = set()
    for start in range(0, len(wanted), LOOKUP_CHUNK):
        found.update(db.session.scalars(select(column).where(column.in_(wanted[start : start + LOOKUP_CHUNK]))))
    return found


def _mark_existing(plan: Plan) -> None:
    """A row whose number or ПОС id (or, without both, whose card) is already in the database is skipped."""
    good = plan.rows
    numbers = _existing(Appeal.reg_number, (_number(r) for r in good if r.reg_seq is not None))
    pos_ids = _existing(Appeal.pos_external_id, (r.pos_id for r in good if r.pos_id))
    anonymous_rows = [r for r in good if r.reg_seq is None and not r.pos_id]
    cards = _existing_cards({r.received_date for r in anonymous_rows})
    for row in good:
        row.existing = (row.reg_seq is not None and _number(row) in numbers) or (row.pos_id in pos_ids)
    for row in anonymous_rows:
        row.existing = _card(row) in cards


def _card(row: RowPlan) -> tuple[Any, ...]:
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


def _number(row: RowPlan) -> str:
    assert row.reg_seq is not None
    return numbering.format_number(JOURNAL.code, row.reg_date.year, row.reg_seq)


def validate(sheet: Sheet, options: Options, visibility: Visibility, progress: Progress = _no_progress) -> Plan:
    """Check every row of the file; the plan has the good rows, or every problem of every bad row."""
    refs = _References()
    plan = Plan()
    total = len(sheet.rows)
    seen: dict[tuple[Any, ...], int] = {}
    for done, (number, cells) in enumerate(sheet.rows, start=1):
        row, problems = _read_row(sheet, options, refs, visibility, seen, number, cells)
        plan.problems.extend(problems)
        if row is not None:
            plan.rows.append(row)
        if done % PROGRESS_EVERY == 0:
            progress("validate", done, total)
    if plan.problems:
        plan.rows = []
    else:
        _mark_existing(plan)
    progress("validate", total, total)
    return plan


# ---- import ----------------------------------------------------------------------------------


class RowRefused(DomainError):
    """A service refused a row the validation had passed: the whole import is rolled back."""

    message = _l("Строка %(row)s: %(reason)s")


def _register(row: RowPlan) -> Appeal:
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
        answer_appeal(appeal, *row.answer)
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


def import_plan(
    plan: Plan,
    *,
    filename: str,
    sha256: str,
    user: Any,
    total_rows: int,
    mapping_name: str | None = None,
    progress: Progress = _no_progress,
) -> AppealImport:
    """Register every new row of a validated file (flushes, never commits) and journal the import."""
    new_rows = [row for row in plan.rows if not row.existing]
    # Every kept number first: a row without a number, drawn from the counter, must not take one
    # that a later row of the file brings.
    last_kept: dict[int, int] = {}
    for row in new_rows:
        if row.reg_seq is not None:
            last_kept[row.reg_date.year] = max(last_kept.get(row.reg_date.year, 0), row.reg_seq)
    for year, seq in sorted(last_kept.items()):
        numbering.take_imported(JOURNAL.code, year, seq)
    for done, row in enumerate(new_rows, start=1):
        try:
            # The services flush where they need to; the reference look-ups between those
            # flushes need no autoflush (it would add one flush per question to every row).
            with db.session.no_autoflush:
                appeal = _register(row)
            db.session.flush()
        except DomainError as exc:
            raise RowRefused(row=row.number, reason=str(exc)) from exc
        # Written: let it go, so the session (and memory) stays small however long the file is.
        db.session.expunge(appeal)
        if done % PROGRESS_EVERY == 0:
            progress("import", done, len(new_rows))
    batch = AppealImport(
        user_id=user.id if user is not None else None,
        filename=filename[:255],
        sha256=sha256,
        mapping_name=mapping_name,
        rows=total_rows,
        imported=len(new_rows),
        skipped=plan.skipped,
    )
    db.session.add(batch)
    db.session.flush()
    progress("import", len(new_rows), len(new_rows))
    return batch
