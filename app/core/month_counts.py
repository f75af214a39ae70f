"""Where a deep page of a long list starts: its rows counted per month of the list's order, kept by triggers.

A page by number is an OFFSET over the order's index (lists.load_page): page 20,000 of a million appeals
walks 500,000 index entries to skip them, 10 ms on SQLite and 23 ms on PostgreSQL whatever the index (a
descending one gains 5 %). Neither database keeps a count per index page. This table does it for one
date column of one table: per month, its rows and its current (not annulled) rows. A deep page adds up
the months from the list's start until it holds the page's first row (a window sum over a few hundred
rows), then walks that month only: `date < next month` (newest first) with OFFSET less the rows of the
months before — at most one month's rows (~4,000 of a million over 20 years). Both happen in the page's
own statement, one snapshot: the rows are FAB's OFFSET's, exactly.

The counts are kept by the database, in the writer's transaction, whatever wrote (a form, an import, a
script, COPY): triggers of migration 0035. On PostgreSQL writers do not wait for each other: each
statement *inserts* a delta row per month it changed (an import of 20,000 rows of today and a clerk's
registration of today touch no common row); `compact` folds the deltas of a month into one (the jobs'
periodic task). SQLite has one writer at a time: its triggers add into the month's row directly.
`recount` rebuilds the table from the rows in one statement (daily, and after a bulk load run without
triggers); nothing else writes it.

Used only where the list is whole: the user sees every row (no row scope), nothing is searched or
preset, the order is the counted column (lists._jump). The model declares it:

    APPEAL_MONTHS = month_counts(Appeal, "reg_date")
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_appbuilder import Model
from sqlalchemy import BigInteger, Column, Date, Index, Integer, Table, bindparam, cast, func, select, text
from sqlalchemy.orm import Session


@dataclass(frozen=True)
class MonthCounts:
    """Rows of `model` per month of its date `column` (module docstring)."""

    model: type
    column: str
    table: Table


#: Every declared count, by model.
MONTH_COUNTS: dict[type, MonthCounts] = {}

#: Compaction and recount of one table never overlap (PostgreSQL: a transaction-level advisory lock).
_LOCK_BASE = 0x55505241  # "UPRA"


def month_counts(model: type, column: str) -> MonthCounts:
    """Declare the month counts of `model` by `column` (a Date): the table `<model's table>_month_count`.

    The model is annullable (`annulled_at`: the current rows are counted apart). The table's triggers are
    the migration's: a new declaration needs a migration that creates them.
    """
    name = f"{model.__tablename__}_month_count"
    table = Table(
        name,
        Model.metadata,
        Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
        #: The first day of the month, and of the next one (the page's bound, newest first).
        Column("month", Date, nullable=False),
        Column("next_month", Date, nullable=False),
        Column("all_rows", Integer, nullable=False),
        Column("current_rows", Integer, nullable=False),
        # The page's window sum reads this index alone.
        Index(f"ix_{name}_month", "month", "next_month", "all_rows", "current_rows"),
    )
    counts = MonthCounts(model, column, table)
    MONTH_COUNTS[model] = counts
    return counts


#: The bound parameter a jump's statement reads its offset from (given with the page's query: `params`).
JUMP_OFFSET = "uprava_jump_offset"
#: (table, descending, current only) → (where, offset expression): built once per process, reused by
#: every deep page (building the CTE cost ~0.7 ms of a page's Python; a statement's structure, not
#: its values, is what SQLAlchemy and the databases cache).
_JUMPS: dict[tuple[str, bool, bool], tuple[Any, Any]] = {}


def jump(counts: MonthCounts, offset: int, descending: bool, current_only: bool) -> tuple[Any, Any, dict[str, int]]:
    """(where, offset, params): the page at `offset` of the whole list is the one at `offset` there, in that month.

    `where` bounds the column to the month holding the list's row number `offset` and the months after it
    (newest first) or before it; the new offset counts from the month's first row. Both are scalar
    subqueries of one CTE, to be put in the page's own statement, which is given `params` (the offset).
    Past the list's end: no month, and `where` is NULL (no row).
    """
    key = (counts.table.name, descending, current_only)
    built = _JUMPS.get(key)
    if built is None:
        built = _JUMPS[key] = _jump_statement(counts, descending, current_only)
    where, from_month = built
    return where, from_month, {JUMP_OFFSET: offset}


def _jump_statement(counts: MonthCounts, descending: bool, current_only: bool) -> tuple[Any, Any]:
    table = counts.table
    rows = table.c.current_rows if current_only else table.c.all_rows
    offset = bindparam(JUMP_OFFSET, type_=BigInteger)
    months = (
        select(table.c.month, table.c.next_month, func.sum(rows).label("n"))
        .group_by(table.c.month, table.c.next_month)
        .subquery()
    )
    order = months.c.month.desc() if descending else months.c.month.asc()
    running = select(
        months.c.month, months.c.next_month, months.c.n, func.sum(months.c.n).over(order_by=order).label("upto")
    ).subquery()
    found = (
        select(
            running.c.month,
            running.c.next_month,
            cast(running.c.upto - running.c.n, BigInteger).label("before"),
        )
        .where(running.c.upto > offset)
        .order_by(running.c.month.desc() if descending else running.c.month.asc())
        .limit(1)
        .cte(f"{table.name}_jump")
    )
    column = getattr(counts.model, counts.column)
    if descending:
        where = column < select(found.c.next_month).scalar_subquery()
    else:
        where = column >= select(found.c.month).scalar_subquery()
    skipped = func.coalesce(select(found.c.before).scalar_subquery(), 0)
    return where, offset - skipped


def compact(session: Session, counts: MonthCounts) -> int:
    """Fold each month's rows into one; the number of rows removed. Flushes nothing, commits nothing."""
    table = counts.table.name
    if session.get_bind().dialect.name == "postgresql":
        if not session.execute(text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": _lock_key(table)}).scalar():
            return 0  # a recount or another compaction is at it
        # One statement, one snapshot: the deltas deleted are those summed. A writer's delta committed
        # later is neither (MVCC), so the sum stays exact while writers go on.
        result = session.execute(
            text(
                f"WITH doubled AS (SELECT month FROM {table} GROUP BY month HAVING count(*) > 1), "
                f"gone AS (DELETE FROM {table} WHERE month IN (SELECT month FROM doubled) "
                "RETURNING month, next_month, all_rows, current_rows), "
                f"summed AS (INSERT INTO {table} (month, next_month, all_rows, current_rows) "
                "SELECT month, next_month, sum(all_rows), sum(current_rows) FROM gone GROUP BY month, next_month "
                "RETURNING 1) "
                "SELECT (SELECT count(*) FROM gone) - (SELECT count(*) FROM summed)"
            )
        )
        return int(result.scalar_one())
    # SQLite: one writer at a time, and its triggers keep one row a month; a recount leaves one too.
    return 0


def recount(session: Session, counts: MonthCounts) -> None:
    """Rebuild the counts from the table's rows (one statement on PostgreSQL: one snapshot for both)."""
    table = counts.table.name
    source = counts.model.__tablename__
    column = counts.column
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _lock_key(table)})
        # A data-modifying WITH runs to its end whether read or not, in the INSERT's snapshot: the deltas
        # deleted are exactly those of the rows counted; a writer committing later keeps his delta.
        month = f"date_trunc('month', {column})::date"
        session.execute(
            text(
                f"WITH gone AS (DELETE FROM {table} RETURNING 1) "
                f"INSERT INTO {table} (month, next_month, all_rows, current_rows) "
                f"SELECT {month}, ({month} + interval '1 month')::date, count(*), "
                "count(*) FILTER (WHERE annulled_at IS NULL) "
                f"FROM {source} GROUP BY 1, 2"
            )
        )
        return
    session.execute(text(f"DELETE FROM {table}"))
    session.execute(
        text(
            f"INSERT INTO {table} (month, next_month, all_rows, current_rows) "
            f"SELECT date({column}, 'start of month'), date({column}, 'start of month', '+1 month'), count(*), "
            f"sum(annulled_at IS NULL) FROM {source} GROUP BY 1, 2"
        )
    )


def _lock_key(table: str) -> int:
    # Stable across processes (Python's hash() of a str is not).
    return _LOCK_BASE * 1000 + sum(table.encode()) % 1000


def keep_all(session: Session, full: bool = False) -> None:
    """Compact (or with `full`, recount) every declared count; the caller commits."""
    for counts in MONTH_COUNTS.values():
        if full:
            recount(session, counts)
        else:
            compact(session, counts)
