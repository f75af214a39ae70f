"""A list's count, read link by link for a user whose row scope is an OR of links, is the plain count."""

from __future__ import annotations

import re

import pytest
from flask_login import login_user
from sqlalchemy import func, select

from app.appeals.models import Appeal
from app.appeals.services import send_copies
from app.core import lists
from app.core.lists import (
    PROBED_WALK,
    _leads_an_index,
    bounded_count,
    filtered_query,
    list_count,
    list_count_select,
    load_page,
)
from app.core.views import UpravaModelView
from app.core.workspace.counters import list_filters
from app.extensions import db
from app.org.services import body_by_code
from app.security import collections_as_in, collections_probed, scope_reaches_through_collections, scope_terms
from tests.core.test_list_query_growth import _load_demo_records
from tests.signed_in import signed_in
from tests.sql_log import count_selects

#: Above every demo list's length: both counts are exact, so any row counted twice or missed shows.
LIMIT = 100_000
#: A body clerk (received, responsible, his own, copies), a district clerk, a deputy head.
USERS = ("udkh", "zavodskoy", "deputy")


def _lists(app):
    return [v for v in app.appbuilder.baseviews if isinstance(v, UpravaModelView) and v.datamodel is not None]


@pytest.fixture
def records(app):
    """Every domain's demo records (the lists' own test data set)."""
    _load_demo_records(app)
    return app


def test_every_list_counted_link_by_link_counts_what_one_or_counts(records):
    for username in USERS:
        _count_every_list_as(records, username)


def _count_every_list_as(app, username):
    context = signed_in(app, username)
    try:
        split = []
        for view in _lists(app):
            model = view.datamodel.obj
            pk = getattr(model, view.datamodel.get_pk_name())
            filters = list_filters(view, None)
            plain = bounded_count(filtered_query(view.datamodel, filters), pk, LIMIT)
            assert list_count(view.datamodel, filters, LIMIT) == plain, view.__class__.__name__
            with collections_as_in():
                terms = scope_terms(model)
            if terms is not None and len(terms) > 1:
                split.append((view.__class__.__name__, plain))
        # The test judges something: several lists are split, and some of them have rows.
        assert len(split) >= 5 and sum(1 for _name, rows in split if rows) >= 3, (username, split)
    finally:
        context.pop()


def test_a_body_clerks_appeals_are_counted_as_disjoint_parts_each_with_its_own_link(records):
    app = records
    context = signed_in(app, "udkh")
    try:
        view = next(v for v in _lists(app) if v.__class__.__name__ == "AppealView")
        filters = list_filters(view, None)
        with collections_as_in():
            terms = scope_terms(Appeal)
        assert terms is not None and len(terms) >= 3
        sql = str(list_count_select(view.datamodel, filters, 1000).compile(db.engine)).upper()
        assert sql.count("UNION ALL") == len(terms) - 1
        # Each part holds one link and the earlier ones negated; the scope's whole OR is not repeated in it.
        assert sql.count("IS NOT") == len(terms) * (len(terms) - 1) // 2
        assert " OR " not in sql
        with count_selects(app) as statements:
            counted = list_count(view.datamodel, filters, 1000)
        plain = bounded_count(filtered_query(view.datamodel, filters), Appeal.id, 1000)
        assert len(statements) == 1 and counted == plain > 0
        # The data holds what a wrong split would miscount: appeals two links reach (counted once) and
        # appeals without an executor (a NULL link, which NOT would drop from the later parts).
        current = filtered_query(view.datamodel, filters)
        assert sum(current.filter(term).count() for term in terms) > plain
        assert current.filter(Appeal.executor_id.is_(None)).count() > 0
        # A preset narrows the list: its own condition is the selective one, so it is counted as one OR.
        open_ones = list_filters(view, "open")
        sql = str(list_count_select(view.datamodel, open_ones, 1000).compile(db.engine)).upper()
        assert "UNION" not in sql and " OR " in sql
        with app.test_request_context("/appealview/list/?annulled=annulled"):
            login_user(app.appbuilder.sm.find_user(username="udkh"))
            annulled = list_filters(view, None)
            sql = str(list_count_select(view.datamodel, annulled, 1000).compile(db.engine)).upper()
            assert "UNION" not in sql and "ANNULLED_AT IS NOT NULL" in sql
        counted = list_count(view.datamodel, open_ones, 1000)
        assert counted == bounded_count(filtered_query(view.datamodel, open_ones), Appeal.id, 1000) > 0
    finally:
        context.pop()


def _copy_a_foreign_appeal_to(body):
    """The newest appeal the body neither received nor is responsible for, with a copy sent to it (flushed)."""
    foreign = db.session.scalars(
        select(Appeal)
        .where(Appeal.responsible_body_id != body.id, Appeal.receiving_body_id != body.id)
        .order_by(Appeal.reg_date.desc(), Appeal.id.desc())
    ).first()
    send_copies(foreign, [body], foreign.reg_date)
    db.session.flush()
    return foreign


def test_a_body_clerks_page_marks_the_rows_he_may_not_work_in_the_rows_own_select(records, login):
    """A copy is read-only for its recipient: the page learns which rows are, without a query of its own."""
    with records.app_context():
        copied = _copy_a_foreign_appeal_to(body_by_code("udkh")).id
        db.session.commit()
    client = login("udkh")
    client.get("/appealview/list/")
    with count_selects(records) as statements:
        page = client.get("/appealview/list/")
    assert page.status_code == 200
    head = "SELECT appeals_appeal.id AS appeals_appeal_id, appeals_appeal.reg"
    rows = [s for s in statements if s.lstrip().startswith(head)]
    assert len(rows) == 1 and "CASE WHEN" in rows[0].upper()
    assert not [s for s in statements if s.lstrip().startswith("SELECT appeals_appeal.id \nFROM")]
    assert f'href="/appealview/show/{copied}"' in page.text and f'href="/appealview/edit/{copied}"' not in page.text
    assert re.search(r'href="/appealview/edit/\d+"', page.text), "his own appeals stay editable"


def test_a_body_clerks_pages_carry_the_plain_count_first_and_by_cursor_both_ways(records):
    """The count read along with a page's ids (split link by link) is the one-OR count, on every kind of page."""
    context = signed_in(records, "udkh")
    try:
        view = next(v for v in _lists(records) if v.__class__.__name__ == "AppealView")
        filters = list_filters(view, None)
        plain = bounded_count(filtered_query(view.datamodel, filters), Appeal.id, 1000)
        assert plain > 10
        # (The first page of a sight in a process also counts it once, to learn whether it is thin.)
        load_page(view.datamodel, filters, "reg_date", "desc", 0, 5)
        with count_selects(records) as statements:
            first = load_page(view.datamodel, filters, "reg_date", "desc", 0, 5)
        assert "UNION ALL" in statements[0].upper() and len(statements) == 2
        later = load_page(view.datamodel, filters, "reg_date", "desc", 0, 5, after=first.last_key)
        back = load_page(view.datamodel, filters, "reg_date", "desc", 0, 5, before=later.first_key)
        second = load_page(view.datamodel, filters, "reg_date", "desc", 1, 5)
        for page in (first, later, back, second):
            assert (page.count, page.count_exact) == (plain, True)
        assert back.ids == first.ids and later.ids == second.ids
        bounded = load_page(view.datamodel, filters, "reg_date", "desc", 0, 5, count_limit=plain - 1)
        assert (bounded.count, bounded.count_exact) == (plain - 1, False)
    finally:
        context.pop()


def test_every_list_reaches_the_same_rows_with_its_collections_probed(records):
    """The probed form of a collection link (a page's walk on PostgreSQL) keeps exactly the EXISTS form's rows."""
    for username in USERS:
        context = signed_in(records, username)
        try:
            compared = 0
            for view in _lists(records):
                model = view.datamodel.obj
                if not scope_reaches_through_collections(model):
                    continue
                pk = getattr(model, view.datamodel.get_pk_name())
                filters = list_filters(view, None)
                plain = {row[0] for row in filtered_query(view.datamodel, filters).with_entities(pk)}
                with collections_probed():
                    query = filtered_query(view.datamodel, filters)
                    sql = " ".join(str(query.statement.compile(db.engine)).split()).upper()
                probed = {row[0] for row in query.with_entities(pk)}
                assert probed == plain, (username, view.__class__.__name__)
                assert "OFFSET" in sql, (username, view.__class__.__name__)
                compared += bool(plain)
            # The test judges something: lists reached through a collection, with rows.
            assert compared >= 2, username
        finally:
            context.pop()


def test_a_body_clerks_page_walk_probes_his_copies_row_by_row_on_postgresql(records):
    """PostgreSQL hashed every copy sent to the body before walking 26 rows of the page: it must probe instead."""
    context = signed_in(records, "udkh")
    try:
        view = next(v for v in _lists(records) if v.__class__.__name__ == "AppealView")
        filters = list_filters(view, None)
        with count_selects(records) as statements:
            page = load_page(view.datamodel, filters, "reg_date", "desc", 0, 5)
        # The page's walk: its ids (and the count along); the scope's EXISTS is in its own WHERE, last.
        walk = next(s for s in statements if s.startswith("SELECT appeals_appeal.id AS appeals_appeal_id,"))
        expected = [
            row[0]
            for row in filtered_query(view.datamodel, filters)
            .with_entities(Appeal.id)
            .order_by(Appeal.reg_date.desc(), Appeal.id.desc())
            .limit(5)
        ]
        assert page.ids == expected and len(expected) == 5
        exists = walk[walk.rindex("EXISTS") :]
        if db.engine.dialect.name != "postgresql":
            # SQLite runs every EXISTS row by row: its statement keeps the plain form.
            assert "OFFSET" not in exists[: exists.index("appeals_appeal.annulled_at")]
            return
        probe = exists[: exists.index("appeals_appeal.annulled_at")]
        assert "appeals_copy.body_id IN" in probe and "LIMIT ALL OFFSET" in probe, walk
        with collections_probed():
            compiled = (
                filtered_query(view.datamodel, filters)
                .with_entities(Appeal.id)
                .order_by(Appeal.reg_date.desc(), Appeal.id.desc())
                .limit(26)
            )
        # The plan PostgreSQL makes of the walk: the copies looked up per row, never hashed.
        sql = compiled.statement.compile(db.engine, compile_kwargs={"literal_binds": True})
        plan = "\n".join(row[0] for row in db.session.connection().exec_driver_sql(f"EXPLAIN {sql}"))
        assert "hashed SubPlan" not in plan and "SubPlan" in plan, plan
    finally:
        context.pop()


def _walk_probes(app, datamodel, filters, order_column, page, page_size=5, **cursor):
    """Whether the page's walk (its ids' statement) probes the copies (an OFFSET inside its scope's EXISTS)."""
    with count_selects(app) as statements:
        load_page(datamodel, filters, order_column, "desc", page, page_size, **cursor)
    walk = next(s for s in statements if s.startswith("SELECT appeals_appeal.id AS appeals_appeal_id"))
    exists = walk[walk.rindex("EXISTS") :]
    return "OFFSET" in exists[: exists.index("appeals_appeal.annulled_at")]


def test_only_a_short_walk_of_the_whole_list_in_an_indexed_order_probes(records):
    """Deeper, or sorted without an index, or narrowed by a search or a preset, the walk keeps the hash."""
    context = signed_in(records, "udkh")
    try:
        view = next(v for v in _lists(records) if v.__class__.__name__ == "AppealView")
        whole, datamodel = list_filters(view, None), view.datamodel
        on_postgresql = db.engine.dialect.name == "postgresql"
        first = load_page(datamodel, whole, "reg_date", "desc", 0, 5)
        assert _walk_probes(records, datamodel, whole, "reg_date", 0) is on_postgresql
        assert _walk_probes(records, datamodel, whole, "reg_date", 0, after=first.last_key) is on_postgresql
        last_probed = PROBED_WALK // 5 - 1  # rows 1…PROBED_WALK
        assert _walk_probes(records, datamodel, whole, "reg_date", last_probed) is on_postgresql
        assert not _walk_probes(records, datamodel, whole, "reg_date", last_probed + 1)
        assert not _walk_probes(records, datamodel, whole, "applicant_last_name", 0)
        assert not _walk_probes(records, datamodel, list_filters(view, "open"), "reg_date", 0)
    finally:
        context.pop()


def test_a_walk_may_probe_only_along_a_btree_index_of_column_and_key_holding_every_row_shown(app):
    """Elsewhere PostgreSQL sorts: every matching row, each probed (see lists.walk_query)."""
    with app.app_context():
        # The key; (reg_date, id) over all rows.
        assert _leads_an_index(Appeal, "id", current_only=False)
        assert _leads_an_index(Appeal, "reg_date", current_only=False)
        # (summary, id) over the current rows only: a walk of the current list, not of «all».
        assert _leads_an_index(Appeal, "summary", current_only=True)
        assert not _leads_an_index(Appeal, "summary", current_only=False)
        # A trigram (GIN) index gives no order; (due_date, id) holds the open appeals only.
        assert not _leads_an_index(Appeal, "applicant_search", current_only=True)
        assert not _leads_an_index(Appeal, "due_date", current_only=True)
        assert not _leads_an_index(Appeal, "applicant_last_name", current_only=True)


def test_the_scope_keeps_rows_only_a_collection_reaches(records):
    """The probed-form comparison above judges something: a body clerk sees appeals only his copies reach."""
    context = signed_in(records, "udkh")
    try:
        view = next(v for v in _lists(records) if v.__class__.__name__ == "AppealView")
        filters = list_filters(view, None)
        foreign = _copy_a_foreign_appeal_to(body_by_code("udkh"))
        seen = {row[0] for row in filtered_query(view.datamodel, filters).with_entities(Appeal.id)}
        assert foreign.id in seen, "an appeal is his only through its copy"
        with collections_probed():
            probed = {row[0] for row in filtered_query(view.datamodel, filters).with_entities(Appeal.id)}
        assert probed == seen and db.session.scalar(select(func.count(Appeal.id))) > len(seen)
    finally:
        context.pop()


def _pages_both_ways(datamodel, filters, size, **read):
    """Every page of the list by number, then by cursor forwards and back: (ids, count, exact) of each."""
    pages, page = [], load_page(datamodel, filters, "reg_date", "desc", 0, size, **read)
    while page.ids:
        pages.append((page.ids, page.count, page.count_exact))
        page = load_page(datamodel, filters, "reg_date", "desc", len(pages), size, **read)
    pages.append((page.ids, page.count, page.count_exact))  # past the end
    forward = [load_page(datamodel, filters, "reg_date", "asc", 0, size, **read)]
    while forward[-1].has_next:
        forward.append(load_page(datamodel, filters, "reg_date", "asc", 0, size, after=forward[-1].last_key, **read))
    back = load_page(datamodel, filters, "reg_date", "asc", 0, size, before=forward[-1].first_key, **read)
    return pages, [p.ids for p in forward], back.ids


def test_a_thin_sight_is_read_from_its_own_ids_and_pages_as_the_walk_does(records, monkeypatch):
    """A clerk who sees a sliver of the table: his pages come from his ids, link by link; the same pages."""
    context = signed_in(records, "udkh")
    try:
        view = next(v for v in _lists(records) if v.__class__.__name__ == "AppealView")
        filters = list_filters(view, None)
        # In the demo he sees too large a share of the appeals to be thin…
        assert lists._sparse_sight(view.datamodel, filters, 1000) is None
        # …and is, when a sliver is one in two.
        monkeypatch.setattr(lists, "SPARSE_RATIO", 2)
        lists._SIGHTS.clear()
        with count_selects(records) as statements:
            assert lists._sparse_sight(view.datamodel, filters, 1000) is not None
        assert len(statements) == 2  # his rows, then the table's, each counted no further than needed
        with count_selects(records) as statements:
            thin = _pages_both_ways(view.datamodel, filters, 7)
        assert statements and all("UNION ALL" in sql.upper() for sql in statements if "LIMIT" in sql.upper())
        walked = _pages_both_ways(view.datamodel, filters, 7, dense=True)
        assert thin == walked and len(thin[0]) > 3
        # More rows than the count limit: not thin, whatever the share.
        lists._SIGHTS.clear()
        assert lists._sparse_sight(view.datamodel, filters, 5) is None
    finally:
        context.pop()


def test_a_sight_learned_thin_that_has_grown_past_the_limit_is_read_whole(records, monkeypatch):
    monkeypatch.setattr(lists, "SPARSE_RATIO", 2)
    context = signed_in(records, "udkh")
    try:
        view = next(v for v in _lists(records) if v.__class__.__name__ == "AppealView")
        filters = list_filters(view, None)
        seen = list_count(view.datamodel, filters, 100_000)
        assert lists._sparse_sight(view.datamodel, filters, seen) is not None  # learned thin at this limit
        # Then three appeals more are registered for his body: his ids, cut at the limit, would miss some.
        body = body_by_code("udkh")
        for foreign in db.session.scalars(
            select(Appeal).where(Appeal.responsible_body_id != body.id, Appeal.receiving_body_id != body.id).limit(3)
        ):
            foreign.responsible_body_id = body.id
        db.session.flush()
        page = load_page(view.datamodel, filters, "reg_date", "desc", 0, 5, count_limit=seen)
        whole = load_page(view.datamodel, filters, "reg_date", "desc", 0, 5, count_limit=seen, dense=True)
        assert (page.ids, page.count, page.count_exact) == (whole.ids, seen, False)
        assert lists._sparse_sight(view.datamodel, filters, seen) is None  # learned anew: not thin
    finally:
        context.pop()


def _count_text(page) -> str:
    match = re.search(r"Всего записей:</strong>\s*([^<]+?)\s*</div>", page.text)
    assert match, "the list's header names its row count"
    return match.group(1)


def _counted(statements) -> bool:
    """Whether the appeals were counted (the search form's choices count their own tables)."""
    return any("count(" in sql.lower() and "appeals_appeal" in sql for sql in statements)


def test_a_list_past_its_limit_is_trusted_to_be_for_a_minute_then_counted_again(records, login, monkeypatch):
    """«более N» is remembered per list, user and arguments for OVER_SECONDS; then the page counts again."""
    view = next(v for v in _lists(records) if v.__class__.__name__ == "AppealView")
    with records.app_context():
        context = signed_in(records, "udkh")
        try:
            plain = bounded_count(filtered_query(view.datamodel, list_filters(view, None)), Appeal.id, LIMIT)
        finally:
            context.pop()
    assert plain > 10
    monkeypatch.setattr(view, "count_limit", plain - 3)
    # Five rows a page: page 1 is not the last, whose own rows would say the count exactly.
    LIST = "/appealview/list/?psize_AppealView=5"
    client = login("udkh")
    first = client.get(LIST)
    assert _count_text(first) == f"более {plain - 3}"
    with count_selects(records) as statements:
        again = client.get(LIST + "&_oc_AppealView=reg_date&_od_AppealView=asc")
    # Sorted otherwise, the same rows: not counted, and still said to be more than the limit.
    assert not _counted(statements) and _count_text(again) == f"более {plain - 3}"
    # Another selection of rows, or another user, is counted on its own.
    with count_selects(records) as statements:
        client.get(LIST + "&annulled=all")
    assert _counted(statements)
    with count_selects(records) as statements:
        login("deputy").get(LIST)
    assert _counted(statements)

    # Three of his appeals are annulled: within the minute the header still says «более» (the claim
    # a minute may outlive); once the minute is over, the page counts them again, exactly.
    _annul_three_of(_body_id(records, "udkh"), records)
    assert _count_text(client.get(LIST)) == f"более {plain - 3}"
    for key in lists._OVER:
        lists._OVER[key] = 0.0
    with count_selects(records) as statements:
        later = client.get(LIST)
    assert _counted(statements) and _count_text(later) == str(plain - 3)
    # Within its limit a list is not remembered: every page counts it.
    with count_selects(records) as statements:
        client.get(LIST)
    assert _counted(statements)

    # A last page's own rows are a measure: they say the count exactly and correct a stale claim at once.
    monkeypatch.setattr(view, "count_limit", plain - 5)
    assert _count_text(client.get(LIST)) == f"более {plain - 5}"
    _annul_three_of(_body_id(records, "udkh"), records)
    assert _count_text(client.get(LIST)) == f"более {plain - 5}"
    last = client.get(LIST + f"&page_AppealView={(plain - 7) // 5}")
    assert _count_text(last) == str(plain - 6)
    with count_selects(records) as statements:
        corrected = client.get(LIST)
    assert _counted(statements) and _count_text(corrected) == str(plain - 6)


def _body_id(app, code: str) -> int:
    with app.app_context():
        return body_by_code(code).id


def _annul_three_of(body_id: int, app) -> None:
    with app.app_context():
        gone = db.session.scalars(
            select(Appeal).where(Appeal.responsible_body_id == body_id, Appeal.annulled_at.is_(None)).limit(3)
        ).all()
        assert len(gone) == 3
        for appeal in gone:
            appeal.annulled_at = func.now()
        db.session.commit()
