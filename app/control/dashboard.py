"""The control dashboard: executive discipline by body — the numbers of R-C1, charted.

Both charts read the query of «Исполнительская дисциплина» (report_views.DISCIPLINE): the same
function serves the report and the charts, so they show the same numbers (no second implementation).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..core.workspace import STACKED, Chart, Dashboard, Measure
from .models import Instruction
from .report_views import DISCIPLINE

CONTROL_DASHBOARD = Dashboard(
    key="control",
    title=_l("Исполнительская дисциплина"),
    resource="Instruction",
    scope_model=Instruction,
    domain="control",
    # The home page lists dashboards in the menu bar's order: appeals (100), control, plans, events, housing.
    order=110,
    # R-C1 is asked by period and body (the instructions have no district).
    filters=("period", "body"),
    note=_l("аннулированные поручения не учитываются; числа — те же, что в отчёте «Исполнительская дисциплина»"),
    charts=[
        Chart(
            "removal",
            _l("Снятие с контроля по органам (снято в периоде; просрочено — открытые со сроком в периоде)"),
            query=DISCIPLINE.query,
            label="body",
            category=_l("Орган"),
            kind=STACKED,
            total=lambda d: d.total,
            measures=[
                Measure(_l("Снято в срок"), "removed_on_time"),
                Measure(_l("Снято с нарушением срока"), "removed_late"),
                Measure(_l("Просрочено (не снято)"), "open_overdue"),
                Measure(_l("Поставлено на контроль"), "put", plot=False),
                Measure(_l("Исполнение, % (снято ÷ поставлено)"), "execution_percent", plot=False, sum=False),
            ],
        ),
        Chart(
            "on_time",
            _l("Исполнено в срок по органам (срок исполнения в периоде)"),
            query=DISCIPLINE.query,
            label="body",
            category=_l("Орган"),
            total=lambda d: d.total,
            measures=[
                Measure(_l("Срок в периоде"), "due"),
                Measure(_l("Исполнено в срок"), "due_on_time"),
                Measure(_l("В срок, % (по текущему сроку)"), "on_time_percent", plot=False, sum=False),
                Measure(_l("Продлено"), "extended", plot=False),
            ],
        ),
    ],
)
