"""The federal thematic classifier: editions, import from XLSX/CSV, and the code helpers.

A code is `SSSS.TTTT.GGGG.QQQQ[.DDDD]`: раздел → тематика → тема → вопрос → уточнение
(DOMAIN.md B). Levels 1–3 end in zero groups (`0005.0005.0056.0000` is a тема). A question
may carry only the most specific codes of the active edition: a вопрос (or its уточнения
when it has some), or a тема that has no вопросы in the edition.

An edition is imported whole or not at all: the file is validated first and every bad row
is reported. Older editions stay, inactive, since questions registered earlier keep their codes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, String, func, literal_column, select

from ...core.errors import ConflictError, ValidationFailed
from ...core.imports.reading import HEADER_SEARCH_ROWS, ImportProblem, UnreadableFile, read_grid
from ...extensions import db
from .models import ClassifierEntry

SHIPPED_EDITION = "2026-shipped"
EDITION_MAX_LENGTH = 32
CODE_RE = re.compile(r"^\d{4}(\.\d{4}){3,4}$", re.ASCII)
ZERO = "0000"
LEVEL_NAMES = {1: "раздел", 2: "тематика", 3: "тема", 4: "вопрос", 5: "уточнение"}
#: Раздел 0005 «Жилищно-коммунальная сфера» (its only тематика is 0005.0005 «Жилище»).
HOUSING_SECTION = "0005.0000.0000.0000"

#: Accepted spellings of each column's header (compared in lower case, ё as е).
HEADERS: dict[str, tuple[str, ...]] = {
    "code": ("code", "код", "код классификатора", "код вопроса"),
    "level": ("level", "уровень"),
    "parent_code": ("parent_code", "parent", "родитель", "код родителя", "родительский код"),
    "name": ("name", "наименование", "название"),
}
REQUIRED = ("code", "level", "name")
#: What the report calls a column missing from the file.
HEADER_LABELS = {"code": "Код", "level": "Уровень", "name": "Наименование"}


class ClassifierEditionExists(ConflictError):
    message = _l("Редакция «%(edition)s» уже загружена: укажите другое название редакции")


class NotAssignableCode(ValidationFailed):
    message = _l(
        "Код %(code)s нельзя присвоить вопросу в действующей редакции классификатора «%(edition)s»: "
        "нужен вопрос (уровень 4) или тема (уровень 3), у которой нет вопросов"
    )


@dataclass
class SourceRow:
    """A data row as read from the file: its spreadsheet row number and its cells by column key."""

    number: int
    values: dict[str, str]


@dataclass
class Table:
    """A read file: rows, the headers as written in the file (by column key), file-level problems."""

    rows: list[SourceRow] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    problems: list[ImportProblem] = field(default_factory=list)


@dataclass
class ImportReport:
    """Outcome of an import: the problems (nothing imported) or the codes loaded per level."""

    edition: str
    problems: list[ImportProblem] = field(default_factory=list)
    counts: dict[int, int] = field(default_factory=dict)
    assignable: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class _Entry:
    code: str
    level: int
    parent_code: str | None
    name: str


# ---- codes ----------------------------------------------------------------------------


def code_level(code: str) -> int | None:
    """The level a code denotes, or None when it is not a well-formed classifier code."""
    if not CODE_RE.match(code):
        return None
    groups = code.split(".")
    if len(groups) == 5:
        return 5 if ZERO not in groups else None
    filled = [g != ZERO for g in groups]
    level = sum(filled)
    # Zero groups only at the end: 0001.0000.0015.0000 names nothing.
    return level if level and filled == [True] * level + [False] * (4 - level) else None


def parent_of(code: str) -> str | None:
    """The code one level up (None for a раздел)."""
    level = code_level(code)
    if level is None:
        raise ValueError(f"not a classifier code: {code!r}")
    groups = code.split(".")
    if level == 5:
        return ".".join(groups[:4])
    if level == 1:
        return None
    return ".".join(groups[: level - 1] + [ZERO] * (5 - level))


def section_of(code: str) -> str:
    """The раздел of a code: `0005.0005.0056.1160` -> `0005.0000.0000.0000`."""
    if not CODE_RE.match(code):
        raise ValueError(f"not a classifier code: {code!r}")
    return f"{code[:4]}.{ZERO}.{ZERO}.{ZERO}"


def theme_of(code: str) -> str | None:
    """The тема of a code of level 3 and below: `0005.0005.0056.1160` -> `0005.0005.0056.0000`."""
    level = code_level(code)
    if level is None:
        raise ValueError(f"not a classifier code: {code!r}")
    return f"{code[:14]}.{ZERO}" if level >= 3 else None


def _prefix_expr(code: Any, length: int, suffix: str) -> ColumnElement[str]:
    # Literals, not bound parameters: PostgreSQL matches a GROUP BY expression to the selected
    # one by its text, and two copies with their own parameters ($1, $4) do not match.
    return func.substr(code, literal_column("1"), literal_column(str(length)), type_=String) + literal_column(
        f"'{suffix}'", String
    )


def section_expr(code: Any) -> ColumnElement[str]:
    """SQL twin of section_of, to group questions by раздел in a report (select and group by it)."""
    return _prefix_expr(code, 4, f".{ZERO}.{ZERO}.{ZERO}")


def theme_expr(code: Any) -> ColumnElement[str]:
    """SQL twin of theme_of for codes a question carries (level 3 and below)."""
    return _prefix_expr(code, 14, f".{ZERO}")


# ---- the active edition ---------------------------------------------------------------


def active_edition() -> str | None:
    """The name of the edition questions are coded with now."""
    return db.session.scalar(select(ClassifierEntry.edition).where(ClassifierEntry.is_active.is_(True)).limit(1))


def assignable_query() -> Any:
    """The codes a question may carry now (a select of entries, ordered by code)."""
    return (
        select(ClassifierEntry)
        .where(ClassifierEntry.is_active.is_(True), ClassifierEntry.is_assignable.is_(True))
        .order_by(ClassifierEntry.code)
    )


def assignable_codes() -> set[str]:
    """All codes a question may carry now (to check many codes at once, e.g. in an import)."""
    return set(db.session.scalars(assignable_query().with_only_columns(ClassifierEntry.code)))


#: Set by `assignable_codes_cached()`: the codes read once for a batch of questions (an import).
_ASSIGNABLE: ContextVar[frozenset[str] | None] = ContextVar("uprava_assignable_codes", default=None)


@contextmanager
def assignable_codes_cached() -> Iterator[frozenset[str]]:
    """Within the block, `is_assignable` answers from one read of the codes (an import checks thousands)."""
    codes = frozenset(assignable_codes())
    token = _ASSIGNABLE.set(codes)
    try:
        yield codes
    finally:
        _ASSIGNABLE.reset(token)


def is_assignable(code: str | None) -> bool:
    """Whether a question may carry this code in the active edition."""
    if not code:
        return False
    cached = _ASSIGNABLE.get()
    if cached is not None:
        return code in cached
    found = db.session.scalar(
        assignable_query().with_only_columns(ClassifierEntry.id).where(ClassifierEntry.code == code)
    )
    return found is not None


def check_classifier_code(code: str | None, field: str = "classifier_code") -> None:
    """Refuse a code a question may not carry now; an empty code is left to the caller."""
    if code and not is_assignable(code):
        raise NotAssignableCode(field=field, code=code, edition=active_edition() or "—")


def active_entry(code: str) -> ClassifierEntry | None:
    """The active edition's row of a code."""
    return db.session.scalar(
        select(ClassifierEntry).where(ClassifierEntry.is_active.is_(True), ClassifierEntry.code == code)
    )


def names_for(codes: Iterable[str]) -> dict[str, str]:
    """Names of codes for reports: from the active edition, else from the latest edition that has the code."""
    wanted = sorted(set(codes))
    if not wanted:
        return {}
    rows = db.session.execute(
        select(ClassifierEntry.code, ClassifierEntry.name)
        .where(ClassifierEntry.code.in_(wanted))
        # Later rows overwrite earlier ones: the active edition last, newer editions after older.
        .order_by(ClassifierEntry.is_active, ClassifierEntry.id)
    )
    return {code: name for code, name in rows}


#: Questions a search of the question drop-down offers at most.
QUESTION_SEARCH_LIMIT = 30
#: Between the levels of a question's path: «раздел › тематика › тема › вопрос».
PATH_SEPARATOR = " › "


def _chain(code: str) -> list[str]:
    """The code and its ancestors, раздел first."""
    chain = [code]
    while (parent := parent_of(chain[0])) is not None:
        chain.insert(0, parent)
    return chain


def question_paths(codes: Iterable[str]) -> dict[str, str]:
    """«раздел › тематика › тема › вопрос» of each code (names as `names_for` finds them; a malformed
    code stands for itself)."""
    chains = {code: _chain(code) if code_level(code) else [code] for code in set(codes) if code}
    names = names_for({c for chain in chains.values() for c in chain})
    return {code: PATH_SEPARATOR.join(names.get(c, c) for c in chain) for code, chain in chains.items()}


def question_label(code: str | None) -> str:
    """How a form shows a code: «code — path» (the code alone when the classifier does not know it)."""
    if not code:
        return ""
    path = question_paths([code]).get(code, code)
    return code if path == code else f"{code} — {path}"


def search_questions(text: str, limit: int = QUESTION_SEARCH_LIMIT) -> list[dict[str, str]]:
    """Codes a question may carry now whose name (any word of it) or code matches `text`, with their paths.

    For the question drop-down (select2: `id` is the code, `text` what the clerk reads).
    """
    from ...core.filters import _like_escape, normalize_text, normalized

    query = assignable_query().with_only_columns(ClassifierEntry.code)
    needle = normalize_text(text.strip())
    if needle:
        pattern = f"%{_like_escape(needle)}%"
        query = query.where(
            normalized(ClassifierEntry.name).like(pattern, escape="\\")
            | ClassifierEntry.code.like(f"{_like_escape(needle)}%", escape="\\")
        )
    codes = list(db.session.scalars(query.limit(limit)))
    paths = question_paths(codes)
    return [{"id": code, "text": f"{code} — {paths[code]}"} for code in codes]


# ---- reading a file -------------------------------------------------------------------


def _header_key(text: str) -> str | None:
    normal = " ".join(text.lower().replace("ё", "е").strip(" :*").split())
    return next((key for key, names in HEADERS.items() if normal in names), None)


def _file_problem(reason: str) -> Table:
    return Table(problems=[ImportProblem(None, "", "", reason)])


def read_table(data: bytes, filename: str) -> Table:
    """Read a classifier file (XLSX, or CSV in UTF-8 with `,` or `;`) into rows keyed by column."""
    try:
        grid = read_grid(data, filename)
    except UnreadableFile as exc:
        return _file_problem(str(exc))

    header_index = next(
        (
            i
            for i, cells in enumerate(grid[:HEADER_SEARCH_ROWS])
            if any(_header_key(c) == "code" for c in cells) and any(_header_key(c) == "name" for c in cells)
        ),
        None,
    )
    if header_index is None:
        return _file_problem(
            gettext(
                "Не найдена строка заголовков: нужны столбцы «Код», «Уровень», «Наименование» "
                "(или code, level, name) и, по желанию, «Родитель» (parent_code)"
            )
        )
    table = Table()
    positions: dict[str, int] = {}
    for position, text in enumerate(grid[header_index]):
        key = _header_key(text)
        if key is None:
            continue
        if key in positions:
            table.problems.append(
                ImportProblem(header_index + 1, text, text, gettext("Столбец указан в заголовке дважды"))
            )
            continue
        positions[key] = position
        table.headers[key] = text
    for key in REQUIRED:
        if key not in positions:
            table.problems.append(
                ImportProblem(header_index + 1, HEADER_LABELS[key], "", gettext("В файле нет обязательного столбца"))
            )
    if table.problems:
        return table
    for number, cells in enumerate(grid[header_index + 1 :], start=header_index + 2):
        if not any(cells):
            continue
        values = {key: cells[pos] if pos < len(cells) else "" for key, pos in positions.items()}
        table.rows.append(SourceRow(number, values))
    if not table.rows:
        table.problems.append(ImportProblem(None, "", "", gettext("В файле нет строк с данными")))
    return table


# ---- validating and loading an edition ------------------------------------------------


def _validate(table: Table) -> tuple[list[_Entry], list[ImportProblem]]:
    """Check every row; return the entries, or every problem found."""
    column = table.headers
    has_parent = "parent_code" in column
    problems: list[ImportProblem] = []
    first_row: dict[str, int] = {}
    entries: list[tuple[SourceRow, _Entry]] = []

    def refuse(row: SourceRow, key: str, reason: str) -> None:
        problems.append(ImportProblem(row.number, column[key], row.values.get(key, ""), reason))

    for row in table.rows:
        code, level_text, name = row.values["code"], row.values["level"], row.values["name"]
        problem_count = len(problems)
        if not name:
            refuse(row, "name", gettext("Не заполнено наименование"))
        level = int(level_text) if level_text.isascii() and level_text.isdecimal() else None
        if level is None or not 1 <= level <= 5:
            refuse(row, "level", gettext("Уровень — целое число от 1 до 5"))
        if not code:
            refuse(row, "code", gettext("Не заполнен код"))
            continue
        expected = code_level(code)
        if expected is None:
            refuse(
                row,
                "code",
                gettext(
                    "Код должен иметь вид 0000.0000.0000.0000 или 0000.0000.0000.0000.0000; "
                    "нулевые группы — только в конце"
                ),
            )
            continue
        if code in first_row:
            refuse(row, "code", gettext("Код повторяется (впервые — в строке %(row)s)", row=first_row[code]))
            continue
        first_row[code] = row.number
        if level is not None and 1 <= level <= 5 and level != expected:
            refuse(
                row, "level", gettext("Уровень не соответствует коду: по коду это уровень %(level)s", level=expected)
            )
        parent = parent_of(code)
        given = row.values.get("parent_code", "") if has_parent else parent or ""
        if (given or None) != parent:
            reason = (
                gettext("У раздела (уровень 1) не бывает родителя")
                if parent is None
                else gettext("Родитель не соответствует коду: должен быть %(parent)s", parent=parent)
            )
            refuse(row, "parent_code", reason)
        if len(problems) == problem_count:
            entries.append((row, _Entry(code, expected, parent, name)))

    for row, entry in entries:
        if entry.parent_code is not None and entry.parent_code not in first_row:
            problems.append(
                ImportProblem(
                    row.number,
                    column.get("parent_code", column["code"]),
                    entry.parent_code,
                    gettext("Родитель %(parent)s отсутствует в файле", parent=entry.parent_code),
                )
            )
    problems.sort(key=lambda p: p.row or 0)
    return [entry for _row, entry in entries], problems


def load_edition(table: Table, edition: str) -> ImportReport:
    """Validate a read file and, when every row is good, store it as the active edition."""
    report = ImportReport(edition=edition, problems=list(table.problems))
    if report.problems:
        return report
    entries, report.problems = _validate(table)
    if report.problems:
        return report
    parents = {entry.parent_code for entry in entries}
    for old in db.session.scalars(select(ClassifierEntry).where(ClassifierEntry.is_active.is_(True))):
        old.is_active = False
    for entry in entries:
        assignable = entry.level >= 3 and entry.code not in parents
        db.session.add(
            ClassifierEntry(
                code=entry.code,
                edition=edition,
                level=entry.level,
                # Named by the level, whatever a file calls it: one vocabulary for every edition.
                level_name=LEVEL_NAMES[entry.level],
                parent_code=entry.parent_code,
                name=entry.name,
                is_assignable=assignable,
                is_active=True,
            )
        )
        report.counts[entry.level] = report.counts.get(entry.level, 0) + 1
        report.assignable += assignable
    db.session.flush()
    return report


def import_classifier(file_bytes: bytes, filename: str, edition: str) -> ImportReport:
    """Import an official edition (Admin): all rows or none; the new edition becomes the active one."""
    edition = (edition or "").strip()
    if not edition:
        raise ValidationFailed(_l("Укажите название редакции"), field="edition")
    if len(edition) > EDITION_MAX_LENGTH:
        raise ValidationFailed(
            _l("Название редакции — не длиннее %(max)s символов"), field="edition", max=EDITION_MAX_LENGTH
        )
    exists = db.session.scalar(select(ClassifierEntry.id).where(ClassifierEntry.edition == edition).limit(1))
    if exists is not None:
        raise ClassifierEditionExists(field="edition", edition=edition)
    return load_edition(read_table(file_bytes, filename), edition)
