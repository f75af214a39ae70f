"""Appeal rules and state changes (59-ФЗ). Flush, never commit; refuse with translated domain errors."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..core import numbering
from ..core.calendar import due_date, extend_due_date
from ..core.dates import local_today
from ..core.errors import ConflictError, ValidationFailed
from ..core.inputs import check_date
from ..core.services import DomainHooks
from ..extensions import db
from ..org.models import Body
from ..security import may_link
from . import JOURNAL
from .models import (
    Appeal,
    AppealCopy,
    AppealQuestion,
    AppealStatus,
    DocumentRequest,
    QuestionType,
)
from .reference.classifier import is_assignable
from .reference.models import AppealResult, Channel, ClosureReason

#: Registration later than this many days after receipt is flagged (59-ФЗ ст. 8 ч. 2).
REGISTRATION_DAYS = 3
#: The longest extension (59-ФЗ ст. 12 ч. 2): the rule `appeal_extension` holds the number.
EXTENSION_RULE = "appeal_extension"
FORWARD_RULE = "appeal_forward"
#: The channel of ПОС «Госуслуги. Решаем вместе» messages (their categories may carry their own terms).
POS_CHANNEL = "pos"


class IllegalTransition(ConflictError):
    message = _l("Действие «%(action)s» недоступно для обращения в статусе «%(status)s»")


STATUS_LABELS = {
    AppealStatus.REGISTERED: _l("Зарегистрировано"),
    AppealStatus.IN_WORK: _l("На рассмотрении"),
    AppealStatus.EXTENDED: _l("Срок продлён"),
    AppealStatus.ANSWERED: _l("Дан ответ"),
    AppealStatus.FORWARDED: _l("Направлено по компетенции"),
    AppealStatus.CLOSED_WITHOUT_ANSWER: _l("Оставлено без ответа"),
    AppealStatus.WITHDRAWN: _l("Отозвано заявителем"),
}
ACTION_LABELS = {
    "assign": _l("Назначить исполнителя"),
    "extend": _l("Продлить срок"),
    "answer": _l("Дать ответ"),
    "forward": _l("Направить по компетенции"),
    "copies": _l("Направить копии"),
    "close": _l("Оставить без ответа"),
    "withdraw": _l("Отзыв заявителем"),
}
#: Which actions each status allows (the state machine).
TRANSITIONS: dict[AppealStatus, set[str]] = {
    AppealStatus.REGISTERED: {"assign", "extend", "answer", "forward", "copies", "close", "withdraw"},
    AppealStatus.IN_WORK: {"assign", "extend", "answer", "forward", "copies", "close", "withdraw"},
    # "extend" stays listed so that a second extension gets its own, clearer refusal.
    AppealStatus.EXTENDED: {"assign", "extend", "answer", "forward", "copies", "close", "withdraw"},
}


def _require(appeal: Appeal, action: str) -> None:
    if appeal.annulled_at is not None or action not in TRANSITIONS.get(AppealStatus(appeal.status), set()):
        raise IllegalTransition(
            action=str(ACTION_LABELS[action]),
            status=str(STATUS_LABELS[AppealStatus(appeal.status)]) if appeal.annulled_at is None else "аннулировано",
        )


def registration_number(year: int, seq: int) -> str:
    """The written form of a registration number: ОГ-2026-000123."""
    return numbering.format_number(JOURNAL.code, year, seq)


def keep_imported_number(year: int, seq: int) -> None:
    """An imported appeal keeps its number; the counter moves past it."""
    numbering.take_imported(JOURNAL.code, year, seq)


@dataclass
class QuestionInput:
    classifier_code: str
    question_type: str = QuestionType.STATEMENT.value
    text: str | None = None


def prepare_registration(appeal: Appeal, imported_number: int | None = None) -> Appeal:
    """Number, due dates and flags of a new appeal (the card form and the services both come here).

    An imported historical appeal brings its number (`imported_number`, the sequence within the
    year of its registration date): it is kept and the year's counter moves past it.
    """
    appeal.reg_date = appeal.reg_date or local_today()
    if appeal.received_date is None:
        raise ValidationFailed(_l("Укажите дату поступления"), field="received_date")
    if appeal.received_date > appeal.reg_date:
        raise ValidationFailed(_l("Дата поступления позже даты регистрации"), field="received_date")
    if appeal.channel is None:
        raise ValidationFailed(_l("Укажите канал поступления"), field="channel")
    appeal.responsible_body = appeal.responsible_body or appeal.receiving_body
    appeal.reg_year = appeal.reg_date.year
    appeal.registered_late = (appeal.reg_date - appeal.received_date).days > REGISTRATION_DAYS
    appeal.form = appeal.form or appeal.channel.form
    # A ПОС category may carry its own, shorter term in the channel's unit (working days).
    category = appeal.pos_category if appeal.channel.code == POS_CHANNEL else None
    own_term = category.deadline_working_days if category is not None else None
    deadline = due_date(appeal.channel.deadline_rule_code, appeal.reg_date, own_term)
    appeal.due_date, appeal.due_unconfirmed = deadline.due, deadline.unconfirmed
    appeal.forward_due_date = due_date(FORWARD_RULE, appeal.reg_date).due
    appeal.status = AppealStatus.REGISTERED.value
    # The journal's counter (app/core/numbering): unique, never reused, no gaps, per local year. Drawn
    # last: the counter's row stays locked from here to the commit (PostgreSQL), every registration
    # of the year waits on it — the terms are computed before, not while others wait.
    if imported_number is None:
        number = numbering.next_number(JOURNAL.code, appeal.reg_date)
    else:
        number = numbering.take_imported(JOURNAL.code, appeal.reg_date.year, imported_number)
    appeal.reg_seq, appeal.reg_number = number.seq, number.text
    return appeal


def register_appeal(
    *,
    channel: Channel,
    received_date: dt.date,
    summary: str,
    receiving_body: Body,
    questions: list[QuestionInput] | None = None,
    imported_number: int | None = None,
    **fields: Any,
) -> Appeal:
    """Register an appeal: number by the year of the (local) registration date, due date by the channel's rule."""
    appeal = Appeal(
        channel=channel, received_date=received_date, summary=summary, receiving_body=receiving_body, **fields
    )
    with db.session.no_autoflush:
        prepare_registration(appeal, imported_number)
    db.session.add(appeal)
    for question in questions or []:
        add_question(appeal, question)
    db.session.flush()
    return appeal


def check_question(classifier_code: str, question_type: str, field: str = "classifier_code") -> None:
    """Only the most specific codes of the loaded classifier edition, and a known question type.

    `field` names the form field the code came from (the card's question form, or the registration form's
    list of picked questions), so the refusal stands beside it.
    """
    if not is_assignable(classifier_code):
        raise ValidationFailed(
            _l(
                "Код «%(code)s» нельзя присвоить вопросу: нужен самый подробный код действующей редакции классификатора"
            ),
            field=field,
            code=classifier_code,
        )
    if question_type not in {t.value for t in QuestionType}:
        raise ValidationFailed(_l("Неизвестный тип вопроса"), field="question_type")


def link_question(question: AppealQuestion, appeal: Appeal) -> AppealQuestion:
    """A question belongs to one appeal (and is seen as the appeal is: its scope names the parent)."""
    if appeal is None:
        raise ValidationFailed(_l("Укажите обращение"), field="appeal")
    question.appeal = appeal
    return question


def add_question(appeal: Appeal, question: QuestionInput, field: str = "classifier_code") -> AppealQuestion:
    """Add a question to an appeal."""
    check_question(question.classifier_code, question.question_type, field)
    row = AppealQuestion(
        classifier_code=question.classifier_code, question_type=question.question_type, text=question.text
    )
    link_question(row, appeal)
    db.session.add(row)
    return row


def add_picked_questions(appeal: Appeal, codes: Sequence[str], field: str = "question_codes") -> list[AppealQuestion]:
    """The questions picked by name in the registration form: one per code (a code picked twice is one
    question), checked as a question added on the card; a code refused refuses the whole registration.
    Flushes, never commits: the caller's transaction registers the appeal and its questions together."""
    picked = [code for code in dict.fromkeys(c.strip() for c in codes) if code]
    rows = [add_question(appeal, QuestionInput(code), field) for code in picked]
    db.session.flush()
    return rows


class NotAnExecutor(ValidationFailed):
    message = _l(
        "%(user)s не может быть исполнителем обращения %(number)s: исполнитель — сотрудник ответственного "
        "органа (или подчинённого ему), работающий с обращениями"
    )


def check_executor(appeal: Appeal, executor: Any, field: str = "executor") -> None:
    """The executor is one the appeal's link rule allows: an official of its responsible body's tree whose
    role works appeals, and whom the user sees (app/org/links.py; the same rule as forms and REST)."""
    if executor is None or not may_link(appeal, "executor", executor):
        name = " ".join(p for p in (getattr(executor, "last_name", ""), getattr(executor, "first_name", "")) if p)
        raise NotAnExecutor(field=field, user=name or "—", number=appeal.reg_number)


def assign_executor(appeal: Appeal, executor: Any) -> Appeal:
    """Give the appeal to an executor: it is now in work."""
    _require(appeal, "assign")
    appeal.executor_id = executor.id
    if appeal.status == AppealStatus.REGISTERED:
        appeal.status = AppealStatus.IN_WORK.value
    db.session.flush()
    return appeal


def extend_appeal(appeal: Appeal, days: int, reason: str, notified_on: dt.date) -> Appeal:
    """Extend once by at most 30 days from the current due date; the applicant must be notified."""
    _require(appeal, "extend")
    if appeal.original_due_date is not None:
        raise ConflictError(_l("Срок рассмотрения уже продлевался: повторное продление не допускается"))
    if not (reason or "").strip():
        raise ValidationFailed(_l("Укажите основание продления"), field="reason")
    if notified_on is None:
        raise ValidationFailed(_l("Укажите дату уведомления заявителя о продлении"), field="notified_on")
    check_date(appeal, "extension_notified_on", notified_on, field="notified_on")
    deadline = extend_due_date(EXTENSION_RULE, appeal.due_date, days)
    appeal.original_due_date = appeal.due_date
    appeal.due_date = deadline.due
    appeal.due_unconfirmed = deadline.unconfirmed
    appeal.extension_reason = reason.strip()
    appeal.extension_notified_on = notified_on
    appeal.status = AppealStatus.EXTENDED.value
    db.session.flush()
    return appeal


def set_result(question: AppealQuestion, result: AppealResult, measures: str | None = None) -> AppealQuestion:
    """Record the result of one question."""
    question.result = result
    question.measures_taken = measures
    db.session.flush()
    return question


def answer_appeal(
    appeal: Appeal,
    number: str | None,
    answered_on: dt.date,
    method: str,
    signed_by: str | None,
    *,
    legacy: bool = False,
) -> Appeal:
    """Close as answered: every question must carry a result.

    `legacy`: an answer replayed from a legacy register (an import), which often kept no answer number
    or signer — the fields stay empty rather than the appeal being refused; the card is marked by its
    import (`Appeal.import_batch`).
    """
    _require(appeal, "answer")
    if not appeal.questions:
        raise ValidationFailed(_l("У обращения нет вопросов: добавьте вопрос с кодом классификатора"))
    missing = [q.classifier_code for q in appeal.questions if q.result_id is None and q.result is None]
    if missing:
        raise ValidationFailed(
            _l("Нельзя закрыть как отвеченное: нет результата по вопросам %(codes)s"), codes=", ".join(missing)
        )
    if not legacy and (not (number or "").strip() or not (signed_by or "").strip()):
        raise ValidationFailed(_l("Укажите номер ответа и кто его подписал"), field="answer_number")
    if answered_on < appeal.reg_date:
        raise ValidationFailed(_l("Дата ответа раньше даты регистрации"), field="answer_date")
    check_date(appeal, "answer_date", answered_on)
    appeal.answer_number = (number or "").strip() or None
    appeal.answer_date = answered_on
    appeal.answer_method = method
    appeal.answer_signed_by = (signed_by or "").strip() or None
    appeal.closed_on = answered_on
    appeal.status = AppealStatus.ANSWERED.value
    db.session.flush()
    return appeal


def _check_addressee(appeal: Appeal, body: Body, field: str) -> None:
    """A complaint is never sent to the body complained about (59-ФЗ ст. 8 ч. 6) — neither the appeal nor a copy."""
    complaint = any(q.question_type == QuestionType.COMPLAINT for q in appeal.questions)
    if complaint and appeal.complained_body_id is not None and body.id == appeal.complained_body_id:
        raise ValidationFailed(_l("Жалобу нельзя направить в орган, действия которого обжалуются"), field=field)


def forward_appeal(appeal: Appeal, target: Body, forwarded_on: dt.date, copies: Sequence[Body] = ()) -> Appeal:
    """Forward by competence: outside the administration it closes the appeal; inside, the target answers.

    Copies may go at the same time to other bodies whose competence the appeal touches. Past the
    7-day term the forward is still allowed and marked late.
    """
    _require(appeal, "forward")
    check_date(appeal, "forwarded_on", forwarded_on)
    _check_addressee(appeal, target, "target")
    if any(body.id == target.id for body in copies):
        raise ValidationFailed(_l("Орган, в который направляется обращение, не нужен в копиях"), field="copies")
    if copies:
        send_copies(appeal, copies, forwarded_on)
    appeal.forwarded_on = forwarded_on
    appeal.forwarded_to = target.name
    appeal.forwarded_late = forwarded_on > (appeal.forward_due_date or forwarded_on)
    if target.is_external:
        appeal.status = AppealStatus.FORWARDED.value
        appeal.closed_on = forwarded_on
    else:
        # The receiving body keeps sight of it; its questions, requests and copies follow the appeal.
        appeal.responsible_body = target
    db.session.flush()
    return appeal


def send_copies(appeal: Appeal, bodies: Sequence[Body], sent_on: dt.date) -> list[AppealCopy]:
    """Send copies to bodies whose competence some questions touch (59-ФЗ ст. 8 ч. 4); the appeal stays put.

    Each body gets one copy; not the body that answers the appeal itself; a copy after the 7-day
    forwarding term is still sent and marked late.
    """
    _require(appeal, "copies")
    if not bodies:
        raise ValidationFailed(_l("Выберите хотя бы один орган"), field="copies")
    if sent_on < appeal.reg_date:
        raise ValidationFailed(_l("Дата направления не может быть раньше регистрации обращения"), field="sent_on")
    check_date(AppealCopy, "sent_on", sent_on)
    already = {copy.body_id for copy in appeal.copies}
    copies = []
    for body in bodies:
        _check_addressee(appeal, body, "copies")
        if body.id == appeal.responsible_body_id:
            raise ValidationFailed(
                _l("«%(body)s» рассматривает само обращение: копия ему не нужна", body=body.name), field="copies"
            )
        if body.id in already:
            raise ValidationFailed(_l("Копия в «%(body)s» уже направлялась", body=body.name), field="copies")
        already.add(body.id)
        copy = AppealCopy(
            appeal=appeal,
            body=body,
            sent_on=sent_on,
            late=sent_on > (appeal.forward_due_date or sent_on),
        )
        db.session.add(copy)
        copies.append(copy)
    db.session.flush()
    return copies


def close_without_answer(appeal: Appeal, reason: ClosureReason, closed_on: dt.date) -> Appeal:
    """Close with a 59-ФЗ ст. 11 reason (anonymous, abusive, unreadable…)."""
    _require(appeal, "close")
    check_date(appeal, "closed_on", closed_on)
    appeal.closure_reason = reason
    appeal.closed_on = closed_on
    appeal.status = AppealStatus.CLOSED_WITHOUT_ANSWER.value
    db.session.flush()
    return appeal


def withdraw_appeal(appeal: Appeal, withdrawn_on: dt.date) -> Appeal:
    """The applicant withdraws the appeal."""
    _require(appeal, "withdraw")
    check_date(appeal, "closed_on", withdrawn_on, field="withdrawn_on")
    appeal.closed_on = withdrawn_on
    appeal.status = AppealStatus.WITHDRAWN.value
    db.session.flush()
    return appeal


def reassign_open_appeals(old_executor: Any, new_executor: Any, scope: Any = None) -> int:
    """An executor leaves: their open appeals (within `scope`, a row-scope clause) go to another executor."""
    if old_executor.id == new_executor.id:
        raise ValidationFailed(_l("Выберите другого исполнителя"), field="to_executor")
    query = select(Appeal).where(
        Appeal.executor_id == old_executor.id,
        Appeal.open_clause(),
        Appeal.annulled_at.is_(None),
    )
    appeals = db.session.scalars(query if scope is None else query.where(scope).order_by(Appeal.reg_number)).all()
    # Every appeal goes to an executor its own rule allows, or none is handed over.
    refused = [appeal.reg_number for appeal in appeals if not may_link(appeal, "executor", new_executor)]
    if refused:
        raise ValidationFailed(
            _l(
                "Выбранный сотрудник не может быть исполнителем обращений %(numbers)s: исполнитель — сотрудник "
                "их ответственного органа (или подчинённого ему). Ничего не передано."
            ),
            field="to_executor",
            numbers=", ".join(refused[:10]) + (f" … (+{len(refused) - 10})" if len(refused) > 10 else ""),
        )
    for appeal in appeals:
        assign_executor(appeal, new_executor)
    return len(appeals)


REQUEST_RULE = "appeal_request"


def request_documents(appeal: Appeal, addressee: str, what: str, sent_on: dt.date) -> DocumentRequest:
    """Ask another body for documents: due in 15 days; the appeal's own due date does not move."""
    prepare_document_request(request_row := DocumentRequest(addressee=addressee, what=what, sent_on=sent_on), appeal)
    db.session.add(request_row)
    db.session.flush()
    return request_row


def prepare_document_request(request_row: DocumentRequest, appeal: Appeal) -> DocumentRequest:
    """Link a request to its appeal and count its own term (the form and the service both come here)."""
    if appeal is None:
        raise ValidationFailed(_l("Укажите обращение"), field="appeal")
    if not appeal.is_open:
        raise IllegalTransition(
            action=str(_l("Запросить документы")), status=str(STATUS_LABELS[AppealStatus(appeal.status)])
        )
    if not (request_row.addressee or "").strip():
        raise ValidationFailed(_l("Укажите, куда направлен запрос"), field="addressee")
    if request_row.sent_on is None or request_row.sent_on < appeal.reg_date:
        raise ValidationFailed(_l("Дата запроса не может быть раньше регистрации обращения"), field="sent_on")
    check_date(DocumentRequest, "sent_on", request_row.sent_on)
    request_row.appeal = appeal
    request_row.due_on = due_date(REQUEST_RULE, request_row.sent_on).due
    return request_row


APPEAL_HOOKS = DomainHooks(prepare_new=prepare_registration)
QUESTION_HOOKS = DomainHooks(
    prepare_new=lambda question: link_question(question, question.appeal),
    check=lambda question: check_question(question.classifier_code, question.question_type),
)
DOCUMENT_REQUEST_HOOKS = DomainHooks(prepare_new=lambda row: prepare_document_request(row, row.appeal))
