"""Home-page counters: a number that IS a list's preset, so the number and the list always agree.

A domain's `register()` declares its counters:

    register_counter(Counter(
        key="appeals.overdue", label=_l("Просроченные обращения"), domain="appeals",
        view="AppealView", preset="overdue", audiences=(SUPERVISOR, DEPUTY_HEAD, APPEALS_CLERK),
        tone="danger", by_body="responsible_body",
    ))

A counter is a list view with a preset and optional filter arguments: its number is that list's
own bounded count (the same filters, row scope and annulled switch as the list page — one query
path, app/core/lists.py), and it links to that list. So a counter and the list behind it always
agree, or both read «более 1000».

`measure` places the counter in the home page's table (a row per domain, a column per measure:
open / overdue / due this week / mine / awaiting my decision); by default it is the preset's key
when that key is one of MEASURES. `by_body` (a relation column the list filters on, e.g.
`responsible_body`) lets an «overdue» counter feed «Органы с наибольшим числом просроченных»:
one GROUP BY over the same filtered list, each number linking to the list narrowed to the body.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from flask import current_app, url_for
from flask_appbuilder.models.filters import Filters
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import func

from ..lists import filtered_query, list_count

OPEN, OVERDUE, WEEK, MINE, DECISION = "open", "overdue", "week", "mine", "decision"
#: The columns of the home page's table, in order, with their headers.
MEASURES: dict[str, Any] = {
    OPEN: _l("В работе"),
    OVERDUE: _l("Просрочено"),
    WEEK: _l("Срок в ближайшие 7 дней"),
    MINE: _l("Мои"),
    DECISION: _l("Ждут моего решения"),
}


@dataclass(frozen=True)
class Counter:
    """A number on the home page and the filtered list behind it."""

    key: str
    label: Any
    #: The domain's key (appeals, control, plans, housing, events): the home page groups by it.
    domain: str
    #: The list view's class name and, optionally, its preset and filter arguments (`_flt_0_status`: value).
    view: str
    preset: str | None = None
    args: dict[str, Any] = field(default_factory=dict)
    #: Built-in roles whose home page shows the counter (a user also needs read access to the view).
    audiences: tuple[str, ...] = ()
    #: danger (overdue), warning (due soon), info (awaiting a decision), default.
    tone: str = "default"
    #: Ordering within the domain's block.
    order: int = 100
    #: The home table's column (one of MEASURES); None: the preset's key when it is a measure.
    measure: str | None = None
    #: A relation column of the list naming the body answerable for a row (`responsible_body`): an
    #: «overdue» counter with it feeds the table of bodies with the most overdue.
    by_body: str | None = None

    @property
    def kind(self) -> str | None:
        """The measure this counter shows (None: listed apart, under the table)."""
        if self.measure is not None:
            return self.measure
        return self.preset if self.preset in MEASURES else None


@dataclass(frozen=True)
class CounterValue:
    """A counter as one user sees it now."""

    counter: Counter
    count: int
    exact: bool
    url: str

    @property
    def text(self) -> str:
        return count_text(self.count, self.exact)


def count_text(count: int, exact: bool) -> str:
    """A bounded count as a list's header writes it: «42», or «более 1000»."""
    return str(count) if exact else gettext("более %(count)s", count=count)


COUNTERS: dict[str, Counter] = {}


def register_counter(counter: Counter) -> Counter:
    """Declare a home-page counter (idempotent per key: an app built twice in tests declares it twice)."""
    if counter.measure is not None and counter.measure not in MEASURES:
        raise ValueError(f"counter {counter.key}: measure {counter.measure!r} is not one of {sorted(MEASURES)}")
    COUNTERS[counter.key] = counter
    return counter


def list_view(name: str) -> Any:
    """The registered list view called `name` (a counter, a work list or a chart names its list by class)."""
    for view in current_app.appbuilder.baseviews:
        if view.__class__.__name__ == name:
            return view
    raise LookupError(f"the workspace names an unknown view {name}")


def list_link(view_name: str, preset: str | None = None, args: dict[str, Any] | None = None) -> str:
    """The bookmarkable URL of a list with a preset and filter arguments."""
    view = list_view(view_name)
    query = dict(args or {})
    if preset:
        query["preset"] = preset
    base = url_for(f"{view.endpoint}.list")
    return f"{base}?{urlencode(query)}" if query else base


def counter_url(counter: Counter) -> str:
    """The bookmarkable list URL behind a counter."""
    return list_link(counter.view, counter.preset, counter.args)


def list_filters(view: Any, preset: str | None, args: dict[str, Any] | None = None) -> Any:
    """A list's filters as its page applies them: base filters (scope, annulled, the preset) and `args`."""
    search = Filters(view._filters.filter_converter, view.datamodel, view.search_columns)
    for arg, value in (args or {}).items():
        index, _, column = arg.removeprefix("_flt_").partition("_")
        search.add_filter_index(column, int(index), [str(value)])
    base = view._base_filters.copy()
    if preset:
        base.values = [
            preset if getattr(flt, "arg_name", None) == "preset" else value
            for flt, value in zip(base.filters, base.values, strict=True)
        ]
    return search.get_joined_filters(base)


def list_query(view_name: str, preset: str | None = None, args: dict[str, Any] | None = None) -> tuple[Any, Any]:
    """(view, the rows of its list with this preset and these arguments: an unordered ORM query)."""
    view = list_view(view_name)
    return view, filtered_query(view.datamodel, list_filters(view, preset, args))


def count(counter: Counter) -> CounterValue:
    """The counter's number for the current user: the bounded count of the list it links to.

    One `SELECT count(*) FROM (… LIMIT 1001)`: the list page's own count (app/core/lists.py).
    """
    view = list_view(counter.view)
    counted = list_count(view.datamodel, list_filters(view, counter.preset, counter.args), view.count_limit)
    exact = counted <= view.count_limit
    return CounterValue(
        counter=counter, count=counted if exact else view.count_limit, exact=exact, url=counter_url(counter)
    )


def counters_for(user: Any, domains: Iterable[str] | None = None) -> list[Counter]:
    """The counters a user's home page shows: his roles are in the audience and he may read the list."""
    sm = current_app.appbuilder.sm
    roles = {role.name for role in getattr(user, "roles", [])}
    wanted = set(domains) if domains is not None else None
    shown = []
    for counter in sorted(COUNTERS.values(), key=lambda c: (c.domain, c.order, c.key)):
        if wanted is not None and counter.domain not in wanted:
            continue
        if not roles & set(counter.audiences):
            continue
        view = list_view(counter.view)
        if sm.has_access("can_read", view.class_permission_name):
            shown.append(counter)
    return shown


# ---- bodies with the most overdue ----------------------------------------------------------


@dataclass(frozen=True)
class BodyCount:
    """One body's number of one counter's rows, linking to the list narrowed to that body."""

    body_id: int
    #: The exact number of rows (the ranking of bodies reads it).
    rows: int
    #: What the list behind it says: the count up to the list's limit, then «более N».
    count: int
    exact: bool
    url: str

    @property
    def text(self) -> str:
        return count_text(self.count, self.exact)


def _relation_column(view: Any, name: str) -> Any:
    """The foreign-key column behind a relation the list filters on (`responsible_body` → responsible_body_id)."""
    if name not in (view.search_columns or []):
        raise LookupError(f"{type(view).__name__}: by_body column {name!r} is not one of its search columns")
    relationship = view.datamodel.obj.__mapper__.relationships[name]
    (column,) = relationship.local_columns
    return getattr(view.datamodel.obj, column.key)


def counts_by_body(counter: Counter, limit: int | None = None) -> list[BodyCount]:
    """The counter's rows per body (its `by_body` column), the most first: one GROUP BY over its list.

    Each number is the list narrowed to the body (`_flt_0_<by_body>=<id>`), written as that list
    writes its own count (exact up to the list's limit, «более N» past it).
    """
    if counter.by_body is None:
        return []
    view, query = list_query(counter.view, counter.preset, counter.args)
    column = _relation_column(view, counter.by_body)
    number = func.count()
    # Grouped by «column + 0», not the column: SQLite otherwise walks the whole (body, …) index of the
    # table to get its groups in order, reading each row's status and deadline — 9 s over a million
    # appeals, of which a few thousand are open; on the expression it takes the filter's own index.
    body = (column + 0).label("body_id")
    grouped = (
        query.with_entities(body, number)
        .filter(column.is_not(None))
        .group_by(body)
        .order_by(number.desc(), body)
        .limit(limit)
    )
    limit_rows = view.count_limit
    shown = []
    for body_id, n in grouped:
        args = {**counter.args, f"_flt_0_{counter.by_body}": body_id}
        exact = n <= limit_rows
        shown.append(
            BodyCount(body_id, n, n if exact else limit_rows, exact, list_link(counter.view, counter.preset, args))
        )
    return shown
