"""The workspace: home page per role and dashboards, built from what each domain registers here.

No package imports every domain: each domain's `register()` declares its widgets, and the home
page and the dashboards read these registries. Four of them, a few lines each for a domain:

- counters (`register_counter(Counter(...))`, counters.py): a number on the home page that is a
  list's preset — the list's own bounded count, linking to that list. Its `measure` places it in
  the summary / «Мой контроль» table (open, overdue, week, mine, decision — by default the preset's
  key); `by_body` lets an overdue counter feed «Органы с наибольшим числом просроченных»;
- work lists (`register_worklist(WorkList(...))`, worklists.py): a list whose soonest rows join
  «Ближайшие сроки», merged across domains by due date, each linking to its card;
- charts and dashboards (`Chart`, `Measure`, `Dashboard`, `register_dashboard`, dashboards.py and
  charts.py): a domain's page of SVG charts, each drawn from one of its report query functions,
  with its numbers as a table and links into the lists;
- the home page itself (home.py) reads them for the signed-in user; `HomeView` renders it.

Example (a domain's `register(appbuilder)`):

    register_counter(Counter(key="control.overdue", label=_l("Просроченные поручения"), domain="control",
                             view="InstructionView", preset="overdue", audiences=(SUPERVISOR, DEPUTY_HEAD),
                             tone="danger", by_body="body"))
    register_worklist(WorkList(key="control.urgent", label=_l("Поручения: сроки"), domain="control",
                               view="InstructionView", preset="urgent", audiences=(DEPUTY_HEAD,)))
    register_dashboard(appbuilder, CONTROL_DASHBOARD, menu="ControlDashboard", label=_l("Показатели контроля"))
"""

from __future__ import annotations

from .charts import BARS, COLUMNS, STACKED, ChartData, Series, render_chart
from .counters import (
    COUNTERS,
    DECISION,
    MEASURES,
    MINE,
    OPEN,
    OVERDUE,
    WEEK,
    BodyCount,
    Counter,
    CounterValue,
    count,
    counter_url,
    counters_for,
    counts_by_body,
    list_link,
    register_counter,
)
from .dashboards import DASHBOARDS, Chart, Dashboard, DashboardView, Measure, fold, register_dashboard
from .worklists import WORKLISTS, WorkList, register_worklist

__all__ = [
    "BARS",
    "COLUMNS",
    "COUNTERS",
    "DASHBOARDS",
    "DECISION",
    "MEASURES",
    "MINE",
    "OPEN",
    "OVERDUE",
    "STACKED",
    "WEEK",
    "WORKLISTS",
    "BodyCount",
    "Chart",
    "ChartData",
    "Counter",
    "CounterValue",
    "Dashboard",
    "DashboardView",
    "Measure",
    "Series",
    "WorkList",
    "count",
    "counter_url",
    "counters_for",
    "counts_by_body",
    "fold",
    "list_link",
    "register_counter",
    "register_dashboard",
    "register_worklist",
    "render_chart",
]
