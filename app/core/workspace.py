"""The home page's widget registry: domains register counters; the home page reads the registry.

No package imports every domain: each domain's `register()` declares its counters here, e.g.

    register_counter(Counter(
        key="appeals.overdue", label=_l("Просроченные обращения"), domain="appeals",
        view="AppealView", preset="overdue", audiences=(ADMIN, SUPERVISOR, APPEALS_CLERK), tone="danger",
    ))

A counter is a list with a preset and optional filter arguments: its number is that list's own
bounded count (the same filters, row scope and annulled switch as the list page — one query path,
app/core/lists.py), and it links to that list. So a counter and the list behind it always agree, or
both read «более 1000».
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from flask import current_app, url_for
from flask_appbuilder.models.filters import Filters

from .lists import load_page


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


@dataclass(frozen=True)
class CounterValue:
    """A counter as one user sees it now."""

    counter: Counter
    count: int
    exact: bool
    url: str

    @property
    def text(self) -> str:
        from flask_babel import gettext

        return str(self.count) if self.exact else gettext("более %(count)s", count=self.count)


COUNTERS: dict[str, Counter] = {}


def register_counter(counter: Counter) -> Counter:
    """Declare a home-page counter (idempotent per key: an app built twice in tests declares it twice)."""
    COUNTERS[counter.key] = counter
    return counter


def _view(name: str) -> Any:
    for view in current_app.appbuilder.baseviews:
        if view.__class__.__name__ == name:
            return view
    raise LookupError(f"counter names an unknown view {name}")


def counter_url(counter: Counter) -> str:
    """The bookmarkable list URL behind a counter."""
    view = _view(counter.view)
    args = dict(counter.args)
    if counter.preset:
        args["preset"] = counter.preset
    base = url_for(f"{view.endpoint}.list")
    return f"{base}?{urlencode(args)}" if args else base


def _filters(view: Any, counter: Counter) -> Any:
    """The list's filters for the counter: its base filters (scope, annulled, preset) and its arguments."""
    search = Filters(view._filters.filter_converter, view.datamodel, view.search_columns)
    for arg, value in counter.args.items():
        index, _, column = arg.removeprefix("_flt_").partition("_")
        search.add_filter_index(column, int(index), [str(value)])
    base = view._base_filters.copy()
    if counter.preset:
        base.values = [
            counter.preset if getattr(flt, "arg_name", None) == "preset" else value
            for flt, value in zip(base.filters, base.values, strict=True)
        ]
    return search.get_joined_filters(base)


def count(counter: Counter) -> CounterValue:
    """The counter's number for the current user: the bounded count of the list it links to."""
    view = _view(counter.view)
    order_column, order_direction = view.base_order or ("", "")
    page = load_page(
        view.datamodel, _filters(view, counter), order_column, order_direction, 0, 1, count_limit=view.count_limit
    )
    return CounterValue(counter=counter, count=page.count, exact=page.count_exact, url=counter_url(counter))


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
        view = _view(counter.view)
        if sm.has_access("can_read", view.class_permission_name):
            shown.append(counter)
    return shown
