"""The refused rows of a file as a spreadsheet: row, column, value, reason."""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from typing import Any

import xlsxwriter
from flask_babel import gettext


def report_xlsx(problems: Iterable[Mapping[str, Any]], filename: str) -> bytes:
    """Every problem of a file that was not loaded (the page shows only the first ones)."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet(gettext("Ошибки"))
    bold = book.add_format({"bold": True})
    header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    sheet.write_string(0, 0, gettext("Файл «%(name)s» не загружен: ошибки в строках", name=filename), bold)
    labels = [gettext("Строка"), gettext("Столбец"), gettext("Значение"), gettext("Ошибка")]
    for col, label in enumerate(labels):
        sheet.write_string(1, col, label, header)
    for row, problem in enumerate(problems, start=2):
        if problem["row"] is not None:
            sheet.write_number(row, 0, problem["row"])
        # Explicit string writers: a cell starting with "=" stays text, never a formula.
        sheet.write_string(row, 1, problem["column"])
        sheet.write_string(row, 2, problem["value"])
        sheet.write_string(row, 3, problem["reason"])
    for col, width in enumerate((8, 30, 30, 80)):
        sheet.set_column(col, col, width)
    sheet.freeze_panes(2, 0)
    book.close()
    return buffer.getvalue()
