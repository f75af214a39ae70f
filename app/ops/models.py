"""Operations tables."""

from __future__ import annotations

import datetime as dt

from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column


class LoginLockout(Model):
    """Failed sign-ins of one login name from one address in the current window, and the lock they led to.

    Keyed by the name *and* the address: failures from an outsider's address lock that address
    out of the account, never its owner at their own desk. Names that exist and names that do not
    are counted alike, so a lock tells nothing about which names exist.
    """

    __tablename__ = "core_login_lockout"
    __label__ = _l("Блокировка входа")

    #: The account's user name (lower case); for an unknown name, the name as typed (lower case).
    login: Mapped[str] = mapped_column(String(128), primary_key=True)
    address: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_started_at: Mapped[dt.datetime] = mapped_column(DateTime)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)

    def __repr__(self) -> str:
        return f"Блокировка входа «{self.login}» с адреса {self.address}"
