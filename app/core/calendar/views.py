"""Production calendar and deadline rules for the Admin; the deadline badge for domain lists."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import flash, redirect
from flask_appbuilder.actions import action
from flask_appbuilder.fieldwidgets import BS3TextFieldWidget
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from wtforms import Field, SelectField
from wtforms.validators import InputRequired, NumberRange

from ...extensions import db
from ..dates import format_date
from ..filters import UpravaInterface
from ..services import DomainHooks
from ..views import UpravaModelView, format_value
from .models import DayKind, DaySource, DeadlineRule, DeadlineUnit, Shift, WorkingDay
from .services import check_rule, confirm_days, enter_day, mark_edited

DAY_KIND_LABELS: dict[str, Any] = {
    DayKind.WORKING.value: _l("Рабочий"),
    DayKind.SHORTENED.value: _l("Рабочий сокращённый (предпраздничный)"),
    DayKind.NON_WORKING.value: _l("Выходной или праздничный"),
}
DAY_SOURCE_LABELS: dict[str, Any] = {
    DaySource.PACKAGE.value: _l("Производственный календарь (из пакета holidays)"),
    DaySource.WEEKLY.value: _l("Только выходные и праздники: календарь года ещё не опубликован"),
    DaySource.ADMIN.value: _l("Изменён администратором"),
}
UNIT_LABELS: dict[str, Any] = {
    DeadlineUnit.CALENDAR_DAYS.value: _l("Календарные дни"),
    DeadlineUnit.WORKING_DAYS.value: _l("Рабочие дни"),
    DeadlineUnit.MONTHS.value: _l("Месяцы"),
    DeadlineUnit.NEXT_MONTH_DAY.value: _l("Число следующего месяца"),
}
SHIFT_LABELS: dict[str, Any] = {
    Shift.PREVIOUS_WORKING.value: _l("На предыдущий рабочий день"),
    Shift.NEXT_WORKING.value: _l("На следующий рабочий день"),
    Shift.NONE.value: _l("Не переносится"),
}
MONTHS = (
    _l("январь"),
    _l("февраль"),
    _l("март"),
    _l("апрель"),
    _l("май"),
    _l("июнь"),
    _l("июль"),
    _l("август"),
    _l("сентябрь"),
    _l("октябрь"),
    _l("ноябрь"),
    _l("декабрь"),
)
WEEKDAYS = (_l("пн"), _l("вт"), _l("ср"), _l("чт"), _l("пт"), _l("сб"), _l("вс"))


def _label(labels: dict[str, Any]) -> Any:
    return lambda value: labels.get(value, value)


def _day_with_weekday(day: dt.date) -> str:
    return f"{format_date(day)}, {WEEKDAYS[day.weekday()]}"


class _ReadOnlyWidget(BS3TextFieldWidget):
    def __call__(self, field: Field, **kwargs: Any) -> Markup:
        return super().__call__(field, readonly=True, **kwargs)


class ShownField(Field):
    """A value shown in an edit form but never written back (the row's stable key)."""

    widget = _ReadOnlyWidget()

    def _value(self) -> str:
        return str(format_value(self.data)) if self.data is not None else ""

    def process_formdata(self, valuelist: list[Any]) -> None:
        # Shown back after a validation error; populate_obj never writes it.
        self.data = valuelist[0] if valuelist else None

    def populate_obj(self, obj: Any, name: str) -> None:
        """The key is never changed through the form."""


class WorkingDayView(UpravaModelView):
    datamodel = UpravaInterface(WorkingDay)
    class_permission_name = "WorkingDay"
    # The years around today are seeded whole: an Admin edits their days. A day of any other year, a
    # past one used by imported data included, he enters (a decree's non-working day). Never removed.
    # The base view's own exclusion (FAB's unscoped /download/<filename>, a 500) is kept.
    exclude_route_methods = UpravaModelView.exclude_route_methods | {"delete"}
    hooks = DomainHooks(prepare_new=enter_day)
    add_title = _l("Новый день календаря")
    page_size = 31  # one month per page
    list_title = _l("Производственный календарь")
    show_title = edit_title = _l("День производственного календаря")
    label_columns = {
        "day": _l("Дата"),
        "year": _l("Год"),
        "month": _l("Месяц"),
        "kind": _l("Вид дня"),
        "note": _l("Примечание"),
        "confirmed": _l("Подтверждён"),
        "source": _l("Источник"),
    }
    description_columns = {
        "note": _l("Например: «Нерабочий день — Указ Президента РФ от 01.06.2020 № 354»"),
        "confirmed": _l(
            "Отметьте, когда день сверен с опубликованным производственным календарём: "
            "сроки, попадающие на неподтверждённые дни, выводятся с предупреждением"
        ),
    }
    list_columns = ["day", "kind", "note", "confirmed"]
    show_columns = ["day", "kind", "note", "confirmed", "source"]
    edit_columns = ["day", "kind", "note", "confirmed"]
    add_columns = ["day", "kind", "note"]
    search_columns = ["year", "month", "day", "kind", "confirmed", "note"]
    order_columns = ["day"]
    base_order = ("day", "asc")
    formatters_columns = {
        "day": _day_with_weekday,
        "kind": _label(DAY_KIND_LABELS),
        "source": _label(DAY_SOURCE_LABELS),
    }
    edit_form_extra_fields = {
        "day": ShownField(_l("Дата")),
        "kind": SelectField(_l("Вид дня"), choices=list(DAY_KIND_LABELS.items()), validators=[InputRequired()]),
    }
    add_form_extra_fields = {
        "kind": SelectField(
            _l("Вид дня"),
            choices=list(DAY_KIND_LABELS.items()),
            default=DayKind.NON_WORKING.value,
            validators=[InputRequired()],
        ),
    }
    # Drop-downs instead of typing stored codes into the search form.
    search_form_extra_fields = {
        "month": SelectField(_l("Месяц"), choices=[(str(i), name) for i, name in enumerate(MONTHS, start=1)]),
        "kind": SelectField(_l("Вид дня"), choices=list(DAY_KIND_LABELS.items())),
    }
    method_permission_name = {**UpravaModelView.method_permission_name, "confirm": "write"}

    def pre_update(self, item: WorkingDay) -> None:
        super().pre_update(item)
        mark_edited(item)

    @action(
        "confirm",
        _l("Подтвердить"),
        _l("Подтвердить выбранные дни? Они сверены с опубликованным производственным календарём."),
        "fa-check",
    )
    def confirm(self, items: Any) -> Any:
        count = confirm_days(items if isinstance(items, list) else [items])
        db.session.commit()
        flash(gettext("Подтверждено дней: %(count)s", count=count), "success")
        return redirect(self.get_redirect())


class DeadlineRuleView(UpravaModelView):
    datamodel = UpravaInterface(DeadlineRule)
    class_permission_name = "DeadlineRule"
    hooks = DomainHooks(check=check_rule)
    # The domains ask for rules by code: a rule is changed, never removed.
    exclude_route_methods = UpravaModelView.exclude_route_methods | {"delete"}
    list_title = _l("Сроки исполнения")
    show_title = edit_title = _l("Срок исполнения")
    add_title = _l("Новый срок исполнения")
    label_columns = {
        "code": _l("Код"),
        "name": _l("Название"),
        "amount": _l("Срок"),
        "unit": _l("Единица"),
        "shift": _l("Если последний день нерабочий"),
        "basis": _l("Основание"),
    }
    description_columns = {
        "code": _l("Постоянный ключ, по которому программа находит правило; после создания не меняется"),
        "amount": _l(
            "Для продления — наибольший срок продления. В месяцах может быть меньше нуля: "
            "столько месяцев до даты начала"
        ),
        "unit": _l(
            "Календарные дни: дата начала + N дней. Рабочие дни: N-й рабочий день после даты начала. "
            "Месяцы: дата начала + N месяцев (−1 — за месяц до начала периода). "
            "Число следующего месяца: N-е число месяца, следующего за месяцем даты начала "
            "(10 — до 10-го числа месяца после отчётного периода)"
        ),
    }
    list_columns = ["name", "code", "amount", "unit", "shift"]
    show_columns = ["code", "name", "amount", "unit", "shift", "basis"]
    add_columns = show_columns
    edit_columns = show_columns
    search_columns = ["code", "name", "unit", "shift"]
    admin_columns = ["code"]
    base_order = ("code", "asc")
    formatters_columns = {"unit": _label(UNIT_LABELS), "shift": _label(SHIFT_LABELS)}
    # The exact bounds depend on the unit (services.check_rule); this keeps the number sane for the form.
    validators_columns = {"amount": [NumberRange(min=-3650, max=3650)]}
    add_form_extra_fields = {
        "unit": SelectField(_l("Единица"), choices=list(UNIT_LABELS.items()), validators=[InputRequired()]),
        "shift": SelectField(
            _l("Если последний день нерабочий"),
            choices=list(SHIFT_LABELS.items()),
            default=Shift.PREVIOUS_WORKING.value,
            validators=[InputRequired()],
        ),
    }
    edit_form_extra_fields = {**add_form_extra_fields, "code": ShownField(_l("Код"))}
    search_form_extra_fields = {
        "unit": SelectField(_l("Единица"), choices=list(UNIT_LABELS.items())),
        "shift": SelectField(_l("Если последний день нерабочий"), choices=list(SHIFT_LABELS.items())),
    }
