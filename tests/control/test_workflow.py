"""The control workflow through the screens: an incoming letter is registered and two instructions put on
control; the executor asks for an extension, the deputy head approves it, the executor reports, the officer
accepts and the instruction is removed from control. Every refusal is beside its field; nothing half-saved."""

from __future__ import annotations

import datetime as dt

from flask import Flask
from sqlalchemy import select

from app.control.models import (
    Correspondent,
    Document,
    ExtensionStatus,
    Instruction,
    InstructionStatus,
)
from app.control.reference import kind_by_code
from app.core.calendar import add_working_days
from app.core.dates import format_date, local_today
from app.extensions import db
from app.org.services import body_by_code
from tests.control.conftest import correspondent, new_instruction, user


def _ids(app: Flask) -> dict[str, int]:
    with app.app_context():
        ids = {
            "letter": kind_by_code("letter").id,
            "docs": body_by_code("docs").id,
            "udkh": body_by_code("udkh").id,
            "culture": body_by_code("culture").id,
            "gov": correspondent().id,
            "deputy": user(app, "deputy").id,
            "control": user(app, "control").id,
        }
        db.session.commit()
        return ids


def _register_letter(client, ids: dict[str, int]) -> None:
    response = client.post(
        "/documentview/add",
        data={
            "direction": "incoming",
            "kind": ids["letter"],
            "registering_body": ids["docs"],
            "addressee_body": ids["udkh"],
            "correspondent": ids["gov"],
            "corr_number": "01-12/345",
            "corr_date": "27.02.2025",
            "summary": "О подготовке дорог к весне",
            "delivery": "medo",
        },
    )
    assert response.status_code == 302, response.text[-2000:]


def _put_on_control(client, ids: dict[str, int], document: int, body: str, **extra: str) -> int:
    data = {
        "source_kind": "higher_body_letter",
        "source_note": "письмо № 01-12/345 от 27.02.2025",
        "document": document,
        "text": f"Подготовить информацию ({body})",
        "issued_by": ids["deputy"],
        "issued_on": format_date(local_today()),
        "responsible_body": ids[body],
        "controller": ids["control"],
        "urgency": "none",
        **extra,
    }
    response = client.post("/instructionview/add", data=data)
    assert response.status_code == 302, response.text[-3000:]
    return int(response.headers["Location"].rstrip("/").split("/")[-1]) if "show" in response.headers["Location"] else 0


def test_the_officer_registers_a_letter_and_puts_two_instructions_on_control(app, login):
    ids = _ids(app)
    officer = login("control")
    _register_letter(officer, ids)
    with app.app_context():
        document = db.session.scalar(select(Document))
        assert document.reg_number == f"Вх-{local_today().year}-00001"
        assert document.reg_date == local_today()
        assert document.correspondent.name == "Правительство Кузбасса"
        document_id = document.id
    _put_on_control(officer, ids, document_id, "udkh")
    # The second: to culture, with УДКХиБ co-executing, «срочно» and no deadline typed.
    _put_on_control(officer, ids, document_id, "culture", urgency="urgent", co_executors=str(ids["udkh"]))
    with app.app_context():
        first, second = db.session.scalars(select(Instruction).order_by(Instruction.id)).all()
        year = local_today().year
        assert (first.reg_number, second.reg_number) == (f"Пор-{year}-00001", f"Пор-{year}-00002")
        # No deadline typed: 30 calendar days (previous working day) / 3 working days, by the rules table.
        from app.control.services import default_deadline

        assert first.deadline == default_deadline("none", local_today())
        assert second.deadline == add_working_days(local_today(), 3)
        assert second.deadline_original == second.deadline
        assert [b.code for b in second.co_executors] == ["udkh"]
        assert (first.document_id, first.source_kind, first.status) == (document_id, "higher_body_letter", "on_control")
    # The document's card lists both; the instruction's card names its source with a link to the letter.
    card = officer.get(f"/documentview/show/{document_id}").text
    assert f"Пор-{year}-00001" in card and f"Пор-{year}-00002" in card
    instruction_card = officer.get(f"/instructionview/show/{first.id}").text
    assert (
        f'<a href="/documentview/show/{document_id}">Письмо вышестоящего органа — Вх-{year}-00001 от '
        in instruction_card
    )


def test_a_form_refusal_is_beside_its_field_and_nothing_is_saved(app, login):
    ids = _ids(app)
    officer = login("control")
    response = officer.post(
        "/instructionview/add",
        data={
            "source_kind": "meeting_protocol",
            "text": "Без автора",
            "issued_on": "03.03.2025",
            "responsible_body": ids["udkh"],
            "controller": ids["control"],
            "urgency": "none",
        },
    )
    assert response.status_code == 200
    assert "Укажите автора поручения" in response.text
    with app.app_context():
        assert db.session.scalar(select(Instruction)) is None


def _instruction(app: Flask, deadline_days: int = 60) -> int:
    with app.app_context():
        today = local_today()
        instruction = new_instruction(
            app, reg_date=today, issued_on=today, deadline=today + dt.timedelta(days=deadline_days)
        )
        db.session.commit()
        return instruction.id


def _version(app: Flask, pk: int) -> int:
    with app.app_context():
        return db.session.get(Instruction, pk).version


def test_extension_by_the_executor_decided_by_the_deputy_then_report_accepted_and_removed(app, login):
    pk = _instruction(app)
    today = local_today()
    new_deadline = today + dt.timedelta(days=90)
    executor, deputy, officer = login("udkh"), login("deputy"), login("control")

    # The card offers the executor his actions, not the officer's.
    card = executor.get(f"/instructionview/show/{pk}").text
    assert "Запросить продление срока" in card and "Снять с контроля" not in card

    response = executor.post(
        f"/control/execution/extension/{pk}",
        data={
            "version": _version(app, pk),
            "new_deadline": format_date(new_deadline),
            "reason": "Подрядчик не успевает",
        },
    )
    assert response.status_code == 302, response.text[-2000:]
    # The officer is not the author of the deadline: no decision button, and the form refuses him.
    assert "Решение по продлению срока" not in officer.get(f"/instructionview/show/{pk}").text
    refused = officer.post(
        f"/control/extension/decide/{pk}",
        data={"version": _version(app, pk), "decision": "approve", "decided_on": format_date(today)},
    )
    assert refused.status_code == 200 and "Решение о продлении принимает только автор срока" in refused.text
    assert "Решение по продлению срока" in deputy.get(f"/instructionview/show/{pk}").text
    approved = deputy.post(
        f"/control/extension/decide/{pk}",
        data={
            "version": _version(app, pk),
            "decision": "approve",
            "new_deadline": format_date(new_deadline),
            "decided_on": format_date(today),
        },
    )
    assert approved.status_code == 302, approved.text[-2000:]
    with app.app_context():
        instruction = db.session.get(Instruction, pk)
        assert (instruction.deadline, instruction.deadline_original) == (new_deadline, today + dt.timedelta(days=60))
        assert instruction.extensions[0].status == ExtensionStatus.APPROVED

    reported = executor.post(
        f"/control/execution/report/{pk}",
        data={"version": _version(app, pk), "kind": "final", "text": "Информация направлена"},
    )
    assert reported.status_code == 302
    accepted = officer.post(
        f"/control/actions/review/{pk}",
        data={"version": _version(app, pk), "decision": "accept", "decided_on": format_date(today)},
    )
    assert accepted.status_code == 302, accepted.text[-2000:]
    with app.app_context():
        instruction = db.session.get(Instruction, pk)
        assert (instruction.status, instruction.removed_on) == (InstructionStatus.REMOVED, today)
        assert instruction.removed_by.username == "control"
    # Closed: the card offers nobody anything.
    assert "Отчитаться об исполнении" not in executor.get(f"/instructionview/show/{pk}").text


def test_removal_without_a_basis_is_refused_beside_the_field(app, login):
    pk = _instruction(app)
    officer = login("control")
    response = officer.post(
        f"/control/actions/remove/{pk}",
        data={"version": _version(app, pk), "removed_on": format_date(local_today()), "basis": "  "},
    )
    assert response.status_code == 200
    assert "Заполните это поле" in response.text or "Укажите основание снятия" in response.text
    with app.app_context():
        assert db.session.get(Instruction, pk).status == InstructionStatus.ON_CONTROL


def test_a_stale_action_form_is_refused_and_changes_nothing(app, login):
    pk = _instruction(app)
    stale = _version(app, pk)
    executor = login("udkh")
    assert (
        executor.post(
            f"/control/execution/report/{pk}", data={"version": stale, "kind": "interim", "text": "Начато"}
        ).status_code
        == 302
    )
    again = executor.post(f"/control/execution/report/{pk}", data={"version": stale, "kind": "final", "text": "Готово"})
    assert again.status_code == 200 and "изменена другим пользователем" in again.text
    with app.app_context():
        assert len(db.session.get(Instruction, pk).reports) == 1


def test_the_reader_roles_get_no_action_doors(app, login):
    pk = _instruction(app)
    for username in ("supervisor",):
        client = login(username)
        assert client.get(f"/instructionview/show/{pk}").status_code == 200
        for url in (
            f"/control/execution/report/{pk}",
            f"/control/actions/remove/{pk}",
            f"/control/extension/decide/{pk}",
        ):
            assert client.post(url, data={"version": 1}).status_code == 403
    # The deputy decides extensions but neither removes nor reports.
    deputy = login("deputy")
    assert deputy.post(f"/control/actions/remove/{pk}", data={"version": 1}).status_code == 403
    assert deputy.post(f"/control/execution/report/{pk}", data={"version": 1}).status_code == 403
    with app.app_context():
        assert db.session.scalar(select(Correspondent).where(Correspondent.name == "x")) is None
