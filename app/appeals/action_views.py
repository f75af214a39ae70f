"""The appeal actions in the UI: one small form per action; the service decides, the view commits once.

Every URL loads the appeal through the row scope (404 outside it, annulled or missing), so a clerk
of one district can neither open nor POST into another district's appeal.
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
from wtforms import HiddenField, IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import InputRequired

from ..core.dates import local_today
from ..core.errors import DomainError
from ..core.forms import RuDateField, UpravaForm
from ..core.history import check_version
from ..extensions import db
from ..org.models import Body, Official
from ..security import Access, ensure_writable, is_row_visible, linkable_query, row_access, scope_clause
from .models import Appeal, AppealStatus
from .reference.models import AppealResult, ClosureReason
from .services import (
    ACTION_LABELS,
    TRANSITIONS,
    answer_appeal,
    assign_executor,
    check_executor,
    close_without_answer,
    extend_appeal,
    forward_appeal,
    reassign_open_appeals,
    send_copies,
    set_result,
    withdraw_appeal,
)
from .views import ANSWER_METHOD_LABELS, APPEAL_LABELS

if TYPE_CHECKING:
    from flask_appbuilder import AppBuilder

RESOURCE = "Appeal"
REQUIRED = InputRequired(message=_l("Заполните это поле"))


class ActionForm(UpravaForm):
    # The version the clerk saw: an action on a card someone changed meanwhile is refused (FAB_NOTES S15).
    version = HiddenField()

    def visible_fields(self) -> list[Any]:
        return [f for f in self if f.type not in ("HiddenField", "CSRFTokenField") and f.name not in self.row_fields()]

    def row_fields(self) -> set[str]:
        return set()


class AssignForm(ActionForm):
    executor = SelectField(_l("Исполнитель"), coerce=int, validators=[REQUIRED])


class ExtendForm(ActionForm):
    days = IntegerField(_l("На сколько дней продлить (не более 30)"), validators=[REQUIRED])
    reason = TextAreaField(_l("Основание продления"))
    notified_on = RuDateField(_l("Дата уведомления заявителя о продлении"), validators=[REQUIRED])


class AnswerForm(ActionForm):
    answer_number = StringField(_l("Номер ответа"))
    answer_date = RuDateField(_l("Дата ответа"), validators=[REQUIRED])
    method = SelectField(_l("Способ направления ответа"), choices=list(ANSWER_METHOD_LABELS.items()))
    signed_by = StringField(_l("Подписал"))

    def row_fields(self) -> set[str]:
        return {name for name in self._fields if name.startswith(("result_", "measures_"))}


class ForwardForm(ActionForm):
    target = SelectField(_l("Орган, в который направляется обращение"), coerce=int, validators=[REQUIRED])
    copies = SelectMultipleField(_l("Копии в органы (если вопросы касаются и их)"), coerce=int)
    forwarded_on = RuDateField(_l("Дата направления"), validators=[REQUIRED])


class CopiesForm(ActionForm):
    copies = SelectMultipleField(_l("Органы, которым направляются копии"), coerce=int, validators=[REQUIRED])
    sent_on = RuDateField(_l("Дата направления"), validators=[REQUIRED])


class CloseForm(ActionForm):
    reason = SelectField(_l("Основание (ст. 11 59-ФЗ)"), coerce=int, validators=[REQUIRED])
    closed_on = RuDateField(_l("Дата"), validators=[REQUIRED])


class WithdrawForm(ActionForm):
    withdrawn_on = RuDateField(_l("Дата отзыва обращения заявителем"), validators=[REQUIRED])


def _answer_form(appeal: Appeal, results: list[AppealResult]) -> type[AnswerForm]:
    """The answer form plus, per question, its result and measures: results and answer in one go."""
    choices = [("", "—"), *((str(r.id), r.name) for r in results)]
    fields: dict[str, Any] = {}
    for question in appeal.questions:
        fields[f"result_{question.id}"] = SelectField(
            _l("Результат"), choices=choices, default=str(question.result_id or "")
        )
        fields[f"measures_{question.id}"] = TextAreaField(_l("Принятые меры"), default=question.measures_taken)
    return type("AppealAnswerForm", (AnswerForm,), fields)


def _visible_appeal(pk: int) -> Appeal | None:
    appeal = db.session.get(Appeal, pk)
    if appeal is None or appeal.annulled_at is not None or not is_row_visible(appeal):
        return None
    return appeal


def _can_write() -> bool:
    return current_app.appbuilder.sm.has_access("can_write", RESOURCE)


def appeal_actions(pk: int) -> list[tuple[str, str]]:
    """(URL, label) of the actions the appeal's status allows, for a user with write on appeals."""
    appeal = _visible_appeal(pk) if _can_write() else None
    if appeal is None or row_access(appeal) is not Access.WRITE:
        return []  # a copy recipient reads the appeal: no buttons
    allowed = TRANSITIONS.get(AppealStatus(appeal.status), set())
    return [
        (url_for(f"{AppealActionsView.__name__}.{action}", pk=pk), str(label))
        for action, label in ACTION_LABELS.items()
        # The law allows one extension: no button for a second one.
        if action in allowed and not (action == "extend" and appeal.original_due_date is not None)
    ]


def _executor_choices(appeal: Appeal | None = None) -> list[tuple[int, str]]:
    """Who may be the executor: of this appeal (its link rule: officials of its responsible body), or,
    without one, of some appeal the user works (the rule's part that needs no appeal)."""
    users = linkable_query(Appeal, "executor", appeal).with_entities(User.id)
    officials = db.session.scalars(
        select(Official).where(Official.is_active.is_(True), Official.user_id.in_(users.subquery().select()))
    ).all()
    return sorted(((o.user_id, str(o)) for o in officials), key=lambda choice: choice[1])


def _current_executors() -> list[tuple[int, str]]:
    """Executors of the open appeals the user works — a leaving one too, whose profile may be closed already."""
    open_appeals = select(Appeal.executor_id).where(Appeal.open_clause(), Appeal.annulled_at.is_(None))
    clause = scope_clause(Appeal, access=Access.WRITE)
    if clause is not None:
        open_appeals = open_appeals.where(clause)
    users = db.session.scalars(select(User).where(User.id.in_(open_appeals))).all()
    officials = {
        o.user_id: str(o)
        for o in db.session.scalars(select(Official).where(Official.user_id.in_([u.id for u in users])))
    }
    return sorted(((u.id, officials.get(u.id) or u.get_full_name()) for u in users), key=lambda choice: choice[1])


def _body_choices(appeal: Appeal) -> list[tuple[int, str]]:
    bodies = db.session.scalars(
        select(Body).where(Body.is_active.is_(True), Body.id != appeal.responsible_body_id).order_by(Body.name)
    ).all()
    return [(b.id, f"{b.name} ({gettext('вне администрации')})" if b.is_external else b.name) for b in bodies]


class ReassignForm(UpravaForm):
    from_executor = SelectField(_l("Чьи обращения"), coerce=int, validators=[InputRequired()])
    to_executor = SelectField(_l("Кому передать"), coerce=int, validators=[InputRequired()])


class AppealActionsView(BaseView):
    """Assign, extend, answer, forward, close without answer, withdraw: GET shows the form, POST does it."""

    route_base = "/appeals/actions"
    default_view = "assign"
    class_permission_name = RESOURCE
    method_permission_name = {**dict.fromkeys(ACTION_LABELS, "write"), "reassign": "write"}
    template = "appeals/actions/form.html"

    def _appeal(self, pk: int) -> Appeal:
        appeal = _visible_appeal(pk)
        if appeal is None:
            abort(404)
        ensure_writable(appeal)  # seen through a copy only: 403
        return appeal

    @staticmethod
    def _initial(appeal: Appeal, **defaults: Any) -> dict[str, Any]:
        # Only a fresh form gets defaults: a POST is read as sent (a missing version is refused).
        return {} if request.method == "POST" else {"version": appeal.version, **defaults}

    def _refuse(self, form: ActionForm, exc: DomainError) -> None:
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
        self,
        action: str,
        appeal: Appeal,
        form: ActionForm,
        do: Callable[[], Any],
        done: Any,
        template: str | None = None,
        **context: Any,
    ) -> Any:
        if form.validate_on_submit():
            try:
                check_version(appeal, form.version.data, labels=APPEAL_LABELS)
                do()
                db.session.commit()
            except DomainError as exc:
                self._refuse(form, exc)
            else:
                flash(str(done), "success")
                return redirect(url_for("AppealView.show", pk=appeal.id))
        return self.render_template(
            template or self.template,
            title=ACTION_LABELS[action],
            action=action,
            appeal=appeal,
            form=form,
            **context,
        )

    @expose("/reassign", methods=["GET", "POST"])
    @has_access
    def reassign(self) -> Any:
        """An executor leaves: hand all their open appeals (that the user sees) to another executor."""
        form = ReassignForm()
        form.from_executor.choices = _current_executors()
        form.to_executor.choices = _executor_choices()
        if form.validate_on_submit():
            try:
                count = reassign_open_appeals(
                    db.session.get(User, form.from_executor.data),
                    db.session.get(User, form.to_executor.data),
                    # Only appeals the user works: a copy he reads is nobody's to hand on through him.
                    scope_clause(Appeal, access=Access.WRITE),
                )
                db.session.commit()
            except DomainError as exc:
                db.session.rollback()
                field = form._fields.get(exc.field) if exc.field else None
                if field is not None:
                    field.errors = [*field.errors, escape(str(exc))]
                else:
                    flash(str(exc), "danger")
            else:
                flash(gettext("Передано обращений: %(count)s", count=count), "success")
                return redirect(url_for("AppealView.list"))
        return self.render_template(
            "appeals/actions/reassign.html", form=form, title=_l("Передать обращения другому исполнителю")
        )

    @expose("/assign/<int:pk>", methods=["GET", "POST"])
    @has_access
    def assign(self, pk: int) -> Any:
        appeal = self._appeal(pk)
        form = AssignForm(**self._initial(appeal, executor=appeal.executor_id))
        form.executor.choices = _executor_choices(appeal)

        def do() -> None:
            executor = db.session.get(User, form.executor.data)
            check_executor(appeal, executor)
            assign_executor(appeal, executor)

        return self._act("assign", appeal, form, do, _l("Исполнитель назначен, обращение на рассмотрении"))

    @expose("/extend/<int:pk>", methods=["GET", "POST"])
    @has_access
    def extend(self, pk: int) -> Any:
        appeal = self._appeal(pk)
        form = ExtendForm(**self._initial(appeal, days=30, notified_on=local_today()))

        def do() -> None:
            extend_appeal(appeal, form.days.data, form.reason.data or "", form.notified_on.data)

        return self._act("extend", appeal, form, do, _l("Срок рассмотрения продлён"))

    @expose("/answer/<int:pk>", methods=["GET", "POST"])
    @has_access
    def answer(self, pk: int) -> Any:
        appeal = self._appeal(pk)
        results = list(db.session.scalars(select(AppealResult).order_by(AppealResult.sort_order, AppealResult.id)))
        form = _answer_form(appeal, results)(**self._initial(appeal, answer_date=local_today()))
        by_id = {str(r.id): r for r in results}
        questions = list(appeal.questions)

        def do() -> None:
            for question in questions:
                measures = (form[f"measures_{question.id}"].data or "").strip() or None
                set_result(question, by_id.get(form[f"result_{question.id}"].data), measures)
            answer_appeal(
                appeal,
                form.answer_number.data or "",
                form.answer_date.data,
                form.method.data,
                form.signed_by.data or "",
            )

        rows = [(q, form[f"result_{q.id}"], form[f"measures_{q.id}"]) for q in questions]
        return self._act(
            "answer",
            appeal,
            form,
            do,
            _l("Ответ зарегистрирован, обращение закрыто"),
            "appeals/actions/answer.html",
            rows=rows,
        )

    @expose("/forward/<int:pk>", methods=["GET", "POST"])
    @has_access
    def forward(self, pk: int) -> Any:
        appeal = self._appeal(pk)
        form = ForwardForm(**self._initial(appeal, forwarded_on=local_today()))
        form.target.choices = form.copies.choices = _body_choices(appeal)

        def do() -> None:
            copies = [db.session.get(Body, pk) for pk in form.copies.data or ()]
            forward_appeal(appeal, db.session.get(Body, form.target.data), form.forwarded_on.data, copies)

        return self._act("forward", appeal, form, do, _l("Обращение направлено по компетенции"))

    @expose("/copies/<int:pk>", methods=["GET", "POST"])
    @has_access
    def copies(self, pk: int) -> Any:
        appeal = self._appeal(pk)
        form = CopiesForm(**self._initial(appeal, sent_on=local_today()))
        form.copies.choices = _body_choices(appeal)

        def do() -> None:
            send_copies(appeal, [db.session.get(Body, pk) for pk in form.copies.data], form.sent_on.data)

        return self._act("copies", appeal, form, do, _l("Копии обращения направлены"))

    @expose("/close/<int:pk>", methods=["GET", "POST"])
    @has_access
    def close(self, pk: int) -> Any:
        appeal = self._appeal(pk)
        form = CloseForm(**self._initial(appeal, closed_on=local_today()))
        reasons = db.session.scalars(select(ClosureReason).order_by(ClosureReason.id)).all()
        form.reason.choices = [(r.id, f"{r.name} ({r.article})") for r in reasons]

        def do() -> None:
            close_without_answer(appeal, db.session.get(ClosureReason, form.reason.data), form.closed_on.data)

        return self._act("close", appeal, form, do, _l("Обращение оставлено без ответа по существу"))

    @expose("/withdraw/<int:pk>", methods=["GET", "POST"])
    @has_access
    def withdraw(self, pk: int) -> Any:
        appeal = self._appeal(pk)
        form = WithdrawForm(**self._initial(appeal, withdrawn_on=local_today()))

        def do() -> None:
            withdraw_appeal(appeal, form.withdrawn_on.data)

        return self._act("withdraw", appeal, form, do, _l("Отзыв обращения заявителем зарегистрирован"))


def register(appbuilder: AppBuilder) -> None:
    """The action forms (no menu: reached from the appeal's card) and the buttons' helper for templates."""
    appbuilder.add_view_no_menu(AppealActionsView)
    current_app.add_template_global(appeal_actions, "appeal_actions")
