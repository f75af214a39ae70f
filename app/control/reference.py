"""Reference data of control: kinds of documents (loaded by `flask app init`, never overwriting an Admin's edits)."""

from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from .models import DocumentKind

#: (code, name) in the order the registration form offers them.
DOCUMENT_KINDS = (
    ("letter", "Письмо"),
    ("request", "Запрос"),
    ("higher_instruction", "Поручение вышестоящего органа"),
    ("resolution_act", "Постановление"),
    ("order", "Распоряжение"),
    ("protocol", "Протокол совещания"),
    ("memo", "Служебная записка"),
    ("report", "Доклад, информация"),
    ("complaint", "Жалоба, претензия"),
    ("court", "Документ суда, прокуратуры"),
)


def seed_document_kinds() -> int:
    """Add the kinds missing by code; returns how many were added."""
    existing = set(db.session.scalars(select(DocumentKind.code)))
    added = 0
    for order, (code, name) in enumerate(DOCUMENT_KINDS, start=1):
        if code in existing:
            continue
        db.session.add(DocumentKind(code=code, name=name, sort_order=order * 10))
        added += 1
    db.session.flush()
    return added


def kind_by_code(code: str) -> DocumentKind:
    return db.session.execute(select(DocumentKind).where(DocumentKind.code == code)).scalar_one()
