"""A linked record on a card: its name as a link to its card, when the user may open it.

Declared links between domains (a plan item's instruction and event, a petition's incoming document)
show the linked record on the holder's card. The link is given only to who may open the target
(the read right on its resource and its row scope); others read its name alone:

    formatters_columns = {"event": record_link("EventView.show", "Event")}

Who may link a record of another domain reads that domain's records: a link rule's filter built on
`ReadableFilter` offers nothing (and the write guard accepts nothing) to a user without the read right
on its resource — `__links__ = {"event": LinkRule(ReadableEventsFilter)}`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import current_app, has_request_context, url_for
from flask_appbuilder.models.filters import BaseFilter
from markupsafe import Markup, escape
from sqlalchemy import false

from ..security import is_row_visible


def may_open(record: Any, resource: str) -> bool:
    """The current user may open the record's card: the read right and the row scope."""
    if not has_request_context() or not current_app.appbuilder.sm.has_access("can_read", resource):
        return False
    return is_row_visible(record)


def record_link(endpoint: str, resource: str) -> Callable[[Any], Markup]:
    """A formatter: the record's name, linked to `endpoint` (called with `pk`) for who may open it."""

    def formatted(record: Any) -> Markup:
        if record is None:
            return Markup("")
        if not may_open(record, resource):
            return Markup(escape(str(record)))
        return Markup('<a href="{}">{}</a>').format(url_for(endpoint, pk=record.id), str(record))

    return formatted


class ReadableFilter(BaseFilter):
    """A link rule's filter: the rows of `resource` only for who holds its read right (a subclass names
    the resource; outside a request — a service, a command — every row)."""

    name = "Readable rows"
    arg_name = "readable"
    resource = ""

    def apply(self, query: Any, value: Any) -> Any:
        if has_request_context() and not current_app.appbuilder.sm.has_access("can_read", self.resource):
            return query.filter(false())
        return query
