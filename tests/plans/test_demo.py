"""The demo's plans: an annual plan with four quarterly ones, partly executed, some moved and not done."""

from __future__ import annotations

from sqlalchemy import func, select

from app.core.dates import local_today
from app.extensions import db
from app.plans.demo import load_demo_plans
from app.plans.models import Plan, PlanItem, PlanProposal


def test_the_demo_has_an_annual_plan_with_four_quarters_partly_executed(app_ctx):
    made = load_demo_plans()
    db.session.commit()
    year = local_today().year
    annual = db.session.scalar(select(Plan).where(Plan.period == str(year)))
    assert annual.status == "approved" and [q.quarter for q in annual.quarters] == [1, 2, 3, 4]
    assert all(q.status == "approved" for q in annual.quarters)
    statuses = dict(db.session.execute(select(PlanItem.status, func.count()).group_by(PlanItem.status)).all())
    assert statuses["done"] > statuses["not_done"] > 0 and statuses["planned"] > 0
    if local_today().month > 3:
        assert statuses["moved"] > 0 and statuses["cancelled"] > 0
    records = sum(db.session.scalar(select(func.count()).select_from(m)) for m in (Plan, PlanItem, PlanProposal))
    assert made == db.session.scalar(select(func.count()).select_from(PlanItem)) > 40
    assert records <= 500
    # Next year's plan collects proposals: two wait for the deputy head.
    waiting = db.session.scalar(select(func.count()).where(PlanProposal.status == "submitted"))
    assert waiting == 2
    assert load_demo_plans() == 0  # loaded once
