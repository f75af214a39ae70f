"""Import of a programme's events from its spreadsheet (XLSX/CSV) through the platform's import (app/core/imports).

The coordinator uploads the plan as approved (a row per event), maps its columns, and the whole file
is checked before anything is written: dates and times, the organiser (a body of the administration
or an outside organisation), the format, the row scope (the organiser must be a body the user may
give work to, the programme one he keeps). A good file is loaded through `add_event`, so every rule
of a hand-typed event holds. A row whose programme, title and start date are already there is
skipped, never updated.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..core.dates import local_to_utc
from ..core.errors import ForeignScopeError
from ..core.imports import DefaultChoice, Field, FieldType, ImportContext, ImportSpec, Lookup, Row
from ..core.imports.views import ImportView
from ..extensions import db
from ..org.models import Body, District
from ..security import Access, ensure_in_scope, row_access, scope_clause
from .models import FORMAT_LABELS, Event, EventFormat, EventProgramme
from .services import add_event

SAMPLE = Path(__file__).resolve().parent / "data" / "events_import_sample.csv"
TIME = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*$")
#: How plans name the formats (normalised), besides the labels themselves.
FORMAT_SPELLINGS = {
    **{str(label).lower(): value for value, label in FORMAT_LABELS.items()},
    "очный": EventFormat.IN_PERSON.value,
    "очная": EventFormat.IN_PERSON.value,
    "офлайн": EventFormat.IN_PERSON.value,
    "дистанционно": EventFormat.ONLINE.value,
    "дистанционный": EventFormat.ONLINE.value,
    "онлайн": EventFormat.ONLINE.value,
    "online": EventFormat.ONLINE.value,
    "смешанный": EventFormat.MIXED.value,
    "смешанная": EventFormat.MIXED.value,
    "гибридный": EventFormat.MIXED.value,
}


def _writable_programmes() -> list[EventProgramme]:
    """The programmes the user keeps (a default for rows without one; the look-up's choices)."""
    query = select(EventProgramme).where(EventProgramme.annulled_at.is_(None)).order_by(EventProgramme.year.desc())
    clause = scope_clause(EventProgramme, access=Access.WRITE)
    if clause is not None:
        query = query.where(clause)
    return list(db.session.scalars(query))


def _programme_choices() -> list[tuple[int, str]]:
    return [(p.id, p.name) for p in _writable_programmes()]


def _programme(entry_id: int) -> EventProgramme | None:
    return next((p for p in _writable_programmes() if p.id == entry_id), None)


def load_lookups() -> dict[str, Lookup]:
    lookups = {name: Lookup() for name in ("programmes", "bodies", "districts")}
    for programme in db.session.scalars(select(EventProgramme).where(EventProgramme.annulled_at.is_(None))):
        lookups["programmes"].add(programme, programme.name)
    for body in db.session.scalars(select(Body).where(Body.is_active.is_(True))):
        lookups["bodies"].add(body, body.code, body.name, body.short_name)
    for district in db.session.scalars(select(District)):
        lookups["districts"].add(district, district.code, district.name, f"{district.name} район")
    return lookups


FIELDS: tuple[Field, ...] = (
    Field(
        "programme",
        _l("Программа мероприятий"),
        ("программа", "программа мероприятий", "план"),
        FieldType.REFERENCE,
        lookup="programmes",
        unknown=_l("Нет такой программы мероприятий"),
        hint=_l("пусто — программа по умолчанию"),
        default=DefaultChoice(
            _l("Программа по умолчанию"),
            _programme_choices,
            _programme,
            _l("для строк без программы — обычно весь файл"),
        ),
    ),
    Field(
        "title",
        _l("Мероприятие"),
        ("мероприятие", "наименование мероприятия", "название мероприятия", "наименование", "название"),
        required=True,
        column=Event.title,
    ),
    Field("description", _l("Описание"), ("описание", "содержание")),
    Field(
        "start_date",
        _l("Дата начала"),
        ("дата", "дата начала", "дата проведения", "начало"),
        FieldType.DATE,
        required=True,
    ),
    Field("start_time", _l("Время начала"), ("время", "время начала"), hint=_l("ЧЧ:ММ; пусто — весь день")),
    Field(
        "end_date",
        _l("Дата окончания"),
        ("дата окончания", "окончание"),
        FieldType.DATE,
        hint=_l("для многодневных; пусто — в тот же день"),
    ),
    Field("end_time", _l("Время окончания"), ("время окончания",), hint=_l("ЧЧ:ММ")),
    Field("place", _l("Место проведения"), ("место", "место проведения"), column=Event.place),
    Field(
        "district",
        _l("Район"),
        ("район", "район проведения"),
        FieldType.REFERENCE,
        lookup="districts",
        unknown=_l("Нет такого района"),
    ),
    Field(
        "organiser_body",
        _l("Организатор — орган администрации"),
        (
            "организатор — орган администрации",
            "орган",
            "орган-организатор",
            "организатор орган",
            "ответственный орган",
            "организатор",
        ),
        FieldType.REFERENCE,
        lookup="bodies",
        unknown=_l("Нет такого органа администрации: стороннюю организацию укажите в своём столбце"),
    ),
    Field(
        "organiser_name",
        _l("Организатор — сторонняя организация"),
        ("организатор — сторонняя организация", "сторонний организатор", "организация", "сторонняя организация"),
        column=Event.organiser_name,
    ),
    Field(
        "responsible_person",
        _l("Ответственный"),
        ("ответственный", "ответственное лицо", "ответственный исполнитель"),
        column=Event.responsible_person,
    ),
    Field(
        "planned_format",
        _l("Формат проведения"),
        ("формат", "формат проведения", "планируемый формат"),
        FieldType.CHOICE,
        choices=FORMAT_SPELLINGS,
        unknown=_l("Формат — очно, онлайн или смешанный"),
        hint=_l("пусто — очно"),
    ),
    Field(
        "participants_planned",
        _l("Участников (план)"),
        ("участников план", "участников", "количество участников", "число участников", "охват"),
        FieldType.INT,
    ),
)


@dataclass
class EventRow:
    """One good row of the file: what `add_event` is called with."""

    programme: EventProgramme
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    start_date: dt.date
    fields: dict[str, Any]


def _time(row: Row, key: str, default: dt.time) -> dt.time | None:
    text = row.text(key)
    if not text:
        return default
    match = TIME.match(text)
    if match is None or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        row.refuse(key, gettext("Время — в виде ЧЧ:ММ, например 10:00"))
        return None
    return dt.time(int(match.group(1)), int(match.group(2)))


def _scope_problem(row: Row, plan: EventRow, visibility: Any) -> None:
    """The platform's write guard, as for an event typed by hand: a programme the user keeps, an organiser
    he may name."""
    if row_access(plan.programme, visibility) is not Access.WRITE:
        row.refuse("programme", gettext("Эту программу ведёт другой орган: загрузить в неё мероприятия нельзя"))
        return
    body = plan.fields.get("organiser_body")
    probe = Event(
        organiser_body_id=body.id if body else None,
        coordinator_body_id=plan.programme.coordinator_body_id,
        district_id=plan.fields["district"].id if plan.fields.get("district") else None,
    )
    try:
        ensure_in_scope(probe, visibility)
    except ForeignScopeError:
        name = body.name if body else ""
        row.refuse(
            "organiser_body",
            gettext("Орган «%(body)s» вне вашей области видимости: такое мероприятие загрузить нельзя", body=name),
        )


def check_row(row: Row, ctx: ImportContext) -> EventRow | None:
    """One row as an event to add, or None with its refusals recorded on `row`."""
    programme = row.value("programme") or row.default("programme")
    if programme is None and not row.text("programme"):
        row.refuse("programme", gettext("Не указана программа: выберите программу по умолчанию"))
    title = row.value("title")
    if not title:
        row.refuse("title", gettext("Не заполнено обязательное поле «%(field)s»", field=gettext("Мероприятие")))
    start_day = row.value("start_date")
    if start_day is None and not row.text("start_date"):
        row.refuse("start_date", gettext("Не заполнена дата начала"))
    end_day = row.value("end_date") or start_day
    start_time = _time(row, "start_time", dt.time(0, 0))
    end_time = _time(row, "end_time", dt.time(23, 59) if not row.text("start_time") else start_time or dt.time(0, 0))
    body = row.value("organiser_body")
    outside = row.value("organiser_name")
    if body is not None and outside:
        row.refuse("organiser_name", gettext("Укажите организатора один раз: орган или стороннюю организацию"))
    if body is None and not outside and not row.text("organiser_body"):
        row.refuse("organiser_body", gettext("Не указан организатор"))
    planned_format = row.value("planned_format") or EventFormat.IN_PERSON.value
    participants = row.value("participants_planned")
    if participants is not None and participants < 0:
        row.refuse("participants_planned", gettext("Число участников не может быть отрицательным"))
    if row.problems or programme is None or start_day is None or start_time is None or end_time is None:
        return None
    starts_at = local_to_utc(dt.datetime.combine(start_day, start_time))
    ends_at = local_to_utc(dt.datetime.combine(end_day, end_time))
    if ends_at < starts_at:
        row.refuse("end_date", gettext("Окончание раньше начала мероприятия"))
        return None
    key = (programme.id, title.casefold(), start_day)
    seen = ctx.state.setdefault("seen", set())
    if key in seen:
        row.refuse("title", gettext("Это мероприятие уже есть в файле выше (та же программа, название и дата)"))
        return None
    seen.add(key)
    plan = EventRow(
        programme=programme,
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        start_date=start_day,
        fields={
            "description": row.value("description"),
            "place": row.value("place"),
            "district": row.value("district"),
            "organiser_body": body,
            "organiser_name": outside,
            "responsible_person": row.value("responsible_person"),
            "planned_format": planned_format,
            "participants_planned": participants,
        },
    )
    _scope_problem(row, plan, ctx.visibility)
    return None if row.problems else plan


def find_existing(rows: Sequence[EventRow], _ctx: ImportContext) -> list[bool]:
    """A row whose programme, title and start date are already in the database is skipped."""
    days = sorted({r.start_date for r in rows})
    found: set[tuple[int, str, dt.date]] = set()
    for start in range(0, len(days), 500):
        query = select(Event.programme_id, Event.title, Event.start_date).where(
            Event.start_date.in_(days[start : start + 500]), Event.annulled_at.is_(None)
        )
        found.update((p, t.casefold(), d) for p, t, d in db.session.execute(query))
    return [(r.programme.id, r.title.casefold(), r.start_date) in found for r in rows]


def save_row(plan: EventRow, _ctx: ImportContext) -> Event:
    """Add the event through the service: every rule of a hand-typed event holds."""
    return add_event(plan.programme, title=plan.title, starts_at=plan.starts_at, ends_at=plan.ends_at, **plan.fields)


EVENTS_IMPORT = ImportSpec(
    name="events",
    title=_l("Загрузка мероприятий из файла"),
    fields=FIELDS,
    lookups=load_lookups,
    check_row=check_row,
    existing=find_existing,
    save_row=save_row,
    sample=SAMPLE,
    sample_name="Образец загрузки мероприятий.csv",
    upload_hint=_l(
        "Строка файла — одно мероприятие плана. Мероприятие с той же программой, названием и датой начала, "
        "уже внесённое в систему, пропускается и не изменяется."
    ),
    noun=_l("мероприятий"),
    result_hint=_l("Уже внесённые мероприятия пропущены и не изменены: итоги проведения отмечаются в карточке."),
    list_endpoint="EventView.list",
    list_label=_l("К списку мероприятий"),
    # A plan names officials and places, not residents: its rows are no personal data.
    personal_data=False,
)


class EventImportView(ImportView):
    """«Загрузка мероприятий из файла»: the programme's coordinator (and Admin)."""

    spec = EVENTS_IMPORT
    route_base = "/events/import"
    class_permission_name = "EventImport"
