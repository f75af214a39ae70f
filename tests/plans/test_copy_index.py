"""«Is this annual item represented by a quarterly copy?» is an index look-up, whatever the statistics say."""

from __future__ import annotations

from sqlalchemy import func, insert, select

from app.extensions import db
from app.plans.models import PlanItem, monitored
from tests.plans.test_reports import build_dataset

#: Annual items that are no copy, added so that the statistics look like a city's year of plans.
ITEMS = 3_000


def test_the_monitored_items_count_looks_copies_up_by_index_after_analyze(app):
    build_dataset(app)
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            return  # PostgreSQL plans an anti-join; SQLite runs the correlated subquery per item.
        table = PlanItem.__table__
        row = db.session.execute(select(table).where(table.c.source_item_id.is_(None)).limit(1)).mappings().one()
        top = db.session.scalar(select(func.max(table.c.id)))
        rows = [{**row, "id": top + n, "position": 10_000 + n, "seq": 10_000 + n} for n in range(1, ITEMS + 1)]
        db.session.execute(insert(table), rows)
        # A city before its first quarterly plan: no item is a copy yet.
        db.session.execute(table.update().values(source_item_id=None))
        # Most items are no copy (source_item_id NULL). Counted as one shared value, those NULLs made a
        # full index look useless, and SQLite scanned the table once per item (20,000 items: 66 s).
        db.session.execute(db.text("ANALYZE plans_item"))
        query = select(func.count()).select_from(PlanItem).where(PlanItem.annulled_at.is_(None), monitored())
        sql = str(query.compile(db.engine, compile_kwargs={"literal_binds": True}))
        plan = [row[-1] for row in db.session.execute(db.text("EXPLAIN QUERY PLAN " + sql))]
        db.session.rollback()
    inner = [step for step in plan if "plans_item_1" in step]
    assert inner and all(step.startswith("SEARCH") and "ix_plans_item_source" in step for step in inner), plan
