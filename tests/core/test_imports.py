"""The platform's import (app/core/imports), proven on a tiny domain: districts from a spreadsheet.

The spec below is all a domain writes: fields with Russian labels and header spellings, their
types (text bounded by its column, date, number, choice, reference look-up), how a row is saved
and how a loaded row is recognised. Appeals' own import is tested in tests/appeals/test_import.py.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from flask import Flask, g
from openpyxl import Workbook
from sqlalchemy import func, select

from app.core.audit import ChangeLog
from app.core.errors import ValidationFailed
from app.core.imports import (
    DefaultChoice,
    Field,
    FieldType,
    ImportContext,
    ImportProblem,
    ImportSpec,
    Lookup,
    Options,
    RowRefused,
    UnreadableFile,
    check,
    deferred_flushes,
    existing_values,
    guess_mapping,
    load,
    mapping_headers,
    read_sheet,
)
from app.core.imports.models import ImportBatch
from app.extensions import db
from app.org.models import District
from app.security import current_visibility

KINDS = {"городской": "city", "сельский": "rural"}


def _lookups() -> dict[str, Lookup]:
    neighbours = Lookup()
    for district in db.session.scalars(select(District)):
        neighbours.add(district, district.code, district.name)
    return {"districts": neighbours}


def _save(values: dict[str, Any], _ctx: ImportContext) -> District:
    if values["name"] == "Запретный":
        raise RuntimeError("unreachable")  # never: the check refuses it
    district = District(code=values["code"], name=values["name"])
    db.session.add(district)
    db.session.flush()  # a service's own flush: deferred to the batch's end
    return district


def _existing(rows: list[dict[str, Any]], _ctx: ImportContext) -> list[bool]:
    codes = existing_values(District.code, (row["code"] for row in rows))
    return [row["code"] in codes for row in rows]


SPEC = ImportSpec(
    name="test-districts",
    title="Загрузка районов",
    fields=(
        Field("code", "Код района", ("код", "код района"), required=True, column=District.code),
        Field("name", "Название", ("название", "наименование"), required=True, column=District.name),
        Field("founded", "Дата образования", ("дата образования",), FieldType.DATE),
        Field("people", "Население", ("население",), FieldType.INT),
        Field("kind", "Тип", ("тип",), FieldType.CHOICE, choices=KINDS, unknown="Тип — городской или сельский"),
        Field(
            "neighbour",
            "Соседний район",
            ("сосед", "соседний район"),
            FieldType.REFERENCE,
            lookup="districts",
            unknown="Нет такого района",
            default=DefaultChoice("Сосед по умолчанию", lambda: [], lambda _id: None),
        ),
    ),
    lookups=_lookups,
    existing=_existing,
    save_row=_save,
    batch_size=2,
)


@contextmanager
def signed_in(app: Flask, username: str = "admin") -> Iterator[None]:
    with app.test_request_context():
        g.user = app.appbuilder.sm.find_user(username=username)
        yield


def xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


HEADER = "Код района;Название;Дата образования;Население;Тип;Сосед"
GOOD = (
    f"{HEADER}\n"
    "north;Северный;01.02.1990;12 000;городской;Центральный\n"
    "south;Южный;;;сельский;\n"
    "west;Западный;;;;zavodskoy\n"
)


def run(data: bytes, filename: str, options: Options | None = None) -> tuple[Any, ImportBatch | None]:
    sheet = read_sheet(data, filename, SPEC.known_headers())
    plan = check(SPEC, sheet, options or Options(guess_mapping(SPEC, sheet)), current_visibility())
    if plan.problems:
        db.session.rollback()
        return plan, None
    batch = load(SPEC, plan, filename=filename, sha256="1" * 64, user=g.user)
    db.session.commit()
    return plan, batch


def district(code: str) -> District | None:
    return db.session.scalar(select(District).where(District.code == code))


# ---- reading -----------------------------------------------------------------------------------


def test_a_cp1251_csv_with_semicolons_and_a_utf8_csv_with_bom_and_commas_read_the_same():
    text = "Код района;Название\nnorth;Северный\n"
    cp1251 = read_sheet(text.encode("cp1251"), "a.csv", SPEC.known_headers())
    bom = read_sheet(("\ufeff" + text.replace(";", ",")).encode("utf-8"), "b.csv", SPEC.known_headers())
    assert [c.header for c in cp1251.columns] == [c.header for c in bom.columns] == ["Код района", "Название"]
    assert cp1251.rows == bom.rows == [(2, ["north", "Северный"])]


def test_the_header_row_is_found_under_title_lines_and_rows_keep_their_spreadsheet_numbers():
    sheet = read_sheet(
        xlsx(
            [
                ["Районы города на 2026 год"],
                [],
                ["Код района", "Название", None, "Тип"],
                ["north", "Северный", None, "городской"],
            ]
        ),
        "r.xlsx",
        SPEC.known_headers(),
    )
    assert [c.header for c in sheet.columns] == ["Код района", "Название", "Столбец C", "Тип"]
    assert sheet.rows == [(4, ["north", "Северный", "", "городской"])]
    assert guess_mapping(SPEC, sheet) == {
        "code": 0,
        "name": 1,
        "founded": None,
        "people": None,
        "kind": 3,
        "neighbour": None,
    }


def test_xlsx_cells_read_as_the_clerk_sees_them_from_the_sheets_first_row():
    # Written by xlsxwriter (as Excel stores them): dates with and without a time, a whole number
    # stored as a float, a fraction, a boolean, a formula error, a text with spaces around it; the
    # sheet's data starts in column B of row 3.
    import datetime as dt

    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    day, moment = book.add_format({"num_format": "dd.mm.yyyy"}), book.add_format({"num_format": "dd.mm.yyyy hh:mm"})
    sheet.write_row(2, 1, ["Код района", "Название", "Дата образования", "Население", "Тип", "Сосед"])
    sheet.write_string(3, 1, "  north ")
    sheet.write_datetime(3, 2, dt.datetime(2025, 3, 4, 10, 30), moment)
    sheet.write_datetime(3, 3, dt.datetime(1990, 2, 1), day)
    sheet.write_number(3, 4, 12345678901)
    sheet.write_number(3, 5, 1.5)
    sheet.write_boolean(3, 6, True)
    sheet.write_formula(4, 1, "=1/0", None, "#DIV/0!")
    sheet.write_string(4, 2, "Южный")
    book.close()
    read = read_sheet(buffer.getvalue(), "r.xlsx", SPEC.known_headers())
    assert [c.header for c in read.columns][:3] == ["Столбец A", "Код района", "Название"]
    assert read.rows == [
        (4, ["", "north", "04.03.2025 10:30", "01.02.1990", "12345678901", "1.5", "True"]),
        (5, ["", "", "Южный", "", "", "", ""]),  # the error cell reads empty, not «#DIV/0!»
    ]


def _book(build: Any) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    build(book)
    book.close()
    return buffer.getvalue()


@pytest.mark.parametrize(("row", "column"), [(1_048_575, 16_383), (0, 100), (200_000, 0)])
def test_a_sheet_reaching_past_200_000_rows_or_100_columns_is_refused_before_it_is_read(app, row, column):
    # One value at XFD1048576 in a 6 KB file would be laid out as 17 billion cells by the reader.
    data = _book(lambda book: book.add_worksheet().write(row, column, "x"))
    with pytest.raises(ValidationFailed, match="Лист книги слишком велик: читаются не более 200 000 строк и 100"):
        read_sheet(data, "far.xlsx", SPEC.known_headers())


@pytest.mark.parametrize(("row", "column"), [(199_999, 1), (1, 99)])
def test_the_last_row_and_the_last_column_within_the_limits_are_read(app, row, column):
    def build(book: Any) -> None:
        sheet = book.add_worksheet()
        sheet.write_row(0, 0, ["Код района", "Название"])
        sheet.write(row, column, "Северный")
        sheet.write(row, 0, "north")

    sheet = read_sheet(_book(build), "edge.xlsx", SPEC.known_headers())
    assert sheet.rows == [(row + 1, ["north", "Северный"] if column == 1 else ["north", ""])]


def test_a_chart_sheet_before_the_table_is_passed_over(app):
    def build(book: Any) -> None:
        charts = book.add_chartsheet()
        table = book.add_worksheet()
        table.write_row(0, 0, ["Код района", "Название"])
        table.write_row(1, 0, ["north", "Северный"])
        chart = book.add_chart({"type": "bar"})
        chart.add_series({"values": "=Sheet1!$A$2:$A$2"})
        charts.set_chart(chart)

    sheet = read_sheet(_book(build), "charts.xlsx", SPEC.known_headers())
    assert sheet.rows == [(2, ["north", "Северный"])]


def _broken_workbook() -> bytes:
    """An archive that passes for XLSX by its entries, whose workbook the reader cannot parse."""
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "not a workbook")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "name", "reason"),
    [
        (b"", "a.csv", "Файл пуст"),
        (b"\xd0\xcf\x11\xe0rest", "a.xls", "Формат XLS не поддерживается: сохраните файл как XLSX или CSV"),
        (b"plain text", "a.xlsx", "Файл назван .xlsx, но по содержимому это не книга XLSX"),
        (
            _broken_workbook(),
            "a.xlsx",
            "Файл не читается как XLSX или CSV: книга повреждена или в неизвестном формате",
        ),
        # A library's own error never shows its (English) text: csv's «field larger than field limit».
        (
            b"a;b\n" + b"x" * 200_000 + b";y\n",
            "a.csv",
            "Файл не читается как XLSX или CSV: "
            "таблица CSV не разбирается (незакрытые кавычки или слишком длинное поле)",
        ),
        # 0x98 is neither UTF-8 here nor a Windows-1251 character.
        (b"a;b\n\x98;y\n", "a.csv", "Файл не читается как XLSX или CSV: текст не в кодировке UTF-8 или Windows-1251"),
    ],
)
def test_a_file_that_is_not_a_table_is_refused_with_a_russian_reason(app, data, name, reason):
    with app.test_request_context(), pytest.raises(UnreadableFile) as refused:
        read_sheet(data, name, SPEC.known_headers())
    assert str(refused.value) == reason


# ---- checking ----------------------------------------------------------------------------------


def test_every_bad_row_is_reported_with_its_row_column_value_and_reason_and_nothing_is_saved(app):
    text = (
        f"{HEADER}\n"
        "north;Северный;31.02.1990;много;городской;Центральный\n"
        ";Без кода;;;;\n"
        f"{'x' * 40};Длинный;;;хутор;Атлантида\n"
    )
    with signed_in(app):
        before = db.session.scalar(select(func.count(District.id)))
        plan, batch = run(text.encode("utf-8"), "bad.csv")
        assert batch is None and db.session.scalar(select(func.count(District.id))) == before
    assert plan.problems == [
        ImportProblem(
            2, "Дата образования", "31.02.1990", "Дата должна быть в формате ДД.ММ.ГГГГ, например 01.05.2024"
        ),
        ImportProblem(2, "Население", "много", "Нужно целое число"),
        ImportProblem(3, "Код района", "", "Не заполнено обязательное поле «Код района»"),
        ImportProblem(4, "Код района", "x" * 40, "Не длиннее 32 символов (в ячейке 40)"),
        ImportProblem(4, "Тип", "хутор", "Тип — городской или сельский"),
        ImportProblem(4, "Сосед", "Атлантида", "Нет такого района"),
    ]


def test_typed_values_look_ups_and_a_default_for_empty_cells_reach_the_domain(app):
    with signed_in(app):
        sheet = read_sheet(GOOD.encode("utf-8"), "good.csv", SPEC.known_headers())
        central = db.session.scalar(select(District).where(District.code == "central"))
        options = Options(guess_mapping(SPEC, sheet), defaults={"neighbour": central})
        plan = check(SPEC, sheet, options, current_visibility())
        assert plan.problems == []
        first, second, third = (row.item for row in plan.rows)
        assert (first["founded"].isoformat(), first["people"], first["kind"], first["neighbour"].code) == (
            "1990-02-01",
            12000,
            "city",
            "central",
        )
        assert (second["kind"], second["neighbour"].code) == ("rural", "central")  # empty cell: the default
        assert third["neighbour"].name == "Заводской"  # by its code
        db.session.rollback()


def test_the_value_map_hook_lets_a_user_chosen_entry_stand_for_an_unknown_spelling(app):
    text = f"{HEADER}\nnorth;Северный;;;;Центр города\n"
    with signed_in(app):
        central = db.session.scalar(select(District).where(District.code == "central"))
        sheet = read_sheet(text.encode("utf-8"), "m.csv", SPEC.known_headers())
        refused = check(SPEC, sheet, Options(guess_mapping(SPEC, sheet)), current_visibility())
        assert [p.reason for p in refused.problems] == ["Нет такого района"]
        mapped = Options(guess_mapping(SPEC, sheet), value_map={"neighbour": {"центр города": central.id}})
        plan = check(SPEC, sheet, mapped, current_visibility())
        assert plan.problems == [] and plan.rows[0].item["neighbour"].code == "central"
        db.session.rollback()


# ---- loading -----------------------------------------------------------------------------------


def test_a_good_file_is_saved_in_one_transaction_with_history_and_journal_and_reimport_skips_it(app):
    with signed_in(app, "admin"):
        _plan, batch = run(GOOD.encode("utf-8"), "good.csv")
        assert (batch.import_name, batch.rows, batch.imported, batch.skipped) == ("test-districts", 3, 3, 0)
        assert [district(code).name for code in ("north", "south", "west")] == ["Северный", "Южный", "Западный"]
        history = db.session.scalar(
            select(ChangeLog).where(
                ChangeLog.table_name == "org_district", ChangeLog.record_id == str(district("west").id)
            )
        )
        assert (history.action, history.username, history.changes["name"]) == ("insert", "admin", "Западный")
        journal = db.session.scalar(
            select(ChangeLog).where(ChangeLog.table_name == "core_import", ChangeLog.record_id == str(batch.id))
        )
        assert (journal.username, journal.changes["filename"], journal.changes["imported"]) == ("admin", "good.csv", 3)

        _plan, again = run(GOOD.encode("utf-8"), "good.csv")
        assert (again.imported, again.skipped) == (0, 3)


def test_a_row_a_service_refuses_rolls_the_whole_file_back_and_names_the_row(app):
    def save(values: dict[str, Any], ctx: ImportContext) -> District:
        if values["code"] == "west":
            raise ValidationFailed("Такой район уже упразднён")
        return _save(values, ctx)

    refusing = ImportSpec(name="test-refusing", title="Загрузка", fields=SPEC.fields, lookups=_lookups, save_row=save)
    refusing.batch_size = 2
    with signed_in(app):
        sheet = read_sheet(GOOD.encode("utf-8"), "good.csv", SPEC.known_headers())
        plan = check(refusing, sheet, Options(guess_mapping(refusing, sheet)), current_visibility())
        with pytest.raises(RowRefused) as refused:
            load(refusing, plan, filename="good.csv", sha256="2" * 64, user=g.user)
        assert str(refused.value) == "Строка 4: Такой район уже упразднён"
        db.session.rollback()
        assert district("north") is None and district("south") is None  # the first batch, flushed, is gone too


def test_services_flushes_wait_for_the_batch_and_queries_see_nothing_of_it_meanwhile(app):
    with app.app_context():
        session = db.session()
        with deferred_flushes(session):
            db.session.add(District(code="deferred", name="Отложенный"))
            db.session.flush()
            assert db.session.scalar(select(func.count(District.id)).where(District.code == "deferred")) == 0
        db.session.flush()
        assert db.session.scalar(select(func.count(District.id)).where(District.code == "deferred")) == 1
        db.session.rollback()


def test_a_saved_mapping_keeps_headers_not_positions():
    sheet = read_sheet("Тип;Название;Код района\nгородской;Северный;north\n".encode(), "r.csv", SPEC.known_headers())
    mapping = guess_mapping(SPEC, sheet)
    assert mapping_headers(sheet, mapping) == {"code": "Код района", "name": "Название", "kind": "Тип"}
    reordered = read_sheet(
        "Код района;Тип;Название\nnorth;городской;Северный\n".encode(), "r.csv", SPEC.known_headers()
    )
    assert guess_mapping(SPEC, reordered, mapping_headers(sheet, mapping))["name"] == 2
