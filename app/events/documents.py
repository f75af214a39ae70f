"""Documents events fill in (registered in app/core/documents): the note on how an event went."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from ..core.dates import format_datetime, to_local
from ..core.documents.registry import register_template
from .models import FORMAT_LABELS, STATUS_LABELS, Event


def when(item: Event) -> str:
    """«09.05.2020 15:00 — 17:00», or both dates for a multi-day event (local time)."""
    start, end = to_local(item.starts_at), to_local(item.ends_at)
    if start is None or end is None:
        return ""
    if start.date() == end.date():
        return f"{format_datetime(item.starts_at)} — {end:%H:%M}"
    return f"{format_datetime(item.starts_at)} — {format_datetime(item.ends_at)}"


def event_note_context(item: Event) -> dict[str, Any]:
    """«Информация о проведении мероприятия»: what was planned, what took place, and why it changed."""
    return {
        "programme": item.programme.name,
        "title": item.title,
        "when": when(item),
        "place": item.place or "",
        "district": str(item.district) if item.district else "",
        "organiser": item.organiser,
        "responsible_person": item.responsible_person or "",
        "planned_format": str(FORMAT_LABELS.get(item.planned_format, "")),
        "actual_format": str(FORMAT_LABELS.get(item.actual_format or "", "")),
        "format_changed": item.format_changed,
        "status": str(STATUS_LABELS.get(item.status, "")),
        "change_reason": item.change_reason or "",
        "participants_planned": item.participants_planned,
        "participants_actual": item.participants_actual,
    }


EVENT_NOTE = register_template(
    code="events_event_note",
    name=_l("Информация о проведении мероприятия"),
    domain="events",
    path="documents/events/event_note.docx",
    context_builder=event_note_context,
    model=Event,
    sample={
        "programme": "План мероприятий, посвящённых 75-летию Победы",
        "title": "Концерт «Песни Победы»",
        "when": "09.05.2020 15:00 — 17:00",
        "place": "Площадь Побед",
        "district": "Центральный",
        "organiser": "Управление культуры",
        "responsible_person": "Орлова С. Н.",
        "planned_format": "Очно",
        "actual_format": "Онлайн",
        "format_changed": True,
        "status": "Проведено",
        "change_reason": "Ограничительные меры (эпидемия)",
        "participants_planned": 2000,
        "participants_actual": 15400,
    },
)
