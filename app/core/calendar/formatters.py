"""The deadline badge: a due date coloured by its status, for domain lists."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from ..dates import format_date
from ..export import exports_as
from .engine import DeadlineStatus, deadline_status

STATUS_BADGES: dict[DeadlineStatus, tuple[str, Any, str]] = {
    DeadlineStatus.OVERDUE: ("label label-danger", _l("Просрочено"), ""),
    DeadlineStatus.DUE_SOON: ("label label-warning", _l("Срок истекает"), ""),
    DeadlineStatus.ON_TIME: ("label label-success", _l("Исполнено в срок"), ""),
    DeadlineStatus.LATE: ("label label-default", _l("Исполнено с нарушением срока"), " !"),
    DeadlineStatus.OPEN: ("", _l("В работе"), ""),
}


@exports_as(lambda value: value[0] if isinstance(value, tuple) else value)
def deadline_badge(value: dt.date | tuple[dt.date | None, dt.date | None] | None) -> Markup:
    """A due date coloured by its status, for a list's `formatters_columns`.

    Give the due date of an open record, or `(due, closed_on)` — e.g. a model method
    listed as a column that returns `(self.due_date, self.answered_on)`. In an exported file the
    column is the due date itself (an Excel date).
    """
    due, closed_on = value if isinstance(value, tuple) else (value, None)
    if due is None:
        return Markup("")
    status = deadline_status(due, closed_on)
    css, title, mark = STATUS_BADGES[status]
    classes = f"deadline deadline-{status.value} {css}".strip()
    # Not Markup.format: its formatter escapes field by field in Python, and this runs for every row
    # of a list (a third of the list's cell formatting). The classes and the mark are our own text.
    return Markup(f'<span class="{classes}" title="{escape(str(title))}">{format_date(due)}{mark}</span>')
