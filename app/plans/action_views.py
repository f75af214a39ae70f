"""The plans' actions in the UI: one small form per action; the service decides, the view commits once.

Every URL loads its record through the row scope (404 outside it) and asks `ensure_writable` before a
write: a co-executing body reads an item but never marks it. Three pages, three rights:

- /plans/actions/…            the plan's lifecycle, the quarter's build, renumbering (resource Plan);
- /plans/proposals/actions/…  submit; agree and return (the supervising deputy head only); reject (coordinators);
- /plans/items/actions/…      execution marks: done, moved, cancelled, not done (resource PlanItemMark).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from flask import abort, current_app, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from markupsafe import escape
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Optional

from ..core.dates import format_date, local_today
from ..core.errors import DomainError
from ..core.forms import RuDateField, UpravaForm
from ..core.history import check_version
from ..extensions import db
from ..security import Access, ensure_writable, is_row_visible, request_user, row_access
from .models import Plan, PlanItem, PlanProposal
from .services import (
    MARK_ACTIONS,
    PLAN_ACTIONS,
    PROPOSAL_ACTIONS,
    agree_proposal,
    approve_plan,
    build_quarter,
    close_plan,
    include_agreed_proposals,
    mark_cancelled,
    mark_done,
    mark_not_done,
    markable,
    move_item,
    move_targets,
    open_proposals,
    plan_action_allowed,
    proposal_action_allowed,
    reject_proposal,
    renumber_plan,
    return_proposal,
    send_for_approval,
    submit_proposal,
    supervising_deputy,
)
from .texts import QUARTER_NAMES
from .views import ITEM_LABELS, PLAN_LABELS, PROPOSAL_LABELS, _int_or_none, month_field

if TYPE_CHECKING:
    from flask_appbuilder import AppBuilder

REQUIRED = InputRequired(message=_l("Заполните это поле"))


class ActionForm(UpravaForm):
    # The version the user saw: an action on a record somebody changed meanwhile is refused (FAB_NOTES S15).
    version = HiddenField()

    def visible_fields(self) -> list[Any]:
        return [f for f in self if f.type not in ("HiddenField", "CSRFTokenField")]


class ApproveForm(ActionForm):
    act_no = StringField(_l("Номер акта об утверждении"), validators=[REQUIRED])
    approved_on = RuDateField(_l("Дата акта"), validators=[REQUIRED])


class QuarterForm(ActionForm):
    quarter = SelectField(
        _l("Квартал"), choices=[(i, f"{QUARTER_NAMES[i - 1]} квартал") for i in range(1, 5)], coerce=int
    )


class CommentForm(ActionForm):
    comment = TextAreaField(_l("Что доработать"), validators=[REQUIRED])


class ReasonForm(ActionForm):
    reason = TextAreaField(_l("Причина"), validators=[REQUIRED])


class DoneForm(ActionForm):
    done_on = RuDateField(_l("Дата исполнения"), validators=[REQUIRED])
    result = TextAreaField(_l("Результат"), validators=[REQUIRED])


class MoveForm(ActionForm):
    target = SelectField(_l("В план"), coerce=_int_or_none, validators=[REQUIRED])
    planned_month = month_field(_l("Новый месяц"))
    planned_date = RuDateField(_l("Или новая дата"), validators=[Optional()])
    reason = TextAreaField(_l("Причина переноса"), validators=[REQUIRED])


def _visible(model: type, pk: int) -> Any:
    row = db.session.get(model, pk)
    if row is None or row.annulled_at is not None or not is_row_visible(row):
        return None
    return row


def _can(permission: str, resource: str) -> bool:
    return bool(current_app.appbuilder.sm.has_access(permission, resource))


class _ActionsView(BaseView):
    """GET shows the action's form, POST does it; a refusal is shown beside its field, nothing saved."""

    template = "plans/action.html"
    #: The model of the records the page acts on (the row its URL names).
    record_model: type
    labels: dict[str, Any]
    card_endpoint: str

    def _row(self, pk: int) -> Any:
        row = _visible(self.record_model, pk)
        if row is None:
            abort(404)
        ensure_writable(row)  # seen read-only (a co-executor): 403
        return row

    @staticmethod
    def _initial(row: Any, **defaults: Any) -> dict[str, Any]:
        # Only a fresh form gets defaults: a POST is read as sent (a missing version is refused).
        return {} if request.method == "POST" else {"version": row.version, **defaults}

    @staticmethod
    def _refuse(form: ActionForm, exc: DomainError) -> None:
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
        title: Any,
        row: Any,
        form: ActionForm,
        do: Callable[[], Any],
        done: Callable[[Any], Any],
        summary: list[tuple[Any, Any]],
        back: str | None = None,
    ) -> Any:
        if form.validate_on_submit():
            try:
                check_version(row, form.version.data, labels=self.labels)
                outcome = do()
                db.session.commit()
            except DomainError as exc:
                self._refuse(form, exc)
            else:
                flash(str(done(outcome)), "success")
                return redirect(back or url_for(f"{self.card_endpoint}.show", pk=row.id))
        return self.render_template(
            self.template,
            title=title,
            form=form,
            summary=summary,
            back=url_for(f"{self.card_endpoint}.show", pk=row.id),
        )


# ---- the plan -----------------------------------------------------------------------------------------


def _plan_summary(plan: Plan) -> list[tuple[Any, Any]]:
    return [
        (PLAN_LABELS["title"], plan.title),
        (PLAN_LABELS["proposals_due"], format_date(plan.proposals_due)),
        (PLAN_LABELS["note_due"], format_date(plan.note_due)),
    ]


class PlanActionsView(_ActionsView):
    route_base = "/plans/actions"
    default_view = "collect"
    class_permission_name = "Plan"
    method_permission_name = dict.fromkeys(PLAN_ACTIONS, "write")
    record_model = Plan
    labels = PLAN_LABELS
    card_endpoint = "PlanView"

    def _simple(self, action: str, pk: int, do: Callable[[Plan], Any], done: Callable[[Any], Any]) -> Any:
        plan = self._row(pk)
        form = ActionForm(**self._initial(plan))
        return self._act(PLAN_ACTIONS[action], plan, form, lambda: do(plan), done, _plan_summary(plan))

    @expose("/collect/<int:pk>", methods=["GET", "POST"])
    @has_access
    def collect(self, pk: int) -> Any:
        return self._simple("collect", pk, open_proposals, lambda _p: _l("Сбор предложений в план открыт"))

    @expose("/to_approval/<int:pk>", methods=["GET", "POST"])
    @has_access
    def to_approval(self, pk: int) -> Any:
        return self._simple("to_approval", pk, send_for_approval, lambda _p: _l("План направлен на утверждение"))

    @expose("/approve/<int:pk>", methods=["GET", "POST"])
    @has_access
    def approve(self, pk: int) -> Any:
        plan = self._row(pk)
        form = ApproveForm(**self._initial(plan, approved_on=local_today()))

        def do() -> Plan:
            return approve_plan(plan, form.act_no.data or "", form.approved_on.data)

        return self._act(PLAN_ACTIONS["approve"], plan, form, do, lambda _p: _l("План утверждён"), _plan_summary(plan))

    @expose("/close/<int:pk>", methods=["GET", "POST"])
    @has_access
    def close(self, pk: int) -> Any:
        return self._simple("close", pk, close_plan, lambda _p: _l("План закрыт"))

    @expose("/include/<int:pk>", methods=["GET", "POST"])
    @has_access
    def include(self, pk: int) -> Any:
        return self._simple(
            "include",
            pk,
            include_agreed_proposals,
            lambda items: _l("Включено в план предложений: %(count)s", count=len(items)),
        )

    @expose("/renumber/<int:pk>", methods=["GET", "POST"])
    @has_access
    def renumber(self, pk: int) -> Any:
        return self._simple(
            "renumber",
            pk,
            renumber_plan,
            lambda count: _l("Пункты перенумерованы (изменено номеров: %(count)s)", count=count),
        )

    @expose("/build_quarter/<int:pk>", methods=["GET", "POST"])
    @has_access
    def build_quarter(self, pk: int) -> Any:
        plan = self._row(pk)
        form = QuarterForm(**self._initial(plan, quarter=_next_quarter(plan)))
        built: dict[str, Any] = {}

        def do() -> Any:
            built["plan"], items = build_quarter(plan, form.quarter.data)
            return items

        def done(items: list[PlanItem]) -> Any:
            return _l(
                "%(title)s: перенесено из годового плана пунктов — %(count)s",
                title=built["plan"].title,
                count=len(items),
            )

        response = self._act(PLAN_ACTIONS["build_quarter"], plan, form, do, done, _plan_summary(plan))
        if "plan" in built and response.status_code == 302:
            return redirect(url_for("PlanView.show", pk=built["plan"].id))
        return response


def _next_quarter(plan: Plan) -> int:
    today = local_today()
    return min(4, (today.month - 1) // 3 + 2) if today.year == plan.year else 1


def plan_actions(pk: int) -> list[tuple[str, str]]:
    """(URL, label) of the actions the plan's status allows, for a user with write on plans."""
    plan = _visible(Plan, pk) if _can("can_write", "Plan") else None
    if plan is None:
        return []
    return [
        (url_for(f"{PlanActionsView.__name__}.{action}", pk=pk), str(label))
        for action, label in PLAN_ACTIONS.items()
        if plan_action_allowed(plan, action)
    ]


# ---- proposals -----------------------------------------------------------------------------------------


def _proposal_summary(proposal: PlanProposal) -> list[tuple[Any, Any]]:
    return [
        (PROPOSAL_LABELS["plan"], proposal.plan.title),
        (PROPOSAL_LABELS["submitted_by_body"], proposal.submitted_by_body.name),
        (PROPOSAL_LABELS["title"], proposal.title),
        (PROPOSAL_LABELS["planned_text"], proposal.planned_text()),
    ]


class PlanProposalActionsView(_ActionsView):
    route_base = "/plans/proposals/actions"
    default_view = "submit"
    class_permission_name = "PlanProposal"
    # FAB names an endpoint after its method: `return` is a Python keyword, the URL keeps the word.
    method_permission_name = dict.fromkeys(("submit", "agree", "return_", "reject"), "write")
    record_model = PlanProposal
    labels = PROPOSAL_LABELS
    card_endpoint = "PlanProposalView"

    @expose("/submit/<int:pk>", methods=["GET", "POST"])
    @has_access
    def submit(self, pk: int) -> Any:
        proposal = self._row(pk)
        form = ActionForm(**self._initial(proposal))

        def done(p: PlanProposal) -> Any:
            if p.is_late:
                return _l(
                    "Предложение направлено на согласование позже срока (%(due)s): оно принято с отметкой",
                    due=format_date(p.plan.proposals_due),
                )
            return _l("Предложение направлено на согласование")

        return self._act(
            PROPOSAL_ACTIONS["submit"],
            proposal,
            form,
            lambda: submit_proposal(proposal),
            done,
            _proposal_summary(proposal),
        )

    @expose("/agree/<int:pk>", methods=["GET", "POST"])
    @has_access
    def agree(self, pk: int) -> Any:
        proposal = self._row(pk)
        form = ActionForm(**self._initial(proposal))
        return self._act(
            PROPOSAL_ACTIONS["agree"],
            proposal,
            form,
            lambda: agree_proposal(proposal, request_user()),
            lambda _p: _l("Предложение согласовано"),
            _proposal_summary(proposal),
        )

    @expose("/return/<int:pk>", methods=["GET", "POST"])
    @has_access
    def return_(self, pk: int) -> Any:
        proposal = self._row(pk)
        form = CommentForm(**self._initial(proposal))
        return self._act(
            PROPOSAL_ACTIONS["return"],
            proposal,
            form,
            lambda: return_proposal(proposal, request_user(), form.comment.data or ""),
            lambda _p: _l("Предложение возвращено на доработку"),
            _proposal_summary(proposal),
        )

    @expose("/reject/<int:pk>", methods=["GET", "POST"])
    @has_access
    def reject(self, pk: int) -> Any:
        # What enters the plan is the coordinators' decision: those who write plans.
        if not _can("can_write", "Plan"):
            abort(403)
        proposal = self._row(pk)
        form = ReasonForm(**self._initial(proposal))
        return self._act(
            PROPOSAL_ACTIONS["reject"],
            proposal,
            form,
            lambda: reject_proposal(proposal, form.reason.data or ""),
            lambda _p: _l("Предложение отклонено"),
            _proposal_summary(proposal),
        )


def proposal_actions(pk: int) -> list[tuple[str, str]]:
    """(URL, label) of the proposal's actions for this user: agreeing is offered to its supervising deputy only."""
    proposal = _visible(PlanProposal, pk) if _can("can_write", "PlanProposal") else None
    if proposal is None or row_access(proposal) is not Access.WRITE:
        return []
    user = request_user()
    deputy = supervising_deputy(proposal.submitted_by_body)
    endpoints = {"submit": "submit", "agree": "agree", "return": "return_", "reject": "reject"}
    shown = []
    for action, label in PROPOSAL_ACTIONS.items():
        if not proposal_action_allowed(proposal, action):
            continue
        if action in ("agree", "return") and (deputy is None or deputy.id != getattr(user, "id", None)):
            continue
        if action == "reject" and not _can("can_write", "Plan"):
            continue
        shown.append((url_for(f"{PlanProposalActionsView.__name__}.{endpoints[action]}", pk=pk), str(label)))
    return shown


def proposal_agreer(pk: int) -> str:
    """Who agrees the proposal (shown on its card to everybody)."""
    proposal = _visible(PlanProposal, pk)
    if proposal is None:
        return ""
    deputy = supervising_deputy(proposal.submitted_by_body)
    if deputy is None:
        return gettext("не указан в справочнике органов")
    return f"{deputy.last_name} {deputy.first_name}".strip()


# ---- execution marks --------------------------------------------------------------------------------------


def _item_summary(item: PlanItem) -> list[tuple[Any, Any]]:
    return [
        (ITEM_LABELS["plan"], item.plan.title),
        (ITEM_LABELS["section"], item.section.name),
        (ITEM_LABELS["title"], f"{item.seq}. {item.title}"),
        (ITEM_LABELS["responsible_body"], item.responsible_body.name),
        (ITEM_LABELS["planned_text"], item.planned_text()),
    ]


class PlanItemActionsView(_ActionsView):
    route_base = "/plans/items/actions"
    default_view = "done"
    class_permission_name = "PlanItemMark"
    method_permission_name = dict.fromkeys(MARK_ACTIONS, "write")
    record_model = PlanItem
    labels = ITEM_LABELS
    card_endpoint = "PlanItemView"

    @expose("/done/<int:pk>", methods=["GET", "POST"])
    @has_access
    def done(self, pk: int) -> Any:
        item = self._row(pk)
        form = DoneForm(**self._initial(item, done_on=local_today()))
        return self._act(
            MARK_ACTIONS["done"],
            item,
            form,
            lambda: mark_done(item, form.done_on.data, form.result.data or "", request_user()),
            lambda _i: _l("Отмечено: пункт исполнен"),
            _item_summary(item),
        )

    @expose("/move/<int:pk>", methods=["GET", "POST"])
    @has_access
    def move(self, pk: int) -> Any:
        item = self._row(pk)
        form = MoveForm(**self._initial(item))
        targets = [p for p in move_targets(item) if p.start > item.plan.start]
        form.target.choices = [("", "—"), *((p.id, p.title) for p in targets)]

        def do() -> PlanItem:
            target = db.session.get(Plan, form.target.data) if form.target.data else None
            return move_item(
                item, target, form.reason.data or "", form.planned_month.data, form.planned_date.data, request_user()
            )

        def done(moved: PlanItem) -> Any:
            return _l("Пункт перенесён: %(title)s, пункт %(seq)s", title=moved.plan.title, seq=moved.seq)

        return self._act(MARK_ACTIONS["move"], item, form, do, done, _item_summary(item))

    @expose("/cancel/<int:pk>", methods=["GET", "POST"])
    @has_access
    def cancel(self, pk: int) -> Any:
        item = self._row(pk)
        form = ReasonForm(**self._initial(item))
        return self._act(
            MARK_ACTIONS["cancel"],
            item,
            form,
            lambda: mark_cancelled(item, form.reason.data or "", request_user()),
            lambda _i: _l("Отмечено: пункт отменён"),
            _item_summary(item),
        )

    @expose("/not_done/<int:pk>", methods=["GET", "POST"])
    @has_access
    def not_done(self, pk: int) -> Any:
        item = self._row(pk)
        form = ReasonForm(**self._initial(item))
        return self._act(
            MARK_ACTIONS["not_done"],
            item,
            form,
            lambda: mark_not_done(item, form.reason.data or "", request_user()),
            lambda _i: _l("Отмечено: пункт не исполнен"),
            _item_summary(item),
        )


def item_actions(pk: int) -> list[tuple[str, str]]:
    """(URL, label) of the marks an item may get now, for a user who marks and works the item."""
    item = _visible(PlanItem, pk) if _can("can_write", "PlanItemMark") else None
    if item is None or row_access(item) is not Access.WRITE or not markable(item):
        return []
    return [
        (url_for(f"{PlanItemActionsView.__name__}.{action}", pk=pk), str(label))
        for action, label in MARK_ACTIONS.items()
    ]


def register(appbuilder: AppBuilder) -> None:
    """The action pages (no menu: reached from the cards) and the buttons' helpers for templates."""
    for view in (PlanActionsView, PlanProposalActionsView, PlanItemActionsView):
        appbuilder.add_view_no_menu(view)
    current_app.add_template_global(plan_actions, "plan_actions")
    current_app.add_template_global(proposal_actions, "plan_proposal_actions")
    current_app.add_template_global(proposal_agreer, "plan_proposal_agreer")
    current_app.add_template_global(item_actions, "plan_item_actions")
