"""The filter form of a report page: period, body, district, and the report's own extra fields."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import Form, SelectField
from wtforms.validators import Optional

from ...extensions import db
from ..dates import format_date, local_today
from ..forms import RuDateField
from .declarations import Report, ReportParams


def _int_or_none(value: Any) -> int | None:
    return int(value) if value not in (None, "", "None") else None


class ReportForm(Form):
    """The period and filters, read from the query string (a report is a read: no CSRF token)."""

    date_from = RuDateField(_l("С"), validators=[Optional()])
    date_to = RuDateField(_l("По"), validators=[Optional()])
    body = SelectField(_l("Орган"), coerce=_int_or_none, validators=[Optional()])
    district = SelectField(_l("Район"), coerce=_int_or_none, validators=[Optional()])

    report: Report

    def fill(self) -> None:
        """Defaults (the current local year) and the choice lists (the org chart is public)."""
        from ...org.models import Body, District

        today = local_today()
        self.date_from.data = self.date_from.data or dt.date(today.year, 1, 1)
        self.date_to.data = self.date_to.data or dt.date(today.year, 12, 31)
        everyone = [("", gettext("Все"))]
        bodies = db.session.execute(
            select(Body.id, Body.name).where(Body.is_external.is_(False)).order_by(Body.name)
        ).all()
        self.body.choices = everyone + [(str(i), n) for i, n in bodies]
        self.district.choices = everyone + [
            (str(i), n) for i, n in db.session.execute(select(District.id, District.name).order_by(District.name))
        ]

    def check(self) -> bool:
        """Valid values and a period that does not end before it starts (the message beside the field)."""
        if not self.validate():
            return False
        if self.date_from.data > self.date_to.data:
            self.date_to.errors = [gettext("Конец периода раньше начала")]
            return False
        return True

    def uses(self, name: str) -> bool:
        """Whether the report offers this common filter (period, body, district)."""
        return name in self.report.filters

    @property
    def extra_fields(self) -> list[Any]:
        return [self[name] for name in self.report.extra]

    def params(self, model: type | None, limit: int | None = None) -> ReportParams:
        return ReportParams(
            date_from=self.date_from.data if self.uses("period") else None,
            date_to=self.date_to.data if self.uses("period") else None,
            body_id=self.body.data if self.uses("body") else None,
            district_id=self.district.data if self.uses("district") else None,
            extra={name: self[name].data for name in self.report.extra},
            limit=limit,
            model=model,
        )

    def period(self) -> str:
        return gettext(
            "за период с %(start)s по %(end)s",
            start=format_date(self.date_from.data),
            end=format_date(self.date_to.data),
        )

    def description(self) -> str:
        """The filters in words, for a file's title line and the export journal: period, then what is chosen.

        An extra field is named only when it differs from its default.
        """
        parts = [self.period()] if self.uses("period") else []
        for name, label in (("body", gettext("орган")), ("district", gettext("район"))):
            field = self[name]
            if self.uses(name) and field.data is not None:
                parts.append(f"{label}: {dict(field.choices).get(str(field.data), '')}")
        for field in self.extra_fields:
            if field.data != field.default and field.data not in (None, ""):
                shown = field.data
                if isinstance(field, SelectField):
                    shown = dict(field.choices).get(field.data, field.data)
                parts.append(f"{str(field.label.text).lower()}: {shown}")
        return "; ".join(str(part) for part in parts)


#: Built forms by the report's identity; the report is kept beside its form, so an id is never reused.
_FORMS: dict[int, tuple[Report, type[ReportForm]]] = {}


def form_class(report: Report) -> type[ReportForm]:
    """The form of one report: the common fields and its extra ones (built once per report)."""
    cached = _FORMS.get(id(report))
    if cached is None or cached[0] is not report:
        form = type(f"ReportForm_{report.name}", (ReportForm,), {**dict(report.extra), "report": report})
        cached = _FORMS[id(report)] = (report, form)
    return cached[1]
