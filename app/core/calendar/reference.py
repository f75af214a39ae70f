"""Reference data: the Russian production calendar from the `holidays` package, and deadline rules.

The package knows the government's day transfers (постановления о переносе выходных)
for the years it has been released with; later years get weekends, the fixed holidays of
ТК РФ ст. 112 and that article's own rule (ч. 2: a holiday on a day off moves to the next
working day, the 1–8 January holidays excepted), and stay unconfirmed until an Admin checks
them against the calendar the government publishes each autumn. Days a decree declares
non-working (24.06.2020, 01.07.2020) the Admin enters for any year, past ones included.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache

import holidays
from holidays.countries.russia import RussiaStaticHolidays

from .models import DayKind, DeadlineUnit, Shift

SHORTENED_NOTE = "Предпраздничный день (на час короче)"
WORKING_WEEKEND_NOTE = "Рабочий день (выходной перенесён на {})"
LABOUR_CODE_NOTE = "Выходной: перенос праздника {} (ч. 2 ст. 112 ТК РФ)"


@dataclass(frozen=True)
class DaySpec:
    """What the package says about one day."""

    kind: DayKind
    note: str | None
    confirmed: bool


@cache
def last_known_year() -> int:
    """The last year whose transfers the installed `holidays` release carries.

    The package lists transfers per year in RussiaStaticHolidays; a published Russian
    calendar always has some (the New Year days falling on a weekend are moved).
    """
    return max(
        *RussiaStaticHolidays.special_public_holidays,
        *RussiaStaticHolidays.special_public_holidays_observed,
    )


def _transfers(year: int) -> dict[dt.date, dt.date]:
    """Weekend day that becomes working -> weekday that becomes a day off, for one year."""
    entries = RussiaStaticHolidays.special_public_holidays.get(year, ())
    if entries and isinstance(entries[0], int):
        entries = (entries,)
    result = {}
    for to_month, to_day, from_month, from_day, *from_year in entries:
        result[dt.date(from_year[0] if from_year else year, from_month, from_day)] = dt.date(year, to_month, to_day)
    return result


@cache
def default_days(year: int) -> dict[dt.date, DaySpec]:
    """Every day of `year` as the package knows it (cached: the package is immutable at run time)."""
    years = range(year - 1, year + 2)  # transfers and the holiday after 31 December cross year ends
    calendar = holidays.country_holidays("RU", years=years, language="ru")
    # ТК РФ ст. 112 holidays proper: without the observed and transferred days off.
    days_off_moved = {to for y in years for to in _transfers(y).values()}
    statutory = set(holidays.country_holidays("RU", years=years, observed=False)) - days_off_moved
    moved_to = {frm: to for y in years for frm, to in _transfers(y).items()}
    confirmed = year <= last_known_year()
    # A year the package does not know yet: the Labour Code's own transfers (ТК РФ ст. 112 ч. 2) are
    # certain; the government's decree for the year (the 1–8 January days, other bridges) is not.
    labour_code = {} if confirmed else labour_code_transfers(year, statutory)

    def working(day: dt.date) -> bool:
        return calendar.is_working_day(day) and day not in labour_code

    def shortened(day: dt.date) -> bool:
        # ТК РФ ст. 95: the day before a holiday is an hour shorter. The government also
        # shortens a working Saturday that is the last working day before a holiday
        # (27.04.2024, 02.11.2024, 28.12.2024, 01.11.2025), but not a weekday followed by a
        # transferred day off (07.05.2025, 30.12.2025).
        nxt = day + dt.timedelta(days=1)
        if nxt in statutory:
            return True
        if day not in calendar.weekend_workdays:
            return False
        while not working(nxt):
            if nxt in statutory:
                return True
            nxt += dt.timedelta(days=1)
        return False

    result = {}
    day = dt.date(year, 1, 1)
    while day.year == year:
        if day in labour_code:
            note = LABOUR_CODE_NOTE.format(labour_code[day].strftime("%d.%m.%Y"))
            result[day] = DaySpec(DayKind.NON_WORKING, note, confirmed)
        elif not working(day):
            result[day] = DaySpec(DayKind.NON_WORKING, calendar.get(day), confirmed)
        else:
            notes = []
            if day in moved_to:
                notes.append(WORKING_WEEKEND_NOTE.format(moved_to[day].strftime("%d.%m.%Y")))
            kind = DayKind.SHORTENED if shortened(day) else DayKind.WORKING
            if kind is DayKind.SHORTENED:
                notes.append(SHORTENED_NOTE)
            result[day] = DaySpec(kind, "; ".join(notes) or None, confirmed)
        day += dt.timedelta(days=1)
    return result


#: The New Year holidays (1–8 January) falling on a weekend are moved by the government's decree, not by law.
NEW_YEAR_HOLIDAYS_END = 8


def labour_code_transfers(year: int, statutory: set[dt.date] | None = None) -> dict[dt.date, dt.date]:
    """Day off → the holiday it replaces, by ТК РФ ст. 112 ч. 2, for one year.

    A non-working holiday falling on a Saturday or Sunday moves to the next working day. The 1–8
    January holidays are excepted (the government moves two of them by decree to other dates), so the
    rule alone never crosses a year's end. Used for the years the `holidays` package does not know yet.
    """
    if statutory is None:
        statutory = set(holidays.country_holidays("RU", years=range(year - 1, year + 2), observed=False))
    moved: dict[dt.date, dt.date] = {}
    for holiday in sorted(d for d in statutory if d.year == year):
        if holiday.weekday() < 5 or (holiday.month == 1 and holiday.day <= NEW_YEAR_HOLIDAYS_END):
            continue
        day_off = holiday + dt.timedelta(days=1)
        while day_off.weekday() >= 5 or day_off in statutory or day_off in moved:
            day_off += dt.timedelta(days=1)
        moved[day_off] = holiday
    return moved


@dataclass(frozen=True)
class RuleSeed:
    code: str
    name: str
    amount: int
    unit: DeadlineUnit
    shift: Shift
    basis: str | None = None


CAL, WD = DeadlineUnit.CALENDAR_DAYS, DeadlineUnit.WORKING_DAYS
PREV, NONE = Shift.PREVIOUS_WORKING, Shift.NONE

#: Calendar-day terms end on the preceding working day (municipal practice, DOMAIN.md A.1);
#: a working-day term already ends on a working day.
DEADLINE_RULES = [
    RuleSeed("appeal_registration", "Регистрация обращения", 3, CAL, PREV, "ч. 2 ст. 8 Федерального закона № 59-ФЗ"),
    RuleSeed("appeal_forward", "Переадресация обращения по компетенции", 7, CAL, PREV, "ч. 3 ст. 8 № 59-ФЗ"),
    RuleSeed("appeal_answer", "Рассмотрение обращения и ответ", 30, CAL, PREV, "ч. 1 ст. 12 № 59-ФЗ"),
    RuleSeed("appeal_extension", "Продление рассмотрения обращения (не более)", 30, CAL, PREV, "ч. 2 ст. 12 № 59-ФЗ"),
    RuleSeed("appeal_request", "Ответ на запрос в другой орган", 15, CAL, PREV, "ч. 2 ст. 10 № 59-ФЗ"),
    RuleSeed(
        "appeal_pos",
        "Ответ на сообщение через Платформу обратной связи",
        10,
        WD,
        NONE,
        "Постановление Правительства РФ от 10.11.2020 № 1802",
    ),
    RuleSeed(
        "housing_decision",
        "Решение о постановке на учёт (снятии с учёта)",
        30,
        WD,
        NONE,
        "ч. 5 ст. 52, ч. 2 ст. 56 Жилищного кодекса РФ",
    ),
    RuleSeed(
        "housing_handover",
        "Выдача или направление решения заявителю",
        3,
        WD,
        NONE,
        "ч. 6 ст. 52, ст. 54, ч. 3 ст. 56, ч. 4 ст. 57 Жилищного кодекса РФ",
    ),
    RuleSeed("instruction_default", "Поручение без указанного срока", 30, CAL, PREV),
    RuleSeed("instruction_urgent", "Поручение «срочно»", 3, WD, NONE),
    RuleSeed("instruction_prompt", "Поручение «оперативно»", 10, WD, NONE),
    # Counted back from the deadline: a later request is refused (DOMAIN.md A.6).
    RuleSeed("instruction_extension_lead", "Запрос продления поручения — не позднее чем за", 3, WD, NONE),
]
