"""Bad input: markup in every text field is shown escaped; injection in list arguments is a 400.

XSS: each payload is written into every text column of a record of every appeal and org model
(as an import would, past the forms), then the list, the show page (with its history) and the
change-history page must carry the escaped text and never the raw tag.

Injection: column names, operators, sorts, pages and rison queries that name something other
than what the list offers are refused with a 400 on every list and every REST list — never a 500,
never the database's text. A hostile *value* in a valid filter is only a search: it finds nothing.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from flask_appbuilder import ModelRestApi
from markupsafe import escape
from sqlalchemy import String, Text, inspect, select

from app.appeals.models import Appeal, AppealQuestion, DocumentRequest
from app.appeals.receptions import Reception, ReceptionVisit
from app.core.audit import ChangeLog
from app.core.views import UpravaModelView
from app.extensions import db
from app.org.models import Body, District, Official
from tests.conftest import login_client
from tests.security.world import build_world

PAYLOADS = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>']

#: model, its list view, the world key (or None: the first row) of the record to poison.
MODELS = [
    (Appeal, "/appealview", "appeal"),
    (AppealQuestion, "/appealquestionview", "question"),
    (DocumentRequest, "/documentrequestview", "document_request"),
    (Reception, "/receptionview", "reception"),
    (ReceptionVisit, "/receptionvisitview", "visit"),
    (District, "/districtview", None),
    (Body, "/bodyview", None),
    (Official, "/officialview", None),
]


def _text_columns(model: type, payload: str) -> list[str]:
    """Every text column the payload fits in (PostgreSQL enforces the lengths)."""
    return [
        c.key
        for c in model.__table__.columns
        if isinstance(c.type, String | Text) and (c.type.length is None or c.type.length >= len(payload))
    ]


@pytest.mark.parametrize("payload", PAYLOADS, ids=["script", "img-onerror"])
@pytest.mark.parametrize("model, view, key", MODELS, ids=[m[0].__name__ for m in MODELS])
def test_markup_in_every_text_field_is_shown_escaped(sec_app, model, view, key, payload):
    world = build_world(sec_app, officials=())
    with sec_app.app_context():
        row = db.session.get(model, world[key]) if key else db.session.scalars(select(model)).first()
        pk, columns = row.id, _text_columns(model, payload)
        assert columns, model
        for column in columns:
            setattr(row, column, payload)
        db.session.commit()
        change = db.session.scalar(
            select(ChangeLog.id)
            .where(ChangeLog.table_name == model.__tablename__, ChangeLog.record_id == str(pk))
            .order_by(ChangeLog.id.desc())
        )
    admin = login_client(sec_app, "admin")
    pages = {
        "list": admin.get(f"{view}/list/"),
        "show": admin.get(f"{view}/show/{pk}"),
        "history": admin.get(f"/changelogview/show/{change}"),
    }
    for name, response in pages.items():
        assert response.status_code == 200, name
        assert payload not in response.text, f"raw markup on the {name} page of {model.__name__}"
    assert str(escape(payload)) in pages["show"].text
    assert str(escape(payload)) in pages["history"].text or "&amp;lt;" in pages["history"].text


# ---- injection in list arguments -----------------------------------------------------------

SQL_TRACES = ("SELECT ", "sqlite", "psycopg", "Traceback", "OperationalError", "ProgrammingError")


def _routed(app, view, method: str) -> bool:
    return f"{view.endpoint}.{method}" in app.view_functions


def _list_views(app) -> list[UpravaModelView]:
    return [v for v in app.appbuilder.baseviews if isinstance(v, UpravaModelView) and _routed(app, v, "list")]


def _apis(app) -> list[ModelRestApi]:
    return [v for v in app.appbuilder.baseviews if isinstance(v, ModelRestApi) and _routed(app, v, "get_list")]


def _list_attacks(name: str) -> list[str]:
    return [
        "_flt_0_id%29%20OR%201%3D1--=1",  # a column name carrying SQL
        "_flt_0_nosuchcolumn=1",
        "_flt_99_id=1",  # an operator that does not exist
        f"_oc_{name}=id%3BDROP%20TABLE%20ab_user",
        f"_oc_{name}=password",
        f"_od_{name}=sideways",
        f"page_{name}=-1",
        f"page_{name}=99999999999999999999",
        f"psize_{name}=100000",
        f"psize_{name}=abc",
    ]


def _assert_clean_400(response, url: str) -> None:
    assert response.status_code == 400, f"{url}: {response.status_code}"
    body = response.get_data(as_text=True)
    assert not any(trace in body for trace in SQL_TRACES), f"{url}: {body[:300]}"


def test_injection_in_list_arguments_is_a_400_on_every_list(sec_app):
    admin = login_client(sec_app, "admin")
    views = _list_views(sec_app)
    assert len(views) >= 15
    for view in views:
        base = f"{view.route_base}/list/"
        for attack in _list_attacks(view.__class__.__name__):
            url = f"{base}?{attack}"
            _assert_clean_400(admin.get(url), url)
        for export in ("export/csv", "export/xlsx"):
            if _routed(sec_app, view, export.replace("/", "_")):
                url = f"{view.route_base}/{export}?_flt_0_nosuchcolumn=1"
                _assert_clean_400(admin.post(url), url)


RISON_ATTACKS = [
    "(filters:!((col:'id) OR 1=1--',opr:eq,value:1)))",
    "(filters:!((col:id,opr:nosuch,value:1)))",
    "(filters:'x')",
    "(order_column:'id;DROP TABLE ab_user',order_direction:asc)",
    "(order_column:id,order_direction:sideways)",
    "(columns:!(password))",
    "(page:-1)",
    "(page_size:100000)",
    "(page:'x')",
    "(((",
    "!(1,",
]


def test_injection_in_rison_queries_is_a_400_on_every_rest_list(sec_app):
    admin = login_client(sec_app, "admin")
    apis = _apis(sec_app)
    assert len(apis) >= 8
    for api in apis:
        base = f"/api/v1/{api.resource_name}/"
        for attack in RISON_ATTACKS:
            url = f"{base}?q={quote(attack)}"
            _assert_clean_400(admin.get(url), url)


def test_a_hostile_value_in_a_valid_filter_is_only_a_search(sec_app):
    world = build_world(sec_app, officials=())
    admin = login_client(sec_app, "admin")
    hostile = quote("' OR 1=1 --")
    page = admin.get(f"/appealview/list/?_flt_0_reg_number={hostile}")
    assert page.status_code == 200
    assert "Переселение из аварийного дома" not in page.text  # nothing matches
    rison = "(filters:!((col:reg_number,opr:eq,value:'!' OR 1=1 --')))"  # !' is rison's escaped quote
    listed = admin.get(f"/api/v1/appeal/?q={quote(rison)}")
    assert listed.status_code == 200 and listed.json["count"] == 0
    assert admin.get(f"/appealview/show/{world['appeal']}").status_code == 200


# ---- malformed REST payloads (found by schemathesis: scripts/fuzz_api.sh) ----------------------


def _writable_apis(app) -> list[ModelRestApi]:
    return [api for api in _apis(app) if _routed(app, api, "post")]


@pytest.mark.parametrize("body", ["false", "[]", '"text"', "17"])
def test_a_body_that_is_not_a_json_object_is_a_400(sec_app, body):
    admin = login_client(sec_app, "admin")
    for api in _writable_apis(sec_app):
        base = f"/api/v1/{api.resource_name}/"
        for method, url in (("POST", base), ("PUT", f"{base}1")):
            response = admin.open(url, method=method, data=body, content_type="application/json")
            assert response.status_code in (400, 422), f"{method} {url} {body}: {response.status_code}"


@pytest.mark.parametrize("value", [{"id": 1}, [1], "1", True, 1.5], ids=["object", "list", "text", "bool", "float"])
def test_a_relation_given_as_anything_but_an_id_is_a_422(sec_app, value):
    admin = login_client(sec_app, "admin")
    for api in _writable_apis(sec_app):
        relationships = inspect(api.datamodel.obj).relationships
        for name in [c for c in api.add_columns if c in relationships and not relationships[c].uselist]:
            url = f"/api/v1/{api.resource_name}/"
            response = admin.post(url, json={name: value})
            assert response.status_code == 422, f"POST {url} {name}={value!r}: {response.status_code}"
            assert "ожидается идентификатор записи" in response.json["message"]


def test_a_question_or_a_visit_without_its_parent_is_a_422(sec_app):
    admin = login_client(sec_app, "admin")
    question = admin.post("/api/v1/appealquestion/", json={"appeal": None, "classifier_code": "", "text": ""})
    assert (question.status_code, question.json["message"]) == (422, "Укажите обращение")
    visit = admin.post(
        "/api/v1/receptionvisit/",
        json={"reception": None, "visitor_last_name": "", "questions": "", "classifier_code": ""},
    )
    assert (visit.status_code, visit.json["message"]) == (422, "Укажите приём")
