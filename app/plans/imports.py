"""Import of a plan's items from XLSX/CSV (the Word tables of a plan pasted into Excel): the field map.

The platform (app/core/imports) reads the file, maps its columns, checks the WHOLE file, reports every
bad row and loads a good one in one transaction as a background job. Plans declare:

- the fields: the plan (a column, or one plan chosen for the whole file), the section (its number I–V,
  code or name), the number within the section, the question, the responsible body and persons, the
  co-executors (several, through «;»), the term (a date ДД.ММ.ГГГГ or a month: «март», «март 2026»), the form;
- the rules across fields (`check_row`): an open plan, a term in its period, a number not taken, a body
  within the user's row scope;
- the save (`save_row`): through `services.add_item` (numbers, due dates, supervising deputy, history);
- what is already loaded (`find_existing`): the same question in the same plan and section is skipped.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..core.dates import parse_date
from ..core.errors import DomainError, ForeignScopeError
from ..core.imports import DefaultChoice, Field, FieldType, ImportContext, ImportSpec, Lookup, Row, normalise
from ..core.imports.views import ImportView
from ..extensions import db
from ..org.models import Body
from ..security import ensure_in_scope
from .models import Plan, PlanItem, PlanSection, PlanStatus
from .services import add_item, settle_term
from .texts import MONTH_NAMES, ROMAN

SAMPLE = Path(__file__).resolve().parent / "data" / "plans_import_sample.csv"
_SPLIT = re.compile(r"\s*[;,]\s*")
_MONTH = re.compile(r"^(?P<name>[^\d\s]+)(\s+(?P<year>\d{4}))?(\s*г(ода?)?\.?)?$")
NO_BODY = _l("Нет такого органа в справочнике")
FORM_NAMES = {
    "доклад": "report",
    "информация": "information",
    "проект решения": "draft_decision",
    "мероприятие": "event",
}


def _open_plans() -> list[tuple[int, str]]:
    plans = db.session.scalars(
        select(Plan)
        .where(Plan.annulled_at.is_(None), Plan.status != PlanStatus.CLOSED.value)
        .order_by(Plan.period.desc())
    )
    return [(p.id, p.title) for p in plans]


def _open_plan(entry_id: int) -> Plan | None:
    return db.session.get(Plan, entry_id) if entry_id in {i for i, _t in _open_plans()} else None


FIELDS: tuple[Field, ...] = (
    Field(
        "plan",
        _l("План"),
        ("план", "план работы"),
        FieldType.REFERENCE,
        lookup="plans",
        unknown=_l("Нет такого плана: укажите его название или период («2026», «2026-1»)"),
        hint=_l("пусто — план по умолчанию"),
        default=DefaultChoice(
            _l("План по умолчанию"), _open_plans, _open_plan, _l("для строк без плана (обычно весь файл)")
        ),
    ),
    Field(
        "section",
        _l("Раздел плана"),
        ("раздел", "раздел плана"),
        FieldType.REFERENCE,
        lookup="sections",
        unknown=_l("Нет такого раздела плана: номер (I–V или 1–5) или название"),
        required=True,
    ),
    Field(
        "seq",
        _l("№ п/п"),
        ("номер п/п", "номер", "n п/п", "номер пункта", "п/п"),
        FieldType.INT,
        hint=_l("пусто — следующий"),
    ),
    Field(
        "title",
        _l("Вопрос (мероприятие)"),
        ("вопрос", "вопрос мероприятие", "наименование вопроса", "мероприятие", "содержание"),
        column=PlanItem.title,
        required=True,
    ),
    Field(
        "responsible_body",
        _l("Ответственный орган"),
        ("ответственный орган", "ответственный", "ответственные", "орган"),
        FieldType.REFERENCE,
        lookup="bodies",
        unknown=NO_BODY,
        required=True,
    ),
    Field(
        "responsible_person",
        _l("Ответственные лица"),
        ("ответственные лица", "ответственное лицо", "фио ответственного"),
        column=PlanItem.responsible_person,
    ),
    Field(
        "co_executors",
        _l("Соисполнители"),
        ("соисполнители", "соисполнитель"),
        hint=_l("несколько — через «;» или «,»"),
    ),
    Field("term", _l("Срок"), ("срок", "срок исполнения", "дата", "месяц"), required=True, hint=_l("дата или месяц")),
    Field(
        "form",
        _l("Форма"),
        ("форма", "форма рассмотрения"),
        FieldType.CHOICE,
        choices=FORM_NAMES,
        unknown=_l("Форма: доклад, информация, проект решения или мероприятие"),
    ),
)


def load_lookups() -> dict[str, Lookup]:
    """Plans, sections and bodies by every spelling a file may use."""
    plans, sections, bodies = Lookup(), Lookup(), Lookup()
    for plan in db.session.scalars(select(Plan).where(Plan.annulled_at.is_(None))):
        plans.add(plan, plan.title, plan.period)
    for section in db.session.scalars(select(PlanSection).where(PlanSection.is_active.is_(True))):
        number = section.sort_order
        names = [section.code, section.name, str(number)]
        if 1 <= number <= len(ROMAN):
            names.append(ROMAN[number - 1])
        sections.add(section, *names)
    for body in db.session.scalars(select(Body)):
        bodies.add(body, body.code, body.name, body.short_name)
    return {"plans": plans, "sections": sections, "bodies": bodies}


@dataclass
class ItemRow:
    """One good row, ready to be added to its plan."""

    number: int
    plan: Plan
    section: PlanSection
    seq: int | None
    title: str
    responsible_body: Body
    responsible_person: str | None
    co_executors: list[Body] = field(default_factory=list)
    planned_month: int | None = None
    planned_date: dt.date | None = None
    form: str | None = None


def _term(row: Row, plan: Plan) -> tuple[int | None, dt.date | None]:
    """The cell «Срок»: a date (ДД.ММ.ГГГГ) or a month by name (with the plan's year, if any)."""
    text = row.text("term")
    if not text:
        return None, None
    try:
        return None, parse_date(text.split(" ")[0])
    except ValueError:
        pass
    match = _MONTH.match(normalise(text))
    months = {normalise(str(name)): number for number, name in enumerate(MONTH_NAMES, start=1)}
    if match is None or match.group("name") not in months:
        row.refuse("term", gettext("Срок — дата ДД.ММ.ГГГГ или месяц («март», «март %(year)s»)", year=plan.year))
        return None, None
    if match.group("year") and int(match.group("year")) != plan.year:
        row.refuse("term", gettext("Год срока не совпадает с годом плана (%(year)s)", year=plan.year))
    return months[match.group("name")], None


def _co_executors(row: Row, ctx: ImportContext) -> list[Body]:
    found = []
    for name in _SPLIT.split(row.text("co_executors")):
        if not name:
            continue
        known, body = ctx.lookups["bodies"].find(name)
        if not known or body is None:
            row.refuse("co_executors", gettext("Нет такого органа в справочнике: «%(name)s»", name=name))
        else:
            found.append(body)
    return found


def _scope_problem(row: Row, body: Body, visibility: Any) -> None:
    """The platform's write guard, as for an item typed by hand: no responsible body outside the user's scope."""
    try:
        ensure_in_scope(PlanItem(responsible_body_id=body.id), visibility)
    except ForeignScopeError:
        row.refuse(
            "responsible_body",
            gettext("Орган «%(body)s» вне вашей области видимости: такой пункт загрузить нельзя", body=body.name),
        )


def _taken_numbers(ctx: ImportContext, plan: Plan, section: PlanSection) -> dict[int, str]:
    """Numbers of a plan's section held by its current items, with their questions (read once per section)."""
    taken = ctx.state.setdefault("taken", {})
    key = (plan.id, section.id)
    if key not in taken:
        taken[key] = dict(
            db.session.execute(
                select(PlanItem.seq, PlanItem.title).where(
                    PlanItem.plan_id == plan.id, PlanItem.section_id == section.id, PlanItem.annulled_at.is_(None)
                )
            ).all()
        )
    return taken[key]


def check_row(row: Row, ctx: ImportContext) -> ItemRow | None:
    """One row of the file as an item of a plan, or None with its refusals recorded on `row`."""
    plan = row.value("plan")
    if plan is None and not row.text("plan"):
        plan = row.default("plan")
        if plan is None:
            row.refuse("plan", gettext("Не указан план, и план по умолчанию не выбран"))
    if plan is not None and (plan.status == PlanStatus.CLOSED.value or plan.annulled_at is not None):
        row.refuse("plan", gettext("План «%(title)s» закрыт: загрузить в него нельзя", title=plan.title))
    section = row.value("section")
    if section is None and not row.text("section"):
        row.refuse("section", gettext("Не указан раздел плана"))
    title = row.value("title")
    if not title:
        row.refuse("title", gettext("Не заполнен вопрос (мероприятие)"))
    body = row.value("responsible_body")
    if body is None and not row.text("responsible_body"):
        row.refuse("responsible_body", gettext("Не указан ответственный орган"))
    elif body is not None and (not body.is_active or body.is_external):
        row.refuse("responsible_body", gettext("Ответственный орган — действующий орган администрации"))
    co_executors = _co_executors(row, ctx)
    seq = row.value("seq")
    if seq is not None and not 1 <= seq <= 9999:
        row.refuse("seq", gettext("Номер пункта — от 1 до 9999"))
    month, day = (None, None)
    if plan is not None:
        month, day = _term(row, plan)
        if month is None and day is None and not row.problems and not row.text("term"):
            row.refuse("term", gettext("Не указан срок"))
        if month is not None or day is not None:
            try:
                settle_term(PlanItem(planned_month=month, planned_date=day), plan)
            except DomainError as exc:
                row.refuse("term", str(exc))
    if body is not None:
        _scope_problem(row, body, ctx.visibility)
    if row.problems or plan is None or section is None or body is None or not title:
        return None
    if seq is not None:
        seen = ctx.state.setdefault("numbers", {})
        first = seen.setdefault((plan.id, section.id, seq), row.number)
        if first != row.number:
            row.refuse("seq", gettext("Номер повторяется в разделе (впервые — в строке %(row)s)", row=first))
            return None
        holder = _taken_numbers(ctx, plan, section).get(seq)
        # The same question under its number is a row loaded before (skipped), not a clash.
        if holder is not None and holder != title:
            row.refuse("seq", gettext("Пункт %(seq)s в этом разделе плана уже есть", seq=seq))
            return None
    return ItemRow(
        number=row.number,
        plan=plan,
        section=section,
        seq=seq,
        title=title,
        responsible_body=body,
        responsible_person=row.value("responsible_person"),
        co_executors=co_executors,
        planned_month=month,
        planned_date=day,
        form=row.value("form"),
    )


def find_existing(rows: Sequence[ItemRow], _ctx: ImportContext) -> list[bool]:
    """A row whose question is already in the same plan and section (a current item) is skipped."""
    plan_ids = sorted({row.plan.id for row in rows})
    stored = set(
        db.session.execute(
            select(PlanItem.plan_id, PlanItem.section_id, PlanItem.title).where(
                PlanItem.plan_id.in_(plan_ids), PlanItem.annulled_at.is_(None)
            )
        ).all()
    )
    return [(row.plan.id, row.section.id, row.title) in stored for row in rows]


def save_row(row: ItemRow, _ctx: ImportContext) -> PlanItem:
    """Add one row through the services; a number the file gives is kept."""
    item = add_item(
        row.plan,
        row.section,
        row.title,
        row.responsible_body,
        responsible_person=row.responsible_person,
        co_executors=row.co_executors,
        planned_month=row.planned_month,
        planned_date=row.planned_date,
        form=row.form,
    )
    if row.seq is not None:
        item.seq = row.seq
        item.position = item.section.sort_order * 100_000 + row.seq
    return item


PLANS_IMPORT = ImportSpec(
    name="plans",
    title=_l("Загрузка плана из файла"),
    fields=FIELDS,
    lookups=load_lookups,
    check_row=check_row,
    existing=find_existing,
    save_row=save_row,
    sample=SAMPLE,
    sample_name="Образец загрузки плана.csv",
    upload_hint=_l(
        "Таблица плана из Word, вставленная в Excel: раздел, № п/п, вопрос, ответственный, срок. "
        "Вопросы, которые уже есть в том же разделе плана, пропускаются."
    ),
    noun=_l("пунктов плана"),
    result_hint=_l("Пункты, которые уже были в плане (тот же раздел и вопрос), пропущены и не изменены."),
    list_endpoint="PlanView.list",
    list_label=_l("К планам работы"),
    # Plans hold no citizens' personal data: the first rows are shown on the mapping page to every user.
    personal_data=False,
)


class PlanImportView(ImportView):
    """«Загрузка плана из файла»: the coordinators of plans (and Admin)."""

    spec = PLANS_IMPORT
    route_base = "/plans/import"
    class_permission_name = "PlanImport"
