"""Views of programmes, their committee, events, the title campaign and its petitions: configuration.

Hooks are the services' (app/events/services.py); presets are the lists behind the home page's counters.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask_appbuilder.actions import action
from flask_appbuilder.baseviews import expose
from flask_appbuilder.fieldwidgets import Select2Widget
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_
from wtforms import SelectField
from wtforms.validators import InputRequired, Optional

from ..core.dates import format_date, local_today, parse_date
from ..core.errors import BadListArgument, DomainError
from ..core.filters import UpravaInterface
from ..core.presets import Preset
from ..core.record_links import record_link
from ..core.views import UpravaModelView
from ..extensions import db
from ..security import READ, WRITE, ActiveBodiesFilter
from .models import (
    APPLICANT_LABELS,
    AWAITING_OUTCOME,
    CAMPAIGN_STATUS_LABELS,
    FORMAT_LABELS,
    PETITION_STATUS_LABELS,
    ROLE_LABELS,
    STATUS_LABELS,
    CommitteeMember,
    CommitteeRole,
    Event,
    EventFormat,
    EventProgramme,
    TitleCampaign,
    TitlePetition,
)
from .services import (
    CAMPAIGN_HOOKS,
    EVENT_HOOKS,
    MEMBER_HOOKS,
    PETITION_HOOKS,
    PROGRAMME_HOOKS,
    committee_on,
    include_petition,
    register_petition_appeal,
)

ACTIVE_BODIES = [["id", ActiveBodiesFilter, None]]


def label_of(labels: dict[str, Any]) -> Any:
    """A stored key shown by its Russian name."""
    return lambda value: labels.get(value, value or "")


def required_choice(label: Any, labels: dict[str, Any], default: str | None = None) -> SelectField:
    return SelectField(label, choices=list(labels.items()), default=default, validators=[InputRequired()])


def optional_choice(label: Any, labels: dict[str, Any]) -> SelectField:
    # The empty choice is stored as NULL (the base view's blank_to_null).
    return SelectField(label, choices=[("", "—"), *labels.items()], default="", validators=[Optional()])


def filter_choice(label: Any, labels: dict[str, Any]) -> SelectField:
    return SelectField(label, choices=list(labels.items()), widget=Select2Widget())


def _bodies(bodies: Any) -> str:
    return ", ".join(str(body) for body in bodies or [])


# ---- the organising committee ------------------------------------------------------------------

MEMBER_LABELS = {
    "programme": _l("Программа мероприятий"),
    "person_name": _l("Фамилия, имя, отчество"),
    "position": _l("Должность"),
    "body": _l("Орган администрации"),
    "role": _l("Роль в оргкомитете"),
    "included_on": _l("Включён в состав с"),
    "included_by": _l("Акт о включении"),
    "excluded_on": _l("Исключён из состава с"),
    "excluded_by": _l("Акт об исключении"),
    "sort_order": _l("Порядок в списке"),
}


class CommitteeMemberView(UpravaModelView):
    """The organising committee of a programme: every member with the acts that included and excluded him."""

    datamodel = UpravaInterface(CommitteeMember)
    hooks = MEMBER_HOOKS
    class_permission_name = "EventProgramme"
    list_title = _l("Организационный комитет")
    show_title = edit_title = _l("Член организационного комитета")
    add_title = _l("Включение в состав оргкомитета")
    label_columns = MEMBER_LABELS
    description_columns = {
        "included_by": _l("Например: распоряжение администрации города от 15.01.2020 № 12"),
        "excluded_on": _l("С этой даты человек уже не в составе (его заменил другой член оргкомитета)"),
    }
    list_columns = ["person_name", "position", "role", "body", "included_on", "excluded_on"]
    show_columns = ["programme", *list_columns[:4], "included_on", "included_by", "excluded_on", "excluded_by"]
    add_columns = ["programme", "person_name", "position", "body", "role", "included_on", "included_by", "sort_order"]
    edit_columns = [c for c in add_columns if c != "programme"] + ["excluded_on", "excluded_by"]
    search_columns = ["programme", "person_name", "body", "role", "included_on", "excluded_on"]
    formatters_columns = {"role": label_of(ROLE_LABELS)}
    add_form_extra_fields = edit_form_extra_fields = {
        "role": required_choice(_l("Роль в оргкомитете"), ROLE_LABELS, CommitteeRole.MEMBER.value)
    }
    search_form_extra_fields = {"role": filter_choice(_l("Роль в оргкомитете"), ROLE_LABELS)}
    add_form_query_rel_fields = edit_form_query_rel_fields = {"body": ACTIVE_BODIES}
    base_order = ("sort_order", "asc")


# ---- events ------------------------------------------------------------------------------------

EVENT_LABELS = {
    "programme": _l("Программа мероприятий"),
    "title": _l("Мероприятие"),
    "description": _l("Описание"),
    "starts_at": _l("Начало"),
    "ends_at": _l("Окончание"),
    "start_date": _l("Дата начала"),
    "end_date": _l("Дата окончания"),
    "place": _l("Место проведения"),
    "district": _l("Район"),
    "organiser": _l("Организатор"),
    "organiser_body": _l("Организатор — орган администрации"),
    "organiser_name": _l("Организатор — сторонняя организация"),
    "coordinator_body": _l("Координатор программы"),
    "committee_bodies": _l("Органы в составе оргкомитета"),
    "responsible_person": _l("Ответственный"),
    "planned_format": _l("Планируемый формат"),
    "actual_format": _l("Фактический формат"),
    "format_changed": _l("Формат изменён"),
    "status": _l("Статус"),
    "postponed_from": _l("Перенесено с"),
    "change_reason": _l("Причина изменения"),
    "participants_planned": _l("Участников (план)"),
    "participants_actual": _l("Участников (факт)"),
}


def _week(today: dt.date) -> tuple[dt.date, dt.date]:
    monday = today - dt.timedelta(days=today.weekday())
    return monday, monday + dt.timedelta(days=6)


def this_week(today: dt.date) -> Any:
    """Events on some day of the current (local) week, Monday to Sunday."""
    monday, sunday = _week(today)
    return and_(Event.start_date <= sunday, Event.end_date >= monday)


def without_outcome(today: dt.date) -> Any:
    """Events whose last day has passed and whose outcome (held or cancelled) is not marked."""
    return and_(Event.status.in_(AWAITING_OUTCOME), Event.end_date < today)


#: One-click lists (`?preset=`): the home page's counters count them.
EVENT_PRESETS = (
    Preset(
        "week",
        _l("Мероприятия на этой неделе"),
        lambda ctx: this_week(ctx.today),
        menu="EventsThisWeek",
        menu_label=_l("На этой неделе"),
        icon="fa-calendar-week",
    ),
    Preset(
        "no_outcome",
        _l("Мероприятия без отметки о проведении"),
        lambda ctx: without_outcome(ctx.today),
        menu="EventsWithoutOutcome",
        menu_label=_l("Без отметки о проведении"),
        icon="fa-exclamation-circle",
    ),
    Preset("format_changed", _l("Мероприятия, проведённые в другом формате"), lambda ctx: Event.format_changed),
)

EVENT_MATTER = ["programme", "title", "description", "starts_at", "ends_at", "place", "district"]
EVENT_ORGANISER = ["organiser_body", "organiser_name", "responsible_person"]
EVENT_OUTCOME = ["status", "actual_format", "change_reason", "participants_actual"]


class EventView(UpravaModelView):
    datamodel = UpravaInterface(Event)
    hooks = EVENT_HOOKS
    class_permission_name = "Event"
    list_title = _l("Мероприятия")
    show_title = edit_title = _l("Мероприятие")
    add_title = _l("Новое мероприятие")
    label_columns = EVENT_LABELS
    description_columns = {
        "starts_at": _l("Местное время (Новокузнецк), ДД.ММ.ГГГГ ЧЧ:ММ"),
        "ends_at": _l("Для многодневного мероприятия — последний день; пусто — совпадает с началом"),
        "organiser_name": _l("Заполняется, если организатор не орган администрации"),
        "status": _l("Перенос: укажите новую дату начала и причину"),
        "change_reason": _l("Обязательна при переносе, отмене и проведении в другом формате"),
    }
    list_columns = ["starts_at", "title", "organiser", "district", "planned_format", "actual_format", "status"]
    list_relationships = ("organiser_body",)  # read by `organiser`
    show_fieldsets = [
        (_l("Мероприятие"), {"fields": EVENT_MATTER}),
        (_l("Организатор"), {"fields": [*EVENT_ORGANISER, "coordinator_body", "committee_bodies"]}),
        (
            _l("Формат и итоги"),
            {
                "fields": [
                    "planned_format",
                    "participants_planned",
                    "status",
                    "postponed_from",
                    "actual_format",
                    "format_changed",
                    "change_reason",
                    "participants_actual",
                ]
            },
        ),
    ]
    show_columns = [field for _title, spec in show_fieldsets for field in spec["fields"]]
    add_columns = [*EVENT_MATTER, *EVENT_ORGANISER, "planned_format", "participants_planned"]
    # An event stays in its programme (its coordinating body and committee come from there).
    edit_columns = [c for c in add_columns if c != "programme"] + EVENT_OUTCOME
    search_columns = [
        "title",
        "start_date",
        "starts_at",
        "programme",
        "organiser_body",
        "organiser_name",
        "district",
        "status",
        "planned_format",
        "actual_format",
    ]
    order_columns = ["starts_at", "title", "status"]
    formatters_columns = {
        "status": label_of(STATUS_LABELS),
        "planned_format": label_of(FORMAT_LABELS),
        "actual_format": label_of(FORMAT_LABELS),
        "committee_bodies": _bodies,
    }
    add_form_extra_fields = {
        "planned_format": required_choice(_l("Планируемый формат"), FORMAT_LABELS, EventFormat.IN_PERSON.value)
    }
    edit_form_extra_fields = {
        **add_form_extra_fields,
        "actual_format": optional_choice(_l("Фактический формат"), FORMAT_LABELS),
        "status": required_choice(_l("Статус"), STATUS_LABELS),
    }
    search_form_extra_fields = {
        "status": filter_choice(_l("Статус"), STATUS_LABELS),
        "planned_format": filter_choice(_l("Планируемый формат"), FORMAT_LABELS),
        "actual_format": filter_choice(_l("Фактический формат"), FORMAT_LABELS),
    }
    add_form_query_rel_fields = edit_form_query_rel_fields = {"organiser_body": ACTIVE_BODIES}
    presets = EVENT_PRESETS
    base_order = ("starts_at", "desc")

    def added_message(self, item: Event) -> Any:
        return _l("Мероприятие «%(title)s» добавлено в программу", title=item.title)


# ---- programmes --------------------------------------------------------------------------------


class EventProgrammeView(UpravaModelView):
    datamodel = UpravaInterface(EventProgramme)
    hooks = PROGRAMME_HOOKS
    class_permission_name = "EventProgramme"
    method_permission_name = {**UpravaModelView.method_permission_name, "committee": READ}
    list_title = _l("Программы мероприятий")
    show_title = edit_title = _l("Программа мероприятий")
    add_title = _l("Новая программа мероприятий")
    label_columns = {
        "name": _l("Программа"),
        "year": _l("Год"),
        "approved_act": _l("Утверждена актом"),
        "approved_on": _l("Дата утверждения"),
        "coordinator_body": _l("Координатор программы"),
        "note": _l("Примечание"),
    }
    description_columns = {
        "approved_act": _l("Например: постановление администрации города Новокузнецка от 20.01.2020 № 12")
    }
    list_columns = ["name", "year", "coordinator_body", "approved_act"]
    show_columns = ["name", "year", "approved_act", "approved_on", "coordinator_body", "note"]
    add_columns = edit_columns = show_columns
    search_columns = ["name", "year", "coordinator_body"]
    related_views = [CommitteeMemberView, EventView]
    base_order = ("year", "desc")
    show_template = "events/programme_show.html"

    @expose("/committee/<int:pk>")
    @has_access
    def committee(self, pk: int) -> Any:
        """The organising committee on a date (today by default): who was on it, by the acts in force."""
        programme = self.datamodel.get(pk, self._base_filters)
        if programme is None:
            abort(404)
        text = request.args.get("on", "")
        try:
            day = parse_date(text) if text else local_today()
        except ValueError:
            raise BadListArgument(_l("Дата должна быть в формате ДД.ММ.ГГГГ, например 01.05.2024")) from None
        return self.render_template(
            "events/committee.html",
            title=gettext("Состав оргкомитета на %(date)s", date=format_date(day)),
            programme=programme,
            day=day,
            day_text=format_date(day),
            members=committee_on(programme, day),
            role_labels=ROLE_LABELS,
        )


# ---- the title campaign and its petitions -------------------------------------------------------

PETITION_LABELS = {
    "campaign": _l("Кампания"),
    "applicant_type": _l("Заявитель"),
    "applicant_last_name": _l("Фамилия"),
    "applicant_first_name": _l("Имя"),
    "applicant_patronymic": _l("Отчество"),
    "applicant_address": _l("Адрес"),
    "organisation_name": _l("Организация"),
    "received_on": _l("Дата поступления"),
    "summary": _l("Краткое содержание"),
    "status": _l("Статус"),
    "appeal": _l("Зарегистрировано как обращение гражданина"),
    "incoming_number": _l("Входящий номер письма"),
    "incoming_date": _l("Дата регистрации письма"),
    "incoming_document": _l("Входящий документ"),
}
RESIDENT = ["applicant_last_name", "applicant_first_name", "applicant_patronymic", "applicant_address"]


class TitlePetitionView(UpravaModelView):
    datamodel = UpravaInterface(TitlePetition)
    hooks = PETITION_HOOKS
    class_permission_name = "TitlePetition"
    method_permission_name = {
        **UpravaModelView.method_permission_name,
        "register_appeal": WRITE,
        "include": WRITE,
    }
    list_title = _l("Обращения в поддержку присвоения звания")
    show_title = edit_title = _l("Обращение в поддержку присвоения звания")
    add_title = _l("Новое обращение в поддержку присвоения звания")
    label_columns = PETITION_LABELS
    description_columns = {
        "applicant_last_name": _l("Для обращения жителя (персональные данные)"),
        "organisation_name": _l("Для обращения организации"),
        "incoming_document": _l("Письмо организации, зарегистрированное в журнале входящих документов"),
        "incoming_number": _l("Для писем, зарегистрированных до ведения журнала в системе"),
    }
    list_columns = ["received_on", "applicant_type", "organisation_name", "applicant_last_name", "summary", "status"]
    show_columns = [
        "campaign",
        "applicant_type",
        *RESIDENT,
        "organisation_name",
        "received_on",
        "summary",
        "status",
        "appeal",
        "incoming_document",
        "incoming_number",
        "incoming_date",
    ]
    add_columns = [
        "campaign",
        "applicant_type",
        *RESIDENT,
        "organisation_name",
        "received_on",
        "summary",
        "incoming_document",
        "incoming_number",
        "incoming_date",
    ]
    edit_columns = [c for c in add_columns if c != "campaign"]
    search_columns = ["campaign", "applicant_type", "received_on", "status", "organisation_name", "applicant_last_name"]
    formatters_columns = {
        "applicant_type": label_of(APPLICANT_LABELS),
        "status": label_of(PETITION_STATUS_LABELS),
        "incoming_document": record_link("DocumentView.show", "ControlDocument"),
    }
    add_form_extra_fields = edit_form_extra_fields = {
        "applicant_type": required_choice(_l("Заявитель"), APPLICANT_LABELS)
    }
    search_form_extra_fields = {
        "applicant_type": filter_choice(_l("Заявитель"), APPLICANT_LABELS),
        "status": filter_choice(_l("Статус"), PETITION_STATUS_LABELS),
    }
    base_order = ("received_on", "desc")

    def _after_action(self, item: TitlePetition, do: Any, done: Any) -> Any:
        try:
            result = do(item)
        except DomainError as exc:
            db.session.rollback()
            flash(str(exc), "danger")
            return redirect(url_for(f"{self.endpoint}.show", pk=item.id))
        db.session.commit()
        flash(done(result), "success")
        return redirect(url_for(f"{self.endpoint}.show", pk=item.id))

    @action(
        "register_appeal",
        _l("Зарегистрировать обращение гражданина"),
        _l("Обращение жителя — предложение по 59-ФЗ: зарегистрировать его в журнале обращений граждан?"),
        "fa-file-signature",
        multiple=False,
    )
    def register_appeal(self, item: TitlePetition) -> Any:
        return self._after_action(
            item,
            register_petition_appeal,
            lambda appeal: gettext("Зарегистрировано обращение гражданина %(number)s", number=appeal.reg_number),
        )

    @action(
        "include",
        _l("Включить в заявку"),
        _l("Включить обращение в заявку города на присвоение звания?"),
        "fa-check",
        multiple=False,
    )
    def include(self, item: TitlePetition) -> Any:
        return self._after_action(item, include_petition, lambda _petition: gettext("Обращение включено в заявку"))


class TitleCampaignView(UpravaModelView):
    datamodel = UpravaInterface(TitleCampaign)
    hooks = CAMPAIGN_HOOKS
    class_permission_name = "TitlePetition"
    list_title = _l("Кампании по присвоению почётных званий")
    show_title = edit_title = _l("Кампания по присвоению почётного звания")
    add_title = _l("Новая кампания")
    label_columns = {
        "name": _l("Кампания"),
        "honorary_title": _l("Почётное звание"),
        "started_on": _l("Начало"),
        "ended_on": _l("Окончание"),
        "granted_on": _l("Звание присвоено"),
        "status": _l("Статус"),
        "coordinator_body": _l("Орган, ведущий кампанию"),
        "note": _l("Примечание"),
    }
    list_columns = ["name", "honorary_title", "started_on", "status", "granted_on"]
    show_columns = [
        "name",
        "honorary_title",
        "started_on",
        "ended_on",
        "status",
        "granted_on",
        "coordinator_body",
        "note",
    ]
    add_columns = edit_columns = show_columns
    search_columns = ["name", "honorary_title", "status", "started_on"]
    formatters_columns = {"status": label_of(CAMPAIGN_STATUS_LABELS)}
    add_form_extra_fields = edit_form_extra_fields = {
        "status": required_choice(_l("Статус"), CAMPAIGN_STATUS_LABELS, "collecting")
    }
    related_views = [TitlePetitionView]
    base_order = ("started_on", "desc")
