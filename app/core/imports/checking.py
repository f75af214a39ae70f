"""The whole file is checked before anything is written: every bad row is reported, or every row is good.

Each row is read through the user's column mapping by a `Row`: typed values per the field's
declaration, each refusal recorded with the spreadsheet's row number, the column's header, the
cell's value and a Russian reason. The domain's `check_row` adds its own rules (across fields,
against the user's row scope); `existing` marks the good rows already loaded (skipped).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from ..dates import parse_date
from .reading import ImportProblem, Sheet, normalise
from .spec import Field, FieldType, ImportSpec, Lookup

#: Rows between two progress reports.
PROGRESS_EVERY = 100

Progress = Callable[[str, int, int], None]

DATE_FORMAT_HINT = _l("Дата должна быть в формате ДД.ММ.ГГГГ, например 01.05.2024")
AMBIGUOUS = _l("Значение подходит к нескольким записям справочника: уточните его")
UNKNOWN_VALUE = _l("Нет такого значения в справочнике")
NOT_A_NUMBER = _l("Нужно целое число")


def no_progress(stage: str, done: int, total: int) -> None:
    """Default progress sink: nobody is watching."""


@dataclass
class Options:
    """What the user chose on the mapping page.

    `mapping`: field key → column position (None: not loaded). `defaults`: field key → the entry
    used for rows whose cell is empty. `value_map` is the value mapping the user chose on the mapping
    page: field key → {normalised spelling in the file → id of the look-up entry it means}; a `Row`
    consults it before refusing an unknown reference value.
    """

    mapping: dict[str, int | None]
    defaults: dict[str, Any] = field(default_factory=dict)
    value_map: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass
class ImportContext:
    """One check (and the import after it): the spec, the user's choices and scope, the look-ups read once.

    `state` is the domain's own memory across the rows of one file (e.g. numbers already seen).
    """

    spec: ImportSpec
    options: Options
    visibility: Any
    lookups: Mapping[str, Lookup]
    state: dict[str, Any] = field(default_factory=dict)
    #: The journal entry (`ImportBatch`) of the import while its rows are saved; None while checking.
    batch: Any = None


class Row:
    """One row's cells read through the mapping; every refusal is kept with its column and value."""

    def __init__(self, ctx: ImportContext, sheet: Sheet, number: int, cells: list[str]) -> None:
        self.ctx = ctx
        self.sheet = sheet
        self.number = number
        self.cells = cells
        self.problems: list[ImportProblem] = []
        self._values: dict[str, Any] = {}

    @property
    def mapping(self) -> dict[str, int | None]:
        return self.ctx.options.mapping

    def is_mapped(self, key: str) -> bool:
        return self.mapping.get(key) is not None

    def text(self, key: str) -> str:
        """The cell's text (stripped; empty when the field is not mapped)."""
        index = self.mapping.get(key)
        return self.cells[index].strip() if index is not None else ""

    def refuse(self, key: str, reason: Any, value: str | None = None) -> None:
        """Record a problem of this row in the field's column (its header, or the field's name when unmapped)."""
        index = self.mapping.get(key)
        column = self.sheet.header(index) if index is not None else str(self.ctx.spec.by_key[key].label)
        self.problems.append(
            ImportProblem(self.number, column, self.text(key) if value is None else value, str(reason))
        )

    def default(self, key: str) -> Any:
        """The entry the user chose for rows whose cell of this field is empty (None: none chosen)."""
        return self.ctx.options.defaults.get(key)

    def value(self, key: str) -> Any:
        """The cell as its field's type (None when empty or refused); read once, refused once."""
        if key not in self._values:
            self._values[key] = self._read(self.ctx.spec.by_key[key])
        return self._values[key]

    def _read(self, spec_field: Field) -> Any:
        kind = spec_field.type
        if kind is FieldType.DATE:
            return self._date(spec_field.key)
        if kind is FieldType.INT:
            return self._int(spec_field.key)
        if kind is FieldType.CHOICE:
            return self._choice(spec_field)
        if kind is FieldType.REFERENCE:
            return self._lookup(spec_field)
        return self._string(spec_field)

    def _date(self, key: str) -> dt.date | None:
        value = self.text(key)
        if not value:
            return None
        try:
            # An XLSX date-time cell reads «ДД.ММ.ГГГГ ЧЧ:ММ»: the day is what counts.
            return parse_date(value.split(" ")[0])
        except ValueError:
            self.refuse(key, DATE_FORMAT_HINT)
            return None

    def _int(self, key: str) -> int | None:
        value = self.text(key).replace(" ", "")
        if not value:
            return None
        if not (value.isascii() and value.lstrip("-").isdecimal()):
            self.refuse(key, NOT_A_NUMBER)
            return None
        return int(value)

    def _string(self, spec_field: Field) -> str | None:
        value = self.text(spec_field.key)
        limit = spec_field.max_length
        if limit is not None and len(value) > limit:
            self.refuse(
                spec_field.key,
                gettext("Не длиннее %(limit)s символов (в ячейке %(length)s)", limit=limit, length=len(value)),
            )
        return value or None

    def _choice(self, spec_field: Field) -> Any:
        value = self.text(spec_field.key)
        if not value:
            return None
        names = spec_field.choices or {}
        key_text = normalise(value)
        if key_text in names.values():
            return key_text
        if key_text not in names:
            self.refuse(spec_field.key, spec_field.unknown or UNKNOWN_VALUE)
            return None
        return names[key_text]

    def _lookup(self, spec_field: Field) -> Any:
        value = self.text(spec_field.key)
        if not value:
            return None
        table = self.ctx.lookups[spec_field.lookup or spec_field.key]
        found, item = table.find(value)
        if not found:
            chosen = self.ctx.options.value_map.get(spec_field.key, {}).get(normalise(value))
            if chosen is not None and chosen in table.by_id:
                return table.by_id[chosen]
            self.refuse(spec_field.key, spec_field.unknown or UNKNOWN_VALUE)
        elif item is None:
            self.refuse(spec_field.key, AMBIGUOUS)
        return item


def default_check(row: Row, ctx: ImportContext) -> dict[str, Any]:
    """Without a domain's check: every field's typed value; a required field must not be empty."""
    values = {}
    for spec_field in ctx.spec.fields:
        value = row.value(spec_field.key)
        if value is None and row.default(spec_field.key) is not None:
            value = row.default(spec_field.key)
        if value is None and spec_field.required and not row.text(spec_field.key):
            row.refuse(
                spec_field.key, gettext("Не заполнено обязательное поле «%(field)s»", field=str(spec_field.label))
            )
        values[spec_field.key] = value
    return values


@dataclass
class CheckedRow:
    number: int
    item: Any
    existing: bool = False


@dataclass
class Plan:
    """The checked file: its good rows (the domain's objects), or every problem found."""

    context: ImportContext
    rows: list[CheckedRow] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    total: int = 0

    @property
    def skipped(self) -> int:
        return sum(row.existing for row in self.rows)

    @property
    def new_rows(self) -> list[CheckedRow]:
        return [row for row in self.rows if not row.existing]


def check(spec: ImportSpec, sheet: Sheet, options: Options, visibility: Any, progress: Progress = no_progress) -> Plan:
    """Check every row of the file; the plan has the good rows, or every problem of every bad row."""
    ctx = ImportContext(spec, options, visibility, spec.lookups())
    plan = Plan(ctx, total=len(sheet.rows))
    check_row = spec.check_row or default_check
    for done, (number, cells) in enumerate(sheet.rows, start=1):
        row = Row(ctx, sheet, number, cells)
        item = check_row(row, ctx)
        if row.problems:
            plan.problems.extend(row.problems)
        elif item is not None:
            plan.rows.append(CheckedRow(number, item))
        if done % PROGRESS_EVERY == 0:
            progress("validate", done, plan.total)
    if plan.problems:
        plan.rows = []
    elif spec.existing is not None and plan.rows:
        for row, existing in zip(plan.rows, spec.existing([r.item for r in plan.rows], ctx), strict=True):
            row.existing = bool(existing)
    progress("validate", plan.total, plan.total)
    return plan


def guess_mapping(spec: ImportSpec, sheet: Sheet, saved: Mapping[str, str] | None = None) -> dict[str, int | None]:
    """Column of each field: by a saved mapping's headers, else by the header's known spellings."""
    by_header: dict[str, int] = {}
    for column in sheet.columns:
        by_header.setdefault(normalise(column.header), column.index)
    result: dict[str, int | None] = dict.fromkeys(spec.by_key)
    if saved is not None:
        for key, header in saved.items():
            if key in result:
                result[key] = by_header.get(normalise(header))
        return result
    used: set[int] = set()
    for target in spec.fields:
        for name in target.headers:
            index = by_header.get(name)
            if index is not None and index not in used:
                result[target.key] = index
                used.add(index)
                break
    return result


#: Distinct unknown values of one column offered for the value mapping at most (the rest are reported).
MAX_UNMATCHED = 50


def unmatched_values(
    spec: ImportSpec, sheet: Sheet, mapping: Mapping[str, int | None], lookups: Mapping[str, Lookup]
) -> dict[str, dict[str, str]]:
    """The value mapping's questions: per mapped reference field, the file's values its look-up does not know.

    {field key: {normalised spelling: the spelling as first met}} in the order met; a field whose
    look-up has no entries to choose from (e.g. statuses) is left out. A value that fits several
    entries is not asked (the row says so).
    """
    result: dict[str, dict[str, str]] = {}
    for spec_field in spec.fields:
        index = mapping.get(spec_field.key)
        table = lookups.get(spec_field.lookup or spec_field.key)
        if spec_field.type is not FieldType.REFERENCE or index is None or table is None or not table.by_id:
            continue
        seen: dict[str, str] = {}
        for _number, cells in sheet.rows:
            text = cells[index].strip() if index < len(cells) else ""
            key = normalise(text)
            if not text or key in table.values or key in seen:
                continue
            seen[key] = text
            if len(seen) >= MAX_UNMATCHED:
                break
        if seen:
            result[spec_field.key] = seen
    return result


def mapping_headers(sheet: Sheet, mapping: Mapping[str, int | None]) -> dict[str, str]:
    """A mapping to save: field → header text (headers, not positions: a reordered file still fits)."""
    return {key: sheet.header(index) for key, index in mapping.items() if index is not None}
