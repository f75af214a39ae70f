"""Temporary lock-out after repeated failed sign-ins (web form and API alike).

AUTH_LOCKOUT_FAILURES failures of one account within AUTH_LOCKOUT_WINDOW seconds lock it for
AUTH_LOCKOUT_SECONDS. The lock ends by itself — nobody can lock the Head out for good — and an
administrator can lift it earlier (the unlock action of the user list). While locked, the password
is not even checked. Failures are written with plain SQL: the sign-in journal already records each one.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from flask import current_app
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from ..core.dates import utcnow
from .models import LoginLockout

log = logging.getLogger(__name__)
TABLE = LoginLockout.__table__


def _setting(name: str, default: int) -> int:
    return int(current_app.config.get(name, default))


def locked_until(session: Session, user: Any) -> dt.datetime | None:
    """When the account's lock ends (naive UTC), or None when it is not locked now."""
    until = session.scalar(select(TABLE.c.locked_until).where(TABLE.c.user_id == user.id))
    return until if until is not None and until > utcnow() else None


def record_failure(session: Session, user: Any) -> dt.datetime | None:
    """Count one failed sign-in; returns the lock's end when this failure locks the account."""
    now = utcnow()
    window = dt.timedelta(seconds=_setting("AUTH_LOCKOUT_WINDOW", 15 * 60))
    row = session.execute(
        select(TABLE.c.failures, TABLE.c.window_started_at).where(TABLE.c.user_id == user.id).with_for_update()
    ).first()
    if row is None:
        session.execute(TABLE.insert().values(user_id=user.id, failures=1, window_started_at=now))
        failures = 1
    elif now - row.window_started_at > window:
        session.execute(
            update(TABLE).where(TABLE.c.user_id == user.id).values(failures=1, window_started_at=now, locked_until=None)
        )
        failures = 1
    else:
        failures = row.failures + 1
        session.execute(update(TABLE).where(TABLE.c.user_id == user.id).values(failures=failures))
    if failures < _setting("AUTH_LOCKOUT_FAILURES", 10):
        return None
    until = now + dt.timedelta(seconds=_setting("AUTH_LOCKOUT_SECONDS", 15 * 60))
    # A fresh window starts with the lock: after it ends, the account gets the full number of tries again.
    session.execute(
        update(TABLE).where(TABLE.c.user_id == user.id).values(failures=0, window_started_at=until, locked_until=until)
    )
    log.warning("sign-in locked for user id %s until %s UTC after %s failures", user.id, until, failures)
    return until


def clear_failures(session: Session, user: Any) -> None:
    """A successful sign-in forgets earlier failures."""
    session.execute(delete(TABLE).where(TABLE.c.user_id == user.id))


def unlock(session: Session, user: Any) -> bool:
    """Lift a lock (administrator); True when the account was locked. Goes through the ORM: it is audited."""
    row = session.get(LoginLockout, user.id)
    if row is None:
        return False
    was_locked = row.locked_until is not None and row.locked_until > utcnow()
    session.delete(row)
    session.flush()
    return was_locked
