"""Temporary lock-out after repeated failed sign-ins (web form, API, and the current password asked
when changing one's own password).

AUTH_LOCKOUT_FAILURES failures of one login name *from one address* within AUTH_LOCKOUT_WINDOW
seconds lock that name out *from that address* for AUTH_LOCKOUT_SECONDS. So an outsider who
knows a user name locks only their own address out of it, never the owner at their own desk;
the per-address throttle (AUTH_RATE_LIMIT_PER_ADDRESS) still bounds how many names and passwords
one address may try. Names that exist and names that do not are counted alike, and the answer to
a locked sign-in is the answer to a wrong password: nothing tells which names exist.

The lock ends by itself, and an administrator can lift it earlier (the unlock action of the user
list). While locked, the password is not even checked. Failures are written with plain SQL: the
sign-in journal already records each one; an administrator's unlock goes through the ORM (audited).
"""

from __future__ import annotations

import datetime as dt
import logging

from flask import current_app, has_request_context, request
from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.orm import Session

from ..core.dates import utcnow
from .models import LoginLockout

log = logging.getLogger(__name__)
TABLE = LoginLockout.__table__
_MAX_LOGIN = TABLE.c.login.type.length
_MAX_ADDRESS = TABLE.c.address.type.length


def _setting(name: str, default: int) -> int:
    return int(current_app.config.get(name, default))


def login_key(name: str | None) -> str:
    """How a login name is counted: lower case, trimmed, bounded (an account's user name, or the name typed)."""
    return (name or "").strip().lower()[:_MAX_LOGIN]


def client_address() -> str:
    """The client's address as the app sees it (behind the proxy: ProxyFix, PROXY_FIX_X_FOR)."""
    return ((request.remote_addr if has_request_context() else None) or "")[:_MAX_ADDRESS]


def _row(login: str, address: str) -> object:
    return and_(TABLE.c.login == login, TABLE.c.address == address)


def locked_until(session: Session, login: str, address: str) -> dt.datetime | None:
    """When the lock of this name from this address ends (naive UTC), or None when it is not locked now."""
    until = session.scalar(select(TABLE.c.locked_until).where(_row(login, address)))
    return until if until is not None and until > utcnow() else None


def record_failure(session: Session, login: str, address: str) -> dt.datetime | None:
    """Count one failed sign-in of a name from an address; returns the lock's end when this one locks it."""
    now = utcnow()
    window = dt.timedelta(seconds=_setting("AUTH_LOCKOUT_WINDOW", 15 * 60))
    # Counters of names tried once and never again (typos, unknown names) do not pile up.
    session.execute(
        delete(TABLE).where(
            TABLE.c.window_started_at < now - window,
            or_(TABLE.c.locked_until.is_(None), TABLE.c.locked_until <= now),
            ~_row(login, address),
        )
    )
    row = session.execute(
        select(TABLE.c.failures, TABLE.c.window_started_at).where(_row(login, address)).with_for_update()
    ).first()
    if row is None:
        session.execute(TABLE.insert().values(login=login, address=address, failures=1, window_started_at=now))
        failures = 1
    elif now - row.window_started_at > window:
        session.execute(
            update(TABLE).where(_row(login, address)).values(failures=1, window_started_at=now, locked_until=None)
        )
        failures = 1
    else:
        failures = row.failures + 1
        session.execute(update(TABLE).where(_row(login, address)).values(failures=failures))
    if failures < _setting("AUTH_LOCKOUT_FAILURES", 10):
        return None
    until = now + dt.timedelta(seconds=_setting("AUTH_LOCKOUT_SECONDS", 15 * 60))
    # A fresh window starts with the lock: after it ends, the address gets the full number of tries again.
    session.execute(
        update(TABLE).where(_row(login, address)).values(failures=0, window_started_at=until, locked_until=until)
    )
    log.warning("sign-in of %r from %s locked until %s UTC after %s failures", login, address, until, failures)
    return until


def clear_failures(session: Session, login: str, address: str) -> None:
    """A successful sign-in forgets the failures of this name from this address (not an outsider's lock)."""
    session.execute(delete(TABLE).where(_row(login, address)))


def unlock(session: Session, username: str) -> bool:
    """Lift every lock of an account, from any address (administrator); True when one was in force.

    Goes through the ORM: each lifted lock is recorded in the change history.
    """
    rows = session.scalars(select(LoginLockout).where(LoginLockout.login == login_key(username))).all()
    now = utcnow()
    was_locked = any(row.locked_until is not None and row.locked_until > now for row in rows)
    for row in rows:
        session.delete(row)
    session.flush()
    return was_locked
