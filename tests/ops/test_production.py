"""Production run: health check, structured request logs, reverse proxy, production settings."""

from __future__ import annotations

import datetime as dt
import json
import logging
import time

import pytest
from sqlalchemy.exc import OperationalError

from app.extensions import db
from app.ops.logs import REQUEST_LOGGER, JsonFormatter
from config import ProductionConfig
from tests.conftest import login_client, make_test_app


def test_health_answers_ok_without_sign_in_after_asking_the_database(app):
    response = app.test_client().get("/health")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_health_is_503_when_the_database_is_down(app, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, ConnectionRefusedError("connection refused"))

    with app.app_context():
        monkeypatch.setattr(db.session, "execute", refuse)
        response = app.test_client().get("/health")
    assert response.status_code == 503
    assert response.json == {"status": "error", "database": "unavailable"}


def test_health_is_503_on_an_unreachable_database_file(app, tmp_path):
    unreachable = make_test_app(f"sqlite:///{tmp_path}/no-such-folder/uprava.sqlite")
    response = unreachable.test_client().get("/health")
    assert response.status_code == 503
    assert response.json["database"] == "unavailable"


def _request_lines(caplog) -> list[dict]:
    return [json.loads(JsonFormatter().format(r)) for r in caplog.records if r.name == REQUEST_LOGGER]


def test_each_request_is_one_json_line_with_user_id_and_no_personal_data(app, caplog):
    client = app.test_client()
    with caplog.at_level(logging.INFO, logger=REQUEST_LOGGER):
        client.post("/login/", data={"username": "appeals", "password": "Uprava-Demo-2026"})
        client.get("/appealview/list/?_flt_0_applicant_last_name=Иванов")
    login, listing = _request_lines(caplog)
    with app.app_context():
        user_id = app.appbuilder.sm.find_user(username="appeals").id
    # The sign-in request already carries the id of the user it signed in (not the name typed).
    assert (login["method"], login["path"], login["status"], login["user_id"]) == ("POST", "/login/", 302, user_id)
    assert listing["method"] == "GET" and listing["path"] == "/appealview/list/"
    assert listing["status"] == 200 and listing["user_id"] == user_id
    assert isinstance(listing["duration_ms"], float) and listing["duration_ms"] > 0
    assert {"ts", "level", "logger", "message"} <= set(listing)
    text = caplog.text + "".join(json.dumps(line, ensure_ascii=False) for line in (login, listing))
    assert "Иванов" not in text and "Uprava-Demo-2026" not in text and "appeals" not in json.dumps(login)


def test_an_application_error_is_logged_as_json_with_its_traceback(database_url, app, caplog):
    broken = make_test_app(database_url, PROPAGATE_EXCEPTIONS=False)

    @broken.get("/boom")
    def boom():
        raise RuntimeError("boom")

    with caplog.at_level(logging.INFO):
        response = broken.test_client().get("/boom")
    assert response.status_code == 500
    errors = [json.loads(JsonFormatter().format(r)) for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors and errors[0]["level"] == "error"
    assert "RuntimeError: boom" in errors[0]["exception"]
    assert _request_lines(caplog)[-1]["status"] == 500


def test_behind_one_proxy_each_client_address_gets_its_own_login_bucket(database_url, app):
    proxied = make_test_app(database_url, PROXY_FIX_X_FOR=1)
    client = proxied.test_client()

    def attempt(address: str) -> int:
        data = {"username": "admin", "password": "wrong"}
        return client.post("/login/", data=data, headers={"X-Forwarded-For": address}).status_code

    assert [attempt("10.0.0.1") for _ in range(11)][-1] == 429
    # Another workstation behind the same proxy is not throttled by the first one's failures.
    assert attempt("10.0.0.2") == 302


def test_without_a_configured_proxy_a_forged_forwarded_for_does_not_dodge_the_throttle(app):
    client = app.test_client()
    codes = [
        client.post(
            "/login/", data={"username": "admin", "password": "wrong"}, headers={"X-Forwarded-For": f"10.0.0.{i}"}
        ).status_code
        for i in range(11)
    ]
    assert codes[-1] == 429


def test_production_needs_a_database_url(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(RuntimeError, match="DATABASE_URL"):
        ProductionConfig.validate()


def test_production_logs_json_and_sends_cookies_over_https_only():
    assert ProductionConfig.LOG_JSON is True
    assert ProductionConfig.SESSION_COOKIE_SECURE and ProductionConfig.REMEMBER_COOKIE_SECURE
    assert ProductionConfig.PERMANENT_SESSION_LIFETIME == 8 * 60 * 60


def test_a_session_ends_after_a_working_day_without_activity(app, monkeypatch):
    client = login_client(app, "appeals")
    cookie = client.get_cookie("session")
    lifetime = cookie.expires - dt.datetime.now(dt.UTC)
    assert dt.timedelta(hours=7, minutes=59) < lifetime <= dt.timedelta(hours=8)
    assert client.get("/appealview/list/").status_code == 200
    # Nine hours later the signed timestamp is too old: the server itself refuses the cookie.
    later = time.time() + 9 * 3600
    monkeypatch.setattr("itsdangerous.timed.time.time", lambda: later)
    response = client.get("/appealview/list/")
    assert response.status_code == 302 and "/login/" in response.headers["Location"]
