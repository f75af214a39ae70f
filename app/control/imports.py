"""Import of the legacy registries (XLSX/CSV) through the platform's import: documents, and instructions
with their history of deadlines and their removal from control.

The platform reads the file, maps its columns, checks the WHOLE file, reports every bad row and loads a
good file in one transaction as a background job. Control declares the fields, the rules across fields
and the save — through the services, so numbers, terms, history and scope are the workflow's:

- a row with a registration number keeps it and the journal's counter of its year moves past it;
- an instruction whose current deadline differs from the original one keeps both: the move is recorded
  as an approved extension «из прежнего реестра»; a removal date needs its basis;
- rows already loaded (the same number) are skipped, never updated.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from flask_appbuilder.security.sqla.models import User
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

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
from ..org.models import Body
from ..security import current_visibility, ensure_in_scope, request_user
from . import INSTRUCTIONS
from .models import (
    Correspondent,
    CorrespondentKind,
    Direction,
    Document,
    DocumentKind,
    Extension,
    ExtensionStatus,
    Instruction,
    InstructionStatus,
    Urgency,
)
from .services import JOURNALS, put_on_control, register_document
from .sources import HEAD_ORDER, MEETING_PROTOCOL, RESOLUTION

if TYPE_CHECKING:
    from flask_appbuilder import AppBuilder

NO_BODY = _l("Нет такого органа в справочнике")
NO_USER = _l("Нет такого пользователя: укажите логин или «Фамилия Имя»")
DIRECTION_NAMES = {
    "входящий": Direction.INCOMING.value,
    "вх": Direction.INCOMING.value,
    "исходящий": Direction.OUTGOING.value,
    "исх": Direction.OUTGOING.value,
    "внутренний": Direction.INTERNAL.value,
    "вн": Direction.INTERNAL.value,
}
URGENCY_NAMES = {
    "": Urgency.NONE.value,
    "нет": Urgency.NONE.value,
    "оперативно": Urgency.PROMPT.value,
    "срочно": Urgency.URGENT.value,
}
YES_NO = {"да": "yes", "нет": "no", "1": "yes", "0": "no", "+": "yes", "-": "no"}
SOURCE_NAMES = {
    "резолюция": RESOLUTION,
    "протокол": MEETING_PROTOCOL,
    "протокол совещания": MEETING_PROTOCOL,
    "распоряжение": HEAD_ORDER,
    "распоряжение главы": HEAD_ORDER,
}
_SPLIT = re.compile(r"\s*;\s*")


def _bodies_in_scope() -> list[tuple[int, str]]:
    vis = current_visibility()
    query = select(Body).where(Body.is_active.is_(True), Body.is_external.is_(False)).order_by(Body.name)
    if not vis.everything:
        query = query.where(Body.id.in_(sorted(vis.body_ids)))
    return [(b.id, b.name) for b in db.session.scalars(query)]


def _body_in_scope(entry_id: int) -> Body | None:
    return db.session.get(Body, entry_id) if entry_id in {i for i, _n in _bodies_in_scope()} else None


def load_lookups() -> dict[str, Lookup]:
    """Reference rows by every spelling a file may use: bodies, kinds of documents, users."""
    bodies, kinds, users = Lookup(), Lookup(), Lookup()
    for body in db.session.scalars(select(Body)):
        bodies.add(body, body.code, body.name, body.short_name)
    for kind in db.session.scalars(select(DocumentKind)):
        kinds.add(kind, kind.code, kind.name)
    for user in db.session.scalars(select(User)):
        first, last = user.first_name or "", user.last_name or ""
        users.add(user, user.username, f"{last} {first}", f"{first} {last}", f"{last} {first[:1]}" if first else None)
    return {"bodies": bodies, "kinds": kinds, "users": users}


def _number(row: Row, journal_code: str, reg_date: dt.date | None) -> int | None:
    """The sequence a row keeps: «Вх-2019-00042» (its year must be the registration's) or a bare number."""
    text = row.text("reg_number")
    if not text:
        return None
    book = numbering.journal(journal_code)
    if text.isdecimal():
        seq = int(text)
    else:
        parsed = numbering.parse(journal_code, text)
        if parsed is None or parsed[0] is None:
            row.refuse(
                "reg_number",
                gettext("Номер должен иметь вид %(prefix)s-ГГГГ-00042 или быть числом", prefix=book.prefix),
            )
            return None
        year, seq = parsed
        if reg_date is not None and year != reg_date.year:
            row.refuse(
                "reg_number", gettext("Год в номере не совпадает с годом регистрации (%(year)s)", year=reg_date.year)
            )
            return None
    if not 1 <= seq <= book.max_seq:
        row.refuse("reg_number", gettext("Порядковый номер — от 1 до %(max)s", max=book.max_seq))
        return None
    return seq


def _seen_twice(row: Row, ctx: ImportContext, key: Any) -> None:
    if key is None:
        return
    seen = ctx.state.setdefault("seen", {})
    first = seen.setdefault(key, row.number)
    if first != row.number:
        row.refuse("reg_number", gettext("Повторяется в файле (впервые — в строке %(row)s)", row=first))


def _scope(row: Row, key: str, probe: Any, visibility: Any, body: Body) -> None:
    try:
        ensure_in_scope(probe, visibility)
    except ForeignScopeError:
        row.refuse(key, gettext("Орган «%(body)s» вне вашей области видимости", body=body.name), value=body.name)


def _keep_numbers(pairs: Sequence[tuple[str, int, int | None]]) -> None:
    """Every journal's and year's counter moves past the largest number the file keeps, before any row is saved."""
    last: dict[tuple[str, int], int] = {}
    for code, year, seq in pairs:
        if seq is not None:
            last[(code, year)] = max(last.get((code, year), 0), seq)
    for (code, year), seq in sorted(last.items()):
        numbering.take_imported(code, year, seq)


# ---- documents ---------------------------------------------------------------------------------------


@dataclass
class DocumentRow:
    direction: str
    reg_seq: int | None
    reg_date: dt.date
    kind: DocumentKind
    registering_body: Body
    summary: str
    correspondent: str | None
    fields: dict[str, Any] = field(default_factory=dict)

    @property
    def journal(self) -> str:
        return JOURNALS[Direction(self.direction)].code


DOCUMENT_FIELDS: tuple[Field, ...] = (
    Field(
        "direction",
        _l("Вид регистрации"),
        ("вид регистрации", "направление", "журнал"),
        FieldType.CHOICE,
        required=True,
        choices=DIRECTION_NAMES,
        unknown=_l("Вид регистрации — входящий, исходящий или внутренний"),
    ),
    Field(
        "reg_number",
        _l("Регистрационный номер"),
        ("рег номер", "регистрационный номер", "номер"),
        hint=_l("Вх-ГГГГ-00042 или число"),
    ),
    Field("reg_date", _l("Дата регистрации"), ("дата регистрации", "дата рег", "дата"), FieldType.DATE, required=True),
    Field(
        "kind",
        _l("Вид документа"),
        ("вид документа", "вид"),
        FieldType.REFERENCE,
        required=True,
        lookup="kinds",
        unknown=_l("Нет такого вида документа в справочнике"),
    ),
    Field(
        "correspondent",
        _l("Корреспондент"),
        ("корреспондент", "от кого", "кому"),
        column=Correspondent.name,
        hint=_l("организация; новая добавляется в справочник"),
    ),
    Field(
        "corr_number",
        _l("Исх. номер корреспондента"),
        ("исх номер", "номер корреспондента", "исходящий номер"),
        column=Document.corr_number,
    ),
    Field(
        "corr_date",
        _l("Дата документа корреспондента"),
        ("дата исх", "исходящая дата", "дата корреспондента"),
        FieldType.DATE,
    ),
    Field("signed_by", _l("Подписал"), ("подписал", "подписант"), column=Document.signed_by),
    Field(
        "registering_body",
        _l("Регистрирующий орган"),
        ("регистрирующий орган", "орган регистрации"),
        FieldType.REFERENCE,
        lookup="bodies",
        unknown=NO_BODY,
        default=DefaultChoice(_l("Регистрирующий орган по умолчанию"), _bodies_in_scope, _body_in_scope),
    ),
    Field(
        "addressee_body",
        _l("Адресат (орган)"),
        ("адресат", "кому адресован", "исполнитель"),
        FieldType.REFERENCE,
        lookup="bodies",
        unknown=NO_BODY,
    ),
    Field(
        "summary",
        _l("Краткое содержание"),
        ("краткое содержание", "содержание", "заголовок"),
        column=Document.summary,
        required=True,
    ),
    Field("pages", _l("Листов"), ("листов", "количество листов"), FieldType.INT),
    Field("case_file", _l("Дело"), ("дело", "номер дела", "номенклатура"), column=Document.case_file),
)


def check_document_row(row: Row, ctx: ImportContext) -> DocumentRow | None:
    direction = row.value("direction")
    reg_date = row.value("reg_date")
    for key in ("direction", "reg_date", "kind", "summary"):
        if row.value(key) is None and not row.text(key):
            row.refuse(key, gettext("Не заполнено обязательное поле"))
    seq = _number(row, JOURNALS[Direction(direction)].code, reg_date) if direction else None
    _seen_twice(row, ctx, (direction, reg_date.year, seq) if seq is not None and reg_date else None)
    registering = row.value("registering_body") or (
        None if row.text("registering_body") else row.default("registering_body")
    )
    if registering is None and not row.text("registering_body"):
        row.refuse("registering_body", gettext("Не указан регистрирующий орган, и орган по умолчанию не выбран"))
    correspondent = row.value("correspondent")
    if direction == Direction.INCOMING and not correspondent:
        row.refuse("correspondent", gettext("У входящего документа должен быть корреспондент"))
    corr_date = row.value("corr_date")
    if corr_date and reg_date and corr_date > reg_date:
        row.refuse("corr_date", gettext("Дата документа корреспондента позже даты регистрации"))
    pages = row.value("pages")
    if pages is not None and pages < 0:
        row.refuse("pages", gettext("Число листов не может быть отрицательным"))
    if row.problems or None in (direction, reg_date, registering, row.value("kind"), row.value("summary")):
        return None
    addressee = row.value("addressee_body")
    _scope(
        row,
        "registering_body",
        Document(registering_body_id=registering.id, addressee_body_id=addressee.id if addressee else None),
        ctx.visibility,
        registering,
    )
    if row.problems:
        return None
    return DocumentRow(
        direction=direction,
        reg_seq=seq,
        reg_date=reg_date,
        kind=row.value("kind"),
        registering_body=registering,
        summary=row.value("summary"),
        correspondent=correspondent,
        fields={
            "addressee_body": addressee,
            "corr_number": row.value("corr_number"),
            "corr_date": corr_date,
            "signed_by": row.value("signed_by"),
            "pages": pages,
            "case_file": row.value("case_file"),
        },
    )


def _document_number(row: DocumentRow) -> str:
    assert row.reg_seq is not None
    return numbering.format_number(row.journal, row.reg_date.year, row.reg_seq)


def existing_documents(rows: Sequence[DocumentRow], _ctx: ImportContext) -> list[bool]:
    numbers = existing_values(Document.reg_number, (_document_number(r) for r in rows if r.reg_seq is not None))
    return [row.reg_seq is not None and _document_number(row) in numbers for row in rows]


def _correspondent(name: str, ctx: ImportContext) -> Correspondent:
    """An organisation correspondent by name: found in the register, or added to it (once per file)."""
    known = ctx.state.setdefault("correspondents", {})
    key = normalise(name)
    if key not in known:
        found = db.session.scalars(select(Correspondent).where(Correspondent.name == name)).first()
        if found is None:
            found = Correspondent(kind=CorrespondentKind.ORGANISATION.value, name=name)
            db.session.add(found)
        known[key] = found
    return known[key]


def save_document(row: DocumentRow, ctx: ImportContext) -> Document:
    correspondent = _correspondent(row.correspondent, ctx) if row.correspondent else None
    return register_document(
        direction=row.direction,
        kind=row.kind,
        registering_body=row.registering_body,
        summary=row.summary,
        reg_date=row.reg_date,
        imported_number=row.reg_seq,
        correspondent=correspondent,
        **row.fields,
    )


DOCUMENTS_IMPORT = ImportSpec(
    name="control_documents",
    title=_l("Загрузка документов из прежнего реестра"),
    fields=DOCUMENT_FIELDS,
    lookups=load_lookups,
    check_row=check_document_row,
    existing=existing_documents,
    before_save=lambda rows, _ctx: _keep_numbers([(r.journal, r.reg_date.year, r.reg_seq) for r in rows]),
    save_row=save_document,
    upload_hint=_l("Документы, номер которых уже есть в системе, пропускаются и не изменяются."),
    noun=_l("документов"),
    result_hint=_l("Уже загруженные документы (тот же рег. номер) пропущены и не изменены."),
    list_endpoint="DocumentView.list",
    list_label=_l("К реестру документов"),
    personal_data=False,
)


# ---- instructions ------------------------------------------------------------------------------------


@dataclass
class InstructionRow:
    reg_seq: int | None
    reg_date: dt.date
    text: str
    responsible_body: Body
    controller: User
    deadline_original: dt.date
    deadline: dt.date
    fields: dict[str, Any] = field(default_factory=dict)
    removed_on: dt.date | None = None
    removal_basis: str | None = None
    result: str | None = None


INSTRUCTION_FIELDS: tuple[Field, ...] = (
    Field(
        "reg_number",
        _l("Регистрационный номер"),
        ("рег номер", "регистрационный номер", "номер"),
        hint=_l("Пор-ГГГГ-00042 или число"),
    ),
    Field(
        "reg_date",
        _l("Дата постановки на контроль"),
        ("дата постановки на контроль", "дата постановки", "дата регистрации"),
        FieldType.DATE,
        required=True,
    ),
    Field(
        "source",
        _l("Источник"),
        ("источник", "вид источника"),
        FieldType.CHOICE,
        choices=SOURCE_NAMES,
        unknown=_l("Источник — резолюция, протокол совещания или распоряжение"),
    ),
    Field(
        "source_note",
        _l("Реквизиты источника"),
        ("реквизиты", "реквизиты источника", "основание"),
        column=Instruction.source_note,
    ),
    Field("text", _l("Текст поручения"), ("текст поручения", "поручение", "содержание"), required=True),
    Field(
        "author",
        _l("Автор (пользователь)"),
        ("автор", "автор поручения"),
        FieldType.REFERENCE,
        lookup="users",
        unknown=NO_USER,
    ),
    Field(
        "author_name",
        _l("Автор без учётной записи"),
        ("автор без учетной записи", "автор фио"),
        column=Instruction.issued_by_name,
    ),
    Field(
        "head",
        _l("Поручение Главы города"),
        ("поручение главы", "глава"),
        FieldType.CHOICE,
        choices=YES_NO,
        unknown=_l("Да или нет"),
    ),
    Field("issued_on", _l("Дата поручения"), ("дата поручения",), FieldType.DATE),
    Field(
        "responsible_body",
        _l("Ответственный орган"),
        ("ответственный орган", "исполнитель орган", "орган"),
        FieldType.REFERENCE,
        required=True,
        lookup="bodies",
        unknown=NO_BODY,
    ),
    Field("co_executors", _l("Соисполнители"), ("соисполнители",), hint=_l("органы через «;»")),
    Field(
        "executor",
        _l("Исполнитель"),
        ("исполнитель", "ответственный исполнитель"),
        FieldType.REFERENCE,
        lookup="users",
        unknown=NO_USER,
    ),
    Field(
        "controller",
        _l("Контролёр"),
        ("контролер",),
        FieldType.REFERENCE,
        lookup="users",
        unknown=NO_USER,
        hint=_l("пусто — загружающий"),
    ),
    Field(
        "urgency",
        _l("Срочность"),
        ("срочность",),
        FieldType.CHOICE,
        choices=URGENCY_NAMES,
        unknown=_l("Срочность — оперативно, срочно или пусто"),
    ),
    Field(
        "deadline_original",
        _l("Первоначальный срок"),
        ("первоначальный срок", "срок первоначальный"),
        FieldType.DATE,
        hint=_l("пусто — по срочности"),
    ),
    Field(
        "deadline",
        _l("Текущий срок"),
        ("срок исполнения", "текущий срок", "срок"),
        FieldType.DATE,
        hint=_l("пусто — первоначальный"),
    ),
    Field("removed_on", _l("Снято с контроля"), ("снято с контроля", "дата снятия"), FieldType.DATE),
    Field(
        "removal_basis",
        _l("Основание снятия"),
        ("основание снятия", "отметка об исполнении"),
        column=Instruction.removal_basis,
    ),
    Field("result", _l("Результат"), ("результат", "результат исполнения")),
)


def check_instruction_row(row: Row, ctx: ImportContext) -> InstructionRow | None:
    reg_date = row.value("reg_date")
    for key in ("reg_date", "text", "responsible_body"):
        if row.value(key) is None and not row.text(key):
            row.refuse(key, gettext("Не заполнено обязательное поле"))
    seq = _number(row, INSTRUCTIONS.code, reg_date)
    _seen_twice(row, ctx, (reg_date.year, seq) if seq is not None and reg_date else None)
    author, author_name = row.value("author"), row.value("author_name")
    if author is None and not author_name and not row.text("author"):
        row.refuse("author", gettext("Укажите автора: пользователя или ФИО автора без учётной записи"))
    issued_on = row.value("issued_on") or reg_date
    if issued_on and reg_date and issued_on > reg_date:
        row.refuse("issued_on", gettext("Поручение дано позже постановки на контроль"))
    co_executors = []
    for name in _SPLIT.split(row.text("co_executors")) if row.text("co_executors") else []:
        found, body = ctx.lookups["bodies"].find(name)
        if not found or body is None:
            row.refuse("co_executors", NO_BODY, value=name)
        else:
            co_executors.append(body)
    original, current = row.value("deadline_original"), row.value("deadline")
    if original and current and current < original:
        row.refuse("deadline", gettext("Текущий срок раньше первоначального: срок только продлевается"))
    if original and issued_on and original < issued_on:
        row.refuse("deadline_original", gettext("Срок раньше даты поручения"))
    removed_on, basis = row.value("removed_on"), row.value("removal_basis")
    if removed_on and not basis:
        row.refuse("removal_basis", gettext("Снятие с контроля требует основания"))
    if removed_on and reg_date and removed_on < reg_date:
        row.refuse("removed_on", gettext("Снято раньше постановки на контроль"))
    controller = row.value("controller")
    if controller is None and not row.text("controller"):
        controller = ctx.state.setdefault("user", request_user())
    responsible = row.value("responsible_body")
    if row.problems or None in (reg_date, responsible, row.value("text"), controller):
        return None
    _scope(row, "responsible_body", Instruction(responsible_body_id=responsible.id), ctx.visibility, responsible)
    if row.problems:
        return None
    from .services import default_deadline

    urgency = row.value("urgency") or Urgency.NONE.value
    original = original or current or default_deadline(urgency, issued_on)
    return InstructionRow(
        reg_seq=seq,
        reg_date=reg_date,
        text=row.value("text"),
        responsible_body=responsible,
        controller=controller,
        deadline_original=original,
        deadline=current or original,
        fields={
            "source_kind": row.value("source") or HEAD_ORDER,
            "source_note": row.value("source_note"),
            "issued_by": author,
            "issued_by_name": author_name,
            "is_head_instruction": row.value("head") == "yes",
            "issued_on": issued_on,
            "co_executors": co_executors,
            "executor": row.value("executor"),
            "urgency": urgency,
        },
        removed_on=removed_on,
        removal_basis=basis,
        result=row.value("result"),
    )


def _instruction_number(row: InstructionRow) -> str:
    assert row.reg_seq is not None
    return numbering.format_number(INSTRUCTIONS.code, row.reg_date.year, row.reg_seq)


def existing_instructions(rows: Sequence[InstructionRow], _ctx: ImportContext) -> list[bool]:
    numbers = existing_values(Instruction.reg_number, (_instruction_number(r) for r in rows if r.reg_seq is not None))
    return [row.reg_seq is not None and _instruction_number(row) in numbers for row in rows]


def save_instruction(row: InstructionRow, _ctx: ImportContext) -> Instruction:
    """Put on control as it was; the deadline's move is kept as an approved extension; the removal replayed."""
    instruction = put_on_control(
        text=row.text,
        responsible_body=row.responsible_body,
        controller=row.controller,
        reg_date=row.reg_date,
        deadline=row.deadline_original,
        imported_number=row.reg_seq,
        **row.fields,
    )
    if row.deadline != row.deadline_original:
        db.session.add(
            Extension(
                instruction=instruction,
                old_deadline=row.deadline_original,
                requested_deadline=row.deadline,
                approved_deadline=row.deadline,
                reason=gettext("Продление из прежнего реестра"),
                requested_on=row.reg_date,
                decided_on=row.reg_date,
                status=ExtensionStatus.APPROVED.value,
                decision_basis=gettext("Прежний реестр поручений"),
            )
        )
        instruction.deadline = row.deadline
        instruction.control_date = row.deadline
    if row.removed_on is not None:
        instruction.removed_on = row.removed_on
        instruction.removal_basis = row.removal_basis
        instruction.status = InstructionStatus.REMOVED.value
        instruction.result = row.result
    return instruction


INSTRUCTIONS_IMPORT = ImportSpec(
    name="control_instructions",
    title=_l("Загрузка поручений из прежнего реестра"),
    fields=INSTRUCTION_FIELDS,
    lookups=load_lookups,
    check_row=check_instruction_row,
    existing=existing_instructions,
    before_save=lambda rows, _ctx: _keep_numbers([(INSTRUCTIONS.code, r.reg_date.year, r.reg_seq) for r in rows]),
    save_row=save_instruction,
    upload_hint=_l(
        "Поручения, номер которых уже есть в системе, пропускаются. Текущий срок, отличный от первоначального, "
        "сохраняется как продление; дата снятия с контроля требует основания."
    ),
    noun=_l("поручений"),
    result_hint=_l("Уже загруженные поручения (тот же рег. номер) пропущены и не изменены."),
    list_endpoint="InstructionView.list",
    list_label=_l("К списку поручений"),
    personal_data=False,
)


class DocumentImportView(ImportView):
    spec = DOCUMENTS_IMPORT
    route_base = "/control/import/documents"
    class_permission_name = "ControlImport"


class InstructionImportView(ImportView):
    spec = INSTRUCTIONS_IMPORT
    route_base = "/control/import/instructions"
    class_permission_name = "ControlImport"


def register(appbuilder: AppBuilder) -> None:
    from ..core import menus
    from ..core.imports.views import register_import_view

    register_import_view(
        appbuilder,
        DocumentImportView,
        "DocumentImport",
        label=_l("Загрузка документов из файла"),
        icon="fa-file-import",
        category=menus.CONTROL,
    )
    register_import_view(
        appbuilder,
        InstructionImportView,
        "InstructionImport",
        label=_l("Загрузка поручений из файла"),
        icon="fa-file-import",
        category=menus.CONTROL,
    )
