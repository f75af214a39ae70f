"""REST validation errors are said in Russian, beside the field they concern (marshmallow and FAB speak English)."""

from __future__ import annotations

from app.core.rest_messages import translate_messages


def test_missing_unknown_and_too_long_fields_get_russian_messages_per_field(login):
    client = login("admin")
    response = client.post("/api/v1/body/", json={"name": "Б" * 300, "kind": "department", "colour": "red"})
    assert response.status_code == 422
    message = response.json["message"]
    assert message["code"] == ["Обязательное поле"]
    assert message["name"] == ["Не длиннее 255 символов"]
    assert message["colour"] == ["Неизвестное поле"]


def test_a_body_that_is_not_json_is_refused_in_russian(login):
    response = login("admin").post("/api/v1/body/", data="code=x", content_type="text/plain")
    assert response.status_code == 400
    assert response.json["message"] == "Ожидается JSON-объект с полями записи"


def test_bad_rison_gets_a_russian_400(login):
    response = login("admin").get("/api/v1/body/?q=(page_size:")
    assert response.status_code == 400
    assert response.json["message"] == "Некорректный параметр запроса q (формат Rison)"


def test_unknown_texts_and_nested_structures_pass_through_with_known_ones_translated():
    messages = {"questions": {0: {"classifier_code": ["Not a valid string."]}}, "x": ["Код не найден"]}
    assert translate_messages(messages) == {
        "questions": {0: {"classifier_code": ["Ожидается строка"]}},
        "x": ["Код не найден"],
    }
    assert translate_messages("Must be one of: office, field.") == "Допустимые значения: office, field"


def test_fab_list_argument_errors_are_said_in_russian_naming_the_attribute():
    assert translate_messages("Filter column: phone not allowed to filter") == (
        "Фильтр по полю «phone» недоступен в этом списке"
    )
    assert translate_messages("Filter operation: sw not allowed on column: code") == (
        "Вид фильтра «sw» недоступен для поля «code»"
    )
    assert translate_messages("Invalid order by column: nosuch") == "Сортировка по полю «nosuch» недоступна"


def test_a_rest_list_with_a_foreign_filter_or_order_is_a_russian_400(login):
    client = login("admin")
    response = client.get("/api/v1/body/?q=(filters:!((col:nosuch,opr:eq,value:x)))")
    assert response.status_code == 400
    assert response.json["message"] == "Фильтр по полю «nosuch» недоступен в этом списке"
    response = client.get("/api/v1/body/?q=(order_column:nosuch,order_direction:asc)")
    assert response.status_code == 400
    assert response.json["message"] == "Сортировка по полю «nosuch» недоступна"
