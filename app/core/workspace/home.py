"""The home page of a signed-in user, built from what the domains registered (no domain is imported here).

- «Мой контроль» (a deputy head) or the summary of the user's sight (city, district, body): a row
  per domain, a column per measure — open, overdue, due within 7 days, mine, awaiting my decision;
  each number a counter (app/core/workspace/counters.py) linking to the list it counts.
- «Ближайшие сроки»: the soonest open rows of the work lists the user's roles are given, across
  domains, each linking to its card (app/core/workspace/worklists.py).
- «Органы с наибольшим числом просроченных» (the Supervisor, the documentation department, a
  deputy head for his bodies): the «overdue» counters declaring `by_body`, grouped per body.
- the dashboards the user may open; who the user is and his sight.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ...extensions import db
from ...security import CONTROL_OFFICER, DEPUTY_HEAD, SUPERVISOR, ScopeLevel
from .. import menus
from .counters import MEASURES, OVERDUE, BodyCount, CounterValue, count, counters_for, counts_by_body
from .dashboards import dashboards_for
from .worklists import WorkListValue, WorkRow, load_worklist, merged_rows, worklists_for

#: Roles shown the bodies with the most overdue (the Supervisor, the documentation department, deputy heads).
BODY_RANKING_ROLES = (SUPERVISOR, CONTROL_OFFICER, DEPUTY_HEAD)
#: Bodies in that table.
BODY_RANKING_ROWS = 10

SUMMARY_TITLES = {
    ScopeLevel.SUPERVISED.value: _l("Мой контроль: курируемые органы"),
    ScopeLevel.CITY.value: _l("Сводка по городу"),
    ScopeLevel.DISTRICT.value: _l("Сводка по району"),
    ScopeLevel.BODY.value: _l("Сводка по органу"),
}


def domain_label(domain: str) -> str:
    """A domain's Russian name: its menu category's («appeals» → «Обращения»)."""
    category = menus.CATEGORY_BY_KEY.get(domain.capitalize())
    return str(category.label) if category is not None else domain


def domain_order(domain: str) -> int:
    keys = [category.key for category in menus.CATEGORIES]
    name = domain.capitalize()
    return keys.index(name) if name in keys else len(keys)


@dataclass
class SummaryRow:
    """One domain's numbers: measure → its counters (usually one)."""

    domain: str
    label: str
    cells: dict[str, list[CounterValue]] = field(default_factory=dict)


@dataclass
class SummaryTable:
    title: str
    #: (measure, header) of the columns any row fills, in MEASURES order.
    columns: list[tuple[str, str]]
    rows: list[SummaryRow]
    #: Counters that are no measure of the table, listed under it.
    others: list[CounterValue]


@dataclass
class BodyRanking:
    """Bodies with the most overdue: a column per domain, the total, the most first."""

    columns: list[tuple[str, str]]
    rows: list[tuple[str, dict[str, BodyCount], int]]


@dataclass
class HomePage:
    summary: Any
    table: SummaryTable | None
    worklists: list[WorkListValue]
    urgent: list[WorkRow]
    bodies: BodyRanking | None
    dashboards: list[tuple[Any, str]]


def _scope_level(user: Any) -> str | None:
    from ...org.models import Official

    return db.session.scalar(
        select(Official.scope_level).where(Official.user_id == user.id, Official.is_active.is_(True))
    )


def summary_table(user: Any, values: list[CounterValue]) -> SummaryTable | None:
    """The counters as a table: a row per domain, a column per measure; the rest listed apart."""
    if not values:
        return None
    rows: dict[str, SummaryRow] = {}
    others = []
    for value in values:
        kind = value.counter.kind
        if kind is None:
            others.append(value)
            continue
        domain = value.counter.domain
        row = rows.setdefault(domain, SummaryRow(domain, domain_label(domain)))
        row.cells.setdefault(kind, []).append(value)
    used = {kind for row in rows.values() for kind in row.cells}
    columns = [(kind, str(header)) for kind, header in MEASURES.items() if kind in used]
    title = SUMMARY_TITLES.get(_scope_level(user) or "", _l("Сводка"))
    ordered = sorted(rows.values(), key=lambda row: (domain_order(row.domain), row.domain))
    return SummaryTable(str(title), columns, ordered, others)


def body_ranking(user: Any, limit: int = BODY_RANKING_ROWS) -> BodyRanking | None:
    """The bodies with the most overdue rows across the domains' «overdue» counters with `by_body`."""
    from ...org.models import Body

    roles = {role.name for role in getattr(user, "roles", [])}
    if not roles & set(BODY_RANKING_ROLES):
        return None
    counters = [c for c in counters_for(user) if c.kind == OVERDUE and c.by_body]
    if not counters:
        return None
    per_body: dict[int, dict[str, BodyCount]] = {}
    for counter in counters:
        for body_count in counts_by_body(counter):
            per_body.setdefault(body_count.body_id, {})[counter.key] = body_count
    totals = {body_id: sum(c.rows for c in cells.values()) for body_id, cells in per_body.items()}
    names = dict(db.session.execute(select(Body.id, Body.name).where(Body.id.in_(list(per_body)))).all())
    ranked = sorted(per_body, key=lambda body_id: (-totals[body_id], names.get(body_id, "")))[:limit]
    # A column per domain; a domain with two overdue counters names each.
    domains = [c.domain for c in counters]
    columns = [
        (c.key, domain_label(c.domain) if domains.count(c.domain) == 1 else f"{domain_label(c.domain)}: {c.label}")
        for c in counters
    ]
    return BodyRanking(columns, [(names.get(b, ""), per_body[b], totals[b]) for b in ranked])


def build_home(user: Any) -> HomePage:
    """Everything the user's home page shows (see the module docstring)."""
    from ...org.services import profile_summary

    values = [count(counter) for counter in counters_for(user)]
    worklists = [load_worklist(w, domain_label(w.domain)) for w in worklists_for(user)]
    return HomePage(
        summary=profile_summary(user),
        table=summary_table(user, values),
        worklists=worklists,
        urgent=merged_rows(worklists),
        bodies=body_ranking(user),
        dashboards=dashboards_for(user),
    )
