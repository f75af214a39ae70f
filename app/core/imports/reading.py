"""Reading a spreadsheet a user uploads: XLSX (first sheet) or CSV, as text cells.

CSV in UTF-8 (with or without BOM) or Windows-1251 (what Russian Excel saves), `;` or `,`.
XLSX through python-calamine (its first worksheet). The file is judged by its bytes first: a real
XLSX of sane unpacked size and sheet extent, or text. A title line («Реестр обращений
за 2019 год») may stand above the header row: the header is the row, among the first ones, that
names the most known fields.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from ..attachments.files import detect_type
from ..documents.rendering import MAX_UNPACKED_BYTES
from ..errors import DomainError, ValidationFailed
from ..filters import normalize_text

#: Title rows an official spreadsheet may carry above its header row.
HEADER_SEARCH_ROWS = 10

#: The extent of a sheet this program reads. The reader lays a sheet out as a full grid from A1 to its
#: last cell: one value at XFD1048576 in a 6 KB file would ask for 17 billion cells and end the worker.
MAX_SHEET_ROWS = 200_000
MAX_SHEET_COLUMNS = 100  # A … CV
_WORKSHEET = re.compile(r"xl/worksheets/[^/]+\.xml")
# A cell reference (`<c r="…">`; a row's r has no letters) that may lie past the limits: a column after CV
# (three letters, D?–Z?, CW–CZ), or a row of 200,000 or more. A sheet within them has none, or a few.
_FAR_CELL = re.compile(rb'\br="(?:([A-Z]{3}|[D-Z][A-Z]|C[W-Z])(\d+)|([A-Z]{1,2})([2-9]\d{5}|\d{7,}))"')


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _beyond_limits(sheet_xml: bytes) -> bool:
    for match in _FAR_CELL.finditer(sheet_xml):
        far_letters, far_row, letters, row = match.groups()
        letters, row = (far_letters, far_row) if far_letters else (letters, row)
        if _column_number(letters) > MAX_SHEET_COLUMNS or int(row) > MAX_SHEET_ROWS:
            return True
    return False


@dataclass(frozen=True)
class ImportProblem:
    """One refused cell (or, with `row` None, a problem of the whole file)."""

    row: int | None
    column: str
    value: str
    reason: str


class UnreadableFile(ValidationFailed):
    """The upload is not a table this program reads (empty, XLS, broken)."""


def normalise(text: str) -> str:
    """Text compared case- and ё-insensitively, without quotes, dots and doubled spaces."""
    text = normalize_text(text).replace("№", " номер ")
    text = re.sub(r"[«»\"'.:*()]", " ", text)
    return " ".join(text.split())


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    # A date cell reads as the clerk sees it in Excel (ДД.ММ.ГГГГ), not as Python prints it.
    if isinstance(value, dt.datetime):
        return value.strftime("%d.%m.%Y" if value.time() == dt.time() else "%d.%m.%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    return str(value).strip()


class _Unreadable(ValueError):
    """Why a file cannot be read, already said in Russian (a library's own error text is English)."""


def _reason(exc: Exception) -> str:
    """The reason a clerk is shown: ours as said, a library's error by its kind, never its own text."""
    if isinstance(exc, _Unreadable):
        return str(exc)
    if isinstance(exc, UnicodeDecodeError):
        return gettext("текст не в кодировке UTF-8 или Windows-1251")
    if isinstance(exc, csv.Error):
        return gettext("таблица CSV не разбирается (незакрытые кавычки или слишком длинное поле)")
    return gettext("книга повреждена или в неизвестном формате")


def _grid_from_csv(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Russian Excel saves «CSV» in Windows-1251.
        text = data.decode("cp1251")
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    return [
        [cell.strip() for cell in record] for record in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    ]


def _grid_from_xlsx(data: bytes) -> list[list[str]]:
    """The first worksheet's cells as text, row 1 first (the leading empty rows kept: row numbers are the sheet's).

    python-calamine (Rust) reads a sheet of 10,000 rows in 0.27 s where openpyxl took 1.33 s — a tenth
    of an import's time — and gives the same values. A cell holding a formula error (#DIV/0!) reads
    empty: a required field says so, an optional one stays empty rather than taking the error's text.
    A chart sheet before the first worksheet is passed over, as openpyxl's `worksheets[0]` did.
    """
    from python_calamine import CalamineError, CalamineWorkbook, SheetTypeEnum

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        first = next((i for i, sheet in enumerate(book.sheets_metadata) if sheet.typ == SheetTypeEnum.WorkSheet), None)
        if first is None:
            raise _Unreadable(gettext("в книге нет листа с таблицей"))
        rows = book.get_sheet_by_index(first).to_python(skip_empty_area=False)
    except BaseException as exc:
        # The reader's own errors say in English what it could not parse; a bug of the Rust reader
        # surfaces as pyo3's PanicException, a BaseException. Either way: a file it cannot read,
        # said in Russian, not a reason to end the worker.
        if not isinstance(exc, CalamineError) and type(exc).__name__ != "PanicException":
            raise
        raise _Unreadable(gettext("книга повреждена или в неизвестном формате")) from None
    return [[_cell_text(value) for value in row] for row in rows]


def _content_problem(data: bytes, name: str) -> str | None:
    """Judge the file by its bytes: a real XLSX workbook of sane unpacked size, or text for CSV."""
    if data.startswith(b"PK\x03\x04"):
        if detect_type(data) != "xlsx":
            return gettext("Файл не читается как XLSX или CSV: это не книга XLSX (или книга с макросами)")
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
                return gettext("Книга XLSX распаковывается в слишком большой объём")
            sheets = [info for info in archive.infolist() if _WORKSHEET.fullmatch(info.filename)]
            if any(_beyond_limits(archive.read(info)) for info in sheets):
                return gettext(
                    "Лист книги слишком велик: читаются не более %(rows)s строк и %(columns)s столбцов",
                    rows=f"{MAX_SHEET_ROWS:,}".replace(",", " "),
                    columns=MAX_SHEET_COLUMNS,
                )
        return None
    if name.endswith(".xlsx"):
        return gettext("Файл назван .xlsx, но по содержимому это не книга XLSX")
    if b"\x00" in data[:65536]:
        return gettext("Файл не текстовый: ожидался CSV")
    return None


def read_grid(data: bytes, filename: str) -> list[list[str]]:
    """The cells of an XLSX's first sheet or of a CSV (UTF-8 with or without BOM, or cp1251; `,` or `;`) as text."""
    name = (filename or "").lower()
    if not data:
        raise UnreadableFile(_l("Файл пуст"))
    if name.endswith(".xls") or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnreadableFile(_l("Формат XLS не поддерживается: сохраните файл как XLSX или CSV"))
    problem = _content_problem(data, name)
    if problem:
        raise UnreadableFile(problem)
    try:
        if name.endswith(".xlsx") or data.startswith(b"PK\x03\x04"):
            return _grid_from_xlsx(data)
        return _grid_from_csv(data)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, csv.Error) as exc:
        raise UnreadableFile(_l("Файл не читается как XLSX или CSV: %(error)s"), error=_reason(exc)) from None


# ---- a sheet with its header row ----------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """A column of the file: its position and the header as the user sees it."""

    index: int
    header: str


@dataclass
class Sheet:
    """A read file: its columns and its data rows (spreadsheet row number, cells)."""

    columns: list[Column]
    rows: list[tuple[int, list[str]]]

    def header(self, index: int) -> str:
        return self.columns[index].header


def column_letter(index: int) -> str:
    """A, B, …, Z, AA, … for a column position (0-based)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def read_sheet(data: bytes, filename: str, known_headers: Iterable[str]) -> Sheet:
    """Read an upload; the header row is the one among the first rows naming the most `known_headers` (normalised)."""
    grid = read_grid(data, filename)
    names = set(known_headers)
    candidates = [(i, cells) for i, cells in enumerate(grid[:HEADER_SEARCH_ROWS]) if any(cells)]
    if not candidates:
        raise DomainError(_l("В файле нет данных"))

    def score(pair: tuple[int, list[str]]) -> tuple[int, int, int]:
        index, cells = pair
        return (sum(normalise(cell) in names for cell in cells), sum(bool(c) for c in cells), -index)

    header_index, header_cells = max(candidates, key=score)
    width = max((i + 1 for i, cell in enumerate(header_cells) if cell), default=0)
    columns = [
        Column(i, header_cells[i] or gettext("Столбец %(letter)s", letter=column_letter(i))) for i in range(width)
    ]
    rows = [
        (number, [*cells[:width], *[""] * (width - len(cells))])
        for number, cells in enumerate(grid[header_index + 1 :], start=header_index + 2)
        if any(cells[:width])
    ]
    if not rows:
        raise DomainError(_l("В файле нет строк с данными под заголовком"))
    return Sheet(columns, rows)
