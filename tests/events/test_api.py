"""The REST API of events: the same rules and scope as the forms, times with the city's offset, OpenAPI."""

from __future__ import annotations

import pytest
from flask import Flask

from app.events.models import Event
from app.extensions import db
from app.org.services import body_by_code
from tests.events.factory import committee, event, local, programme


@pytest.fixture
def plan(app: Flask) -> dict[str, int]:
    with app.app_context():
        culture = programme("culture")
        committee(culture, bodies=("kon",))
        ids = {
            "programme": culture.id,
            "event": event(culture, local(2020, 5, 9, 15), title="Концерт", organiser="udkh").id,
            "sport": body_by_code("sport").id,
        }
        db.session.commit()
        return ids


def test_an_event_posted_with_an_offset_is_stored_in_utc_and_returned_in_local_time(app, login, plan):
    client = login("events")
    created = client.post(
        "/api/v1/event/",
        json={
            "programme": plan["programme"],
            "title": "Бессмертный полк онлайн",
            "starts_at": "2020-05-09T10:00:00+07:00",
            "organiser_body": plan["sport"],
            "planned_format": "online",
        },
    )
    assert created.status_code == 201, created.json
    pk = created.json["id"]
    with app.app_context():
        item = db.session.get(Event, pk)
        assert (str(item.starts_at), str(item.ends_at), item.coordinator_body.code) == (
            "2020-05-09 03:00:00",
            "2020-05-09 03:00:00",
            "culture",
        )
    shown = client.get(f"/api/v1/event/{pk}").json["result"]
    assert (shown["starts_at"], shown["start_date"], shown["status"]) == (
        "2020-05-09T10:00:00+07:00",
        "2020-05-09",
        "planned",
    )


def test_marking_an_event_held_in_another_format_through_the_api_needs_a_reason_and_the_version(login, plan):
    client = login("events")
    url = f"/api/v1/event/{plan['event']}"
    version = client.get(url).json["result"]["version"]
    refused = client.put(url, json={"status": "held", "actual_format": "online", "version": version})
    assert refused.status_code == 422
    assert refused.json["message"] == "Формат изменён: укажите причину изменения"
    stale = client.put(
        url, json={"status": "held", "actual_format": "online", "change_reason": "COVID-19", "version": version + 1}
    )
    assert stale.status_code == 409
    done = client.put(
        url, json={"status": "held", "actual_format": "online", "change_reason": "COVID-19", "version": version}
    )
    assert done.status_code == 200, done.json
    assert client.get(url).json["result"]["actual_format"] == "online"


def test_format_changed_is_not_a_field_anybody_writes(login, plan):
    client = login("events")
    url = f"/api/v1/event/{plan['event']}"
    version = client.get(url).json["result"]["version"]
    response = client.put(url, json={"format_changed": True, "version": version})
    assert response.status_code in (400, 422)


def test_committee_members_and_programmes_are_in_the_api(login, plan):
    client = login("supervisor")
    members = client.get(
        f"/api/v1/committeemember/?q=(filters:!((col:programme,opr:rel_o_m,value:{plan['programme']})))"
    )
    assert members.status_code == 200
    assert [m["role"] for m in members.json["result"]] == ["chair", "member"]
    programmes = client.get("/api/v1/eventprogramme/").json["result"]
    assert [p["year"] for p in programmes] == [2020]
    spec = client.get("/api/v1/_openapi").json
    resources = ("event", "eventprogramme", "committeemember", "titlepetition", "titlecampaign")
    assert {f"/api/v1/{name}/" for name in resources} <= set(spec["paths"])


def test_a_campaign_posted_without_a_status_collects_petitions(app, login):
    with app.app_context():
        culture = body_by_code("culture").id
    created = login("events").post(
        "/api/v1/titlecampaign/",
        json={
            "name": "Город трудовой доблести",
            "honorary_title": "Город трудовой доблести",
            "started_on": "2020-01-10",
            "coordinator_body": culture,
        },
    )
    assert created.status_code == 201, created.json
    assert login("events").get(f"/api/v1/titlecampaign/{created.json['id']}").json["result"]["status"] == "collecting"
