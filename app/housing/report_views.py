"""Housing reports on the platform's report page (R-H1…R-H4): queries in reports.py, layouts here."""

from __future__ import annotations

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import SelectField
from wtforms.validators import Optional

from ..core.dates import local_today
from ..core.forms import RuDateField
from ..core.reports import Column, Report, ReportParams, ReportsView, Subtotals, TableLayout, Total
from ..extensions import db
from . import reports
from .models import Household, HousingDecision, ListType, Premises
from .queue import queue_count
from .services import PREMISES_STATUS_LABELS

TOTAL = _l("Итого")


def _list_choices() -> list[tuple[int, str]]:
    return [
        (t.id, t.name)
        for t in db.session.scalars(select(ListType).where(ListType.is_active.is_(True)).order_by(ListType.sort_order))
    ]


def _list_id(params: ReportParams) -> int | None:
    chosen = params.extra.get("list_type")
    known = [i for i, _name in _list_choices()]
    return chosen if chosen in known else (known[0] if known else None)


def _queue(params: ReportParams) -> reports.QueueList:
    as_of = params.extra.get("as_of") or local_today()
    list_id = _list_id(params)
    if list_id is None:
        return reports.QueueList("", as_of, 0, [])
    return reports.queue_list(list_id, as_of, params.scope_for(Household), params.limit)


def _queue_total(params: ReportParams) -> int:
    list_id = _list_id(params)
    if list_id is None:
        return 0
    return queue_count(list_id, params.extra.get("as_of") or local_today(), params.scope_for(Household))


QUEUE = Report(
    name="queue",
    title=_l("Списки очерёдности"),
    basis=_l("места в очереди на дату"),
    query=_queue,
    filters=(),
    extra={
        "list_type": SelectField(_l("Список"), coerce=int, choices=_list_choices, validators=[Optional()]),
        "as_of": RuDateField(_l("На дату"), validators=[Optional()]),
    },
    tables=[
        TableLayout(
            lambda d: gettext(
                "%(list)s на %(date)s: %(total)s", list=d.list_name, date=d.as_of.strftime("%d.%m.%Y"), total=d.total
            ),
            columns=[
                Column(_l("Место"), "position"),
                Column(_l("Номер заявления"), "application_number"),
                Column(_l("Состав семьи, чел."), "family_size"),
                Column(_l("Дата постановки"), "queue_date"),
                Column(_l("Подано"), "application_time"),
                Column(_l("Район"), "district"),
            ],
            count=lambda p: _queue_total(p),
        )
    ],
)


def _movement(params: ReportParams) -> reports.Movement:
    where = params.conditions(HousingDecision, date=HousingDecision.decision_date, district=HousingDecision.district_id)
    return reports.movement(where)


MOVEMENT = Report(
    name="movement",
    title=_l("Движение очереди"),
    basis=_l("по дате решения"),
    query=_movement,
    filters=("period", "district"),
    tables=[
        TableLayout(
            _l("Решения по районам"),
            columns=[
                Column(_l("Район"), "district"),
                Column(_l("Принято на учёт"), "registered", sum=True),
                Column(_l("Отказано"), "refused", sum=True),
                Column(_l("Снято с учёта"), "removed", sum=True),
                Column(_l("Предоставлено жильё"), "provided", sum=True),
                Column(_l("Изменён список"), "changed", sum=True),
                Column(_l("Восстановлено судом"), "restored", sum=True),
            ],
            totals=[Total(TOTAL)],
        ),
        TableLayout(
            _l("Снято с учёта по основаниям (ст. 56 ЖК РФ)"),
            rows="removals",
            columns=[
                Column(_l("Основание"), lambda r: r[0]),
                Column(_l("Снято"), lambda r: r[1], key="count", sum=True),
            ],
            totals=[Total(TOTAL)],
        ),
    ],
)


def _stock(params: ReportParams) -> list[reports.StockRow]:
    where = params.conditions(Premises, district=Premises.district_id)
    return reports.stock(where)


def _status(value: str) -> str:
    from .models import PremisesStatus

    return str(PREMISES_STATUS_LABELS[PremisesStatus(value)])


STOCK = Report(
    name="stock",
    title=_l("Жилищный фонд"),
    basis=_l("на сегодня"),
    query=_stock,
    filters=("district",),
    tables=[
        TableLayout(
            _l("Помещения по категориям фонда, статусам и районам"),
            rows=None,
            columns=[
                Column(_l("Категория фонда"), "fund_category"),
                Column(_l("Статус"), lambda r: _status(r.status), key="status"),
                Column(_l("Район"), "district"),
                Column(_l("Помещений"), "premises", sum=True),
                Column(_l("Общая площадь, м²"), "total_area", sum=True),
            ],
            subtotals=Subtotals("fund_category", lambda key: gettext("Итого: %(category)s", category=key)),
            totals=[Total(TOTAL)],
        )
    ],
)


def _journal(params: ReportParams) -> list[reports.JournalRow]:
    where = params.conditions(HousingDecision, date=HousingDecision.decision_date, district=HousingDecision.district_id)
    return reports.decisions_journal(where, params.limit)


JOURNAL = Report(
    name="journal",
    title=_l("Журнал решений"),
    basis=_l("по дате решения"),
    query=_journal,
    filters=("period", "district"),
    tables=[
        TableLayout(
            _l("Решения по учёту граждан"),
            rows=None,
            columns=[
                Column(_l("Номер"), "number"),
                Column(_l("Дата"), "decision_date"),
                Column(_l("Вид решения"), "decision_type"),
                Column(_l("Учётное дело"), "application_number"),
                Column(_l("Район"), "district"),
                Column(_l("Список, основание или помещение"), "detail"),
                Column(_l("Срок выдачи"), "handover_due"),
                Column(_l("Выдано"), "handed_over_on"),
            ],
            count=lambda p: reports.decisions_count(
                p.conditions(HousingDecision, date=HousingDecision.decision_date, district=HousingDecision.district_id)
            ),
        )
    ],
)


class HousingReportsView(ReportsView):
    route_base = "/housing/reports"
    class_permission_name = "Household"
    scope_model = Household
    title = _l("Отчёты по учёту граждан")
    note = _l("аннулированные дела и решения не учитываются")
    reports = [QUEUE, MOVEMENT, STOCK, JOURNAL]
