"""Lists load related rows with one query per relationship, never one per row."""

from __future__ import annotations

from app.extensions import db
from app.org.models import Official
from app.org.services import body_by_code
from tests.sql_log import count_selects


def _add_officials(app, count: int) -> None:
    with app.app_context():
        sm = app.appbuilder.sm
        role = sm.find_role("Supervisor")
        bodies = [body_by_code(code) for code in ("kgkh", "kumi", "kon", "kszn", "udkh")]
        for i in range(count):
            user = sm.add_user(f"u{i}", "Имя", f"Фамилия{i}", f"u{i}@example.org", role, "Some-Pass-2026")
            db.session.add(Official(user_id=user.id, body=bodies[i % 5], position=f"Специалист {i}"))
        db.session.commit()


def _to_one_full_page(app) -> int:
    """How many officials to add for exactly one full page of 25 (the demo has some already)."""
    with app.app_context():
        return 25 - db.session.query(Official).count()


def test_related_columns_load_with_one_query_per_relationship(app):
    _add_officials(app, _to_one_full_page(app))
    view = next(v for v in app.appbuilder.baseviews if v.__class__.__name__ == "OfficialView")
    assert view.datamodel.eager_relationships == ("user", "body")
    with app.test_request_context(), count_selects(app) as statements:
        count, rows = view.datamodel.query(order_column="position", order_direction="asc", page=0, page_size=25)
        shown = [(str(row.user), str(row.body)) for row in rows]
    assert count == 25 and len(shown) == 25
    # count + page + one per relationship — not one per row.
    assert len(statements) == 4, statements


def test_list_page_queries_do_not_grow_with_rows(app, login):
    client = login("admin")
    # The process's first list checks once how big the related tables are (app/core/related.py).
    client.get("/officialview/list/")
    with count_selects(app) as few:
        assert client.get("/officialview/list/").status_code == 200
    added = _to_one_full_page(app)
    _add_officials(app, added)
    with count_selects(app) as many:
        page = client.get("/officialview/list/")
    assert page.status_code == 200 and f"Специалист {added - 1}" in page.text
    assert len(many) == len(few), "a list query per row (N+1)"


def test_a_request_reads_its_user_his_roles_and_groups_in_one_query(app, login):
    client = login("admin")
    client.get("/officialview/list/")
    with count_selects(app) as statements:
        page = client.get("/officialview/list/")
    assert page.status_code == 200
    # (The officials' own users are listed too: those are read by another query, without roles.)
    user_reads = [s for s in statements if "ab_user_role" in s or "ab_user_group" in s]
    assert len(user_reads) == 1, user_reads
    assert "ab_user_role" in user_reads[0] and "ab_user_group" in user_reads[0]
    # The roles so read are the ones rights are decided on: the admin still sees the page's admin menu.
    assert "Безопасность" in page.text or "Пользователи" in page.text


def test_a_list_filtered_by_a_related_row_reads_that_row_once(app, login):
    """FAB reads the filter's row by the URL's text key, which the session never recognises: once for the
    page's ids, again for its count. Typed and remembered for the request, it is read once."""
    _add_officials(app, _to_one_full_page(app) + 30)  # more than a page: the count is asked for
    with app.app_context():
        kumi = body_by_code("kumi").id
    client = login("admin")
    url = f"/officialview/list/?_flt_0_body={kumi}"
    client.get(url)
    with count_selects(app) as statements:
        page = client.get(url)
    assert page.status_code == 200 and "Специалист 1<" in page.text
    reads = [s for s in statements if "FROM org_body" in s and "org_body.id = " in s]
    assert len(reads) == 1, reads


def test_a_rest_request_reads_nothing_of_the_public_role(app, login):
    """FAB's REST decorator asks before every request whether the resource is public: the Public role,
    then its permissions — two queries. Public is never edited in the panel and is granted nothing, so
    its grants are read once per process."""
    client = login("supervisor")
    client.get("/api/v1/appeal/")
    with count_selects(app) as statements:
        answer = client.get("/api/v1/appeal/")
    assert answer.status_code == 200 and "count_exact" in answer.json
    role_reads = [s for s in statements if "ab_role" in s and "ab_user_role" not in s]
    assert role_reads == []
    with app.test_request_context():
        assert app.appbuilder.sm.is_item_public("can_get", "Appeal") is False
