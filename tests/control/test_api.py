"""The REST API of control: registration by POST (numbers, terms from the rules), the workflow endpoints
under their own rights, the R-C1 figures as JSON, scope and refusals as 4xx with Russian messages."""

from __future__ import annotations

import datetime as dt

from flask import Flask

from app.control.models import Document, ExtensionStatus, Instruction, InstructionStatus
from app.control.reference import kind_by_code
from app.core.dates import local_today
from app.extensions import db
from app.org.services import body_by_code
from tests.control.conftest import D, correspondent, new_instruction, user


def _csrf(client) -> dict[str, str]:
    """Tests run with CSRF off (config.TestingConfig): the header the API wants of a cookie write is moot here."""
    return {}


def _ids(app: Flask) -> dict[str, int]:
    with app.app_context():
        ids = {
            "letter": kind_by_code("letter").id,
            "docs": body_by_code("docs").id,
            "udkh": body_by_code("udkh").id,
            "gov": correspondent().id,
            "deputy": user(app, "deputy").id,
            "control": user(app, "control").id,
        }
        db.session.commit()
        return ids


def test_a_document_and_an_instruction_registered_by_post_get_numbers_and_terms(app, login):
    ids = _ids(app)
    officer = login("control")
    headers = _csrf(officer)
    document = officer.post(
        "/api/v1/document/",
        json={
            "direction": "outgoing",
            "kind": ids["letter"],
            "registering_body": ids["docs"],
            "correspondent": ids["gov"],
            "summary": "Ответ на запрос о дорогах",
        },
        headers=headers,
    )
    assert document.status_code == 201, document.text
    with app.app_context():
        stored = db.session.get(Document, document.json["id"])
        assert stored.reg_number == f"Исх-{local_today().year}-00001"
    instruction = officer.post(
        "/api/v1/instruction/",
        json={
            "source_kind": "meeting_protocol",
            "source_note": "Протокол совещания от 03.03.2025 № 7",
            "text": "Провести обследование дорог",
            "issued_by": ids["deputy"],
            "issued_on": "2025-03-03",
            "responsible_body": ids["udkh"],
            "controller": ids["control"],
            "urgency": "prompt",
        },
        headers=headers,
    )
    assert instruction.status_code == 201, instruction.text
    shown = officer.get(f"/api/v1/instruction/{instruction.json['id']}").json["result"]
    # 10 working days from 03.03.2025.
    assert (shown["deadline"], shown["deadline_original"], shown["status"]) == (
        "2025-03-17",
        "2025-03-17",
        "on_control",
    )


def test_the_rest_edit_never_moves_the_deadline(app, login):
    with app.app_context():
        pk = new_instruction(app).id
        db.session.commit()
    officer = login("control")
    response = officer.put(
        f"/api/v1/instruction/{pk}", json={"deadline": "2025-06-01", "version": 1}, headers=_csrf(officer)
    )
    # The deadline is not an edit column: the payload is refused, nothing moves.
    assert response.status_code in (400, 422)
    with app.app_context():
        assert db.session.get(Instruction, pk).deadline == D(2025, 4, 15)


def test_the_workflow_endpoints_each_need_their_right_and_the_rules_hold(app, login):
    today = local_today()
    with app.app_context():
        pk = new_instruction(app, reg_date=today, issued_on=today, deadline=today + dt.timedelta(days=60)).id
        db.session.commit()
    executor, deputy, officer = login("udkh"), login("deputy"), login("control")
    new_deadline = (today + dt.timedelta(days=90)).isoformat()
    # A reader role is refused by right.
    assert login("supervisor").post(f"/api/v1/control/execution/{pk}/report", json={}, headers={}).status_code in (
        400,
        403,
    )
    asked = executor.post(
        f"/api/v1/control/execution/{pk}/extension",
        json={"new_deadline": new_deadline, "reason": "Подрядчик", "version": 1},
        headers=_csrf(executor),
    )
    assert asked.status_code == 200, asked.text
    assert asked.json["status"] == "extension_requested"
    # Not the author: 403 with the reason.
    refused = officer.post(
        f"/api/v1/control/decision/{pk}", json={"approve": True, "version": 2}, headers=_csrf(officer)
    )
    assert refused.status_code == 403 and "только автор срока" in refused.json["message"]
    stale = deputy.post(f"/api/v1/control/decision/{pk}", json={"approve": True, "version": 1}, headers=_csrf(deputy))
    assert stale.status_code == 409
    decided = deputy.post(f"/api/v1/control/decision/{pk}", json={"approve": True, "version": 2}, headers=_csrf(deputy))
    assert decided.status_code == 200, decided.text
    no_basis = officer.post(
        f"/api/v1/control/instruction/{pk}/remove",
        json={"removed_on": today.isoformat(), "version": 3},
        headers=_csrf(officer),
    )
    assert no_basis.status_code == 422 and "основание" in no_basis.json["message"]
    removed = officer.post(
        f"/api/v1/control/instruction/{pk}/remove",
        json={"removed_on": today.isoformat(), "basis": "Исх-2025-00001", "version": 3},
        headers=_csrf(officer),
    )
    assert removed.status_code == 200, removed.text
    with app.app_context():
        instruction = db.session.get(Instruction, pk)
        assert instruction.status == InstructionStatus.REMOVED
        assert instruction.extensions[0].status == ExtensionStatus.APPROVED
    extensions = officer.get(f"/api/v1/instructionextension/?q=(filters:!((col:instruction,opr:rel_o_m,value:{pk})))")
    assert [row["status"] for row in extensions.json["result"]] == ["approved"]


def test_the_discipline_figures_as_json(app, login):
    with app.app_context():
        first = new_instruction(app)
        new_instruction(app, text="Второе")
        from app.control.services import remove_from_control

        remove_from_control(first, D(2025, 4, 10), "Акт", user(app, "control"))
        db.session.commit()
    response = login("supervisor").get("/api/v1/control/instruction/discipline?date_from=2025-01-01&date_to=2025-12-31")
    assert response.status_code == 200
    total = response.json["total"]
    assert (total["put"], total["removed"], total["execution_percent"], total["removed_on_time"]) == (2, 1, 50.0, 1)
    assert [row["body"] for row in response.json["rows"]] == [
        "Управление дорожно-коммунального хозяйства и благоустройства"
    ]
    bad = login("supervisor").get("/api/v1/control/instruction/discipline?date_from=2025-12-31&date_to=2025-01-01")
    assert bad.status_code == 400 and bad.json["message"] == "Конец периода раньше начала"
    assert (
        login("zavodskoy")
        .get("/api/v1/control/instruction/discipline?date_from=2025-01-01&date_to=2025-12-31")
        .status_code
        == 403
    )
