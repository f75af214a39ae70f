"""Lists, filters and forms as a Russian user expects them (on the officials list)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.org.models import Official


def _official(username: str) -> Official:
    return db.session.scalar(select(Official).where(Official.user.has(username=username)))


@pytest.fixture
def admin(login):
    return login("admin")


def _filter_index(app, view: str, column: str, arg_name: str) -> int:
    view_obj = next(v for v in app.appbuilder.baseviews if v.__class__.__name__ == view)
    filters = view_obj._filters.get_search_filters()[column]
    return next(i for i, f in enumerate(filters) if f.arg_name == arg_name)


def test_date_typed_day_first_is_stored_as_iso_date(app, admin):
    with app.app_context():
        official = _official("housing")
        pk = official.id
        form = {
            "user": official.user_id,
            "body": official.body_id,
            "position": official.position,
            "scope_level": official.scope_level,
            "appointed_on": "01.05.2024",
            "is_active": "y",
            "version": official.version,
        }
    response = admin.post(f"/officialview/edit/{pk}", data=form)
    assert response.status_code == 302, response.text[:2000]
    with app.app_context():
        assert db.session.get(Official, pk).appointed_on == dt.date(2024, 5, 1)
    # …and is shown back the same way.
    assert "01.05.2024" in admin.get(f"/officialview/show/{pk}").text
    assert 'value="01.05.2024"' in admin.get(f"/officialview/edit/{pk}").text


def test_list_filter_with_a_russian_date_finds_1_may(app, admin):
    with app.app_context():
        _official("housing").appointed_on = dt.date(2024, 5, 1)
        _official("events").appointed_on = dt.date(2024, 1, 5)  # what dateutil would read
        db.session.commit()
    index = _filter_index(app, "OfficialView", "appointed_on", "eq")
    page = admin.get(f"/officialview/list/?_flt_{index}_appointed_on=01.05.2024").text
    assert "Татьяна Новикова" in page
    assert "Марина Фёдорова" not in page


def test_bad_date_in_a_list_filter_is_a_400_with_a_message(app, admin):
    index = _filter_index(app, "OfficialView", "appointed_on", "eq")
    response = admin.get(f"/officialview/list/?_flt_{index}_appointed_on=31.02.2024")
    assert response.status_code == 400
    assert "Некорректная дата в фильтре" in response.text
    assert "31.02.2024" in response.text


def test_bad_date_in_a_form_is_shown_beside_the_field_and_input_is_kept(app, admin):
    with app.app_context():
        official = _official("housing")
        pk, position = official.id, official.position
        form = {
            "user": official.user_id,
            "body": official.body_id,
            "position": "Новая должность",
            "scope_level": official.scope_level,
            "appointed_on": "31.02.2024",
        }
    response = admin.post(f"/officialview/edit/{pk}", data=form)
    assert response.status_code == 200
    assert "Дата должна быть в формате ДД.ММ.ГГГГ" in response.text
    assert 'value="31.02.2024"' in response.text
    assert 'value="Новая должность"' in response.text
    with app.app_context():
        assert db.session.get(Official, pk).position == position


@pytest.mark.parametrize("needle", ["главный специалист", "ГЛАВНЫЙ", "учету жилья", "учёту"])
def test_text_filter_ignores_case_and_yo(app, admin, needle):
    index = _filter_index(app, "OfficialView", "position", "ct")
    page = admin.get("/officialview/list/", query_string={f"_flt_{index}_position": needle}).text
    assert "Главный специалист по учёту жилья" in page
    assert "Консультант по планированию" not in page


def test_like_wildcards_in_a_search_are_literal(app, admin):
    index = _filter_index(app, "OfficialView", "position", "ct")
    page = admin.get("/officialview/list/", query_string={f"_flt_{index}_position": "%"}).text
    assert "Консультант по планированию" not in page


def test_booleans_are_shown_as_da_net(admin):
    page = admin.get("/officialview/list/").text
    assert "Да" in page
    assert ">True<" not in page and ">False<" not in page


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("_oc_OfficialView=phone", "Сортировка по полю «Телефон» недоступна"),
        ("_oc_OfficialView=nosuch", "Такая сортировка недоступна в этом списке"),
        ("_oc_OfficialView=position&_od_OfficialView=sideways", "Неизвестное направление сортировки"),
        ("page_OfficialView=abc", "Номер страницы"),
        ("psize_OfficialView=abc", "Размер страницы"),
        ("psize_OfficialView=100000", "Размер страницы должен быть от 1 до 100"),
        ("_flt_0_phone=123", "Фильтр по полю «Телефон» недоступен в этом списке"),
        ("_flt_0_nosuch=1", "Такой фильтр недоступен в этом списке"),
        # A column without a label of its own: FAB's invented «Body Id» is not said either.
        ("_flt_0_body_id=1", "Такой фильтр недоступен в этом списке"),
        ("_oc_OfficialView=body_id", "Такая сортировка недоступна в этом списке"),
        ("_flt_9_position=x", "Неизвестный вид фильтра"),
    ],
)
def test_bad_list_arguments_are_400_with_a_message(admin, query, message):
    response = admin.get(f"/officialview/list/?{query}")
    assert response.status_code == 400
    assert message in response.text
    # A field is named by its label, never by the attribute the URL carries.
    for attribute in ("phone", "nosuch", "position", "body_id"):
        assert f"«{attribute}»" not in response.text
    assert "Body Id" not in response.text


def test_listed_column_sorts(admin):
    response = admin.get("/officialview/list/?_oc_OfficialView=position&_od_OfficialView=desc")
    assert response.status_code == 200
    page = response.text
    assert page.index("Специалист по мероприятиям") < page.index("Администратор системы")


def test_an_empty_date_filter_filters_nothing(app, admin):
    index = _filter_index(app, "OfficialView", "appointed_on", "eq")
    response = admin.get(f"/officialview/list/?_flt_{index}_appointed_on=")
    assert response.status_code == 200
    assert "Татьяна Новикова" in response.text and "Ольга Иванова" in response.text


def test_an_id_beyond_any_record_is_404_not_500(admin):
    assert admin.get("/officialview/show/99999999999999999999999").status_code == 404
    assert admin.get("/api/v1/official/99999999999999999999999").status_code == 404


def test_empty_values_show_as_nothing_not_none(app, admin):
    with app.app_context():
        pk = _official("housing").id
    page = admin.get(f"/officialview/show/{pk}").text
    assert ">None<" not in page.replace(" ", "").replace("\n", "")
    bodies = admin.get("/bodyview/list/").text.replace("__None", "")  # the empty choice's value
    assert "None" not in bodies


def test_an_empty_choice_reads_as_a_dash(app, admin):
    with app.app_context():
        pk = _official("housing").id
    page = admin.get(f"/officialview/edit/{pk}").text
    assert "__None" in page  # the value the form posts back
    assert re.search(r'<option selected value="__None">—</option>', page)


def test_an_emptied_text_field_is_stored_as_null(app, admin):
    with app.app_context():
        official = _official("housing")
        pk = official.id
        form = {
            "user": official.user_id,
            "body": official.body_id,
            "position": official.position,
            "phone": "",
            "scope_level": official.scope_level,
            "is_active": "y",
            "version": official.version,
        }
    assert admin.post(f"/officialview/edit/{pk}", data=form).status_code == 302
    with app.app_context():
        assert db.session.get(Official, pk).phone is None
