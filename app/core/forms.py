"""Form fields for Russian users: dates typed and shown as ДД.ММ.ГГГГ."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import BooleanField, Field
from wtforms.validators import DataRequired, InputRequired
from wtforms.widgets import html_params

from .dates import format_date, format_datetime, local_to_utc, parse_date, parse_datetime
from .inputs import CONTROL_CHARACTERS

DATE_HINT = _l("Дата должна быть в формате ДД.ММ.ГГГГ, например 01.05.2024")
DATETIME_HINT = _l("Дата и время должны быть в формате ДД.ММ.ГГГГ ЧЧ:ММ, например 01.05.2024 09:30")


class RuDatePickerWidget:
    """A text input with the bundled bootstrap-datepicker set to dd.mm.yyyy (uprava.js)."""

    css_class = "uprava_date"
    placeholder = "ДД.ММ.ГГГГ"

    def __call__(self, field: Field, **kwargs: Any) -> Markup:
        kwargs.setdefault("id", field.id)
        kwargs.setdefault("name", field.name)
        kwargs.setdefault("placeholder", self.placeholder)
        kwargs.setdefault("autocomplete", "off")
        kwargs["class"] = "form-control"
        return Markup(
            f'<div class="input-group {self.css_class}">'
            '<span class="input-group-addon"><i class="fa fa-calendar cursor-hand"></i></span>'
            f"<input {html_params(type='text', value=field._value(), **kwargs)} />"
            "</div>"
        )


class RuDateTimePickerWidget(RuDatePickerWidget):
    css_class = "uprava_datetime"
    placeholder = "ДД.ММ.ГГГГ ЧЧ:ММ"


class RuDateField(Field):
    """Accepts ДД.ММ.ГГГГ (day first) and ISO; a bad date is an error beside the field."""

    widget = RuDatePickerWidget()

    def _value(self) -> str:
        if self.raw_data:
            return " ".join(self.raw_data)
        return format_date(self.data) if self.data else ""

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist or not str(valuelist[0]).strip():
            self.data = None
            return
        try:
            self.data = parse_date(str(valuelist[0]))
        except ValueError:
            self.data = None
            raise ValueError(str(DATE_HINT)) from None


class RuDateTimeField(Field):
    """A local wall-clock time typed by a user, stored as naive UTC."""

    widget = RuDateTimePickerWidget()

    def _value(self) -> str:
        if self.raw_data:
            return " ".join(self.raw_data)
        return format_datetime(self.data) if self.data else ""

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist or not str(valuelist[0]).strip():
            self.data = None
            return
        try:
            self.data = local_to_utc(parse_datetime(str(valuelist[0])))
        except ValueError:
            self.data = None
            raise ValueError(str(DATETIME_HINT)) from None


class CheckboxField(BooleanField):
    """A checkbox is never "required": unchecked means No (FAB marks NOT NULL booleans required)."""

    def __init__(self, *args: Any, validators: Any = None, **kwargs: Any) -> None:
        validators = [v for v in (validators or []) if not isinstance(v, DataRequired | InputRequired)]
        super().__init__(*args, validators=validators, **kwargs)


class UpravaForm(FlaskForm):
    """A hand-written form (an action, an upload): no text field may hold control characters.

    FAB's generated forms get the same check from the base view's write hooks (app/core/inputs.py).
    """

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        for field in self:
            values = field.data if isinstance(field.data, list) else [field.data]
            if any(isinstance(v, str) and CONTROL_CHARACTERS.search(v) for v in values):
                field.errors = [*list(field.errors or []), str(CONTROL_TEXT)]
                valid = False
        return valid


CONTROL_TEXT = _l("Недопустимые управляющие символы в тексте (допустимы табуляция и перевод строки)")
