"""How the REST API is authenticated (README «Security»), and what it says when it is not.

A program signs in at /api/v1/security/login and sends `Authorization: Bearer <token>`. The browser
session cookie is accepted too (Swagger UI, the app's own pages); a write carried by the cookie
alone must then bring the session's CSRF token in an `X-CSRFToken` header — a page of another site
can make the browser send the cookie, never that header (finding 13). JWT errors are Russian, under
the API's usual `message` key (finding 16).
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.appeals.models import Appeal
from app.demo import DEMO_PASSWORD
from app.extensions import db
from tests.security.world import build_world

CSRF_REFUSAL = "Изменение через API по cookie сессии требует заголовка X-CSRFToken"


def _token(app: Flask, username: str = "appeals", refresh: bool = False) -> dict[str, str]:
    body = {"username": username, "password": DEMO_PASSWORD, "provider": "db", "refresh": refresh}
    response = app.test_client().post("/api/v1/security/login", json=body)
    assert response.status_code == 200, response.text
    return response.json


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _csrf_token(client: FlaskClient, page: str) -> str:
    found = re.search(
        r'name="csrf_token" type="hidden" value="([^"]+)"|id="csrf_token"[^>]*value="([^"]+)"', client.get(page).text
    )
    assert found, "no CSRF token on the page"
    return found.group(1) or found.group(2)


@pytest.fixture
def csrf_on(sec_app: Flask, monkeypatch: pytest.MonkeyPatch) -> Flask:
    """CSRF checked as in production (the test config turns it off for the rest of the suite)."""
    monkeypatch.setitem(sec_app.config, "WTF_CSRF_ENABLED", True)
    return sec_app


def _signed_in(app: Flask, username: str = "appeals") -> FlaskClient:
    # Signing in through the form needs its CSRF token as well.
    client = app.test_client()
    token = _csrf_token(client, "/login/")
    response = client.post("/login/", data={"username": username, "password": DEMO_PASSWORD, "csrf_token": token})
    assert response.status_code == 302 and "/login" not in response.headers["Location"]
    return client


def _summary(app: Flask, pk: int) -> str:
    with app.app_context():
        return db.session.get(Appeal, pk).summary


def test_a_cookie_write_without_the_csrf_header_is_refused_and_changes_nothing(csrf_on):
    world = build_world(csrf_on, officials=())
    client = _signed_in(csrf_on)
    pk = world["appeal"]
    assert client.get(f"/api/v1/appeal/{pk}").status_code == 200  # reading needs no token
    for method, url, body in (
        ("PUT", f"/api/v1/appeal/{pk}", {"summary": "Подменено чужим сайтом", "version": 1}),
        ("POST", "/api/v1/appeal/", {"summary": "Подброшено"}),
        ("POST", f"/api/v1/appeal/{pk}/annul", {"reason": "Аннулировано чужим сайтом"}),
        ("DELETE", f"/api/v1/appeal/{pk}", None),
    ):
        response = client.open(url, method=method, json=body)
        assert response.status_code == 400, f"{method} {url}"
        assert response.json["message"].startswith(CSRF_REFUSAL)
    forged = client.put(f"/api/v1/appeal/{pk}", json={"summary": "x", "version": 1}, headers={"X-CSRFToken": "forged"})
    assert forged.status_code == 400
    with csrf_on.app_context():
        appeal = db.session.get(Appeal, pk)
        assert (appeal.summary, appeal.annulled_at, appeal.version) == ("Переселение из аварийного дома", None, 1)


def test_a_cookie_write_with_the_sessions_csrf_header_is_accepted(csrf_on):
    world = build_world(csrf_on, officials=())
    client = _signed_in(csrf_on)
    pk = world["appeal"]
    token = _csrf_token(client, f"/appealview/edit/{pk}")
    response = client.put(
        f"/api/v1/appeal/{pk}", json={"summary": "Уточнено клерком", "version": 1}, headers={"X-CSRFToken": token}
    )
    assert response.status_code == 200, response.text
    assert _summary(csrf_on, pk) == "Уточнено клерком"


def test_a_bearer_token_write_needs_no_csrf_header(csrf_on):
    world = build_world(csrf_on, officials=())
    pk = world["appeal"]
    token = _token(csrf_on)["access_token"]
    client = csrf_on.test_client()
    response = client.put(f"/api/v1/appeal/{pk}", json={"summary": "Через JWT", "version": 1}, headers=_bearer(token))
    assert response.status_code == 200, response.text
    assert _summary(csrf_on, pk) == "Через JWT"
    # The sign-in itself is how a program gets its token: no session, no CSRF header.
    wrong = {"username": "x", "password": "y", "provider": "db"}
    assert csrf_on.test_client().post("/api/v1/security/login", json=wrong).status_code == 401


def test_a_sign_in_without_its_provider_is_a_400_not_a_500(sec_app):
    response = sec_app.test_client().post("/api/v1/security/login", json={"username": "appeals", "password": "x"})
    assert response.status_code == 400
    assert response.json["message"].startswith("Укажите способ входа provider")


def test_swagger_ui_sends_the_sessions_csrf_token(csrf_on):
    client = _signed_in(csrf_on)
    page = client.get("/swagger/v1").text
    assert 'data-csrf-token="' in page and 'req.headers["X-CSRFToken"] = csrfToken' in page


# ---- JWT errors in Russian ---------------------------------------------------------------------------


def _segment(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _refused(app: Flask, url: str, token: str, method: str = "GET") -> tuple[int, dict]:
    response = app.test_client().open(url, method=method, headers=_bearer(token))
    return response.status_code, response.json


def test_a_token_with_a_forged_signature_is_refused_in_russian(sec_app):
    header, payload, signature = _token(sec_app)["access_token"].split(".")
    forged = f"{header}.{payload}.{signature[:-4]}AAAA"
    assert _refused(sec_app, "/api/v1/appeal/", forged) == (422, {"message": "Подпись токена не прошла проверку"})


def test_a_token_with_another_algorithm_is_refused_in_russian(sec_app):
    _header, payload, _signature = _token(sec_app)["access_token"].split(".")
    unsigned = f"{_segment({'alg': 'none', 'typ': 'JWT'})}.{payload}."
    assert _refused(sec_app, "/api/v1/appeal/", unsigned) == (
        422,
        {"message": "Алгоритм подписи токена не допускается"},
    )


def test_an_access_token_where_a_refresh_token_is_needed_and_back_are_refused_in_russian(sec_app):
    tokens = _token(sec_app, refresh=True)
    assert _refused(sec_app, "/api/v1/security/refresh", tokens["access_token"], "POST") == (
        422,
        {"message": "Здесь нужен токен обновления (refresh_token)"},
    )
    assert _refused(sec_app, "/api/v1/appeal/", tokens["refresh_token"]) == (
        422,
        {"message": "Здесь нужен токен доступа (access_token), а не обновления"},
    )


def test_an_expired_token_garbage_and_no_token_are_refused_in_russian(sec_app):
    from flask_jwt_extended import create_access_token

    with sec_app.app_context():
        user = sec_app.appbuilder.sm.find_user(username="appeals")
        expired = create_access_token(str(user.id), expires_delta=dt.timedelta(seconds=-60))
    assert _refused(sec_app, "/api/v1/appeal/", expired) == (
        401,
        {"message": "Срок действия токена истёк: войдите снова"},
    )
    assert _refused(sec_app, "/api/v1/appeal/", "abc.def.ghi") == (422, {"message": "Недействительный токен доступа"})
    missing = sec_app.test_client().post("/api/v1/security/refresh")
    assert missing.status_code == 401
    assert missing.json["message"].startswith("Нужен вход: заголовок Authorization: Bearer <токен>")
