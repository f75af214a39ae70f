"""Demo control data: letters and the instructions put on control from them over the last ten months
(development only; ≤ 500 records — volume belongs in the benchmark data).

Everything goes through the services, so numbers, deadlines, extensions and removals are what the real
workflow would have produced: some removed on time, some late, some extended, some open and overdue.
Same seed and same "today" → same data.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from flask import current_app
from sqlalchemy import select

from ..core.calendar import add_working_days
from ..core.dates import local_today
from ..extensions import db
from ..org.services import body_by_code
from .models import Correspondent, CorrespondentKind, Direction, Instruction, Urgency
from .reference import kind_by_code
from .services import (
    accept_report,
    add_resolution,
    assign_executor,
    decide_extension,
    last_request_day,
    put_on_control,
    register_document,
    remove_from_control,
    request_extension,
    submit_report,
)

#: Who writes to the administration (kind, name).
CORRESPONDENTS = (
    (CorrespondentKind.HIGHER_BODY, "Правительство Кузбасса"),
    (CorrespondentKind.HIGHER_BODY, "Министерство жилищно-коммунального и дорожного комплекса Кузбасса"),
    (CorrespondentKind.PROSECUTOR, "Прокуратура г. Новокузнецка"),
    (CorrespondentKind.COURT, "Центральный районный суд г. Новокузнецка"),
    (CorrespondentKind.DEPUTY, "Новокузнецкий городской Совет народных депутатов"),
    (CorrespondentKind.ORGANISATION, "ООО «Водоканал»"),
    (CorrespondentKind.ORGANISATION, "АО «Новокузнецкая теплосетевая компания»"),
    (CorrespondentKind.MEDIA, "Газета «Новокузнецк»"),
)

#: (letter kind, summary, instruction text, responsible body, co-executing bodies).
MATTERS = (
    (
        "higher_instruction",
        "О подготовке к отопительному сезону",
        "Представить план подготовки жилищного фонда к отопительному сезону",
        "udkh",
        ("uzhil",),
    ),
    ("request", "О состоянии дорог после паводка", "Подготовить сведения о ремонте дорог", "udkh", ()),
    ("letter", "О переселении из аварийного жилья", "Представить график переселения граждан", "uzhil", ("kumi",)),
    ("court", "Представление об устранении нарушений", "Рассмотреть представление и принять меры", "kumi", ()),
    ("letter", "О проведении Дня города", "Подготовить программу праздничных мероприятий", "culture", ("sport",)),
    ("request", "О работе общественного транспорта", "Подготовить информацию о маршрутной сети", "transport", ()),
    (
        "letter",
        "О благоустройстве дворовых территорий",
        "Согласовать перечень дворов на благоустройство",
        "district-zavodskoy",
        ("udkh",),
    ),
    ("complaint", "О вывозе мусора в частном секторе", "Организовать вывоз мусора", "district-central", ()),
)

#: Deputies' instructions are decided by the deputy; the Head's (no account) are recorded by the officer.
HEAD = "Глава города"


def load_demo_control(count: int = 120, seed: int = 2026) -> int:
    """Register demo letters with their resolutions and instructions; nothing once any instruction exists.

    Returns the number of instructions created. Each comes with its letter and resolution, and some with
    an extension and a report: about 3.8 × count rows, within the demo's 500 records for the default.
    """
    if db.session.scalar(select(Instruction.id).limit(1)) is not None:
        return 0
    sm = current_app.appbuilder.sm
    officer, deputy, udkh = (sm.find_user(username=name) for name in ("control", "deputy", "udkh"))
    if officer is None:
        return 0
    rng = random.Random(seed)
    today = local_today()
    start = today - dt.timedelta(days=300)
    senders = [Correspondent(kind=kind.value, name=name) for kind, name in CORRESPONDENTS]
    db.session.add_all(senders)
    db.session.flush()
    dates = sorted(start + dt.timedelta(days=rng.randint(0, 290)) for _ in range(count))
    created = 0
    for number, reg_date in enumerate(dates, start=1):
        kind, summary, text, body, co_executors = rng.choice(MATTERS)
        document = register_document(
            direction=Direction.INCOMING,
            kind=kind_by_code(kind),
            registering_body=body_by_code("docs"),
            addressee_body=body_by_code(body),
            correspondent=rng.choice(senders),
            corr_number=f"{rng.randint(1, 9)}-{number:04d}",
            corr_date=reg_date - dt.timedelta(days=rng.randint(1, 5)),
            summary=summary,
            pages=rng.randint(1, 12),
            reg_date=reg_date,
        )
        by_deputy = rng.random() < 0.5
        resolution = add_resolution(
            document,
            text,
            reg_date,
            author=deputy if by_deputy else None,
            author_name=None if by_deputy else HEAD,
        )
        instruction = put_on_control(
            text=text,
            responsible_body=body_by_code(body),
            co_executors=[body_by_code(code) for code in co_executors],
            controller=officer,
            issued_by=deputy if by_deputy else None,
            issued_by_name=None if by_deputy else HEAD,
            is_head_instruction=not by_deputy,
            document=document,
            resolution=resolution,
            issued_on=reg_date,
            reg_date=reg_date,
            urgency=rng.choices(list(Urgency), weights=(6, 3, 1))[0],
        )
        if body == "udkh" and udkh is not None:
            assign_executor(instruction, udkh)
        _work(instruction, rng, today, officer)
        created += 1
    db.session.flush()
    return created


def _work(instruction: Instruction, rng: random.Random, today: dt.date, officer: Any) -> None:
    """What happened to the instruction by today: an extension, a report, removal on time or late."""
    executor = instruction.executor or officer
    author = instruction.issued_by or officer
    if rng.random() < 0.2:
        asked = max(instruction.reg_date, last_request_day(instruction) - dt.timedelta(days=rng.randint(0, 3)))
        if asked <= today and asked <= last_request_day(instruction):
            extension = request_extension(
                instruction,
                add_working_days(instruction.deadline, 10),
                "Требуется согласование с ресурсоснабжающими организациями",
                executor,
                requested_on=asked,
            )
            decided = min(today, asked + dt.timedelta(days=1))
            decide_extension(
                extension,
                rng.random() < 0.8,
                author,
                decided_on=decided,
                comment="Оснований для продления нет",
                basis=None if instruction.issued_by else f"Резолюция Главы города от {decided:%d.%m.%Y}",
            )
    fate = rng.random()
    if fate < 0.12:
        return  # still open: overdue once its deadline has passed
    if fate < 0.27:
        done = instruction.deadline + dt.timedelta(days=rng.randint(1, 12))  # removed late
    else:
        done = instruction.deadline - dt.timedelta(days=rng.randint(0, 6))  # removed on time
    done = max(done, instruction.reg_date)
    if done > today:
        return  # not due yet: on control
    if rng.random() < 0.6:
        report = submit_report(instruction, "Поручение исполнено, информация направлена", executor, submitted_on=done)
        accept_report(report, officer, decided_on=done)
    else:
        remove_from_control(
            instruction, done, f"Исполнено: ответ от {done:%d.%m.%Y}", officer, result="Информация направлена"
        )
