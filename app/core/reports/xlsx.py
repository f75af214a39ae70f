"""A report as one XLSX sheet: the title line, then each table whole — typed numbers and dates, totals bold."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import xlsxwriter
from flask_babel import gettext

from ..dates import to_local
from ..export import XLSX_MAX_STRING, XLSX_MAX_WIDTH
from .tables import Table, cell_value


def write_report_xlsx(title_line: str, tables: list[Table]) -> bytes:
    """One sheet: the title line with the filters, then each table with its caption and Russian headers.

    Numbers are numbers and dates are dates (a clerk sums and sorts them in Excel); a text
    starting with "=" stays text (explicit writers, never a formula).
    """
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet(gettext("Отчёт"))
    bold = workbook.add_format({"bold": True, "font_size": 12})
    header = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})

    def cell_format(num_format: str, total: bool) -> Any:
        props: dict[str, Any] = {"num_format": num_format, "align": "left"} if num_format else {}
        return workbook.add_format({**props, "bold": True} if total else props)

    formats = {
        (num_format, total): cell_format(num_format, total)
        for num_format in ("", "dd.mm.yyyy", "dd.mm.yyyy hh:mm")
        for total in (False, True)
    }
    sheet.write_string(0, 0, title_line, bold)
    row = 2
    widths: dict[int, int] = {}
    for table in tables:
        sheet.write_string(row, 0, table.title, bold)
        row += 1
        for col, label in enumerate(table.headers):
            sheet.write_string(row, col, label, header)
            widths[col] = max(widths.get(col, 0), len(label))
        for values, is_total in table.lines():
            row += 1
            for col, cell in enumerate(values):
                value = cell_value(cell)
                if value is None:
                    continue
                if isinstance(value, dt.datetime):
                    local = to_local(value)
                    assert local is not None
                    sheet.write_datetime(row, col, local.replace(tzinfo=None), formats["dd.mm.yyyy hh:mm", is_total])
                    width = 16
                elif isinstance(value, dt.date):
                    sheet.write_datetime(row, col, value, formats["dd.mm.yyyy", is_total])
                    width = 10
                elif isinstance(value, int | float | Decimal):
                    sheet.write_number(row, col, float(value), formats["", is_total])
                    width = len(str(value))
                else:
                    text = str(value)[:XLSX_MAX_STRING]
                    sheet.write_string(row, col, text, formats["", is_total])
                    width = len(text)
                widths[col] = max(widths.get(col, 0), width)
        if table.explanation:
            row += 1
            sheet.write_string(row, 0, table.explanation)
        row += 2
    for col, width in widths.items():
        sheet.set_column(col, col, min(width + 2, XLSX_MAX_WIDTH))
    workbook.close()
    return buffer.getvalue()
