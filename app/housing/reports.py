"""Housing statistics (DOMAIN.md D.9 R-H1…R-H4): plain data in, plain data out.

Each function takes dates, ids and a row-scope clause (or None) and returns rows of named values, so
the report page (report_views.py), the XLSX, and a later dashboard call the same queries.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import case, func, select

from ..extensions import db
from ..org.models import District
from .models import (
    DecisionEffect,
    DecisionType,
    FundCategory,
    Ground,
    Household,
    HousingDecision,
    ListType,
    Premises,
)
from .queue import QueueRow, queue_count, queue_page


@dataclass(frozen=True)
class QueueList:
    """R-H1: one list's queue as of a day."""

    list_name: str
    as_of: dt.date
    total: int
    rows: list[QueueRow]


def queue_list(list_type_id: int, as_of: dt.date, scope: Any = None, limit: int | None = None) -> QueueList:
    """The list's queue on `as_of` with positions (the whole list's), rows kept by `scope` (on Household)."""
    list_type = db.session.get(ListType, list_type_id)
    name = list_type.name if list_type is not None else ""
    return QueueList(
        list_name=name,
        as_of=as_of,
        total=queue_count(list_type_id, as_of, scope),
        rows=queue_page(list_type_id, as_of, offset=0, limit=limit, scope=scope),
    )


@dataclass(frozen=True)
class MovementRow:
    district: str
    registered: int
    refused: int
    removed: int
    provided: int
    changed: int
    restored: int


@dataclass
class Movement:
    """R-H2: the register's movement in a period, by district, and removals by ground."""

    rows: list[MovementRow] = field(default_factory=list)
    removals: list[tuple[str, int]] = field(default_factory=list)


def _count(effect: DecisionEffect) -> Any:
    return func.sum(case((DecisionType.effect == effect.value, 1), else_=0))


def movement(where: list[Any]) -> Movement:
    """Decisions in force (the `where` of the page: period, district, scope, not annulled) by district and effect."""
    query = (
        select(
            District.name,
            _count(DecisionEffect.REGISTER),
            _count(DecisionEffect.REFUSE),
            _count(DecisionEffect.REMOVE),
            _count(DecisionEffect.PROVIDE),
            _count(DecisionEffect.CHANGE_LIST),
            _count(DecisionEffect.RESTORE),
        )
        .select_from(HousingDecision)
        .join(DecisionType, DecisionType.id == HousingDecision.decision_type_id)
        .join(District, District.id == HousingDecision.district_id)
        .where(*where)
        .group_by(District.name)
        .order_by(District.name)
    )
    result = Movement(
        rows=[MovementRow(name, *(int(v or 0) for v in counts)) for name, *counts in db.session.execute(query)]
    )
    grounds = (
        select(Ground.name, Ground.article, func.count(HousingDecision.id))
        .select_from(HousingDecision)
        .join(DecisionType, DecisionType.id == HousingDecision.decision_type_id)
        .join(Ground, Ground.id == HousingDecision.ground_id)
        .where(DecisionType.effect == DecisionEffect.REMOVE.value, *where)
        .group_by(Ground.name, Ground.article, Ground.sort_order)
        .order_by(Ground.sort_order)
    )
    result.removals = [
        (f"{name} ({article})" if article else name, int(n)) for name, article, n in db.session.execute(grounds)
    ]
    return result


@dataclass(frozen=True)
class StockRow:
    fund_category: str
    status: str
    district: str
    premises: int
    total_area: Decimal


def stock(where: list[Any]) -> list[StockRow]:
    """R-H3: premises by fund category × status × district: how many, how many m²."""
    query = (
        select(
            FundCategory.name,
            Premises.status,
            District.name,
            func.count(Premises.id),
            func.coalesce(func.sum(Premises.total_area), 0),
        )
        .join(FundCategory, FundCategory.id == Premises.fund_category_id)
        .join(District, District.id == Premises.district_id)
        .where(*where)
        .group_by(FundCategory.name, FundCategory.sort_order, Premises.status, District.name)
        .order_by(FundCategory.sort_order, Premises.status, District.name)
    )
    return [StockRow(c, s, d, int(n), Decimal(a)) for c, s, d, n, a in db.session.execute(query)]


@dataclass(frozen=True)
class JournalRow:
    number: str
    decision_date: dt.date
    decision_type: str
    application_number: str
    district: str
    detail: str
    handover_due: dt.date
    handed_over_on: dt.date | None


def decisions_journal(where: list[Any], limit: int | None = None) -> list[JournalRow]:
    """R-H4: the decisions of the period in order (what was decided, for which case, handed over when)."""
    detail = func.coalesce(Ground.name, ListType.name, Premises.full_address, "")
    query = (
        select(
            HousingDecision.number,
            HousingDecision.decision_date,
            DecisionType.name,
            Household.application_number,
            District.name,
            detail,
            HousingDecision.handover_due,
            HousingDecision.handed_over_on,
        )
        .join(DecisionType, DecisionType.id == HousingDecision.decision_type_id)
        .join(Household, Household.id == HousingDecision.household_id)
        .join(District, District.id == HousingDecision.district_id)
        .outerjoin(Ground, Ground.id == HousingDecision.ground_id)
        .outerjoin(ListType, ListType.id == HousingDecision.list_type_id)
        .outerjoin(Premises, Premises.id == HousingDecision.premises_id)
        .where(*where)
        .order_by(HousingDecision.decision_date, HousingDecision.number_year, HousingDecision.number_seq)
    )
    if limit is not None:
        query = query.limit(limit)
    return [JournalRow(*row) for row in db.session.execute(query)]


def decisions_count(where: list[Any]) -> int:
    """How many decisions the journal holds for the same conditions."""
    return int(db.session.scalar(select(func.count(HousingDecision.id)).where(*where)) or 0)


def register_size(day: dt.date, scope: Any = None) -> list[tuple[int, str, int]]:
    """How many households stand in each list on `day` (the housing tile of a dashboard)."""
    from .queue import list_sizes

    return list_sizes(day, scope)
