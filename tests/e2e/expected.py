"""What the user should see, computed in-process (the `oracle` app) on the served database."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from app.appeals.models import OPEN_STATUSES, Appeal
from app.core.calendar import due_date
from app.core.dates import local_today as _local_today
from app.extensions import db
from app.org.models import Body
from app.security import scope_clause, visibility_for


def local_today(oracle: Any) -> dt.date:
    """The city's today (UTC+7), as the server counts it."""
    with oracle.app_context():
        return _local_today()


def due_from_today(oracle: Any, rule: str) -> dt.date:
    """The due date the deadline rule gives to something registered today."""
    with oracle.app_context():
        due = due_date(rule, _local_today()).due
        db.session.remove()
    return due


def visible_appeal_numbers(oracle: Any, username: str) -> set[str]:
    """The current appeals `username` may see, by the one row-scope mechanism (app.security)."""
    with oracle.app_context():
        user = oracle.appbuilder.sm.find_user(username=username)
        query = select(Appeal.reg_number).where(Appeal.annulled_at.is_(None))
        clause = scope_clause(Appeal, visibility_for(user))
        if clause is not None:
            query = query.where(clause)
        numbers = set(db.session.scalars(query))
        db.session.remove()
    return numbers


def appeal_numbers_of_body(oracle: Any, body_code: str) -> set[str]:
    """Current appeals the body received or answers for (written out here, apart from app.security)."""
    with oracle.app_context():
        body = db.session.scalar(select(Body).where(Body.code == body_code))
        query = select(Appeal.reg_number).where(
            Appeal.annulled_at.is_(None),
            (Appeal.receiving_body_id == body.id) | (Appeal.responsible_body_id == body.id),
        )
        numbers = set(db.session.scalars(query))
        db.session.remove()
    return numbers


def overdue_appeal_numbers(oracle: Any, body_short_name: str) -> set[str]:
    """Open appeals past their due date (local today) whose responsible body is the given one."""
    with oracle.app_context():
        body = db.session.scalar(select(Body).where(Body.short_name == body_short_name))
        query = select(Appeal.reg_number).where(
            Appeal.annulled_at.is_(None),
            Appeal.responsible_body_id == body.id,
            Appeal.status.in_([s.value for s in OPEN_STATUSES]),
            Appeal.due_date < _local_today(),
        )
        numbers = set(db.session.scalars(query))
        db.session.remove()
    return numbers
