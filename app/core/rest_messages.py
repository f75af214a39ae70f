"""Marshmallow's English validation messages, said in the user's language in REST 400/422 answers.

FAB passes marshmallow's `ValidationError.messages` straight into the response body
(`{"message": {"summary": ["Missing data for required field."]}}`). Marshmallow has no
translation hook, so the texts it produces are recognised here and translated; anything not
recognised (a domain error is already Russian) passes through unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

EXACT: dict[str, Any] = {
    "Missing data for required field.": _l("Обязательное поле"),
    "Field may not be null.": _l("Поле не может быть пустым (null)"),
    "Invalid value.": _l("Недопустимое значение"),
    "Not a valid boolean.": _l("Ожидается логическое значение (true или false)"),
    "Not a valid date.": _l("Дата не распознана: ожидается ГГГГ-ММ-ДД"),
    "Not a valid datetime.": _l("Дата и время не распознаны: ожидается ГГГГ-ММ-ДДTЧЧ:ММ:СС"),
    "Not a valid integer.": _l("Ожидается целое число"),
    "Not a valid number.": _l("Ожидается число"),
    "Number too large.": _l("Слишком большое число"),
    "Not a valid string.": _l("Ожидается строка"),
    "Not a valid email address.": _l("Неверный адрес электронной почты"),
    "Not a valid list.": _l("Ожидается список"),
    "Not a valid mapping type.": _l("Ожидается объект"),
    "Unknown field.": _l("Неизвестное поле"),
    "Invalid input type.": _l("Неверный формат запроса: ожидается объект JSON"),
    "Invalid type.": _l("Неверный тип значения"),
    # FAB's own
    "Request is not JSON": _l("Тело запроса должно быть в формате JSON"),
    "Not a valid rison argument": _l("Параметр q не распознан (ожидается rison)"),
    "Not a valid rison/json argument": _l("Параметр q не распознан (ожидается rison или JSON)"),
}

#: Messages with a number or a list inside: pattern → how to say it (from the match).
PATTERNS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (
        re.compile(r"^Longer than maximum length (\d+)\.$"),
        lambda m: gettext("Не длиннее %(max)s символов", max=m[1]),
    ),
    (
        re.compile(r"^Shorter than minimum length (\d+)\.$"),
        lambda m: gettext("Не короче %(min)s символов", min=m[1]),
    ),
    (
        re.compile(r"^Length must be between (\d+) and (\d+)\.$"),
        lambda m: gettext("Длина от %(min)s до %(max)s символов", min=m[1], max=m[2]),
    ),
    (
        re.compile(r"^Must be one of: (.*)\.$"),
        lambda m: gettext("Допустимые значения: %(choices)s", choices=m[1]),
    ),
    (
        re.compile(r"^Not a valid rison schema (.*)$", re.S),
        lambda m: gettext("Параметр q не соответствует схеме: %(details)s", details=m[1]),
    ),
    (
        re.compile(r"^Must be greater than or equal to (\S+)\.$"),
        lambda m: gettext("Не меньше %(min)s", min=m[1]),
    ),
    (
        re.compile(r"^Must be less than or equal to (\S+)\.$"),
        lambda m: gettext("Не больше %(max)s", max=m[1]),
    ),
    # FAB's list arguments (the REST client names columns by their attributes: they are said back so).
    (
        re.compile(r"^Filter column: (.*) not allowed to filter$", re.S),
        lambda m: gettext("Фильтр по полю «%(column)s» недоступен в этом списке", column=m[1]),
    ),
    (
        re.compile(r"^Filter operation: (.*) not allowed on column: (.*)$", re.S),
        lambda m: gettext("Вид фильтра «%(operation)s» недоступен для поля «%(column)s»", operation=m[1], column=m[2]),
    ),
    (
        re.compile(r"^Invalid order by column: (.*)$", re.S),
        lambda m: gettext("Сортировка по полю «%(column)s» недоступна", column=m[1]),
    ),
    (
        re.compile(r"^Cannot use both select and sel columns$"),
        lambda m: gettext("Укажите либо columns, либо select_columns, но не оба"),
    ),
]


def translate_message(text: str) -> str:
    known = EXACT.get(text)
    if known is not None:
        return str(known)
    for pattern, say in PATTERNS:
        match = pattern.match(text)
        if match:
            return say(match)
    return text


def translate_messages(messages: Any) -> Any:
    """The same structure (dicts of lists of strings, nested for nested fields), each text translated."""
    if isinstance(messages, str):
        return translate_message(messages)
    if isinstance(messages, dict):
        return {key: translate_messages(value) for key, value in messages.items()}
    if isinstance(messages, list | tuple):
        return [translate_messages(value) for value in messages]
    return messages
