"""What a value typed by a user may be, per column: one check for forms, the REST API and services.

* text: no control characters but tab, line feed and carriage return (a NUL byte is stored by
  SQLite and refused by PostgreSQL; the others are invisible and break exports);
* integers: within the column's type (SQLite would fail with an OverflowError, PostgreSQL with
  an out-of-range error);
* dates: within the column's `DateWindow` — by default 1990 to today + 5 years; a column
  declares its own with `mapped_column(Date, info={"date_window": DateWindow(...)})`, e.g.
  `BIRTH_DATES`, `HISTORIC_DATES`, or `DateWindow(not_before="reg_date")` for a date that
  never precedes the record's own registration.

`check_values(item, labels)` runs in the base view's and the base API's pre_add/pre_update
before anything else; services that take a date from a user call `check_date(record, column,
value, field=...)` themselves. A refusal is a `ValidationFailed` naming the field (422).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import BigInteger, Date, DateTime, Integer, SmallInteger, String, Text
from sqlalchemy import inspect as sa_inspect

from .dates import format_date, local_today, to_local
from .errors import ValidationFailed

#: Control characters a text may not hold: all of C0 and DEL except tab, line feed, carriage return.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

INTEGER_RANGES: tuple[tuple[type, int], ...] = ((SmallInteger, 2**15), (BigInteger, 2**63), (Integer, 2**31))


def is_digits(value: Any) -> bool:
    """True for a non-empty string of ASCII digits 0-9 only.

    `str.isdigit()` is also true for «¹» or «²», which `int()` refuses (a 500 the API fuzzer found),
    and `int()` accepts Arabic-Indic digits, which no clerk types into an address: both are refused here.
    """
    return isinstance(value, str) and value.isascii() and value.isdigit()


@dataclass(frozen=True)
class DateWindow:
    """The dates a column accepts: from `earliest` to today + `years_ahead` years.

    `not_before` names a date column of the same record that the value may not precede (the
    record's registration); `not_before_label` says it in the message («даты регистрации»).
    """

    earliest: dt.date = dt.date(1990, 1, 1)
    years_ahead: int = 5
    not_before: str | None = None
    not_before_label: Any = None  # default: «даты регистрации»

    def latest(self) -> dt.date:
        today = local_today()
        try:
            return today.replace(year=today.year + self.years_ahead)
        except ValueError:  # 29 February
            return today.replace(year=today.year + self.years_ahead, day=28)


DEFAULT_DATES = DateWindow()
#: Dates of birth: from 1900, never in the future.
BIRTH_DATES = DateWindow(earliest=dt.date(1900, 1, 1), years_ahead=0)
#: Historic dates of long-running registers (e.g. a housing queue joined decades ago): from 1950.
HISTORIC_DATES = DateWindow(earliest=dt.date(1950, 1, 1))
#: A date of the record's own handling: never before its registration (`reg_date`).
AFTER_REGISTRATION = DateWindow(not_before="reg_date")


def date_window(model: type, column: str) -> DateWindow:
    """The window a date column declares in its `info`, else the default one."""
    table_column = model.__table__.columns.get(column) if hasattr(model, "__table__") else None
    declared = table_column.info.get("date_window") if table_column is not None else None
    return declared or DEFAULT_DATES


def _as_date(value: dt.date | dt.datetime) -> dt.date:
    # A stored timestamp is naive UTC: the window is about the city's calendar day.
    return to_local(value).date() if isinstance(value, dt.datetime) else value


def _say(message: Any, label: Any, **params: Any) -> str:
    text = str(message) % params
    return str(_l("«%(label)s»: %(text)s", label=label, text=text)) if label else text


def check_date(
    record: Any, column: str, value: dt.date | dt.datetime | None, field: str | None = None, label: Any = None
) -> None:
    """Refuse a date outside the window of `record`'s `column` (and before the record's `not_before` date).

    `record` is the row the date is for, or its model when the row does not exist yet.
    """
    if value is None:
        return
    model = record if isinstance(record, type) else type(record)
    window = date_window(model, column)
    day, latest = _as_date(value), window.latest()
    if not window.earliest <= day <= latest:
        raise ValidationFailed(
            _say(
                _l("дата %(date)s вне допустимого периода: с %(start)s по %(end)s"),
                label,
                date=format_date(day),
                start=format_date(window.earliest),
                end=format_date(latest),
            ),
            field=field or column,
        )
    reference = getattr(record, window.not_before, None) if window.not_before and record is not model else None
    if reference is not None and day < _as_date(reference):
        raise ValidationFailed(
            _say(
                _l("дата не может быть раньше %(what)s (%(date)s)"),
                label,
                what=str(window.not_before_label or _l("даты регистрации")),
                date=format_date(_as_date(reference)),
            ),
            field=field or column,
        )


def check_text(value: Any, field: str, label: Any = None) -> None:
    """Refuse control characters (tab, line feed and carriage return are text)."""
    if isinstance(value, str) and CONTROL_CHARACTERS.search(value):
        raise ValidationFailed(
            _say(_l("недопустимые управляющие символы в тексте (допустимы табуляция и перевод строки)"), label),
            field=field,
        )


def integer_range(column_type: Any) -> tuple[int, int] | None:
    """(lowest, highest) an integer column stores; None for other types."""
    for kind, bound in INTEGER_RANGES:
        if isinstance(column_type, kind):
            return -bound, bound - 1
    return None


def check_integer(value: Any, column_type: Any, field: str, label: Any = None) -> None:
    """Refuse an integer the column cannot store."""
    bounds = integer_range(column_type)
    if bounds is None or not isinstance(value, int) or isinstance(value, bool):
        return
    if not bounds[0] <= value <= bounds[1]:
        raise ValidationFailed(
            _say(_l("число вне допустимого диапазона (от %(low)s до %(high)s)"), label, low=bounds[0], high=bounds[1]),
            field=field,
        )


def _label_of(labels: dict[str, Any], key: str) -> Any:
    if key in labels:
        return labels[key]
    return labels.get(key[:-3]) if key.endswith("_id") else None


def check_values(item: Any, labels: dict[str, Any] | None = None) -> None:
    """Every column value this write sets or changes: text, integer range, date window."""
    labels = labels or {}
    state = sa_inspect(item)
    new = state.transient or state.pending
    for attr in state.mapper.column_attrs:
        if len(attr.columns) != 1 or attr.key not in state.dict:
            continue
        if not new and not state.attrs[attr.key].history.has_changes():
            continue
        value = state.dict[attr.key]
        if value is None:
            continue
        column_type = attr.columns[0].type
        label = _label_of(labels, attr.key)
        if isinstance(column_type, String | Text):
            check_text(value, attr.key, label)
        elif isinstance(column_type, Integer):
            check_integer(value, column_type, attr.key, label)
        elif isinstance(column_type, Date | DateTime) and isinstance(value, dt.date):
            check_date(item, attr.key, value, label=label)
