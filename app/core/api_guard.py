"""The REST API's door: what every /api/ request passes before a view sees it.

* How a write is authenticated: a JWT (`Authorization: Bearer <token>` from
  `/api/v1/security/login`) needs nothing more; a write carried by the browser session cookie
  must also carry the session's CSRF token in an `X-CSRFToken` header — a page of another site
  can make the browser send the cookie, never that header.
* The JSON body is bounded before anything parses it: its size (`API_MAX_JSON_BYTES`) and its
  nesting depth (`API_MAX_JSON_DEPTH`) — a body of 100,000 nested objects would exhaust the
  parser's recursion.
* A URL naming a record that cannot exist (`/api/v1/appeal/-1`, `/abc`) is a 404, not a 405.
* The JWT library's English errors are said in Russian, under the API's usual `message` key; a
  sign-in without `provider` is a 400 (FAB would fail on it).
"""

from __future__ import annotations

import re
from itertools import accumulate
from typing import Any

from flask import Flask, current_app, jsonify, request
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import validate_csrf
from werkzeug.exceptions import MethodNotAllowed, NotFound
from wtforms import ValidationError

from .errors import DomainError
from .inputs import is_digits

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
#: The sign-in and token refresh are how a client gets its credentials: no session to protect yet.
CREDENTIAL_ENDPOINTS = ("/api/v1/security/login", "/api/v1/security/refresh")
CSRF_HEADERS = ("X-CSRFToken", "X-CSRF-Token")

_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.S)
#: Bytes that are not a bracket are dropped before the depth is counted (bytes.translate, in C).
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_DEPTH_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}


class BadApiRequest(DomainError):
    status = 400
    message = _l("Некорректный запрос")


class CsrfRequired(DomainError):
    status = 400
    message = _l(
        "Изменение через API по cookie сессии требует заголовка X-CSRFToken с CSRF-токеном сессии; "
        "программам — вход через /api/v1/security/login и заголовок Authorization: Bearer <токен>"
    )


def json_depth(body: bytes) -> int:
    """The deepest nesting of objects and arrays in a JSON text, counted without parsing it."""
    brackets = _STRING.sub(b"", body).translate(None, _NOT_BRACKETS)
    return max(accumulate(_DEPTH_STEP[b] for b in brackets), default=0)


def _check_body() -> None:
    if request.method not in WRITE_METHODS:
        return
    limit = current_app.config["API_MAX_JSON_BYTES"]
    if request.content_length is not None and request.content_length > limit:
        raise BadApiRequest(_l("Тело запроса больше %(kb)s КБ"), kb=limit // 1024)
    body = request.get_data(cache=True)
    if len(body) > limit:
        raise BadApiRequest(_l("Тело запроса больше %(kb)s КБ"), kb=limit // 1024)
    depth = current_app.config["API_MAX_JSON_DEPTH"]
    if json_depth(body) > depth:
        raise BadApiRequest(_l("Слишком глубокая вложенность JSON: не больше %(depth)s уровней"), depth=depth)


def _check_csrf() -> None:
    """A write whose credential is the session cookie must carry the session's CSRF token."""
    if request.method not in WRITE_METHODS or request.path in CREDENTIAL_ENDPOINTS:
        return
    if not current_app.config.get("WTF_CSRF_ENABLED", True) or request.headers.get("Authorization"):
        # A page of another site can send the cookie, but never an Authorization header.
        return
    if not current_user.is_authenticated:
        return  # no session: the API answers 401 itself
    token = next((request.headers[h] for h in CSRF_HEADERS if request.headers.get(h)), None)
    try:
        validate_csrf(token)
    except ValidationError:
        raise CsrfRequired() from None


def _record_cannot_exist() -> None:
    """`GET /api/v1/appeal/-1` matches no GET route (its id converter wants a number) but the
    PUT route: werkzeug says 405. A URL that would route with a numeric id names no record: 404."""
    error = request.routing_exception
    if not isinstance(error, MethodNotAllowed):
        return
    head, _, last = request.path.rstrip("/").rpartition("/")
    if is_digits(last) or not head:
        return
    adapter = current_app.url_map.bind("localhost")
    try:
        adapter.match(f"{head}/1", method=request.method)
    except Exception:  # still no route for this method: a real 405
        return
    raise NotFound()


def _guard() -> None:
    if not request.path.startswith("/api/"):
        return
    # Every API path is ASCII; werkzeug's int converter would read «١» (Arabic-Indic one) as record 1.
    if not request.path.isascii():
        raise NotFound()
    _record_cannot_exist()
    # A non-numeric id in a PUT/DELETE URL names no record either (PostgreSQL would reject the cast).
    pk = (request.view_args or {}).get("pk")
    if isinstance(pk, str) and not is_digits(pk):
        raise NotFound()
    _check_body()
    _check_csrf()
    _check_login()


def _check_login() -> None:
    """FAB's sign-in reads `provider` without requiring it: a body without it was a 500 (KeyError)."""
    if request.method != "POST" or request.path != CREDENTIAL_ENDPOINTS[0]:
        return
    payload = request.get_json(silent=True)
    if isinstance(payload, dict) and "provider" not in payload:
        raise BadApiRequest(_l("Укажите способ входа provider: «db» (пароль Управы) или «ldap» (городской каталог)"))


#: The JWT library's messages (flask_jwt_extended, PyJWT), said in Russian; anything else is «invalid token».
JWT_MESSAGES: dict[str, Any] = {
    "Signature verification failed": _l("Подпись токена не прошла проверку"),
    "Signature has expired": _l("Срок действия токена истёк: войдите снова"),
    "Token has expired": _l("Срок действия токена истёк: войдите снова"),
    "Only refresh tokens are allowed": _l("Здесь нужен токен обновления (refresh_token)"),
    "Only non-refresh tokens are allowed": _l("Здесь нужен токен доступа (access_token), а не обновления"),
    "Only access tokens are allowed": _l("Здесь нужен токен доступа (access_token), а не обновления"),
    "The specified alg value is not allowed": _l("Алгоритм подписи токена не допускается"),
    "Not enough segments": _l("Токен повреждён"),
    "Fresh token required": _l("Нужен свежий токен: войдите снова"),
    "Token has been revoked": _l("Токен отозван: войдите снова"),
    "User claims verification failed": _l("Токен не прошёл проверку"),
}
JWT_INVALID = _l("Недействительный токен доступа")
JWT_MISSING = _l("Нужен вход: заголовок Authorization: Bearer <токен> (POST /api/v1/security/login) или сессия")


def jwt_message(error: str) -> str:
    """A JWT error in Russian."""
    if error.startswith("Missing") or "Authorization" in error or error.startswith("Bad "):
        return str(JWT_MISSING)
    return str(JWT_MESSAGES.get(error.strip().rstrip("."), JWT_INVALID))


def _jwt_errors_in_russian(app: Flask) -> None:
    manager = app.appbuilder.sm.jwt_manager
    if manager is None:
        return

    def answer(message: Any, status: int) -> Any:
        return jsonify(message=str(message)), status

    manager.invalid_token_loader(lambda error: answer(jwt_message(error), 422))
    manager.unauthorized_loader(lambda error: answer(jwt_message(error), 401))
    manager.expired_token_loader(lambda _header, _data: answer(JWT_MESSAGES["Token has expired"], 401))
    manager.needs_fresh_token_loader(lambda _header, _data: answer(JWT_MESSAGES["Fresh token required"], 401))
    manager.revoked_token_loader(lambda _header, _data: answer(JWT_MESSAGES["Token has been revoked"], 401))
    manager.token_verification_failed_loader(
        lambda _header, _data: answer(JWT_MESSAGES["User claims verification failed"], 400)
    )
    manager.user_lookup_error_loader(lambda _header, _data: answer(gettext("Пользователь токена не найден"), 401))


def register_api_guard(app: Flask) -> None:
    """The /api/ request hook and the Russian JWT errors."""
    app.before_request(_guard)
    _jwt_errors_in_russian(app)
