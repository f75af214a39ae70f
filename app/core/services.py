"""Platform services used by every domain. Flush, never commit."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from ..extensions import db
from .dates import utcnow
from .errors import ConflictError, ValidationFailed
from .inputs import check_text
from .models import AnnulableMixin


def annul(record: AnnulableMixin, reason: str, user: Any | None = None) -> AnnulableMixin:
    """Annul a registered record: kept, marked with who/when/why, excluded from statistics."""
    reason = (reason or "").strip()
    check_text(reason, "reason")
    if len(reason) < 5:
        raise ValidationFailed(_l("Укажите причину аннулирования (не короче 5 символов)"), field="reason")
    if record.annulled_at is not None:
        raise ConflictError(_l("Запись уже аннулирована"))
    record.annulled_at = utcnow()
    record.annul_reason = reason
    record.annulled_by_fk = user.id if user is not None else None
    db.session.flush()
    return record


@dataclass(frozen=True)
class DomainHooks:
    """A domain's rules for a record being written, declared once and shared by its view and its API.

    `prepare_new(item)` completes a new record (numbers, links, terms); `check(item)` validates
    every write. Both are service functions raising DomainError subclasses.
    """

    prepare_new: Callable[[Any], Any] | None = None
    check: Callable[[Any], Any] | None = None
