"""A form's link drop-down that checks the submitted choice by its key, not by loading every choice.

FAB's `QuerySelectField` reads a submitted id and validates it by loading the whole list the
drop-down may offer (`datamodel.query(filters)`: a COUNT and every row) and comparing each row's
key with the submitted one. Every save of an appeal card did so for each link — the previous appeal
among all appeals in scope, the executor among all users: 100,000 appeals made a save take seconds.

`KeyedQuerySelectField` answers the same question with one query: the row with that key among the
rows the drop-down offers (the same filters: row scope, link rules), or among the record's current
links (`current_rows`, which an edit form keeps choosable: app.core.views.keep_current_links). A
page that renders the choices (a small table's full <select>) still loads the list, once, as FAB does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_appbuilder.fields import QuerySelectField
from wtforms.validators import ValidationError

from .inputs import is_digits

#: Keys above this are no stored row's (PostgreSQL's integer; also keeps the driver from overflowing).
MAX_KEY = 2**31 - 1


def canonical_key(text: str) -> int | None:
    """The integer a submitted key names, if it is written as FAB writes keys (`str(pk)`), else None.

    FAB matches the submitted text against `str(pk)` of each row: «07», « 7» or «7.0» match none.
    """
    if not is_digits(text) or (len(text) > 1 and text[0] == "0"):
        return None
    key = int(text)
    return key if 1 <= key <= MAX_KEY else None


class KeyedQuerySelectField(QuerySelectField):
    """FAB's relation select; a submitted key is looked up by `find_func(key)` (see the module docstring)."""

    def __init__(self, *args: Any, find_func: Callable[[int], Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.find_func = find_func
        #: The record's current links: choosable even when no longer offered.
        self.current_rows: list[Any] = []
        self._found: dict[str, Any] = {}

    def _lookup(self, text: str) -> Any | None:
        for row in self.current_rows:
            if str(self.get_pk_func(row)) == text:
                return row
        if text not in self._found:
            key = canonical_key(text)
            self._found[text] = self.find_func(key) if key is not None and self.find_func is not None else None
        return self._found[text]

    def _get_data(self) -> Any:
        if self._formdata is not None and self._object_list is None and self.find_func is not None:
            found = self._lookup(self._formdata)
            if found is not None:
                self._set_data(found)
            return self._data
        return super()._get_data()

    data = property(_get_data, QuerySelectField._set_data)

    def pre_validate(self, form: Any) -> None:
        if self._object_list is not None or self.find_func is None:
            super().pre_validate(form)
            return
        data = self.data
        if data is not None:
            if self._lookup(str(self.get_pk_func(data))) != data:
                raise ValidationError(self.gettext("Not a valid choice"))
        elif self._formdata or not self.allow_blank:
            raise ValidationError(self.gettext("Not a valid choice"))


def pk_getter(model: type) -> Callable[[Any], Any]:
    """The key of a related row, as FAB's `get_pk_value` reads it (without building an interface per row)."""
    key = model.__mapper__.primary_key[0].key
    return lambda obj: getattr(obj, key)


def row_finder(datamodel: Any, column: str, query_rel_fields: dict[str, Any] | None) -> Callable[[int], Any] | None:
    """The one row with a key among what the form's drop-down of `column` offers (FAB's query, one row).

    None for a related model whose key is not a single integer column (FAB's own check then applies).
    """
    related = datamodel.get_related_interface(column)
    keys = related.obj.__mapper__.primary_key
    if len(keys) != 1 or keys[0].type.python_type is not int:
        return None
    filters = related.get_filters()
    if query_rel_fields and column in query_rel_fields:
        filters = filters.add_filter_list(query_rel_fields[column])
    pk = keys[0]

    def find(key: int) -> Any:
        query = related.apply_all(related.session.query(related.obj), filters)
        return query.filter(pk == key).first()

    return find
