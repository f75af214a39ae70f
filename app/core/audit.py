"""Change history: every insert, update and delete, written in the same transaction.

One `after_flush` listener on every SQLAlchemy session records who (the request's
user, or "system" from CLI and imports), when (UTC), from which address, which
record, and each changed field's old -> new value; a delete keeps the whole row.
Logins, failed logins and role changes (the User.roles collection) land here too.
Bulk loads for benchmarks may bypass it explicitly with `audit_suspended()`; nothing else may.
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import has_request_context, request
from flask_appbuilder import Model
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, event, insert, inspect
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship
from sqlalchemy.orm.attributes import get_history

from .dates import utcnow

SYSTEM_USER = "system"
ANONYMOUS_USER = "anonymous"
MASK = "***"

#: How the journal names who acted when it was not a signed-in user.
ACTOR_LABELS: dict[str, Any] = {SYSTEM_USER: _l("Система"), ANONYMOUS_USER: _l("Без входа в систему")}
#: FAB's own tables (a domain model names itself with `__label__`).
FAB_RECORD_TYPES: dict[str, Any] = {
    "ab_user": _l("Пользователь"),
    "ab_role": _l("Роль"),
    "ab_group": _l("Группа пользователей"),
    "ab_register_user": _l("Заявка на регистрацию"),
    "ab_api_key": _l("Ключ API"),
}
#: Python's default repr of an object, stored by older versions instead of a description.
_OBJECT_REPR = re.compile(r"^<[\w.]+ object at 0x[0-9a-fA-F]+>$")

#: Columns never written to history (password hashes) or too noisy to be useful.
SECRET_COLUMNS = {"password"}
NOISE_COLUMNS = {
    "ab_user": {"last_login", "login_count", "fail_login_count", "changed_on", "changed_by_fk"},
    # The normalised search copies of the applicant's name and address (app.appeals.models): derived, not news.
    "appeals_appeal": {
        "applicant_search",
        "applicant_last_name_norm",
        "applicant_first_name_norm",
        "applicant_patronymic_norm",
    },
}
#: Many-to-many collections whose changes are recorded (role membership, role permissions).
TRACKED_COLLECTIONS = {"ab_user": ("roles",), "ab_role": ("permissions",)}


class AuditAction(enum.StrEnum):
    INSERT = "insert"
    UPDATE = "update"
    DELETE = "delete"
    ANNUL = "annul"
    LOGIN = "login"
    LOGIN_FAILED = "login_failed"


class ChangeLog(Model):
    """One change of one record (or one sign-in event). Never edited, never deleted."""

    __tablename__ = "core_change_log"
    __label__ = _l("Запись истории изменений")
    __table_args__ = (
        Index("ix_core_change_log_record", "table_name", "record_id", "id"),
        Index("ix_core_change_log_at", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id", ondelete="SET NULL"), index=True)
    username: Mapped[str] = mapped_column(String(128))
    ip: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(16))
    # A code: the journal filters it by exact value, offered by record type (app/core/audit_views.py).
    table_name: Mapped[str] = mapped_column(String(64), info={"code": True})
    record_id: Mapped[str | None] = mapped_column(String(64))
    record_repr: Mapped[str | None] = mapped_column(String(255))
    #: {field: [old, new]} for updates, {field: value} for inserts and deletes.
    changes: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    user = relationship("User", foreign_keys=[user_id])

    def __repr__(self) -> str:
        return f"{self.action} {self.table_name}#{self.record_id}"

    def _personal(self) -> set[str]:
        """The record's personal-data columns the current user may not see."""
        from ..security import can_see_personal_data
        from .models import model_for_table

        personal = set(getattr(model_for_table(self.table_name), "__personal__", ()) or ())
        return set() if not personal or can_see_personal_data() else personal

    def masked_changes(self) -> dict[str, Any] | None:
        """The changes with personal data masked for a user without the right."""
        hidden = self._personal()
        if not hidden or not self.changes:
            return self.changes
        return {key: (MASK if key in hidden else value) for key, value in self.changes.items()}

    def masked_repr(self) -> str | None:
        """A personal record's description (e.g. an applicant's name) only with the right."""
        return MASK if self._personal() else self.record_repr

    def description(self) -> str:
        """What the journal shows for the record: its own description, or its type and number."""
        shown = self.masked_repr()
        if shown and not _OBJECT_REPR.match(shown):
            return shown
        number = f" № {self.record_id}" if self.record_id else ""
        return f"{record_type_label(self.table_name)}{number}"


def record_type_label(table_name: str) -> str:
    """A table as the journal names it: the model's `__label__` (e.g. «Обращение»), never the table name."""
    from .models import model_for_table

    label = getattr(model_for_table(table_name), "__label__", None) or FAB_RECORD_TYPES.get(table_name)
    return str(label) if label else gettext("Запись")


def record_type_choices() -> list[tuple[str, str]]:
    """(table, label) of every journalled record type, by label: the journal's «Тип записи» filter."""
    from .models import model_for_table

    tables = {m.local_table.name for m in Model.registry.mappers if m.local_table is not None} - NOT_AUDITED
    named = [t for t in tables if getattr(model_for_table(t), "__label__", None) or t in FAB_RECORD_TYPES]
    return sorted(((t, record_type_label(t)) for t in named), key=lambda pair: pair[1])


def actor_label(username: str | None) -> str:
    """Who acted, as the journal says it: «Система» for the CLI and imports, the login otherwise."""
    label = ACTOR_LABELS.get(username or "")
    return str(label) if label is not None else (username or "")


#: core_job: a job's state is bookkeeping of the queue; its work is in the history like any other.
NOT_AUDITED = {ChangeLog.__tablename__, "ab_permission", "ab_view_menu", "ab_permission_view", "core_job"}


def _actor() -> tuple[int | None, str, str | None]:
    if has_request_context():
        from ..security import request_user

        user = request_user()
        ip = request.remote_addr
        if user is not None:
            return user.id, user.username, ip
        return None, ANONYMOUS_USER, ip
    return None, SYSTEM_USER, None


def _plain(value: Any) -> Any:
    """A JSON-safe form of a column value."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    return str(value)


_COLUMNS: dict[type, list[Any]] = {}


def _columns(obj: Any) -> list[Any]:
    # Per class, once: an import writes the history of thousands of records in one flush.
    cls = type(obj)
    columns = _COLUMNS.get(cls)
    if columns is None:
        skip = SECRET_COLUMNS | NOISE_COLUMNS.get(obj.__table__.name, set())
        columns = _COLUMNS[cls] = [c for c in inspect(obj).mapper.column_attrs if c.key not in skip]
    return columns


_PK_KEYS: dict[type, tuple[str, ...]] = {}


def _pk(obj: Any) -> str:
    # The identity key is set only after the flush ends: read the primary key columns' attributes.
    state = inspect(obj)
    keys = _PK_KEYS.get(type(obj))
    if keys is None:
        mapper = state.mapper
        keys = _PK_KEYS[type(obj)] = tuple(mapper.get_property_by_column(c).key for c in mapper.primary_key)
    loaded = state.dict
    values = [loaded[key] if key in loaded else getattr(obj, key) for key in keys]
    return ",".join(str(v) for v in values if v is not None)


#: Values JSON takes as they are (checked by exact type: a bool is an int, an enum may be a str).
_AS_IS = frozenset({str, int, float, bool, type(None)})
_KEYS: dict[type, tuple[str, ...]] = {}


def _row(obj: Any) -> dict[str, Any]:
    # Loaded values straight from the instance's dict (an import writes thousands of rows per flush);
    # anything not loaded goes through the attribute, as before.
    keys = _KEYS.get(type(obj))
    if keys is None:
        keys = _KEYS[type(obj)] = tuple(c.key for c in _columns(obj))
    loaded = inspect(obj).dict
    data = {}
    for key in keys:
        value = loaded[key] if key in loaded else getattr(obj, key)
        data[key] = value if type(value) in _AS_IS else _plain(value)
    if "password" in obj.__table__.columns:
        data["password"] = MASK
    return data


def _update_changes(obj: Any) -> dict[str, list[Any]]:
    changes: dict[str, list[Any]] = {}
    for attr in _columns(obj):
        hist = get_history(obj, attr.key)
        if hist.has_changes() and hist.deleted != hist.added:
            old = hist.deleted[0] if hist.deleted else None
            new = hist.added[0] if hist.added else None
            if old != new:
                changes[attr.key] = [_plain(old), _plain(new)]
    version_col = inspect(obj).mapper.version_id_col
    if version_col is not None and changes:
        # SQLAlchemy bumps the version during the flush, outside attribute history.
        current = getattr(obj, version_col.key)
        changes[version_col.key] = [current - 1, current]
    if "password" in obj.__table__.columns and get_history(obj, "password").has_changes():
        changes["password"] = [MASK, MASK]
    for key in TRACKED_COLLECTIONS.get(obj.__table__.name, ()):
        hist = get_history(obj, key)
        if hist.added or hist.deleted:
            now = sorted(str(x) for x in getattr(obj, key))
            before = sorted({*now, *(str(x) for x in hist.deleted)} - {str(x) for x in hist.added})
            changes[key] = [before, now]
    return changes


def _description(obj: Any) -> str | None:
    """The record's own text (str), or nothing: the journal then names its type and number."""
    cls = type(obj)
    if cls.__str__ is object.__str__ and cls.__repr__ is object.__repr__:
        return None  # «<app.… object at 0x…>» says nothing to a reader
    return str(obj)[:255]


def _is_audited(obj: Any) -> bool:
    table = getattr(obj, "__table__", None)
    return table is not None and table.name not in NOT_AUDITED


def _action_for(obj: Any, changes: dict[str, Any]) -> str:
    annulled = changes.get("annulled_at")
    if annulled and annulled[0] is None and annulled[1] is not None:
        return AuditAction.ANNUL
    return AuditAction.UPDATE


def _entry(
    obj: Any, action: str, changes: dict[str, Any], actor: tuple[int | None, str, str | None], at: Any = None
) -> dict:
    user_id, username, ip = actor
    return {
        "at": at or utcnow(),
        "user_id": user_id,
        "username": username,
        "ip": ip,
        "action": str(action),
        "table_name": obj.__table__.name,
        "record_id": _pk(obj),
        "record_repr": _description(obj),
        "changes": changes,
    }


@event.listens_for(Session, "before_flush")
def _capture_deletes(session: Session, _context: Any, _instances: Any) -> None:
    # Deleted rows are read before the flush, while their attributes are still loaded.
    if session.info.get("audit_suspended"):
        return
    pending = session.info.setdefault("audit_deleted", [])
    for obj in session.deleted:
        if _is_audited(obj):
            pending.append((obj, _row(obj)))


@event.listens_for(Session, "after_flush")
def _write_history(session: Session, _context: Any) -> None:
    deleted = session.info.pop("audit_deleted", [])
    if session.info.get("audit_suspended"):
        return
    actor = _actor()
    # One moment for the whole flush: its records were written together (an import writes thousands).
    at = utcnow()
    entries = []
    for obj in session.new:
        if _is_audited(obj):
            entries.append(_entry(obj, AuditAction.INSERT, _row(obj), actor, at))
    for obj in session.dirty:
        if _is_audited(obj) and session.is_modified(obj, include_collections=True):
            changes = _update_changes(obj)
            if changes:
                entries.append(_entry(obj, _action_for(obj, changes), changes, actor, at))
    for obj, row in deleted:
        entries.append(_entry(obj, AuditAction.DELETE, row, actor, at))
    if entries:
        # Core insert on the flush's own connection: same transaction, no re-entrant flush.
        session.connection().execute(insert(ChangeLog.__table__), entries)


@event.listens_for(Session, "after_soft_rollback")
def _forget_pending_deletes(session: Session, _previous: Any) -> None:
    # A flush that failed must not leave its deletes to be recorded by the next one.
    session.info.pop("audit_deleted", None)


@contextmanager
def audit_suspended(session: Session) -> Iterator[None]:
    """Bypass history for a bulk load (benchmark data only)."""
    session.info["audit_suspended"] = True
    try:
        yield
    finally:
        session.info.pop("audit_suspended", None)


def log_sign_in(session: Session, user: Any | None, username: str, success: bool) -> None:
    """Record a login or a failed login (the caller commits); `user` is the account tried, if it exists."""
    actor_ip = request.remote_addr if has_request_context() else None
    session.connection().execute(
        insert(ChangeLog.__table__),
        [
            {
                "at": utcnow(),
                "user_id": user.id if success and user is not None else None,
                "username": (username or "")[:128],
                "ip": actor_ip,
                "action": str(AuditAction.LOGIN if success else AuditAction.LOGIN_FAILED),
                "table_name": "ab_user",
                "record_id": str(user.id) if user is not None else None,
                "record_repr": (username or "")[:255],
                "changes": None,
            }
        ],
    )


def history_for(session: Session, table_name: str, record_id: Any, limit: int = 200) -> list[ChangeLog]:
    """A record's history, newest first."""
    from sqlalchemy import select

    stmt = (
        select(ChangeLog)
        .where(ChangeLog.table_name == table_name, ChangeLog.record_id == str(record_id))
        .order_by(ChangeLog.id.desc())
        .limit(limit)
    )
    return list(session.scalars(stmt))
