"""Admins manage users, roles and profiles in FAB's security UI — in Russian, with the password policy."""

from __future__ import annotations

import re

from sqlalchemy import select

from app.extensions import db
from app.org.models import Body, Official
from tests.conftest import login_client


def _role_id(app, name: str) -> int:
    with app.app_context():
        return app.appbuilder.sm.find_role(name).id


def _user_form(app, password: str) -> dict:
    return {
        "first_name": "Пётр",
        "last_name": "Сидоров",
        "username": "sidorov",
        "email": "sidorov@example.org",
        "active": "y",
        "roles": [_role_id(app, "DistrictClerk")],
        "password": password,
        "conf_password": password,
    }


def test_weak_password_is_refused_beside_the_field(app, login):
    admin = login("admin")
    response = admin.post("/users/add", data=_user_form(app, "12345"))
    assert response.status_code == 200
    assert "Пароль слишком простой" in response.text
    assert 'value="sidorov"' in response.text
    with app.app_context():
        assert app.appbuilder.sm.find_user(username="sidorov") is None


def test_admin_creates_a_user_then_a_profile_and_the_user_gets_that_scope(app, login):
    admin = login("admin")
    assert admin.post("/users/add", data=_user_form(app, "Sidorov-Pass-2026")).status_code == 302
    with app.app_context():
        user = app.appbuilder.sm.find_user(username="sidorov")
        body = db.session.scalar(select(Body).where(Body.code == "district-kuznetsky"))
        user_id, body_id = user.id, body.id
    # The user's edit page carries the profile list beside the roles (a related view).
    edit_page = admin.get(f"/users/edit/{user_id}").text
    assert "Должностные лица" in edit_page
    response = admin.post(
        "/officialview/add",
        data={"user": user_id, "body": body_id, "position": "Специалист", "scope_level": "district", "is_active": "y"},
    )
    assert response.status_code == 302
    client = login_client(app, "sidorov", "Sidorov-Pass-2026")
    listed = client.get("/api/v1/official/").json["result"]
    assert {row["body_id"] for row in listed} == {body_id}
    with app.app_context():
        assert db.session.scalar(select(Official).where(Official.user_id == user_id)).scope_level == "district"


def test_role_form_offers_the_permission_list_without_regex_rows(login):
    page = login("admin").get("/roles/add").text
    options = re.findall(r"<option[^>]*>([^<]*)</option>", page)
    assert {"can read on Official", "can write on Official", "can access on PersonalData"} <= set(options)
    assert not [o for o in options if "^" in o]


def test_staff_see_their_own_user_info(login):
    response = login("zavodskoy").get("/users/userinfo/")
    assert response.status_code == 200
    assert "Иванова" in response.text


def test_security_pages_are_russian(login):
    page = login("admin").get("/users/list/").text
    assert "Список пользователей" in page
    assert "Имя пользователя" in page or "Логин" in page


def test_the_user_form_offers_roles_by_russian_label_with_russian_help(login):
    page = login("admin").get("/users/add").text
    assert ">Специалист администрации района (DistrictClerk)<" in page
    assert ">DistrictClerk<" not in page and ">AppealsClerk<" not in page
    assert "The user group on the application" not in page and "The user role on the application" not in page
    assert "Роли определяют, что пользователь может делать" in page
