"""Other domains' records on control: the appeal holds its instruction and its card offers «Поставить на
контроль»; the instruction names its source with a link for who may open it; a new domain plugs in by
registering a source kind (here a test-only «plan item»)."""

from __future__ import annotations

import datetime as dt

import pytest
from flask import Flask
from flask_appbuilder import Model
from sqlalchemy import ForeignKey, Integer, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.appeals.models import Appeal
from app.appeals.reference.models import Channel
from app.appeals.services import QuestionInput, register_appeal
from app.control.models import Instruction
from app.control.services import put_source_on_control
from app.control.sources import SOURCES, SourceKind, register_source, source_record, source_text
from app.core.dates import format_date, local_today
from app.core.errors import ConflictError
from app.extensions import db
from app.org.services import body_by_code
from tests.control.conftest import user

HOUSING = "0005.0005.0055.1122"


def _appeal(app: Flask, body: str = "appeals", responsible: str = "uzhil") -> int:
    with app.app_context():
        appeal = register_appeal(
            channel=db.session.scalar(select(Channel).where(Channel.code == "letter")),
            received_date=dt.date(2025, 3, 3),
            reg_date=dt.date(2025, 3, 3),
            summary="Переселение из аварийного дома",
            receiving_body=body_by_code(body),
            responsible_body=body_by_code(responsible),
            questions=[QuestionInput(HOUSING)],
            applicant_last_name="Петров",
        )
        db.session.commit()
        return appeal.id


def test_the_control_officer_puts_an_appeal_on_control_from_its_card(app, login):
    pk = _appeal(app)
    officer = login("control")
    card = officer.get(f"/appealview/show/{pk}").text
    assert f'href="/control/put_on_control/appeal/{pk}">Поставить на контроль</a>' in card
    form = officer.get(f"/control/put_on_control/appeal/{pk}").text
    assert "Обращение гражданина: <strong>ОГ-2025-000001</strong>" in form
    with app.app_context():
        ids = {"uzhil": body_by_code("uzhil").id, "deputy": user(app, "deputy").id, "control": user(app, "control").id}
    response = officer.post(
        f"/control/put_on_control/appeal/{pk}",
        data={
            "text": "Рассмотреть обращение и доложить",
            "responsible_body": ids["uzhil"],
            "issued_by": ids["deputy"],
            "issued_on": format_date(local_today()),
            "urgency": "prompt",
            "controller": ids["control"],
        },
    )
    assert response.status_code == 302, response.text[-2000:]
    with app.app_context():
        appeal = db.session.get(Appeal, pk)
        instruction = appeal.instruction
        assert (instruction.source_kind, instruction.source_id) == ("appeal", pk)
        assert source_record(instruction) is appeal
        assert instruction.reg_number == f"Пор-{local_today().year}-00001"
        instruction_id = instruction.id
    # The appeal's card names its instruction and offers the button no more.
    card = officer.get(f"/appealview/show/{pk}").text
    assert f"Пор-{local_today().year}-00001" in card and "Поставить на контроль" not in card
    # The instruction's card links to the appeal.
    shown = officer.get(f"/instructionview/show/{instruction_id}").text
    assert f'<a href="/appealview/show/{pk}">Обращение гражданина — ОГ-2025-000001</a>' in shown
    # A second time: refused (the link lives on the appeal, once).
    again = officer.get(f"/control/put_on_control/appeal/{pk}")
    assert again.status_code == 302 and f"/appealview/show/{pk}" in again.headers["Location"]


def test_an_appeals_clerk_reads_the_appeal_but_may_not_put_it_on_control(app, login):
    pk = _appeal(app)
    clerk = login("appeals")
    assert "Поставить на контроль" not in clerk.get(f"/appealview/show/{pk}").text
    assert clerk.post(f"/control/put_on_control/appeal/{pk}", data={}).status_code == 403


def test_the_source_is_named_without_its_link_to_who_may_not_open_it(app, login):
    # Received and answered by the Заводской district: the deputy head does not see the appeal.
    pk = _appeal(app, body="district-zavodskoy", responsible="district-zavodskoy")
    with app.app_context():
        instruction = put_source_on_control(
            db.session.get(Appeal, pk),
            text="Доложить",
            responsible_body=body_by_code("udkh"),
            controller=user(app, "control"),
            issued_by=user(app, "deputy"),
            issued_on=dt.date(2025, 3, 4),
            reg_date=dt.date(2025, 3, 4),
        )
        db.session.commit()
        instruction_id = instruction.id
    shown = login("deputy").get(f"/instructionview/show/{instruction_id}").text
    assert "Обращение гражданина" in shown
    assert "ОГ-2025-000001" not in shown and f"/appealview/show/{pk}" not in shown


def test_an_annulled_or_already_controlled_record_is_not_put_on_control_again(app):
    pk = _appeal(app)
    with app.app_context():
        appeal = db.session.get(Appeal, pk)
        fields = {
            "text": "Доложить",
            "responsible_body": body_by_code("uzhil"),
            "controller": user(app, "control"),
            "issued_by_name": "Глава города",
        }
        put_source_on_control(appeal, **fields)
        with pytest.raises(ConflictError):
            put_source_on_control(appeal, **fields)


# ---- a later domain plugs in -----------------------------------------------------------------------


class FakePlanItem(Model):
    """A test-only «plan item» holding its instruction, as plans' items will."""

    __tablename__ = "test_plan_item"
    __label__ = "Пункт плана (тест)"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    instruction_id: Mapped[int | None] = mapped_column(ForeignKey("control_instruction.id"))
    instruction: Mapped[Instruction | None] = relationship()

    def __repr__(self) -> str:
        return self.title


@pytest.fixture
def plan_items(app: Flask):
    with app.app_context():
        FakePlanItem.__table__.create(db.engine, checkfirst=True)
    previous = SOURCES.get("plan_item")
    yield
    if previous is None:
        SOURCES.pop("plan_item", None)
    else:
        SOURCES["plan_item"] = previous
    with app.app_context():
        db.session.remove()
        FakePlanItem.__table__.drop(db.engine, checkfirst=True)


def test_a_new_domain_plugs_in_with_one_registration_and_one_call(app, plan_items):
    register_source(SourceKind("plan_item", "Пункт плана", table="test_plan_item", back_link="instruction"))
    with app.test_request_context():
        item = FakePlanItem(title="Пункт 2.4: отчёт о подготовке к зиме")
        db.session.add(item)
        db.session.flush()
        instruction = put_source_on_control(
            item,
            text="Подготовить отчёт",
            responsible_body=body_by_code("kgkh"),
            controller=user(app, "control"),
            issued_by_name="Глава города",
            reg_date=dt.date(2025, 3, 4),
        )
        assert item.instruction is instruction
        assert (instruction.source_kind, instruction.source_id) == ("plan_item", item.id)
        assert source_record(instruction) is item
        assert source_text(instruction) == "Пункт плана — Пункт 2.4: отчёт о подготовке к зиме"
        db.session.rollback()
