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
#: A report of each report page (its URLs name one).
REPORT_PAGES = {
    "AppealReportsView": "intake",
    "ControlReportsView": "discipline",
    "PlanReportsView": "execution",
    "EventReportsView": "summary",
    "PetitionReportsView": "petitions",
}
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
    # An action page of another domain names the model of its records (app/plans/action_views.py).
    if getattr(view, "record_model", None) is not None:
        return view.record_model
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

    def _appeal_id(self) -> int:
        """The world's appeal this principal works: body staff see only their body's (and assigned) appeals."""
        udkh = self.user is not None and self.row(Appeal).id == self.world["udkh_appeal"]
        return self.world["udkh_appeal"] if udkh else self.world["appeal"]

    def _appeal_file(self) -> int:
        return self.world["udkh_attachment" if self._appeal_id() == self.world["udkh_appeal"] else "attachment"]

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
            "name": REPORT_PAGES.get(rule.endpoint.split(".")[0]) or (actions or ["nosuch"])[0],
            # «Поставить на контроль» names a kind of source (and, by `pk`, no record of it).
            "kind": "appeal",
            # The file of an appeal the principal works (the Заводской one for most; body staff their body's).
            "attachment_id": self._appeal_file(),
            "entity_type": "appeals_appeal",
            # Documents are filled for an official's profile the principal sees.
            "entity_id": self.pk(Official) if rule.endpoint.startswith("GeneratedDocument") else self._appeal_id(),
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


# ---- pick-lists per role: what a form or `_info` offers for a link is what the role may link ---------


def _links(owner: Any, columns: list[str]) -> list[tuple[str, type]]:
    """(column, target) of every link column whose rows are limited (a scoped target or a declared rule)."""
    from sqlalchemy import inspect

    relationships = inspect(owner.datamodel.obj).relationships
    declared = getattr(owner.datamodel.obj, "__links__", None) or {}
    return [
        (column, relationships[column].mapper.class_)
        for column in columns
        if column in relationships
        and (column in declared or getattr(relationships[column].mapper.class_, "__scope__", None) is not None)
    ]


def _parent_link(owner: Any, column: str, username: str) -> str | None:
    """`username` when `column` is the scope parent of the owner's rows (a child row needs a parent he works)."""
    scope = getattr(owner.datamodel.obj, "__scope__", None)
    return username if scope is not None and scope.parent == column else None


def _linkable_ids(client: Any, app: Flask, target: type, column: str, username: str | None = None) -> set[int] | None:
    """What the principal may link, read through another door: the target's REST list (row scope), or
    for an appeal's executor the active officials the principal's official list shows who work appeals.
    None: no such door.

    With `username` (the link is the row's scope parent), of the rows listed only those he works: a row
    he sees through a `read_only` link (a programme whose committee his body sits on) shows, but he adds
    no child rows to it (its committee members)."""
    from flask_appbuilder.security.sqla.models import User
    from sqlalchemy import select

    from app.core.views import UpravaModelRestApi
    from app.extensions import db

    if target is User and column == "executor":
        # Whom the rule offers without an appeal (app/org/links.py): those of them whose role works appeals.
        from app.org.links import writer_user_ids

        listed = client.get("/api/v1/official/?q=(page_size:100)").json["result"]
        with app.app_context():
            workers = set(db.session.scalars(select(writer_user_ids("Appeal").subquery().c[0])))
        return {row["user_id"] for row in listed if row["is_active"] and row["user_id"] in workers}
    api = next(
        (a for a in app.appbuilder.baseviews if isinstance(a, UpravaModelRestApi) and a.datamodel.obj is target), None
    )
    if api is None:
        return None
    response = client.get(f"/api/v1/{api.resource_name}/?q=(page_size:100)&annulled=all")
    listed = {row["id"] for row in response.json["result"]} if response.status_code == 200 else set()
    if username is None or getattr(target, "__scope__", None) is None:
        return listed
    from app.security import Access, row_access, visibility_for

    with app.app_context():
        vis = visibility_for(app.appbuilder.sm.find_user(username=username))
        return {pk for pk in listed if row_access(db.session.get(target, pk), vis) is Access.WRITE}


@pytest.mark.parametrize("username", [name for name, role in PRINCIPALS.items() if role is not None])
def test_pick_lists_and_info_offer_each_role_exactly_what_it_may_link(sec_app, world, username):
    from app.core.related import LOOKUP_LIMIT
    from app.core.views import UpravaModelRestApi, UpravaModelView

    client = login_client(sec_app, username)
    checked, wrong = [], []
    for owner in sec_app.appbuilder.baseviews:
        if isinstance(owner, UpravaModelRestApi) and f"{owner.endpoint}.info" in sec_app.view_functions:
            response = client.get(f"/api/v1/{owner.resource_name}/_info")
            if response.status_code != 200:
                continue
            for key, columns in (("add_columns", owner.add_columns), ("edit_columns", owner.edit_columns)):
                fields = {f["name"]: f for f in response.json.get(key, [])}
                for column, target in _links(owner, columns):
                    expected_ids = _linkable_ids(client, sec_app, target, column, _parent_link(owner, column, username))
                    offered = {v["id"] for v in fields[column]["values"]}
                    # `values` is the first page; `count` counts every row offered.
                    exact = offered <= (expected_ids or set()) and fields[column]["count"] == len(expected_ids or ())
                    if expected_ids is not None and not exact:
                        wrong.append(
                            f"{owner.resource_name} {key}.{column}: {sorted(offered)} ≠ {sorted(expected_ids)}"
                        )
                    checked.append(f"{owner.resource_name}.{column}")
        elif isinstance(owner, UpravaModelView) and f"{owner.endpoint}.related" in sec_app.view_functions:
            for form, columns in (("add", owner.add_columns), ("edit", owner.edit_columns)):
                for column, target in _links(owner, columns):
                    response = client.get(f"{owner.route_base}/related/{column}?form={form}")
                    if response.status_code != 200:
                        continue
                    expected_ids = _linkable_ids(client, sec_app, target, column, _parent_link(owner, column, username))
                    offered = {row["id"] for row in response.json["result"]}
                    if expected_ids is None:
                        continue
                    if not offered <= expected_ids or len(offered) < min(len(expected_ids), LOOKUP_LIMIT):
                        wrong.append(f"{owner.route_base} {form}.{column}: {sorted(offered)} ≠ {sorted(expected_ids)}")
                    checked.append(f"{owner.route_base}.{column}")
    assert not wrong, f"{username}:\n" + "\n".join(wrong)
    if PRINCIPALS[username] in RIGHTS_TO_READ_APPEALS:
        assert {"appeal.previous_appeal", "appeal.executor", "/appealview.previous_appeal"} <= set(checked)


RIGHTS_TO_READ_APPEALS = {"Admin", "Supervisor", "DeputyHead", "AppealsClerk", "DistrictClerk"}


@pytest.mark.parametrize("username", [name for name, role in PRINCIPALS.items() if role is not None])
def test_each_role_writing_through_the_api_cannot_link_a_row_it_does_not_see(sec_app, world, username):
    """The REST-write-relation case per role: every link of every API to a scoped model, pointed at a row
    of that model the role does not see, is a 422 (a role seeing the whole city has no such row)."""
    from sqlalchemy import func, inspect, select

    from app.core.views import UpravaModelRestApi

    client = login_client(sec_app, username)
    wrong, tried = [], 0
    for api in sec_app.appbuilder.baseviews:
        if not isinstance(api, UpravaModelRestApi) or f"{api.endpoint}.post" not in sec_app.view_functions:
            continue
        relationships = inspect(api.datamodel.obj).relationships
        for method, columns in (("post", api.add_columns), ("put", api.edit_columns)):
            for column in columns:
                target = relationships[column].mapper.class_ if column in relationships else None
                if target is None or getattr(target, "__scope__", None) is None:
                    continue
                seen = _linkable_ids(client, sec_app, target, column)
                with sec_app.app_context():
                    unseen = sorted(set(db.session.scalars(select(target.id))) - (seen or set()))
                    rows = db.session.scalar(select(func.count()).select_from(api.datamodel.obj))
                if seen is None or not unseen:
                    continue
                own = sorted(set(_linkable_ids(client, sec_app, api.datamodel.obj, column) or ()))
                if not own:
                    continue
                with sec_app.app_context():
                    row = db.session.get(api.datamodel.obj, own[0])
                    # A complete body of a row the role sees, only the link pointing at a row it does not.
                    body = api.add_model_schema.dump(row) if method == "post" else {}
                    body.update({column: unseen[0], "version": getattr(row, "version", 1)})
                if method == "post":
                    body.pop("version")
                    response = client.post(f"/api/v1/{api.resource_name}/", json=body)
                else:
                    response = client.put(f"/api/v1/{api.resource_name}/{own[0]}", json=body)
                tried += 1
                message = str((response.json or {}).get("message"))
                if response.status_code != 403 and (response.status_code != 422 or "вне вашей области" not in message):
                    wrong.append(f"{method.upper()} {api.resource_name}.{column}: {response.status_code} {message}")
                with sec_app.app_context():
                    assert db.session.scalar(select(func.count()).select_from(api.datamodel.obj)) == rows
    assert not wrong, f"{username}:\n" + "\n".join(wrong)
    if username == "zavodskoy":
        assert tried >= 3
