"""Appeal views: configuration; hooks call the services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import g, jsonify, request, url_for
from flask_appbuilder import expose
from flask_appbuilder.fieldwidgets import Select2Widget
from flask_appbuilder.security.decorators import has_access
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from sqlalchemy import and_, select
from wtforms import SelectField, SelectMultipleField, StringField
from wtforms.validators import InputRequired, Length, ValidationError

from ..core.calendar.formatters import deadline_badge
from ..core.dates import format_date, local_today
from ..core.filters import UpravaInterface
from ..core.list_render import PageFormatter
from ..core.presets import Preset
from ..core.views import UpravaModelView
from ..extensions import db
from ..security import READ
from .models import (
    AnswerMethod,
    Appeal,
    AppealCopy,
    AppealForm,
    AppealKind,
    AppealQuestion,
    DocumentRequest,
    QuestionType,
)
from .reference.classifier import question_label, question_paths, search_questions
from .reference.models import Channel
from .services import APPEAL_HOOKS, DOCUMENT_REQUEST_HOOKS, QUESTION_HOOKS, STATUS_LABELS, add_picked_questions

FORM_LABELS = {
    AppealForm.WRITTEN.value: _l("Письменное"),
    AppealForm.ELECTRONIC.value: _l("Электронное"),
    AppealForm.ORAL.value: _l("Устное"),
}
KIND_LABELS = {AppealKind.INDIVIDUAL.value: _l("Индивидуальное"), AppealKind.COLLECTIVE.value: _l("Коллективное")}
QUESTION_TYPE_LABELS = {
    QuestionType.PROPOSAL.value: _l("Предложение"),
    QuestionType.STATEMENT.value: _l("Заявление"),
    QuestionType.COMPLAINT.value: _l("Жалоба"),
}
ANSWER_METHOD_LABELS = {
    AnswerMethod.POST.value: _l("Почтой"),
    AnswerMethod.EMAIL.value: _l("По электронной почте"),
    AnswerMethod.EPGU.value: _l("Через ЕПГУ (Госуслуги)"),
    AnswerMethod.IN_PERSON.value: _l("Лично"),
}
STATUS_BY_VALUE = {status.value: label for status, label in STATUS_LABELS.items()}


def _label(labels: dict[str, Any]) -> Any:
    return lambda value: labels.get(value, value or "")


def _select(label: Any, labels: dict[str, Any], default: str) -> SelectField:
    return SelectField(label, choices=list(labels.items()), default=default, validators=[InputRequired()])


QUESTION_LABELS = {
    "appeal": _l("Обращение"),
    "classifier_code": _l("Код классификатора"),
    "question_type": _l("Тип вопроса"),
    "text": _l("Содержание вопроса"),
    "result": _l("Результат"),
    "measures_taken": _l("Принятые меры"),
}


class QuestionSelectWidget:
    """The question drop-down: the clerk types a word of the question's name (or its code) and picks it by its
    path «раздел › тематика › тема › вопрос»; the form receives the code (uprava.js `uprava-ajax-select`).
    `multiple`: several questions at once (the registration form); select2 turns the same element into a
    multiple pick, from the page's own script (no inline script: the CSP nonce stays on uprava.js)."""

    def __init__(self, multiple: bool = False) -> None:
        self.multiple = multiple

    def __call__(self, field: Any, **kwargs: Any) -> Markup:
        url = url_for("AppealQuestionView.classifier")
        data = field.data or []
        codes = [c for c in (data if isinstance(data, list | tuple) else [data]) if c]
        current = Markup("").join(
            Markup('<option value="{}" selected>{}</option>').format(code, question_label(code)) for code in codes
        )
        multiple = Markup(" multiple") if self.multiple else Markup("")
        select = Markup('<select class="uprava-ajax-select form-control" id="{}" name="{}" data-url="{}"{}>').format(
            field.id, field.name, url, multiple
        )
        blank = Markup("") if self.multiple else Markup('<option value=""></option>')
        return select + blank + current + Markup("</select>")


class QuestionCodesField(SelectMultipleField):
    """The registration form's questions: codes picked by name. Not a column of the appeal — the view hands
    them to the services (`add_picked_questions`), which check each code as the card's question form does."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The offered questions are looked up as the clerk types; the services judge the codes.
        kwargs.setdefault("validate_choice", False)
        super().__init__(*args, choices=[], **kwargs)

    def pre_validate(self, form: Any) -> None:
        for code in self.data or []:
            if len(code) > 32:
                raise ValidationError(_l("Код вопроса длиннее 32 знаков"))

    def populate_obj(self, obj: Any, name: str) -> None:
        """Nothing to copy onto the appeal: the questions are rows of their own."""


def _question_field() -> StringField:
    return StringField(
        _l("Вопрос по классификатору"),
        validators=[InputRequired(_l("Выберите вопрос по классификатору")), Length(max=32)],
        widget=QuestionSelectWidget(),
        description=_l("Начните вводить слово из названия вопроса или его код"),
    )


def _question_codes_field() -> QuestionCodesField:
    return QuestionCodesField(
        _l("Вопросы"),
        widget=QuestionSelectWidget(multiple=True),
        description=_l(
            "Начните вводить слово из названия вопроса или его код; можно выбрать несколько. "
            "Тип и содержание вопроса уточняются на вкладке вопросов карточки"
        ),
    )


def _question_cell(code: str | None, path: str | None) -> Markup:
    if not code:
        return Markup("")
    if path is None or path == code:
        return escape(code)
    return Markup('{} <span class="text-muted small">{}</span>').format(path, code)


#: The card's questions tab: the question's path, its code small beside it (paths read once per page).
_question_name = PageFormatter(question_paths, _question_cell)


class AppealQuestionView(UpravaModelView):
    datamodel = UpravaInterface(AppealQuestion)
    hooks = QUESTION_HOOKS
    class_permission_name = "Appeal"
    method_permission_name = {**UpravaModelView.method_permission_name, "classifier": READ}
    list_title = _l("Вопросы обращений")
    show_title = add_title = edit_title = _l("Вопрос обращения")
    label_columns = {**QUESTION_LABELS, "classifier_code": _l("Вопрос по классификатору")}
    list_columns = ["classifier_code", "question_type", "text", "result"]
    show_columns = ["appeal", "classifier_code", "question_type", "text", "result", "measures_taken"]
    add_columns = ["appeal", "classifier_code", "question_type", "text"]
    edit_columns = ["classifier_code", "question_type", "text", "result", "measures_taken"]
    search_columns = ["classifier_code", "question_type", "result"]
    formatters_columns = {"question_type": _label(QUESTION_TYPE_LABELS), "classifier_code": _question_name}
    add_form_extra_fields = edit_form_extra_fields = {
        "question_type": _select(_l("Тип вопроса"), QUESTION_TYPE_LABELS, QuestionType.STATEMENT.value),
        "classifier_code": _question_field(),
    }
    base_order = ("id", "asc")

    @expose("/classifier")
    @has_access
    def classifier(self) -> Any:
        """The question drop-down's search: assignable questions of the active edition by name or code."""
        return jsonify(result=search_questions(request.args.get("q", "")[:100]))


class AppealCopyView(UpravaModelView):
    """The card's «Копии» tab: made by the forward and copies actions, never edited (a sent letter is a fact)."""

    datamodel = UpravaInterface(AppealCopy)
    class_permission_name = "Appeal"
    include_route_methods = {"list", "show", "export_csv", "export_xlsx"}
    list_title = _l("Копии обращения")
    show_title = _l("Копия обращения (ч. 4 ст. 8 59-ФЗ)")
    label_columns = {
        "appeal": _l("Обращение"),
        "body": _l("Орган"),
        "sent_on": _l("Дата направления"),
        "late": _l("С нарушением 7-дневного срока"),
    }
    list_columns = ["body", "sent_on", "late"]
    show_columns = ["appeal", "body", "sent_on", "late"]
    search_columns = ["body", "sent_on"]
    base_order = ("sent_on", "asc")


class DocumentRequestView(UpravaModelView):
    datamodel = UpravaInterface(DocumentRequest)
    hooks = DOCUMENT_REQUEST_HOOKS
    class_permission_name = "Appeal"
    list_title = _l("Запросы документов")
    show_title = add_title = edit_title = _l("Запрос документов (ч. 2 ст. 10 59-ФЗ)")
    label_columns = {
        "appeal": _l("Обращение"),
        "addressee": _l("Куда направлен"),
        "what": _l("Что запрошено"),
        "sent_on": _l("Дата запроса"),
        "due_on": _l("Срок ответа на запрос"),
        "due_state": _l("Срок ответа на запрос"),
        "received_on": _l("Ответ получен"),
    }
    description_columns = {"sent_on": _l("Срок ответа — 15 дней; срок рассмотрения обращения не меняется")}
    list_columns = ["addressee", "what", "sent_on", "due_state", "received_on"]
    show_columns = ["appeal", "addressee", "what", "sent_on", "due_on", "received_on"]
    add_columns = ["appeal", "addressee", "what", "sent_on"]
    edit_columns = ["addressee", "what", "received_on"]
    formatters_columns = {"due_state": deadline_badge}
    base_order = ("sent_on", "asc")


APPEAL_LABELS = {
    "due_state": _l("Срок ответа"),
    "due_unconfirmed": _l("Срок по неутверждённому календарю"),
    "forwarded_late": _l("Переадресовано с нарушением срока"),
    "reg_number": _l("Рег. номер"),
    "reg_date": _l("Дата регистрации"),
    "received_date": _l("Дата поступления"),
    "registered_late": _l("Зарегистрировано позже 3 дней"),
    "channel": _l("Канал поступления"),
    "form": _l("Форма"),
    "kind": _l("Вид"),
    "signatories": _l("Подписантов"),
    "is_repeat": _l("Повторное"),
    "is_duplicate": _l("Дубликат"),
    "previous_appeal": _l("Предыдущее обращение"),
    "came_from": _l("Поступило из"),
    "came_from_number": _l("Номер сопроводительного письма"),
    "came_from_date": _l("Дата сопроводительного письма"),
    "is_anonymous": _l("Анонимное"),
    "applicant_last_name": _l("Фамилия"),
    "applicant_first_name": _l("Имя"),
    "applicant_patronymic": _l("Отчество"),
    "applicant_address": _l("Почтовый адрес"),
    "applicant_district": _l("Район заявителя"),
    "applicant_email": _l("Эл. почта"),
    "applicant_phone": _l("Телефон"),
    "applicant_social_status": _l("Социальное положение"),
    "applicant_benefit": _l("Льготная категория"),
    "summary": _l("Краткое содержание"),
    "text": _l("Текст обращения"),
    "problem_address": _l("Адрес проблемы"),
    "district": _l("Район проблемы"),
    "receiving_body": _l("Орган-получатель"),
    "responsible_body": _l("Ответственный орган"),
    "executor": _l("Исполнитель"),
    "complained_body": _l("Обжалуемый орган"),
    "pos_external_id": _l("Номер в ПОС"),
    "pos_category": _l("Категория ПОС"),
    "status": _l("Статус"),
    "due_date": _l("Срок ответа"),
    "original_due_date": _l("Срок до продления"),
    "extension_reason": _l("Основание продления"),
    "extension_notified_on": _l("Заявитель уведомлён о продлении"),
    "forward_due_date": _l("Срок переадресации"),
    "forwarded_on": _l("Переадресовано"),
    "forwarded_to": _l("Куда переадресовано"),
    "closure_reason": _l("Основание (ст. 11 59-ФЗ)"),
    "answer_number": _l("Номер ответа"),
    "answer_date": _l("Дата ответа"),
    "answer_method": _l("Способ ответа"),
    "answer_signed_by": _l("Подписал"),
    "closed_on": _l("Закрыто"),
    "instruction": _l("Поручение на контроле"),
}


def _open() -> Any:
    return Appeal.open_clause()


def _urgent(ctx: Any) -> Any:
    return and_(_open(), Appeal.due_date <= ctx.today + dt.timedelta(days=7))


#: One-click lists for supervisors and executors (`?preset=` on the appeal list, its exports and counters).
APPEAL_PRESETS = (
    Preset("open", _l("Обращения в работе"), lambda ctx: _open()),
    Preset(
        "overdue",
        _l("Просроченные обращения"),
        lambda ctx: and_(_open(), Appeal.due_date < ctx.today),
        menu="AppealsOverdue",
        menu_label=_l("Просроченные"),
        icon="fa-exclamation-circle",
    ),
    Preset(
        "week",
        _l("Обращения со сроком в ближайшие 7 дней"),
        lambda ctx: and_(_open(), Appeal.due_date >= ctx.today, Appeal.due_date <= ctx.today + dt.timedelta(days=7)),
        menu="AppealsThisWeek",
        menu_label=_l("Срок в ближайшие 7 дней"),
        icon="fa-calendar",
    ),
    Preset(
        "mine",
        _l("Мои обращения"),
        lambda ctx: Appeal.executor_id == ctx.user_id,
        menu="AppealsMine",
        icon="fa-user",
    ),
    # The home page's «Ближайшие сроки» (app/core/workspace): what is overdue or due within 7 days.
    Preset("urgent", _l("Обращения: просроченные и со сроком в ближайшие 7 дней"), lambda ctx: _urgent(ctx)),
    Preset(
        "mine_urgent",
        _l("Мои обращения: просроченные и со сроком в ближайшие 7 дней"),
        lambda ctx: and_(_urgent(ctx), Appeal.executor_id == ctx.user_id),
    ),
)
#: Preset names by key (report links name the list they open).
PRESETS: dict[str, Any] = {p.key: p.label for p in APPEAL_PRESETS}


def _channel_ids(*codes: str) -> list[int]:
    return list(db.session.scalars(select(Channel.id).where(Channel.code.in_(codes))))


class AppealView(UpravaModelView):
    datamodel = UpravaInterface(Appeal)
    hooks = APPEAL_HOOKS
    class_permission_name = "Appeal"
    list_title = _l("Обращения граждан")
    show_title = _l("Регистрационная карточка обращения")
    add_title = _l("Регистрация обращения")
    edit_title = _l("Карточка обращения")
    label_columns = APPEAL_LABELS
    list_columns = [
        "reg_number",
        "reg_date",
        "channel",
        "summary",
        "responsible_body",
        "executor",
        "status",
        "due_state",
    ]
    applicant = [
        "is_anonymous",
        "applicant_last_name",
        "applicant_first_name",
        "applicant_patronymic",
        "applicant_address",
        "applicant_district",
        "applicant_email",
        "applicant_phone",
        "applicant_social_status",
        "applicant_benefit",
    ]
    card = [
        "received_date",
        "channel",
        "form",
        "kind",
        "signatories",
        "is_repeat",
        "is_duplicate",
        "previous_appeal",
        "came_from",
        "came_from_number",
        "came_from_date",
        "pos_external_id",
        "pos_category",
    ]
    matter = [
        "summary",
        "text",
        "problem_address",
        "district",
        "receiving_body",
        "responsible_body",
        "executor",
        "complained_body",
    ]
    outcome = [
        "status",
        "due_date",
        "original_due_date",
        "extension_reason",
        "extension_notified_on",
        "forward_due_date",
        "forwarded_on",
        "forwarded_to",
        "closure_reason",
        "answer_number",
        "answer_date",
        "answer_method",
        "answer_signed_by",
        "closed_on",
    ]
    show_fieldsets = [
        (_l("Регистрация"), {"fields": ["reg_number", "reg_date", "registered_late", *card]}),
        (_l("Заявитель"), {"fields": applicant}),
        (_l("Суть обращения"), {"fields": matter}),
        (_l("Рассмотрение"), {"fields": [*outcome, "instruction"]}),
    ]
    show_columns = ["reg_number", "reg_date", "registered_late", *card, *applicant, *matter, *outcome, "instruction"]
    #: The appeal's own fields at registration (the REST API takes the same ones).
    registration_columns = [*card, *applicant, *matter]
    # The form also picks the appeal's questions by name (not a column: rows of their own).
    add_columns = [*registration_columns, "question_codes"]
    # The registration form in the order a clerk fills it: what came, from whom, about what, to whom.
    add_fieldsets = [
        (_l("Поступление"), {"fields": card}),
        (_l("Заявитель"), {"fields": applicant}),
        (_l("Содержание"), {"fields": ["summary", "text", "question_codes", "problem_address", "district"]}),
        (_l("Направление"), {"fields": ["receiving_body", "responsible_body", "executor", "complained_body"]}),
    ]
    show_hide_empty = True
    show_after_add = True
    # What applies only to some channels or kinds is asked only then.
    shown_when = {
        "pos_external_id": ("channel", lambda: _channel_ids("pos")),
        "pos_category": ("channel", lambda: _channel_ids("pos")),
        "came_from": ("channel", lambda: _channel_ids("higher_body")),
        "came_from_number": ("channel", lambda: _channel_ids("higher_body")),
        "came_from_date": ("channel", lambda: _channel_ids("higher_body")),
        "signatories": ("kind", lambda: [AppealKind.COLLECTIVE.value]),
    }
    # Questions are edited on the card's questions tab, each with its type, text and result.
    edit_columns = [c for c in registration_columns if c not in ("channel",)]
    search_columns = [
        "reg_number",
        "reg_date",
        "channel",
        "status",
        "responsible_body",
        "receiving_body",
        "district",
        "executor",
        "due_date",
        "applicant_last_name",
    ]
    formatters_columns = {
        "status": _label(STATUS_BY_VALUE),
        "form": _label(FORM_LABELS),
        "kind": _label(KIND_LABELS),
        "due_state": deadline_badge,
        "answer_method": _label(ANSWER_METHOD_LABELS),
    }
    # The status filter offers the statuses by name (the stored values are internal keys).
    search_form_extra_fields = {
        "status": SelectField(_l("Статус"), choices=list(STATUS_BY_VALUE.items()), widget=Select2Widget())
    }
    edit_form_extra_fields = {
        "form": _select(_l("Форма"), FORM_LABELS, AppealForm.WRITTEN.value),
        "kind": _select(_l("Вид"), KIND_LABELS, AppealKind.INDIVIDUAL.value),
    }
    add_form_extra_fields = {**edit_form_extra_fields, "question_codes": _question_codes_field()}
    related_views = [AppealQuestionView, DocumentRequestView, AppealCopyView]
    presets = APPEAL_PRESETS
    base_order = ("reg_date", "desc")
    show_template = "appeals/show.html"
    list_template = "appeals/list.html"

    def process_form(self, form: Any, is_created: bool) -> None:
        # The picked questions are no column of the appeal: pre_add registers them with it (one request).
        if is_created and "question_codes" in form._fields:
            g.uprava_picked_questions = list(form.question_codes.data or [])

    def pre_add(self, item: Appeal) -> None:
        super().pre_add(item)
        # After the appeal is numbered and checked; a refused code refuses the whole registration.
        add_picked_questions(item, g.pop("uprava_picked_questions", []))

    def prefill_add(self, form: Any) -> None:
        if "received_date" in form._fields and form.received_date.data is None:
            form.received_date.data = local_today()

    def card_heading(self, item: Appeal) -> Any:
        status = STATUS_BY_VALUE.get(item.status, item.status)
        if item.annulled_at is not None:
            status = _l("аннулировано")
        return _l(
            "Регистрационная карточка обращения %(number)s — %(status)s", number=item.reg_number or "—", status=status
        )

    def card_summary(self, item: Appeal) -> Any:
        parts = [Markup("<strong>{}</strong>: {}").format(_l("Срок ответа"), deadline_badge(item.due_state()))]
        if item.import_batch is not None:
            # A card brought from a legacy register may lack what the old system did not keep.
            batch = item.import_batch
            parts.append(
                escape(
                    _l(
                        "Загружено из файла «%(file)s» %(date)s",
                        file=batch.filename,
                        date=format_date(batch.imported_at),
                    )
                )
            )
        return Markup(" · ").join(parts)

    def added_message(self, item: Appeal) -> Any:
        return _l(
            "Обращение зарегистрировано: %(number)s, срок ответа %(due)s",
            number=item.reg_number,
            due=format_date(item.due_date),
        )
