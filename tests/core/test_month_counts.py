"""The appeals' month counts (migration 0035's triggers) stay exact, and a deep page read from them is FAB's page."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import delete, func, insert, select, text, update

from app.appeals.demo import load_demo_appeals
from app.appeals.models import APPEAL_MONTHS, Appeal
from app.appeals.reference.models import Channel
from app.core import lists
from app.core.lists import _jump, load_page
from app.core.month_counts import compact, keep_all, recount
from app.core.rest_lists import _page_at_offset
from app.core.workspace.counters import list_filters
from app.extensions import db
from app.org.models import Body
from tests.appeal_rows import appeal_row
from tests.signed_in import signed_in
from tests.sql_log import recorded_sql

TABLE = APPEAL_MONTHS.table
#: Seven months, few dates in each: ties everywhere, broken by id; a page often spans two months.
DATES = [dt.date(2024, 11, 28) + dt.timedelta(days=23 * n) for n in range(10)]
ROWS = 150


def _appeal_view(app):
    return next(v for v in app.appbuilder.baseviews if v.__class__.__name__ == "AppealView")


def _actual() -> dict[dt.date, tuple[int, int]]:
    """Rows and current rows per month, counted from the appeals themselves."""
    counted: dict[dt.date, list[int]] = {}
    for reg_date, annulled_at in db.session.execute(select(Appeal.reg_date, Appeal.annulled_at)):
        month = counted.setdefault(reg_date.replace(day=1), [0, 0])
        month[0] += 1
        month[1] += annulled_at is None
    return {month: (rows, current) for month, (rows, current) in counted.items()}


def _kept() -> dict[dt.date, tuple[int, int]]:
    """What the month counts say (deltas summed), months with no row left out."""
    summed = db.session.execute(
        select(TABLE.c.month, TABLE.c.next_month, func.sum(TABLE.c.all_rows), func.sum(TABLE.c.current_rows)).group_by(
            TABLE.c.month, TABLE.c.next_month
        )
    ).all()
    for month, next_month, _rows, _current in summed:
        assert month.day == 1 and next_month == (month + dt.timedelta(days=32)).replace(day=1)
    return {month: (int(rows), int(current)) for month, _next, rows, current in summed if rows or current}


def _new_rows(n: int, first_seq: int) -> list[dict]:
    channel = db.session.scalar(select(Channel.id).order_by(Channel.id))
    bodies = list(db.session.scalars(select(Body.id).order_by(Body.id).limit(3)))
    rows = []
    for k in range(n):
        reg_date = DATES[(k * 7) % len(DATES)]
        rows.append(
            appeal_row(
                first_seq + k,
                reg_date,
                year=2099,
                prefix="МС",
                channel_id=channel,
                summary="Проверка счёта по месяцам",
                receiving_body_id=bodies[k % 3],
                responsible_body_id=bodies[(k + 1) % 3],
                status="registered",
                annulled_at=dt.datetime(2025, 9, 1) if k % 11 == 0 else None,
            )
        )
    return rows


@pytest.fixture
def appeals(app):
    """The demo appeals (registered through the services) and ROWS more over ten dates in seven months,
    some annulled (a bulk insert)."""
    with app.app_context():
        load_demo_appeals(count=60)
        db.session.execute(insert(Appeal), _new_rows(ROWS, 1))
        db.session.commit()
    return app


def test_the_services_and_a_bulk_insert_leave_exact_counts(appeals):
    with appeals.app_context():
        assert len(_actual()) >= 7 and _kept() == _actual()


def test_every_kind_of_write_keeps_the_counts_exact(appeals):
    with appeals.app_context():
        assert _kept() == _actual()
        one = db.session.scalar(select(Appeal.id).where(Appeal.reg_year == 2099, Appeal.annulled_at.is_(None)))
        moves = [
            # annulled, restored: out of the current rows and back
            update(Appeal).where(Appeal.id == one).values(annulled_at=dt.datetime(2025, 10, 1)),
            update(Appeal).where(Appeal.id == one).values(annulled_at=None),
            # registered in another month: out of one month, into another (a month of its own too)
            update(Appeal).where(Appeal.id == one).values(reg_date=dt.date(2031, 5, 17)),
            # many rows at once, most to another month, a third of them annulled on the way
            update(Appeal)
            .where(Appeal.reg_year == 2099, Appeal.reg_seq % 3 == 0)
            .values(reg_date=dt.date(2030, 2, 1), annulled_at=dt.datetime(2030, 2, 2)),
            # an update that moves nothing between months adds nothing
            update(Appeal).where(Appeal.reg_year == 2099).values(status="in_work"),
            delete(Appeal).where(Appeal.id == one),
        ]
        for statement in moves:
            db.session.execute(statement)
            assert _kept() == _actual(), str(statement)
        db.session.commit()
        assert _kept() == _actual()
        # A rolled-back write leaves no count behind.
        db.session.execute(insert(Appeal), _new_rows(5, 500))
        db.session.rollback()
        assert _kept() == _actual()


def test_postgresql_keeps_deltas_that_compaction_folds_into_a_row_a_month(appeals):
    with appeals.app_context():
        db.session.execute(update(Appeal).where(Appeal.reg_year == 2099).values(annulled_at=dt.datetime(2026, 1, 1)))
        db.session.execute(insert(Appeal), _new_rows(20, 300))
        before = _kept()
        rows = db.session.scalar(select(func.count()).select_from(TABLE))
        months = db.session.scalar(select(func.count(func.distinct(TABLE.c.month))))
        removed = compact(db.session, APPEAL_MONTHS)
        if db.engine.dialect.name == "postgresql":
            # Every statement above added a delta to each month it changed, each one a row of its own.
            assert rows > months and removed == rows - months
        else:
            # SQLite's triggers add into the month's one row: nothing to fold.
            assert rows == months and removed == 0
        assert db.session.scalar(select(func.count()).select_from(TABLE)) == months
        assert _kept() == before == _actual()
        assert compact(db.session, APPEAL_MONTHS) == 0


def test_a_recount_mends_counts_that_drifted(appeals):
    with appeals.app_context():
        exact = _actual()
        # As after a bulk load with the triggers off, or a hand edit.
        db.session.execute(update(TABLE).values(all_rows=TABLE.c.all_rows + 7, current_rows=0))
        db.session.execute(
            insert(TABLE).values(month=dt.date(1999, 1, 1), next_month=dt.date(1999, 2, 1), all_rows=3, current_rows=3)
        )
        assert _kept() != exact
        recount(db.session, APPEAL_MONTHS)
        assert _kept() == exact
        assert db.session.scalar(select(func.count()).select_from(TABLE)) == len(exact)


def test_postgresql_empties_the_counts_with_the_table(appeals):
    with appeals.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("TRUNCATE is PostgreSQL's")
        db.session.execute(text("TRUNCATE appeals_appeal CASCADE"))
        assert _kept() == {} == _actual()


def _fab_ids(view, filters, direction, page, size):
    """FAB's own path: LIMIT/OFFSET over whole rows."""
    _count, rows = view.datamodel.query(filters, "reg_date", direction, page=page, page_size=size)
    return [row.id for row in rows]


@pytest.mark.parametrize("mode", ["current", "all"])
@pytest.mark.parametrize("direction", ["desc", "asc"])
def test_every_page_read_from_its_month_is_fabs_page(appeals, monkeypatch, mode, direction):
    # Every page jumps (the demo's few hundred appeals are far below the real threshold).
    monkeypatch.setattr(lists, "JUMP_FROM", 0)
    view = _appeal_view(appeals)
    context = signed_in(appeals, "supervisor", f"/appealview/list/?annulled={mode}")
    try:
        filters = list_filters(view, None)
        assert _jump(view.datamodel, filters, "reg_date", direction == "desc", 0) is not None
        total = len(_fab_ids(view, filters, direction, None, None))
        assert total > ROWS
        size = 13
        for page in range(total // size + 2):  # one page past the end too
            with recorded_sql(appeals) as statements:
                fast = load_page(view.datamodel, filters, "reg_date", direction, page, size)
            assert fast.ids == _fab_ids(view, filters, direction, page, size), page
            assert any("appeals_appeal_month_count" in s for s in statements), statements
            rest = _page_at_offset(view.datamodel, filters, "reg_date", direction, page * size + 5, size, 1_000)
            assert rest.ids == _fab_ids(view, filters, direction, None, None)[page * size + 5 :][:size]
        # The last page knows the whole count; a page past it is empty.
        last = load_page(view.datamodel, filters, "reg_date", direction, (total - 1) // size, size, count_limit=10_000)
        assert (last.count, last.count_exact, last.has_next) == (total, True, False)
    finally:
        context.pop()


def test_only_a_whole_list_in_the_counted_order_jumps(appeals, monkeypatch):
    monkeypatch.setattr(lists, "JUMP_FROM", 100)
    view = _appeal_view(appeals)
    model = view.datamodel
    cases = [
        # (user, query string, filter args, order column, offset, jumps)
        ("supervisor", "", {}, "reg_date", 100, True),
        ("supervisor", "?annulled=all", {}, "reg_date", 200, True),
        ("supervisor", "", {}, "reg_date", 99, False),  # near the start: the walk is short
        ("supervisor", "", {}, "summary", 200, False),  # another order: not counted
        ("supervisor", "?annulled=annulled", {}, "reg_date", 200, False),
        ("supervisor", "", {"_flt_0_status": "registered"}, "reg_date", 200, False),
        ("udkh", "", {}, "reg_date", 200, False),  # a body clerk's list: his row scope
        ("zavodskoy", "", {}, "reg_date", 200, False),
    ]
    for username, query, args, column, offset, jumps in cases:
        context = signed_in(appeals, username, "/appealview/list/" + query)
        try:
            filters = list_filters(view, None, args)
            assert (_jump(model, filters, column, True, offset) is not None) is jumps, (username, query, args, column)
        finally:
            context.pop()
    context = signed_in(appeals, "supervisor", "/appealview/list/")
    try:
        assert _jump(model, list_filters(view, "overdue"), "reg_date", True, 200) is None  # a preset
    finally:
        context.pop()


def test_the_recount_command_mends_the_counts(appeals):
    with appeals.app_context():
        exact = _actual()
        db.session.execute(update(TABLE).values(current_rows=0))
        db.session.commit()
    result = appeals.test_cli_runner().invoke(args=["app", "recount-months"])
    assert result.exit_code == 0 and "appeals_appeal_month_count" in result.output, result.output
    with appeals.app_context():
        assert _kept() == exact


def test_postgresql_compaction_beside_an_open_writer_loses_none_of_his_rows(appeals):
    with appeals.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("SQLite has one writer at a time")
        # A long writer (an import) holds uncommitted deltas while the worker folds the committed ones.
        with db.engine.connect() as writer:
            writer.execute(insert(Appeal), _new_rows(30, 700))
            writer.execute(update(Appeal).where(Appeal.reg_year == 2099, Appeal.reg_seq < 40).values(annulled_at=None))
            db.session.execute(
                update(Appeal).where(Appeal.reg_seq == 50, Appeal.reg_year == 2099).values(reg_date=dt.date(2032, 1, 1))
            )
            db.session.commit()
            keep_all(db.session)
            db.session.commit()
            writer.commit()
        # The writer's deltas were never folded nor lost: the sums are the rows'.
        assert _kept() == _actual()
        keep_all(db.session)
        assert _kept() == _actual()
        months = db.session.scalar(select(func.count(func.distinct(TABLE.c.month))))
        assert db.session.scalar(select(func.count()).select_from(TABLE)) == months
