"""Demo control data: every outcome the lists and reports show, registered through the services."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select

from app.control.demo import load_demo_control
from app.control.models import Document, ExecutionReport, Extension, Instruction, Resolution
from app.core.dates import local_today
from app.extensions import db


def test_demo_control_has_overdue_extended_and_late_instructions_within_the_budget(app_ctx):
    created = load_demo_control()
    instructions = db.session.scalars(select(Instruction)).all()
    assert created == len(instructions) == 120
    today = local_today()
    statuses = Counter(i.status for i in instructions)
    assert set(statuses) <= {"on_control", "removed", "extension_requested", "report_submitted"}
    assert any(i.removed_on is None and i.deadline < today for i in instructions), "some are overdue"
    assert any(i.removed_on is not None and i.removed_on > i.deadline for i in instructions), "some removed late"
    assert any(i.removed_on is not None and i.removed_on <= i.deadline for i in instructions), "some on time"
    assert any(i.deadline != i.deadline_original for i in instructions), "some extended"
    assert any(i.issued_by is None and i.issued_by_name == "Глава города" for i in instructions)
    assert any(i.co_executors for i in instructions)
    assert len({i.reg_number for i in instructions}) == len(instructions)
    rows = sum(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Document, Resolution, Instruction, Extension, ExecutionReport)
    )
    assert rows <= 500


def test_demo_control_is_loaded_once(app_ctx):
    load_demo_control(count=10)
    assert load_demo_control(count=10) == 0
    assert db.session.scalar(select(func.count(Instruction.id))) == 10
