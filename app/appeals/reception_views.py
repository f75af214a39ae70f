"""Views and REST API of personal receptions (/api/v1/reception, /api/v1/receptionvisit), scoped by body."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, url_for
from flask_appbuilder.actions import action
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from ..core.errors import DomainError
from ..core.filters import UpravaInterface
from ..core.views import UpravaModelRestApi, UpravaModelView
from ..extensions import db
from ..security import RowScopeFilter
from .receptions import (
    RECEPTION_HOOKS,
    VISIT_HOOKS,
    Reception,
    ReceptionFormat,
    ReceptionVisit,
    register_appeal_from_visit,
)
from .views import _label, _select

FORMAT_LABELS = {
    ReceptionFormat.OFFICE.value: _l("В кабинете"),
    ReceptionFormat.FIELD.value: _l("Выездной"),
    ReceptionFormat.VIDEO.value: _l("По видеосвязи"),
    ReceptionFormat.ALL_RUSSIA_DAY.value: _l("Общероссийский день приёма граждан"),
}
#: The reception drop-down of a visit lists only the receptions the user sees.
RECEPTION_IN_SCOPE = {"reception": [["id", RowScopeFilter, None]]}
#: A summary is a short line: the first line of the questions.
SUMMARY_LENGTH = 200

VISIT_LABELS = {
    "reception": _l("Приём"),
    "body": _l("Орган"),
    "visitor_last_name": _l("Фамилия"),
    "visitor_first_name": _l("Имя"),
    "visitor_patronymic": _l("Отчество"),
    "visitor_address": _l("Адрес"),
    "visitor_phone": _l("Телефон"),
    "classifier_code": _l("Код классификатора"),
    "questions": _l("Содержание вопросов"),
    "oral_answer_given": _l("Дан устный ответ"),
    "answer": _l("Ответ"),
    "appeal": _l("Обращение"),
}
VISITOR = ["visitor_last_name", "visitor_first_name", "visitor_patronymic", "visitor_address", "visitor_phone"]
VISIT_MATTER = ["classifier_code", "questions", "oral_answer_given", "answer"]


class ReceptionVisitView(UpravaModelView):
    datamodel = UpravaInterface(ReceptionVisit)
    hooks = VISIT_HOOKS
    class_permission_name = "Appeal"
    method_permission_name = {**UpravaModelView.method_permission_name, "register_appeal": "write"}
    list_title = _l("Карточки личного приёма")
    show_title = add_title = edit_title = _l("Карточка личного приёма")
    label_columns = VISIT_LABELS
    list_columns = ["reception", "visitor_last_name", "classifier_code", "oral_answer_given", "appeal"]
    show_columns = ["reception", "body", *VISITOR, *VISIT_MATTER, "appeal"]
    add_columns = ["reception", *VISITOR, *VISIT_MATTER]
    edit_columns = [*VISITOR, *VISIT_MATTER]
    search_columns = ["reception", "classifier_code", "oral_answer_given", "visitor_last_name"]
    add_query_rel_fields = RECEPTION_IN_SCOPE
    base_order = ("id", "asc")

    @action(
        "register_appeal",
        _l("Зарегистрировать обращение"),
        _l("Нужен письменный ответ: зарегистрировать обращение по этой карточке?"),
        "fa-file-signature",
        multiple=False,
    )
    def register_appeal(self, item: ReceptionVisit) -> Any:
        try:
            summary = item.questions.strip().splitlines()[0][:SUMMARY_LENGTH]
            appeal = register_appeal_from_visit(item, item.body, summary)
        except DomainError as exc:
            db.session.rollback()
            flash(str(exc), "danger")
            return redirect(url_for(f"{self.endpoint}.show", pk=item.id))
        db.session.commit()
        flash(gettext("Зарегистрировано обращение %(number)s", number=appeal.reg_number), "success")
        return redirect(url_for("AppealView.show", pk=appeal.id))


class ReceptionView(UpravaModelView):
    datamodel = UpravaInterface(Reception)
    hooks = RECEPTION_HOOKS
    class_permission_name = "Appeal"
    list_title = _l("Личный приём граждан")
    show_title = edit_title = _l("Приём граждан")
    add_title = _l("Новый приём граждан")
    label_columns = {
        "official": _l("Должностное лицо"),
        "body": _l("Орган"),
        "date": _l("Дата"),
        "time_from": _l("Начало"),
        "place": _l("Место"),
        "format": _l("Формат"),
        "note": _l("Примечание"),
    }
    list_columns = ["date", "time_from", "official", "body", "format", "place"]
    show_columns = ["date", "time_from", "official", "body", "format", "place", "note"]
    add_columns = edit_columns = ["official", "body", "date", "time_from", "format", "place", "note"]
    search_columns = ["date", "official", "body", "format"]
    formatters_columns = {"format": _label(FORMAT_LABELS)}
    add_form_extra_fields = edit_form_extra_fields = {
        "format": _select(_l("Формат"), FORMAT_LABELS, ReceptionFormat.OFFICE.value)
    }
    related_views = [ReceptionVisitView]
    base_order = ("date", "desc")


class ReceptionApi(UpravaModelRestApi):
    resource_name = "reception"
    class_permission_name = "Appeal"
    datamodel = UpravaInterface(Reception)
    hooks = RECEPTION_HOOKS
    list_columns = show_columns = [
        "id",
        "official_id",
        "body_id",
        "date",
        "time_from",
        "place",
        "format",
        "note",
        "version",
    ]
    add_columns = edit_columns = ["official", "body", "date", "time_from", "place", "format", "note"]
    order_columns = ["date", "id"]
    search_columns = ["date", "official", "body", "format"]
    base_order = ("date", "desc")


class ReceptionVisitApi(UpravaModelRestApi):
    resource_name = "receptionvisit"
    class_permission_name = "Appeal"
    datamodel = UpravaInterface(ReceptionVisit)
    hooks = VISIT_HOOKS
    list_columns = show_columns = [
        "id",
        "reception_id",
        "body_id",
        *VISITOR,
        *VISIT_MATTER,
        "appeal_id",
        "version",
    ]
    add_columns = ["reception", *VISITOR, *VISIT_MATTER]
    edit_columns = [*VISITOR, *VISIT_MATTER]
    add_query_rel_fields = RECEPTION_IN_SCOPE
    order_columns = ["id", "classifier_code"]
    search_columns = ["reception", "classifier_code", "oral_answer_given"]
