"""The plans' volume for the benchmark: one approved annual plan of the last year, its items bulk-loaded.

20,000 items at a city's volume of appeals (issue #15: the item list and the execution report at 20,000
items), scaled down with BENCH_ROWS for the smoke run. Like the appeals, the rows are written with Core
inserts straight into the tables (no change history for generated rows). Deterministic (fixed seed).
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from sqlalchemy import insert, select

from scripts.bench.common import LAST_YEAR, SEED

MAX_ITEMS = 20_000
BATCH = 5_000
#: Marks of the items due before the bench's today (the year's end), by share: mostly done, some not.
MARKS = (("done", 0.6), ("moved", 0.1), ("cancelled", 0.05), ("not_done", 0.1), ("planned", 0.15))
TOPICS = (
    "О ходе подготовки к отопительному сезону",
    "О благоустройстве дворовых территорий",
    "Об исполнении бюджета города",
    "О работе с обращениями граждан",
    "О подготовке к празднованию Дня Победы",
    "О состоянии дорожного хозяйства",
    "О летнем отдыхе детей",
    "О мерах пожарной безопасности",
)


def items_wanted(rows: int) -> int:
    """20,000 items at 1,000,000 appeals; at least 500 in a smoke data set."""
    return min(MAX_ITEMS, max(500, rows // 50))


def plan_row() -> dict[str, Any]:
    """The annual plan's row, its terms computed by the domain's own rules (call inside the app context)."""
    from app.core.calendar import due_date
    from app.plans.models import Plan, PlanKind, PlanStatus
    from app.plans.services import NOTE_RULE, PROPOSALS_RULE, period_key, plan_title

    plan = Plan(kind=PlanKind.ANNUAL.value, year=LAST_YEAR)
    return {
        "kind": PlanKind.ANNUAL.value,
        "year": LAST_YEAR,
        "quarter": None,
        "period": period_key(LAST_YEAR, None),
        "title": str(plan_title(PlanKind.ANNUAL.value, LAST_YEAR, None)),
        "status": PlanStatus.APPROVED.value,
        "proposals_due": due_date(PROPOSALS_RULE, plan.start).due,
        "note_due": due_date(NOTE_RULE, plan.end).due,
        "approved_act_no": "1-р",
        "approved_on": dt.date(LAST_YEAR - 1, 12, 20),
        "version": 1,
    }


def load_plans(conn: Any, rows: int, bodies: list[int], plan: dict[str, Any]) -> dict[str, Any]:
    """The plan and its items spread over the sections, the months and the bodies; returns the meta values."""
    from app.plans.models import Plan, PlanItem, PlanSection
    from app.plans.services import POSITION_STEP

    rnd = random.Random(SEED + 15)
    plan_id = conn.execute(insert(Plan.__table__).returning(Plan.__table__.c.id), [plan]).scalar()
    sections = conn.execute(select(PlanSection.id, PlanSection.sort_order).order_by(PlanSection.sort_order)).all()
    wanted = items_wanted(rows)
    seq = dict.fromkeys((s for s, _ in sections), 0)
    batch: list[dict] = []
    for number in range(wanted):
        section_id, sort_order = sections[number % len(sections)]
        seq[section_id] += 1
        month = 1 + number * 12 // wanted
        due = dt.date(LAST_YEAR, month, 28)
        status = rnd.choices([m for m, _ in MARKS], [w for _, w in MARKS])[0]
        batch.append(
            {
                "plan_id": plan_id,
                "section_id": section_id,
                "seq": seq[section_id],
                "position": sort_order * POSITION_STEP + seq[section_id],
                "title": f"{rnd.choice(TOPICS)} (вопрос {number + 1})",
                "responsible_body_id": rnd.choice(bodies),
                "responsible_person": None,
                "supervisor_id": None,
                "form": "report",
                "planned_month": month,
                "planned_date": None,
                "due_date": due,
                "status": status,
                "done_on": due if status == "done" else None,
                "result": "Рассмотрено" if status == "done" else None,
                "reason": None if status in ("done", "planned") else "Изменение сроков",
                "marked_on": None if status == "planned" else due,
                "version": 1,
            }
        )
        if len(batch) >= BATCH:
            conn.execute(insert(PlanItem.__table__), batch)
            batch.clear()
    if batch:
        conn.execute(insert(PlanItem.__table__), batch)
    return {"plan_id": plan_id, "plan_items": wanted}
