"""Reading the change history: conflicts of stale edits and the «История изменений» section."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import inspect, select

from ..extensions import db
from ..security import can_see_personal_data
from .audit import MASK, AuditAction, ChangeLog, actor_label
from .dates import format_date, format_datetime
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
HIDDEN_FIELDS = {"version", "id", "created_on", "changed_on", "created_by_fk", "changed_by_fk", "reg_seq", "reg_year"}
#: The parts a registration number is drawn from (the number itself is in the history): «…_seq», «…_year».
_NUMBER_PARTS = re.compile(r"^(reg|number|application)_(seq|year)$")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$")


def personal_fields(model: type | None) -> set[str]:
    """Columns a model marks as citizens' personal data (`__personal__`)."""
    return set(getattr(model, "__personal__", ()) or ())


def _show_value(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return gettext("Да") if value else gettext("Нет")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "—"
    if isinstance(value, str) and _ISO.match(value):
        parsed = dt.datetime.fromisoformat(value)
        return format_datetime(parsed) if "T" in value else format_date(parsed.date())
    return str(value)


def _foreign_keys(model: type | None) -> dict[str, Any]:
    """{column: related class} for a model's many-to-one relationships."""
    if model is None:
        return {}
    result = {}
    for rel in inspect(model).relationships:
        if rel.direction.name == "MANYTOONE" and len(rel.local_columns) == 1:
            result[next(iter(rel.local_columns)).key] = rel.mapper.class_
    return result


class Describer:
    """Turns stored values into what a clerk reads: names instead of ids, labels instead of codes."""

    def __init__(self, model: type | None, formatters: dict[str, Any]) -> None:
        self.keys = _foreign_keys(model)
        self.formatters = formatters
        self.cache: dict[tuple[type, Any], str] = {}

    def __call__(self, key: str, value: Any) -> str:
        if value is None or value == "":
            return "—"
        target = self.keys.get(key)
        if target is not None and not isinstance(value, list):
            if (target, value) not in self.cache:
                related = db.session.get(target, value)
                self.cache[(target, value)] = str(related) if related is not None else f"#{value}"
            return self.cache[(target, value)]
        formatter = self.formatters.get(key)
        if formatter is not None and isinstance(value, str) and not _ISO.match(value):
            shown = formatter(value)
            if shown not in (None, ""):
                return str(shown)
        return _show_value(value)


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


def present_change(
    entry: ChangeLog,
    model: type | None,
    labels: dict[str, Any] | None = None,
    formatters: dict[str, Any] | None = None,
    describe: Describer | None = None,
    skip: set[str] | frozenset[str] = frozenset(),
) -> PresentedChange:
    """One history entry as a clerk reads it; personal data masked without the right, `skip` fields left out."""
    labels = labels or {}
    describe = describe or Describer(model, formatters or {})
    masked = personal_fields(model) if not can_see_personal_data() else set()
    # Normalised search columns (`__search_shadow__`, `__search_normalised__`) repeat what the card's
    # fields say, lower-cased.
    shadows = {*getattr(model, "__search_shadow__", {}).values(), *getattr(model, "__search_normalised__", {}).values()}
    lines = []
    for key, value in sorted((entry.changes or {}).items()):
        if key in HIDDEN_FIELDS or key in skip or key in shadows or _NUMBER_PARTS.match(key):
            continue
        label = str(labels.get(key.removesuffix("_id").removesuffix("_fk"), labels.get(key, key)))
        if entry.action in (AuditAction.UPDATE, AuditAction.ANNUL) and isinstance(value, list) and len(value) == 2:
            old, new = value
        else:
            old, new = None, value
        if entry.action == AuditAction.INSERT and new in (None, "", []):
            continue  # a new record's empty fields say nothing
        if key in masked:
            lines.append(ChangeLine(label, MASK if old is not None else "—", MASK))
            continue
        lines.append(ChangeLine(label, describe(key, old), describe(key, new)))
    return PresentedChange(
        at=format_datetime(entry.at),
        username=actor_label(entry.username),
        ip=entry.ip or "",
        action=str(ACTION_LABELS.get(AuditAction(entry.action), entry.action)),
        lines=lines,
    )


def changes_since(item: Any, version: int, labels: dict[str, Any] | None = None) -> list[str]:
    """What other users changed in a record after `version`, one line per save, fields by their labels."""
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
        shown = present_change(entry, model, labels)
        fields = "; ".join(f"{line.field}: «{line.old}» → «{line.new}»" for line in shown.lines)
        result.append(gettext("%(who)s, %(when)s: %(fields)s", who=shown.username, when=shown.at, fields=fields))
    return result


def check_version(item: Any, submitted: Any, required: bool = True, labels: dict[str, Any] | None = None) -> None:
    """Refuse a save that started from an older version than the stored one (FAB_NOTES S15).

    `labels` (a view's label_columns) name the fields in the refusal's «what changed» lines.
    """
    if submitted in (None, ""):
        if required:
            raise ValidationFailed(_l("Не указана версия записи (version): обновите запись и повторите"))
        return
    try:
        started_from = int(submitted)
    except (TypeError, ValueError):
        raise ValidationFailed(_l("Некорректная версия записи: %(value)s"), value=str(submitted)[:20]) from None
    if started_from != item.version:
        raise StaleVersionError(item.version, changes_since(item, started_from, labels))
