"""RowStream (app/core/xlsx_rows.py) writes the very sheet xlsxwriter writes through its own calls."""

from __future__ import annotations

import datetime as dt
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter
from markupsafe import Markup

from app.core.xlsx_rows import RowStream

AWKWARD_ROWS: list[list[Any]] = [
    ["ОГ-1/2025", dt.date(2025, 1, 9), dt.datetime(2025, 1, 9, 14, 30, 5), 7, None],
    ['=HYPERLINK("http://evil.example")', "a & b < c > d", 'кавычки "так"', 2.5, Decimal("10.25")],
    [" ведущий пробел", "хвостовой пробел ", "строка\nперенос", "табуляция\tвнутри", "\tв начале"],
    ["упр\x01символ", "_x0041_ как escape", "<r>как rich</r>", "\ufffe\uffff", ""],
    [None, None, None, None, None],
    [True, False, 0, -3, 1e20],
    [Markup("<b>жирный</b>"), dt.date(1900, 2, 28), dt.date(1900, 3, 1), dt.datetime(2024, 2, 29, 23, 59), None],
    ["я" * 40_000, "😀" * 20_000, "x" * 16_383, None, "последняя"],
    [None, None, None, None, "только последняя колонка"],
]


def _by_xlsxwriter(path: Path, rows: list[list[Any]]) -> None:
    """The reference: xlsxwriter's own typed calls, cell by cell (what write_xlsx did before RowStream)."""
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet("Лист")
    date = workbook.add_format({"num_format": "dd.mm.yyyy"})
    timestamp = workbook.add_format({"num_format": "dd.mm.yyyy hh:mm"})
    sheet.write_string(0, 0, "Заголовок")
    for index in range(5):
        sheet.write_string(1, index, f"Колонка {index}")
    for row, values in enumerate(rows, start=2):
        for index, value in enumerate(values):
            if value is None:
                continue
            if isinstance(value, dt.datetime):
                sheet.write_datetime(row, index, value, timestamp)
            elif isinstance(value, dt.date):
                sheet.write_datetime(row, index, value, date)
            elif isinstance(value, int | float | Decimal):
                sheet.write_number(row, index, float(value))
            else:
                sheet.write_string(row, index, str(value)[:32767])
    sheet.autofilter(1, 0, len(rows) + 1, 4)
    workbook.close()


def _by_stream(path: Path, rows: list[list[Any]]) -> list[int]:
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet("Лист")
    date = workbook.add_format({"num_format": "dd.mm.yyyy"})
    timestamp = workbook.add_format({"num_format": "dd.mm.yyyy hh:mm"})
    sheet.write_string(0, 0, "Заголовок")
    for index in range(5):
        sheet.write_string(1, index, f"Колонка {index}")
    stream = RowStream(sheet, 2, 5, date, timestamp)
    for values in rows:
        stream.write(values)
    last = stream.close()
    sheet.autofilter(1, 0, last, 4)
    workbook.close()
    return stream.widths


def _sheet_xml(path: Path) -> bytes:
    with zipfile.ZipFile(path) as archive:
        return archive.read("xl/worksheets/sheet1.xml")


def _parts(path: Path) -> dict[str, bytes]:
    """Every part of the file but its creation time."""
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist() if name != "docProps/core.xml"}


def test_stream_writes_the_same_sheet_xml_as_xlsxwriter_cell_by_cell(tmp_path):
    _by_xlsxwriter(tmp_path / "reference.xlsx", AWKWARD_ROWS)
    _by_stream(tmp_path / "stream.xlsx", AWKWARD_ROWS)

    reference, streamed = _sheet_xml(tmp_path / "reference.xlsx"), _sheet_xml(tmp_path / "stream.xlsx")
    assert b'<dimension ref="A1:E11"/>' in reference
    assert streamed == reference
    assert _parts(tmp_path / "stream.xlsx") == _parts(tmp_path / "reference.xlsx")


def test_a_format_no_cell_uses_stays_out_of_the_file(tmp_path):
    """Only dates: the timestamp format is not written among the styles (as xlsxwriter leaves it out)."""
    rows = [["a", dt.date(2025, 1, 1), None, None, None]]
    _by_xlsxwriter(tmp_path / "reference.xlsx", rows)
    _by_stream(tmp_path / "stream.xlsx", rows)

    assert _parts(tmp_path / "stream.xlsx") == _parts(tmp_path / "reference.xlsx")


@pytest.mark.parametrize("trailing_empty", [1, 3])
def test_trailing_empty_rows_leave_the_dimension_at_the_last_row_with_a_cell(tmp_path, trailing_empty):
    rows = [["a", 1, None, None, None]] + [[None] * 5] * trailing_empty
    _by_xlsxwriter(tmp_path / "reference.xlsx", rows)
    _by_stream(tmp_path / "stream.xlsx", rows)

    assert _sheet_xml(tmp_path / "stream.xlsx") == _sheet_xml(tmp_path / "reference.xlsx")


def test_widths_are_the_widest_value_per_column(tmp_path):
    widths = _by_stream(
        tmp_path / "stream.xlsx",
        [["abc", dt.date(2025, 1, 1), dt.datetime(2025, 1, 1, 1, 1), 12345, None], ["abcdef", None, None, 1.5, "x"]],
    )

    assert widths == [6, 10, 16, 5, 1]


def test_not_a_cell_value_is_refused(tmp_path):
    workbook = xlsxwriter.Workbook(str(tmp_path / "x.xlsx"), {"constant_memory": True})
    sheet = workbook.add_worksheet()
    stream = RowStream(sheet, 0, 1, workbook.add_format(), workbook.add_format())

    with pytest.raises(TypeError):
        stream.write([object()])
    with pytest.raises(TypeError):
        stream.write([float("nan")])
    workbook.close()


def test_every_part_of_a_workbook_is_deflated_at_the_fast_level(tmp_path):
    """xlsxwriter's default zlib level took a fifth of a long export's time; the package is written at level 1."""
    import zlib

    from app.core.xlsx_rows import XLSX_COMPRESSLEVEL

    assert XLSX_COMPRESSLEVEL == 1
    rows = [[f"Обращение {n} о ремонте дороги", dt.date(2025, 1, 1 + n % 28), n, None, "ОГ"] for n in range(3000)]
    _by_stream(tmp_path / "stream.xlsx", rows)
    with zipfile.ZipFile(tmp_path / "stream.xlsx") as archive:
        sheet = archive.getinfo("xl/worksheets/sheet1.xml")
        data = archive.read(sheet)
    assert sheet.compress_type == zipfile.ZIP_DEFLATED
    # zipfile deflates with a raw stream at the archive's level: the same bytes come only from that level.
    at_level = zlib.compressobj(XLSX_COMPRESSLEVEL, zlib.DEFLATED, -15)
    assert sheet.compress_size == len(at_level.compress(data) + at_level.flush())
    default = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    assert sheet.compress_size > len(default.compress(data) + default.flush())
