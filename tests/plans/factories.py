"""Plans built through the services, as the workflow builds them (call inside an app context)."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from app.core.dates import local_today
from app.extensions import db
from app.org.services import body_by_code
from app.plans.models import Plan, PlanItem, PlanKind, PlanProposal, PlanStatus
from app.plans.reference import section_by_code
from app.plans.services import (
    add_item,
    approve_plan,
    create_plan,
    open_proposals,
    send_for_approval,
)

_TITLES = itertools.count(1)


def plan(year: int, quarter: int | None = None, status: PlanStatus = PlanStatus.DRAFT) -> Plan:
    """A plan of the period, moved to `status` (an approved one needs an item: give it items first)."""
    kind = PlanKind.ANNUAL.value if quarter is None else PlanKind.QUARTERLY.value
    made = create_plan(kind, year, quarter)
    move_to(made, status)
    return made


def move_to(made: Plan, status: PlanStatus) -> Plan:
    """Walk the plan's lifecycle up to `status` (approved by an act of 20.12 of the year before, or of today)."""
    order = [PlanStatus.DRAFT, PlanStatus.COLLECTING, PlanStatus.ON_APPROVAL, PlanStatus.APPROVED]
    steps = {
        PlanStatus.COLLECTING: open_proposals,
        PlanStatus.ON_APPROVAL: send_for_approval,
        PlanStatus.APPROVED: lambda p: approve_plan(p, "1234-р", min(dt.date(made.year - 1, 12, 20), local_today())),
    }
    current = order.index(PlanStatus(made.status))
    for target in order[current + 1 : order.index(status) + 1]:
        steps[target](made)
    return made


def item(
    made: Plan,
    body: str = "udkh",
    month: int | None = None,
    section: str = "council",
    title: str | None = None,
    **fields: Any,
) -> PlanItem:
    """An item of the plan (its first month by default)."""
    return add_item(
        made,
        section_by_code(section),
        title or f"Вопрос № {next(_TITLES)}",
        body_by_code(body),
        planned_month=month if month is not None or "planned_date" in fields else made.start.month,
        **fields,
    )


def proposal(made: Plan, body: str = "udkh", month: int | None = None, section: str = "council", **fields: Any):
    """A draft proposal of a body to the plan."""
    from app.plans.services import prepare_proposal

    row = PlanProposal(
        plan=made,
        section=section_by_code(section),
        submitted_by_body=body_by_code(body),
        responsible_body=body_by_code(fields.pop("responsible", body)),
        title=fields.pop("title", f"Предложение № {next(_TITLES)}"),
        planned_month=month or made.start.month,
        **fields,
    )
    with db.session.no_autoflush:
        prepare_proposal(row)
    db.session.add(row)
    db.session.flush()
    return row


def user(app: Any, username: str) -> Any:
    return app.appbuilder.sm.find_user(username=username)
