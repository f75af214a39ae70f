"""Drawing registration numbers: unique, never reused, no gaps under concurrent registration.

Each draw is ONE statement, an upsert on the (journal, year) counter row:

    INSERT INTO core_numbering_counter (journal_id, year, last_number)
    SELECT id, :year, 1 FROM core_numbering_journal WHERE code = :code
    ON CONFLICT (journal_id, year) DO UPDATE SET last_number = last_number + 1
    RETURNING last_number

The row stays locked by the drawing transaction until it commits or rolls back: a parallel
registration waits and then gets the next number; a rolled-back registration takes its number
back with it, so none is lost (no gaps) and none is given twice (unique). The first draw of a
year creates the row in the same statement, so the race for a new year's first number needs
no separate INSERT … ON CONFLICT DO NOTHING + SELECT … FOR UPDATE. SQLite serialises writers.

Flush, never commit: the number belongs to the caller's transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer, bindparam, case, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ...extensions import db
from ..dates import local_today, to_local
from ..errors import ValidationFailed
from .journals import JOURNALS, Journal, Number, journal
from .models import NumberingCounter, NumberingJournal

COUNTERS = NumberingCounter.__table__
JOURNAL_ROWS = NumberingJournal.__table__


class SequenceOutOfRange(ValidationFailed):
    message = _l("Порядковый номер — от 1 до %(max)s")


def _insert() -> Any:
    return pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert


def local_date(when: dt.date | dt.datetime | None) -> dt.date:
    """The LOCAL calendar date of a registration: a stored (naive UTC) or aware timestamp is moved
    to the city's zone first — 31.12 20:00 UTC is already 1 January in Novokuznetsk."""
    if when is None:
        return local_today()
    if isinstance(when, dt.datetime):
        local = to_local(when)
        assert local is not None
        return local.date()
    return when


#: The two upserts per dialect, built once: an import draws or keeps a number per row, and building the
#: statement (insert … from select … on conflict) cost more than running it.
_STATEMENTS: dict[tuple[str, str], Any] = {}


def _statement(mode: str) -> Any:
    dialect = db.session.get_bind().dialect.name
    statement = _STATEMENTS.get((dialect, mode))
    if statement is None:
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        source = select(JOURNAL_ROWS.c.id, bindparam("year", type_=Integer), bindparam("value", type_=Integer)).where(
            JOURNAL_ROWS.c.code == bindparam("code")
        )
        statement = insert(COUNTERS).from_select(["journal_id", "year", "last_number"], source)
        excluded = statement.excluded
        if mode == "next":
            raised = COUNTERS.c.last_number + 1
        else:  # "keep": the counter moves past the number, never back
            raised = case(
                (excluded.last_number > COUNTERS.c.last_number, excluded.last_number), else_=COUNTERS.c.last_number
            )
        statement = _STATEMENTS[(dialect, mode)] = statement.on_conflict_do_update(
            index_elements=[COUNTERS.c.journal_id, COUNTERS.c.year], set_={"last_number": raised}
        ).returning(COUNTERS.c.last_number)
    return statement


def _upsert(book: Journal, year: int, value: int, mode: str) -> int:
    statement = _statement(mode)
    values = {"code": book.code, "year": book.year_key(year), "value": value}
    result = db.session.execute(statement, values).scalar_one_or_none()
    if result is None:
        # No journal row yet (`flask app init` not run since the domain declared it): add it, draw again.
        ensure_journal(book)
        result = db.session.execute(statement, values).scalar_one()
    return int(result)


#: session.info key: while `kept_in_batch` runs, the highest kept number per (journal, year key).
_KEPT = "uprava_kept_numbers"


@contextmanager
def kept_in_batch() -> Iterator[None]:
    """Within it, a kept number (`take_imported`) moves its counter once per journal and year, not per row.

    An import keeps the number of each row it brings: one upsert per row was a third of an import's
    time. Here the highest number per counter is noted and written when the block ends — or at once
    before anything reads or draws from that counter (`next_number`, `last_number`), so a number is
    never given twice. Flush-never-commit as ever: the counter is written in the caller's transaction.
    """
    session = db.session()
    if _KEPT in session.info:  # nested: the outer block writes
        yield
        return
    session.info[_KEPT] = {}
    try:
        yield
        for code, year in list(session.info[_KEPT]):
            _write_kept(code, year)
    finally:
        session.info.pop(_KEPT, None)


def _write_kept(code: str, year: int) -> None:
    """The counter moves past the highest number kept for it in the running batch (if any)."""
    kept = db.session().info.get(_KEPT)
    book = journal(code)
    # Keyed by counter: a journal without {year} has one counter for all years.
    seq = kept.pop((code, book.year_key(year)), None) if kept else None
    if seq is not None:
        _upsert(book, year, seq, "keep")


def next_number(journal_code: str, when: dt.date | dt.datetime | None = None) -> Number:
    """The next number of the journal in the year of the LOCAL registration date `when` (default today).

    >>> next_number("appeals", dt.date(2026, 3, 2))
    Number(year=2026, seq=124, text='ОГ-2026-000124')
    """
    book = journal(journal_code)
    year = local_date(when).year
    _write_kept(journal_code, year)
    return book.number(year, _upsert(book, year, 1, "next"))


def take_imported(journal_code: str, year: int, seq: int) -> Number:
    """Keep a number brought by an import (or typed from a paper journal): the counter moves past it.

    A number below the counter leaves it where it is (the counter never goes back, so a number
    is never given again). Checking that no record of the domain already bears the number is
    the domain's part (its unique key); the counter knows only the last number.
    """
    book = journal(journal_code)
    if not 1 <= seq <= book.max_seq:
        raise SequenceOutOfRange(max=book.max_seq)
    kept = db.session().info.get(_KEPT)
    if kept is None:
        _upsert(book, year, seq, "keep")
    else:
        key = (journal_code, book.year_key(year))
        kept[key] = max(seq, kept.get(key, 0))
    return book.number(year, seq)


def parse(journal_code: str, text: str, *, prefix_optional: bool = True) -> tuple[int | None, int] | None:
    """(year, seq) of a written number of this journal, None when the text is not one (see Journal.parse)."""
    return journal(journal_code).parse(text, prefix_optional=prefix_optional)


def format_number(journal_code: str, year: int, seq: int) -> str:
    """The written form of a number: `format_number("appeals", 2026, 123)` → `ОГ-2026-000123`."""
    return journal(journal_code).format(year, seq)


def last_number(journal_code: str, year: int) -> int:
    """The last sequence given in the journal and year (0 before the first)."""
    book = journal(journal_code)
    _write_kept(journal_code, year)
    value = db.session.scalar(
        select(COUNTERS.c.last_number)
        .join(JOURNAL_ROWS, JOURNAL_ROWS.c.id == COUNTERS.c.journal_id)
        .where(JOURNAL_ROWS.c.code == journal_code, COUNTERS.c.year == book.year_key(year))
    )
    return int(value or 0)


def ensure_journal(book: Journal) -> None:
    """The journal's row exists (created when missing; a parallel creator is waited for, not failed)."""
    insert = _insert()
    db.session.execute(
        insert(JOURNAL_ROWS)
        .values(code=book.code, name=str(book.name)[:255], pattern=book.pattern)
        .on_conflict_do_nothing(index_elements=[JOURNAL_ROWS.c.code])
    )


def sync_journals() -> int:
    """Every declared journal's row, name and pattern as declared (`flask app init`); counters untouched.

    Returns how many journals were added.
    """
    rows = {row.code: row for row in db.session.scalars(select(NumberingJournal))}
    added = 0
    for book in JOURNALS.values():
        row = rows.get(book.code)
        if row is None:
            db.session.add(NumberingJournal(code=book.code, name=str(book.name)[:255], pattern=book.pattern))
            added += 1
        else:
            row.name, row.pattern = str(book.name)[:255], book.pattern
    db.session.flush()
    return added
