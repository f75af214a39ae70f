"""Temporary lock-out after repeated failed sign-ins, on the web form and the API, and Admin's unlock."""

from __future__ import annotations

import datetime as dt

import pytest
from flask import Flask
from sqlalchemy import select

from app.core.audit import ChangeLog
from app.core.dates import utcnow
from app.demo import DEMO_PASSWORD
from app.extensions import db
from app.ops.models import LoginLockout
from config import Config
from tests.conftest import login_client, make_test_app

FAILURES = 3


@pytest.fixture(scope="session")
def lockout_app(database_url: str, app: Flask) -> Flask:
    """Three failures lock (the default is ten: the per-minute throttle would answer 429 first in a test)."""
    return make_test_app(database_url, AUTH_LOCKOUT_FAILURES=FAILURES)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch):
    """Move the lock-out's clock forward: clock(minutes=16)."""
    start = utcnow()

    def move(**delta: int) -> None:
        monkeypatch.setattr("app.ops.lockout.utcnow", lambda: start + dt.timedelta(**delta))

    return move


def _web_login(app: Flask, username: str, password: str) -> tuple[bool, str]:
    client = app.test_client()
    response = client.post("/login/", data={"username": username, "password": password}, follow_redirects=True)
    return client.get("/api/v1/menu/").status_code == 200, response.text


def _fail(app: Flask, username: str, times: int) -> None:
    for _ in range(times):
        assert not _web_login(app, username, "wrong")[0]


def _api_login(app: Flask, username: str, password: str) -> int:
    body = {"username": username, "password": password, "provider": "db"}
    return app.test_client().post("/api/v1/security/login", json=body).status_code


def test_defaults_lock_for_a_quarter_hour_after_ten_failures_in_a_quarter_hour():
    assert (Config.AUTH_LOCKOUT_FAILURES, Config.AUTH_LOCKOUT_WINDOW, Config.AUTH_LOCKOUT_SECONDS) == (10, 900, 900)


def test_after_repeated_failures_even_the_right_password_is_refused_with_a_russian_notice(lockout_app):
    _fail(lockout_app, "appeals", FAILURES)
    signed_in, page = _web_login(lockout_app, "appeals", DEMO_PASSWORD)
    assert not signed_in
    assert "Вход временно заблокирован" in page
    assert _api_login(lockout_app, "appeals", DEMO_PASSWORD) == 401
    # Other accounts are not affected.
    assert _web_login(lockout_app, "supervisor", DEMO_PASSWORD)[0]


def test_api_failures_lock_the_web_form_too(lockout_app):
    for _ in range(FAILURES):
        assert _api_login(lockout_app, "appeals", "wrong") == 401
    assert not _web_login(lockout_app, "appeals", DEMO_PASSWORD)[0]


def test_the_lock_ends_by_itself_and_attempts_while_locked_do_not_prolong_it(lockout_app, clock):
    _fail(lockout_app, "appeals", FAILURES)
    clock(minutes=10)
    _fail(lockout_app, "appeals", 5)  # somebody keeps trying meanwhile
    clock(minutes=16)
    assert _web_login(lockout_app, "appeals", DEMO_PASSWORD)[0]
    with lockout_app.app_context():
        assert db.session.scalars(select(LoginLockout)).all() == []


def test_failures_spread_beyond_the_window_do_not_lock(lockout_app, clock):
    _fail(lockout_app, "appeals", FAILURES - 1)
    clock(minutes=16)
    _fail(lockout_app, "appeals", FAILURES - 1)
    assert _web_login(lockout_app, "appeals", DEMO_PASSWORD)[0]


def test_a_successful_sign_in_forgets_earlier_failures(lockout_app):
    _fail(lockout_app, "appeals", FAILURES - 1)
    assert _web_login(lockout_app, "appeals", DEMO_PASSWORD)[0]
    _fail(lockout_app, "appeals", FAILURES - 1)
    assert _web_login(lockout_app, "appeals", DEMO_PASSWORD)[0]


def test_unknown_user_names_leave_no_lock_rows(lockout_app):
    _fail(lockout_app, "nobody-here", FAILURES + 1)
    with lockout_app.app_context():
        assert db.session.scalars(select(LoginLockout)).all() == []


def test_admin_lifts_a_lock_from_the_user_list_and_the_lift_is_in_the_history(lockout_app):
    _fail(lockout_app, "appeals", FAILURES)
    with lockout_app.app_context():
        pk = lockout_app.appbuilder.sm.find_user(username="appeals").id
    admin = login_client(lockout_app, "admin")

    response = admin.post("/users/action_post", data={"action": "unlock", "rowid": [str(pk)]}, follow_redirects=True)

    assert "Блокировка входа снята: appeals" in response.text
    assert _web_login(lockout_app, "appeals", DEMO_PASSWORD)[0]
    with lockout_app.app_context():
        lift = db.session.scalars(
            select(ChangeLog).where(ChangeLog.table_name == "core_login_lockout", ChangeLog.action == "delete")
        ).one()
        assert lift.username == "admin" and lift.record_id == str(pk)


def test_the_unlock_button_is_on_the_user_card_for_admin_only(lockout_app):
    _fail(lockout_app, "appeals", FAILURES)
    with lockout_app.app_context():
        pk = lockout_app.appbuilder.sm.find_user(username="appeals").id
    assert "Снять блокировку входа" in login_client(lockout_app, "admin").get(f"/users/show/{pk}").text
    clerk = login_client(lockout_app, "supervisor")
    assert clerk.post("/users/action_post", data={"action": "unlock", "rowid": [str(pk)]}).status_code in (302, 403)
    assert "Снять блокировку входа" not in clerk.get(f"/users/show/{pk}").text
    assert not _web_login(lockout_app, "appeals", DEMO_PASSWORD)[0]  # still locked
