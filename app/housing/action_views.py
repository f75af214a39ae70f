"""The case's actions: decisions (one small form per effect), the complete documents, a removal ground,
an offer of premises, and the queue certificate. The service decides; the view commits once.

Every URL loads the case through the row scope (404 outside it, annulled or missing) and asks
`ensure_writable` before a write, so a district's clerk neither opens nor POSTs into another district.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from flask import abort, current_app, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import lazy_gettext as _l
from markupsafe import escape
from sqlalchemy import or_, select
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Optional

from ..core.dates import format_date, local_today
from ..core.documents.services import document_file, generate_document
from ..core.documents.views import send_docx
from ..core.errors import DomainError
from ..core.forms import RuDateField, UpravaForm
from ..core.history import check_version
from ..extensions import db
from ..org.models import Official
from ..security import Access, ensure_writable, is_row_visible, row_access, scope_clause
from .models import (
    DecisionEffect,
    DecisionType,
    Ground,
    GroundKind,
    Household,
    HouseholdStatus,
    ListType,
    Premises,
    PremisesStatus,
)
from .services import (
    ALLOWED,
    EFFECT_LABELS,
    complete_documents,
    issue_certificate,
    note_removal_ground,
    offer_premises,
    open_entries,
    status_label,
    take_decision,
)
from .views import HOUSEHOLD_LABELS

if TYPE_CHECKING:
    from flask_appbuilder import AppBuilder

DECISIONS = "HousingDecision"
CASES = "Household"
REQUIRED = InputRequired(message=_l("Заполните это поле"))
CERTIFICATE_TEMPLATE = "housing_queue_certificate"


def _int_or_none(value: Any) -> int | None:
    return int(value) if value not in (None, "", "None") else None


class ActionForm(UpravaForm):
    # The version the officer saw: an action on a case someone changed meanwhile is refused (FAB_NOTES S15).
    version = HiddenField()

    def visible_fields(self) -> list[Any]:
        return [f for f in self if f.type not in ("HiddenField", "CSRFTokenField")]


class DecisionForm(ActionForm):
    decision_type = SelectField(_l("Вид решения"), coerce=int, validators=[REQUIRED])
    decision_date = RuDateField(_l("Дата решения"), validators=[REQUIRED])
    list_type = SelectField(_l("Список очерёдности"), coerce=_int_or_none, validators=[Optional()])
    from_list_type = SelectField(
        _l("Из списка (пусто — добавить к прежним)"), coerce=_int_or_none, validators=[Optional()]
    )
    queue_date = RuDateField(_l("Дата постановки в список (пусто — дата решения)"), validators=[Optional()])
    ground = SelectField(_l("Основание"), coerce=_int_or_none, validators=[Optional()])
    premises = SelectField(_l("Жилое помещение"), coerce=_int_or_none, validators=[Optional()])
    basis = StringField(_l("Правовое основание (пусто — по виду решения)"), validators=[Optional()])
    protocol = StringField(_l("Протокол жилищной комиссии"), validators=[Optional()])
    notes = TextAreaField(_l("Примечания"), validators=[Optional()])


#: Fields each decision's form shows, besides type, date, basis, protocol and notes.
FIELDS_BY_EFFECT: dict[DecisionEffect, tuple[str, ...]] = {
    DecisionEffect.REGISTER: ("list_type", "queue_date"),
    DecisionEffect.REFUSE: ("ground",),
    DecisionEffect.REMOVE: ("ground",),
    DecisionEffect.PROVIDE: ("premises",),
    DecisionEffect.CHANGE_LIST: ("list_type", "from_list_type", "queue_date"),
    DecisionEffect.RESTORE: (),
}
OPTIONAL_FIELDS = ("list_type", "from_list_type", "queue_date", "ground", "premises")


class DocumentsForm(ActionForm):
    on = RuDateField(_l("Дата представления полного пакета документов"), validators=[REQUIRED])


class RemovalGroundForm(ActionForm):
    ground = SelectField(_l("Основание снятия с учёта (ст. 56 ЖК РФ)"), coerce=int, validators=[REQUIRED])
    found_on = RuDateField(_l("Дата выявления основания"), validators=[REQUIRED])


class OfferForm(ActionForm):
    premises = SelectField(_l("Свободное жилое помещение"), coerce=int, validators=[REQUIRED])


class CertificateForm(ActionForm):
    as_of = RuDateField(_l("Место в очереди на дату"), validators=[REQUIRED])


def visible_case(pk: int) -> Household | None:
    household = db.session.get(Household, pk)
    if household is None or household.annulled_at is not None or not is_row_visible(household):
        return None
    return household


def _user_body() -> Any:
    official = db.session.scalar(select(Official).where(Official.user_id == g.user.id)) if g.get("user") else None
    return official.body if official is not None else None


def _list_choices(exclude: set[int] | None = None, only: set[int] | None = None) -> list[tuple[Any, str]]:
    lists = db.session.scalars(
        select(ListType).where(ListType.is_active.is_(True)).order_by(ListType.sort_order, ListType.id)
    )
    return [
        (t.id, t.name)
        for t in lists
        if (only is None or t.id in only) and (exclude is None or t.id not in exclude) and (only or not t.is_legacy)
    ]


def _ground_choices(kind: GroundKind) -> list[tuple[int, str]]:
    grounds = db.session.scalars(
        select(Ground).where(Ground.kind == kind.value, Ground.is_active.is_(True)).order_by(Ground.sort_order)
    )
    return [(ground.id, str(ground)) for ground in grounds]


def _premises_choices(household: Household, types: list[DecisionType]) -> list[tuple[int, str]]:
    """Vacant premises (or offered to this family) the officer sees, of the funds the decision types allow."""
    query = (
        select(Premises)
        .where(
            Premises.annulled_at.is_(None),
            or_(
                Premises.status == PremisesStatus.VACANT.value,
                (Premises.status == PremisesStatus.OFFERED.value) & (Premises.offered_to_id == household.id),
            ),
        )
        .order_by(Premises.full_address)
        .limit(500)
    )
    clause = scope_clause(Premises)
    if clause is not None:
        query = query.where(clause)
    allowed = set().union(*(t.allowed_fund_codes() for t in types)) if types else set()
    result = []
    for premises in db.session.scalars(query):
        if allowed and premises.fund_category.code not in allowed:
            continue
        result.append(
            (
                premises.id,
                f"{premises.full_address} — {premises.rooms} комн., {premises.total_area} м² ({premises.district})",
            )
        )
    return result


def _types(effect: DecisionEffect) -> list[DecisionType]:
    return list(
        db.session.scalars(
            select(DecisionType)
            .where(DecisionType.effect == effect.value, DecisionType.is_active.is_(True))
            .order_by(DecisionType.sort_order)
        )
    )


def decision_actions(pk: int) -> list[tuple[str, str]]:
    """(URL, label) of the decisions and steps the case's status allows, for users who may take them."""
    household = visible_case(pk)
    if household is None or row_access(household) is not Access.WRITE:
        return []
    sm = current_app.appbuilder.sm
    links: list[tuple[str, str]] = []
    status = HouseholdStatus(household.status)
    if sm.has_access("can_write", CASES) and status is HouseholdStatus.RECEIVED:
        links.append((url_for("HouseholdActionsView.documents", pk=pk), str(_l("Документы представлены полностью"))))
    if not sm.has_access("can_write", DECISIONS):
        return links
    for effect, label in EFFECT_LABELS.items():
        if status in ALLOWED[effect]:
            links.append((url_for("HousingActionsView.decide", effect=effect.value, pk=pk), str(label)))
    if status is HouseholdStatus.ON_REGISTER:
        links.append((url_for("HousingActionsView.removal_ground", pk=pk), str(_l("Выявлено основание снятия"))))
        links.append((url_for("HousingActionsView.offer", pk=pk), str(_l("Предложить помещение"))))
    return links


def can_issue_certificate(pk: int) -> bool:
    household = visible_case(pk)
    sm = current_app.appbuilder.sm
    return (
        household is not None
        and row_access(household) is Access.WRITE
        and sm.has_access("can_write", CASES)
        and sm.has_access("can_write", "GeneratedDocument")
        and bool(household.entries)
    )


class _CaseActions(BaseView):
    template = "housing/actions/form.html"

    def _case(self, pk: int) -> Household:
        household = visible_case(pk)
        if household is None:
            abort(404)
        ensure_writable(household)  # seen read-only: 403
        return household

    @staticmethod
    def _initial(household: Household, **defaults: Any) -> dict[str, Any]:
        # Only a fresh form gets defaults: a POST is read as sent (a missing version is refused).
        return {} if request.method == "POST" else {"version": household.version, **defaults}

    @staticmethod
    def _refuse(form: Any, exc: DomainError) -> None:
        """Nothing is saved; the error goes beside its field, or on top; the typed values stay."""
        db.session.rollback()
        field = form._fields.get(exc.field) if exc.field else None
        if field is not None:
            field.errors = [*list(field.errors or []), escape(str(exc))]
        else:
            flash(str(exc), "danger")

    def _act(self, household: Household, form: ActionForm, title: Any, do: Callable[[], Any], **context: Any) -> Any:
        if form.validate_on_submit():
            try:
                check_version(household, form.version.data, labels=HOUSEHOLD_LABELS)
                done = do()
                db.session.commit()
            except DomainError as exc:
                self._refuse(form, exc)
            else:
                message, target = done
                flash(str(message), "success")
                return redirect(target)
        return self.render_template(self.template, title=title, household=household, form=form, **context)


class HousingActionsView(_CaseActions):
    """Decisions on a case and the officer's steps before them (the housing department)."""

    route_base = "/housing/actions"
    default_view = "removal_ground"
    class_permission_name = DECISIONS
    method_permission_name = {"decide": "write", "removal_ground": "write", "offer": "write"}

    @expose("/decide/<effect>/<int:pk>", methods=["GET", "POST"])
    @has_access
    def decide(self, effect: str, pk: int) -> Any:
        try:
            kind = DecisionEffect(effect)
        except ValueError:
            abort(404)
        household = self._case(pk)
        types = _types(kind)
        defaults: dict[str, Any] = {"decision_date": local_today()}
        if kind is DecisionEffect.REMOVE and household.removal_ground_id:
            defaults["ground"] = household.removal_ground_id
        form = DecisionForm(**self._initial(household, **defaults))
        form.decision_type.choices = [(t.id, t.name) for t in types]
        current = {e.list_type_id for e in open_entries(household)}
        form.list_type.choices = [("", "—"), *_list_choices(exclude=current)]
        form.from_list_type.choices = [("", "—"), *_list_choices(only=current)]
        ground_kind = GroundKind.REFUSAL if kind is DecisionEffect.REFUSE else GroundKind.REMOVAL
        form.ground.choices = [("", "—"), *_ground_choices(ground_kind)]
        form.premises.choices = (
            [("", "—"), *_premises_choices(household, types)] if kind is DecisionEffect.PROVIDE else [("", "—")]
        )
        shown = {"decision_type", "decision_date", *FIELDS_BY_EFFECT[kind], "basis", "protocol", "notes"}
        for name in OPTIONAL_FIELDS:
            if name not in shown:
                del form[name]

        def do() -> tuple[Any, str]:
            fields = {name: form[name].data for name in FIELDS_BY_EFFECT[kind] if name in form}
            for name, model in (("list_type", ListType), ("from_list_type", ListType), ("ground", Ground)):
                if name in fields:
                    fields[name] = db.session.get(model, fields[name]) if fields[name] else None
            if "premises" in fields:
                chosen = db.session.get(Premises, fields["premises"]) if fields["premises"] else None
                if chosen is not None and not is_row_visible(chosen):
                    chosen = None
                fields["premises"] = chosen
            decision = take_decision(
                household,
                db.session.get(DecisionType, form.decision_type.data),
                form.decision_date.data,
                user_body=_user_body(),
                basis=(form.basis.data or "").strip() or None,
                protocol=(form.protocol.data or "").strip() or None,
                notes=(form.notes.data or "").strip() or None,
                **fields,
            )
            message = _l(
                "Решение %(number)s принято; выдать заявителю до %(due)s",
                number=decision.number,
                due=format_date(decision.handover_due),
            )
            return message, url_for("HousingDecisionView.show", pk=decision.id)

        return self._act(household, form, EFFECT_LABELS[kind], do)

    @expose("/removal-ground/<int:pk>", methods=["GET", "POST"])
    @has_access
    def removal_ground(self, pk: int) -> Any:
        household = self._case(pk)
        form = RemovalGroundForm(**self._initial(household, found_on=local_today()))
        form.ground.choices = _ground_choices(GroundKind.REMOVAL)

        def do() -> tuple[Any, str]:
            note_removal_ground(household, db.session.get(Ground, form.ground.data), form.found_on.data)
            message = _l(
                "Основание снятия отмечено; решение — до %(due)s", due=format_date(household.decision_due_date)
            )
            return message, url_for("HouseholdView.show", pk=household.id)

        return self._act(household, form, _l("Выявлено основание снятия с учёта"), do)

    @expose("/offer/<int:pk>", methods=["GET", "POST"])
    @has_access
    def offer(self, pk: int) -> Any:
        household = self._case(pk)
        form = OfferForm(**self._initial(household))
        form.premises.choices = [
            (i, text)
            for i, text in _premises_choices(household, [])
            if db.session.get(Premises, i).offered_to_id is None
        ]

        def do() -> tuple[Any, str]:
            premises = db.session.get(Premises, form.premises.data)
            if premises is None or not is_row_visible(premises):
                abort(404)
            offer_premises(premises, household)
            return _l("Помещение предложено семье: %(address)s", address=premises.full_address), url_for(
                "HouseholdView.show", pk=household.id
            )

        return self._act(household, form, _l("Предложить жилое помещение"), do)


class HouseholdActionsView(_CaseActions):
    """What the clerk who keeps the case does: the complete documents, the queue certificate."""

    route_base = "/housing/case"
    default_view = "documents"
    class_permission_name = CASES
    method_permission_name = {"documents": "write", "certificate": "write"}

    @expose("/documents/<int:pk>", methods=["GET", "POST"])
    @has_access
    def documents(self, pk: int) -> Any:
        household = self._case(pk)
        form = DocumentsForm(**self._initial(household, on=local_today()))

        def do() -> tuple[Any, str]:
            complete_documents(household, form.on.data)
            message = _l("Документы приняты; решение — до %(due)s", due=format_date(household.decision_due_date))
            return message, url_for("HouseholdView.show", pk=household.id)

        return self._act(household, form, _l("Документы представлены полностью"), do)

    @expose("/certificate/<int:pk>", methods=["GET", "POST"])
    @has_access
    def certificate(self, pk: int) -> Any:
        """Issue a queue certificate on a date and send its Word document at once (it stays printable)."""
        household = self._case(pk)
        if not current_app.appbuilder.sm.has_access("can_write", "GeneratedDocument"):
            abort(403)
        form = CertificateForm(**({} if request.method == "POST" else {"as_of": local_today()}))
        if form.validate_on_submit():
            try:
                certificate = issue_certificate(household, form.as_of.data)
                document = generate_document(CERTIFICATE_TEMPLATE, certificate, g.user)
                db.session.commit()
            except DomainError as exc:
                self._refuse(form, exc)
            else:
                return send_docx(document_file(document), document.file_name)
        return self.render_template(self.template, title=_l("Справка об очерёдности"), household=household, form=form)


def register(appbuilder: AppBuilder) -> None:
    """The action forms (no menu: reached from the case's card) and the buttons' helpers for templates."""
    appbuilder.add_view_no_menu(HousingActionsView)
    appbuilder.add_view_no_menu(HouseholdActionsView)
    current_app.add_template_global(decision_actions, "housing_actions")
    current_app.add_template_global(can_issue_certificate, "housing_can_certify")
    current_app.add_template_global(status_label, "housing_status")
    current_app.add_template_global(lambda: format_date(local_today()), "today_text")
