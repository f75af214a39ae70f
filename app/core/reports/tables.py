"""What a report shows: tables of typed cells with declared total lines, cut for the page, never for files."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from flask_babel import gettext

from ..dates import format_date, format_datetime
from ..numbers import format_number

#: A report page shows at most this many data rows of a table (the XLSX and DOCX hold them all).
PREVIEW_ROWS = 500


@dataclass(frozen=True)
class Link:
    """A number that opens the filtered list it counts (a plain number in XLSX and DOCX)."""

    value: int | Decimal
    url: str


Cell = str | int | float | Decimal | dt.date | dt.datetime | Link | None


@dataclass
class Table:
    """One table of a report: caption, Russian headers, data rows (subtotal lines among them), total lines.

    `subtotals` holds the indexes of the rows that are subtotal lines; `totals` are the closing
    lines, declared by the report (never guessed from a label). `size` is the number of data
    rows of the whole table when the query itself was limited for the page.
    """

    title: str
    headers: list[str]
    rows: list[list[Cell]]
    totals: list[list[Cell]] = field(default_factory=list)
    subtotals: frozenset[int] = frozenset()
    note: str = ""
    size: int | None = None
    key: str = ""
    personal: bool = False
    #: What a figure of the table counts, said under it (another page may count it otherwise).
    explanation: str = ""

    @property
    def caption(self) -> str:
        """The title with the page's note («показаны первые 500 из 1234 …») when it was cut."""
        return f"{self.title} {self.note}" if self.note else self.title

    @property
    def data_rows(self) -> int:
        return len(self.rows) - len(self.subtotals)

    @property
    def whole(self) -> int:
        """Data rows of the whole table (more than `rows` holds when the query was limited)."""
        return self.size if self.size is not None else self.data_rows

    def lines(self) -> list[tuple[list[Cell], bool]]:
        """Every line in order with whether it is a total or subtotal (shown bold)."""
        body = [(row, index in self.subtotals) for index, row in enumerate(self.rows)]
        return body + [(row, True) for row in self.totals]


def preview(table: Table, limit: int) -> Table:
    """At most `limit` data rows of a table for the page, its total lines kept, with a note saying so.

    A subtotal line stays when its group is shown whole. Files (XLSX, DOCX) always hold every row.
    """
    if table.data_rows <= limit and table.whole <= table.data_rows:
        return table
    rows: list[list[Cell]] = []
    subtotals: set[int] = set()
    shown = 0
    for index, row in enumerate(table.rows):
        if index in table.subtotals:
            subtotals.add(len(rows))
        elif shown == limit:
            break
        else:
            shown += 1
        rows.append(row)
    note = gettext("(показаны первые %(shown)s из %(total)s — полностью в Excel)", shown=shown, total=table.whole)
    return dataclasses.replace(table, rows=rows, subtotals=frozenset(subtotals), note=note)


def cell_value(cell: Cell) -> str | int | float | Decimal | dt.date | dt.datetime | None:
    """The value behind a cell (a link's number)."""
    return cell.value if isinstance(cell, Link) else cell


def cell_text(cell: Cell) -> str:
    """A cell as the page writes it: ДД.ММ.ГГГГ, local time, «1 234» and «42,5» (core numbers), nothing for None."""
    value = cell_value(cell)
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return format_datetime(value)
    if isinstance(value, dt.date):
        return format_date(value)
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return format_number(value, grouped=False)
    return str(value)
