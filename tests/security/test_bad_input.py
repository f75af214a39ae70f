"""Bad input: markup in every text field is shown escaped; injection in list arguments is a 400.

XSS: each payload is written into every text column of a record of every appeal and org model
(as an import would, past the forms), then the list, the show page (with its history) and the
change-history page must carry the escaped text and never the raw tag.

Injection: column names, operators, sorts, pages and rison queries that name something other
than what the list offers are refused with a 400 on every list and every REST list — never a 500,
never the database's text. A hostile *value* in a valid filter is only a search: it finds nothing.

Values and bodies (generated over every REST API): integers beyond their column, ids that name no
record, control characters, dates outside their window are 422 with a Russian message; deep or huge
JSON bodies are 400 before parsing; record URLs that cannot name a record are 404; every label is
Russian and no field description is the catalogue's header.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

import pytest
from flask_appbuilder import ModelRestApi
from markupsafe import escape
from sqlalchemy import Date, Integer, String, Text, func, inspect, select

from app.appeals.models import Appeal, AppealQuestion, DocumentRequest
from app.appeals.receptions import Reception, ReceptionVisit
from app.core.audit import ChangeLog
from app.core.inputs import date_window
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


# ---- values a column cannot hold: a 422 with a Russian message, never a 500 (findings 6, 10, 11) ------


def _row_of(app, model) -> tuple[int, int]:
    """(id, version) of a row of `model` to edit (the world's appeal for appeals)."""
    with app.app_context():
        row = db.session.scalars(select(model).order_by(model.__mapper__.primary_key[0])).first()
        return row.id, getattr(row, "version", 1)


def _typed_columns(api: ModelRestApi, kinds: tuple[type, ...]) -> list[str]:
    columns = api.datamodel.obj.__table__.columns
    return [c for c in api.edit_columns if c in columns and isinstance(columns[c].type, kinds)]


def _put_each(sec_app, kinds: tuple[type, ...], values: list) -> list[tuple[str, str, object, object]]:
    """PUT every value into every column of these types of every API: (api, column, value, response)."""
    build_world(sec_app, officials=())
    admin = login_client(sec_app, "admin")
    answers = []
    for api in _writable_apis(sec_app):
        for column in _typed_columns(api, kinds):
            pk, _version = _row_of(sec_app, api.datamodel.obj)
            for value in values:
                _pk, version = _row_of(sec_app, api.datamodel.obj)
                response = admin.put(f"/api/v1/{api.resource_name}/{pk}", json={column: value, "version": version})
                answers.append((api.resource_name, column, value, response))
    return answers


def test_an_integer_beyond_its_column_is_a_422_on_every_api(sec_app):
    answers = _put_each(sec_app, (Integer,), [10**30, -(10**30), 2**31])
    assert {(api, column) for api, column, *_ in answers} >= {("appeal", "signatories")}
    for api, column, value, response in answers:
        assert response.status_code == 422, f"{api}.{column}={value}: {response.status_code} {response.text[:200]}"
        assert "число вне допустимого диапазона (от -2147483648 до 2147483647)" in response.json["message"]
    with sec_app.app_context():
        assert db.session.scalar(select(func.count()).where(Appeal.signatories > 2**31 - 1)) == 0


@pytest.mark.parametrize("value", [10**30, 0, -1, 2**31], ids=["huge", "zero", "negative", "beyond-pk"])
def test_a_link_to_an_id_that_cannot_exist_is_a_422_and_creates_nothing(sec_app, value):
    """marshmallow-sqlalchemy would build a new related row from an unknown id (or overflow the driver)."""
    world = build_world(sec_app, officials=())
    admin = login_client(sec_app, "admin")
    with sec_app.app_context():
        appeals = db.session.scalar(select(func.count()).select_from(Appeal))
    response = admin.put(f"/api/v1/appeal/{world['appeal']}", json={"previous_appeal": value, "version": 1})
    assert response.status_code == 422
    assert response.json["message"].startswith("Поле «Предыдущее обращение»: такой записи нет")
    with sec_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Appeal)) == appeals
        assert db.session.get(Appeal, world["appeal"]).previous_appeal_id is None


CONTROL = ["a\x00b", "a\x1bb", "a\x7fb", "\x0c"]


def test_control_characters_in_any_text_field_are_a_422_on_every_api(sec_app):
    answers = _put_each(sec_app, (String, Text), CONTROL)
    assert {(api, column) for api, column, *_ in answers} >= {("appeal", "summary"), ("body", "name")}
    validated = {(api.resource_name, c) for api in _writable_apis(sec_app) for c in api.validators_columns or {}}
    for api, column, value, response in answers:
        assert response.status_code == 422, f"{api}.{column}={value!r}: {response.status_code} {response.text[:200]}"
        # A column with its own validator (a list of codes) refuses any text it does not know first.
        assert "недопустимые управляющие символы" in response.json["message"] or (api, column) in validated
    with sec_app.app_context():
        assert not [a.id for a in db.session.scalars(select(Appeal)) if "\x00" in a.summary]


def test_tab_and_line_breaks_are_text(sec_app):
    world = build_world(sec_app, officials=())
    admin = login_client(sec_app, "admin")
    text = "Первая строка\r\nвторая\tс табуляцией\n"
    assert admin.put(f"/api/v1/appeal/{world['appeal']}", json={"text": text, "version": 1}).status_code == 200
    with sec_app.app_context():
        assert db.session.get(Appeal, world["appeal"]).text == text


def test_control_characters_in_a_form_are_refused_beside_the_field(sec_app):
    from scripts.load.formdata import form_fields

    world = build_world(sec_app, officials=())
    admin = login_client(sec_app, "admin")
    url = f"/appealview/edit/{world['appeal']}"
    response = admin.post(url, data={**form_fields(admin.get(url).text, "model_form"), "summary": "Крыша\x00течёт"})
    assert response.status_code == 200
    assert "«Краткое содержание»: недопустимые управляющие символы" in response.text
    with sec_app.app_context():
        assert db.session.get(Appeal, world["appeal"]).summary == "Переселение из аварийного дома"


@pytest.mark.parametrize("value", ["0001-01-01", "1989-12-31", "9999-12-31"])
def test_a_date_outside_its_window_is_a_422_on_every_api(sec_app, value):
    answers = _put_each(sec_app, (Date,), [value])
    assert {(api, column) for api, column, *_ in answers} >= {("appeal", "received_date"), ("reception", "date")}
    models = {api.resource_name: api.datamodel.obj for api in _writable_apis(sec_app)}
    with sec_app.app_context():
        windows = {(api, column): date_window(models[api], column) for api, column, *_ in answers}
        latest = {key: window.latest() for key, window in windows.items()}
    for api, column, _value, response in answers:
        window = windows[(api, column)]
        if window.earliest <= dt.date.fromisoformat(value) <= latest[(api, column)]:
            continue  # a column with a wider window (historic dates from 1950) takes 1989
        assert response.status_code == 422, f"{api}.{column}={value}: {response.status_code} {response.text[:200]}"
        assert f"вне допустимого периода: с {window.earliest:%d.%m.%Y} по" in response.json["message"]


def test_a_date_outside_its_window_in_a_form_is_shown_beside_the_field(sec_app):
    from scripts.load.formdata import form_fields

    world = build_world(sec_app, officials=())
    admin = login_client(sec_app, "admin")
    url = f"/appealview/edit/{world['appeal']}"
    data = {**form_fields(admin.get(url).text, "model_form"), "came_from_date": "01.01.0001"}
    response = admin.post(url, data=data)
    assert response.status_code == 200
    assert "дата 01.01.0001 вне допустимого периода: с 01.01.1990 по" in response.text
    with sec_app.app_context():
        assert db.session.get(Appeal, world["appeal"]).came_from_date is None


def test_an_extension_notified_in_the_year_1_does_not_use_up_the_one_extension(sec_app):
    """Finding 11: `notified_on=01.01.0001` extended the appeal; the law allows one extension."""
    world = build_world(sec_app, officials=())
    clerk = login_client(sec_app, "appeals")
    url = f"/appeals/actions/extend/{world['appeal']}"
    response = clerk.post(
        url, data={"days": "30", "reason": "Запрос в Росреестр", "notified_on": "01.01.0001", "version": "1"}
    )
    assert response.status_code == 200
    assert "дата 01.01.0001 вне допустимого периода" in response.text
    before_registration = clerk.post(
        url, data={"days": "30", "reason": "Запрос в Росреестр", "notified_on": "01.03.2025", "version": "1"}
    )
    assert "дата не может быть раньше даты регистрации (03.03.2025)" in before_registration.text
    with sec_app.app_context():
        appeal = db.session.get(Appeal, world["appeal"])
        assert (appeal.original_due_date, appeal.extension_notified_on, appeal.status) == (None, None, "registered")
    done = clerk.post(
        url, data={"days": "30", "reason": "Запрос в Росреестр", "notified_on": "04.03.2025", "version": "1"}
    )
    assert done.status_code == 302
    with sec_app.app_context():
        assert db.session.get(Appeal, world["appeal"]).extension_notified_on == dt.date(2025, 3, 4)


# ---- bodies and URLs the API cannot take (findings 7, 8) -------------------------------------------


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize("body", [_nested(100_000), '{"a":' * 100_000 + "1" + "}" * 100_000, _nested(33)])
def test_a_deeply_nested_json_body_is_a_400_before_parsing(sec_app, body):
    admin = login_client(sec_app, "admin")
    for api in _writable_apis(sec_app):
        base = f"/api/v1/{api.resource_name}/"
        for method, url in (("POST", base), ("PUT", f"{base}1")):
            response = admin.open(url, method=method, data=body, content_type="application/json")
            assert response.status_code == 400, f"{method} {url}: {response.status_code}"
            assert response.json["message"] == "Слишком глубокая вложенность JSON: не больше 32 уровней"


def test_nesting_inside_strings_is_only_text_and_a_body_at_the_depth_limit_is_parsed(sec_app):
    world = build_world(sec_app, officials=())
    admin = login_client(sec_app, "admin")
    text = "[[[{{{" * 20
    response = admin.put(f"/api/v1/appeal/{world['appeal']}", json={"text": text, "version": 1})
    assert response.status_code == 200
    at_limit = admin.put(f"/api/v1/appeal/{world['appeal']}", data=_nested(32), content_type="application/json")
    assert at_limit.status_code == 400 and at_limit.json["message"] == "Ожидается JSON-объект с полями записи"


def test_a_body_larger_than_the_api_allows_is_a_400(sec_app, monkeypatch):
    monkeypatch.setitem(sec_app.config, "API_MAX_JSON_BYTES", 1024)
    world = build_world(sec_app, officials=())
    admin = login_client(sec_app, "admin")
    response = admin.put(f"/api/v1/appeal/{world['appeal']}", json={"text": "я" * 1000, "version": 1})
    assert (response.status_code, response.json["message"]) == (400, "Тело запроса больше 1 КБ")


# «¹» and «١» pass str.isdigit() but are no record number (the first was a 500 found by the API fuzzer).
@pytest.mark.parametrize("pk", ["-1", "abc", "1.5", "0x1", "99999999999", "¹", "١", "٣٢"])
def test_a_record_url_that_names_no_record_is_a_404_on_every_api(sec_app, pk):
    admin = login_client(sec_app, "admin")
    for api in _apis(sec_app):
        for method in ("GET", "PUT", "DELETE"):
            if f"{api.endpoint}.{method.lower()}" not in sec_app.view_functions:
                continue
            url = f"/api/v1/{api.resource_name}/{pk}"
            response = admin.open(url, method=method, json={} if method == "PUT" else None)
            assert response.status_code == 404, f"{method} {url}: {response.status_code}"
            assert response.json["message"] == "Страница или запись не найдена"


# ---- what the API says: Russian labels, never the catalogue's header (findings 9, 16) ---------------


def _cyrillic(text: str) -> bool:
    return any("а" <= ch.lower() <= "я" or ch in "ёЁ" for ch in text)


def test_every_api_labels_its_fields_in_russian_and_never_shows_the_catalogue_header(sec_app):
    build_world(sec_app, officials=())
    admin = login_client(sec_app, "admin")
    english = []
    for api in _apis(sec_app):
        base = f"/api/v1/{api.resource_name}/"
        info = admin.get(f"{base}_info")
        listed = admin.get(base)
        assert "Project-Id-Version" not in info.text + listed.text, api.resource_name
        labels = dict(listed.json["label_columns"])
        for key in ("add_columns", "edit_columns"):
            labels.update({f["name"]: f["label"] for f in info.json.get(key, [])})
            assert all(f["description"] == "" or _cyrillic(f["description"]) for f in info.json.get(key, []))
        if listed.json["ids"]:
            labels.update(admin.get(f"{base}{listed.json['ids'][0]}").json["label_columns"])
        english += [
            f"{api.resource_name}.{column}: {label}" for column, label in labels.items() if not _cyrillic(label)
        ]
    assert not english, "labels without a Russian word:\n" + "\n".join(english)
    assert admin.get("/api/v1/appeal/_info").json["add_columns"][0]["label"] == "Дата поступления"
