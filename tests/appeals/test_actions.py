"""The appeal actions in the UI: forms that call the services, within the row scope, refusals beside the form."""

from __future__ import annotations

import datetime as dt

import pytest
from flask import Flask, g, render_template
from flask_login import login_user
from sqlalchemy import select

from app.appeals.action_views import AppealActionsView, register
from app.appeals.models import Appeal, AppealStatus
from app.appeals.reference.models import AppealResult, Channel
from app.appeals.services import QuestionInput, answer_appeal, register_appeal, set_result
from app.extensions import db
from app.org.services import body_by_code
from tests.conftest import login_client, make_test_app

HOUSING = "0005.0005.0055.1122"
IMPROVEMENT = "0003.0009.0097.0689"
ACTIONS = ("assign", "extend", "answer", "forward", "copies", "close", "withdraw")


@pytest.fixture(scope="session")
def actions_app(app: Flask, database_url: str) -> Flask:
    """create_app's own app once it registers the actions, else one of ours with them."""
    if any(isinstance(view, AppealActionsView) for view in app.appbuilder.baseviews):
        return app
    application = make_test_app(database_url)
    with application.app_context():
        register(application.appbuilder)
    return application


def _new_appeal(app: Flask, body: str = "appeals", questions=(HOUSING,), answered: bool = False) -> int:
    with app.app_context():
        appeal = register_appeal(
            channel=db.session.scalar(select(Channel).where(Channel.code == "letter")),
            received_date=dt.date(2025, 3, 3),
            reg_date=dt.date(2025, 3, 3),
            summary="Ремонт кровли дома",
            receiving_body=body_by_code(body),
            questions=[QuestionInput(code) for code in questions],
            applicant_last_name="Петров",
        )
        if answered:
            for question in appeal.questions:
                set_result(question, _result("explained"))
            answer_appeal(appeal, "01-12/1", dt.date(2025, 3, 10), "post", "Кузнецов С. В.")
        db.session.commit()
        return appeal.id


def _result(code: str) -> AppealResult:
    return db.session.scalar(select(AppealResult).where(AppealResult.code == code))


def _state(app: Flask, pk: int) -> dict:
    with app.app_context():
        appeal = db.session.get(Appeal, pk)
        return {
            "status": appeal.status,
            "version": appeal.version,
            "closed_on": appeal.closed_on,
            "due_date": appeal.due_date,
            "answer_number": appeal.answer_number,
            "answer_method": appeal.answer_method,
            "results": {q.classifier_code: q.result.code if q.result else None for q in appeal.questions},
            "questions": {q.classifier_code: q.id for q in appeal.questions},
            "result_ids": {r.code: r.id for r in db.session.scalars(select(AppealResult))},
        }


def _answer_data(state: dict, results: dict[str, str]) -> dict:
    data = {
        "version": state["version"],
        "answer_number": "01-12/345",
        "answer_date": "20.03.2025",
        "method": "post",
        "signed_by": "Кузнецов С. В.",
    }
    for code, question_id in state["questions"].items():
        data[f"result_{question_id}"] = str(state["result_ids"][results[code]]) if code in results else ""
    return data


def test_clerk_sets_both_results_and_answers_in_one_form_and_the_appeal_closes_on_the_answer_date(actions_app):
    pk = _new_appeal(actions_app, questions=(HOUSING, IMPROVEMENT))
    client = login_client(actions_app, "appeals")
    page = client.get(f"/appeals/actions/answer/{pk}").text
    assert HOUSING in page and IMPROVEMENT in page and "Поддержано" in page

    data = _answer_data(_state(actions_app, pk), {HOUSING: "explained", IMPROVEMENT: "supported"})
    response = client.post(f"/appeals/actions/answer/{pk}", data=data)

    assert response.status_code == 302 and response.headers["Location"].endswith(f"/appealview/show/{pk}")
    state = _state(actions_app, pk)
    assert (state["status"], state["closed_on"], state["answer_number"], state["answer_method"]) == (
        AppealStatus.ANSWERED,
        dt.date(2025, 3, 20),
        "01-12/345",
        "post",
    )
    assert state["results"] == {HOUSING: "explained", IMPROVEMENT: "supported"}


def test_an_answer_with_a_question_lacking_a_result_is_refused_with_the_rule_and_nothing_is_saved(actions_app):
    pk = _new_appeal(actions_app, questions=(HOUSING, IMPROVEMENT))
    client = login_client(actions_app, "appeals")
    before = _state(actions_app, pk)

    page = client.post(f"/appeals/actions/answer/{pk}", data=_answer_data(before, {HOUSING: "explained"})).text

    assert f"Нельзя закрыть как отвеченное: нет результата по вопросам {IMPROVEMENT}" in page
    assert 'value="01-12/345"' in page and 'value="20.03.2025"' in page  # what the clerk typed is kept
    after = _state(actions_app, pk)
    assert (after["status"], after["answer_number"], after["version"]) == (AppealStatus.REGISTERED, None, 1)
    assert after["results"] == {HOUSING: None, IMPROVEMENT: None}  # the one result given was not saved either


def test_a_second_extension_is_refused_and_the_extended_due_date_stays(actions_app):
    pk = _new_appeal(actions_app)  # due 02.04.2025
    client = login_client(actions_app, "appeals")
    data = {"days": "30", "reason": "Запрос документов в КУМИ", "notified_on": "25.03.2025"}

    first = client.post(f"/appeals/actions/extend/{pk}", data={**data, "version": _state(actions_app, pk)["version"]})
    assert first.status_code == 302
    extended = _state(actions_app, pk)
    assert (extended["status"], extended["due_date"]) == (AppealStatus.EXTENDED, dt.date(2025, 4, 30))

    page = client.post(f"/appeals/actions/extend/{pk}", data={**data, "version": extended["version"]}).text
    assert "Срок рассмотрения уже продлевался: повторное продление не допускается" in page
    assert _state(actions_app, pk)["due_date"] == dt.date(2025, 4, 30)


def test_an_extension_beyond_30_days_is_refused(actions_app):
    pk = _new_appeal(actions_app)
    client = login_client(actions_app, "appeals")
    data = {"days": "31", "reason": "Запрос", "notified_on": "25.03.2025", "version": "1"}
    page = client.post(f"/appeals/actions/extend/{pk}", data=data).text
    assert "30" in page and 'value="31"' in page
    assert _state(actions_app, pk)["due_date"] == dt.date(2025, 4, 2)


def test_a_district_clerk_gets_404_for_another_districts_appeal_on_every_action(actions_app):
    foreign = _new_appeal(actions_app, body="district-central")
    own = _new_appeal(actions_app, body="district-zavodskoy")
    client = login_client(actions_app, "zavodskoy")
    for action in ACTIONS:
        assert client.get(f"/appeals/actions/{action}/{foreign}").status_code == 404, action
        assert client.post(f"/appeals/actions/{action}/{foreign}", data={"version": "1"}).status_code == 404, action
        assert client.get(f"/appeals/actions/{action}/{own}").status_code == 200, action
    response = client.post(f"/appeals/actions/withdraw/{foreign}", data={"version": "1", "withdrawn_on": "05.03.2025"})
    assert response.status_code == 404
    assert _state(actions_app, foreign)["status"] == AppealStatus.REGISTERED


def test_annulled_and_missing_appeals_are_not_found(actions_app):
    pk = _new_appeal(actions_app)
    with actions_app.app_context():
        db.session.get(Appeal, pk).annulled_at = dt.datetime(2025, 3, 4, 3, 0)
        db.session.commit()
    client = login_client(actions_app, "appeals")
    assert client.get(f"/appeals/actions/withdraw/{pk}").status_code == 404
    assert client.get("/appeals/actions/withdraw/999999").status_code == 404


def test_a_supervisor_reads_appeals_but_gets_403_on_the_actions(actions_app):
    pk = _new_appeal(actions_app)
    client = login_client(actions_app, "supervisor")
    for action in ACTIONS:
        assert client.get(f"/appeals/actions/{action}/{pk}").status_code == 403, action
    response = client.post(f"/appeals/actions/withdraw/{pk}", data={"version": "1", "withdrawn_on": "05.03.2025"})
    assert response.status_code == 403
    assert _state(actions_app, pk)["status"] == AppealStatus.REGISTERED


def test_withdrawal_after_the_answer_is_refused_by_the_state_machine(actions_app):
    pk = _new_appeal(actions_app, answered=True)
    client = login_client(actions_app, "appeals")
    data = {"version": _state(actions_app, pk)["version"], "withdrawn_on": "12.03.2025"}
    page = client.post(f"/appeals/actions/withdraw/{pk}", data=data).text
    assert "Действие «Отзыв заявителем» недоступно для обращения в статусе «Дан ответ»" in page
    state = _state(actions_app, pk)
    assert (state["status"], state["closed_on"]) == (AppealStatus.ANSWERED, dt.date(2025, 3, 10))


def test_a_date_typed_day_first_is_stored_as_that_day(actions_app):
    pk = _new_appeal(actions_app)
    client = login_client(actions_app, "appeals")
    response = client.post(f"/appeals/actions/withdraw/{pk}", data={"version": "1", "withdrawn_on": "05.03.2025"})
    assert response.status_code == 302
    state = _state(actions_app, pk)
    assert (state["status"], state["closed_on"]) == (AppealStatus.WITHDRAWN, dt.date(2025, 3, 5))


def test_a_bad_date_is_shown_beside_its_field_and_nothing_is_saved(actions_app):
    pk = _new_appeal(actions_app)
    client = login_client(actions_app, "appeals")
    page = client.post(f"/appeals/actions/withdraw/{pk}", data={"version": "1", "withdrawn_on": "31.02.2025"}).text
    assert "Дата должна быть в формате ДД.ММ.ГГГГ" in page and 'value="31.02.2025"' in page
    assert _state(actions_app, pk)["status"] == AppealStatus.REGISTERED


def test_an_action_on_a_card_changed_meanwhile_is_refused(actions_app):
    pk = _new_appeal(actions_app)
    client = login_client(actions_app, "appeals")
    stale = {"version": "1", "withdrawn_on": "05.03.2025"}
    client.post(
        f"/appeals/actions/extend/{pk}",
        data={"version": "1", "days": "10", "reason": "Запрос", "notified_on": "04.03.2025"},
    )
    page = client.post(f"/appeals/actions/withdraw/{pk}", data=stale).text
    assert "Запись уже изменена другим пользователем" in page
    assert _state(actions_app, pk)["status"] == AppealStatus.EXTENDED


def test_forward_inside_the_administration_hands_the_appeal_to_the_target_body(actions_app):
    pk = _new_appeal(actions_app)
    with actions_app.app_context():
        kgkh = body_by_code("kgkh").id
    client = login_client(actions_app, "appeals")
    response = client.post(
        f"/appeals/actions/forward/{pk}", data={"version": "1", "target": str(kgkh), "forwarded_on": "05.03.2025"}
    )
    assert response.status_code == 302
    with actions_app.app_context():
        appeal = db.session.get(Appeal, pk)
        assert (appeal.responsible_body.code, appeal.forwarded_on) == ("kgkh", dt.date(2025, 3, 5))


def test_forward_form_sends_copies_and_the_card_lists_them(actions_app, app):
    pk = _new_appeal(actions_app)
    with actions_app.app_context():
        kgkh, kumi, culture = (body_by_code(code).id for code in ("kgkh", "kumi", "culture"))
    client = login_client(actions_app, "appeals")
    data = {"version": "1", "target": str(kgkh), "copies": [str(kumi), str(culture)], "forwarded_on": "05.03.2025"}
    assert client.post(f"/appeals/actions/forward/{pk}", data=data).status_code == 302
    with actions_app.app_context():
        appeal = db.session.get(Appeal, pk)
        assert sorted(c.body.code for c in appeal.copies) == ["culture", "kumi"]
        assert appeal.responsible_body.code == "kgkh"
    # A second copy to the same body is refused beside the field; nothing more is saved.
    page = client.post(
        f"/appeals/actions/copies/{pk}", data={"version": "2", "copies": [str(kumi)], "sent_on": "06.03.2025"}
    )
    assert page.status_code == 200 and "уже направлялась" in page.text
    with actions_app.app_context():
        assert len(db.session.get(Appeal, pk).copies) == 2
    if actions_app is app:  # the «Копии» tab comes with the card once create_app registers it
        card = client.get(f"/appealview/show/{pk}").text
        assert "Копии обращения" in card and "КУМИ" in card  # bodies show by their short name


def _buttons(app: Flask, username: str, pk: int) -> str:
    with app.test_request_context():
        user = app.appbuilder.sm.find_user(username=username)
        login_user(user)
        g.user = user  # FAB's has_access reads g.user, set by its before_request in a real request
        return render_template("appeals/_actions.html", pk=pk)


def test_the_card_shows_the_buttons_the_status_allows_and_only_to_writers(actions_app):
    open_pk = _new_appeal(actions_app)
    answered_pk = _new_appeal(actions_app, answered=True)

    buttons = _buttons(actions_app, "appeals", open_pk)
    for label, action in [
        ("Назначить исполнителя", "assign"),
        ("Дать ответ", "answer"),
        ("Отзыв заявителем", "withdraw"),
    ]:
        assert label in buttons and f"/appeals/actions/{action}/{open_pk}" in buttons
    assert _buttons(actions_app, "appeals", answered_pk).strip() == ""
    assert _buttons(actions_app, "supervisor", open_pk).strip() == ""


def test_a_leaving_executors_open_appeals_go_to_another_in_one_step(app, login):
    from app.appeals.models import Appeal
    from app.appeals.services import assign_executor
    from app.demo import DEMO_PASSWORD
    from app.org.services import set_profile
    from app.security import APPEALS_CLERK, ScopeLevel
    from tests.appeals.test_appeal_card import _appeal

    with app.app_context():
        sm = app.appbuilder.sm
        leaving = sm.find_user(username="appeals")
        # A colleague of the same department who works appeals: the appeals' rule lets him take them.
        staying = sm.add_user(
            "appeals2", "Анна", "Белова", "a2@example.org", sm.find_role(APPEALS_CLERK), DEMO_PASSWORD
        )
        set_profile(staying, body_by_code("appeals"), "Специалист", ScopeLevel.CITY)
        open_one, other = _appeal(), _appeal()
        assign_executor(open_one, leaving)
        assign_executor(other, staying)
        closed = _appeal()
        assign_executor(closed, leaving)
        closed.status = "answered"
        db.session.commit()
        ids = (open_one.id, other.id, closed.id)
        leaving_id, staying_id = leaving.id, staying.id
    client = login("appeals")
    assert "Передать обращения другому исполнителю" in client.get("/appealview/list/").text
    with app.app_context():
        control_id = app.appbuilder.sm.find_user(username="control").id
    # The control officer does not work appeals: nothing is handed to him, and the page says why.
    refused = client.post("/appeals/actions/reassign", data={"from_executor": leaving_id, "to_executor": control_id})
    assert refused.status_code == 200 and "Передано обращений" not in refused.text
    assert "Неверный вариант" in refused.text  # he is not even offered
    # The road department's clerk works appeals, but not these (their body is the appeals department).
    with app.app_context():
        udkh_id = app.appbuilder.sm.find_user(username="udkh").id
        number = db.session.get(Appeal, ids[0]).reg_number
    foreign = client.post("/appeals/actions/reassign", data={"from_executor": leaving_id, "to_executor": udkh_id})
    assert f"не может быть исполнителем обращений {number}" in foreign.text
    assert "Ничего не передано" in foreign.text
    with app.app_context():
        assert db.session.get(Appeal, ids[0]).executor_id == leaving_id
    response = client.post(
        "/appeals/actions/reassign",
        data={"from_executor": leaving_id, "to_executor": staying_id},
        follow_redirects=True,
    )
    assert "Передано обращений: 1" in response.text
    with app.app_context():
        assert [db.session.get(Appeal, pk).executor_id for pk in ids] == [staying_id, staying_id, leaving_id]
    same = client.post("/appeals/actions/reassign", data={"from_executor": staying_id, "to_executor": staying_id})
    assert "Выберите другого исполнителя" in same.text
    assert login("supervisor").get("/appeals/actions/reassign").status_code == 403


def test_drop_downs_and_lookups_offer_only_appeals_the_user_may_see(app):
    own = _new_appeal(app, body="district-zavodskoy")
    foreign = _new_appeal(app, body="district-central")
    with app.app_context():
        numbers = {pk: db.session.get(Appeal, pk).reg_number for pk in (own, foreign)}
    clerk = login_client(app, "zavodskoy")
    found = {row["id"] for row in clerk.get("/appealview/related/previous_appeal?q=").json["result"]}
    assert own in found and foreign not in found
    # The add forms' drop-downs too: a question can't be hung on another district's appeal.
    assert numbers[foreign] not in clerk.get("/appealquestionview/add").text
    assert numbers[own] in clerk.get("/appealquestionview/add").text
    supervisor = login_client(app, "supervisor")
    assert {own, foreign} <= {row["id"] for row in supervisor.get("/appealview/related/previous_appeal").json["result"]}


def test_a_copy_is_titled_by_part_4_of_article_8_the_forward_being_part_3(actions_app, app):
    pk = _new_appeal(actions_app)
    with actions_app.app_context():
        kgkh, kumi = (body_by_code(code).id for code in ("kgkh", "kumi"))
    client = login_client(actions_app, "appeals")
    data = {"version": "1", "target": str(kgkh), "copies": [str(kumi)], "forwarded_on": "05.03.2025"}
    assert client.post(f"/appeals/actions/forward/{pk}", data=data).status_code == 302
    with actions_app.app_context():
        copy_id = db.session.get(Appeal, pk).copies[0].id
    if actions_app is app:
        page = client.get(f"/appealcopyview/show/{copy_id}").text
        assert "Копия обращения (ч. 4 ст. 8 59-ФЗ)" in page
        assert "ч. 3 ст. 8" not in page
