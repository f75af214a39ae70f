"""The calendar pages: a month grid and a week (agenda) list, rendered by the server.

No JavaScript library: plain HTML that works offline and prints on A4 (static/events.css). The
filters (organiser, district, status, programme) are URL arguments, so every month and week link
keeps them; the rows are the user's row scope, like the event list's.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from flask import request, url_for
from flask_appbuilder import BaseView
from flask_appbuilder.baseviews import expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..core.dates import format_date, local_today, parse_date, to_local
from ..core.errors import BadListArgument
from ..core.inputs import is_digits
from ..extensions import db
from ..org.models import Body, District
from ..security import READ, scope_clause
from . import calendar
from .models import FORMAT_LABELS, STATUS_LABELS, Event, EventProgramme

MONTHS = (
    _l("Январь"),
    _l("Февраль"),
    _l("Март"),
    _l("Апрель"),
    _l("Май"),
    _l("Июнь"),
    _l("Июль"),
    _l("Август"),
    _l("Сентябрь"),
    _l("Октябрь"),
    _l("Ноябрь"),
    _l("Декабрь"),
)
WEEKDAYS = (_l("Пн"), _l("Вт"), _l("Ср"), _l("Чт"), _l("Пт"), _l("Сб"), _l("Вс"))
WEEKDAY_NAMES = (
    _l("понедельник"),
    _l("вторник"),
    _l("среда"),
    _l("четверг"),
    _l("пятница"),
    _l("суббота"),
    _l("воскресенье"),
)
#: Events a day cell of the month lists; the rest are behind «ещё N» (that day's agenda).
CELL_EVENTS = 6
#: The longest agenda a page shows.
MAX_AGENDA_DAYS = 31
FILTERS = ("organiser", "district", "status", "programme")


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "").strip()
    if not value:
        return None
    if not is_digits(value) or len(value) > 9:
        raise BadListArgument(_l("Некорректный параметр календаря: %(name)s"), name=name)
    return int(value)


def calendar_filter() -> calendar.CalendarFilter:
    """The filters of this request (a bad value is a 400, never a silently empty calendar)."""
    status = request.args.get("status", "").strip() or None
    if status is not None and status not in STATUS_LABELS:
        raise BadListArgument(_l("Некорректный параметр календаря: %(name)s"), name="status")
    return calendar.CalendarFilter(
        organiser_id=_int_arg("organiser"),
        district_id=_int_arg("district"),
        status=status,
        programme_id=_int_arg("programme"),
    )


def _kept_filters() -> dict[str, str]:
    return {name: request.args[name] for name in FILTERS if request.args.get(name, "").strip()}


def _month_arg() -> tuple[int, int]:
    text = request.args.get("month", "").strip()
    if not text:
        today = local_today()
        return today.year, today.month
    try:
        year, month = (int(part) for part in text.split("-"))
        dt.date(year, month, 1)
    except ValueError:
        raise BadListArgument(_l("Месяц календаря — в виде ГГГГ-ММ, например 2020-05")) from None
    if not 1990 <= year <= 2100:
        raise BadListArgument(_l("Месяц календаря — в виде ГГГГ-ММ, например 2020-05"))
    return year, month


def _start_arg() -> dt.date:
    text = request.args.get("start", "").strip()
    if not text:
        today = local_today()
        return today - dt.timedelta(days=today.weekday())
    try:
        day = parse_date(text)
    except ValueError:
        raise BadListArgument(_l("Дата должна быть в формате ДД.ММ.ГГГГ, например 01.05.2024")) from None
    if not 1990 <= day.year <= 2100:
        raise BadListArgument(_l("Дата должна быть в формате ДД.ММ.ГГГГ, например 01.05.2024"))
    return day


def _shift_month(year: int, month: int, by: int) -> str:
    index = year * 12 + month - 1 + by
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


class EventCalendarView(BaseView):
    """«Календарь мероприятий»: the month and the week, within the user's row scope."""

    route_base = "/events/calendar"
    default_view = "month"
    class_permission_name = "Event"
    method_permission_name = {"month": READ, "agenda": READ}

    def _choices(self) -> dict[str, list[tuple[str, str]]]:
        """What the filter form offers: bodies and districts (the org chart is public), visible programmes."""
        bodies = db.session.execute(
            select(Body.id, Body.name).where(Body.is_external.is_(False), Body.is_active.is_(True)).order_by(Body.name)
        ).all()
        districts = db.session.execute(select(District.id, District.name).order_by(District.name)).all()
        programmes = select(EventProgramme.id, EventProgramme.name).where(EventProgramme.annulled_at.is_(None))
        clause = scope_clause(EventProgramme)
        if clause is not None:
            programmes = programmes.where(clause)
        everyone = [("", gettext("Все"))]
        return {
            "organiser": everyone + [(str(i), n) for i, n in bodies],
            "district": everyone + [(str(i), n) for i, n in districts],
            "status": everyone + [(key, str(label)) for key, label in STATUS_LABELS.items()],
            "programme": everyone
            + [(str(i), n) for i, n in db.session.execute(programmes.order_by(EventProgramme.year.desc()))],
        }

    def _page(self, template: str, **kwargs: Any) -> Any:
        return self.render_template(
            template,
            choices=self._choices(),
            chosen={name: request.args.get(name, "") for name in FILTERS},
            filter_labels={
                "organiser": gettext("Организатор"),
                "district": gettext("Район"),
                "status": gettext("Статус"),
                "programme": gettext("Программа"),
            },
            status_labels=STATUS_LABELS,
            format_labels=FORMAT_LABELS,
            show_url=lambda pk: url_for("EventView.show", pk=pk),
            to_local=to_local,
            **kwargs,
        )

    def _url(self, endpoint: str, **args: Any) -> str:
        return url_for(f"{self.endpoint}.{endpoint}") + "?" + urlencode({**_kept_filters(), **args})

    @expose("/")
    @expose("/month")
    @has_access
    def month(self) -> Any:
        year, month_number = _month_arg()
        weeks = calendar.month(year, month_number, calendar_filter(), scope_clause(Event))
        name = f"{str(MONTHS[month_number - 1]).lower()} {year}"
        return self._page(
            "events/calendar_month.html",
            title=gettext("Календарь мероприятий: %(month)s", month=name),
            heading=f"{MONTHS[month_number - 1]} {year}",
            weeks=weeks,
            weekdays=WEEKDAYS,
            today=local_today(),
            cell_events=CELL_EVENTS,
            month_value=f"{year:04d}-{month_number:02d}",
            previous_url=self._url("month", month=_shift_month(year, month_number, -1)),
            next_url=self._url("month", month=_shift_month(year, month_number, 1)),
            today_url=self._url("month"),
            week_url=lambda day: self._url("agenda", start=(day - dt.timedelta(days=day.weekday())).isoformat()),
            day_url=lambda day: self._url("agenda", start=day.isoformat(), days=1),
        )

    @expose("/agenda")
    @has_access
    def agenda(self) -> Any:
        start = _start_arg()
        days = _int_arg("days") or 7
        if not 1 <= days <= MAX_AGENDA_DAYS:
            raise BadListArgument(_l("Период списка — от 1 до %(max)s дней"), max=MAX_AGENDA_DAYS)
        end = start + dt.timedelta(days=days - 1)
        listed = calendar.agenda(start, days, calendar_filter(), scope_clause(Event))
        period = format_date(start) if days == 1 else f"{format_date(start)} — {format_date(end)}"
        return self._page(
            "events/calendar_agenda.html",
            title=gettext("Мероприятия: %(period)s", period=period),
            heading=period,
            days=listed,
            weekday_names=WEEKDAY_NAMES,
            start_value=start.isoformat(),
            days_value=days,
            previous_url=self._url("agenda", start=(start - dt.timedelta(days=days)).isoformat(), days=days),
            next_url=self._url("agenda", start=(start + dt.timedelta(days=days)).isoformat(), days=days),
            month_url=self._url("month", month=f"{start.year:04d}-{start.month:02d}"),
            format_date=format_date,
        )
