"""The executor of an appeal is an official of its responsible body (or a body under it) who works appeals —
never a read-only role, the Admin or an unrelated coordinator; every door applies the same rule, and the
executor legitimately assigned sees and works his appeal (issue 13, items 1–2)."""

from __future__ import annotations

import datetime as dt
import re

from flask import Flask
from sqlalchemy import select

from app.appeals.action_views import _executor_choices
from app.appeals.models import Appeal
from app.appeals.reference.models import Channel
from app.appeals.services import register_appeal
from app.extensions import db
from app.org.services import body_by_code, district_by_code
from app.security import linkable_query
from tests.conftest import login_client

DEMO_STAFF = ("admin", "supervisor", "deputy", "appeals", "control", "plans", "housing", "events")


def _register(app: Flask, responsible: str, receiving: str = "appeals", district: str = "zavodskoy") -> int:
    with app.app_context():
        appeal = register_appeal(
            channel=db.session.scalar(select(Channel).where(Channel.code == "letter")),
            received_date=dt.date(2025, 3, 3),
            reg_date=dt.date(2025, 3, 3),
            summary="Яма на дороге у дома 5",
            receiving_body=body_by_code(receiving),
            responsible_body=body_by_code(responsible),
            district=district_by_code(district),
            applicant_last_name="Петров",
        )
        db.session.commit()
        return appeal.id


def _users(app: Flask, *names: str) -> dict[str, int]:
    with app.app_context():
        return {name: app.appbuilder.sm.find_user(username=name).id for name in names}


def _offered_in_assign_form(client, pk: int) -> set[int]:
    page = client.get(f"/appeals/actions/assign/{pk}").text
    select_html = re.search(r'<select[^>]*name="executor".*?</select>', page, re.S).group(0)
    return {int(v) for v in re.findall(r'<option[^>]*value="(\d+)"', select_html)}


def test_an_appeal_answered_by_the_road_department_offers_only_its_clerk_as_executor(app):
    """The observed defect: Заводской district, УДКХиБ responsible — the district clerk, the Supervisor,
    the Admin and the events coordinator are not offered; УДКХиБ's clerk is."""
    pk = _register(app, "udkh")
    ids = _users(app, "udkh", "zavodskoy", "central", "culture", *DEMO_STAFF)
    assert _offered_in_assign_form(login_client(app, "appeals"), pk) == {ids["udkh"]}


def test_a_district_administration_responsible_offers_its_district_clerk(app):
    pk = _register(app, "district-zavodskoy")
    ids = _users(app, "zavodskoy")
    assert _offered_in_assign_form(login_client(app, "appeals"), pk) == {ids["zavodskoy"]}
    # The district clerk assigns his own colleagues only: himself here.
    assert _offered_in_assign_form(login_client(app, "zavodskoy"), pk) == {ids["zavodskoy"]}


def test_the_officials_of_child_bodies_are_offered_and_only_those_who_work_appeals(app):
    """Администрация города is the root: every clerk of a body under it who works appeals, nobody who only reads."""
    pk = _register(app, "adm")
    ids = _users(app, "appeals", "zavodskoy", "central", "udkh", "culture")
    assert _offered_in_assign_form(login_client(app, "appeals"), pk) == set(ids.values())
    # УДОиК's child department is the appeals department: its clerk, not the control officer of УДОиК itself.
    docs = _register(app, "docs")
    assert _offered_in_assign_form(login_client(app, "appeals"), docs) == {ids["appeals"]}


def test_the_same_rule_answers_the_action_the_lookup_and_the_platform_query(app):
    pk = _register(app, "udkh")
    ids = _users(app, "udkh", "zavodskoy")
    client = login_client(app, "appeals")
    for form in ("edit",):
        found = client.get(f"/appealview/related/executor?form={form}&pk={pk}").json["result"]
        assert [row["id"] for row in found] == [ids["udkh"]]
    # The registration form sends the responsible body it holds: its clerk is offered, the other's is not.
    with app.app_context():
        district = body_by_code("district-zavodskoy").id
    found = client.get(f"/appealview/related/executor?form=add&dep_responsible_body={district}").json["result"]
    assert [row["id"] for row in found] == [ids["zavodskoy"]]
    # Without a responsible body, the receiving body stands for it (as registration does).
    found = client.get(f"/appealview/related/executor?form=add&dep_responsible_body=&dep_receiving_body={district}")
    assert [row["id"] for row in found.json["result"]] == [ids["zavodskoy"]]
    with app.test_request_context():
        from flask import g

        g.user = app.appbuilder.sm.find_user(username="appeals")
        appeal = db.session.get(Appeal, pk)
        assert [user.id for user in linkable_query(Appeal, "executor", appeal)] == [ids["udkh"]]
        assert [user_id for user_id, _name in _executor_choices(appeal)] == [ids["udkh"]]


def test_the_rest_write_refuses_an_executor_the_rule_does_not_allow_with_422(app):
    pk = _register(app, "udkh")
    ids = _users(app, "udkh", "zavodskoy")
    client = login_client(app, "appeals")
    with app.app_context():
        version = db.session.get(Appeal, pk).version
    refused = client.put(f"/api/v1/appeal/{pk}", json={"executor": ids["zavodskoy"], "version": version})
    assert refused.status_code == 422
    assert refused.json["message"].startswith("Поле «Исполнитель»")
    done = client.put(f"/api/v1/appeal/{pk}", json={"executor": ids["udkh"], "version": version})
    assert done.status_code == 200
    with app.app_context():
        assert db.session.get(Appeal, pk).executor_id == ids["udkh"]


def test_the_assign_action_refuses_an_executor_outside_the_rule_and_the_assigned_one_works_the_appeal(app):
    pk = _register(app, "udkh")
    ids = _users(app, "udkh", "zavodskoy")
    with app.app_context():
        appeal = db.session.get(Appeal, pk)
        number, version = appeal.reg_number, appeal.version
    clerk = login_client(app, "appeals")
    refused = clerk.post(f"/appeals/actions/assign/{pk}", data={"executor": ids["zavodskoy"], "version": version})
    assert refused.status_code == 200 and "Неверный вариант" in refused.text
    with app.app_context():
        assert db.session.get(Appeal, pk).executor_id is None
    done = clerk.post(f"/appeals/actions/assign/{pk}", data={"executor": ids["udkh"], "version": version})
    assert done.status_code == 302
    executor = login_client(app, "udkh")
    assert number in executor.get("/appealview/list/?preset=mine").text
    assert number in executor.get(f"/appealview/list/?_flt_0_reg_number={number}").text
    card = executor.get(f"/appealview/show/{pk}")
    assert card.status_code == 200 and number in card.text
    # He works it: the actions are his, and his answer form opens.
    assert f"/appeals/actions/answer/{pk}" in card.text
    assert executor.get(f"/appeals/actions/answer/{pk}").status_code == 200


def test_a_district_clerk_adds_a_document_request_to_his_own_appeal(app):
    """Item 2: the add form of a document request takes an appeal the clerk works (received by his district,
    or assigned to him), as it does for the Admin."""
    from app.appeals.models import DocumentRequest
    from app.appeals.services import assign_executor

    own = _register(app, "district-central", receiving="district-central", district="central")
    assigned = _register(app, "district-central", receiving="appeals", district="central")
    with app.app_context():
        assign_executor(db.session.get(Appeal, assigned), app.appbuilder.sm.find_user(username="central"))
        db.session.commit()
    client = login_client(app, "central")
    for pk in (own, assigned):
        data = {"appeal": pk, "addressee": "Управление Росреестра", "what": "Выписка ЕГРН", "sent_on": "04.03.2025"}
        response = client.post("/documentrequestview/add", data=data)
        assert response.status_code == 302, response.text[:2000]
        with app.app_context():
            rows = db.session.scalars(select(DocumentRequest).where(DocumentRequest.appeal_id == pk)).all()
            assert [(r.addressee, r.due_on.isoformat()) for r in rows] == [("Управление Росреестра", "2025-03-19")]
