"""Control views: configuration; hooks call the services, actions live in action_views.py."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from flask_appbuilder.fieldwidgets import Select2Widget
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, exists
from wtforms import SelectField
from wtforms.validators import InputRequired, Optional

from ..core import menus
from ..core.calendar.formatters import deadline_badge
from ..core.dates import format_date
from ..core.filters import UpravaInterface
from ..core.forms import RuDateField
from ..core.presets import Preset
from ..core.views import UpravaModelView
from .models import (
    OPEN_VALUES,
    Correspondent,
    CorrespondentKind,
    Delivery,
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
from .services import CORRESPONDENT_HOOKS, DOCUMENT_HOOKS, INSTRUCTION_HOOKS, RESOLUTION_HOOKS, STATUS_LABELS
from .sources import PAPER_KINDS, SOURCES

if TYPE_CHECKING:
    from flask_appbuilder import AppBuilder

CORRESPONDENT_KIND_LABELS = {
    CorrespondentKind.ORGANISATION.value: _l("Организация"),
    CorrespondentKind.GOV_BODY.value: _l("Государственный орган"),
    CorrespondentKind.HIGHER_BODY.value: _l("Вышестоящий орган"),
    CorrespondentKind.DEPUTY.value: _l("Депутат"),
    CorrespondentKind.COURT.value: _l("Суд"),
    CorrespondentKind.PROSECUTOR.value: _l("Прокуратура"),
    CorrespondentKind.MEDIA.value: _l("Средство массовой информации"),
    CorrespondentKind.CITIZEN.value: _l("Гражданин"),
}
DIRECTION_LABELS = {
    Direction.INCOMING.value: _l("Входящий"),
    Direction.OUTGOING.value: _l("Исходящий"),
    Direction.INTERNAL.value: _l("Внутренний"),
}
DELIVERY_LABELS = {
    Delivery.POST.value: _l("Почта"),
    Delivery.EMAIL.value: _l("Электронная почта"),
    Delivery.MEDO.value: _l("МЭДО"),
    Delivery.EDMS.value: _l("СЭД"),
    Delivery.COURIER.value: _l("Курьер"),
    Delivery.FAX.value: _l("Факс"),
    Delivery.BY_HAND.value: _l("Нарочно"),
    Delivery.EPGU.value: _l("ЕПГУ"),
}
URGENCY_LABELS = {
    Urgency.NONE.value: _l("Без отметки о срочности"),
    Urgency.PROMPT.value: _l("Оперативно"),
    Urgency.URGENT.value: _l("Срочно"),
}
STATUS_BY_VALUE = {status.value: label for status, label in STATUS_LABELS.items()}
EXTENSION_STATUS_LABELS = {
    ExtensionStatus.REQUESTED.value: _l("Ждёт решения"),
    ExtensionStatus.APPROVED.value: _l("Продлено"),
    ExtensionStatus.REJECTED.value: _l("Отказано"),
}
REPORT_KIND_LABELS = {ReportKind.INTERIM.value: _l("Промежуточный"), ReportKind.FINAL.value: _l("Итоговый")}
REPORT_DECISION_LABELS = {
    ReportDecision.ACCEPTED.value: _l("Принят"),
    ReportDecision.RETURNED.value: _l("Возвращён на доработку"),
}


def _label(labels: dict[str, Any]) -> Any:
    return lambda value: labels.get(value, value or "")


def _source_label(code: str) -> Any:
    kind = SOURCES.get(code)
    return kind.label if kind is not None else code


def _select(label: Any, labels: dict[str, Any], default: str | None = None, required: bool = True) -> SelectField:
    choices = list(labels.items()) if required else [("", "—"), *labels.items()]
    validators = [InputRequired()] if required else [Optional()]
    return SelectField(label, choices=choices, default=default, validators=validators)


# ---- reference tables ---------------------------------------------------------------------------


class CorrespondentView(UpravaModelView):
    datamodel = UpravaInterface(Correspondent)
    hooks = CORRESPONDENT_HOOKS
    class_permission_name = "Correspondent"
    list_title = _l("Корреспонденты")
    show_title = edit_title = _l("Корреспондент")
    add_title = _l("Новый корреспондент")
    label_columns = {
        "kind": _l("Вид корреспондента"),
        "name": _l("Наименование организации"),
        "citizen_name": _l("ФИО гражданина"),
        "citizen_address": _l("Адрес гражданина"),
        "inn": _l("ИНН"),
        "address": _l("Адрес организации"),
        "email": _l("Эл. почта"),
        "is_active": _l("Действует"),
    }
    description_columns = {
        "name": _l("Для гражданина не заполняется: его ФИО и адрес — персональные данные"),
    }
    list_columns = ["kind", "name", "citizen_name", "inn", "is_active"]
    show_columns = ["kind", "name", "citizen_name", "citizen_address", "inn", "address", "email", "is_active"]
    add_columns = edit_columns = show_columns
    search_columns = ["kind", "name", "citizen_name", "inn", "is_active"]
    formatters_columns = {"kind": _label(CORRESPONDENT_KIND_LABELS)}
    search_form_extra_fields = {
        "kind": SelectField(
            _l("Вид корреспондента"), choices=list(CORRESPONDENT_KIND_LABELS.items()), widget=Select2Widget()
        )
    }
    add_form_extra_fields = edit_form_extra_fields = {
        "kind": _select(_l("Вид корреспондента"), CORRESPONDENT_KIND_LABELS, CorrespondentKind.ORGANISATION.value)
    }
    base_order = ("name", "asc")


class DocumentKindView(UpravaModelView):
    datamodel = UpravaInterface(DocumentKind)
    class_permission_name = "DocumentKind"
    list_title = _l("Виды документов")
    show_title = edit_title = _l("Вид документа")
    add_title = _l("Новый вид документа")
    label_columns = {
        "code": _l("Код"),
        "name": _l("Наименование"),
        "sort_order": _l("Порядок"),
        "is_active": _l("Действует"),
    }
    description_columns = {"code": _l("Постоянный ключ для программы и загрузки из файлов")}
    list_columns = ["name", "code", "sort_order", "is_active"]
    show_columns = add_columns = edit_columns = ["code", "name", "sort_order", "is_active"]
    search_columns = ["name", "is_active"]
    admin_columns = ["code"]
    base_order = ("sort_order", "asc")


# ---- execution reports and extensions (read here, made by the actions) ----------------------------


class ExtensionView(UpravaModelView):
    """The card's «Продления» tab: every request and decision is kept; made only by the actions."""

    datamodel = UpravaInterface(Extension)
    class_permission_name = "InstructionExecution"
    include_route_methods = {"list", "show", "export_csv", "export_xlsx"}
    list_title = _l("Продления срока")
    show_title = _l("Продление срока поручения")
    label_columns = {
        "instruction": _l("Поручение"),
        "old_deadline": _l("Срок до продления"),
        "requested_deadline": _l("Запрошенный срок"),
        "reason": _l("Обоснование"),
        "requested_by": _l("Кто запросил"),
        "requested_on": _l("Дата запроса"),
        "status": _l("Решение"),
        "decided_by": _l("Кто внёс решение"),
        "decided_on": _l("Дата решения"),
        "approved_deadline": _l("Новый срок"),
        "decision_comment": _l("Комментарий к решению"),
        "decision_basis": _l("Основание решения автора срока"),
    }
    list_columns = ["requested_on", "old_deadline", "requested_deadline", "requested_by", "status", "approved_deadline"]
    show_columns = [
        "instruction",
        "requested_on",
        "requested_by",
        "old_deadline",
        "requested_deadline",
        "reason",
        "status",
        "decided_on",
        "decided_by",
        "approved_deadline",
        "decision_comment",
        "decision_basis",
    ]
    search_columns = ["requested_on", "status"]
    formatters_columns = {"status": _label(EXTENSION_STATUS_LABELS)}
    base_order = ("id", "asc")


class ExecutionReportView(UpravaModelView):
    """The card's «Отчёты об исполнении» tab; files of a report are attached on its card."""

    datamodel = UpravaInterface(ExecutionReport)
    class_permission_name = "InstructionExecution"
    include_route_methods = {"list", "show", "export_csv", "export_xlsx"}
    list_title = _l("Отчёты об исполнении")
    show_title = _l("Отчёт об исполнении")
    label_columns = {
        "instruction": _l("Поручение"),
        "kind": _l("Вид отчёта"),
        "text": _l("Что сделано"),
        "submitted_by": _l("Кто представил"),
        "submitted_on": _l("Дата"),
        "decision": _l("Решение контролёра"),
        "decided_by": _l("Контролёр"),
        "decided_on": _l("Дата решения"),
        "comment": _l("Комментарий контролёра"),
    }
    list_columns = ["submitted_on", "kind", "text", "submitted_by", "decision", "decided_on"]
    show_columns = [
        "instruction",
        "kind",
        "submitted_on",
        "submitted_by",
        "text",
        "decision",
        "decided_on",
        "decided_by",
        "comment",
    ]
    search_columns = ["submitted_on", "kind", "decision"]
    formatters_columns = {
        "kind": _label(REPORT_KIND_LABELS),
        "decision": _label(REPORT_DECISION_LABELS),
    }
    base_order = ("id", "asc")


# ---- instructions ---------------------------------------------------------------------------------

INSTRUCTION_LABELS = {
    "reg_number": _l("Рег. номер"),
    "reg_date": _l("Поставлено на контроль"),
    "source_kind": _l("Источник"),
    "source_ref": _l("Источник"),
    "source_note": _l("Реквизиты источника"),
    "document": _l("Документ"),
    "resolution": _l("Резолюция"),
    "text": _l("Текст поручения"),
    "text_brief": _l("Поручение"),
    "issued_by": _l("Автор поручения (пользователь)"),
    "issued_by_name": _l("Автор поручения без учётной записи"),
    "author_text": _l("Автор поручения"),
    "is_head_instruction": _l("Поручение Главы города"),
    "issued_on": _l("Дата поручения"),
    "controller": _l("Контролёр"),
    "responsible_body": _l("Ответственный орган"),
    "co_executors": _l("Соисполнители"),
    "executor": _l("Исполнитель"),
    "urgency": _l("Срочность"),
    "deadline_original": _l("Первоначальный срок"),
    "deadline": _l("Срок исполнения"),
    "deadline_history": _l("Продление"),
    "due_state": _l("Срок исполнения"),
    "control_date": _l("Контрольный срок"),
    "status": _l("Статус"),
    "removed_on": _l("Снято с контроля (отменено)"),
    "removed_by": _l("Кто снял с контроля"),
    "removal_basis": _l("Основание снятия с контроля"),
    "result": _l("Результат исполнения"),
}


def _open() -> Any:
    return Instruction.status.in_(OPEN_VALUES)


#: One-click lists for supervisors and executors (`?preset=` on the list, its exports and the home counters).
INSTRUCTION_PRESETS = (
    Preset(
        "on_control",
        _l("Поручения на контроле"),
        lambda ctx: _open(),
        menu="InstructionsOnControl",
        menu_label=_l("На контроле"),
        icon="fa-tasks",
    ),
    Preset(
        "overdue",
        _l("Просроченные поручения"),
        lambda ctx: and_(_open(), Instruction.deadline < ctx.today),
        menu="InstructionsOverdue",
        menu_label=_l("Просроченные"),
        icon="fa-exclamation-circle",
    ),
    Preset(
        "week",
        _l("Поручения со сроком в ближайшие 7 дней"),
        lambda ctx: and_(
            _open(), Instruction.deadline >= ctx.today, Instruction.deadline <= ctx.today + dt.timedelta(days=7)
        ),
        menu="InstructionsThisWeek",
        menu_label=_l("Срок в ближайшие 7 дней"),
        icon="fa-calendar",
    ),
    # A deputy head: the extension requests of deadlines he set.
    Preset(
        "awaiting",
        _l("Продления, ждущие моего решения"),
        lambda ctx: and_(
            Instruction.status == InstructionStatus.EXTENSION_REQUESTED.value,
            Instruction.issued_by_id == ctx.user_id,
        ),
    ),
    # The controller: execution reports waiting for him.
    Preset(
        "reports",
        _l("Отчёты об исполнении, ждущие проверки"),
        lambda ctx: and_(
            Instruction.status == InstructionStatus.REPORT_SUBMITTED.value,
            Instruction.controller_id == ctx.user_id,
        ),
    ),
    Preset("mine", _l("Мои поручения"), lambda ctx: and_(_open(), Instruction.executor_id == ctx.user_id)),
    # Removed from control after the current deadline (R-C1's «снято с нарушением срока»).
    Preset(
        "removed_late",
        _l("Снятые с контроля с нарушением срока"),
        lambda ctx: and_(
            Instruction.status == InstructionStatus.REMOVED.value, Instruction.removed_on > Instruction.deadline
        ),
    ),
    Preset(
        "extended",
        _l("Поручения с продлённым сроком"),
        lambda ctx: exists().where(
            Extension.instruction_id == Instruction.id, Extension.status == ExtensionStatus.APPROVED.value
        ),
    ),
)
PRESETS: dict[str, Any] = {p.key: p.label for p in INSTRUCTION_PRESETS}


def _paper_choices() -> list[tuple[str, str]]:
    return [(code, str(SOURCES[code].label)) for code in PAPER_KINDS if code in SOURCES]


class InstructionView(UpravaModelView):
    datamodel = UpravaInterface(Instruction)
    hooks = INSTRUCTION_HOOKS
    class_permission_name = "Instruction"
    list_title = _l("Поручения")
    show_title = _l("Поручение на контроле")
    add_title = _l("Постановка поручения на контроль")
    edit_title = _l("Карточка поручения")
    label_columns = INSTRUCTION_LABELS
    description_columns = {
        "deadline": _l("Пусто — по срочности, по правилам справочника «Сроки исполнения»"),
        "control_date": _l("Пусто — совпадает со сроком исполнения"),
        "issued_by_name": _l("Например, «Глава города»: решения такого автора вносит специалист по контролю"),
        "source_note": _l("Номер и дата протокола, распоряжения, письма"),
        "controller": _l("Пусто — специалист, ставящий поручение на контроль"),
    }
    list_columns = ["reg_number", "reg_date", "text_brief", "responsible_body", "executor", "status", "due_state"]
    registration = ["reg_number", "reg_date", "source_ref", "document", "resolution", "is_head_instruction"]
    matter = [
        "text",
        "author_text",
        "issued_on",
        "urgency",
        "responsible_body",
        "co_executors",
        "executor",
        "controller",
    ]
    terms = ["deadline_original", "due_state", "deadline_history", "control_date"]
    outcome = ["status", "removed_on", "removed_by", "removal_basis", "result"]
    show_fieldsets = [
        (_l("Регистрация"), {"fields": registration}),
        (_l("Поручение"), {"fields": matter}),
        (_l("Сроки"), {"fields": terms}),
        (_l("Исполнение"), {"fields": outcome}),
    ]
    show_columns = [*registration, *matter, *terms, *outcome]
    add_columns = [
        "source_kind",
        "source_note",
        "document",
        "resolution",
        "text",
        "issued_by",
        "issued_by_name",
        "is_head_instruction",
        "issued_on",
        "responsible_body",
        "co_executors",
        "executor",
        "controller",
        "urgency",
        "deadline",
        "control_date",
    ]
    # The deadline moves only by an extension; the original one never.
    edit_columns = [
        "source_note",
        "text",
        "is_head_instruction",
        "responsible_body",
        "co_executors",
        "executor",
        "controller",
        "control_date",
    ]
    search_columns = [
        "reg_number",
        "reg_date",
        "status",
        "responsible_body",
        "executor",
        "issued_by",
        "controller",
        "deadline",
        "urgency",
        "is_head_instruction",
        "document",
    ]
    order_columns = ["reg_number", "reg_date", "deadline", "status"]
    formatters_columns = {
        "status": _label(STATUS_BY_VALUE),
        "urgency": _label(URGENCY_LABELS),
        "source_kind": _source_label,
        "due_state": deadline_badge,
        "co_executors": lambda bodies: ", ".join(str(body) for body in bodies or ()),
    }
    search_form_extra_fields = {
        "status": SelectField(_l("Статус"), choices=list(STATUS_BY_VALUE.items()), widget=Select2Widget()),
        "urgency": SelectField(_l("Срочность"), choices=list(URGENCY_LABELS.items()), widget=Select2Widget()),
    }
    add_form_extra_fields = {
        # Filled by the rules when left empty (FAB would demand the NOT NULL columns).
        "deadline": RuDateField(
            _l("Срок исполнения"),
            validators=[Optional()],
            description=_l("Пусто — по срочности, по правилам справочника «Сроки исполнения»"),
        ),
        "control_date": RuDateField(
            _l("Контрольный срок"), validators=[Optional()], description=_l("Пусто — совпадает со сроком исполнения")
        ),
        "issued_on": RuDateField(
            _l("Дата поручения"), validators=[Optional()], description=_l("Пусто — дата постановки на контроль")
        ),
        "urgency": _select(_l("Срочность"), URGENCY_LABELS, Urgency.NONE.value),
        # Read when the form is shown: the source kinds are registered after the views are built.
        "source_kind": SelectField(
            _l("Источник"), choices=_paper_choices, default="resolution", validators=[InputRequired()]
        ),
    }
    related_views = [ExtensionView, ExecutionReportView]
    presets = INSTRUCTION_PRESETS
    base_order = ("reg_date", "desc")
    show_template = "control/instruction_show.html"

    def added_message(self, item: Instruction) -> Any:
        return _l(
            "Поручение поставлено на контроль: %(number)s, срок исполнения %(due)s",
            number=item.reg_number,
            due=format_date(item.deadline),
        )


# ---- documents and resolutions --------------------------------------------------------------------


class ResolutionView(UpravaModelView):
    datamodel = UpravaInterface(Resolution)
    hooks = RESOLUTION_HOOKS
    class_permission_name = "ControlDocument"
    list_title = _l("Резолюции")
    show_title = add_title = edit_title = _l("Резолюция")
    label_columns = {
        "document": _l("Документ"),
        "parent": _l("Предыдущая резолюция в цепочке"),
        "author": _l("Автор (пользователь)"),
        "author_name": _l("Автор без учётной записи"),
        "author_text": _l("Автор"),
        "text": _l("Текст резолюции"),
        "date": _l("Дата"),
        "deadline": _l("Срок"),
    }
    description_columns = {"author_name": _l("Например, «Глава города»")}
    list_columns = ["date", "author_text", "text", "deadline", "parent"]
    list_relationships = ("author",)  # read by `author_text`
    show_columns = ["document", "parent", "author_text", "date", "text", "deadline"]
    add_columns = ["document", "parent", "author", "author_name", "date", "text", "deadline"]
    edit_columns = ["parent", "author", "author_name", "date", "text", "deadline"]
    search_columns = ["date", "deadline", "author"]
    base_order = ("id", "asc")


DOCUMENT_LABELS = {
    "direction": _l("Вид регистрации"),
    "reg_number": _l("Рег. номер"),
    "reg_date": _l("Дата регистрации"),
    "kind": _l("Вид документа"),
    "correspondent": _l("Корреспондент"),
    "corr_number": _l("Исх. номер корреспондента"),
    "corr_date": _l("Дата документа корреспондента"),
    "signed_by": _l("Подписал"),
    "registering_body": _l("Регистрирующий орган"),
    "addressee_body": _l("Адресат (орган)"),
    "summary": _l("Краткое содержание"),
    "pages": _l("Листов"),
    "delivery": _l("Способ доставки"),
    "case_file": _l("Номер дела по номенклатуре"),
    "reply_to": _l("В ответ на"),
    "executes": _l("Во исполнение"),
}

DOCUMENT_PRESETS = tuple(
    Preset(direction.value, label, lambda ctx, d=direction.value: Document.direction == d)
    for direction, label in (
        (Direction.INCOMING, _l("Входящие документы")),
        (Direction.OUTGOING, _l("Исходящие документы")),
        (Direction.INTERNAL, _l("Внутренние документы")),
    )
)


class DocumentView(UpravaModelView):
    datamodel = UpravaInterface(Document)
    hooks = DOCUMENT_HOOKS
    class_permission_name = "ControlDocument"
    list_title = _l("Реестр документов")
    show_title = _l("Регистрационная карточка документа")
    add_title = _l("Регистрация документа")
    edit_title = _l("Карточка документа")
    label_columns = DOCUMENT_LABELS
    list_columns = ["reg_number", "reg_date", "kind", "correspondent", "summary", "addressee_body"]
    card = ["direction", "reg_number", "reg_date", "kind", "registering_body", "addressee_body", "case_file"]
    sender = ["correspondent", "corr_number", "corr_date", "signed_by", "delivery"]
    matter = ["summary", "pages", "reply_to", "executes"]
    show_fieldsets = [
        (_l("Регистрация"), {"fields": card}),
        (_l("Корреспондент"), {"fields": sender}),
        (_l("Содержание"), {"fields": matter}),
    ]
    show_columns = [*card, *sender, *matter]
    add_columns = [
        "direction",
        "kind",
        "registering_body",
        "addressee_body",
        "correspondent",
        "corr_number",
        "corr_date",
        "signed_by",
        "delivery",
        "summary",
        "pages",
        "case_file",
        "reply_to",
        "executes",
    ]
    edit_columns = [c for c in add_columns if c != "direction"]
    search_columns = [
        "reg_number",
        "reg_date",
        "direction",
        "kind",
        "correspondent",
        "registering_body",
        "addressee_body",
        "summary",
        "corr_number",
    ]
    formatters_columns = {
        "direction": _label(DIRECTION_LABELS),
        "delivery": _label(DELIVERY_LABELS),
    }
    search_form_extra_fields = {
        "direction": SelectField(_l("Вид регистрации"), choices=list(DIRECTION_LABELS.items()), widget=Select2Widget())
    }
    add_form_extra_fields = {
        "direction": _select(_l("Вид регистрации"), DIRECTION_LABELS, Direction.INCOMING.value),
        "delivery": _select(_l("Способ доставки"), DELIVERY_LABELS, required=False),
    }
    edit_form_extra_fields = {"delivery": _select(_l("Способ доставки"), DELIVERY_LABELS, required=False)}
    related_views = [ResolutionView, InstructionView]
    presets = DOCUMENT_PRESETS
    base_order = ("reg_date", "desc")

    def added_message(self, item: Document) -> Any:
        return _l("Документ зарегистрирован: %(number)s", number=item.reg_number)


def register(appbuilder: AppBuilder) -> None:
    """The control menu, the reference tables, the card views, actions, reports, imports and APIs."""
    from flask import current_app

    from ..core.presets import add_preset_links
    from .action_views import instruction_actions
    from .action_views import register as register_actions
    from .api import register as register_api
    from .imports import register as register_imports
    from .report_views import register as register_reports

    menus.add_view(
        appbuilder, InstructionView, "InstructionList", label=_l("Поручения"), icon="fa-tasks", category=menus.CONTROL
    )
    add_preset_links(appbuilder, InstructionView, menus.CONTROL)
    menus.add_view(
        appbuilder,
        DocumentView,
        "DocumentList",
        label=_l("Реестр документов"),
        icon="fa-folder-open",
        category=menus.CONTROL,
    )
    register_reports(appbuilder)
    register_imports(appbuilder)
    for view in (ExtensionView, ExecutionReportView, ResolutionView):
        appbuilder.add_view_no_menu(view)
    menus.add_view(
        appbuilder,
        CorrespondentView,
        "Correspondents",
        label=_l("Корреспонденты"),
        icon="fa-address-book",
        category=menus.REFERENCE,
        group=menus.REF_CONTROL,
    )
    menus.add_view(
        appbuilder,
        DocumentKindView,
        "DocumentKinds",
        label=_l("Виды документов"),
        icon="fa-file-alt",
        category=menus.REFERENCE,
        group=menus.REF_CONTROL,
    )
    register_actions(appbuilder)
    register_api(appbuilder)
    current_app.add_template_global(instruction_actions, "instruction_actions")
