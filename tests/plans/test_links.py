"""The declared links of plan items: put on control as an instruction (once, linked both ways), and an item
of the city-wide-events section linked to an event of the Victory-75 calendar (row scope on the event)."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from app.control.models import Instruction
from app.control.services import put_source_on_control
from app.control.sources import source_record
from app.core.dates import format_date, local_today
from app.core.errors import ConflictError, ValidationFailed
from app.core.services import annul
from app.events.models import Event
from app.extensions import db
from app.org.services import body_by_code, set_profile
from app.plans.models import PlanItem, PlanStatus
from app.plans.services import build_quarter, link_event
from app.security import PLANS_COORDINATOR, ScopeLevel
from tests.conftest import login_client
from tests.events import factory as ev
from tests.plans import factories as f

PASSWORD = "Plans-Links-2026"
OUTSIDE_SECTION = "Мероприятие календаря указывают только у пунктов раздела «Общегородские мероприятия»"


def _user_id(app: Flask, username: str) -> int:
    return app.appbuilder.sm.find_user(username=username).id


@pytest.fixture
def items(app: Flask) -> dict[str, int]:
    """A draft 2027 plan with an item of the Council section and one of the city-wide events (УДКХиБ),
    and the 2020 programme's events: one organised by УДКХиБ, one by the culture department elsewhere."""
    with app.app_context():
        plan = f.plan(2027)
        council = f.item(plan, body="udkh", month=3, section="council", title="Об итогах зимнего содержания дорог")
        festive = f.item(plan, body="udkh", month=5, section="city_events", title="Общегородской субботник")
        programme = ev.programme(coordinator="udkh", year=2027, name="Мероприятия 2027 года")
        own = ev.event(programme, ev.local(2027, 5, 9), title="Субботник на набережной", organiser="udkh")
        culture = ev.programme(coordinator="culture", year=2027, name="Культурная программа 2027 года")
        foreign = ev.event(culture, ev.local(2027, 5, 9), title="Концерт «Песни Победы»", district="central")
        db.session.commit()
        return {
            "plan": plan.id,
            "council": council.id,
            "festive": festive.id,
            "event": own.id,
            "foreign_event": foreign.id,
        }


# ---- plan item → instruction -------------------------------------------------------------------------


def test_the_control_officer_puts_a_plan_item_on_control_from_its_card_once(app, items):
    pk = items["festive"]
    officer = login_client(app, "control")
    card = officer.get(f"/planitemview/show/{pk}").text
    assert f'href="/control/put_on_control/plan_item/{pk}">Поставить на контроль</a>' in card
    form = officer.get(f"/control/put_on_control/plan_item/{pk}").text
    assert "Пункт плана" in form and "Общегородской субботник" in form
    with app.app_context():
        udkh, deputy, control = body_by_code("udkh").id, _user_id(app, "deputy"), _user_id(app, "control")
    response = officer.post(
        f"/control/put_on_control/plan_item/{pk}",
        data={
            "text": "Провести субботник и доложить",
            "responsible_body": udkh,
            "issued_by": deputy,
            "issued_on": format_date(local_today()),
            "urgency": "prompt",
            "controller": control,
        },
    )
    assert response.status_code == 302, response.text[-2000:]
    with app.app_context():
        item = db.session.get(PlanItem, pk)
        instruction = item.instruction
        assert (instruction.source_kind, instruction.source_id) == ("plan_item", pk)
        assert source_record(instruction) is item
        assert instruction.text == "Провести субботник и доложить"
        number, instruction_id = instruction.reg_number, instruction.id
    assert re.fullmatch(rf"Пор-{local_today().year}-\d{{5}}", number)
    # The item's card links to its instruction and offers the button no more.
    card = officer.get(f"/planitemview/show/{pk}").text
    assert f'<a href="/instructionview/show/{instruction_id}">{number}' in card
    assert "Поставить на контроль" not in card
    # The instruction's card links back to the item.
    shown = officer.get(f"/instructionview/show/{instruction_id}").text
    assert f'<a href="/planitemview/show/{pk}">Пункт плана — 1. Общегородской субботник</a>' in shown
    # Once only: the form sends back to the card with a warning, and a POST changes nothing.
    again = officer.get(f"/control/put_on_control/plan_item/{pk}")
    assert again.status_code == 302 and f"/planitemview/show/{pk}" in again.headers["Location"]
    officer.post(f"/control/put_on_control/plan_item/{pk}", data={"text": "Ещё раз", "responsible_body": udkh})
    with app.app_context():
        assert db.session.query(Instruction).filter_by(source_kind="plan_item", source_id=pk).count() == 1


def test_the_control_officer_reads_plan_items_without_the_plans_menus(app, items):
    officer = login_client(app, "control")
    assert officer.get(f"/planitemview/show/{items['council']}").status_code == 200
    home = officer.get("/").text
    assert "/planitemview/list" not in home and "Пункты планов" not in home


def test_the_plans_coordinator_reads_the_card_but_may_not_put_an_item_on_control(app, items):
    coordinator = login_client(app, "plans")
    assert "Поставить на контроль" not in coordinator.get(f"/planitemview/show/{items['council']}").text
    assert coordinator.post(f"/control/put_on_control/plan_item/{items['council']}", data={}).status_code == 403


def test_an_item_already_on_control_is_refused_a_second_instruction_in_russian(app, items):
    with app.app_context():
        item = db.session.get(PlanItem, items["council"])
        fields = {
            "text": "Доложить",
            "responsible_body": body_by_code("udkh"),
            "controller": app.appbuilder.sm.find_user(username="control"),
            "issued_by_name": "Глава города",
        }
        first = put_source_on_control(item, **fields)
        with pytest.raises(ConflictError) as refused:
            put_source_on_control(item, **fields)
        assert str(refused.value) == f"Запись уже на контроле: поручение {first.reg_number}"
        db.session.rollback()


def test_an_annulled_item_is_not_put_on_control(app, items):
    with app.app_context():
        item = db.session.get(PlanItem, items["council"])
        annul(item, "Включён по ошибке")
        with pytest.raises(ConflictError) as refused:
            put_source_on_control(
                item,
                text="Доложить",
                responsible_body=body_by_code("udkh"),
                controller=app.appbuilder.sm.find_user(username="control"),
                issued_by_name="Глава города",
            )
        assert str(refused.value) == "Запись аннулирована: поставить её на контроль нельзя"
        db.session.rollback()


# ---- plan item → event --------------------------------------------------------------------------------


def test_an_item_of_the_city_events_section_links_its_event_through_rest_and_shows_it(app, items):
    client = login_client(app, "plans")
    with app.app_context():
        version = db.session.get(PlanItem, items["festive"]).version
    response = client.put(f"/api/v1/planitem/{items['festive']}", json={"event": items["event"], "version": version})
    assert response.status_code == 200, response.text[:500]
    shown = client.get(f"/api/v1/planitem/{items['festive']}").json["result"]
    assert shown["event_id"] == items["event"]
    with app.app_context():
        assert db.session.get(PlanItem, items["festive"]).event.title == "Субботник на набережной"
    # On the card: a link for who reads events (the coordinator reads them without their menus) …
    card = client.get(f"/planitemview/show/{items['festive']}").text
    assert f'<a href="/eventview/show/{items["event"]}">Субботник на набережной</a>' in card
    # … the event by name only for who does not (the deputy head reads his bodies' items, not events).
    card = login_client(app, "deputy").get(f"/planitemview/show/{items['festive']}").text
    assert "Мероприятие календаря" in card and "Субботник на набережной" in card
    assert f"/eventview/show/{items['event']}" not in card


def test_an_item_of_another_section_is_refused_an_event_with_a_russian_message(app, items):
    client = login_client(app, "plans")
    with app.app_context():
        version = db.session.get(PlanItem, items["council"]).version
    response = client.put(f"/api/v1/planitem/{items['council']}", json={"event": items["event"], "version": version})
    assert response.status_code == 422
    assert OUTSIDE_SECTION in response.json["message"]
    with app.app_context():
        assert db.session.get(PlanItem, items["council"]).event_id is None
        # The same rule in the service, and for an item moved out of the section with its event.
        with pytest.raises(ValidationFailed) as refused:
            link_event(db.session.get(PlanItem, items["council"]), db.session.get(Event, items["event"]))
        assert str(refused.value) == OUTSIDE_SECTION
        db.session.rollback()


def test_the_item_form_refuses_an_event_outside_the_section_beside_the_field(app, items):
    from scripts.load.formdata import form_fields

    client = login_client(app, "plans")
    url = f"/planitemview/edit/{items['council']}"
    data = {**form_fields(client.get(url).text, "model_form"), "form": "report", "event": str(items["event"])}
    response = client.post(url, data=data)
    assert response.status_code == 200
    assert OUTSIDE_SECTION in response.text
    with app.app_context():
        assert db.session.get(PlanItem, items["council"]).event_id is None


def test_an_annulled_event_is_not_linked(app, items):
    with app.app_context():
        event = db.session.get(Event, items["event"])
        annul(event, "Отменено распоряжением")
        with pytest.raises(ValidationFailed) as refused:
            link_event(db.session.get(PlanItem, items["festive"]), event)
        assert str(refused.value) == "Мероприятие «Субботник на набережной» аннулировано"
        db.session.rollback()


def test_an_event_outside_the_users_scope_is_a_422_and_is_not_offered(app, items):
    """A coordinator of УДКХиБ alone (a body-scoped role an Admin could compose) names the culture
    department's event: the platform's link guard refuses it, and `_info` never offers it."""
    with app.app_context():
        sm = app.appbuilder.sm
        user = sm.add_user(
            "plans_udkh", "Пётр", "Плановиков", "pu@example.org", sm.find_role(PLANS_COORDINATOR), PASSWORD
        )
        set_profile(user, body_by_code("udkh"), "Специалист", ScopeLevel.BODY)
        db.session.commit()
        version = db.session.get(PlanItem, items["festive"]).version
    client = login_client(app, "plans_udkh", PASSWORD)
    response = client.put(
        f"/api/v1/planitem/{items['festive']}", json={"event": items["foreign_event"], "version": version}
    )
    assert response.status_code == 422
    assert response.json["message"] == (
        "Поле «Мероприятие календаря»: такой записи нет, или она вне вашей области видимости и её нельзя выбрать"
    )
    with app.app_context():
        assert db.session.get(PlanItem, items["festive"]).event_id is None
    info = client.get("/api/v1/planitem/_info").json
    offered = {v["id"] for v in next(f for f in info["edit_columns"] if f["name"] == "event")["values"]}
    assert items["event"] in offered and items["foreign_event"] not in offered


def test_the_quarters_copy_of_an_item_names_the_same_event(app):
    with app.app_context():
        annual = f.plan(2027)
        item = f.item(annual, body="udkh", month=5, section="city_events", title="День Победы")
        programme = ev.programme(coordinator="udkh", year=2027, name="Программа 2027")
        event = ev.event(programme, ev.local(2027, 5, 9), title="Шествие «Бессмертный полк»", organiser="udkh")
        link_event(item, event)
        f.move_to(annual, PlanStatus.APPROVED)
        _quarter, copies = build_quarter(annual, 2)
        assert [(c.source_item, c.event) for c in copies] == [(item, event)]
        db.session.rollback()
