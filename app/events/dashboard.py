"""The events dashboard: held against planned by month, organiser and district — the R-E1 statistics, charted.

Every chart reads the query of «Итоги программы мероприятий» (report_views.SUMMARY) — the same
function serves the statistics and the charts (no second implementation); a number opens the event
list it counts with the statistics' own links.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from ..core.workspace import COLUMNS, STACKED, Chart, Dashboard, Measure
from .models import Event, EventStatus
from .report_views import SUMMARY, _link

HELD = EventStatus.HELD.value


def _to_list(dimension: str | None, status: str | None = None) -> Any:
    """The statistics' link of a number (report_views._link) as a chart measure's link."""
    return lambda row, params: _link(params, dimension, status)(row)


def _figures(dimension: str | None) -> list[Measure]:
    return [
        Measure(_l("Проведено"), "held", link=_to_list(dimension, HELD)),
        Measure(_l("Перенесено"), "postponed", link=_to_list(dimension, EventStatus.POSTPONED.value)),
        Measure(_l("Отменено"), "cancelled", link=_to_list(dimension, EventStatus.CANCELLED.value)),
        Measure(_l("Запланировано"), "planned", plot=False, link=_to_list(dimension)),
    ]


EVENTS_DASHBOARD = Dashboard(
    key="events",
    title=_l("Мероприятия: проведено и запланировано"),
    resource="Event",
    scope_model=Event,
    domain="events",
    # The home page lists dashboards in the menu bar's order: appeals (100), control, plans, events, housing.
    order=130,
    note=_l(
        "по дате начала мероприятия; «запланировано» — все мероприятия плана; аннулированные не учитываются; "
        "числа — те же, что в «Статистике мероприятий»"
    ),
    charts=[
        Chart(
            "months",
            _l("Запланировано и проведено по месяцам"),
            query=SUMMARY.query,
            rows="by_month",
            label="label",
            category=_l("Месяц"),
            kind=COLUMNS,
            total=lambda d: d.total,
            measures=[
                Measure(_l("Запланировано"), "planned", link=_to_list(None)),
                Measure(_l("Проведено"), "held", link=_to_list(None, HELD)),
            ],
        ),
        Chart(
            "organisers",
            _l("Итоги по организаторам"),
            query=SUMMARY.query,
            rows="by_organiser",
            label="label",
            category=_l("Организатор"),
            kind=STACKED,
            total=lambda d: d.total,
            measures=_figures("organiser_body"),
        ),
        Chart(
            "districts",
            _l("Итоги по районам"),
            query=SUMMARY.query,
            rows="by_district",
            label="label",
            category=_l("Район"),
            kind=STACKED,
            total=lambda d: d.total,
            measures=_figures("district"),
        ),
    ],
)
