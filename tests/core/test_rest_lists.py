"""The REST list's fast path (app/core/rest_lists.py) answers what FAB's own REST list answered."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

import prison
import pytest
from sqlalchemy import insert, select

from app.appeals.models import Appeal
from app.appeals.reference.models import Channel
from app.extensions import db
from app.org.models import Body, District
from tests.appeal_rows import appeal_row

ROWS = 130
#: Few distinct dates and statuses: most sort values are ties, broken by the record number.
DATES = [dt.date(2025, 3, 1) + dt.timedelta(days=n) for n in range(7)]
STATUSES = ["registered", "in_work", "answered"]


@pytest.fixture
def appeals(app):
    """ROWS appeals over every district and six bodies, with tied sort values and a few annulled."""
    with app.app_context():
        channel = db.session.scalar(select(Channel.id).order_by(Channel.id))
        districts = list(db.session.scalars(select(District.id).order_by(District.id)))
        zavodskoy = db.session.scalar(select(Body.id).where(Body.code == "district-zavodskoy"))
        bodies = [
            zavodskoy,
            *db.session.scalars(select(Body.id).where(Body.id != zavodskoy).order_by(Body.id).limit(5)),
        ]
        rows = []
        for n in range(ROWS):
            reg_date = DATES[(n * 5) % len(DATES)]
            rows.append(
                appeal_row(
                    n + 1,
                    reg_date,
                    channel_id=channel,
                    summary=f"Обращение {n}",
                    district_id=districts[n % len(districts)],
                    receiving_body_id=bodies[n % len(bodies)],
                    responsible_body_id=bodies[(n + 1) % len(bodies)],
                    status=STATUSES[n % len(STATUSES)],
                    annulled_at=dt.datetime(2025, 4, 1) if n % 19 == 0 else None,
                )
            )
        db.session.execute(insert(Appeal), rows)
        db.session.commit()
    return app


def _api(app, name="AppealApi"):
    return next(v for v in app.appbuilder.baseviews if v.__class__.__name__ == name)


def _get(client, resource="appeal", cursor=None, **q):
    url = f"/api/v1/{resource}/?q={quote(prison.dumps(q))}"
    if cursor is not None:
        url += f"&cursor={quote(cursor)}"
    return client.get(url)


def _both(app, monkeypatch, client, resource="appeal", api="AppealApi", **q):
    """The same request answered by the fast path and by FAB's own get_list_headless."""
    fast = _get(client, resource, **q)
    monkeypatch.setattr(_api(app, api), "fast_list", False)
    slow = _get(client, resource, **q)
    monkeypatch.setattr(_api(app, api), "fast_list", True)
    assert fast.status_code == slow.status_code == 200, (fast.text[:300], slow.text[:300])
    return fast.json, slow.json


def _same_page(fast, slow):
    assert fast["ids"] == slow["ids"]
    assert fast["result"] == slow["result"]
    for key in ("label_columns", "list_columns", "order_columns", "list_title", "description_columns"):
        assert fast[key] == slow[key]


@pytest.mark.parametrize(
    ("column", "direction"),
    [("reg_date", "desc"), ("reg_date", "asc"), ("status", "desc"), ("due_date", "asc"), ("reg_number", "asc")],
)
def test_rest_pages_hold_fabs_rows_in_fabs_order_page_by_page_ties_included(
    appeals, login, monkeypatch, column, direction
):
    client = login("supervisor")
    total = None
    page = 0
    while True:
        fast, slow = _both(
            appeals, monkeypatch, client, order_column=column, order_direction=direction, page=page, page_size=11
        )
        _same_page(fast, slow)
        total = slow["count"]
        assert (fast["count"], fast["count_exact"]) == (total, True)
        if not slow["ids"]:
            break  # one page past the end is compared too
        page += 1
    assert total > ROWS - 10 and page == -(-total // 11)


def test_the_default_order_and_page_are_fabs(appeals, login, monkeypatch):
    fast, slow = _both(appeals, monkeypatch, login("supervisor"))
    _same_page(fast, slow)
    assert len(fast["ids"]) == 25 and fast["count"] == slow["count"] and fast["next_cursor"]


def test_filtered_rest_pages_match_fab(appeals, login, monkeypatch):
    with appeals.app_context():
        body = db.session.scalar(select(Body.id).where(Body.code == "district-zavodskoy"))
    filters = [
        {"col": "status", "opr": "eq", "value": "answered"},
        {"col": "responsible_body", "opr": "rel_o_m", "value": body},
    ]
    client = login("supervisor")
    for page in range(3):
        fast, slow = _both(appeals, monkeypatch, client, filters=filters, page=page, page_size=4)
        _same_page(fast, slow)
        assert fast["count"] == slow["count"] > 4
    statuses = {row["status"] for row in _get(client, filters=filters, page_size=100).json["result"]}
    assert statuses == {"answered"}


def test_a_scoped_clerk_gets_fabs_rows_through_the_fast_path(appeals, login, monkeypatch):
    client = login("zavodskoy")
    everything_fast, everything_slow = _both(appeals, monkeypatch, client, page_size=100)
    assert everything_fast["ids"] == everything_slow["ids"]
    assert 0 < everything_fast["count"] == everything_slow["count"] < ROWS
    for page in range(4):
        fast, slow = _both(
            appeals, monkeypatch, client, order_column="status", order_direction="asc", page=page, page_size=7
        )
        _same_page(fast, slow)


def _walk(client, resource="appeal", cursor=None, **q):
    seen, pages = [], 0
    while True:
        answer = _get(client, resource, cursor=cursor, **q)
        assert answer.status_code == 200, answer.text[:300]
        seen += answer.json["ids"]
        pages += 1
        cursor = answer.json["next_cursor"]
        if cursor is None:
            return seen, pages


@pytest.mark.parametrize(("column", "direction"), [("reg_date", "desc"), ("status", "asc"), (None, None)])
def test_the_cursor_walk_visits_every_row_once_in_the_lists_order(appeals, login, column, direction):
    client = login("supervisor")
    order = {"order_column": column, "order_direction": direction} if column else {}
    everything = _get(client, page_size=100, **order).json
    everything = everything["ids"] + _get(client, page=1, page_size=100, **order).json["ids"]
    seen, pages = _walk(client, page_size=9, **order)
    assert seen == everything and len(set(seen)) == len(seen)
    assert pages == -(-len(everything) // 9)


def test_a_cursor_walk_over_an_order_without_keyset_continues_by_offset(app, login):
    # Bodies sorted by their short name (nullable: no keyset): the cursor carries an offset.
    client = login("admin")
    everything = _get(client, "body", order_column="short_name", order_direction="asc", page_size=100).json
    seen, pages = _walk(client, "body", order_column="short_name", order_direction="asc", page_size=4)
    assert seen == everything["ids"] and len(seen) > 8 and pages == -(-len(seen) // 4)


def test_an_api_without_an_order_lists_by_record_number(app, login):
    client = login("admin")
    answer = _get(client, "district", page_size=3)
    with app.app_context():
        ids = list(db.session.scalars(select(District.id).order_by(District.id)))
    seen, _pages = _walk(client, "district", page_size=3)
    assert answer.json["ids"] == ids[:3] and seen == ids


def test_a_cursor_never_reveals_a_row_out_of_the_users_scope(appeals, login):
    supervisor, clerk = login("supervisor"), login("zavodskoy")
    mine = _get(clerk, page_size=100).json
    assert mine["count"] < 100
    city = _get(supervisor, page_size=100).json["ids"] + _get(supervisor, page=1, page_size=100).json["ids"]
    first = _get(supervisor, page_size=5).json
    assert not set(first["ids"]) <= set(mine["ids"])  # the supervisor's page holds foreign rows
    seen, _pages = _walk(clerk, cursor=first["next_cursor"], page_size=5)
    # Exactly the clerk's own rows after the supervisor's last row, in the list's order.
    edge = city.index(first["ids"][-1])
    assert seen == [i for i in mine["ids"] if city.index(i) > edge] and seen


def test_a_tampered_or_foreign_cursor_is_a_400_in_russian(appeals, login):
    client = login("supervisor")
    cursor = _get(client, page_size=5).json["next_cursor"]
    head, _dot, signature = cursor.rpartition(".")
    tampered = head + "." + ("A" if signature[0] != "A" else "B") + signature[1:]
    for bad in (tampered, "abc", "x" * 600, "..", cursor[:-1], "WyJhcHBlYWwiXQ.bad"):
        answer = _get(client, cursor=bad, page_size=5)
        assert answer.status_code == 400
        assert answer.json["message"] == "Некорректный курсор списка: запросите список заново, без курсора"
    other = _get(client, cursor=cursor, order_column="status", page_size=5)
    assert other.status_code == 400 and "другой сортировке" in other.json["message"]
    # A cursor of the appeals is not one of the questions.
    assert _get(client, "appealquestion", cursor=cursor).status_code == 400
    assert _get(client, cursor=cursor, page_size=5).status_code == 200


def test_count_is_bounded_and_says_whether_it_is_exact(appeals, login, monkeypatch):
    client = login("supervisor")
    total = _get(client, page_size=1).json["count"]
    monkeypatch.setattr(_api(appeals), "count_limit", 50)
    first = _get(client, page_size=10).json
    assert (first["count"], first["count_exact"]) == (50, False) and total > 50
    deep = _get(client, page=6, page_size=10).json
    assert (deep["count"], deep["count_exact"]) == (70, False)  # 70 rows exist up to page 7, and more
    last = _get(client, page=(total - 1) // 10, page_size=10).json
    assert (last["count"], last["count_exact"], last["next_cursor"]) == (total, True, None)
    beyond = _get(client, page=1000, page_size=10).json
    assert (beyond["ids"], beyond["count"], beyond["count_exact"]) == ([], 50, False)
    walked = _get(client, cursor=first["next_cursor"], page_size=10).json
    assert (walked["count"], walked["count_exact"]) == (50, False)


def test_personal_columns_stay_hidden_on_the_fast_path(appeals, login):
    listed = _get(login("supervisor"), page_size=3).json
    assert "applicant_last_name" not in listed["list_columns"]
    assert all("applicant_last_name" not in row for row in listed["result"])
    assert "applicant_last_name" in _get(login("appeals"), page_size=3).json["result"][0]


def test_openapi_documents_the_cursor_and_the_bounded_count(app, login):
    spec = login("admin").get("/api/v1/_openapi").json
    operation = spec["paths"]["/api/v1/appeal/"]["get"]
    assert [p["name"] for p in operation["parameters"]] == ["q", "cursor"]
    properties = operation["responses"]["200"]["content"]["application/json"]["schema"]["properties"]
    assert properties["count_exact"]["type"] == "boolean"
    assert properties["next_cursor"]["nullable"] is True
    assert "count_exact" in properties["count"]["description"]


@pytest.mark.parametrize(
    "q", ["(page:'x')", "(order_direction:up)", "(filters:!((col:1)),page_size:'a')", "(keys:!(x))"]
)
def test_a_q_against_the_list_schema_is_fabs_400(app, login, q):
    # FAB's own @rison(get_list_schema) on the same argument, beside ours (its validator built once).
    from flask_appbuilder.api import rison
    from flask_appbuilder.api.schemas import get_list_schema

    api = _api(app)
    with app.test_request_context(f"/api/v1/appeal/?q={quote(q)}"):
        expected = rison(get_list_schema)(lambda self, **kw: None)(api)
    answer = login("supervisor").get(f"/api/v1/appeal/?q={quote(q)}")
    assert answer.status_code == expected.status_code == 400
    assert answer.json == expected.json and answer.json["message"]


def test_chosen_columns_and_keys_answer_as_fab(appeals, login, monkeypatch):
    client = login("supervisor")
    for q in (
        {"columns": ["id", "reg_number", "status"], "page": 1, "page_size": 5},
        {"select_columns": ["id", "reg_date"], "page_size": 5},
        {"keys": ["list_columns"], "page_size": 5},
    ):
        fast, slow = _both(appeals, monkeypatch, client, **q)
        assert {k: v for k, v in fast.items() if k not in ("count_exact", "next_cursor")} == slow
