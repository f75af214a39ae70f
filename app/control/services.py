"""Control rules and state changes: registration, instructions, extensions, reports, removal.

Flush, never commit; refuse with translated domain errors. Terms come from the deadline rules table
(app/core/calendar): the default deadline by urgency, the extension lead time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from flask_babel import lazy_gettext as _l

from ..core import numbering
from ..core.calendar import add_working_days, due_date, get_rule
from ..core.dates import format_date, local_today
from ..core.errors import ConflictError, DomainError, ValidationFailed
from ..core.inputs import check_date
from ..core.services import DomainHooks
from ..extensions import db
from ..org.models import Body
from ..security import ADMIN, CONTROL_OFFICER
from . import INCOMING, INSTRUCTIONS, INTERNAL, OUTGOING
from .models import (
    EXTENSION_LEAD_RULE,
    URGENCY_RULES,
    Correspondent,
    CorrespondentKind,
    Direction,
    Document,
    DocumentKind,
    ExecutionReport,
    Extension,
    ExtensionStatus,
    Instruction,
    InstructionStatus,
    ReportDecision,
    ReportKind,
    Resolution,
    Urgency,
)
from .sources import HIGHER_BODY_LETTER, PAPER_KINDS, RESOLUTION, SOURCES, kind_of_record

JOURNALS = {Direction.INCOMING: INCOMING, Direction.OUTGOING: OUTGOING, Direction.INTERNAL: INTERNAL}

STATUS_LABELS = {
    InstructionStatus.ON_CONTROL: _l("На исполнении"),
    InstructionStatus.EXTENSION_REQUESTED: _l("Запрошено продление"),
    InstructionStatus.REPORT_SUBMITTED: _l("Отчёт на проверке"),
    InstructionStatus.REMOVED: _l("Снято с контроля"),
    InstructionStatus.CANCELLED: _l("Отменено"),
}


class IllegalTransition(ConflictError):
    message = _l("Действие «%(action)s» недоступно для поручения в статусе «%(status)s»")


class ExtensionTooLate(DomainError):
    status = 422
    message = _l(
        "Продление запрашивается не позднее чем за %(days)s раб. дн. до срока исполнения (%(deadline)s): "
        "последний день для запроса — %(last)s"
    )


class NotDeadlineAuthor(DomainError):
    """Only the author of a deadline decides its extension (DOMAIN.md A.6)."""

    status = 403
    message = _l("Решение о продлении принимает только автор срока: %(author)s")


class NotController(DomainError):
    status = 403
    message = _l("Отчёт принимает контролёр поручения: %(controller)s")


ACTION_LABELS = {
    "assign": _l("Назначить исполнителя"),
    "request_extension": _l("Запросить продление срока"),
    "decide_extension": _l("Решение по продлению срока"),
    "report": _l("Отчитаться об исполнении"),
    "review_report": _l("Проверить отчёт"),
    "remove": _l("Снять с контроля"),
    "cancel": _l("Отменить поручение"),
}
#: Which actions each status allows (the state machine of DOMAIN.md D.3).
TRANSITIONS: dict[InstructionStatus, set[str]] = {
    InstructionStatus.ON_CONTROL: {"assign", "request_extension", "report", "remove", "cancel"},
    InstructionStatus.EXTENSION_REQUESTED: {"assign", "decide_extension", "report", "remove", "cancel"},
    InstructionStatus.REPORT_SUBMITTED: {"assign", "review_report", "remove", "cancel"},
}


def allowed(instruction: Instruction, action: str) -> bool:
    return instruction.annulled_at is None and action in TRANSITIONS.get(InstructionStatus(instruction.status), set())


def _require(instruction: Instruction, action: str) -> None:
    if not allowed(instruction, action):
        status = (
            str(STATUS_LABELS[InstructionStatus(instruction.status)])
            if instruction.annulled_at is None
            else str(_l("аннулировано"))
        )
        raise IllegalTransition(action=str(ACTION_LABELS[action]), status=status)


def _text(value: str | None, field: str, message: Any) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationFailed(message, field=field)
    return value


def _has_role(user: Any, *roles: str) -> bool:
    return any(role.name in roles for role in getattr(user, "roles", []) or [])


# ---- correspondents -------------------------------------------------------------------------------


def check_correspondent(correspondent: Correspondent) -> Correspondent:
    """An organisation is named; a citizen by his name (personal data, in its own column)."""
    if correspondent.kind not in {k.value for k in CorrespondentKind}:
        raise ValidationFailed(_l("Укажите вид корреспондента"), field="kind")
    if correspondent.kind == CorrespondentKind.CITIZEN:
        _text(correspondent.citizen_name, "citizen_name", _l("Укажите ФИО гражданина"))
        correspondent.name = None
    else:
        _text(correspondent.name, "name", _l("Укажите наименование корреспондента"))
        correspondent.citizen_name = correspondent.citizen_address = None
    return correspondent


# ---- documents ------------------------------------------------------------------------------------


def prepare_document(document: Document, imported_number: int | None = None) -> Document:
    """Number and check a new document (the card form, the API, the import and the services come here).

    The number comes from the journal of its direction and the LOCAL year of its registration date;
    an imported document keeps its number (the sequence within its year) and the counter moves past it.
    """
    document.reg_date = document.reg_date or local_today()
    try:
        direction = Direction(document.direction or "")
    except ValueError:
        raise ValidationFailed(
            _l("Укажите вид регистрации: входящий, исходящий или внутренний"), field="direction"
        ) from None
    check_document(document)
    journal = JOURNALS[direction]
    if imported_number is None:
        number = numbering.next_number(journal.code, document.reg_date)
    else:
        number = numbering.take_imported(journal.code, document.reg_date.year, imported_number)
    document.reg_year, document.reg_seq, document.reg_number = number.year, number.seq, number.text
    return document


def check_document(document: Document) -> Document:
    """What every write of a document must hold."""
    if document.kind is None and document.kind_id is None:
        raise ValidationFailed(_l("Укажите вид документа"), field="kind")
    if document.registering_body is None and document.registering_body_id is None:
        raise ValidationFailed(_l("Укажите орган, регистрирующий документ"), field="registering_body")
    _text(document.summary, "summary", _l("Укажите краткое содержание документа"))
    if document.direction == Direction.INCOMING and document.correspondent is None and not document.correspondent_id:
        raise ValidationFailed(_l("Укажите корреспондента входящего документа"), field="correspondent")
    if document.corr_date is not None and document.reg_date is not None and document.corr_date > document.reg_date:
        raise ValidationFailed(_l("Дата документа корреспондента позже даты регистрации"), field="corr_date")
    if document.pages is not None and document.pages < 0:
        raise ValidationFailed(_l("Число листов не может быть отрицательным"), field="pages")
    for link in ("reply_to", "executes"):
        linked = getattr(document, link)
        if linked is not None and document.id is not None and linked.id == document.id:
            raise ValidationFailed(_l("Документ не может ссылаться сам на себя"), field=link)
    return document


def register_document(
    *,
    direction: Direction | str,
    kind: DocumentKind,
    registering_body: Body,
    summary: str,
    reg_date: dt.date | None = None,
    imported_number: int | None = None,
    **fields: Any,
) -> Document:
    """Register a document: its number from the journal of its direction, per local year."""
    document = Document(
        direction=Direction(direction).value,
        kind=kind,
        registering_body=registering_body,
        summary=summary,
        reg_date=reg_date,
        **fields,
    )
    with db.session.no_autoflush:
        prepare_document(document, imported_number)
    db.session.add(document)
    db.session.flush()
    return document


# ---- resolutions ------------------------------------------------------------------------------------


def check_resolution(resolution: Resolution) -> Resolution:
    """A resolution has an author (a user or, for the Head, a name), a text, a date not before the document's."""
    document = resolution.document
    if document is None:
        raise ValidationFailed(_l("Укажите документ"), field="document")
    if resolution.author is None and resolution.author_id is None and not (resolution.author_name or "").strip():
        raise ValidationFailed(_l("Укажите автора резолюции (пользователя или ФИО и должность)"), field="author")
    _text(resolution.text, "text", _l("Укажите текст резолюции"))
    if resolution.date is None:
        raise ValidationFailed(_l("Укажите дату резолюции"), field="date")
    if resolution.date < document.reg_date:
        raise ValidationFailed(_l("Резолюция не может быть раньше регистрации документа"), field="date")
    if resolution.deadline is not None and resolution.deadline < resolution.date:
        raise ValidationFailed(_l("Срок раньше даты резолюции"), field="deadline")
    parent = resolution.parent
    if parent is not None:
        if parent.document_id != document.id and parent.document is not document:
            raise ValidationFailed(_l("Предыдущая резолюция должна быть на том же документе"), field="parent")
        if resolution.date < parent.date:
            raise ValidationFailed(_l("Резолюция не может быть раньше предыдущей в цепочке"), field="date")
    return resolution


def add_resolution(
    document: Document,
    text: str,
    date: dt.date,
    *,
    author: Any = None,
    author_name: str | None = None,
    deadline: dt.date | None = None,
    parent: Resolution | None = None,
) -> Resolution:
    """Add a resolution to a document's chain."""
    resolution = Resolution(
        document=document,
        text=text,
        date=date,
        author=author,
        author_name=author_name,
        deadline=deadline,
        parent=parent,
    )
    with db.session.no_autoflush:
        check_resolution(resolution)
    db.session.add(resolution)
    db.session.flush()
    return resolution


# ---- instructions -----------------------------------------------------------------------------------


def default_deadline(urgency: Urgency | str, issued_on: dt.date) -> dt.date:
    """The deadline an urgency gives by the rules table: none → 30 calendar days, оперативно → 10 working
    days, срочно → 3 working days (each a rule an Admin may change)."""
    return due_date(URGENCY_RULES[Urgency(urgency)], issued_on).due


def prepare_instruction(instruction: Instruction, imported_number: int | None = None) -> Instruction:
    """Number, dates and status of a new instruction (the form, the API, the import and the services come here).

    The deadline not given is the urgency's; the original deadline is the first one and never changes;
    the control date is the deadline unless set earlier.
    """
    instruction.reg_date = instruction.reg_date or local_today()
    instruction.issued_on = instruction.issued_on or instruction.reg_date
    instruction.urgency = instruction.urgency or Urgency.NONE.value
    if instruction.urgency not in {u.value for u in Urgency}:
        raise ValidationFailed(_l("Неизвестная срочность поручения"), field="urgency")
    if instruction.issued_on > instruction.reg_date:
        raise ValidationFailed(_l("Поручение не может быть дано позже постановки на контроль"), field="issued_on")
    if instruction.deadline is None:
        instruction.deadline = default_deadline(instruction.urgency, instruction.issued_on)
    instruction.deadline_original = instruction.deadline
    instruction.control_date = instruction.control_date or instruction.deadline
    instruction.status = InstructionStatus.ON_CONTROL.value
    instruction.source_kind = instruction.source_kind or (
        "resolution" if instruction.resolution is not None else "head_order"
    )
    if instruction.source_id is None:
        # A source of control's own: the instruction's resolution or document is the source record.
        own = {RESOLUTION: instruction.resolution, HIGHER_BODY_LETTER: instruction.document}.get(
            instruction.source_kind
        )
        instruction.source_id = own.id if own is not None else None
    check_instruction(instruction)
    if imported_number is None:
        number = numbering.next_number(INSTRUCTIONS.code, instruction.reg_date)
    else:
        number = numbering.take_imported(INSTRUCTIONS.code, instruction.reg_date.year, imported_number)
    instruction.reg_year, instruction.reg_seq, instruction.reg_number = number.year, number.seq, number.text
    return instruction


def check_instruction(instruction: Instruction) -> Instruction:
    """What every write of an instruction must hold (a new one and an edit alike)."""
    _text(instruction.text, "text", _l("Укажите текст поручения"))
    if instruction.responsible_body is None and instruction.responsible_body_id is None:
        raise ValidationFailed(_l("Укажите ответственный орган"), field="responsible_body")
    has_author = instruction.issued_by is not None or instruction.issued_by_id is not None
    if not has_author and not (instruction.issued_by_name or "").strip():
        raise ValidationFailed(
            _l("Укажите автора поручения: пользователя или, если у автора нет учётной записи, его ФИО и должность"),
            field="issued_by",
        )
    if instruction.controller is None and instruction.controller_id is None:
        raise ValidationFailed(_l("Укажите контролёра поручения"), field="controller")
    if instruction.source_kind not in SOURCES:
        raise ValidationFailed(_l("Неизвестный источник поручения"), field="source_kind")
    if instruction.deadline < instruction.issued_on:
        raise ValidationFailed(_l("Срок исполнения раньше даты поручения"), field="deadline")
    if instruction.control_date is not None and instruction.control_date > instruction.deadline:
        raise ValidationFailed(_l("Контрольный срок позже срока исполнения"), field="control_date")
    if instruction.control_date is not None and instruction.control_date < instruction.issued_on:
        raise ValidationFailed(_l("Контрольный срок раньше даты поручения"), field="control_date")
    responsible = instruction.responsible_body_id or (instruction.responsible_body and instruction.responsible_body.id)
    if any(body.id == responsible for body in instruction.co_executors):
        raise ValidationFailed(_l("Ответственный орган не указывается среди соисполнителей"), field="co_executors")
    check_date(instruction, "deadline", instruction.deadline)
    return instruction


def check_instruction_edit(instruction: Instruction) -> Instruction:
    """An edit never touches the original deadline, and moves the current one only by an extension."""
    from sqlalchemy import inspect

    state = inspect(instruction)
    for key, message in (
        ("deadline_original", _l("Первоначальный срок не меняется")),
        ("deadline", _l("Срок исполнения меняется только продлением, решение о котором принимает автор срока")),
    ):
        history = state.attrs[key].history
        if history.deleted and history.added and history.deleted[0] != history.added[0]:
            raise ValidationFailed(message, field=key)
    return check_instruction(instruction)


def put_on_control(
    *,
    text: str,
    responsible_body: Body,
    controller: Any,
    issued_by: Any = None,
    issued_by_name: str | None = None,
    issued_on: dt.date | None = None,
    urgency: Urgency | str = Urgency.NONE,
    deadline: dt.date | None = None,
    control_date: dt.date | None = None,
    reg_date: dt.date | None = None,
    source_kind: str | None = None,
    source_id: int | None = None,
    source_note: str | None = None,
    document: Document | None = None,
    resolution: Resolution | None = None,
    co_executors: Sequence[Body] = (),
    executor: Any = None,
    is_head_instruction: bool = False,
    imported_number: int | None = None,
) -> Instruction:
    """Register an instruction and put it on control: number, deadline by urgency unless given, status."""
    instruction = Instruction(
        text=text,
        responsible_body=responsible_body,
        controller=controller,
        issued_by=issued_by,
        issued_by_name=issued_by_name,
        issued_on=issued_on,
        urgency=Urgency(urgency).value,
        deadline=deadline,
        control_date=control_date,
        reg_date=reg_date,
        source_kind=source_kind,
        source_id=source_id,
        source_note=source_note,
        document=document,
        resolution=resolution,
        co_executors=list(co_executors),
        executor=executor,
        is_head_instruction=is_head_instruction,
    )
    with db.session.no_autoflush:
        prepare_instruction(instruction, imported_number)
    db.session.add(instruction)
    db.session.flush()
    return instruction


def put_source_on_control(record: Any, **fields: Any) -> Instruction:
    """Put another domain's record (an appeal, a plan item) on control: the instruction names it as its
    source, and the record holds the instruction (its kind's `back_link`). Once only."""
    kind = kind_of_record(record)
    if kind is None:
        raise ValidationFailed(_l("Эту запись нельзя поставить на контроль"))
    if getattr(record, "annulled_at", None) is not None:
        raise ConflictError(_l("Запись аннулирована: поставить её на контроль нельзя"))
    if kind.back_link and getattr(record, kind.back_link, None) is not None:
        raise ConflictError(
            _l("Запись уже на контроле: поручение %(number)s", number=str(getattr(record, kind.back_link)))
        )
    instruction = put_on_control(source_kind=kind.code, source_id=record.id, **fields)
    if kind.back_link:
        setattr(record, kind.back_link, instruction)
    db.session.flush()
    return instruction


def assign_executor(instruction: Instruction, executor: Any) -> Instruction:
    """Name the official who executes the instruction."""
    _require(instruction, "assign")
    if executor is None:
        raise ValidationFailed(_l("Укажите исполнителя"), field="executor")
    instruction.executor = executor
    db.session.flush()
    return instruction


# ---- extensions -------------------------------------------------------------------------------------


def last_request_day(instruction: Instruction) -> dt.date:
    """The last day an extension may be asked for: the lead time (a rule, working days) counted back."""
    return add_working_days(instruction.deadline, -get_rule(EXTENSION_LEAD_RULE).amount)


def request_extension(
    instruction: Instruction,
    new_deadline: dt.date,
    reason: str,
    requested_by: Any,
    requested_on: dt.date | None = None,
) -> Extension:
    """The executor asks for a later deadline, no later than the lead time before the current one."""
    _require(instruction, "request_extension")
    reason = _text(reason, "reason", _l("Укажите обоснование продления"))
    requested_on = requested_on or local_today()
    if new_deadline is None:
        raise ValidationFailed(_l("Укажите новый срок"), field="new_deadline")
    if new_deadline <= instruction.deadline:
        raise ValidationFailed(
            _l("Новый срок должен быть позже текущего (%(date)s)", date=format_date(instruction.deadline)),
            field="new_deadline",
        )
    check_date(instruction, "deadline", new_deadline, field="new_deadline")
    last = last_request_day(instruction)
    if requested_on > last:
        raise ExtensionTooLate(
            days=get_rule(EXTENSION_LEAD_RULE).amount,
            deadline=format_date(instruction.deadline),
            last=format_date(last),
        )
    extension = Extension(
        instruction=instruction,
        old_deadline=instruction.deadline,
        requested_deadline=new_deadline,
        reason=reason,
        requested_by=requested_by,
        requested_on=requested_on,
        status=ExtensionStatus.REQUESTED.value,
    )
    db.session.add(extension)
    instruction.status = InstructionStatus.EXTENSION_REQUESTED.value
    db.session.flush()
    return extension


def pending_extension(instruction: Instruction) -> Extension | None:
    return next((e for e in instruction.extensions if e.status == ExtensionStatus.REQUESTED), None)


def may_decide_extension(instruction: Instruction, user: Any) -> bool:
    """The author of the deadline decides; for an author without an account the control officer records it."""
    if instruction.issued_by_id is not None:
        return user is not None and user.id == instruction.issued_by_id
    return _has_role(user, CONTROL_OFFICER, ADMIN)


def decide_extension(
    extension: Extension,
    approve: bool,
    decided_by: Any,
    *,
    decided_on: dt.date | None = None,
    new_deadline: dt.date | None = None,
    comment: str | None = None,
    basis: str | None = None,
) -> Extension:
    """Approve (the deadline moves; the original stays) or reject a pending request.

    Only the author of the deadline decides; when he has no account (the Head), the control officer
    records his decision and must name its basis (the resolution's number and date).
    """
    instruction = extension.instruction
    _require(instruction, "decide_extension")
    if extension.status != ExtensionStatus.REQUESTED:
        raise ConflictError(_l("По этому запросу решение уже принято"))
    if not may_decide_extension(instruction, decided_by):
        raise NotDeadlineAuthor(author=instruction.author_text or "—")
    recorded_for_author = instruction.issued_by_id is None
    if recorded_for_author:
        basis = _text(basis, "basis", _l("Укажите основание решения автора срока (например, номер и дату резолюции)"))
    decided_on = decided_on or local_today()
    check_date(instruction, "deadline", decided_on, field="decided_on")
    if decided_on < extension.requested_on:
        raise ValidationFailed(_l("Решение не может быть раньше запроса"), field="decided_on")
    if not approve and not (comment or "").strip():
        raise ValidationFailed(_l("Укажите причину отказа в продлении"), field="comment")
    extension.decided_by = decided_by
    extension.decided_on = decided_on
    extension.decision_comment = (comment or "").strip() or None
    extension.decision_basis = (basis or "").strip() or None
    if approve:
        deadline = new_deadline or extension.requested_deadline
        if deadline <= extension.old_deadline:
            raise ValidationFailed(_l("Новый срок должен быть позже прежнего"), field="new_deadline")
        check_date(instruction, "deadline", deadline, field="new_deadline")
        extension.status = ExtensionStatus.APPROVED.value
        extension.approved_deadline = deadline
        moved_check = instruction.control_date == instruction.deadline
        instruction.deadline = deadline
        if moved_check:
            instruction.control_date = deadline
    else:
        extension.status = ExtensionStatus.REJECTED.value
    instruction.status = InstructionStatus.ON_CONTROL.value
    db.session.flush()
    return extension


# ---- execution reports, removal ---------------------------------------------------------------------


def submit_report(
    instruction: Instruction,
    text: str,
    submitted_by: Any,
    *,
    kind: ReportKind | str = ReportKind.FINAL,
    submitted_on: dt.date | None = None,
) -> ExecutionReport:
    """The executor reports execution (interim or final); the controller checks it."""
    _require(instruction, "report")
    text = _text(text, "text", _l("Опишите, что сделано"))
    submitted_on = submitted_on or local_today()
    if submitted_on < instruction.reg_date:
        raise ValidationFailed(_l("Отчёт не может быть раньше постановки на контроль"), field="submitted_on")
    check_date(instruction, "deadline", submitted_on, field="submitted_on")
    report = ExecutionReport(
        instruction=instruction,
        kind=ReportKind(kind).value,
        text=text,
        submitted_by=submitted_by,
        submitted_on=submitted_on,
    )
    db.session.add(report)
    instruction.status = InstructionStatus.REPORT_SUBMITTED.value
    db.session.flush()
    return report


def pending_report(instruction: Instruction) -> ExecutionReport | None:
    return next((r for r in reversed(instruction.reports) if r.decision is None), None)


def _check_controller(instruction: Instruction, user: Any) -> None:
    if user is None or (user.id != instruction.controller_id and not _has_role(user, ADMIN)):
        controller = instruction.controller.get_full_name() if instruction.controller else "—"
        raise NotController(controller=controller)


def accept_report(
    report: ExecutionReport, decided_by: Any, decided_on: dt.date | None = None, comment: str | None = None
) -> ExecutionReport:
    """The controller accepts a report: a final one removes the instruction from control (on time or late),
    with the report as its basis; an interim one keeps it on control."""
    instruction = report.instruction
    _require(instruction, "review_report")
    if report.decision is not None:
        raise ConflictError(_l("Решение по отчёту уже принято"))
    _check_controller(instruction, decided_by)
    decided_on = decided_on or local_today()
    if decided_on < report.submitted_on:
        raise ValidationFailed(_l("Решение не может быть раньше отчёта"), field="decided_on")
    report.decision, report.decided_by, report.decided_on = ReportDecision.ACCEPTED.value, decided_by, decided_on
    report.comment = (comment or "").strip() or None
    if report.kind == ReportKind.FINAL:
        basis = str(_l("Отчёт об исполнении от %(date)s", date=format_date(report.submitted_on)))
        _remove(instruction, decided_on, basis, decided_by, InstructionStatus.REMOVED, result=report.text)
    else:
        instruction.status = InstructionStatus.ON_CONTROL.value
    db.session.flush()
    return report


def return_report(
    report: ExecutionReport, decided_by: Any, comment: str, decided_on: dt.date | None = None
) -> ExecutionReport:
    """The controller returns a report for rework, saying why: the instruction stays on control."""
    instruction = report.instruction
    _require(instruction, "review_report")
    if report.decision is not None:
        raise ConflictError(_l("Решение по отчёту уже принято"))
    _check_controller(instruction, decided_by)
    comment = _text(comment, "comment", _l("Укажите, что нужно доработать"))
    decided_on = decided_on or local_today()
    if decided_on < report.submitted_on:
        raise ValidationFailed(_l("Решение не может быть раньше отчёта"), field="decided_on")
    report.decision, report.decided_by, report.decided_on = ReportDecision.RETURNED.value, decided_by, decided_on
    report.comment = comment
    instruction.status = InstructionStatus.ON_CONTROL.value
    db.session.flush()
    return report


def _remove(
    instruction: Instruction,
    removed_on: dt.date,
    basis: str,
    user: Any,
    status: InstructionStatus,
    result: str | None = None,
) -> None:
    if removed_on is None:
        raise ValidationFailed(_l("Укажите дату"), field="removed_on")
    check_date(instruction, "removed_on", removed_on)
    instruction.removed_on = removed_on
    instruction.removal_basis = basis
    instruction.removed_by = user
    instruction.status = status.value
    if result is not None:
        instruction.result = result


def remove_from_control(
    instruction: Instruction, removed_on: dt.date, basis: str, removed_by: Any, result: str | None = None
) -> Instruction:
    """Remove from control as executed: when, by whom and on what basis (required: the answer document,
    the report). On time when removed no later than the current deadline."""
    _require(instruction, "remove")
    basis = _text(
        basis, "basis", _l("Укажите основание снятия с контроля (документ об исполнении: номер и дата, справка)")
    )
    _remove(instruction, removed_on, basis, removed_by, InstructionStatus.REMOVED, (result or "").strip() or None)
    db.session.flush()
    return instruction


def cancel_instruction(instruction: Instruction, cancelled_on: dt.date, basis: str, user: Any) -> Instruction:
    """Cancel an instruction that lost its relevance, with a basis (it is not counted as executed)."""
    _require(instruction, "cancel")
    basis = _text(basis, "basis", _l("Укажите основание отмены поручения"))
    _remove(instruction, cancelled_on, basis, user, InstructionStatus.CANCELLED)
    db.session.flush()
    return instruction


def is_on_time(instruction: Instruction, against_original: bool = False) -> bool | None:
    """Removed no later than its deadline (current, or the original one); None while not removed."""
    if instruction.status != InstructionStatus.REMOVED or instruction.removed_on is None:
        return None
    deadline = instruction.deadline_original if against_original else instruction.deadline
    return instruction.removed_on <= deadline


def with_default_controller(instruction: Instruction) -> Instruction:
    """A form or a request that names no controller: the officer registering the instruction controls it."""
    if instruction.controller is None and instruction.controller_id is None:
        from ..security import request_user

        instruction.controller = request_user()
    return instruction


CORRESPONDENT_HOOKS = DomainHooks(check=check_correspondent)
DOCUMENT_HOOKS = DomainHooks(prepare_new=prepare_document, check=check_document)
RESOLUTION_HOOKS = DomainHooks(check=check_resolution)
INSTRUCTION_HOOKS = DomainHooks(
    prepare_new=lambda instruction: prepare_instruction(with_default_controller(instruction)),
    check=check_instruction_edit,
)

#: The paper sources offered on the registration form.
FORM_SOURCE_KINDS = PAPER_KINDS
