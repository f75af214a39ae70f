"""The instruction actions in the UI: one small form per action; the service decides, the view commits once.

Every URL loads the instruction through the row scope (404 outside it, annulled or missing) and asks
`ensure_writable`; each group of actions has its own right:

- `InstructionExecution` (body staff, the control officer): name the executor, report execution, ask
  for an extension;
- `ExtensionDecision` (deputy heads, the control officer): decide an extension — only the author of
  the deadline, or the control officer recording the decision of an author without an account;
- `Instruction` (the control officer): review a report (its controller), remove from control, cancel,
  and put another domain's record (an appeal) on control from its card.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from flask import abort, current_app, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_appbuilder.security.sqla.models import User
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from markupsafe import escape
from sqlalchemy import select
from wtforms import BooleanField, HiddenField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import InputRequired, Optional

from ..core.dates import local_today
from ..core.errors import DomainError, ValidationFailed
from ..core.forms import RuDateField, UpravaForm
from ..core.history import check_version
from ..extensions import db
from ..org.models import Body, Official
from ..security import (
    Access,
    ensure_in_scope,
    ensure_relations_in_scope,
    ensure_writable,
    is_admin,
    request_user,
    row_access,
    scope_clause,
)
from .models import Instruction, ReportKind, Urgency
from .services import (
    ACTION_LABELS,
    accept_report,
    allowed,
    assign_executor,
    cancel_instruction,
    decide_extension,
    may_decide_extension,
    pending_extension,
    pending_report,
    put_source_on_control,
    remove_from_control,
    request_extension,
    return_report,
    submit_report,
)
from .sources import kind_of_record, may_put_on_control, source_kind, source_model
from .views import INSTRUCTION_LABELS, REPORT_KIND_LABELS, URGENCY_LABELS

if TYPE_CHECKING:
    from flask_appbuilder import AppBuilder

REQUIRED = InputRequired(message=_l("Заполните это поле"))


class ActionForm(UpravaForm):
    # The version the user saw: an action on a card changed meanwhile is refused (FAB_NOTES S15).
    version = HiddenField()

    def visible_fields(self) -> list[Any]:
        return [f for f in self if f.type not in ("HiddenField", "CSRFTokenField")]


class AssignForm(ActionForm):
    executor = SelectField(_l("Исполнитель"), coerce=int, validators=[REQUIRED])


class ExtensionRequestForm(ActionForm):
    new_deadline = RuDateField(_l("Новый срок исполнения"), validators=[REQUIRED])
    reason = TextAreaField(_l("Обоснование продления"), validators=[REQUIRED])


class ReportForm(ActionForm):
    kind = SelectField(_l("Вид отчёта"), choices=list(REPORT_KIND_LABELS.items()), default=ReportKind.FINAL.value)
    text = TextAreaField(_l("Что сделано"), validators=[REQUIRED])


DECISIONS = [("approve", _l("Продлить срок")), ("reject", _l("Отказать в продлении"))]


class DecideForm(ActionForm):
    decision = SelectField(_l("Решение"), choices=DECISIONS, validators=[REQUIRED])
    new_deadline = RuDateField(_l("Новый срок (при продлении)"), validators=[Optional()])
    comment = TextAreaField(_l("Комментарий (при отказе — обязательно)"))
    basis = StringField(_l("Основание решения автора срока (номер и дата резолюции)"))
    decided_on = RuDateField(_l("Дата решения"), validators=[REQUIRED])


REVIEW = [("accept", _l("Принять отчёт")), ("return", _l("Вернуть на доработку"))]


class ReviewForm(ActionForm):
    decision = SelectField(_l("Решение"), choices=REVIEW, validators=[REQUIRED])
    comment = TextAreaField(_l("Комментарий (при возврате — что доработать)"))
    decided_on = RuDateField(_l("Дата решения"), validators=[REQUIRED])


class RemoveForm(ActionForm):
    removed_on = RuDateField(_l("Дата снятия с контроля"), validators=[REQUIRED])
    basis = StringField(_l("Основание (документ об исполнении: номер и дата)"), validators=[REQUIRED])
    result = TextAreaField(_l("Результат исполнения"))


class CancelForm(ActionForm):
    cancelled_on = RuDateField(_l("Дата отмены"), validators=[REQUIRED])
    basis = StringField(_l("Основание отмены"), validators=[REQUIRED])


class FromSourceForm(UpravaForm):
    text = TextAreaField(_l("Текст поручения"), validators=[REQUIRED])
    responsible_body = SelectField(_l("Ответственный орган"), coerce=int, validators=[REQUIRED])
    co_executors = SelectMultipleField(_l("Соисполнители"), coerce=int)
    issued_by = SelectField(_l("Автор поручения (пользователь)"), coerce=int)
    issued_by_name = StringField(_l("Автор поручения без учётной записи (например, «Глава города»)"))
    is_head_instruction = BooleanField(_l("Поручение Главы города"))
    issued_on = RuDateField(_l("Дата поручения"), validators=[REQUIRED])
    urgency = SelectField(_l("Срочность"), choices=list(URGENCY_LABELS.items()), default=Urgency.NONE.value)
    deadline = RuDateField(_l("Срок исполнения (пусто — по срочности)"), validators=[Optional()])
    controller = SelectField(_l("Контролёр"), coerce=int, validators=[REQUIRED])
    source_note = StringField(_l("Реквизиты (номер и дата резолюции, протокола)"))

    def visible_fields(self) -> list[Any]:
        return [f for f in self if f.type not in ("HiddenField", "CSRFTokenField")]


# ---- helpers ----------------------------------------------------------------------------------------


def _visible_instruction(pk: int) -> Instruction | None:
    instruction = db.session.get(Instruction, pk)
    if instruction is None or instruction.annulled_at is not None or row_access(instruction) is Access.NONE:
        return None
    return instruction


def _can(resource: str) -> bool:
    return bool(current_app.appbuilder.sm.has_access("can_write", resource))


def _is_controller(instruction: Instruction, user: Any) -> bool:
    return user is not None and (user.id == instruction.controller_id or is_admin(user))


def instruction_actions(pk: int) -> list[tuple[str, str]]:
    """(URL, label) of the actions the instruction's status, the user's rights and his part allow."""
    instruction = _visible_instruction(pk)
    if instruction is None or row_access(instruction) is not Access.WRITE:
        return []
    user = request_user()
    offered: list[tuple[str, str, bool]] = [
        ("ExecutionActionsView.assign", "assign", _can("InstructionExecution")),
        ("ExecutionActionsView.report", "report", _can("InstructionExecution")),
        ("ExecutionActionsView.extension", "request_extension", _can("InstructionExecution")),
        (
            "ExtensionDecisionView.decide",
            "decide_extension",
            _can("ExtensionDecision") and may_decide_extension(instruction, user),
        ),
        ("InstructionActionsView.review", "review_report", _can("Instruction") and _is_controller(instruction, user)),
        ("InstructionActionsView.remove", "remove", _can("Instruction")),
        ("InstructionActionsView.cancel", "cancel", _can("Instruction")),
    ]
    return [
        (url_for(endpoint, pk=pk), str(ACTION_LABELS[action]))
        for endpoint, action, permitted in offered
        if permitted and allowed(instruction, action)
    ]


def _officials() -> list[tuple[int, str]]:
    """Active officials the user sees (who may be given work), by name."""
    query = select(Official).where(Official.is_active.is_(True))
    clause = scope_clause(Official)
    if clause is not None:
        query = query.where(clause)
    return sorted(((o.user_id, str(o)) for o in db.session.scalars(query)), key=lambda choice: choice[1])


def _bodies() -> list[tuple[int, str]]:
    bodies = db.session.scalars(
        select(Body).where(Body.is_active.is_(True), Body.is_external.is_(False)).order_by(Body.name)
    )
    return [(b.id, b.name) for b in bodies]


class _ActionsView(BaseView):
    """Shared by the action views: load, refuse beside the field, commit once, back to the card."""

    template = "control/action.html"

    def _instruction(self, pk: int) -> Instruction:
        instruction = _visible_instruction(pk)
        if instruction is None:
            abort(404)
        ensure_writable(instruction)  # seen through a read-only link: 403
        return instruction

    @staticmethod
    def _initial(instruction: Instruction, **defaults: Any) -> dict[str, Any]:
        # Only a fresh form gets defaults: a POST is read as sent (a missing version is refused).
        return {} if request.method == "POST" else {"version": instruction.version, **defaults}

    @staticmethod
    def _refuse(form: Any, exc: DomainError) -> None:
        """Nothing is saved; the error goes beside its field, or on top; the typed values stay."""
        db.session.rollback()
        field = form._fields.get(exc.field) if exc.field else None
        if field is not None:
            field.errors = [*list(field.errors or []), escape(str(exc))]
        else:
            flash(str(exc), "danger")
        for line in getattr(exc, "details", ()):
            flash(line, "warning")

    def _act(
        self, action: str, instruction: Instruction, form: ActionForm, do: Callable[[], Any], done: Any, **context: Any
    ) -> Any:
        if form.validate_on_submit():
            try:
                check_version(instruction, form.version.data, labels=INSTRUCTION_LABELS)
                do()
                db.session.commit()
            except DomainError as exc:
                self._refuse(form, exc)
            else:
                flash(str(done), "success")
                return redirect(url_for("InstructionView.show", pk=instruction.id))
        return self.render_template(
            self.template, title=ACTION_LABELS[action], instruction=instruction, form=form, **context
        )


class ExecutionActionsView(_ActionsView):
    """Name the executor, report execution, ask for an extension: the executing bodies' part."""

    route_base = "/control/execution"
    default_view = "report"
    class_permission_name = "InstructionExecution"
    method_permission_name = {"assign": "write", "report": "write", "extension": "write"}

    @expose("/assign/<int:pk>", methods=["GET", "POST"])
    @has_access
    def assign(self, pk: int) -> Any:
        instruction = self._instruction(pk)
        form = AssignForm(**self._initial(instruction, executor=instruction.executor_id))
        form.executor.choices = _officials()

        def do() -> None:
            if form.executor.data not in {user_id for user_id, _name in form.executor.choices}:
                raise ValidationFailed(_l("Выберите исполнителя из списка"), field="executor")
            assign_executor(instruction, db.session.get(User, form.executor.data))

        return self._act("assign", instruction, form, do, _l("Исполнитель назначен"))

    @expose("/report/<int:pk>", methods=["GET", "POST"])
    @has_access
    def report(self, pk: int) -> Any:
        instruction = self._instruction(pk)
        form = ReportForm(**self._initial(instruction))

        def do() -> None:
            submit_report(instruction, form.text.data or "", request_user(), kind=form.kind.data)

        return self._act("report", instruction, form, do, _l("Отчёт об исполнении направлен контролёру"))

    @expose("/extension/<int:pk>", methods=["GET", "POST"])
    @has_access
    def extension(self, pk: int) -> Any:
        instruction = self._instruction(pk)
        form = ExtensionRequestForm(**self._initial(instruction))

        def do() -> None:
            request_extension(instruction, form.new_deadline.data, form.reason.data or "", request_user())

        return self._act("request_extension", instruction, form, do, _l("Запрос на продление направлен автору срока"))


class ExtensionDecisionView(_ActionsView):
    """The author of the deadline decides (or the control officer records the decision of the Head)."""

    route_base = "/control/extension"
    default_view = "decide"
    class_permission_name = "ExtensionDecision"
    method_permission_name = {"decide": "write"}

    @expose("/decide/<int:pk>", methods=["GET", "POST"])
    @has_access
    def decide(self, pk: int) -> Any:
        instruction = self._instruction(pk)
        extension = pending_extension(instruction)
        if extension is None:
            abort(404)
        form = DecideForm(
            **self._initial(
                instruction, decision="approve", new_deadline=extension.requested_deadline, decided_on=local_today()
            )
        )

        def do() -> None:
            decide_extension(
                extension,
                form.decision.data == "approve",
                request_user(),
                decided_on=form.decided_on.data,
                new_deadline=form.new_deadline.data,
                comment=form.comment.data,
                basis=form.basis.data,
            )

        done = _l("Решение по продлению срока внесено")
        return self._act("decide_extension", instruction, form, do, done, extension=extension)


class InstructionActionsView(_ActionsView):
    """The controller's part: review a report, remove from control, cancel."""

    route_base = "/control/actions"
    default_view = "remove"
    class_permission_name = "Instruction"
    method_permission_name = {"review": "write", "remove": "write", "cancel": "write"}

    @expose("/review/<int:pk>", methods=["GET", "POST"])
    @has_access
    def review(self, pk: int) -> Any:
        instruction = self._instruction(pk)
        report = pending_report(instruction)
        if report is None:
            abort(404)
        form = ReviewForm(**self._initial(instruction, decision="accept", decided_on=local_today()))

        def do() -> None:
            if form.decision.data == "accept":
                accept_report(report, request_user(), form.decided_on.data, form.comment.data)
            else:
                return_report(report, request_user(), form.comment.data or "", form.decided_on.data)

        return self._act("review_report", instruction, form, do, _l("Решение по отчёту внесено"), report=report)

    @expose("/remove/<int:pk>", methods=["GET", "POST"])
    @has_access
    def remove(self, pk: int) -> Any:
        instruction = self._instruction(pk)
        form = RemoveForm(**self._initial(instruction, removed_on=local_today()))

        def do() -> None:
            remove_from_control(
                instruction, form.removed_on.data, form.basis.data or "", request_user(), form.result.data
            )

        return self._act("remove", instruction, form, do, _l("Поручение снято с контроля"))

    @expose("/cancel/<int:pk>", methods=["GET", "POST"])
    @has_access
    def cancel(self, pk: int) -> Any:
        instruction = self._instruction(pk)
        form = CancelForm(**self._initial(instruction, cancelled_on=local_today()))

        def do() -> None:
            cancel_instruction(instruction, form.cancelled_on.data, form.basis.data or "", request_user())

        return self._act("cancel", instruction, form, do, _l("Поручение отменено"))


class InstructionFromSourceView(BaseView):
    """«Поставить на контроль» on another domain's card (an appeal): the instruction names it as its source."""

    route_base = "/control/put_on_control"
    default_view = "new"
    class_permission_name = "Instruction"
    method_permission_name = {"new": "write"}
    template = "control/from_source.html"

    @expose("/<kind>/<int:pk>", methods=["GET", "POST"])
    @has_access
    def new(self, kind: str, pk: int) -> Any:
        source = source_kind(kind)
        model = source_model(source) if source is not None else None
        record = db.session.get(model, pk) if model is not None else None
        if record is None or kind_of_record(record) is not source or row_access(record) is Access.NONE:
            abort(404)
        if not may_put_on_control(record):
            flash(gettext("Запись уже на контроле или аннулирована"), "warning")
            return redirect(url_for(source.endpoint, pk=pk)) if source.endpoint else abort(404)
        defaults = {}
        if request.method == "GET":
            defaults = {
                # An appeal's summary, a plan item's title: what the instruction is about.
                "text": str(getattr(record, "summary", None) or getattr(record, "title", None) or ""),
                "responsible_body": getattr(record, "responsible_body_id", None),
                "issued_on": local_today(),
                "controller": request_user().id,
            }
        form = FromSourceForm(**defaults)
        form.responsible_body.choices = _bodies()
        form.co_executors.choices = _bodies()
        officials = _officials()
        form.issued_by.choices = [(0, "—"), *officials]
        form.controller.choices = officials
        if form.validate_on_submit():
            try:
                people = {user_id for user_id, _name in officials}
                if form.controller.data not in people:
                    raise ValidationFailed(_l("Выберите контролёра из списка"), field="controller")
                if form.issued_by.data and form.issued_by.data not in people:
                    raise ValidationFailed(_l("Выберите автора из списка"), field="issued_by")
                instruction = put_source_on_control(
                    record,
                    text=form.text.data or "",
                    responsible_body=db.session.get(Body, form.responsible_body.data),
                    co_executors=[db.session.get(Body, b) for b in form.co_executors.data or ()],
                    issued_by=db.session.get(User, form.issued_by.data) if form.issued_by.data else None,
                    issued_by_name=(form.issued_by_name.data or "").strip() or None,
                    is_head_instruction=bool(form.is_head_instruction.data),
                    issued_on=form.issued_on.data,
                    urgency=form.urgency.data,
                    deadline=form.deadline.data,
                    controller=db.session.get(User, form.controller.data),
                    source_note=(form.source_note.data or "").strip() or None,
                )
                # The platform's write guards, as for a card typed by hand.
                ensure_relations_in_scope(instruction, INSTRUCTION_LABELS)
                ensure_in_scope(instruction)
                db.session.commit()
            except DomainError as exc:
                _ActionsView._refuse(form, exc)
            else:
                flash(
                    gettext(
                        "Поставлено на контроль: поручение %(number)s, срок %(due)s",
                        number=instruction.reg_number,
                        due=instruction.deadline.strftime("%d.%m.%Y"),
                    ),
                    "success",
                )
                return redirect(url_for("InstructionView.show", pk=instruction.id))
        return self.render_template(
            self.template,
            title=_l("Поставить на контроль"),
            form=form,
            record=record,
            source=source,
            back=url_for(source.endpoint, pk=pk) if source.endpoint else None,
        )


def register(appbuilder: AppBuilder) -> None:
    """The action forms (no menu: reached from the cards)."""
    for view in (ExecutionActionsView, ExtensionDecisionView, InstructionActionsView, InstructionFromSourceView):
        appbuilder.add_view_no_menu(view)
