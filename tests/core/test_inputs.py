"""What a typed value may be, per column (app/core/inputs.py), and the API's bound on JSON bodies."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from flask_appbuilder import Model
from sqlalchemy import BigInteger, Date, DateTime, Integer, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from app.appeals.models import Appeal, DocumentRequest
from app.core.api_guard import json_depth, jwt_message
from app.core.dates import format_date
from app.core.errors import ValidationFailed
from app.core.inputs import (
    BIRTH_DATES,
    DEFAULT_DATES,
    HISTORIC_DATES,
    DateWindow,
    check_date,
    check_values,
    date_window,
    integer_range,
)
from scripts.check_i18n import empty_msgids


class WindowedRecord(Model):
    """A record with one date of each declared kind (never created: only its columns are read)."""

    __tablename__ = "test_windowed_record"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reg_date: Mapped[dt.date | None] = mapped_column(Date)
    happened_on: Mapped[dt.date | None] = mapped_column(Date)
    born_on: Mapped[dt.date | None] = mapped_column(Date, info={"date_window": BIRTH_DATES})
    queued_on: Mapped[dt.date | None] = mapped_column(Date, info={"date_window": HISTORIC_DATES})
    answered_on: Mapped[dt.date | None] = mapped_column(Date, info={"date_window": DateWindow(not_before="reg_date")})
    stamped_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    title: Mapped[str | None] = mapped_column(String(100))
    count: Mapped[int | None] = mapped_column(SmallInteger)
    total: Mapped[int | None] = mapped_column(BigInteger)


def _refusal(record, column, value) -> str:
    with pytest.raises(ValidationFailed) as refused:
        check_date(record, column, value, field="typed")
    assert refused.value.field == "typed"
    return str(refused.value)


def test_every_date_column_has_the_default_window_unless_it_declares_one(app_ctx):
    assert date_window(WindowedRecord, "happened_on") is DEFAULT_DATES
    assert date_window(Appeal, "received_date") is DEFAULT_DATES
    assert date_window(WindowedRecord, "born_on") is BIRTH_DATES
    assert date_window(Appeal, "answer_date").not_before == "reg_date"
    assert date_window(DocumentRequest, "received_on").not_before == "sent_on"


def test_the_default_window_runs_from_1990_to_five_years_ahead(app_ctx, monkeypatch):
    monkeypatch.setattr("app.core.inputs.local_today", lambda: dt.date(2026, 6, 1))
    record = WindowedRecord()
    check_date(record, "happened_on", dt.date(1990, 1, 1))
    check_date(record, "happened_on", dt.date(2031, 6, 1))
    assert _refusal(record, "happened_on", dt.date(1, 1, 1)) == (
        "дата 01.01.0001 вне допустимого периода: с 01.01.1990 по 01.06.2031"
    )
    assert "с 01.01.1990 по 01.06.2031" in _refusal(record, "happened_on", dt.date(2031, 6, 2))
    assert "с 01.01.1990" in _refusal(record, "happened_on", dt.date(1989, 12, 31))


def test_birth_dates_run_from_1900_to_today_and_historic_ones_from_1950(app_ctx, monkeypatch):
    monkeypatch.setattr("app.core.inputs.local_today", lambda: dt.date(2026, 6, 1))
    record = WindowedRecord()
    check_date(record, "born_on", dt.date(1900, 1, 1))
    check_date(record, "born_on", dt.date(2026, 6, 1))
    assert "с 01.01.1900 по 01.06.2026" in _refusal(record, "born_on", dt.date(2026, 6, 2))
    assert "с 01.01.1900" in _refusal(record, "born_on", dt.date(1899, 12, 31))
    check_date(record, "queued_on", dt.date(1950, 1, 1))
    assert "с 01.01.1950" in _refusal(record, "queued_on", dt.date(1949, 12, 31))


def test_a_date_of_the_records_own_handling_never_precedes_its_registration(app_ctx):
    record = WindowedRecord(reg_date=dt.date(2025, 3, 3))
    check_date(record, "answered_on", dt.date(2025, 3, 3))
    assert _refusal(record, "answered_on", dt.date(2025, 3, 2)) == (
        "дата не может быть раньше даты регистрации (03.03.2025)"
    )
    # A record not stored yet (its model is named): only the window.
    check_date(WindowedRecord, "answered_on", dt.date(2025, 3, 2))


def test_a_timestamp_is_checked_on_the_citys_calendar_day(app_ctx):
    # 31.12.1989 17:30 UTC is 01.01.1990 00:30 in Novokuznetsk: inside the window.
    check_date(WindowedRecord(), "stamped_at", dt.datetime(1989, 12, 31, 17, 30))
    assert "дата 31.12.1989" in _refusal(WindowedRecord(), "stamped_at", dt.datetime(1989, 12, 31, 16, 30))


def test_integer_columns_hold_their_types_range():
    assert integer_range(Integer()) == (-(2**31), 2**31 - 1)
    assert integer_range(SmallInteger()) == (-(2**15), 2**15 - 1)
    assert integer_range(BigInteger()) == (-(2**63), 2**63 - 1)
    assert integer_range(String()) is None


@pytest.mark.parametrize(
    "fields, column, message",
    [
        ({"title": "a\x00b"}, "title", "«Название»: недопустимые управляющие символы"),
        ({"count": 2**15}, "count", "число вне допустимого диапазона (от -32768 до 32767)"),
        ({"total": 2**63}, "total", "число вне допустимого диапазона"),
        ({"happened_on": dt.date(1, 1, 1)}, "happened_on", "«Дата события»: дата 01.01.0001"),
    ],
)
def test_a_new_records_values_are_checked_with_the_fields_label(app_ctx, fields, column, message):
    with pytest.raises(ValidationFailed) as refused:
        check_values(WindowedRecord(**fields), {"title": "Название", "happened_on": "Дата события"})
    assert refused.value.field == column
    assert str(refused.value).startswith(message)


def test_tab_and_line_breaks_and_big_integers_within_range_pass(app_ctx):
    check_values(WindowedRecord(title="a\tb\r\nc", count=2**15 - 1, total=2**62, happened_on=dt.date(2000, 1, 1)))


def test_an_unchanged_value_of_a_stored_record_is_not_checked_again(app):
    """An old value outside today's window (imported, or before the rule) never blocks an unrelated edit."""
    from app.extensions import db
    from tests.security.world import build_world

    world = build_world(app, officials=())
    with app.app_context():
        appeal = db.session.get(Appeal, world["appeal"])
        db.session.execute(Appeal.__table__.update().values(came_from_date=dt.date(1970, 1, 1)))
        db.session.expire(appeal)
        appeal.summary = "Уточнено"
        check_values(appeal)
        appeal.came_from_date = dt.date(1971, 1, 1)
        with pytest.raises(ValidationFailed):
            check_values(appeal)
        db.session.rollback()


def test_format_date_writes_four_digit_years():
    assert format_date(dt.date(1, 1, 1)) == "01.01.0001"
    assert format_date(dt.date(2025, 3, 3)) == "03.03.2025"


@pytest.mark.parametrize(
    "body, depth",
    [
        (b"{}", 1),
        (b'{"a": [1, {"b": [2]}]}', 4),
        (b'{"text": "[[[[{{{{"}', 1),
        (b'{"text": "quote \\" [[[["}', 1),
        (b"[" * 1000 + b"]" * 1000, 1000),
        (b"", 0),
    ],
)
def test_json_depth_is_counted_without_parsing_and_ignores_strings(body, depth):
    assert json_depth(body) == depth


def test_jwt_messages_are_russian():
    assert jwt_message("Signature verification failed") == "Подпись токена не прошла проверку"
    assert jwt_message("Invalid header string: 'utf-8' codec can't decode byte") == "Недействительный токен доступа"
    assert jwt_message("Missing Authorization Header").startswith("Нужен вход")


def test_no_translation_call_of_an_empty_string_anywhere_in_the_app(tmp_path):
    """`make lint` and `make i18n` run the same check (scripts/check_i18n.py)."""
    assert empty_msgids() == []
    (tmp_path / "templates").mkdir()
    (tmp_path / "bad.py").write_text('from flask_babel import lazy_gettext as _l\nLABEL = _l("")\nOK = _l("Да")\n')
    (tmp_path / "templates" / "page.html").write_text('<p>{{ _("") }}</p>\n')
    found = empty_msgids(tmp_path)
    assert [problem.rsplit(": ", 1)[1] for problem in found] == ['_l("")', '_("")']
    assert Path(found[0].split(":")[0]).name == "bad.py"
