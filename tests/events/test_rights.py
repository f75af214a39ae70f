"""Who does what with events: the coordinator edits, the Supervisor only reads, an organising body works only its
own events, the coordinating body's staff the whole programme; districts and committee bodies only look."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from sqlalchemy import select

from app.events.models import Event, EventProgramme, EventStatus
from app.extensions import db
from app.org.services import body_by_code, district_by_code
from app.security import Access, Visibility, row_access
from scripts.load.formdata import form_fields
from tests.events.factory import committee, event, local, programme


@pytest.fixture
def plan(app: Flask) -> dict[str, int]:
    with app.app_context():
        culture_plan = programme("culture")
        committee(culture_plan, bodies=("kon",))
        sport_plan = programme("sport", name="План спортивного управления")
        ids = {
            "programme": culture_plan.id,
            "sport_programme": sport_plan.id,
            "udkh": event(culture_plan, local(2020, 5, 8), title="Благоустройство мемориала", organiser="udkh").id,
            "sport": event(culture_plan, local(2020, 5, 9), title="Легкоатлетическая эстафета", organiser="sport").id,
            "zavodskoy": event(
                culture_plan, local(2020, 5, 9), title="Концерт", organiser="culture", district="zavodskoy"
            ).id,
            "foreign": event(sport_plan, local(2020, 6, 1), title="Турнир", organiser="sport", district="central").id,
        }
        db.session.commit()
        return ids


def _edit(client, pk: int, **changes: str):
    url = f"/eventview/edit/{pk}"
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    return client.post(url, data={**form_fields(page.text, "model_form"), **changes})


def _event(app: Flask, pk: int) -> Event:
    with app.app_context():
        item = db.session.get(Event, pk)
        db.session.expunge(item)
        return item


def test_the_coordinator_marks_an_event_held_in_another_format_through_its_form(app, login, plan):
    client = login("events")
    saved = _edit(
        client,
        plan["sport"],
        status="held",
        actual_format="online",
        change_reason="Ограничительные меры",
        participants_actual="1200",
    )
    assert saved.status_code == 302, saved.text[:2000]
    item = _event(app, plan["sport"])
    assert (item.status, item.actual_format, item.format_changed, item.participants_actual) == (
        EventStatus.HELD.value,
        "online",
        True,
        1200,
    )
    card = client.get(f"/eventview/show/{plan['sport']}").text
    assert "Формат изменён" in card and "Онлайн" in card


def test_the_form_says_beside_the_field_why_it_refuses(app, login, plan):
    refused = _edit(login("events"), plan["sport"], status="held", actual_format="online", change_reason="")
    assert refused.status_code == 200
    assert "Формат изменён: укажите причину изменения" in refused.text
    assert _event(app, plan["sport"]).status == EventStatus.PLANNED.value


def test_the_coordinator_adds_an_event_and_the_form_takes_local_time(app, login, plan):
    client = login("events")
    page = client.get("/eventview/add")
    assert page.status_code == 200
    with app.app_context():
        sport = body_by_code("sport").id
        central = district_by_code("central").id
    data = {
        **form_fields(page.text, "model_form"),
        "programme": str(plan["programme"]),
        "title": "Велопробег «Дорогами Победы»",
        "starts_at": "22.06.2020 04:00",
        "ends_at": "22.06.2020 06:00",
        "organiser_body": str(sport),
        "district": str(central),
        "planned_format": "in_person",
    }
    saved = client.post("/eventview/add", data=data)
    assert saved.status_code == 302, saved.text[:3000]
    with app.app_context():
        item = db.session.scalar(select(Event).where(Event.title == "Велопробег «Дорогами Победы»"))
        # 04:00 in Novokuznetsk is 21:00 of the day before in UTC; the event is on 22 June.
        assert (str(item.starts_at), item.start_date.isoformat(), item.coordinator_body.code) == (
            "2020-06-21 21:00:00",
            "2020-06-22",
            "culture",
        )
        assert [b.code for b in item.committee_bodies] == ["kon"]


def test_the_supervisor_only_reads(app, login, plan):
    client = login("supervisor")
    assert client.get("/eventview/list/").status_code == 200
    assert client.get(f"/eventview/show/{plan['udkh']}").status_code == 200
    assert client.get(f"/eventprogrammeview/show/{plan['programme']}").status_code == 200
    assert client.get("/events/calendar/month?month=2020-05").status_code == 200
    for url in ("/eventview/add", f"/eventview/edit/{plan['udkh']}", "/eventprogrammeview/add"):
        assert client.get(url).status_code == 403, url
    put = client.put(f"/api/v1/event/{plan['udkh']}", json={"title": "X", "version": 1})
    assert put.status_code == 403
    assert _event(app, plan["udkh"]).title == "Благоустройство мемориала"


def test_an_organising_body_works_its_own_events_and_no_other(app, login, plan):
    client = login("udkh")
    assert _edit(client, plan["udkh"], participants_planned="40").status_code == 302
    assert _event(app, plan["udkh"]).participants_planned == 40
    for other in ("sport", "zavodskoy", "foreign"):
        assert client.get(f"/eventview/show/{plan[other]}").status_code == 404
        assert client.get(f"/eventview/edit/{plan[other]}").status_code == 404
        assert client.get(f"/api/v1/event/{plan[other]}").status_code == 404
    listed = {row["id"] for row in client.get("/api/v1/event/?q=(page_size:100)").json["result"]}
    assert listed == {plan["udkh"]}


def test_an_organising_body_does_not_see_programmes_it_does_not_coordinate(login, plan):
    client = login("udkh")
    assert client.get(f"/eventprogrammeview/show/{plan['programme']}").status_code == 404
    assert login("culture").get(f"/eventprogrammeview/show/{plan['programme']}").status_code == 200
    assert login("culture").get(f"/eventprogrammeview/edit/{plan['programme']}").status_code == 403  # no right


def test_the_coordinating_bodys_staff_work_every_event_of_its_programme(app, login, plan):
    client = login("culture")  # a body clerk of Управление культуры, the programme's coordinator
    assert _edit(client, plan["sport"], place="Стадион «Металлург»").status_code == 302
    assert _event(app, plan["sport"]).place == "Стадион «Металлург»"
    assert client.get(f"/eventview/show/{plan['foreign']}").status_code == 404


def test_a_district_and_the_committees_bodies_see_an_event_but_do_not_work_it(app, plan):
    with app.app_context():
        zavodskoy = db.session.get(Event, plan["zavodskoy"])
        district = Visibility(
            body_ids=frozenset({body_by_code("district-zavodskoy").id}),
            district_ids=frozenset({district_by_code("zavodskoy").id}),
            user_id=1,
        )
        assert row_access(zavodskoy, district) is Access.READ
        education = Visibility(body_ids=frozenset({body_by_code("kon").id}), user_id=1)
        assert row_access(zavodskoy, education) is Access.READ  # on the organising committee
        assert row_access(db.session.get(Event, plan["foreign"]), education) is Access.NONE
        assert row_access(db.session.get(EventProgramme, plan["programme"]), education) is Access.READ


def test_an_organiser_can_move_his_event_to_another_district(app, login, plan):
    """The district shows the event to that district's staff: naming it takes nothing from anybody."""
    with app.app_context():
        kuznetsky = district_by_code("kuznetsky").id
    assert _edit(login("udkh"), plan["udkh"], district=str(kuznetsky)).status_code == 302
    assert _event(app, plan["udkh"]).district_id == kuznetsky


def test_an_organising_body_cannot_put_an_event_into_a_programme_it_does_not_keep(app, login, plan):
    """The coordinator puts events into the programme; the organiser then works his own (not offered)."""
    client = login("udkh")
    page = client.get("/eventview/add")
    assert re.search(r'<select[^>]*name="programme"[^>]*>\s*</select>', page.text)  # no programme offered
    with app.app_context():
        udkh = body_by_code("udkh").id
    data = {
        **form_fields(page.text, "model_form"),
        "programme": str(plan["programme"]),
        "title": "Своё мероприятие",
        "starts_at": "22.06.2020 10:00",
        "organiser_body": str(udkh),
        "planned_format": "in_person",
    }
    refused = client.post("/eventview/add", data=data)
    assert refused.status_code == 200
    assert "Обязательное поле" in refused.text  # a programme he does not see is no choice at all
    with app.app_context():
        assert db.session.scalar(select(Event).where(Event.title == "Своё мероприятие")) is None
