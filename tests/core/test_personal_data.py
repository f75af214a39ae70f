"""Fields a model marks personal (`__personal__`) are hidden without the personal-data right."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.org.models import Official
from tests.conftest import login_client

PHONE = "+7 905 111-22-33"


def _official(app, username: str = "housing") -> int:
    with app.app_context():
        official = db.session.scalar(select(Official).where(Official.user.has(username=username)))
        official.phone = PHONE
        db.session.commit()
        return official.id


def _editor_without_personal_right(app):
    with app.app_context():
        sm = app.appbuilder.sm
        role = sm.add_role("OfficialsEditorNoPD")
        for perm in ("can_read", "can_write"):
            sm.add_permission_role(role, sm.find_permission_view_menu(perm, "Official"))
        user = sm.add_user("nopd", "Нина", "Безправ", "nopd@example.org", role, "No-Personal-2026")
        from app.org.services import body_by_code, set_profile
        from app.security import ScopeLevel

        set_profile(user, body_by_code("adm"), "Кадровик", ScopeLevel.CITY)
        db.session.commit()
    return login_client(app, "nopd", "No-Personal-2026")


def test_show_page_hides_personal_fields_without_the_right(app, login):
    pk = _official(app)
    assert PHONE in login("housing").get(f"/officialview/show/{pk}").text
    page = login("supervisor").get(f"/officialview/show/{pk}").text
    assert "Специалист" in page or "специалист" in page  # the record itself is shown
    assert PHONE not in page
    show_part, history = page.split("<h4>История изменений</h4>", 1)
    assert "Телефон" not in show_part  # the field itself is not shown
    assert "***" in history  # its change is recorded, masked


def test_api_hides_personal_fields_without_the_right(app, login):
    pk = _official(app)
    assert login("housing").get(f"/api/v1/official/{pk}").json["result"]["phone"] == PHONE
    shown = login("supervisor").get(f"/api/v1/official/{pk}").json
    assert "phone" not in shown["result"] and "phone" not in shown["show_columns"]
    listed = login("supervisor").get("/api/v1/official/").json
    assert all("phone" not in row for row in listed["result"])


def test_edit_without_the_right_neither_shows_nor_erases_personal_fields(app):
    pk = _official(app)
    client = _editor_without_personal_right(app)
    assert PHONE not in client.get(f"/officialview/edit/{pk}").text
    with app.app_context():
        official = db.session.get(Official, pk)
        form = {
            "user": official.user_id,
            "body": official.body_id,
            "position": "Ведущий специалист",
            "scope_level": official.scope_level,
            "is_active": "y",
            "version": official.version,
        }
    assert client.post(f"/officialview/edit/{pk}", data=form).status_code == 302
    with app.app_context():
        official = db.session.get(Official, pk)
        assert (official.position, official.phone) == ("Ведущий специалист", PHONE)


def test_api_write_of_personal_fields_without_the_right_is_403(app):
    pk = _official(app)
    client = _editor_without_personal_right(app)
    response = client.put(f"/api/v1/official/{pk}", json={"phone": "000", "version": 1})
    assert response.status_code == 403
    assert "персональные данные" in response.json["message"]
    with app.app_context():
        assert db.session.get(Official, pk).phone == PHONE


def test_api_refuses_columns_outside_the_listed_ones(app, login):
    pk = _official(app)
    supervisor = login("supervisor")
    response = supervisor.get(f"/api/v1/official/{pk}?q=(columns:!(phone,position))")
    assert response.status_code in (200, 400)
    assert PHONE not in response.text
    assert supervisor.get("/api/v1/official/?q=(columns:!(version))").status_code == 400
    assert supervisor.get("/api/v1/changelog/?q=(columns:!(changes))").status_code == 400
