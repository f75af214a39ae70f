"""The plans dashboard: plan execution by body and by month — the numbers of «Исполнение планов», charted.

Both charts read the execution report's query (report_views.EXECUTION: items by body × section ×
month of the due date); the same function serves the report and the charts (no second implementation).
Without a plan chosen it counts, as the report does, the items execution is watched on across plans.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from ..core.workspace import COLUMNS, STACKED, Chart, Dashboard, Measure, fold
from .models import PlanItem
from .report_views import EXECUTION


def _months(data: Any) -> list[Any]:
    return sorted(fold(data.rows, lambda r: (r.year, r.month), "planned", "done"), key=lambda r: r.key)


PLANS_DASHBOARD = Dashboard(
    key="plans",
    title=_l("Исполнение планов"),
    resource="PlanItem",
    scope_model=PlanItem,
    domain="plans",
    # The home page lists dashboards in the menu bar's order: appeals (100), control, plans, events, housing.
    order=120,
    # The execution report is asked by period (the item's due date) and body.
    filters=("period", "body"),
    note=_l(
        "по сроку пункта; аннулированные пункты не учитываются, отменённые — не в проценте; "
        "числа — те же, что в отчёте «Исполнение планов»"
    ),
    charts=[
        Chart(
            "bodies",
            _l("Исполнение пунктов планов по ответственным органам"),
            query=EXECUTION.query,
            rows="by_body",
            label="name",
            category=_l("Ответственный орган"),
            kind=STACKED,
            total=lambda d: d.total,
            measures=[
                Measure(_l("Исполнено"), "done"),
                Measure(_l("Перенесено"), "moved"),
                Measure(_l("Не исполнено"), "not_done"),
                Measure(_l("Без отметки"), "unmarked"),
                Measure(_l("Запланировано"), "planned", plot=False),
                Measure(_l("Исполнение, %"), "percent", plot=False, sum=False),
                Measure(_l("Отменено (не учитывается в %)"), "cancelled", plot=False),
            ],
        ),
        Chart(
            "months",
            _l("Запланировано и исполнено по месяцам срока"),
            query=EXECUTION.query,
            rows=_months,
            label=lambda r: f"{r.key[1]:02d}.{r.key[0]}",
            category=_l("Месяц"),
            kind=COLUMNS,
            measures=[Measure(_l("Запланировано"), "planned"), Measure(_l("Исполнено"), "done")],
        ),
    ],
)
