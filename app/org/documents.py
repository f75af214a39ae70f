"""Documents the org structure fills in (registered in app/core/documents)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask_babel import lazy_gettext as _l

from ..core.documents.registry import register_template
from .models import Official


def official_card_context(official: Official) -> dict[str, Any]:
    """«Справка о должностном лице»: body, position, name (surname first) and appointment date."""
    user = official.user
    return {
        "full_name": f"{user.last_name} {user.first_name}",
        "body": official.body.name,
        "position": official.position,
        "appointed_on": official.appointed_on,
    }


OFFICIAL_CARD = register_template(
    code="org_official_card",
    name=_l("Справка о должностном лице"),
    domain="org",
    path="documents/org/official_card.docx",
    context_builder=official_card_context,
    model=Official,
    sample={
        "full_name": "Иванова Ольга",
        "body": "Администрация Заводского района",
        "position": "Главный специалист",
        "appointed_on": dt.date(2024, 5, 1),
    },
)
