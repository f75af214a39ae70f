"""`reads_columns`: what a model method shown as a list column reads (app/core/export.py uses it).

Apart from export.py so that models can import it without the export's views, jobs and security.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def reads_columns(*names: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare that a model method (or property) shown as a list column reads only these columns of its row.

    An export then computes it from the row's columns without loading the record (`ColumnRows`):

        @reads_columns("due_date", "closed_on")
        def due_state(self): return self.due_date, self.closed_on

    Name every attribute the function reads: it is called on a stand-in holding just these columns, and
    any other attribute is an AttributeError (the export test of the list shows it). Undeclared, the
    column makes its list's export read records, as FAB's list does.
    """

    def mark(function: Callable[..., Any]) -> Callable[..., Any]:
        function.export_reads = names  # type: ignore[attr-defined]
        return function

    return mark
