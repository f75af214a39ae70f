"""The housing dashboard: the queue by list today and the register's movement — the housing reports' numbers.

The queue chart counts each active list with the function the queue report counts its list with
(queue.queue_count, as report_views._queue_total does), on today; the movement charts read the
«Движение очереди» report's query (report_views.MOVEMENT) — no second implementation.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_

from ..core.dates import local_today
from ..core.reports import ReportParams
from ..core.workspace import STACKED, Chart, Dashboard, Measure
from .models import Household
from .queue import queue_count
from .report_views import MOVEMENT, _list_choices


def queues(params: ReportParams) -> list[Any]:
    """Households standing in each active list today, in the user's scope (and the chosen district)."""
    scope = params.scope_for(Household)
    if params.district_id is not None:
        district = Household.district_id == params.district_id
        scope = district if scope is None else and_(scope, district)
    today = local_today()
    return [SimpleNamespace(list=name, total=queue_count(list_id, today, scope)) for list_id, name in _list_choices()]


HOUSING_DASHBOARD = Dashboard(
    key="housing",
    title=_l("Жилищный учёт: очередь и её движение"),
    resource="Household",
    scope_model=Household,
    domain="housing",
    # The home page lists dashboards in the menu bar's order: appeals (100), control, plans, events, housing.
    order=140,
    # The movement report is asked by period (the decision's date) and district.
    filters=("period", "district"),
    note=_l(
        "очередь — на сегодня, движение — по дате решения в периоде; аннулированные записи не учитываются; "
        "числа — те же, что в отчётах «Списки очерёдности» и «Движение очереди»"
    ),
    charts=[
        Chart(
            "queue",
            _l("Состоят в очереди на сегодня по спискам"),
            query=queues,
            rows=None,
            label="list",
            category=_l("Список"),
            measures=[Measure(_l("Семей в очереди"), "total")],
        ),
        Chart(
            "movement",
            _l("Решения по районам за период"),
            query=MOVEMENT.query,
            label="district",
            category=_l("Район"),
            kind=STACKED,
            measures=[
                Measure(_l("Принято на учёт"), "registered"),
                Measure(_l("Снято с учёта"), "removed"),
                Measure(_l("Предоставлено жильё"), "provided"),
                Measure(_l("Отказано"), "refused", plot=False),
                Measure(_l("Изменён список"), "changed", plot=False),
                Measure(_l("Восстановлено судом"), "restored", plot=False),
            ],
        ),
        Chart(
            "removals",
            _l("Снято с учёта по основаниям (ст. 56 ЖК РФ)"),
            query=MOVEMENT.query,
            rows="removals",
            label=lambda r: r[0],
            category=_l("Основание"),
            measures=[Measure(_l("Снято"), lambda r: r[1])],
        ),
    ],
)
