"""Instructions on control: deadlines from urgency, extensions by the author before the lead time,
execution reports, removal with a basis, overdue against local today (app/control/services.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from app.control.models import (
    ExtensionStatus,
    Instruction,
    InstructionStatus,
    ReportDecision,
    ReportKind,
    Urgency,
)
from app.control.services import (
    ExtensionTooLate,
    IllegalTransition,
    NotController,
    NotDeadlineAuthor,
    accept_report,
    cancel_instruction,
    decide_extension,
    default_deadline,
    is_on_time,
    last_request_day,
    remove_from_control,
    request_extension,
    return_report,
    submit_report,
)
from app.core.calendar.models import DeadlineRule
from app.core.errors import ValidationFailed
from app.extensions import db
from tests.control.conftest import D, new_instruction, user

# ---- deadlines from urgency -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("urgency", "issued_on", "due"),
    [
        # 30 calendar days; 02.04.2025 is a Wednesday.
        (Urgency.NONE, D(2025, 3, 3), D(2025, 4, 2)),
        # 30 calendar days end on Sunday 03.05.2025 (and 1–4 May are days off): the preceding working day, 30.04.
        (Urgency.NONE, D(2025, 4, 3), D(2025, 4, 30)),
        # 10 working days from Monday 03.03.2025: 8 March (Saturday) is no extra day off → Monday 17.03.
        (Urgency.PROMPT, D(2025, 3, 3), D(2025, 3, 17)),
        # 3 working days from Tuesday 30.12.2025 skip the New Year holidays (31.12 is a day off in 2025,
        # 1–11 January are days off in 2026): 12, 13, 14 January.
        (Urgency.URGENT, D(2025, 12, 30), D(2026, 1, 14)),
        # 3 working days from Thursday 06.03.2025: 7, 10, 11 March.
        (Urgency.URGENT, D(2025, 3, 6), D(2025, 3, 11)),
    ],
)
def test_the_default_deadline_follows_the_urgency_rule(app_ctx, urgency, issued_on, due):
    assert default_deadline(urgency, issued_on) == due


def test_a_new_instruction_without_a_deadline_gets_its_urgencys_and_keeps_it_as_the_original(app):
    with app.app_context():
        instruction = new_instruction(app, urgency=Urgency.PROMPT, deadline=None, issued_on=D(2025, 3, 3))
        assert (instruction.deadline, instruction.deadline_original, instruction.control_date) == (
            D(2025, 3, 17),
            D(2025, 3, 17),
            D(2025, 3, 17),
        )
        assert instruction.status == InstructionStatus.ON_CONTROL
        assert instruction.reg_number == "Пор-2025-00001"


def test_the_deadline_rule_is_data_an_admin_may_change(app):
    with app.app_context():
        db.session.scalar(select(DeadlineRule).where(DeadlineRule.code == "instruction_urgent")).amount = 5
        db.session.flush()
        # 5 working days from Monday 03.03.2025 (the cache of rules is dropped at the flush).
        assert default_deadline(Urgency.URGENT, D(2025, 3, 3)) == D(2025, 3, 10)


def test_registration_needs_a_text_an_author_and_a_controller(app):
    with app.app_context():
        with pytest.raises(ValidationFailed) as no_text:
            new_instruction(app, text="  ")
        assert no_text.value.field == "text"
        with pytest.raises(ValidationFailed) as no_author:
            new_instruction(app, issued_by=None)
        assert no_author.value.field == "issued_by"
        db.session.rollback()
        # An author without an account (the Head) is named instead.
        head = new_instruction(app, issued_by=None, issued_by_name="Глава города")
        assert head.author_text == "Глава города"
        with pytest.raises(ValidationFailed) as no_controller:
            new_instruction(app, controller=None)
        assert no_controller.value.field == "controller"


def test_the_control_date_may_not_come_after_the_deadline(app):
    with app.app_context():
        with pytest.raises(ValidationFailed) as refused:
            new_instruction(app, deadline=D(2025, 4, 15), control_date=D(2025, 4, 16))
        assert refused.value.field == "control_date"


# ---- extensions ---------------------------------------------------------------------------------------


def test_the_last_day_to_ask_for_an_extension_is_three_working_days_before_the_deadline(app):
    with app.app_context():
        # Deadline Tuesday 15.04.2025: back 3 working days → Thursday 10.04.
        instruction = new_instruction(app, deadline=D(2025, 4, 15))
        assert last_request_day(instruction) == D(2025, 4, 10)
        # Over a holiday: deadline Tuesday 13.05.2025; 9–11 May are days off → 06.05 (7, 8, 12 counted back).
        holiday = new_instruction(app, deadline=D(2025, 5, 13))
        assert last_request_day(holiday) == D(2025, 5, 6)


def test_an_extension_asked_later_than_the_lead_time_is_refused_with_the_reason(app):
    with app.app_context():
        instruction = new_instruction(app, deadline=D(2025, 4, 15))
        clerk = user(app, "udkh")
        with pytest.raises(ExtensionTooLate) as late:
            request_extension(instruction, D(2025, 4, 30), "Подрядчик не успевает", clerk, requested_on=D(2025, 4, 11))
        assert str(late.value) == (
            "Продление запрашивается не позднее чем за 3 раб. дн. до срока исполнения (15.04.2025): "
            "последний день для запроса — 10.04.2025"
        )
        # Refused before anything changed; on the last day it is accepted.
        assert instruction.status == InstructionStatus.ON_CONTROL and instruction.extensions == []
        extension = request_extension(
            instruction, D(2025, 4, 30), "Подрядчик не успевает", clerk, requested_on=D(2025, 4, 10)
        )
        assert (extension.old_deadline, extension.status) == (D(2025, 4, 15), ExtensionStatus.REQUESTED)
        assert instruction.status == InstructionStatus.EXTENSION_REQUESTED


def test_the_lead_time_is_a_rule_of_the_table(app):
    with app.app_context():
        db.session.scalar(select(DeadlineRule).where(DeadlineRule.code == "instruction_extension_lead")).amount = 5
        db.session.flush()
        instruction = new_instruction(app, deadline=D(2025, 4, 15))
        assert last_request_day(instruction) == D(2025, 4, 8)


def test_only_the_author_of_the_deadline_decides_and_the_original_stays(app):
    with app.app_context():
        instruction = new_instruction(app, deadline=D(2025, 4, 15))
        extension = request_extension(
            instruction, D(2025, 4, 30), "Погода", user(app, "udkh"), requested_on=D(2025, 4, 1)
        )
        for stranger in ("control", "supervisor", "udkh"):
            with pytest.raises(NotDeadlineAuthor) as refused:
                decide_extension(extension, True, user(app, stranger), decided_on=D(2025, 4, 2))
            assert refused.value.status == 403
            assert "Сергей Кузнецов" in str(refused.value)
        decide_extension(extension, True, user(app, "deputy"), decided_on=D(2025, 4, 2))
        assert (instruction.deadline, instruction.deadline_original, instruction.control_date) == (
            D(2025, 4, 30),
            D(2025, 4, 15),
            D(2025, 4, 30),
        )
        assert (extension.status, extension.approved_deadline) == (ExtensionStatus.APPROVED, D(2025, 4, 30))
        assert instruction.status == InstructionStatus.ON_CONTROL


def test_the_control_officer_records_the_heads_decision_with_its_basis(app):
    with app.app_context():
        instruction = new_instruction(app, issued_by=None, issued_by_name="Глава города", is_head_instruction=True)
        extension = request_extension(
            instruction, D(2025, 5, 15), "Погода", user(app, "udkh"), requested_on=D(2025, 4, 1)
        )
        # A deputy head is not the author; the officer must name the basis.
        with pytest.raises(NotDeadlineAuthor):
            decide_extension(extension, True, user(app, "deputy"), decided_on=D(2025, 4, 2))
        with pytest.raises(ValidationFailed) as no_basis:
            decide_extension(extension, True, user(app, "control"), decided_on=D(2025, 4, 2))
        assert no_basis.value.field == "basis"
        decide_extension(
            extension, True, user(app, "control"), decided_on=D(2025, 4, 2), basis="Резолюция Главы от 02.04.2025 № 15"
        )
        assert (instruction.deadline, extension.decision_basis) == (
            D(2025, 5, 15),
            "Резолюция Главы от 02.04.2025 № 15",
        )
        assert extension.decided_by.username == "control"


def test_a_rejection_needs_its_reason_and_keeps_the_deadline(app):
    with app.app_context():
        instruction = new_instruction(app, deadline=D(2025, 4, 15))
        extension = request_extension(
            instruction, D(2025, 4, 30), "Погода", user(app, "udkh"), requested_on=D(2025, 4, 1)
        )
        with pytest.raises(ValidationFailed) as no_reason:
            decide_extension(extension, False, user(app, "deputy"), decided_on=D(2025, 4, 2))
        assert no_reason.value.field == "comment"
        decide_extension(extension, False, user(app, "deputy"), decided_on=D(2025, 4, 2), comment="Срок достаточен")
        assert (instruction.deadline, extension.status) == (D(2025, 4, 15), ExtensionStatus.REJECTED)
        # Every request is kept: a second one is a new row.
        again = request_extension(instruction, D(2025, 4, 20), "Ещё раз", user(app, "udkh"), requested_on=D(2025, 4, 3))
        assert [e.id for e in instruction.extensions] == [extension.id, again.id]


def test_a_second_request_while_one_waits_is_refused(app):
    with app.app_context():
        instruction = new_instruction(app, deadline=D(2025, 4, 15))
        request_extension(instruction, D(2025, 4, 30), "Погода", user(app, "udkh"), requested_on=D(2025, 4, 1))
        with pytest.raises(IllegalTransition):
            request_extension(instruction, D(2025, 5, 30), "Ещё", user(app, "udkh"), requested_on=D(2025, 4, 1))


# ---- reports and removal ------------------------------------------------------------------------------


def test_the_controller_accepts_a_final_report_and_the_instruction_is_removed_on_time(app):
    with app.app_context():
        instruction = new_instruction(app, deadline=D(2025, 4, 15))
        report = submit_report(instruction, "Дорога отремонтирована", user(app, "udkh"), submitted_on=D(2025, 4, 14))
        assert instruction.status == InstructionStatus.REPORT_SUBMITTED
        with pytest.raises(NotController):
            accept_report(report, user(app, "deputy"), D(2025, 4, 15))
        accept_report(report, user(app, "control"), D(2025, 4, 15))
        assert (instruction.status, instruction.removed_on, instruction.result) == (
            InstructionStatus.REMOVED,
            D(2025, 4, 15),
            "Дорога отремонтирована",
        )
        assert instruction.removal_basis == "Отчёт об исполнении от 14.04.2025"
        assert (report.decision, is_on_time(instruction)) == (ReportDecision.ACCEPTED, True)


def test_an_interim_report_does_not_remove_from_control(app):
    with app.app_context():
        instruction = new_instruction(app)
        report = submit_report(
            instruction, "Работы начаты", user(app, "udkh"), kind=ReportKind.INTERIM, submitted_on=D(2025, 3, 20)
        )
        accept_report(report, user(app, "control"), D(2025, 3, 21))
        assert (instruction.status, instruction.removed_on) == (InstructionStatus.ON_CONTROL, None)


def test_a_returned_report_needs_a_comment_and_keeps_the_instruction_on_control(app):
    with app.app_context():
        instruction = new_instruction(app)
        report = submit_report(instruction, "Сделано", user(app, "udkh"), submitted_on=D(2025, 3, 20))
        with pytest.raises(ValidationFailed) as silent:
            return_report(report, user(app, "control"), "", D(2025, 3, 21))
        assert silent.value.field == "comment"
        return_report(report, user(app, "control"), "Приложите акт приёмки", D(2025, 3, 21))
        assert (instruction.status, report.decision, report.comment) == (
            InstructionStatus.ON_CONTROL,
            ReportDecision.RETURNED,
            "Приложите акт приёмки",
        )


def test_removal_from_control_needs_a_basis(app):
    with app.app_context():
        instruction = new_instruction(app)
        with pytest.raises(ValidationFailed) as no_basis:
            remove_from_control(instruction, D(2025, 4, 20), "   ", user(app, "control"))
        assert no_basis.value.field == "basis"
        remove_from_control(instruction, D(2025, 4, 20), "Исх-2025-00117 от 18.04.2025", user(app, "control"))
        assert instruction.status == InstructionStatus.REMOVED
        assert instruction.removed_by.username == "control"
        # After its deadline (15.04): late against the current deadline.
        assert is_on_time(instruction) is False


def test_removed_after_an_extension_is_on_time_against_the_current_deadline_only(app):
    with app.app_context():
        instruction = new_instruction(app, deadline=D(2025, 4, 15))
        extension = request_extension(
            instruction, D(2025, 4, 30), "Погода", user(app, "udkh"), requested_on=D(2025, 4, 1)
        )
        decide_extension(extension, True, user(app, "deputy"), decided_on=D(2025, 4, 2))
        remove_from_control(instruction, D(2025, 4, 25), "Акт от 25.04.2025", user(app, "control"))
        assert (is_on_time(instruction), is_on_time(instruction, against_original=True)) == (True, False)


def test_a_closed_instruction_takes_no_more_actions(app):
    with app.app_context():
        instruction = new_instruction(app)
        cancel_instruction(instruction, D(2025, 3, 10), "Утратило актуальность: распоряжение № 5", user(app, "control"))
        assert instruction.status == InstructionStatus.CANCELLED
        with pytest.raises(IllegalTransition) as refused:
            submit_report(instruction, "Поздно", user(app, "udkh"), submitted_on=D(2025, 3, 11))
        assert str(refused.value) == "Действие «Отчитаться об исполнении» недоступно для поручения в статусе «Отменено»"


# ---- overdue is derived from local today ---------------------------------------------------------------


def test_overdue_follows_the_local_today_and_is_never_stored(app, monkeypatch):
    from app.core import dates

    class FrozenDatetime(dt.datetime):
        @classmethod
        def now(cls, tz=None):
            # 18:00 UTC on 1 March 2026 is 01:00 on 2 March in Novokuznetsk.
            return dt.datetime(2026, 3, 1, 18, 0, tzinfo=dt.UTC).astimezone(tz)

    with app.app_context():
        due_yesterday = new_instruction(app, reg_date=D(2026, 2, 2), issued_on=D(2026, 2, 2), deadline=D(2026, 3, 1))
        due_today = new_instruction(app, reg_date=D(2026, 2, 2), issued_on=D(2026, 2, 2), deadline=D(2026, 3, 2))
        db.session.commit()
        ids = due_yesterday.id, due_today.id
    monkeypatch.setattr(dates.dt, "datetime", FrozenDatetime)
    with app.app_context():
        today = dates.local_today()
        assert today == D(2026, 3, 2)
        first, second = (db.session.get(Instruction, pk) for pk in ids)
        assert (first.is_overdue(today), second.is_overdue(today)) == (True, False)
        assert first.status == InstructionStatus.ON_CONTROL  # nothing is written when it becomes overdue
    from app.core.presets import preset_context

    with app.test_request_context():
        from app.control.views import INSTRUCTION_PRESETS

        overdue = next(p for p in INSTRUCTION_PRESETS if p.key == "overdue")
        rows = set(db.session.scalars(select(Instruction.id).where(overdue.where(preset_context()))))
        assert rows == {ids[0]}


def test_a_long_document_register_is_looked_up_by_number_or_summary_on_the_instruction_form(app, login, monkeypatch):
    monkeypatch.setattr("app.core.related.SMALL_TABLE", 1)
    monkeypatch.setattr("app.core.related._SIZES", {})
    with app.app_context():
        from tests.control.conftest import new_document

        roads = new_document(summary="О ремонте дорог").reg_number
        waste = new_document(summary="О вывозе мусора").reg_number
        db.session.commit()
    client = login("control")
    by_number = client.get(f"/instructionview/related/document?form=add&q={roads.lower()}").json["result"]
    by_summary = client.get("/instructionview/related/document?form=add&q=мусор").json["result"]
    assert [row["text"] for row in by_number] == [f"{roads} от 03.03.2025"]
    assert [row["text"] for row in by_summary] == [f"{waste} от 03.03.2025"]
