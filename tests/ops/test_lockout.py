"""Temporary lock-out after repeated failed sign-ins, on the web form and the API, and Admin's unlock.

The lock is per login name *and* client address (issue #12, item 15): an outsider failing again and
again locks only their own address out of the account, and an unknown name, a wrong password and a
locked name get the same answer.
"""

from __future__ import annotations

import datetime as dt
import re

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
OWNER = "10.20.0.5"  # the clerk's own desk
ATTACKER = "10.66.6.6"  # somebody elsewhere who knows the user name


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


def _web_login(app: Flask, username: str, password: str, address: str = OWNER) -> tuple[bool, str]:
    client = app.test_client()
    response = client.post(
        "/login/",
        data={"username": username, "password": password},
        follow_redirects=True,
        environ_base={"REMOTE_ADDR": address},
    )
    return client.get("/api/v1/menu/").status_code == 200, response.text


def _fail(app: Flask, username: str, times: int, address: str = OWNER) -> None:
    for _ in range(times):
        assert not _web_login(app, username, "wrong", address)[0]


def _api_login(app: Flask, username: str, password: str, address: str = OWNER) -> tuple[int, dict]:
    body = {"username": username, "password": password, "provider": "db"}
    response = app.test_client().post("/api/v1/security/login", json=body, environ_base={"REMOTE_ADDR": address})
    return response.status_code, response.json


def _notice(page: str) -> str:
    """The flashed message of the login page."""
    match = re.search(r'<div class="alert[^"]*">\s*<button[^>]*>&times;</button>\s*(.*?)\s*</div>', page, re.S)
    assert match, page[:2000]
    return match.group(1)


def test_defaults_lock_for_a_quarter_hour_after_ten_failures_in_a_quarter_hour():
    assert (Config.AUTH_LOCKOUT_FAILURES, Config.AUTH_LOCKOUT_WINDOW, Config.AUTH_LOCKOUT_SECONDS) == (10, 900, 900)


def test_after_repeated_failures_from_an_address_even_the_right_password_is_refused_there(lockout_app):
    _fail(lockout_app, "appeals", FAILURES)
    assert not _web_login(lockout_app, "appeals", DEMO_PASSWORD)[0]
    assert _api_login(lockout_app, "appeals", DEMO_PASSWORD)[0] == 401
    # Other accounts are not affected.
    assert _web_login(lockout_app, "supervisor", DEMO_PASSWORD)[0]


def test_an_outsider_failing_again_and_again_does_not_lock_the_owner_out(lockout_app, clock):
    for round_ in range(2):  # a lock-out, and another once it has ended, as an attack would keep it up
        clock(minutes=16 * round_)
        _fail(lockout_app, "appeals", FAILURES, address=ATTACKER)
        signed_in, _page = _web_login(lockout_app, "appeals", DEMO_PASSWORD, address=ATTACKER)
        assert not signed_in  # the attacker's address is locked out of the account...
        assert _web_login(lockout_app, "appeals", DEMO_PASSWORD, address=OWNER)[0]  # ...its owner is not
        assert _api_login(lockout_app, "appeals", DEMO_PASSWORD, address=OWNER)[0] == 200
    with lockout_app.app_context():
        locks = db.session.scalars(select(LoginLockout)).all()
        assert [(lock.login, lock.address, lock.locked_until is not None) for lock in locks] == [
            ("appeals", ATTACKER, True)
        ]


def test_unknown_name_wrong_password_and_locked_name_get_the_same_answer(lockout_app):
    _fail(lockout_app, "appeals", FAILURES)
    answers = {
        "unknown name": _web_login(lockout_app, "nobody-here", "wrong")[1],
        "wrong password": _web_login(lockout_app, "supervisor", "wrong")[1],
        "locked name": _web_login(lockout_app, "appeals", DEMO_PASSWORD)[1],
    }
    notices = {case: _notice(page) for case, page in answers.items()}
    assert set(notices.values()) == {
        "Неверное имя пользователя или пароль. После нескольких неудачных попыток вход с этого компьютера "
        "временно блокируется: подождите четверть часа или обратитесь к администратору."
    }, notices
    for page in answers.values():
        assert "заблокирован" not in page and "appeals" not in page
    api = {
        "unknown name": _api_login(lockout_app, "nobody-here", "wrong"),
        "wrong password": _api_login(lockout_app, "supervisor", "wrong"),
        "locked name": _api_login(lockout_app, "appeals", DEMO_PASSWORD),
    }
    assert len({(status, str(body)) for status, body in api.values()}) == 1, api
    assert api["locked name"][0] == 401


def test_unknown_names_are_counted_and_locked_like_real_ones(lockout_app):
    # Otherwise the lock itself (or its absence) would tell which names exist.
    _fail(lockout_app, "Nobody-Here", FAILURES)
    with lockout_app.app_context():
        [lock] = db.session.scalars(select(LoginLockout)).all()
        assert (lock.login, lock.address, lock.locked_until is not None) == ("nobody-here", OWNER, True)


def test_signing_in_by_e_mail_counts_towards_the_accounts_lock(lockout_app):
    with lockout_app.app_context():
        email = lockout_app.appbuilder.sm.find_user(username="appeals").email
    _fail(lockout_app, email, FAILURES)
    assert not _web_login(lockout_app, "appeals", DEMO_PASSWORD)[0]


def test_api_failures_lock_the_web_form_too(lockout_app):
    for _ in range(FAILURES):
        assert _api_login(lockout_app, "appeals", "wrong")[0] == 401
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


def test_admin_lifts_a_lock_from_the_user_list_and_the_lift_is_in_the_history(lockout_app):
    _fail(lockout_app, "appeals", FAILURES)
    _fail(lockout_app, "appeals", FAILURES, address=ATTACKER)
    with lockout_app.app_context():
        pk = lockout_app.appbuilder.sm.find_user(username="appeals").id
    admin = login_client(lockout_app, "admin")

    response = admin.post("/users/action_post", data={"action": "unlock", "rowid": [str(pk)]}, follow_redirects=True)

    assert "Блокировка входа снята: appeals" in response.text
    assert _web_login(lockout_app, "appeals", DEMO_PASSWORD)[0]
    with lockout_app.app_context():
        assert db.session.scalars(select(LoginLockout)).all() == []  # from every address
        lifts = db.session.scalars(
            select(ChangeLog)
            .where(ChangeLog.table_name == "core_login_lockout", ChangeLog.action == "delete")
            .order_by(ChangeLog.record_id)
        ).all()
        assert [(lift.username, lift.record_id) for lift in lifts] == [
            ("admin", f"appeals,{OWNER}"),
            ("admin", f"appeals,{ATTACKER}"),
        ]


def test_the_unlock_button_is_on_the_user_card_for_admin_only(lockout_app):
    _fail(lockout_app, "appeals", FAILURES)
    with lockout_app.app_context():
        pk = lockout_app.appbuilder.sm.find_user(username="appeals").id
    assert "Снять блокировку входа" in login_client(lockout_app, "admin").get(f"/users/show/{pk}").text
    clerk = login_client(lockout_app, "supervisor")
    assert clerk.post("/users/action_post", data={"action": "unlock", "rowid": [str(pk)]}).status_code in (302, 403)
    assert "Снять блокировку входа" not in clerk.get(f"/users/show/{pk}").text
    assert not _web_login(lockout_app, "appeals", DEMO_PASSWORD)[0]  # still locked
