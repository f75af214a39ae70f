"""The fast list paths (app/core/lists.py, filters, related) give exactly the slow paths' answers."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
from flask_appbuilder.models.sqla.filters import FilterRelationOneToManyEqual
from sqlalchemy import insert, select

from app.appeals.models import Appeal
from app.appeals.reference.models import Channel
from app.core.filters import CodeEqual, TextContains
from app.core.lists import build_pager, load_page
from app.extensions import db
from app.org.models import Body
from tests.appeal_rows import appeal_row
from tests.sql_log import count_selects

ROWS = 120
#: Few distinct dates and summaries: most sort values are ties, broken by id.
DATES = [dt.date(2025, 3, 1) + dt.timedelta(days=n) for n in range(9)]
SUMMARIES = ["Дорога", "Вода", "Снег", "Свет"]
STATUSES = ["registered", "in_work", "answered"]


def _appeal_view(app):
    return next(v for v in app.appbuilder.baseviews if v.__class__.__name__ == "AppealView")


@pytest.fixture
def appeals(app):
    """ROWS appeals with tied sort values, a few annulled (Core insert: fast, no history)."""
    with app.app_context():
        channel = db.session.scalar(select(Channel.id).order_by(Channel.id))
        bodies = list(db.session.scalars(select(Body.id).order_by(Body.id).limit(3)))
        rows = []
        for n in range(ROWS):
            reg_date = DATES[(n * 7) % len(DATES)]
            rows.append(
                appeal_row(
                    n + 1,
                    reg_date,
                    channel_id=channel,
                    summary=SUMMARIES[n % len(SUMMARIES)],
                    receiving_body_id=bodies[n % 3],
                    responsible_body_id=bodies[(n + 1) % 3],
                    status=STATUSES[n % len(STATUSES)],
                    annulled_at=dt.datetime(2025, 4, 1) if n % 17 == 0 else None,
                )
            )
        db.session.execute(insert(Appeal), rows)
        db.session.commit()
    return app


def _filters(view, **conditions):
    filters = view.datamodel.get_filters(list(conditions))
    for column, (flt, value) in conditions.items():
        filters.add_filter(column, flt, value)
    return filters


def _slow_ids(view, filters, column, direction, page, size):
    """FAB's own path: a full COUNT, then LIMIT/OFFSET over whole rows."""
    count, rows = view.datamodel.query(filters, column, direction, page=page, page_size=size)
    return count, [row.id for row in rows]


@pytest.mark.parametrize(
    ("column", "direction"), [("reg_date", "desc"), ("reg_date", "asc"), ("summary", "asc"), ("status", "desc")]
)
def test_numbered_pages_hold_the_same_rows_in_the_same_order_as_fab(appeals, column, direction):
    view = _appeal_view(appeals)
    with appeals.test_request_context():
        filters = _filters(view)
        total, _ = _slow_ids(view, filters, column, direction, 0, 1)
        for page in range(total // 11 + 2):  # one page past the end too
            fast = load_page(view.datamodel, filters, column, direction, page, 11)
            assert fast.ids == _slow_ids(view, filters, column, direction, page, 11)[1]
            assert [item.id for item in fast.items] == fast.ids


def test_keyset_pages_concatenate_to_the_full_ordered_list_both_ways(appeals):
    view = _appeal_view(appeals)
    with appeals.test_request_context():
        filters = _filters(view)
        _, everything = _slow_ids(view, filters, "reg_date", "desc", 0, 1000)
        page = load_page(view.datamodel, filters, "reg_date", "desc", 0, 10)
        forward = list(page.ids)
        pages = [page]
        while page.has_next:
            page = load_page(view.datamodel, filters, "reg_date", "desc", 0, 10, after=page.last_key)
            forward += page.ids
            pages.append(page)
        assert forward == everything
        # «previous» from the last page walks back over the same pages.
        backward = list(page.ids)
        while page.has_previous:
            page = load_page(view.datamodel, filters, "reg_date", "desc", 0, 10, before=page.first_key)
            backward = page.ids + backward
        assert backward == everything
        assert page.ids == pages[0].ids


def test_filtered_pages_match_fab_with_status_and_body(appeals):
    view = _appeal_view(appeals)
    with appeals.test_request_context():
        body = db.session.scalar(select(Body.id).order_by(Body.id).offset(2))  # the in-work appeals' body
        filters = _filters(view, status=(CodeEqual, "in_work"), responsible_body=(FilterRelationOneToManyEqual, body))
        count, slow = _slow_ids(view, filters, "reg_date", "desc", 0, 1000)
        fast = load_page(view.datamodel, filters, "reg_date", "desc", 0, 1000)
    assert count > 0 and fast.ids == slow
    assert fast.count == count and fast.count_exact


def test_bounded_count_says_more_than_n_and_never_a_wrong_number(appeals):
    view = _appeal_view(appeals)
    with appeals.test_request_context("/appealview/list/"):
        filters = _filters(view)
        total, _ = _slow_ids(view, filters, "reg_date", "desc", 0, 1)
        first = load_page(view.datamodel, filters, "reg_date", "desc", 0, 10, count_limit=50)
        assert (first.count, first.count_exact) == (50, False) and total > 50
        assert build_pager("AppealView", first, 0, 10).count_text == "более 50"
        deep = load_page(view.datamodel, filters, "reg_date", "desc", 6, 10, count_limit=50)
        assert (deep.count, deep.count_exact) == (70, False)  # 70 rows exist up to page 7, and more
        last_page = (total - 1) // 10
        last = load_page(view.datamodel, filters, "reg_date", "desc", last_page, 10, count_limit=50)
        assert (last.count, last.count_exact, last.has_next) == (total, True, False)
        past = load_page(view.datamodel, filters, "reg_date", "desc", last_page + 3, 10, count_limit=50)
        assert (past.items, past.count, past.count_exact) == ([], 50, False)  # «более 50», not «более (offset)»
        past_small = load_page(view.datamodel, filters, "reg_date", "desc", last_page + 3, 10, count_limit=total)
        assert (past_small.items, past_small.count, past_small.count_exact) == ([], total, True)
        small = load_page(view.datamodel, filters, "reg_date", "desc", 0, 10, count_limit=total)
        assert (small.count, small.count_exact) == (total, True)
        assert build_pager("AppealView", small, 0, 10).count_text == str(total)


def test_the_count_rides_in_the_statement_that_reads_the_pages_ids(appeals):
    """One round trip fewer a page: the bounded count is a scalar subquery of the ids' SELECT, and it
    says what a count of its own would say — first page, keyset pages both ways, with a filter."""
    view = _appeal_view(appeals)
    with appeals.test_request_context("/appealview/list/"):
        filters = _filters(view)
        total, _ = _slow_ids(view, filters, "reg_date", "desc", 0, 1)
        with count_selects(appeals) as statements:
            first = load_page(view.datamodel, filters, "reg_date", "desc", 0, 10)
        assert (first.count, first.count_exact) == (total, True)
        assert len(statements) == 2, statements  # the ids (with the count), the rows
        assert "count(" in statements[0].lower() and "count(" not in statements[1].lower()
        with count_selects(appeals) as statements:
            later = load_page(view.datamodel, filters, "reg_date", "desc", 0, 10, after=first.last_key)
            back = load_page(view.datamodel, filters, "reg_date", "desc", 0, 10, before=later.first_key)
        assert len(statements) == 4, statements
        assert (later.count, later.count_exact, back.count, back.count_exact) == (total, True, total, True)
        assert back.ids == first.ids
        bounded = load_page(view.datamodel, filters, "reg_date", "desc", 0, 10, count_limit=50)
        assert (bounded.count, bounded.count_exact) == (50, False)
        body = db.session.scalar(select(Body.id).order_by(Body.id))
        filtered = _filters(view, responsible_body=(FilterRelationOneToManyEqual, body))
        body_total, _ = _slow_ids(view, filtered, "reg_date", "desc", 0, 1)
        one = load_page(view.datamodel, filtered, "reg_date", "desc", 0, 10)
        assert (one.count, one.count_exact) == (body_total, True) and 10 < body_total < total
        # Deep in a long list the count is not asked for at all: the rows up to the page say «более N».
        with count_selects(appeals) as statements:
            deep = load_page(view.datamodel, filters, "reg_date", "desc", 6, 10, count_limit=50)
        assert (deep.count, deep.count_exact) == (70, False)
        assert not any("count(" in s.lower() for s in statements), statements


def test_appeal_list_pages_forward_with_keyset_links(appeals, login):
    client = login("supervisor")
    first = client.get("/appealview/list/?psize_AppealView=25").text
    link = re.search(r'href="([^"]*after_AppealView=[^"]*)"', first)
    assert link is not None
    second = client.get(unescape(link.group(1))).text
    numbers = re.findall(r"ОГ-2025-\d{6}", first) + re.findall(r"ОГ-2025-\d{6}", second)
    with appeals.app_context():
        expected = list(
            db.session.scalars(
                select(Appeal.reg_number)
                .where(Appeal.annulled_at.is_(None))
                .order_by(Appeal.reg_date.desc(), Appeal.id.desc())
                .limit(50)
            )
        )
    assert numbers == expected


def _add_applicants(app):
    with app.app_context():
        channel = db.session.scalar(select(Channel))
        body = db.session.scalar(select(Body))
        people = [("Иванов", "Пётр"), ("Иванова", "Семён"), ("Петров", "Семен"), ("Сидоров", "Иван")]
        for n, (last, first) in enumerate(people):
            db.session.add(
                Appeal(
                    reg_number=f"ОГ-2025-9{n:05d}",
                    reg_year=2025,
                    reg_seq=90000 + n,
                    received_date=DATES[0],
                    reg_date=DATES[0],
                    channel_id=channel.id,
                    summary="Заявление",
                    receiving_body_id=body.id,
                    responsible_body_id=body.id,
                    due_date=DATES[0],
                    applicant_last_name=last,
                    applicant_first_name=first,
                    applicant_address="ул. Звёздова, 5",
                )
            )
        db.session.commit()


@pytest.mark.parametrize(
    ("column", "needle", "expected"),
    [
        ("applicant_last_name", "иванов", ["Иванов", "Иванова"]),
        ("applicant_last_name", "ИВАНОВА", ["Иванова"]),
        ("applicant_first_name", "семен", ["Иванова", "Петров"]),
        ("applicant_first_name", "семён", ["Иванова", "Петров"]),
        ("applicant_first_name", "ив", ["Сидоров"]),  # under 3 letters: no trigram, still found
        ("applicant_address", "звездова", ["Иванов", "Иванова", "Петров", "Сидоров"]),
        ("applicant_search", "семен", ["Иванова", "Петров"]),
        ("applicant_search", "иванов", ["Иванов", "Иванова"]),
    ],
)
def test_applicant_search_ignores_case_and_yo_on_both_databases(app, column, needle, expected):
    _add_applicants(app)
    view = _appeal_view(app)
    with app.test_request_context():
        filters = _filters(view, **{column: (TextContains, needle)})
        page = load_page(view.datamodel, filters, "reg_number", "asc", 0, 25)
        assert sorted(item.applicant_last_name for item in page.items) == expected
        # The shadow column narrows; the answer is the column's own.
        assert page.ids == _slow_ids(view, filters, "reg_number", "asc", 0, 25)[1]


def test_search_column_follows_the_applicant_when_edited(app):
    _add_applicants(app)
    with app.app_context():
        appeal = db.session.scalar(select(Appeal).where(Appeal.applicant_last_name == "Петров"))
        assert appeal.applicant_search == "петров семен ул. звездова, 5"
        appeal.applicant_last_name = "Фёдоров"
        db.session.commit()
        assert db.session.get(Appeal, appeal.id).applicant_search == "федоров семен ул. звездова, 5"


def test_appeal_list_offers_the_name_or_address_search_to_those_who_see_personal_data(app, login):
    _add_applicants(app)
    page = login("appeals").get("/appealview/list/?_flt_0_applicant_search=семен").text
    assert "Заявитель: ФИО или адрес" in _search_fields(page)
    assert sorted(re.findall(r"ОГ-2025-9\d{5}", page)) == ["ОГ-2025-900001", "ОГ-2025-900002"]
    assert login("supervisor").get("/appealview/list/?_flt_0_applicant_search=семен").status_code == 400


def test_status_filter_is_an_exact_code(appeals):
    view = _appeal_view(appeals)
    with appeals.test_request_context():
        filters = _filters(view, status=(CodeEqual, "in_work"))
        page = load_page(view.datamodel, filters, "reg_date", "desc", 0, 200)
        assert page.items and {item.status for item in page.items} == {"in_work"}
        assert load_page(view.datamodel, _filters(view, status=(CodeEqual, "work")), "reg_date", "desc", 0, 5).ids == []


def test_big_related_tables_are_looked_up_as_the_user_types(app, login, monkeypatch):
    monkeypatch.setattr("app.core.related.SMALL_TABLE", 3)
    monkeypatch.setattr("app.core.related._SIZES", {})
    client = login("supervisor")
    page = client.get("/appealview/list/").text
    # The executor filter (a JSON template for ab_filters.js) holds no users, only the lookup URL.
    assert 'id=\\"executor\\" name=\\"executor\\" data-url=\\"/appealview/related/executor\\"' in page
    found = client.get("/appealview/related/executor?q=морозов").json["result"]
    assert [row["text"] for row in found] == ["Елена Морозова"]
    assert client.get("/appealview/related/summary?q=x").status_code == 404
    assert client.get("/appealview/related/nosuch").status_code == 404


def test_filter_controls_are_reused_for_the_configured_time_only(app, login, monkeypatch):
    monkeypatch.setitem(app.config, "LIST_FIELD_CACHE_SECONDS", 60)
    monkeypatch.setattr("app.core.related._FIELDS", {})
    client = login("supervisor")
    client.get("/appealview/list/")
    with app.app_context():
        db.session.add(Channel(code="bench-new", name="Новый канал поступления"))
        db.session.commit()
    assert "Новый канал поступления" not in _search_fields(client.get("/appealview/list/").text)
    monkeypatch.setitem(app.config, "LIST_FIELD_CACHE_SECONDS", 0)
    assert "Новый канал поступления" in _search_fields(client.get("/appealview/list/").text)


def _search_fields(page: str) -> str:
    """The filter controls: a JSON object of HTML strings in the page (its < > & ' \\u-escaped)."""
    return re.sub(r"\\u([0-9a-fA-F]{4})", lambda match: chr(int(match.group(1), 16)), page)
