"""Optimistic locking: two clerks, one record — the second save is refused, nothing is lost."""

from __future__ import annotations

import re

from app.extensions import db
from app.org.models import Body
from app.org.services import body_by_code


def _edit_data(app, code: str, **changes) -> dict:
    with app.app_context():
        body = body_by_code(code)
        data = {
            "code": body.code,
            "name": body.name,
            "short_name": body.short_name or "",
            "kind": body.kind,
            "is_active": "y",
            "version": body.version,
        }
    data.update(changes)
    return data


def test_edit_page_carries_the_version(app, login):
    with app.app_context():
        pk = body_by_code("kumi").id
    page = login("admin").get(f"/bodyview/edit/{pk}").text
    assert re.search(
        r'<input[^>]*name="version"[^>]*type="hidden"[^>]*value="1"|'
        r'<input[^>]*id="version"[^>]*value="1"',
        page,
    )


def test_second_save_of_a_stale_form_is_refused_and_nothing_is_lost(app, login):
    first, second = login("admin"), login("admin")
    with app.app_context():
        pk = body_by_code("kumi").id
    # Both clerks open the record at version 1.
    stale = _edit_data(app, "kumi", short_name="КУМИ (второй)")
    fresh = _edit_data(app, "kumi", phone="8 (3843) 77-00-01")
    assert first.post(f"/bodyview/edit/{pk}", data=fresh).status_code == 302
    response = second.post(f"/bodyview/edit/{pk}", data=stale)
    assert response.status_code == 200
    page = response.text
    assert "Запись уже изменена другим пользователем" in page
    # What the other clerk changed, and by whom.
    # Fields by their labels, as the form names them, not by column names.
    assert "admin" in page and re.search(r"Телефон: «[^»]*» → «8 \(3843\) 77-00-01»", page)
    assert "phone:" not in page
    # The second clerk's typing is still in the form, now at the current version.
    assert 'value="КУМИ (второй)"' in page
    assert re.search(r'name="version"[^>]*value="2"|value="2"[^>]*name="version"', page)
    with app.app_context():
        body = db.session.get(Body, pk)
        assert body.phone == "8 (3843) 77-00-01"  # the first save is kept
        assert body.short_name == "КУМИ"  # the stale one did not overwrite
        assert body.version == 2


def test_resaving_after_the_conflict_with_the_current_version_works(app, login):
    client = login("admin")
    with app.app_context():
        pk = body_by_code("kumi").id
    client.post(f"/bodyview/edit/{pk}", data=_edit_data(app, "kumi", phone="1"))
    retry = _edit_data(app, "kumi", short_name="КУМИ-2")  # reads the current version 2
    assert client.post(f"/bodyview/edit/{pk}", data=retry).status_code == 302
    with app.app_context():
        assert db.session.get(Body, pk).short_name == "КУМИ-2"


def test_rest_put_with_a_stale_version_is_409(app, login):
    client = login("admin")
    with app.app_context():
        pk = body_by_code("kumi").id
    assert client.put(f"/api/v1/body/{pk}", json={"phone": "1", "version": 1}).status_code == 200
    stale = client.put(f"/api/v1/body/{pk}", json={"phone": "2", "version": 1})
    assert stale.status_code == 409
    assert "уже изменена" in stale.json["message"]
    with app.app_context():
        body = db.session.get(Body, pk)
        assert (body.phone, body.version) == ("1", 2)


def test_rest_put_accepts_if_match(app, login):
    client = login("admin")
    with app.app_context():
        pk = body_by_code("kumi").id
    assert client.put(f"/api/v1/body/{pk}", json={"phone": "5"}, headers={"If-Match": '"1"'}).status_code == 200
    assert client.put(f"/api/v1/body/{pk}", json={"phone": "6"}, headers={"If-Match": '"1"'}).status_code == 409


def test_rest_put_without_a_version_is_refused(app, login):
    client = login("admin")
    with app.app_context():
        pk = body_by_code("kumi").id
    response = client.put(f"/api/v1/body/{pk}", json={"phone": "1"})
    assert response.status_code == 422
    assert "version" in response.json["message"]
    with app.app_context():
        assert db.session.get(Body, pk).phone is None
