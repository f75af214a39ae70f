"""Russian forms of dates, numbers and names for document templates (Jinja filters).

Word documents are legal papers: dates are written «01 марта 2024 г.», sums
«1 234 567,50», names «Иванова О. П.». The same filters serve every domain.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..dates import format_date, to_local
from ..numbers import format_number

#: Month names in the genitive case, as a date is read: «1 марта».
MONTHS_GENITIVE = (
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
)


def _as_date(value: dt.date | dt.datetime) -> dt.date:
    if isinstance(value, dt.datetime):
        local = to_local(value)
        assert local is not None
        return local.date()
    return value


def date_long(value: dt.date | dt.datetime | None) -> str:
    """«01 марта 2024 г.»; empty for no date."""
    if value is None:
        return ""
    day = _as_date(value)
    return f"{day.day:02d} {MONTHS_GENITIVE[day.month - 1]} {day.year} г."


def date_short(value: dt.date | dt.datetime | None) -> str:
    """«01.03.2024»; empty for no date."""
    return format_date(value)


def number(value: Any, digits: int | None = None) -> str:
    """«1 234 567» or «1 234,5»: a space between thousands, a comma before decimals (app/core/numbers.py).

    Without `digits`, a whole number has no decimals and a fraction keeps its own.
    """
    return format_number(value, digits, keep_places=False)


def money(value: Any) -> str:
    """«1 234 567,50»: always two decimals (kopecks)."""
    return number(value, 2)


def fio_short(value: str | None) -> str:
    """«Иванова Ольга Петровна» -> «Иванова О. П.» (surname first, then initials)."""
    words = (value or "").split()
    if not words:
        return ""
    initials = []
    for word in words[1:]:
        # A double first name keeps both initials: «Анна-Мария» -> «А.-М.».
        initials.append("-".join(f"{part[0].upper()}." for part in word.split("-") if part))
    return " ".join([words[0], *initials])


#: Filter names available in every document template.
FILTERS = {
    "date_long": date_long,
    "date": date_short,
    "number": number,
    "money": money,
    "fio_short": fio_short,
}
