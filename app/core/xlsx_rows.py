"""Rows streamed into an xlsxwriter worksheet (constant_memory mode) without its per-cell calls.

xlsxwriter writes one cell through a decorator that parses the cell's address, a dimension check,
a cell tuple, and, when the next row starts, the row's XML built attribute by attribute: measured on
an export of 100,000 appeals × 8 columns, that was about half of the export's time, and `write_row`
is no faster (it calls `write()` per cell). `RowStream` emits the very XML xlsxwriter emits for a row
of inline strings, numbers and dates, straight into the worksheet's row stream; any text that needs
escaping (XML characters, control characters, `_xHHHH_`, leading or trailing blanks, Excel's length
limit) goes through xlsxwriter's own functions. tests/core/test_xlsx_rows.py holds the two byte for
byte (sheet XML) on awkward values; xlsxwriter is pinned in requirements.lock.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
import zipfile
from decimal import Decimal
from typing import Any

import xlsxwriter.workbook
from xlsxwriter.utility import _preserve_whitespace, _utf16_len, _utf16_truncate, xl_col_to_name
from xlsxwriter.worksheet import Worksheet

#: Text that xlsxwriter would change or mark (`_escape_control_characters`, `_escape_data`,
#: `_preserve_whitespace`): such a text takes xlsxwriter's own path; any other is written as it is.
_NEEDS_ESCAPING = re.compile('[\x00-\x08\x0b-\x1f"&<>\n_\ufffe\uffff]|^\\s|\\s$')
#: Below this many characters a text cannot exceed Excel's 32,767 UTF-16 units.
_SHORT = 32767 // 2
_INLINE = ' t="inlineStr"><is><t>'
_INLINE_PRESERVE = ' t="inlineStr"><is><t xml:space="preserve">'
#: Distinct dates remembered per export (their Excel serial numbers).
_DATE_MEMO_LIMIT = 100_000
#: Distinct short texts remembered per export with their XML (a few MB at most).
_TEXT_MEMO_LIMIT = 50_000
_TEXT_MEMO_LENGTH = 100
_PLAIN_TYPES = frozenset({str, dt.date, dt.datetime, int, float, Decimal})

#: zlib's level for the parts of an exported list's XLSX package. xlsxwriter leaves zlib's default (6):
#: an export of 100,000 appeals spent 0.7 s of its ~3.5 s compressing the sheet's XML. Level 1 takes
#: about a third of that for a file 30 % larger (4.4 → 5.8 MB), which a city intranet carries at once.
XLSX_COMPRESSLEVEL = 1
# xlsxwriter opens its package through this module-level name (Workbook._store_workbook): the one
# place a level can be given without copying its code. It reaches the workbooks written through files
# (list exports, the long ones); an `in_memory` workbook (a report's XLSX, an import's report) adds its
# parts with `writestr`, which zipfile deflates at the default level — small files, left as they are.
xlsxwriter.workbook.ZipFile = functools.partial(zipfile.ZipFile, compresslevel=XLSX_COMPRESSLEVEL)  # type: ignore[misc]


class RowStream:
    """Write rows of typed cells below what the sheet already holds; `close()` before the workbook's.

    A cell is None (no cell), a str (inline text), an int/float/Decimal (a number), a date or a
    datetime (an Excel date with the given format) — what `write_string`/`write_number`/
    `write_datetime` would write. `widths` keeps each column's widest value (in characters).
    """

    def __init__(self, sheet: Worksheet, first_row: int, columns: int, date_format: Any, datetime_format: Any):
        if not sheet.constant_memory:
            raise ValueError("RowStream needs a worksheet in constant_memory mode")
        # Write out the row xlsxwriter still holds (the header): the stream continues after it.
        sheet._write_single_row(first_row)
        self.sheet = sheet
        self.first_row = first_row
        self.next_row = first_row
        self.last_written: int | None = None
        self.letters = [xl_col_to_name(index) for index in range(columns)]
        self.widths = [0] * columns
        # A format gets its number in the file when a cell first uses it (as in xlsxwriter): an unused one
        # stays out of the file's styles.
        self._formats = {dt.date: date_format, dt.datetime: datetime_format}
        self._styles: dict[type, str] = {}
        self._dates: dict[dt.date, str] = {}
        self._texts: dict[str, str] = {}
        self._write = sheet.fh.write

    def write(self, values: list[Any]) -> None:
        number = str(self.next_row + 1)
        letters, widths = self.letters, self.widths
        parts = []
        for index, value in enumerate(values):
            if value is None:
                continue
            kind = type(value)
            if kind not in _PLAIN_TYPES:
                value = _plain(value)
                kind = type(value)
            if kind is str:
                parts.append(f'<c r="{letters[index]}{number}"{self._text(value)}')
                width = len(value)
            elif kind is dt.date:
                style = self._styles.get(kind) or self._style(kind)
                parts.append(f'<c r="{letters[index]}{number}"{style}{self._date(value)}</v></c>')
                width = 10
            elif kind is dt.datetime:
                style = self._styles.get(kind) or self._style(kind)
                serial = self.sheet._convert_date_time(value)
                parts.append(f'<c r="{letters[index]}{number}"{style}{serial:.16G}</v></c>')
                width = 16
            else:  # a number (write_number writes it as a float)
                parts.append(f'<c r="{letters[index]}{number}"><v>{_number(value):.16G}</v></c>')
                width = len(str(value))
            if width > widths[index]:
                widths[index] = width
        if parts:
            self._write(f'<row r="{number}">{"".join(parts)}</row>')
            self.last_written = self.next_row
        self.next_row += 1

    def close(self) -> int:
        """Record the rows' extent in the sheet's dimensions; the index of the last row (as `enumerate` gave)."""
        sheet = self.sheet
        if self.last_written is not None:
            # As xlsxwriter's own writes would: the dimension grows to the last row with a cell.
            sheet._check_dimensions(self.last_written, 0)
        sheet.previous_row = self.next_row
        return self.next_row - 1

    def _style(self, kind: type) -> str:
        style = self._styles[kind] = f' s="{self._formats[kind]._get_xf_index()}"><v>'
        return style

    def _text(self, value: str) -> str:
        """A text cell's XML after its address; a text seen before (a status, a body's name) is looked up."""
        xml = self._texts.get(value)
        if xml is None:
            xml = self._text_xml(value)
            if len(value) <= _TEXT_MEMO_LENGTH and len(self._texts) < _TEXT_MEMO_LIMIT:
                self._texts[value] = xml
        return xml

    def _text_xml(self, value: str) -> str:
        if len(value) > _SHORT and _utf16_len(value) > self.sheet.xls_strmax:
            value = _utf16_truncate(value, self.sheet.xls_strmax)
        if _NEEDS_ESCAPING.search(value) is None:
            return f"{_INLINE}{value}</t></is></c>"
        sheet = self.sheet
        escaped = sheet._escape_control_characters(value)
        if escaped.startswith("<r>") and escaped.endswith("</r>"):
            # xlsxwriter writes such a text as a rich string, unescaped (its constant_memory rule).
            return f' t="inlineStr"><is>{escaped}</is></c>'
        head = _INLINE_PRESERVE if _preserve_whitespace(escaped) else _INLINE
        return f"{head}{sheet._escape_data(escaped)}</t></is></c>"

    def _date(self, value: dt.date) -> str:
        serial = self._dates.get(value)
        if serial is None:
            serial = f"{self.sheet._convert_date_time(value):.16G}"
            if len(self._dates) < _DATE_MEMO_LIMIT:
                self._dates[value] = serial
        return serial


def _number(value: int | float | Decimal) -> float:
    number = float(value)
    if math.isnan(number) or math.isinf(number):
        # As write_number() without the workbook's nan_inf_to_errors option.
        raise TypeError("NAN/INF not supported in write_number() without 'nan_inf_to_errors' Workbook() option")
    return number


def _plain(value: Any) -> Any:
    """A subclass as its base type (a Markup as its text); a number as it is (a bool as 1/0, as write_number)."""
    if isinstance(value, str):
        return str(value)
    if isinstance(value, dt.datetime):
        return dt.datetime(*value.timetuple()[:6], value.microsecond, value.tzinfo)
    if isinstance(value, dt.date):
        return dt.date(value.year, value.month, value.day)
    if isinstance(value, int | float | Decimal):
        return value
    raise TypeError(f"not a cell value: {type(value).__name__}")
