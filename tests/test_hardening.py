"""Security baseline: CSRF, login throttling, cookies, Russian UI with an English switch, offline assets."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.org.models import District
from tests.conftest import login_client, make_test_app


@pytest.fixture
def csrf_app(database_url, app):
    """The same database, with CSRF protection on as in production."""
    return make_test_app(database_url, WTF_CSRF_ENABLED=True)


def _csrf_token(client, url: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get(url).text)
    assert match, "form has no CSRF token"
    return match.group(1)


def test_form_post_without_csrf_token_is_refused(csrf_app):
    client = csrf_app.test_client()
    token = _csrf_token(client, "/login/")
    client.post("/login/", data={"username": "admin", "password": "Uprava-Demo-2026", "csrf_token": token})
    response = client.post("/districtview/add", data={"code": "x", "name": "Новый"})
    assert response.status_code == 400
    assert "Обновите страницу" in response.text
    with csrf_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(District)) == 6


def test_form_post_with_csrf_token_works(csrf_app):
    client = csrf_app.test_client()
    token = _csrf_token(client, "/login/")
    client.post("/login/", data={"username": "admin", "password": "Uprava-Demo-2026", "csrf_token": token})
    token = _csrf_token(client, "/districtview/add")
    response = client.post("/districtview/add", data={"code": "x", "name": "Новый", "csrf_token": token})
    assert response.status_code == 302
    with csrf_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(District)) == 7


def test_get_never_deletes(csrf_app):
    client = csrf_app.test_client()
    token = _csrf_token(client, "/login/")
    client.post("/login/", data={"username": "admin", "password": "Uprava-Demo-2026", "csrf_token": token})
    with csrf_app.app_context():
        pk = db.session.scalar(select(District.id).where(District.code == "central"))
    client.get(f"/districtview/delete/{pk}")
    with csrf_app.app_context():
        assert db.session.get(District, pk) is not None


def _failed_logins(client, username: str, times: int) -> list[int]:
    return [client.post("/login/", data={"username": username, "password": "wrong"}).status_code for _ in range(times)]


def test_web_login_is_throttled_per_user_name(app):
    client = app.test_client()
    codes = _failed_logins(client, "admin", 11)
    assert codes[:10] == [302] * 10
    assert codes[10] == 429
    # The same address may still sign in as somebody else (a whole building shares one NAT).
    assert client.post("/login/", data={"username": "supervisor", "password": "Uprava-Demo-2026"}).status_code == 302


def test_api_login_is_throttled(app):
    client = app.test_client()
    body = {"username": "admin", "password": "wrong", "provider": "db"}
    codes = [client.post("/api/v1/security/login", json=body).status_code for _ in range(11)]
    assert codes[:10] == [401] * 10
    assert codes[10] == 429


def test_throttled_page_is_russian(app):
    client = app.test_client()
    _failed_logins(client, "admin", 10)
    response = client.post("/login/", data={"username": "admin", "password": "wrong"})
    assert response.status_code == 429
    assert "Слишком много попыток" in response.text


def test_session_cookie_is_http_only_and_same_site(app):
    client = app.test_client()
    response = client.post("/login/", data={"username": "admin", "password": "Uprava-Demo-2026"})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_cookies_are_secure():
    from config import ProductionConfig

    assert ProductionConfig.SESSION_COOKIE_SECURE and ProductionConfig.REMEMBER_COOKIE_SECURE


def test_login_page_is_russian(app):
    page = app.test_client().get("/login/").text
    assert "Войти" in page
    assert "Имя пользователя" in page


def test_english_switch(app):
    client = login_client(app, "supervisor")
    client.get("/lang/en")
    labels = {item["name"]: item["label"] for item in client.get("/api/v1/menu/").json["result"]}
    assert labels["Appeals"] == "Appeals"
    client.get("/lang/ru")
    labels = {item["name"]: item["label"] for item in client.get("/api/v1/menu/").json["result"]}
    assert labels["Appeals"] == "Обращения"


def test_no_asset_is_loaded_from_the_internet(login):
    page = login("admin").get("/bodyview/list/").text
    assert not re.search(r'<(script|link|img)[^>]*(src|href)="https?://', page)
    templates = Path(__file__).resolve().parent.parent / "app" / "templates"
    for path in templates.rglob("*.html"):
        assert not re.search(r'(src|href)="https?://', path.read_text()), path


def test_one_address_cannot_spray_passwords_across_accounts(app, monkeypatch):
    client = app.test_client()
    codes = [client.post("/login/", data={"username": f"user{i}", "password": "wrong"}).status_code for i in range(61)]
    assert codes[:60] == [302] * 60
    assert codes[60] == 429


def test_pages_load_only_local_scripts_in_order(login):
    page = login("admin").get("/officialview/list/").text
    scripts = re.findall(r'<script src="([^"]+)"', page)
    assert all(src.startswith("/") for src in scripts)
    assert scripts.index("/static/select2-ru.js") < scripts.index("/static/appbuilder/js/ab.js")
