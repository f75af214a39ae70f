"""Import of a domain's records from XLSX/CSV: upload → column mapping → whole-file check → one transaction.

The flow every domain gets (appeals had it first): the upload is read (XLSX, or CSV in UTF-8 or
cp1251 with `;` or `,`; title lines above the header); the columns are mapped to the domain's
fields, pre-filled by the headers or by a mapping saved under a name; the WHOLE file is checked
and any bad row imports nothing, every bad row being reported (row, column, value, Russian
reason; on the page and as XLSX); a good file is imported in one transaction through the
domain's services (history included) as a background job; rows already loaded are skipped.

A domain declares its field map in app/<domain>/imports.py (see `spec.ImportSpec`) and
subclasses `views.ImportView`. Tests and scripts drive the same steps in-process:

    sheet = read_sheet(data, "file.xlsx", SPEC.known_headers())
    plan = check(SPEC, sheet, Options(guess_mapping(SPEC, sheet)), current_visibility())
    batch = load(SPEC, plan, filename="file.xlsx", sha256=..., user=g.user)   # flushes; the caller commits
"""

from __future__ import annotations

from .checking import CheckedRow, ImportContext, Options, Plan, Row, check, guess_mapping, mapping_headers
from .loading import BatchRefused, RowRefused, deferred_flushes, load
from .reading import HEADER_SEARCH_ROWS, Column, ImportProblem, Sheet, UnreadableFile, normalise, read_grid, read_sheet
from .spec import IMPORTS, DefaultChoice, Field, FieldType, ImportSpec, Lookup, register_import

__all__ = [
    "HEADER_SEARCH_ROWS",
    "IMPORTS",
    "BatchRefused",
    "CheckedRow",
    "Column",
    "DefaultChoice",
    "Field",
    "FieldType",
    "ImportContext",
    "ImportProblem",
    "ImportSpec",
    "Lookup",
    "Options",
    "Plan",
    "Row",
    "RowRefused",
    "Sheet",
    "UnreadableFile",
    "check",
    "deferred_flushes",
    "existing_values",
    "guess_mapping",
    "load",
    "mapping_headers",
    "normalise",
    "read_grid",
    "read_sheet",
    "register_import",
]


def existing_values(column: object, values: object, chunk: int = 500) -> set[object]:
    """Which of `values` a column already holds (one query per `chunk` values): for a spec's `existing`."""
    from sqlalchemy import select

    from ...extensions import db

    wanted = sorted(set(values))  # type: ignore[call-overload]
    found: set[object] = set()
    for start in range(0, len(wanted), chunk):
        found.update(db.session.scalars(select(column).where(column.in_(wanted[start : start + chunk]))))  # type: ignore[attr-defined]
    return found
