"""Dates, sums and names in the Russian forms a legal document needs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from app.core.documents.rendering import sandbox
from app.core.documents.russian import date_long, date_short, fio_short, money, number


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2024, 3, 1), "01 марта 2024 г."),
        (dt.date(2024, 5, 1), "01 мая 2024 г."),
        (dt.date(2023, 1, 31), "31 января 2023 г."),
        (dt.date(2025, 8, 15), "15 августа 2025 г."),
        (dt.date(2024, 12, 9), "09 декабря 2024 г."),
    ],
)
def test_date_long_writes_the_month_in_the_genitive(day, expected):
    assert date_long(day) == expected


def test_date_long_of_a_timestamp_uses_the_city_day(app_ctx):
    # 20:00 UTC on 29 February is already 1 March in Novokuznetsk (UTC+7).
    assert date_long(dt.datetime(2024, 2, 29, 20, 0)) == "01 марта 2024 г."


def test_date_is_day_month_year_with_dots():
    assert date_short(dt.date(2024, 3, 1)) == "01.03.2024"
    assert date_short(None) == date_long(None) == ""


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1234567.5, "1 234 567,50"),
        (Decimal("1000"), "1 000,00"),
        (0.5, "0,50"),
        (-1234.567, "-1 234,57"),
        (999, "999,00"),
    ],
)
def test_money_groups_thousands_with_spaces_and_has_kopecks_after_a_comma(value, expected):
    assert money(value) == expected


@pytest.mark.parametrize(
    ("value", "digits", "expected"),
    [
        (1234567, None, "1 234 567"),
        (1234.5, None, "1 234,5"),
        (Decimal("12.000"), None, "12"),
        (2.345, 2, "2,35"),
        (1000000, 1, "1 000 000,0"),
    ],
)
def test_number_groups_thousands_and_keeps_whole_numbers_whole(value, digits, expected):
    assert number(value, digits) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Иванова Ольга Петровна", "Иванова О. П."),
        ("Иванова Ольга", "Иванова О."),
        ("  Смирнов   дмитрий  ", "Смирнов Д."),
        ("Петрова Анна-Мария Ивановна", "Петрова А.-М. И."),
        ("", ""),
        (None, ""),
    ],
)
def test_fio_short_keeps_the_surname_and_initials(name, expected):
    assert fio_short(name) == expected


def test_filters_are_available_in_document_templates(app_ctx):
    text = sandbox().from_string(
        "{{ d|date_long }} / {{ d|date }} / {{ s|money }} / {{ n|number }} / {{ fio|fio_short }}"
    )
    assert text.render(d=dt.date(2024, 5, 1), s=1500, n=25000, fio="Иванова Ольга Петровна") == (
        "01 мая 2024 г. / 01.05.2024 / 1 500,00 / 25 000 / Иванова О. П."
    )
