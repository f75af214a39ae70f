"""Plan views: configuration; hooks call the services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask_appbuilder.fieldwidgets import Select2Widget
from flask_appbuilder.models.filters import BaseFilter
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, false
from wtforms import SelectField, StringField
from wtforms.validators import InputRequired, Length, Optional

from ..core.calendar.formatters import deadline_badge
from ..core.dates import format_date
from ..core.filters import UpravaInterface
from ..core.presets import Preset, PresetContext
from ..core.record_links import record_link
from ..core.views import UpravaModelView
from .models import (
    ItemForm,
    ItemStatus,
    Plan,
    PlanItem,
    PlanKind,
    PlanProposal,
    PlanSection,
    ProposalStatus,
    monitored,
)
from .services import ITEM_HOOKS, PLAN_HOOKS, PROPOSAL_HOOKS, TAKING_PROPOSALS, bodies_supervised_by
from .texts import (
    FORM_LABELS,
    ITEM_STATUS_LABELS,
    KIND_LABELS,
    MONTH_NAMES,
    PLAN_STATUS_LABELS,
    PROPOSAL_STATUS_LABELS,
    QUARTER_NAMES,
    label,
)


def _int_or_none(value: Any) -> int | None:
    return int(value) if value not in (None, "", "None") else None


def month_field(title: Any = None) -> SelectField:
    """The planned month by name (empty: a date is given instead)."""
    choices: list[tuple[Any, Any]] = [(None, "—"), *((i, name) for i, name in enumerate(MONTH_NAMES, start=1))]
    return SelectField(title or _l("Месяц"), choices=choices, coerce=_int_or_none, validators=[Optional()])


def _choice(title: Any, labels: dict[str, Any], default: str | None = None) -> SelectField:
    return SelectField(title, choices=list(labels.items()), default=default, validators=[InputRequired()])


class PlansTakingProposalsFilter(BaseFilter):
    """A proposal's plan drop-down: plans collecting proposals or being approved (late proposals)."""

    name = "Plans taking proposals"
    arg_name = "taking"

    def apply(self, query: Any, value: Any) -> Any:
        return query.filter(self.model.status.in_(TAKING_PROPOSALS), self.model.annulled_at.is_(None))


class OpenPlansFilter(BaseFilter):
    """An item's plan drop-down: current plans that are not closed."""

    name = "Open plans"
    arg_name = "openplan"

    def apply(self, query: Any, value: Any) -> Any:
        return query.filter(self.model.status != "closed", self.model.annulled_at.is_(None))


class ActiveSectionsFilter(BaseFilter):
    name = "Active sections"
    arg_name = "asection"

    def apply(self, query: Any, value: Any) -> Any:
        return query.filter(self.model.is_active.is_(True))


# ---- reference: the sections ------------------------------------------------------------------------


class PlanSectionView(UpravaModelView):
    datamodel = UpravaInterface(PlanSection)
    class_permission_name = "PlanSection"
    # Domains ask for sections by code (city-wide events): a section is renamed or switched off, never removed.
    exclude_route_methods = UpravaModelView.exclude_route_methods | {"delete"}
    list_title = _l("Разделы плана")
    show_title = edit_title = _l("Раздел плана")
    add_title = _l("Новый раздел плана")
    label_columns = {
        "code": _l("Код"),
        "name": _l("Название раздела"),
        "sort_order": _l("Номер раздела"),
        "is_active": _l("Действует"),
    }
    description_columns = {"sort_order": _l("Порядок разделов в плане (I, II, III …)")}
    list_columns = ["sort_order", "name", "is_active"]
    show_columns = ["sort_order", "name", "code", "is_active"]
    add_columns = ["code", "name", "sort_order", "is_active"]
    edit_columns = ["name", "sort_order", "is_active"]
    search_columns = ["name", "is_active"]
    admin_columns = ["code"]
    base_order = ("sort_order", "asc")


# ---- plans --------------------------------------------------------------------------------------------

PLAN_LABELS = {
    "title": _l("План"),
    "kind": _l("Вид плана"),
    "year": _l("Год"),
    "quarter": _l("Квартал"),
    "period": _l("Период"),
    "parent": _l("Годовой план"),
    "status": _l("Статус"),
    "proposals_due": _l("Срок предложений"),
    "proposals_state": _l("Срок предложений"),
    "note_due": _l("Справка об исполнении — до"),
    "note_state": _l("Справка об исполнении — до"),
    "approved_act_no": _l("Номер акта об утверждении"),
    "approved_on": _l("Дата акта об утверждении"),
}
QUARTER_CHOICES: list[tuple[Any, Any]] = [(None, "—"), *((i, f"{QUARTER_NAMES[i - 1]}") for i in range(1, 5))]


def _note_state(plan: Plan) -> tuple[dt.date, dt.date | None]:
    # The note of the whole period: shown as a deadline until the plan is closed.
    return plan.note_due, plan.note_due if plan.status == "closed" else None


class PlanView(UpravaModelView):
    datamodel = UpravaInterface(Plan)
    hooks = PLAN_HOOKS
    class_permission_name = "Plan"
    list_title = _l("Планы работы")
    show_title = _l("План работы")
    add_title = _l("Новый план работы")
    edit_title = _l("План работы")
    label_columns = PLAN_LABELS
    list_columns = ["title", "kind", "status", "proposals_state", "note_due", "approved_act_no", "approved_on"]
    show_fieldsets = [
        (_l("План"), {"fields": ["title", "kind", "year", "quarter", "parent", "status"]}),
        (_l("Сроки"), {"fields": ["proposals_due", "note_due"]}),
        (_l("Утверждение"), {"fields": ["approved_act_no", "approved_on"]}),
    ]
    show_columns = [
        "title",
        "kind",
        "year",
        "quarter",
        "parent",
        "status",
        "proposals_due",
        "note_due",
        "approved_act_no",
        "approved_on",
    ]
    add_columns = ["kind", "year", "quarter", "title"]
    edit_columns = ["title"]
    description_columns = {
        "title": _l("Пусто — название по виду и периоду плана"),
        "quarter": _l("Только для квартального плана: он строится из годового плана того же года"),
    }
    search_columns = ["title", "kind", "year", "quarter", "status"]
    order_columns = ["title", "period", "proposals_due", "note_due"]
    formatters_columns = {
        "kind": label(KIND_LABELS),
        "status": label(PLAN_STATUS_LABELS),
        "quarter": lambda q: QUARTER_NAMES[q - 1] if q else "",
        "proposals_state": deadline_badge,
    }
    add_form_extra_fields = {
        "title": StringField(_l("План"), validators=[Optional(), Length(max=255)]),
        "kind": _choice(_l("Вид плана"), KIND_LABELS, PlanKind.ANNUAL.value),
        "quarter": SelectField(_l("Квартал"), choices=QUARTER_CHOICES, coerce=_int_or_none, validators=[Optional()]),
    }
    search_form_extra_fields = {
        "kind": SelectField(_l("Вид плана"), choices=list(KIND_LABELS.items())),
        "status": SelectField(_l("Статус"), choices=list(PLAN_STATUS_LABELS.items()), widget=Select2Widget()),
    }
    base_order = ("period", "desc")
    show_template = "plans/plan_show.html"

    def added_message(self, item: Plan) -> Any:
        return _l(
            "План создан: %(title)s. Предложения — до %(due)s",
            title=item.title,
            due=format_date(item.proposals_due),
        )


# ---- proposals ---------------------------------------------------------------------------------------

PROPOSAL_LABELS = {
    "plan": _l("План"),
    "section": _l("Раздел плана"),
    "submitted_by_body": _l("Вносит орган"),
    "title": _l("Вопрос (мероприятие)"),
    "responsible_body": _l("Ответственный орган"),
    "responsible_person": _l("Ответственные лица"),
    "co_executors": _l("Соисполнители"),
    "planned_month": _l("Месяц"),
    "planned_date": _l("Дата"),
    "planned_text": _l("Срок"),
    "form": _l("Форма"),
    "status": _l("Статус"),
    "submitted_on": _l("Направлено на согласование"),
    "is_late": _l("Позже срока"),
    "agreed_by": _l("Согласовал"),
    "agreed_on": _l("Дата согласования"),
    "comment": _l("Замечания (причина)"),
}


def _supervised_submitted(ctx: PresetContext) -> Any:
    bodies = bodies_supervised_by(ctx.user_id)
    if not bodies:
        return false()
    return and_(
        PlanProposal.status == ProposalStatus.SUBMITTED.value,
        PlanProposal.submitted_by_body_id.in_(sorted(bodies)),
    )


PROPOSAL_PRESETS = (
    Preset(
        "to_agree",
        _l("Предложения, ожидающие моего согласования"),
        _supervised_submitted,
        menu="PlanProposalsToAgree",
        menu_label=_l("На моём согласовании"),
        icon="fa-check-square",
    ),
    Preset("late", _l("Предложения, поступившие позже срока"), lambda ctx: PlanProposal.is_late.is_(True)),
)

_TERM_FIELDS = ["planned_month", "planned_date"]


class PlanProposalView(UpravaModelView):
    datamodel = UpravaInterface(PlanProposal)
    hooks = PROPOSAL_HOOKS
    class_permission_name = "PlanProposal"
    list_title = _l("Предложения в план")
    show_title = _l("Предложение в план")
    add_title = _l("Новое предложение в план")
    edit_title = _l("Предложение в план")
    label_columns = PROPOSAL_LABELS
    list_columns = ["title", "section", "submitted_by_body", "planned_text", "status", "submitted_on", "is_late"]
    list_relationships = ("plan",)  # read by `planned_text` (a month of the plan's year)
    show_fieldsets = [
        (
            _l("Предложение"),
            {
                "fields": [
                    "plan",
                    "section",
                    "submitted_by_body",
                    "title",
                    "form",
                    "responsible_body",
                    "responsible_person",
                    "co_executors",
                    "planned_text",
                ]
            },
        ),
        (
            _l("Согласование"),
            {"fields": ["status", "submitted_on", "is_late", "agreed_by", "agreed_on", "comment"]},
        ),
    ]
    show_columns = [
        "plan",
        "section",
        "submitted_by_body",
        "title",
        "form",
        "responsible_body",
        "responsible_person",
        "co_executors",
        "planned_text",
        "status",
        "submitted_on",
        "is_late",
        "agreed_by",
        "agreed_on",
        "comment",
    ]
    add_columns = [
        "plan",
        "section",
        "submitted_by_body",
        "title",
        "form",
        "responsible_body",
        "responsible_person",
        "co_executors",
        *_TERM_FIELDS,
    ]
    edit_columns = [c for c in add_columns if c not in ("plan", "submitted_by_body")]
    description_columns = {
        "planned_month": _l("Месяц или дата исполнения в периоде плана"),
        "responsible_person": _l("Фамилии и должности ответственных"),
    }
    search_columns = ["plan", "section", "submitted_by_body", "responsible_body", "status", "is_late", "title"]
    order_columns = ["title", "submitted_on"]
    formatters_columns = {
        "status": label(PROPOSAL_STATUS_LABELS),
        "form": label(FORM_LABELS),
    }
    add_form_query_rel_fields = {
        "plan": [["id", PlansTakingProposalsFilter, None]],
        "section": [["id", ActiveSectionsFilter, None]],
    }
    edit_form_query_rel_fields = {"section": [["id", ActiveSectionsFilter, None]]}
    add_form_extra_fields = edit_form_extra_fields = {
        "form": _choice(_l("Форма"), FORM_LABELS, ItemForm.REPORT.value),
        "planned_month": month_field(),
    }
    search_form_extra_fields = {
        "status": SelectField(_l("Статус"), choices=list(PROPOSAL_STATUS_LABELS.items()), widget=Select2Widget())
    }
    presets = PROPOSAL_PRESETS
    base_order = ("id", "desc")
    show_template = "plans/proposal_show.html"

    def added_message(self, item: PlanProposal) -> Any:
        return _l("Предложение сохранено как черновик: направьте его на согласование кнопкой в карточке")


# ---- items -----------------------------------------------------------------------------------------

ITEM_LABELS = {
    "plan": _l("План"),
    "section": _l("Раздел плана"),
    "seq": _l("№ п/п"),
    "title": _l("Вопрос (мероприятие)"),
    "responsible_body": _l("Ответственный орган"),
    "responsible_person": _l("Ответственные лица"),
    "co_executors": _l("Соисполнители"),
    "supervisor": _l("Курирующий заместитель Главы"),
    "form": _l("Форма"),
    "planned_month": _l("Месяц"),
    "planned_date": _l("Дата"),
    "planned_text": _l("Срок"),
    "due_date": _l("Срок (дата)"),
    "due_state": _l("Срок"),
    "status": _l("Исполнение"),
    "done_on": _l("Дата исполнения"),
    "result": _l("Результат"),
    "reason": _l("Причина"),
    "marked_on": _l("Отметка внесена"),
    "marked_by": _l("Отметку внёс"),
    "source_item": _l("Пункт годового плана"),
    "proposal": _l("Предложение"),
    "moved_to_item": _l("Перенесён в пункт"),
    "moved_from": _l("Перенесён из пункта"),
    "instruction": _l("Поручение на контроле"),
    "event": _l("Мероприятие календаря"),
}


def _month_bounds(today: dt.date) -> tuple[dt.date, dt.date]:
    first = today.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return first, following - dt.timedelta(days=1)


def _due_this_month(ctx: PresetContext) -> Any:
    first, last = _month_bounds(ctx.today)
    return and_(PlanItem.due_date >= first, PlanItem.due_date <= last, monitored())


def _unmarked(ctx: PresetContext) -> Any:
    return and_(PlanItem.status == ItemStatus.PLANNED.value, PlanItem.due_date < ctx.today, monitored())


#: Lists of the documentation department and the deputy heads (their row scope: supervised bodies).
ITEM_PRESETS = (
    Preset(
        "month",
        _l("Пункты планов со сроком в этом месяце"),
        _due_this_month,
        menu="PlanItemsThisMonth",
        menu_label=_l("Срок в этом месяце"),
        icon="fa-calendar",
    ),
    Preset(
        "unmarked",
        _l("Пункты планов без отметки после срока"),
        _unmarked,
        menu="PlanItemsUnmarked",
        menu_label=_l("Без отметки после срока"),
        icon="fa-exclamation-circle",
    ),
)

_ITEM_FIELDS = [
    "plan",
    "section",
    "title",
    "form",
    "responsible_body",
    "responsible_person",
    "co_executors",
    *_TERM_FIELDS,
    # Only for an item of the city-wide-events section (the services refuse it elsewhere).
    "event",
]


class PlanItemView(UpravaModelView):
    datamodel = UpravaInterface(PlanItem)
    hooks = ITEM_HOOKS
    class_permission_name = "PlanItem"
    list_title = _l("Пункты планов")
    show_title = _l("Пункт плана")
    add_title = _l("Новый пункт плана")
    edit_title = _l("Пункт плана")
    label_columns = ITEM_LABELS
    list_columns = ["plan", "section", "seq", "title", "responsible_body", "planned_text", "status", "due_state"]
    show_fieldsets = [
        (
            _l("Пункт плана"),
            {
                "fields": [
                    "plan",
                    "section",
                    "seq",
                    "title",
                    "form",
                    "responsible_body",
                    "responsible_person",
                    "co_executors",
                    "supervisor",
                    "planned_text",
                    "due_date",
                ]
            },
        ),
        (
            _l("Исполнение"),
            {
                "fields": [
                    "status",
                    "done_on",
                    "result",
                    "reason",
                    "marked_on",
                    "marked_by",
                    "moved_to_item",
                    "moved_from",
                ]
            },
        ),
        (_l("Откуда пункт"), {"fields": ["source_item", "proposal"]}),
        # The declared links: control (put on control from the card, once) and the events calendar.
        (_l("Связи"), {"fields": ["instruction", "event"]}),
    ]
    show_columns = [
        "plan",
        "section",
        "seq",
        "title",
        "form",
        "responsible_body",
        "responsible_person",
        "co_executors",
        "supervisor",
        "planned_text",
        "due_date",
        "status",
        "done_on",
        "result",
        "reason",
        "marked_on",
        "marked_by",
        "moved_to_item",
        "moved_from",
        "source_item",
        "proposal",
        "instruction",
        "event",
    ]
    add_columns = _ITEM_FIELDS
    edit_columns = [c for c in _ITEM_FIELDS if c != "plan"]
    search_columns = ["plan", "section", "responsible_body", "status", "due_date", "title", "form"]
    order_columns = ["seq", "due_date", "title"]
    formatters_columns = {
        "status": label(ITEM_STATUS_LABELS),
        "form": label(FORM_LABELS),
        "due_state": deadline_badge,
        "instruction": record_link("InstructionView.show", "Instruction"),
        "event": record_link("EventView.show", "Event"),
    }
    description_columns = {
        "event": _l("Только для пунктов раздела «Общегородские мероприятия»: мероприятие из календаря"),
    }
    add_form_query_rel_fields = {
        "plan": [["id", OpenPlansFilter, None]],
        "section": [["id", ActiveSectionsFilter, None]],
    }
    edit_form_query_rel_fields = {"section": [["id", ActiveSectionsFilter, None]]}
    add_form_extra_fields = edit_form_extra_fields = {
        "form": _choice(_l("Форма"), FORM_LABELS, ItemForm.REPORT.value),
        "planned_month": month_field(),
    }
    search_form_extra_fields = {
        "status": SelectField(_l("Исполнение"), choices=list(ITEM_STATUS_LABELS.items()), widget=Select2Widget()),
        "form": SelectField(_l("Форма"), choices=list(FORM_LABELS.items())),
    }
    presets = ITEM_PRESETS
    base_order = ("due_date", "desc")
    show_template = "plans/item_show.html"

    def added_message(self, item: PlanItem) -> Any:
        return _l("Пункт %(seq)s добавлен в раздел «%(section)s»", seq=item.seq, section=item.section.name)


class PlanCardItemView(PlanItemView):
    """The items on a plan's card, in the printed plan's order (section by section, number by number)."""

    list_title = _l("Пункты плана")
    list_columns = ["section", "seq", "title", "responsible_body", "planned_text", "status", "due_state"]
    presets = ()
    base_order = ("position", "asc")


PlanView.related_views = [PlanCardItemView, PlanProposalView]
