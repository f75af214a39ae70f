"""Row scope on a scoped model (officials, scoped by their body) through every door.

A user with full rights on officials (a role composed by an Admin in the UI) but a
profile scoped to the Заводской district must not see, open, change, delete, act on
or create officials of another district — in the UI or the REST API.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.org.models import Body, Official
from app.org.services import set_profile
from app.security import ScopeLevel
from tests.conftest import login_client

PASSWORD = "Zavodskoy-Editor-1"


def _body(code: str) -> Body:
    return db.session.scalar(select(Body).where(Body.code == code))


def _official_of(username: str) -> Official:
    return db.session.scalar(select(Official).join(Official.user).where(Official.user.has(username=username)))


@pytest.fixture
def editor(app):
    """A district-scoped user whose custom (database) role may read, write and delete officials."""
    with app.app_context():
        sm = app.appbuilder.sm
        role = sm.add_role("OfficialsEditor")
        for perm in ("can_read", "can_write", "can_delete"):
            sm.add_permission_role(role, sm.find_permission_view_menu(perm, "Official"))
        user = sm.add_user("zav_editor", "Антон", "Редакторов", "ze@example.org", role, PASSWORD)
        set_profile(user, _body("district-zavodskoy"), "Кадровик", ScopeLevel.DISTRICT)
        newcomer = sm.add_user("newcomer", "Инна", "Новикова", "nc@example.org", sm.find_role("Supervisor"), PASSWORD)
        ids = {
            "own": _official_of("zavodskoy").id,
            "foreign": _official_of("central").id,
            "own_body": _body("district-zavodskoy").id,
            "foreign_body": _body("district-central").id,
            "user_id": newcomer.id,  # a user without a profile yet
        }
        db.session.commit()
    return login_client(app, "zav_editor", PASSWORD), ids


def _position(app, official_id: int) -> str | None:
    with app.app_context():
        official = db.session.get(Official, official_id)
        return official.position if official else None


def test_list_shows_only_own_district(editor):
    client, _ = editor
    page = client.get("/officialview/list/").text
    assert "Ольга Иванова" in page  # Заводской district administration
    assert "Дмитрий Смирнов" not in page  # Центральный


def test_foreign_row_is_404_on_show_edit_and_delete(app, editor):
    client, ids = editor
    foreign = ids["foreign"]
    assert client.get(f"/officialview/show/{foreign}").status_code == 404
    assert client.get(f"/officialview/edit/{foreign}").status_code == 404
    response = client.post(f"/officialview/edit/{foreign}", data={"position": "Взломано"})
    assert response.status_code == 404
    assert client.post(f"/officialview/delete/{foreign}").status_code == 404
    assert _position(app, foreign) == "Специалист администрации Центрального района"


def test_own_row_opens(editor):
    client, ids = editor
    response = client.get(f"/officialview/show/{ids['own']}")
    assert response.status_code == 200
    assert "Специалист администрации Заводского района" in response.text


def test_action_on_foreign_row_is_404_and_changes_nothing(app, editor):
    client, ids = editor
    response = client.post(
        "/officialview/action_post", data={"action": "deactivate", "rowid": [ids["own"], ids["foreign"]]}
    )
    assert response.status_code == 404
    with app.app_context():
        assert db.session.get(Official, ids["foreign"]).is_active is True
        assert db.session.get(Official, ids["own"]).is_active is True


def test_action_on_own_row_works(app, editor):
    client, ids = editor
    response = client.post("/officialview/action_post", data={"action": "deactivate", "rowid": [ids["own"]]})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Official, ids["own"]).is_active is False


def test_unknown_action_is_404(editor):
    client, ids = editor
    response = client.post("/officialview/action_post", data={"action": "nosuch", "rowid": [ids["own"]]})
    assert response.status_code == 404


def test_form_cannot_create_an_official_in_another_district(app, editor):
    client, ids = editor
    with app.app_context():
        before = db.session.scalar(select(func.count()).select_from(Official))
    response = client.post(
        "/officialview/add",
        data={
            "user": ids["user_id"],
            "body": ids["foreign_body"],
            "position": "Специалист",
            "scope_level": "body",
        },
    )
    assert response.status_code == 200  # the form comes back with the error beside the field
    assert "Специалист" in response.text  # what the user typed is kept
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Official)) == before


def test_body_drop_down_offers_only_bodies_in_scope(editor):
    client, _ = editor
    page = client.get("/officialview/add").text
    assert "Адм. Заводского р-на" in page
    assert "Адм. Центрального р-на" not in page


def test_rest_get_list_put_delete_of_foreign_row(app, editor):
    client, ids = editor
    listed = client.get("/api/v1/official/").json
    # The clerk's and the editor's own profiles: both in the Заводской district administration.
    assert {row["body_id"] for row in listed["result"]} == {ids["own_body"]}
    assert listed["count"] == 2
    assert ids["foreign"] not in {row["id"] for row in listed["result"]}
    assert client.get(f"/api/v1/official/{ids['foreign']}").status_code == 404
    assert client.put(f"/api/v1/official/{ids['foreign']}", json={"position": "X"}).status_code == 404
    assert client.delete(f"/api/v1/official/{ids['foreign']}").status_code == 404
    assert _position(app, ids["foreign"]) == "Специалист администрации Центрального района"


def test_rest_post_naming_a_foreign_body_is_422_with_message(app, editor):
    client, ids = editor
    response = client.post(
        "/api/v1/official/",
        json={
            "user": ids["user_id"],
            "body": ids["foreign_body"],
            "position": "Специалист",
            "scope_level": "body",
        },
    )
    assert response.status_code == 422
    assert "вне вашей области видимости" in str(response.json["message"])
    with app.app_context():
        assert (
            db.session.scalar(select(func.count()).select_from(Official).where(Official.user_id == ids["user_id"])) == 0
        )


def test_rest_put_moving_own_row_to_a_foreign_body_is_422(app, editor):
    client, ids = editor
    with app.app_context():
        version = db.session.get(Official, ids["own"]).version
    response = client.put(f"/api/v1/official/{ids['own']}", json={"body": ids["foreign_body"], "version": version})
    assert response.status_code == 422
    assert "вне вашей области видимости" in response.json["message"]
    with app.app_context():
        assert db.session.get(Official, ids["own"]).body_id == ids["own_body"]


def test_rest_post_inside_own_district_works(app, editor):
    client, ids = editor
    response = client.post(
        "/api/v1/official/",
        json={
            "user": ids["user_id"],
            "body": ids["own_body"],
            "position": "Специалист",
            "scope_level": "body",
        },
    )
    assert response.status_code == 201, response.json
    with app.app_context():
        assert db.session.get(Official, response.json["id"]).body_id == ids["own_body"]


def test_district_clerk_sees_only_own_district_and_cannot_write(login, app):
    client = login("zavodskoy")
    with app.app_context():
        foreign = _official_of("central").id
    assert "Дмитрий Смирнов" not in client.get("/officialview/list/").text
    assert client.get(f"/officialview/show/{foreign}").status_code == 404
    assert client.get(f"/api/v1/official/{foreign}").status_code == 404
    assert client.post("/api/v1/official/", json={"position": "x"}).status_code == 403


def test_user_without_profile_sees_no_scoped_rows(app):
    with app.app_context():
        sm = app.appbuilder.sm
        sm.add_user("newbie", "Новый", "Сотрудник", "nb@example.org", sm.find_role("Supervisor"), PASSWORD)
        some = _official_of("central").id
        db.session.commit()
    client = login_client(app, "newbie", PASSWORD)
    assert client.get("/api/v1/official/").json["count"] == 0
    assert client.get(f"/officialview/show/{some}").status_code == 404
    # Unscoped reference data (the org chart itself) stays readable.
    assert client.get("/api/v1/district/").json["count"] == 6


def test_jwt_api_login_gets_the_same_scope(app, editor):
    _, ids = editor
    client = app.test_client()
    token = client.post(
        "/api/v1/security/login", json={"username": "zav_editor", "password": PASSWORD, "provider": "db"}
    ).json["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get(f"/api/v1/official/{ids['foreign']}", headers=headers).status_code == 404
    assert client.get(f"/api/v1/official/{ids['own']}", headers=headers).status_code == 200


def test_nobody_widens_their_own_scope(app, editor):
    client, _ = editor
    with app.app_context():
        own = db.session.scalar(select(Official).where(Official.user.has(username="zav_editor")))
        pk, version = own.id, own.version
    response = client.put(f"/api/v1/official/{pk}", json={"scope_level": "city", "version": version})
    assert response.status_code == 403
    assert "только администратор" in response.json["message"]
    with app.app_context():
        assert db.session.get(Official, pk).scope_level == "district"
    assert client.get("/api/v1/official/").json["count"] == 2


def test_a_profile_wider_than_the_granters_own_is_refused(app, editor):
    client, ids = editor
    with app.app_context():
        version = db.session.get(Official, ids["own"]).version
    response = client.put(f"/api/v1/official/{ids['own']}", json={"scope_level": "city", "version": version})
    assert response.status_code == 403
    assert "шире своей" in response.json["message"]
    allowed = client.put(f"/api/v1/official/{ids['own']}", json={"scope_level": "body", "version": version})
    assert allowed.status_code == 200


def test_only_admin_moves_bodies_in_the_org_tree(app):
    with app.app_context():
        sm = app.appbuilder.sm
        role = sm.add_role("BodyEditor")
        sm.add_permission_role(role, sm.find_permission_view_menu("can_write", "Body"))
        sm.add_permission_role(role, sm.find_permission_view_menu("can_read", "Body"))
        user = sm.add_user("body_editor", "Борис", "Органов", "be@example.org", role, PASSWORD)
        set_profile(user, _body("district-zavodskoy"), "Специалист", ScopeLevel.DISTRICT)
        body = _body("kgkh")
        pk, version, parent = body.id, body.version, _body("district-zavodskoy").id
        db.session.commit()
    client = login_client(app, "body_editor", PASSWORD)
    response = client.put(f"/api/v1/body/{pk}", json={"parent": parent, "version": version})
    assert response.status_code == 403
    assert client.put(f"/api/v1/body/{pk}", json={"phone": "1", "version": version}).status_code == 200
    with app.app_context():
        assert db.session.get(Body, pk).parent_id != parent
