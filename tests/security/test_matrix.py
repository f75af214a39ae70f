"""Every endpoint of the URL map × every built-in role (and anonymous) against tests/security/matrix.py.

Each principal runs on its own restored database with the security world (tests/security/world.py):
reads first, then writes, deletes last and the logout at the very end, so an Admin's deletion
never hides a row from a later read. Record URLs name a real row the principal may see.
"""

from __future__ import annotations

import fnmatch
from typing import Any

import pytest
from flask import Flask
from werkzeug.routing import Rule as UrlRule

from app.appeals.models import Appeal
from app.extensions import db
from app.org.models import Official
from app.security import BUILTIN_ROLES
from tests.conftest import login_client
from tests.security.matrix import (
    DELETE,
    ENDPOINTS,
    FORMER_SERVER_ERRORS,
    LOGIN,
    PRINCIPALS,
    READ,
    VIEW_RESOURCES,
    WRITE,
    expected,
    rule_for,
)
from tests.security.world import World, row_for

IGNORED_METHODS = {"HEAD", "OPTIONS"}
STATIC_FILES = {"static": "uprava.css", "appbuilder.static": "css/ab.css"}


def _requests(app: Flask) -> list[tuple[UrlRule, str]]:
    pairs = [(rule, method) for rule in app.url_map.iter_rules() for method in sorted(rule.methods - IGNORED_METHODS)]

    def order(pair: tuple[UrlRule, str]) -> tuple[int, str, str]:
        rule, method = pair
        if rule.endpoint == "UpravaAuthDBView.logout":
            return (3, rule.endpoint, method)
        deleting = method == "DELETE" or rule.endpoint.endswith(".delete")
        return (2 if deleting else 0 if method == "GET" else 1, rule.endpoint, method)

    return sorted(pairs, key=order)


def _view_of(app: Flask, endpoint: str) -> Any:
    name = endpoint.split(".")[0]
    return next((v for v in app.appbuilder.baseviews if v.endpoint == name), None)


def _model_of(view: Any) -> type | None:
    if view is not None and view.endpoint == "AppealActionsView":
        return Appeal
    return getattr(getattr(view, "datamodel", None), "obj", None)


class Principal:
    """One signed-in user (or nobody): the rows its URLs name, looked up once."""

    def __init__(self, app: Flask, username: str, world: World) -> None:
        self.app, self.world = app, world
        self.user = app.appbuilder.sm.find_user(username=username) if PRINCIPALS[username] else None
        self.rows: dict[type, Any] = {}

    def row(self, model: type) -> Any:
        if model not in self.rows:
            self.rows[model] = row_for(model, self.user)
            assert self.rows[model] is not None, f"no row of {model.__name__} in the world"
        return self.rows[model]

    def pk(self, model: type | None) -> Any:
        return None if model is None else model.__mapper__.primary_key_from_instance(self.row(model))[0]

    def url(self, rule: UrlRule) -> tuple[str, Any]:
        """The URL with real arguments, and the record's id (for the list's action form)."""
        view = _view_of(self.app, rule.endpoint)
        pk = self.pk(_model_of(view))
        actions = sorted(getattr(view, "actions", None) or {})
        values = {
            # A page of a view without a model (an import's result) gets an id that names nothing.
            "pk": pk if pk is not None else 0,
            "import_id": "nosuch",
            # The appeal list looks up an earlier appeal; elsewhere a column no form offers (404).
            "column": "previous_appeal" if rule.endpoint == "AppealView.related" else "nosuch",
            "name": "intake" if rule.endpoint.startswith("AppealReportsView") else (actions or ["nosuch"])[0],
            # The Заводской appeal's file: every principal reading appeals sees that appeal.
            "attachment_id": self.world["attachment"],
            "entity_type": "appeals_appeal",
            # Documents are filled for an official's profile the principal sees.
            "entity_id": self.pk(Official) if rule.endpoint.startswith("GeneratedDocument") else self.world["appeal"],
            "template_code": "org_official_card",
            "version": "v1",
            "locale": "ru",
            "filename": STATIC_FILES.get(rule.endpoint, "x.txt"),
        }
        missing = set(rule.arguments) - {k for k, v in values.items() if v is not None}
        assert not missing, f"no value for {sorted(missing)} in {rule.rule}"
        return rule.build({arg: values[arg] for arg in rule.arguments}, append_unknown=False)[1], pk


def _outcome(response: Any) -> str:
    if response.status_code == 302 and "/login/" in response.headers.get("Location", ""):
        return LOGIN
    return str(response.status_code)


def test_every_role_has_a_principal():
    assert set(BUILTIN_ROLES) == {role for role in PRINCIPALS.values() if role is not None}


def test_every_endpoint_and_method_has_an_entry(security_app):
    missing = [
        f"{rule.endpoint} {method} ({rule.rule})"
        for rule, method in _requests(security_app)
        if rule_for(rule.endpoint, method) is None
    ]
    assert not missing, "endpoints without an entry in tests/security/matrix.py ENDPOINTS:\n" + "\n".join(missing)
    unmapped = sorted(
        {
            rule.endpoint.split(".")[0]
            for rule, method in _requests(security_app)
            if rule_for(rule.endpoint, method).needs in (READ, WRITE, DELETE)
        }
        - set(VIEW_RESOURCES)
    )
    assert not unmapped, f"views without a resource in tests/security/matrix.py VIEW_RESOURCES: {unmapped}"


def test_every_named_entry_still_matches_an_endpoint(security_app):
    endpoints = {rule.endpoint for rule in security_app.url_map.iter_rules()}
    stale = [key for key in ENDPOINTS if not any(fnmatch.fnmatchcase(e, key) for e in endpoints)]
    assert not stale, f"entries matching no endpoint: {stale}"


@pytest.mark.parametrize("username", list(PRINCIPALS))
def test_role_endpoint_matrix(sec_app, world, username):
    role = PRINCIPALS[username]
    client = sec_app.test_client() if role is None else login_client(sec_app, username)
    wrong = []
    with sec_app.app_context():
        principal = Principal(sec_app, username, world)
        # Every URL is built before the first request: the writes and deletes come later.
        planned = [(rule, method, *principal.url(rule)) for rule, method in _requests(sec_app)]
        db.session.remove()
    for rule, method, url, pk in planned:
        view = _view_of(sec_app, rule.endpoint)
        is_api = rule.rule.startswith("/api/")
        kwargs: dict[str, Any] = {}
        if is_api and method in ("POST", "PUT"):
            kwargs["json"] = {}
        if rule.endpoint.endswith(".action_post"):
            kwargs["data"] = {"action": sorted(getattr(view, "actions", None) or {"nosuch": 0})[0], "rowid": pk or 1}
        response = client.open(url, method=method, **kwargs)
        got = _outcome(response)
        response.close()
        matrix_rule = rule_for(rule.endpoint, method)
        if matrix_rule is None:
            wrong.append(f"{method} {url} ({rule.endpoint}): no entry in tests/security/matrix.py")
            continue
        resource = VIEW_RESOURCES.get(rule.endpoint.split(".")[0])
        want = expected(matrix_rule, role, resource, is_api)
        if got not in want:
            wrong.append(f"{method} {url} ({rule.endpoint}): got {got}, expected {' or '.join(sorted(want))}")
    assert not wrong, f"{username} ({role or 'not signed in'}):\n" + "\n".join(wrong)


def test_fabs_group_view_server_errors_stay_gone(security_app):
    # The download route is gone altogether (404); the actions answer 404 or a redirect, never a 500.
    admin = login_client(security_app, "admin")
    anonymous = security_app.test_client()
    for (_endpoint, method), url in FORMER_SERVER_ERRORS.items():
        for client in (admin, anonymous):
            assert client.open(url, method=method).status_code < 500, f"{method} {url}"
