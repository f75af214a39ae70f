"""Reading the change history: conflicts of stale edits and the «История изменений» section."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..extensions import db
from ..security import can_see_personal_data
from .audit import MASK, AuditAction, ChangeLog
from .dates import format_datetime
from .errors import StaleVersionError, ValidationFailed

ACTION_LABELS = {
    AuditAction.INSERT: _l("Создание"),
    AuditAction.UPDATE: _l("Изменение"),
    AuditAction.DELETE: _l("Удаление"),
    AuditAction.ANNUL: _l("Аннулирование"),
    AuditAction.LOGIN: _l("Вход"),
    AuditAction.LOGIN_FAILED: _l("Неудачный вход"),
}
#: Bookkeeping columns not worth showing to a clerk.
HIDDEN_FIELDS = {"version", "id"}


def personal_fields(model: type | None) -> set[str]:
    """Columns a model marks as citizens' personal data (`__personal__`)."""
    return set(getattr(model, "__personal__", ()) or ())


def _show_value(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "—"
    return str(value)


@dataclass
class ChangeLine:
    field: str
    old: str
    new: str


@dataclass
class PresentedChange:
    at: str
    username: str
    ip: str
    action: str
    lines: list[ChangeLine]


def present_change(entry: ChangeLog, model: type | None, labels: dict[str, Any] | None = None) -> PresentedChange:
    """One history entry as a clerk reads it; personal data masked without the right."""
    labels = labels or {}
    masked = personal_fields(model) if not can_see_personal_data() else set()
    lines = []
    for key, value in sorted((entry.changes or {}).items()):
        if key in HIDDEN_FIELDS:
            continue
        label = str(labels.get(key.removesuffix("_id"), labels.get(key, key)))
        if entry.action in (AuditAction.UPDATE, AuditAction.ANNUL) and isinstance(value, list) and len(value) == 2:
            old, new = value
        else:
            old, new = None, value
        if key in masked:
            old, new = (MASK if old is not None else None), MASK
        lines.append(ChangeLine(label, _show_value(old), _show_value(new)))
    return PresentedChange(
        at=format_datetime(entry.at),
        username=entry.username,
        ip=entry.ip or "",
        action=str(ACTION_LABELS.get(AuditAction(entry.action), entry.action)),
        lines=lines,
    )


def changes_since(item: Any, version: int) -> list[str]:
    """What other users changed in a record after `version`, one line per save."""
    table = item.__table__.name
    pk = str(db.inspect(item).identity[0])
    entries = db.session.scalars(
        select(ChangeLog)
        .where(ChangeLog.table_name == table, ChangeLog.record_id == pk, ChangeLog.action == AuditAction.UPDATE)
        .order_by(ChangeLog.id)
    )
    model = type(item)
    result = []
    for entry in entries:
        new_version = (entry.changes or {}).get("version", [None, None])[1]
        if new_version is None or int(new_version) <= version:
            continue
        shown = present_change(entry, model)
        fields = "; ".join(f"{line.field}: «{line.old}» → «{line.new}»" for line in shown.lines)
        result.append(gettext("%(who)s, %(when)s: %(fields)s", who=entry.username, when=shown.at, fields=fields))
    return result


def check_version(item: Any, submitted: Any, required: bool = True) -> None:
    """Refuse a save that started from an older version than the stored one (FAB_NOTES S15)."""
    if submitted in (None, ""):
        if required:
            raise ValidationFailed(_l("Не указана версия записи (version): обновите запись и повторите"))
        return
    try:
        started_from = int(submitted)
    except (TypeError, ValueError):
        raise ValidationFailed(_l("Некорректная версия записи: %(value)s"), value=str(submitted)[:20]) from None
    if started_from != item.version:
        raise StaleVersionError(item.version, changes_since(item, started_from))
