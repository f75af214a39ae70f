"""Bad input never gives a 500 or raw SQL: Russian pages for the web, JSON messages for the API."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.org.models import District


@pytest.fixture
def admin(login):
    return login("admin")


def test_unknown_page_is_a_russian_404(admin):
    response = admin.get("/no/such/page")
    assert response.status_code == 404
    assert "Страница или запись не найдена" in response.text
    assert "Справочники" in response.text  # the normal layout with the menu


def test_missing_record_is_404(admin):
    response = admin.get("/bodyview/show/999999")
    assert response.status_code == 404
    assert "не найдена" in response.text


def test_missing_right_is_a_russian_403(login):
    response = login("zavodskoy").get("/bodyview/add")
    assert response.status_code == 403
    assert "Доступ запрещён" in response.text


def test_api_errors_are_json_with_a_message(admin):
    response = admin.get("/api/v1/nosuch/")
    assert response.status_code == 404
    assert response.is_json and response.json["message"]


def test_rest_post_that_is_not_json_is_400(admin):
    response = admin.post("/api/v1/district/", data="code=x", content_type="text/plain")
    assert response.status_code == 400
    assert response.json["message"]


def test_rest_post_missing_a_required_field_is_422_naming_it(admin):
    response = admin.post("/api/v1/district/", json={"code": "new"})
    assert response.status_code == 422
    assert "name" in response.json["message"]


def test_rest_duplicate_is_409_with_a_russian_message_and_no_sql(app, admin):
    response = admin.post("/api/v1/district/", json={"code": "central", "name": "Ещё один"})
    assert response.status_code == 409
    message = response.json["message"]
    assert "Запись с таким значением уже есть" in message
    assert "INSERT" not in message and "UNIQUE" not in message.upper().replace("УНИКАЛ", "")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(District)) == 6


def test_rest_put_duplicate_is_409(app, admin):
    with app.app_context():
        pk = db.session.scalar(select(District.id).where(District.code == "kuznetsky"))
    response = admin.put(f"/api/v1/district/{pk}", json={"code": "central", "version": 1})
    assert response.status_code == 409
    with app.app_context():
        assert db.session.get(District, pk).code == "kuznetsky"


def test_rest_delete_of_a_referenced_row_is_422_without_sql(app, admin):
    with app.app_context():
        pk = db.session.scalar(select(District.id).where(District.code == "zavodskoy"))
    response = admin.delete(f"/api/v1/district/{pk}")
    assert response.status_code == 422
    assert "целостности" in response.json["message"]
    assert "FOREIGN KEY" not in response.json["message"]


def test_rest_unknown_enum_value_is_422(admin):
    response = admin.post("/api/v1/body/", json={"code": "x1", "name": "Новый отдел", "kind": "galaxy"})
    assert response.status_code == 422
    assert "Допустимые значения" in str(response.json["message"])


@pytest.mark.parametrize(
    "query",
    [
        "q=(((",
        "q=(order_column:phone,order_direction:asc)",
        "q=(page_size:abc)",
        "q=(filters:!((col:nosuch,opr:eq,value:1)))",
    ],
)
def test_rest_bad_rison_is_400(admin, query):
    response = admin.get(f"/api/v1/official/?{query}")
    assert response.status_code == 400
    assert response.json["message"]


def test_form_duplicate_is_shown_beside_the_field(app, admin):
    response = admin.post("/districtview/add", data={"code": "central", "name": "Дубль"})
    assert response.status_code == 200
    assert 'value="Дубль"' in response.text  # nothing the user typed is lost
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(District)) == 6


def test_rest_filter_operators_are_resolved_per_column(admin):
    # A date filter on a web list used to redefine "eq" for every REST filter (FAB's global map).
    admin.get("/officialview/list/?_flt_0_appointed_on=01.05.2024")
    response = admin.get("/api/v1/official/?q=(filters:!((col:position,opr:eq,value:'Администратор системы')))")
    assert response.status_code == 200
    assert [row["position"] for row in response.json["result"]] == ["Администратор системы"]


def test_rest_date_filter_accepts_russian_dates_and_refuses_bad_ones(app, admin):
    from app.org.models import Official

    with app.app_context():
        official = db.session.scalar(select(Official).where(Official.user.has(username="housing")))
        official.appointed_on = __import__("datetime").date(2024, 5, 1)
        db.session.commit()
    found = admin.get("/api/v1/official/?q=(filters:!((col:appointed_on,opr:eq,value:'01.05.2024')))").json
    assert found["count"] == 1
    bad = admin.get("/api/v1/official/?q=(filters:!((col:appointed_on,opr:eq,value:'31.02.2024')))")
    assert bad.status_code == 400 and "Некорректная дата" in bad.json["message"]


@pytest.mark.parametrize("query", ["q=(page_size:-1)", "q=(page_size:100000)", "q=(page:99999999999)"])
def test_rest_paging_is_bounded(admin, query):
    assert admin.get(f"/api/v1/official/?{query}").status_code == 400


def test_ids_beyond_32_bits_are_404(admin):
    assert admin.get("/officialview/show/3000000000").status_code == 404
    assert admin.get("/api/v1/official/3000000000").status_code == 404
    assert admin.get("/officialview/list/?page_OfficialView=999999999999999999999").status_code == 400


def test_personal_columns_cannot_be_filtered_or_sorted_without_the_right(login):
    supervisor = login("supervisor")
    assert supervisor.get("/api/v1/official/?q=(filters:!((col:phone,opr:sw,value:'+7')))").status_code == 400
    assert supervisor.get("/api/v1/official/?q=(order_column:phone,order_direction:asc)").status_code == 400
    assert supervisor.get("/exportlogview/list/?_oc_ExportLogView=filter_description").status_code == 400
    assert supervisor.get("/exportlogview/list/?_flt_0_filter_description=x").status_code == 400
