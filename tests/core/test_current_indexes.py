"""The lists' partial indexes over current rows answer a page's ids from the index alone."""

from __future__ import annotations

from flask_appbuilder import Model
from sqlalchemy import select

from app.appeals.models import Appeal
from app.core.models import CURRENT_ROWS
from app.extensions import db


def _current_indexes():
    predicate = str(CURRENT_ROWS["sqlite_where"])
    for table in Model.metadata.tables.values():
        for index in table.indexes:
            where = index.dialect_options["sqlite"].get("where")
            if where is not None and str(where) == predicate:
                yield table, index


def test_every_non_unique_current_index_ends_in_annulled_at(app):
    found = [(table.name, index) for table, index in _current_indexes() if not index.unique]
    # Each domain's lists declare theirs: the appeals alone have nine.
    assert len(found) >= 40
    wrong = [index.name for _table, index in found if [c.name for c in index.columns][-1] != "annulled_at"]
    assert wrong == []


def test_a_unique_current_index_keeps_its_columns(app):
    # NULLs are distinct in a unique index: annulled_at in it would let two current plans share a period.
    unique = {index.name: [c.name for c in index.columns] for _t, index in _current_indexes() if index.unique}
    assert unique["ux_plans_plan_period"] == ["period"]


def test_a_deep_list_page_reads_its_ids_from_the_covering_index(app):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            return  # PostgreSQL drops the implied predicate by itself; its plan depends on the table's size.
        query = (
            select(Appeal.id)
            .where(Appeal.annulled_at.is_(None))
            .order_by(Appeal.reg_date.desc(), Appeal.id.desc())
            .limit(26)
            .offset(80_000)
        )
        sql = str(query.compile(db.engine, compile_kwargs={"literal_binds": True}))
        plan = " ".join(row[-1] for row in db.session.execute(db.text("EXPLAIN QUERY PLAN " + sql)))
    # Not the full (reg_date, id) index with a table read per skipped row.
    assert "USING COVERING INDEX ix_appeals_appeal_current_reg_date" in plan, plan
