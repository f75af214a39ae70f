"""Housing views: configuration; write hooks call the services (app/housing/services.py)."""

from __future__ import annotations

from typing import Any

from flask import g, has_request_context
from flask_appbuilder.fieldwidgets import Select2Widget
from flask_appbuilder.models.sqla.filters import FilterEqual
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, or_, select
from wtforms import SelectField
from wtforms.validators import InputRequired, Optional

from ..core.calendar.formatters import deadline_badge
from ..core.dates import local_today, utcnow
from ..core.filters import UpravaInterface
from ..core.forms import RuDateTimeField
from ..core.presets import Preset
from ..core.views import UpravaModelView
from ..extensions import db
from ..security import VisibleDistrictsFilter
from .models import (
    AWAITING_STATUSES,
    DecisionEffect,
    DecisionType,
    FundCategory,
    Ground,
    GroundKind,
    HandoverMethod,
    Household,
    HouseholdMember,
    HouseholdStatus,
    HousingDecision,
    HousingNorm,
    ListType,
    NormKind,
    Ownership,
    Premises,
    PremisesCondition,
    PremisesStatus,
    QueueCertificate,
    QueueEntry,
    Relation,
)
from .queue import positions_for
from .services import (
    DECISION_HOOKS,
    HOUSEHOLD_HOOKS,
    MEMBER_HOOKS,
    PREMISES_HOOKS,
    PREMISES_STATUS_LABELS,
    STATUS_LABELS,
)

STATUS_BY_VALUE = {status.value: label for status, label in STATUS_LABELS.items()}
PREMISES_STATUS_BY_VALUE = {status.value: label for status, label in PREMISES_STATUS_LABELS.items()}
RELATION_LABELS = {
    Relation.SPOUSE.value: _l("Супруг(а)"),
    Relation.CHILD.value: _l("Сын / дочь"),
    Relation.PARENT.value: _l("Отец / мать"),
    Relation.SIBLING.value: _l("Брат / сестра"),
    Relation.GRANDCHILD.value: _l("Внук / внучка"),
    Relation.GRANDPARENT.value: _l("Дедушка / бабушка"),
    Relation.OTHER.value: _l("Иное родство"),
}
OWNERSHIP_LABELS = {
    Ownership.MUNICIPAL.value: _l("Муниципальная"),
    Ownership.STATE.value: _l("Государственная"),
    Ownership.PRIVATE.value: _l("Частная"),
}
CONDITION_LABELS = {
    PremisesCondition.GOOD.value: _l("Хорошее"),
    PremisesCondition.NEEDS_REPAIR.value: _l("Требует ремонта"),
    PremisesCondition.UNFIT.value: _l("Непригодно для проживания"),
    PremisesCondition.EMERGENCY.value: _l("Аварийный дом"),
}
HANDOVER_LABELS = {
    HandoverMethod.IN_PERSON.value: _l("Лично"),
    HandoverMethod.POST.value: _l("Почтой"),
    HandoverMethod.EMAIL.value: _l("По электронной почте"),
    HandoverMethod.EPGU.value: _l("Через ЕПГУ (Госуслуги)"),
}
GROUND_KIND_LABELS = {
    GroundKind.NEED.value: _l("Нуждаемость (ст. 51)"),
    GroundKind.REFUSAL.value: _l("Отказ (ст. 54)"),
    GroundKind.REMOVAL.value: _l("Снятие с учёта (ст. 56)"),
}
EFFECT_BY_VALUE = {
    DecisionEffect.REGISTER.value: _l("Принятие на учёт"),
    DecisionEffect.REFUSE.value: _l("Отказ"),
    DecisionEffect.REMOVE.value: _l("Снятие с учёта"),
    DecisionEffect.PROVIDE.value: _l("Предоставление жилья"),
    DecisionEffect.CHANGE_LIST.value: _l("Изменение списка"),
    DecisionEffect.RESTORE.value: _l("Восстановление по решению суда"),
}
NORM_KIND_LABELS = {
    NormKind.ACCOUNTING.value: _l("Учётная норма"),
    NormKind.PROVISION.value: _l("Норма предоставления"),
    NormKind.MANOEUVRE.value: _l("Манёвренный фонд (не менее)"),
}


def _label(labels: dict[str, Any]) -> Any:
    return lambda value: labels.get(value, value or "")


def _select(label: Any, labels: dict[str, Any], default: str | None = None, required: bool = True) -> SelectField:
    choices = list(labels.items()) if required else [("", "—"), *labels.items()]
    return SelectField(
        label, choices=choices, default=default, validators=[InputRequired() if required else Optional()]
    )


def _search_select(label: Any, labels: dict[str, Any]) -> SelectField:
    return SelectField(label, choices=list(labels.items()), widget=Select2Widget())


def _positions_text(positions: list[Any]) -> str:
    return "; ".join(p.text for p in positions) or "—"


def _all_positions() -> dict[int, str]:
    """Today's positions of every household (an export of the whole list): one windowed query per list."""
    from .queue import E, in_force

    cached = g.get("_housing_all_positions") if has_request_context() else None
    if cached is None:
        ids = list(db.session.scalars(select(E.household_id).where(in_force(local_today())).distinct()))
        cached = {key: _positions_text(value) for key, value in positions_for(ids).items()}
        if has_request_context():
            g._housing_all_positions = cached
    return cached


class HouseholdInterface(UpravaInterface):
    """Cases with their queue positions: one windowed query per list for a page, never one per row."""

    POSITIONS = "queue_positions"

    def _prefetch(self, items: list[Any]) -> None:
        found = positions_for([item.id for item in items])
        for item in items:
            item.__dict__["_queue_positions"] = _positions_text(found.get(item.id, []))

    def get_values(self, lst: Any, list_columns: Any) -> Any:
        if self.POSITIONS in list_columns:
            self._prefetch(list(lst))
        return super().get_values(lst, list_columns)

    def get_values_item(self, item: Any, show_columns: Any) -> Any:
        if self.POSITIONS in show_columns:
            self._prefetch([item])
        return super().get_values_item(item, show_columns)

    def _get_attr_value(self, item: Any, col: str) -> Any:
        if col == self.POSITIONS and "_queue_positions" not in item.__dict__:
            return _all_positions().get(item.id, "—")
        return super()._get_attr_value(item, col)


def _awaiting() -> Any:
    return and_(
        or_(Household.status.in_([s.value for s in AWAITING_STATUSES]), Household.removal_ground_id.is_not(None)),
        Household.decision_due_date.is_not(None),
    )


HOUSEHOLD_PRESETS = (
    Preset(
        "awaiting",
        _l("Учётные дела, ожидающие решения"),
        lambda ctx: _awaiting(),
        menu="HouseholdsAwaiting",
        menu_label=_l("Ожидают решения"),
        icon="fa-hourglass-half",
    ),
    Preset(
        "overdue",
        _l("Учётные дела с просроченным решением"),
        lambda ctx: and_(_awaiting(), Household.decision_due_date < ctx.today),
        menu="HouseholdsOverdue",
        menu_label=_l("Просрочено решение"),
        icon="fa-exclamation-circle",
    ),
    Preset(
        "on_register",
        _l("Состоящие на учёте"),
        lambda ctx: Household.status == HouseholdStatus.ON_REGISTER.value,
    ),
)

HOUSEHOLD_LABELS = {
    "application_number": _l("Номер заявления"),
    "application_date": _l("Дата заявления"),
    "application_time": _l("Дата и время подачи заявления"),
    "documents_complete_on": _l("Документы представлены полностью"),
    "documents_submitted": _l("Представленные документы"),
    "registering_body": _l("Орган, принявший заявление"),
    "district": _l("Район"),
    "applicant_last_name": _l("Фамилия"),
    "applicant_first_name": _l("Имя"),
    "applicant_patronymic": _l("Отчество"),
    "applicant_birth_date": _l("Дата рождения"),
    "applicant_snils": _l("СНИЛС"),
    "applicant_passport": _l("Паспорт"),
    "address": _l("Адрес места жительства"),
    "phone": _l("Телефон"),
    "is_low_income": _l("Признана малоимущей"),
    "grounds": _l("Основания нуждаемости (ст. 51)"),
    "current_area": _l("Площадь занимаемого помещения, м²"),
    "family_size": _l("Состав семьи, чел."),
    "area_per_person": _l("Площадь на человека, м²"),
    "status": _l("Статус"),
    "queue_date": _l("Дата постановки на учёт"),
    "lists": _l("Списки очерёдности"),
    "queue_positions": _l("Место в очереди"),
    "decision_due_date": _l("Срок решения"),
    "decision_state": _l("Срок решения"),
    "decision_due_unconfirmed": _l("Срок по неутверждённому календарю"),
    "removal_ground": _l("Выявлено основание снятия"),
    "removal_ground_found_on": _l("Дата выявления основания"),
    "last_reregistration_on": _l("Последняя перерегистрация"),
    "restored_by_court": _l("Восстановлен по решению суда"),
    "notes": _l("Примечания"),
}

APPLICANT = [
    "applicant_last_name",
    "applicant_first_name",
    "applicant_patronymic",
    "applicant_birth_date",
    "applicant_snils",
    "applicant_passport",
    "address",
    "phone",
]
# The body that accepted the application is the district's administration (where applications are filed).
APPLICATION = ["application_time", "documents_complete_on", "documents_submitted", "district"]
NEED = ["is_low_income", "grounds", "current_area"]


class HouseholdMemberView(UpravaModelView):
    datamodel = UpravaInterface(HouseholdMember)
    hooks = MEMBER_HOOKS
    class_permission_name = "Household"
    list_title = _l("Состав семьи")
    show_title = add_title = edit_title = _l("Член семьи")
    label_columns = {
        "household": _l("Учётное дело"),
        "last_name": _l("Фамилия"),
        "first_name": _l("Имя"),
        "patronymic": _l("Отчество"),
        "birth_date": _l("Дата рождения"),
        "relation": _l("Родство"),
        "snils": _l("СНИЛС"),
        "passport": _l("Паспорт"),
        "address": _l("Адрес"),
        "phone": _l("Телефон"),
        "left_on": _l("Выбыл из состава семьи"),
    }
    list_columns = ["last_name", "first_name", "patronymic", "birth_date", "relation", "left_on"]
    person = [
        "last_name",
        "first_name",
        "patronymic",
        "birth_date",
        "relation",
        "snils",
        "passport",
        "address",
        "phone",
    ]
    show_columns = ["household", *person, "left_on"]
    add_columns = ["household", *person]
    edit_columns = [*person, "left_on"]
    search_columns = ["household", "relation", "left_on"]
    formatters_columns = {"relation": _label(RELATION_LABELS)}
    add_form_extra_fields = edit_form_extra_fields = {
        "relation": _select(_l("Родство"), RELATION_LABELS, Relation.CHILD.value)
    }
    base_order = ("id", "asc")


class QueueEntryView(UpravaModelView):
    """The case's «Периоды в списках» tab: written by decisions only, read here."""

    datamodel = UpravaInterface(QueueEntry)
    class_permission_name = "Household"
    include_route_methods = {"list", "show", "export_csv", "export_xlsx"}
    list_title = _l("Периоды нахождения в списках очерёдности")
    show_title = _l("Период нахождения в списке")
    label_columns = {
        "household": _l("Учётное дело"),
        "list_type": _l("Список"),
        "queue_date": _l("Дата постановки в список"),
        "included_on": _l("В списке с"),
        "included_by": _l("Решение о включении"),
        "excluded_on": _l("Исключён из списка"),
        "excluded_by": _l("Решение об исключении"),
        "is_void": _l("Не действует (решение аннулировано)"),
    }
    list_columns = ["list_type", "queue_date", "included_on", "included_by", "excluded_on", "excluded_by", "is_void"]
    show_columns = ["household", *list_columns]
    search_columns = ["household", "list_type"]
    base_order = ("id", "asc")


class CertificateView(UpravaModelView):
    """Issued certificates of the queue position: printed again from here (documents, one click)."""

    datamodel = UpravaInterface(QueueCertificate)
    class_permission_name = "Household"
    include_route_methods = {"list", "show", "export_csv", "export_xlsx"}
    list_title = _l("Справки об очерёдности")
    show_title = _l("Справка об очерёдности")
    label_columns = {
        "number": _l("Номер справки"),
        "household": _l("Учётное дело"),
        "as_of": _l("На дату"),
        "issued_on": _l("Дата выдачи"),
        "applicant_name": _l("Кому выдана"),
        "positions": _l("Место в очереди"),
    }
    list_columns = ["number", "as_of", "issued_on", "positions"]
    show_columns = ["number", "household", "applicant_name", "as_of", "issued_on", "positions"]
    search_columns = ["household", "number", "as_of", "issued_on"]
    base_order = ("issued_on", "desc")


DECISION_LABELS = {
    "number": _l("Номер решения"),
    "decision_date": _l("Дата решения"),
    "decision_type": _l("Вид решения"),
    "household": _l("Учётное дело"),
    "issuing_body": _l("Орган, принявший решение"),
    "list_type": _l("Список очерёдности"),
    "from_list_type": _l("Из списка"),
    "queue_date": _l("Дата постановки в список"),
    "premises": _l("Жилое помещение"),
    "ground": _l("Основание"),
    "basis": _l("Правовое основание"),
    "protocol": _l("Протокол жилищной комиссии"),
    "due_date": _l("Срок принятия решения"),
    "handover_due": _l("Срок выдачи заявителю"),
    "handover_state": _l("Выдача заявителю"),
    "handed_over_on": _l("Выдано заявителю"),
    "handover_method": _l("Способ выдачи"),
    "district": _l("Район"),
    "applicant_name": _l("Заявитель"),
    "address": _l("Адрес заявителя"),
    "notes": _l("Примечания"),
}

DECISION_PRESETS = (
    Preset(
        "handover",
        _l("Решения, не выданные заявителю"),
        lambda ctx: HousingDecision.handed_over_on.is_(None),
        menu="HousingHandover",
        menu_label=_l("К выдаче заявителю"),
        icon="fa-envelope",
    ),
    Preset(
        "handover_overdue",
        _l("Решения, не выданные в срок"),
        lambda ctx: and_(HousingDecision.handed_over_on.is_(None), HousingDecision.handover_due < ctx.today),
    ),
)


class HousingDecisionView(UpravaModelView):
    """The register of issued decisions: search by date, name, address, type, district; print documents."""

    datamodel = UpravaInterface(HousingDecision)
    hooks = DECISION_HOOKS
    class_permission_name = "HousingDecision"
    # Decisions are taken from the case (its actions) or through the REST API; here: the paperwork.
    include_route_methods = {"list", "show", "edit", "annul", "export_csv", "export_xlsx", "related"}
    list_title = _l("Решения по учёту граждан")
    show_title = edit_title = _l("Решение по учётному делу")
    label_columns = DECISION_LABELS
    list_columns = [
        "number",
        "decision_date",
        "decision_type",
        "applicant_name",
        "district",
        "list_type",
        "handover_state",
    ]
    show_columns = [
        "number",
        "decision_date",
        "decision_type",
        "household",
        "applicant_name",
        "address",
        "district",
        "issuing_body",
        "list_type",
        "from_list_type",
        "queue_date",
        "premises",
        "ground",
        "basis",
        "protocol",
        "due_date",
        "handover_due",
        "handed_over_on",
        "handover_method",
        "notes",
    ]
    edit_columns = ["protocol", "handed_over_on", "handover_method", "notes"]
    search_columns = [
        "number",
        "decision_date",
        "decision_type",
        "district",
        "applicant_name",
        "address",
        "list_type",
        "issuing_body",
        "handed_over_on",
        "household",
    ]
    order_columns = ["number", "decision_date"]
    formatters_columns = {"handover_state": deadline_badge, "handover_method": _label(HANDOVER_LABELS)}
    edit_form_extra_fields = {
        "handover_method": _select(_l("Способ выдачи"), HANDOVER_LABELS, required=False),
    }
    presets = DECISION_PRESETS
    base_order = ("decision_date", "desc")


class HouseholdView(UpravaModelView):
    datamodel = HouseholdInterface(Household)
    hooks = HOUSEHOLD_HOOKS
    class_permission_name = "Household"
    list_title = _l("Учётные дела")
    show_title = _l("Учётное дело")
    add_title = _l("Регистрация заявления о принятии на учёт")
    edit_title = _l("Учётное дело")
    label_columns = HOUSEHOLD_LABELS
    description_columns = {
        "application_time": _l("Пусто — сейчас. Порядок в очереди: дата постановки, затем время и номер заявления"),
        "documents_complete_on": _l("С этой даты идут 30 рабочих дней на решение (ч. 5 ст. 52 ЖК РФ)"),
        "documents_submitted": _l("По одному документу в строке: они войдут в расписку"),
    }
    list_columns = [
        "application_number",
        "application_date",
        "applicant_last_name",
        "applicant_first_name",
        "district",
        "status",
        "family_size",
        "queue_positions",
        "decision_state",
    ]
    show_fieldsets = [
        (_l("Заявление"), {"fields": ["application_number", "application_date", *APPLICATION, "registering_body"]}),
        (_l("Заявитель"), {"fields": APPLICANT}),
        (
            _l("Нуждаемость"),
            {"fields": [*NEED, "family_size", "area_per_person"]},
        ),
        (
            _l("Учёт"),
            {
                "fields": [
                    "status",
                    "queue_date",
                    "lists",
                    "queue_positions",
                    "decision_due_date",
                    "removal_ground",
                    "removal_ground_found_on",
                    "last_reregistration_on",
                    "restored_by_court",
                    "notes",
                ]
            },
        ),
    ]
    show_columns = [c for _title, spec in show_fieldsets for c in spec["fields"]]
    add_columns = [*APPLICATION, *APPLICANT, *NEED, "notes"]
    edit_columns = [
        "documents_complete_on",
        "documents_submitted",
        "district",
        *APPLICANT,
        *NEED,
        "last_reregistration_on",
        "notes",
    ]
    search_columns = [
        "application_number",
        "application_date",
        "queue_date",
        "applicant_last_name",
        "applicant_first_name",
        "address",
        "district",
        "registering_body",
        "status",
        "lists",
        "is_low_income",
        "decision_due_date",
    ]
    order_columns = ["application_number", "application_date", "queue_date", "status", "family_size"]
    formatters_columns = {"status": _label(STATUS_BY_VALUE), "decision_state": deadline_badge}
    search_form_extra_fields = {"status": _search_select(_l("Статус"), STATUS_BY_VALUE)}
    add_form_extra_fields = {
        "application_time": RuDateTimeField(
            _l("Дата и время подачи заявления"),
            validators=[Optional()],
            default=utcnow,
            description=_l("Порядок в очереди: дата постановки, затем время и номер заявления"),
        )
    }
    add_form_query_rel_fields = edit_form_query_rel_fields = {
        "grounds": [["kind", FilterEqual, GroundKind.NEED.value], ["is_active", FilterEqual, True]],
        "district": [["id", VisibleDistrictsFilter, None]],
    }
    related_views = [HouseholdMemberView, HousingDecisionView, QueueEntryView, CertificateView]
    presets = HOUSEHOLD_PRESETS
    base_order = ("application_date", "desc")
    show_template = "housing/household_show.html"

    def added_message(self, item: Household) -> Any:
        if item.decision_due_date is None:
            return _l(
                "Заявление зарегистрировано: %(number)s. Срок решения начнётся, когда документы будут представлены "
                "полностью",
                number=item.application_number,
            )
        return _l(
            "Заявление зарегистрировано: %(number)s, решение — до %(due)s",
            number=item.application_number,
            due=item.decision_due_date.strftime("%d.%m.%Y"),
        )


PREMISES_LABELS = {
    "street": _l("Улица"),
    "house": _l("Дом"),
    "building": _l("Корпус"),
    "apartment": _l("Квартира"),
    "full_address": _l("Адрес"),
    "address_search": _l("Адрес (поиск)"),
    "district": _l("Район"),
    "cadastral_number": _l("Кадастровый номер"),
    "ownership": _l("Собственность"),
    "fund_category": _l("Категория фонда"),
    "rooms": _l("Комнат"),
    "total_area": _l("Общая площадь, м²"),
    "living_area": _l("Жилая площадь, м²"),
    "floor": _l("Этаж"),
    "condition": _l("Состояние"),
    "status": _l("Статус"),
    "offered_to": _l("Предложено семье"),
    "tenant_household": _l("Предоставлено семье"),
    "contract_number": _l("Номер договора"),
    "contract_date": _l("Дата договора"),
}


class PremisesView(UpravaModelView):
    datamodel = UpravaInterface(Premises)
    hooks = PREMISES_HOOKS
    class_permission_name = "Premises"
    list_title = _l("Жилые помещения")
    show_title = edit_title = _l("Жилое помещение")
    add_title = _l("Новое жилое помещение")
    label_columns = PREMISES_LABELS
    description_columns = {
        "cadastral_number": _l("Например, 42:30:0102003:1234"),
        "status": _l("Предлагают и предоставляют помещение решением по учётному делу"),
    }
    list_columns = ["full_address", "district", "fund_category", "rooms", "total_area", "status", "tenant_household"]
    address = ["street", "house", "building", "apartment", "district"]
    features = ["cadastral_number", "ownership", "fund_category", "rooms", "total_area", "living_area", "floor"]
    state = ["condition", "status", "contract_number", "contract_date"]
    show_fieldsets = [
        (_l("Адрес"), {"fields": ["full_address", *address]}),
        (_l("Характеристики"), {"fields": features}),
        (_l("Состояние и наниматель"), {"fields": [*state, "offered_to", "tenant_household"]}),
    ]
    show_columns = [c for _title, spec in show_fieldsets for c in spec["fields"]]
    add_columns = edit_columns = [*address, *features, *state]
    search_columns = [
        "full_address",
        "street",
        "district",
        "fund_category",
        "status",
        "ownership",
        "condition",
        "rooms",
        "cadastral_number",
    ]
    order_columns = ["full_address", "rooms", "total_area", "status"]
    formatters_columns = {
        "status": _label(PREMISES_STATUS_BY_VALUE),
        "ownership": _label(OWNERSHIP_LABELS),
        "condition": _label(CONDITION_LABELS),
    }
    search_form_extra_fields = {
        "status": _search_select(_l("Статус"), PREMISES_STATUS_BY_VALUE),
        "ownership": _search_select(_l("Собственность"), OWNERSHIP_LABELS),
        "condition": _search_select(_l("Состояние"), CONDITION_LABELS),
    }
    add_form_extra_fields = edit_form_extra_fields = {
        "ownership": _select(_l("Собственность"), OWNERSHIP_LABELS, Ownership.MUNICIPAL.value),
        "condition": _select(_l("Состояние"), CONDITION_LABELS, PremisesCondition.GOOD.value),
        "status": _select(_l("Статус"), PREMISES_STATUS_BY_VALUE, PremisesStatus.VACANT.value),
    }
    add_form_query_rel_fields = edit_form_query_rel_fields = {"fund_category": [["is_active", FilterEqual, True]]}
    base_order = ("full_address", "asc")


# ---- reference tables (Admin edits, staff read) -----------------------------------------------------------

REFERENCE_LABELS = {
    "code": _l("Код"),
    "name": _l("Название"),
    "basis": _l("Правовое основание"),
    "article": _l("Статья"),
    "is_out_of_turn": _l("Внеочередной"),
    "is_legacy": _l("Сохранён с 2005 года (новых не ставят)"),
    "is_specialised": _l("Специализированный фонд"),
    "sort_order": _l("Порядок"),
    "is_active": _l("Действует"),
    "kind": _l("Вид"),
    "effect": _l("Действие решения"),
    "fund_categories": _l("Категории фонда (коды через запятую)"),
    "ends_registration": _l("Снимает с учёта"),
    "value_m2": _l("Норма, м² на человека"),
    "valid_from": _l("Действует с"),
    "act": _l("Правовой акт"),
}


class _ReferenceView(UpravaModelView):
    class_permission_name = "HousingReference"
    label_columns = REFERENCE_LABELS
    admin_columns = ["code"]
    base_order = ("sort_order", "asc")


class ListTypeView(_ReferenceView):
    datamodel = UpravaInterface(ListType)
    list_title = _l("Списки очерёдности")
    show_title = add_title = edit_title = _l("Список очерёдности")
    list_columns = ["name", "code", "basis", "is_out_of_turn", "is_legacy", "is_active", "sort_order"]
    show_columns = add_columns = edit_columns = list_columns
    search_columns = ["name", "is_out_of_turn", "is_active"]


class GroundView(_ReferenceView):
    datamodel = UpravaInterface(Ground)
    list_title = _l("Основания по Жилищному кодексу")
    show_title = add_title = edit_title = _l("Основание")
    list_columns = ["kind", "name", "code", "article", "is_active", "sort_order"]
    show_columns = add_columns = edit_columns = list_columns
    search_columns = ["kind", "name", "article", "is_active"]
    formatters_columns = {"kind": _label(GROUND_KIND_LABELS)}
    add_form_extra_fields = edit_form_extra_fields = {"kind": _select(_l("Вид"), GROUND_KIND_LABELS)}
    search_form_extra_fields = {"kind": _search_select(_l("Вид"), GROUND_KIND_LABELS)}


class FundCategoryView(_ReferenceView):
    datamodel = UpravaInterface(FundCategory)
    list_title = _l("Категории жилищного фонда")
    show_title = add_title = edit_title = _l("Категория жилищного фонда")
    list_columns = ["name", "code", "article", "is_specialised", "is_active", "sort_order"]
    show_columns = add_columns = edit_columns = list_columns
    search_columns = ["name", "is_specialised", "is_active"]


class DecisionTypeView(_ReferenceView):
    datamodel = UpravaInterface(DecisionType)
    list_title = _l("Виды решений по учёту граждан")
    show_title = add_title = edit_title = _l("Вид решения")
    list_columns = ["name", "code", "effect", "basis", "ends_registration", "is_active", "sort_order"]
    show_columns = add_columns = edit_columns = [*list_columns, "fund_categories"]
    search_columns = ["name", "effect", "is_active"]
    formatters_columns = {"effect": _label(EFFECT_BY_VALUE)}
    add_form_extra_fields = edit_form_extra_fields = {"effect": _select(_l("Действие решения"), EFFECT_BY_VALUE)}
    search_form_extra_fields = {"effect": _search_select(_l("Действие решения"), EFFECT_BY_VALUE)}


class HousingNormView(_ReferenceView):
    datamodel = UpravaInterface(HousingNorm)
    list_title = _l("Нормы площади жилого помещения")
    show_title = add_title = edit_title = _l("Норма площади")
    list_columns = ["kind", "value_m2", "valid_from", "act"]
    show_columns = add_columns = edit_columns = list_columns
    search_columns = ["kind", "valid_from"]
    formatters_columns = {"kind": _label(NORM_KIND_LABELS)}
    add_form_extra_fields = edit_form_extra_fields = {"kind": _select(_l("Вид нормы"), NORM_KIND_LABELS)}
    search_form_extra_fields = {"kind": _search_select(_l("Вид нормы"), NORM_KIND_LABELS)}
    base_order = ("valid_from", "desc")
