"""Plans in the UI and the REST API: forms, actions, presets and counters, each within the row scope."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from flask import Flask
from sqlalchemy import select

from app.core.dates import local_today
from app.extensions import db
from app.org.services import body_by_code
from app.plans.models import Plan, PlanItem, PlanProposal, PlanStatus
from app.plans.reference import section_by_code
from app.plans.services import build_quarter, mark_done, submit_proposal
from tests.conftest import login_client
from tests.plans import factories as f

D = dt.date


def _version(app: Flask, model: type, pk: int) -> int:
    with app.app_context():
        return db.session.get(model, pk).version


# ---- proposals: a body submits, its supervising deputy agrees ---------------------------------------


@pytest.fixture
def collecting(app: Flask) -> int:
    with app.app_context():
        plan = f.plan(2027, status=PlanStatus.COLLECTING)
        db.session.commit()
        return plan.id


def test_a_body_clerk_proposes_through_the_form_and_submits_and_the_deputy_agrees(app, collecting):
    with app.app_context():
        section, udkh = section_by_code("city_events").id, body_by_code("udkh").id
    clerk = login_client(app, "udkh")
    form = clerk.get("/planproposalview/add").text
    assert "План работы администрации города Новокузнецка на 2027 год" in form
    saved = clerk.post(
        "/planproposalview/add",
        data={
            "plan": collecting,
            "section": section,
            "submitted_by_body": udkh,
            "title": "Городской субботник",
            "form": "event",
            "responsible_body": udkh,
            "responsible_person": "Григорьев П. А.",
            "planned_month": "4",
        },
    )
    assert saved.status_code == 302, saved.text[-1500:]
    with app.app_context():
        proposal = db.session.scalar(select(PlanProposal).where(PlanProposal.title == "Городской субботник"))
        pk, version = proposal.id, proposal.version
        assert (proposal.status, proposal.planned_month, proposal.submitted_by_body.code) == ("draft", 4, "udkh")
    card = clerk.get(f"/planproposalview/show/{pk}").text
    assert "Согласует:</strong> Кузнецов Сергей" in card
    assert "Направить на согласование" in card and "/plans/proposals/actions/agree/" not in card
    submitted = clerk.post(f"/plans/proposals/actions/submit/{pk}", data={"version": version})
    assert submitted.status_code == 302
    with app.app_context():
        late = db.session.get(PlanProposal, pk).is_late
    assert late is (local_today() > D(2026, 12, 1))

    deputy = login_client(app, "deputy")
    waiting = deputy.get("/planproposalview/list/?preset=to_agree").text
    assert "Предложения, ожидающие моего согласования" in waiting and "Городской субботник" in waiting
    assert f"/plans/proposals/actions/agree/{pk}" in deputy.get(f"/planproposalview/show/{pk}").text

    # The coordinator reaches the action but is refused, with the reason; nothing changes.
    coordinator = login_client(app, "plans")
    version = _version(app, PlanProposal, pk)
    refused = coordinator.post(f"/plans/proposals/actions/agree/{pk}", data={"version": version})
    assert refused.status_code == 200
    assert "может только курирующий его заместитель Главы города — Кузнецов Сергей" in refused.text
    agreed = deputy.post(f"/plans/proposals/actions/agree/{pk}", data={"version": version})
    assert agreed.status_code == 302
    with app.app_context():
        proposal = db.session.get(PlanProposal, pk)
        assert (proposal.status, proposal.agreed_by.username) == ("agreed", "deputy")
    assert "Городской субботник" not in deputy.get("/planproposalview/list/?preset=to_agree").text

    included = coordinator.post(
        f"/plans/actions/include/{collecting}", data={"version": _version(app, Plan, collecting)}
    )
    assert included.status_code == 302
    with app.app_context():
        item = db.session.scalar(select(PlanItem).where(PlanItem.proposal_id == pk))
        assert (item.title, item.seq, item.due_date, item.section.code) == (
            "Городской субботник",
            1,
            D(2027, 4, 30),
            "city_events",
        )


def test_a_proposal_returned_by_the_deputy_is_edited_by_its_body(app, collecting):
    with app.app_context():
        proposal = f.proposal(db.session.get(Plan, collecting), body="udkh")
        submit_proposal(proposal)
        db.session.commit()
        pk = proposal.id
    deputy = login_client(app, "deputy")
    empty = deputy.post(f"/plans/proposals/actions/return/{pk}", data={"version": _version(app, PlanProposal, pk)})
    assert "Заполните это поле" in empty.text
    returned = deputy.post(
        f"/plans/proposals/actions/return/{pk}",
        data={"version": _version(app, PlanProposal, pk), "comment": "Уточните срок"},
    )
    assert returned.status_code == 302
    clerk = login_client(app, "udkh")
    assert "Уточните срок" in clerk.get(f"/planproposalview/show/{pk}").text
    assert clerk.get(f"/planproposalview/edit/{pk}").status_code == 200


def test_a_foreign_bodys_proposal_is_not_found(app, collecting):
    with app.app_context():
        proposal = f.proposal(db.session.get(Plan, collecting), body="culture")
        db.session.commit()
        pk = proposal.id
    clerk = login_client(app, "udkh")
    assert clerk.get(f"/planproposalview/show/{pk}").status_code == 404
    assert clerk.post(f"/plans/proposals/actions/submit/{pk}", data={"version": 1}).status_code == 404
    assert login_client(app, "deputy").get(f"/planproposalview/show/{pk}").status_code == 404


# ---- the plan's actions ----------------------------------------------------------------------------------


def test_the_coordinator_creates_a_plan_and_sees_its_terms(app):
    client = login_client(app, "plans")
    saved = client.post("/planview/add", data={"kind": "annual", "year": "2027", "quarter": "", "title": ""})
    assert saved.status_code == 302
    listed = client.get("/planview/list/").text
    assert "План работы администрации города Новокузнецка на 2027 год" in listed and "01.12.2026" in listed
    twice = client.post("/planview/add", data={"kind": "annual", "year": "2027", "quarter": "", "title": ""})
    assert "План на этот период уже есть" in twice.text
    quarterly = client.post("/planview/add", data={"kind": "quarterly", "year": "2027", "quarter": "", "title": ""})
    assert "Укажите квартал квартального плана" in quarterly.text


def test_the_coordinator_builds_the_quarter_from_the_annual_plan(app):
    with app.app_context():
        annual = f.plan(2027)
        for month in (1, 2, 5):
            f.item(annual, month=month)
        db.session.commit()
        pk = annual.id
    client = login_client(app, "plans")
    card = client.get(f"/planview/show/{pk}").text
    assert "Сформировать квартальный план" in card and "Открыть сбор предложений" in card
    built = client.post(f"/plans/actions/build_quarter/{pk}", data={"version": _version(app, Plan, pk), "quarter": "1"})
    assert built.status_code == 302
    with app.app_context():
        quarter = db.session.scalar(select(Plan).where(Plan.period == "2027-1"))
        assert len(quarter.items) == 2
        assert built.headers["Location"].endswith(f"/planview/show/{quarter.id}")
    page = client.get(built.headers["Location"]).text
    assert "перенесено из годового плана пунктов — 2" in page


def test_only_the_coordinator_runs_plans(app):
    with app.app_context():
        plan = f.plan(2027)
        db.session.commit()
        pk = plan.id
    for username in ("udkh", "deputy", "supervisor"):
        client = login_client(app, username)
        assert client.get(f"/planview/show/{pk}").status_code == 200
        assert "Открыть сбор предложений" not in client.get(f"/planview/show/{pk}").text
        assert client.post(f"/plans/actions/collect/{pk}", data={"version": 1}).status_code == 403
        assert client.get("/planitemview/add").status_code == 403


def test_approving_needs_the_act_number_and_date(app):
    with app.app_context():
        plan = f.plan(2026, status=PlanStatus.DRAFT)
        f.item(plan)
        f.move_to(plan, PlanStatus.ON_APPROVAL)
        db.session.commit()
        pk = plan.id
    client = login_client(app, "plans")
    refused = client.post(
        f"/plans/actions/approve/{pk}", data={"version": _version(app, Plan, pk), "approved_on": "20.12.2025"}
    )
    assert "Заполните это поле" in refused.text
    done = client.post(
        f"/plans/actions/approve/{pk}",
        data={"version": _version(app, Plan, pk), "act_no": "1234-р", "approved_on": "20.12.2025"},
    )
    assert done.status_code == 302
    with app.app_context():
        plan = db.session.get(Plan, pk)
        assert (plan.status, plan.approved_act_no, plan.approved_on) == ("approved", "1234-р", D(2025, 12, 20))


# ---- marks: the responsible body's, never a co-executor's --------------------------------------------------


@pytest.fixture
def approved_item(app: Flask) -> dict[str, int]:
    with app.app_context():
        plan = f.plan(2026)
        item = f.item(plan, "udkh", 2, co_executors=[body_by_code("culture")])
        foreign = f.item(plan, "kumi", 2)
        f.move_to(plan, PlanStatus.APPROVED)
        db.session.commit()
        return {"plan": plan.id, "item": item.id, "foreign": foreign.id}


def test_the_responsible_body_marks_its_item_done(app, approved_item):
    pk = approved_item["item"]
    clerk = login_client(app, "udkh")
    card = clerk.get(f"/planitemview/show/{pk}").text
    assert all(label in card for label in ("Исполнено", "Перенести", "Отменить", "Не исполнено"))
    done = clerk.post(
        f"/plans/items/actions/done/{pk}",
        data={"version": _version(app, PlanItem, pk), "done_on": "20.02.2026", "result": "Рассмотрено на Совете"},
    )
    assert done.status_code == 302
    with app.app_context():
        item = db.session.get(PlanItem, pk)
        assert (item.status, item.done_on, item.marked_by.username) == ("done", D(2026, 2, 20), "udkh")
    assert "/plans/items/actions/" not in clerk.get(f"/planitemview/show/{pk}").text


def test_a_co_executing_body_sees_the_item_but_never_marks_it(app, approved_item):
    pk = approved_item["item"]
    culture = login_client(app, "culture")
    card = culture.get(f"/planitemview/show/{pk}")
    assert card.status_code == 200 and "/plans/items/actions/" not in card.text
    assert culture.get(f"/plans/items/actions/done/{pk}").status_code == 403
    assert (
        culture.post(
            f"/plans/items/actions/done/{pk}", data={"version": 1, "done_on": "20.02.2026", "result": "x"}
        ).status_code
        == 403
    )
    listed = culture.get("/planitemview/list/").text
    assert re.search(rf"/planitemview/show/{pk}\b", listed)


def test_another_bodys_item_is_not_found(app, approved_item):
    clerk = login_client(app, "udkh")
    pk = approved_item["foreign"]
    assert clerk.get(f"/planitemview/show/{pk}").status_code == 404
    assert clerk.post(f"/plans/items/actions/cancel/{pk}", data={"version": 1, "reason": "x"}).status_code == 404


def test_a_mark_refused_by_its_rule_says_why_and_saves_nothing(app, approved_item):
    pk = approved_item["item"]
    clerk = login_client(app, "udkh")
    future = (local_today() + dt.timedelta(days=5)).strftime("%d.%m.%Y")
    refused = clerk.post(
        f"/plans/items/actions/done/{pk}",
        data={"version": _version(app, PlanItem, pk), "done_on": future, "result": "x"},
    )
    assert refused.status_code == 200 and "не может быть позже сегодняшней" in refused.text
    with app.app_context():
        assert db.session.get(PlanItem, pk).status == "planned"


def test_moving_through_the_form_offers_later_plans_only(app, approved_item):
    with app.app_context():
        later = f.plan(2027)
        db.session.commit()
        later_id = later.id
    pk = approved_item["item"]
    coordinator = login_client(app, "plans")
    form = coordinator.get(f"/plans/items/actions/move/{pk}").text
    assert "План работы администрации города Новокузнецка на 2027 год" in form
    moved = coordinator.post(
        f"/plans/items/actions/move/{pk}",
        data={
            "version": _version(app, PlanItem, pk),
            "target": later_id,
            "planned_month": "3",
            "reason": "Нет средств",
        },
    )
    assert moved.status_code == 302
    with app.app_context():
        item = db.session.get(PlanItem, pk)
        assert (item.status, item.moved_to_item.plan_id, item.moved_to_item.due_date) == (
            "moved",
            later_id,
            D(2027, 3, 31),
        )


# ---- presets and counters -----------------------------------------------------------------------------------


def test_the_month_and_unmarked_lists_and_their_counters_agree(app):
    from flask import g
    from flask_login import login_user

    from app.core.workspace import count, counters_for

    today = local_today()
    with app.app_context():
        plan = f.plan(today.year)
        this_month = f.item(plan, "udkh", today.month, title="Срок в этом месяце")
        earlier = f.item(plan, "udkh", max(1, today.month - 1), title="Срок прошёл") if today.month > 1 else None
        f.item(plan, "kumi", today.month, title="Чужой орган")
        f.move_to(plan, PlanStatus.APPROVED)
        db.session.commit()
        this_month_id = this_month.id
    clerk = login_client(app, "udkh")
    month = clerk.get("/planitemview/list/?preset=month").text
    assert "Пункты планов со сроком в этом месяце" in month and "Срок в этом месяце" in month
    assert "Чужой орган" not in month
    unmarked = clerk.get("/planitemview/list/?preset=unmarked").text
    assert ("Срок прошёл" in unmarked) is (earlier is not None)
    with app.test_request_context("/"):
        user = f.user(app, "udkh")
        login_user(user)
        g.user = user
        values = {v.counter.key: v for v in (count(c) for c in counters_for(user)) if v.counter.domain == "plans"}
        assert values["plans.month"].count == 1 and values["plans.month"].url.endswith("?preset=month")
        assert values["plans.unmarked"].count == (1 if earlier is not None else 0)
        assert "plans.to_agree" not in values
    with app.app_context():
        mark_done(db.session.get(PlanItem, this_month_id), today, "Рассмотрено")
        db.session.commit()
    assert "Срок в этом месяце" in clerk.get("/planitemview/list/?preset=month").text  # still this month's, marked


def test_an_annual_item_watched_through_its_copy_is_listed_once(app):
    today = local_today()
    with app.app_context():
        annual = f.plan(today.year)
        f.item(annual, "udkh", today.month, title="Один вопрос")
        f.move_to(annual, PlanStatus.APPROVED)
        build_quarter(annual, (today.month - 1) // 3 + 1)
        db.session.commit()
    page = login_client(app, "plans").get("/planitemview/list/?preset=month").text
    assert page.count("Один вопрос") == 1


# ---- REST ------------------------------------------------------------------------------------------------


def test_rest_creates_a_plan_with_its_terms_and_lists_items_in_scope(app, approved_item):
    coordinator = login_client(app, "plans")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', coordinator.get("/planview/add").text)
    headers = {"X-CSRFToken": token.group(1)} if token else {}
    created = coordinator.post("/api/v1/plan/", json={"kind": "annual", "year": 2028}, headers=headers)
    assert created.status_code == 201, created.text
    shown = coordinator.get(f"/api/v1/plan/{created.json['id']}").json["result"]
    assert (shown["proposals_due"], shown["note_due"], shown["status"]) == ("2027-12-01", "2029-01-10", "draft")
    listed = login_client(app, "udkh").get("/api/v1/planitem/?q=(page_size:100)").json["result"]
    assert {row["id"] for row in listed} == {approved_item["item"]}
    assert login_client(app, "udkh").get(f"/api/v1/planitem/{approved_item['foreign']}").status_code == 404


def test_rest_refuses_an_item_outside_the_plans_period(app, approved_item):
    with app.app_context():
        open_plan = f.plan(2027)
        db.session.commit()
        plan_id, section, body = open_plan.id, section_by_code("head").id, body_by_code("kumi").id
    coordinator = login_client(app, "plans")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', coordinator.get("/planview/add").text)
    headers = {"X-CSRFToken": token.group(1)} if token else {}
    payload = {"plan": plan_id, "section": section, "title": "Отчёт", "responsible_body": body, "planned_month": 13}
    refused = coordinator.post("/api/v1/planitem/", json=payload, headers=headers)
    assert refused.status_code == 422 and "Месяц должен быть в периоде плана" in refused.json["message"]
    made = coordinator.post("/api/v1/planitem/", json={**payload, "planned_month": 6}, headers=headers)
    assert made.status_code == 201, made.text
    assert coordinator.get(f"/api/v1/planitem/{made.json['id']}").json["result"]["due_date"] == "2027-06-30"
