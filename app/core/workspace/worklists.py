"""Work lists: the rows that need someone soonest, across domains, on the home page («Ближайшие сроки»).

A domain declares which of its lists feeds the table, for whom:

    register_worklist(WorkList(
        key="appeals.mine_urgent", label=_l("Мои обращения со сроком до 7 дней и просроченные"),
        domain="appeals", view="AppealView", preset="mine_urgent", audiences=(APPEALS_CLERK,),
    ))

The home page takes the first rows of each list the user may read — the list's own filters, row
scope and preset, ordered by the `due` column (the soonest first) — merges them by due date and
links each to its card; each list's «все N» is its bounded count (as a counter) and links to it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from flask import current_app, url_for
from markupsafe import Markup

from ..calendar.formatters import deadline_badge
from ..lists import filtered_query, list_count
from .counters import count_text, list_filters, list_link, list_view

#: Rows the home page shows in «Ближайшие сроки» (each list's link leads to the rest).
SHOWN_ROWS = 15


@dataclass(frozen=True)
class WorkList:
    """A list whose soonest rows the home page shows, merged with the other domains' ones."""

    key: str
    #: What the link to the whole list says («Мои обращения: просроченные и со сроком до 7 дней»).
    label: Any
    domain: str
    view: str
    preset: str | None = None
    args: dict[str, Any] = field(default_factory=dict)
    audiences: tuple[str, ...] = ()
    #: The date column the rows are ordered by, the soonest first (open rows: overdue ones come first).
    due: str = "due_date"
    #: The column naming the record (its registration number): the link to its card.
    number: str = "reg_number"
    #: A short description of the record; a column the list shows (never a personal one).
    title: str = "summary"
    order: int = 100


@dataclass(frozen=True)
class WorkRow:
    """One row of «Ближайшие сроки»."""

    domain: str
    number: str
    url: str
    title: str
    due: dt.date | None

    @property
    def badge(self) -> Markup:
        return deadline_badge(self.due)


@dataclass(frozen=True)
class WorkListValue:
    """A work list as one user sees it: its first rows and its bounded count."""

    worklist: WorkList
    rows: list[WorkRow]
    count: int
    exact: bool
    url: str

    @property
    def text(self) -> str:
        return count_text(self.count, self.exact)


WORKLISTS: dict[str, WorkList] = {}


def register_worklist(worklist: WorkList) -> WorkList:
    """Declare a home-page work list (idempotent per key)."""
    WORKLISTS[worklist.key] = worklist
    return worklist


def worklists_for(user: Any) -> list[WorkList]:
    """The work lists a user's home page shows: his roles are in the audience and he may read the list."""
    from .counters import list_view

    sm = current_app.appbuilder.sm
    roles = {role.name for role in getattr(user, "roles", [])}
    return [
        worklist
        for worklist in sorted(WORKLISTS.values(), key=lambda w: (w.domain, w.order, w.key))
        if roles & set(worklist.audiences) and sm.has_access("can_read", list_view(worklist.view).class_permission_name)
    ]


def load_worklist(worklist: WorkList, domain_label: str, limit: int = SHOWN_ROWS) -> WorkListValue:
    """The soonest `limit` rows of the list (its own filters and scope) and its bounded count."""
    view = list_view(worklist.view)
    filters = list_filters(view, worklist.preset, worklist.args)
    query = filtered_query(view.datamodel, filters)
    model = view.datamodel.obj
    pk = getattr(model, view.datamodel.get_pk_name())
    due = getattr(model, worklist.due)
    hidden = view.hidden_columns()
    rows = []
    for item in query.order_by(due, pk).limit(limit):
        number = "—" if worklist.number in hidden else str(getattr(item, worklist.number) or "—")
        title = "" if worklist.title in hidden else str(getattr(item, worklist.title) or "")
        url = url_for(f"{view.endpoint}.show", pk=getattr(item, pk.key))
        rows.append(WorkRow(domain_label, number, url, title, getattr(item, worklist.due)))
    counted = list_count(view.datamodel, filters, view.count_limit, base=query)
    exact = counted <= view.count_limit
    return WorkListValue(
        worklist=worklist,
        rows=rows,
        count=counted if exact else view.count_limit,
        exact=exact,
        url=list_link(worklist.view, worklist.preset, worklist.args),
    )


def merged_rows(values: list[WorkListValue], limit: int = SHOWN_ROWS) -> list[WorkRow]:
    """The soonest rows of all the lists together (a row without a due date last)."""
    rows = [row for value in values for row in value.rows]
    rows.sort(key=lambda row: (row.due is None, row.due or dt.date.max))
    return rows[:limit]
