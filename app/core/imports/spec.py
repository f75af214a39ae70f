"""What a domain declares to get the platform's import: its fields, look-ups, row check, and save.

    APPEALS_IMPORT = ImportSpec(
        name="appeals",                               # saved mappings and the journal are keyed by it
        title=_l("Загрузка обращений из файла"),
        fields=(
            Field("received_date", _l("Дата поступления"), ("дата поступления",), FieldType.DATE, required=True),
            Field("channel", _l("Канал"), ("канал",), FieldType.REFERENCE, lookup="channels",
                  unknown=_l("Нет такого канала поступления в справочнике")),
            Field("summary", _l("Краткое содержание"), ("содержание",), column=Appeal.summary),
        ),
        lookups=load_lookups,     # () -> {"channels": Lookup, ...}: every reference table read once per file
        check_row=check_row,      # (row, ctx) -> the domain's row object, or None (refusals are on `row`)
        existing=find_existing,   # (rows, ctx) -> [bool]: which good rows are already loaded (skipped)
        save_row=save_row,        # (row object, ctx) -> the saved record, through the domain's services
    )

Without `check_row` each row is the dict of its fields' typed values (required ones refused when
empty). Typed values: TEXT (bounded by the length of `column`), DATE (ДД.ММ.ГГГГ), INT, CHOICE
(`choices`: spelling → value), REFERENCE (a `Lookup` of `lookups()` by name).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .reading import normalise

if TYPE_CHECKING:
    from .checking import ImportContext, Row


class FieldType(enum.StrEnum):
    TEXT = "text"
    DATE = "date"
    INT = "int"
    CHOICE = "choice"
    REFERENCE = "reference"


@dataclass(frozen=True)
class DefaultChoice:
    """A «by default» entry the user picks on the mapping page, for rows whose cell is empty.

    `choices()` lists (id, name) of the entries this user may pick; `load(id)` returns the entry
    (None when gone or not allowed). A saved mapping keeps the id.
    """

    label: Any
    choices: Callable[[], list[tuple[int, str]]]
    load: Callable[[int], Any]
    hint: Any = ""


@dataclass(frozen=True)
class Field:
    """A field of the domain's record a column of the file can be mapped to."""

    key: str
    label: Any
    #: Header spellings recognised for it (normalised: lower case, ё → е, no dots or quotes).
    headers: tuple[str, ...] = ()
    type: FieldType = FieldType.TEXT
    required: bool = False
    #: TEXT: the model column whose length bounds the value.
    column: Any = None
    #: CHOICE: normalised spelling → value (the values themselves are accepted too).
    choices: Mapping[str, Any] | None = None
    #: REFERENCE: the name of the look-up table (`ImportSpec.lookups`).
    lookup: str | None = None
    #: The reason given for a value that is not in the choices or the look-up.
    unknown: Any = None
    #: Shown under the field's name on the mapping page.
    hint: Any = ""
    default: DefaultChoice | None = None

    @property
    def max_length(self) -> int | None:
        if self.column is None:
            return None
        column = getattr(self.column, "property", None)
        table_column = column.columns[0] if column is not None else self.column
        return getattr(table_column.type, "length", None)


class Lookup:
    """Reference rows by every spelling a file may use (code, name, short name, aliases); None = ambiguous."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}
        self.by_id: dict[Any, Any] = {}

    def add(self, item: Any, *names: str | None) -> None:
        if getattr(item, "id", None) is not None:
            self.by_id[item.id] = item
        for name in {normalise(n) for n in names if n}:
            self.values[name] = None if name in self.values and self.values[name] is not item else item

    def find(self, text: str) -> tuple[bool, Any]:
        """(known spelling?, the entry — None when the spelling fits several)."""
        key = normalise(text)
        return key in self.values, self.values.get(key)


@dataclass
class ImportSpec:
    """A domain's import (see the module docstring). Register it with `register_import(spec)`."""

    name: str
    title: Any
    fields: tuple[Field, ...]
    save_row: Callable[[Any, ImportContext], Any]
    lookups: Callable[[], Mapping[str, Lookup]] = dict
    check_row: Callable[[Row, ImportContext], Any] | None = None
    existing: Callable[[Sequence[Any], ImportContext], Sequence[bool]] | None = None
    #: Runs once before the first row is saved (e.g. move a counter past the numbers the file keeps).
    before_save: Callable[[Sequence[Any], ImportContext], None] | None = None
    #: Runs around the whole import, e.g. to read a reference table once for the services it calls.
    around: Callable[[], Any] | None = None
    #: Rows written per flush: their inserts and history entries go in bulk. 1 = flush every row.
    batch_size: int = 500
    #: A sample file offered on the upload page; what the upload page says about the file.
    sample: Path | None = None
    sample_name: str = "sample.csv"
    upload_hint: Any = ""
    #: The result page: «загружено <noun> — N», what it says about skipped rows, the list it links to.
    noun: Any = ""
    result_hint: Any = ""
    list_endpoint: str | None = None
    list_label: Any = ""
    #: The file's first rows are shown on the mapping page only to users with the personal-data right.
    personal_data: bool = True
    by_key: dict[str, Field] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.by_key = {f.key: f for f in self.fields}

    def known_headers(self) -> set[str]:
        return {name for f in self.fields for name in f.headers}


IMPORTS: dict[str, ImportSpec] = {}


def register_import(spec: ImportSpec) -> ImportSpec:
    """Make a domain's import known (its jobs find it by name)."""
    IMPORTS[spec.name] = spec
    return spec
