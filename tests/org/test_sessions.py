"""One's own password needs the current one; signing out needs a POST with the CSRF token (issue #12: 12, 14)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import select

from app.demo import DEMO_PASSWORD
from app.extensions import db
from app.ops.models import LoginLockout
from tests.conftest import login_client, make_test_app

NEW_PASSWORD = "Novyi-Parol-2026"


def _signed_in(client) -> bool:
    return client.get("/api/v1/menu/").status_code == 200


def _can_sign_in(app: Flask, username: str, password: str) -> bool:
    client = app.test_client()
    client.post("/login/", data={"username": username, "password": password})
    return _signed_in(client)


def _change(client, current: str | None, new: str = NEW_PASSWORD, confirm: str | None = None):
    data = {"password": new, "conf_password": confirm if confirm is not None else new}
    if current is not None:
        data["current_password"] = current
    return client.post("/resetmypassword/form", data=data)


# ---- one's own password ------------------------------------------------------------------------


def test_the_password_form_asks_for_the_current_password_first(app, login):
    page = login("zavodskoy").get("/resetmypassword/form").text
    fields = re.findall(r'<input[^>]+name="(current_password|password|conf_password)"', page)
    assert fields == ["current_password", "password", "conf_password"]
    assert "Текущий пароль" in page and "Смена пароля" in page


def test_an_open_session_alone_cannot_change_the_password(app, login):
    client = login("zavodskoy")
    without = _change(client, None)
    assert without.status_code == 200
    wrong = _change(client, "Ugadal-Parol-1")
    assert wrong.status_code == 200
    assert "Текущий пароль введён неверно" in wrong.text
    assert _can_sign_in(app, "zavodskoy", DEMO_PASSWORD)
    assert not _can_sign_in(app, "zavodskoy", NEW_PASSWORD)


def test_the_current_password_changes_it(app, login):
    response = _change(login("zavodskoy"), DEMO_PASSWORD)
    assert response.status_code == 302
    assert _can_sign_in(app, "zavodskoy", NEW_PASSWORD)
    assert not _can_sign_in(app, "zavodskoy", DEMO_PASSWORD)


def test_the_new_password_still_follows_the_policy_and_must_be_repeated(app, login):
    client = login("zavodskoy")
    assert "Пароль слишком простой" in _change(client, DEMO_PASSWORD, new="12345").text
    assert "Пароли не совпадают" in _change(client, DEMO_PASSWORD, confirm="Drugoi-Parol-2026").text
    assert _can_sign_in(app, "zavodskoy", DEMO_PASSWORD)


@pytest.fixture
def lockout_app(database_url: str, app: Flask) -> Flask:
    return make_test_app(database_url, AUTH_LOCKOUT_FAILURES=3)


def test_guessing_the_current_password_counts_towards_the_lock_out(lockout_app):
    client = login_client(lockout_app, "zavodskoy")
    for _ in range(3):
        assert "Текущий пароль введён неверно" in _change(client, "Ugadal-Parol-1").text
    # Locked now: even the right current password is refused, with the same words.
    assert "Текущий пароль введён неверно" in _change(client, DEMO_PASSWORD).text
    with lockout_app.app_context():
        [lock] = db.session.scalars(select(LoginLockout)).all()
        assert (lock.login, lock.locked_until is not None) == ("zavodskoy", True)
    assert not _can_sign_in(lockout_app, "zavodskoy", NEW_PASSWORD)


def test_the_admin_still_resets_another_users_password_without_knowing_it(app, login):
    with app.app_context():
        pk = app.appbuilder.sm.find_user(username="zavodskoy").id
    admin = login("admin")
    response = admin.post(
        f"/resetpassword/form?pk={pk}", data={"password": NEW_PASSWORD, "conf_password": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert _can_sign_in(app, "zavodskoy", NEW_PASSWORD)


# ---- signing out ---------------------------------------------------------------------------------


@pytest.fixture
def csrf_app(database_url: str, app: Flask) -> Iterator[Flask]:
    """CSRF protection on, as in production."""
    guarded = make_test_app(database_url, WTF_CSRF_ENABLED=True)
    yield guarded
    with guarded.app_context():
        db.session.remove()


def _token(page: str) -> str:
    match = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page)
    assert match, "no CSRF token on the page"
    return match.group(1)


def _csrf_client(app: Flask):
    client = app.test_client()
    token = _token(client.get("/login/").text)
    client.post("/login/", data={"username": "zavodskoy", "password": DEMO_PASSWORD, "csrf_token": token})
    assert _signed_in(client)
    return client


def test_a_get_of_the_logout_address_does_not_sign_out(csrf_app):
    # A cross-site <img src=".../logout/"> must not end a clerk's session in the middle of a form.
    client = _csrf_client(csrf_app)
    page = client.get("/logout/")
    assert page.status_code == 200
    assert '<form method="post" action="/logout/">' in page.text and "Выйти" in page.text
    assert _signed_in(client)


def test_a_logout_post_without_the_csrf_token_is_refused(csrf_app):
    client = _csrf_client(csrf_app)
    response = client.post("/logout/")
    assert response.status_code == 400
    assert _signed_in(client)


def test_the_navbar_signs_out_by_a_post_with_the_token(csrf_app):
    client = _csrf_client(csrf_app)
    page = client.get("/").text
    assert 'href="/logout/"' not in page
    form = re.search(r'<form method="post" action="/logout/" class="uprava-logout">(.*?)</form>', page, re.S)
    assert form, "no sign-out form in the navbar"
    response = client.post("/logout/", data={"csrf_token": _token(form.group(1))})
    assert response.status_code == 302
    assert not _signed_in(client)


def test_anonymous_logout_page_sends_home(app):
    response = app.test_client().get("/logout/")
    assert response.status_code == 302
