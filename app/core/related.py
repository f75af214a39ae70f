"""Drop-downs of big related tables, filled as the user types instead of with the whole table.

FAB renders every relation of a search or edit form as a <select> holding every row of the
related table, on every list page (FAB_NOTES, list performance). Above `SMALL_TABLE` rows
the field is rendered with only its current value(s); select2 (bundled, same origin) asks
the view's `related/<column>?q=` endpoint for matching rows as the user types (uprava.js).
"""

from __future__ import annotations

import re
import time
from typing import Any

from flask import current_app, request, url_for
from flask_appbuilder._compat import as_unicode
from flask_appbuilder.fieldwidgets import Select2Widget
from flask_appbuilder.security.sqla.models import User
from flask_appbuilder.widgets import FormWidget, SearchWidget
from flask_babel import get_locale
from markupsafe import Markup, escape
from sqlalchemy import func, or_, select

from ..security import link_rule
from .filters import _like_escape, normalize_text, normalized, search_also
from .inputs import is_digits

#: Related tables up to this size keep FAB's full <select>.
SMALL_TABLE = 100
#: Rows offered per lookup.
LOOKUP_LIMIT = 20
#: The columns a lookup searches, for related models without a `name` (FAB's user).
LOOKUP_COLUMNS: dict[type, tuple[str, ...]] = {User: ("last_name", "first_name", "username")}
_SIZES: dict[type, bool] = {}


def is_big(session: Any, model: type) -> bool:
    """Whether a related table is too big for a full <select> (checked once per process)."""
    if model not in _SIZES:
        pk = model.__mapper__.primary_key[0]
        rows = session.execute(select(func.count()).select_from(select(pk).limit(SMALL_TABLE + 1).subquery()))
        _SIZES[model] = rows.scalar_one() > SMALL_TABLE
    return _SIZES[model]


def lookup_columns(model: type) -> list[Any]:
    # A model may name its own (`__lookup__`: a register's number and summary).
    names = (
        LOOKUP_COLUMNS.get(model)
        or getattr(model, "__lookup__", None)
        or tuple(n for n in ("name", "code", "title") if hasattr(model, n))
    )
    return [getattr(model, n) for n in names]


#: The forms a lookup serves: a list's search form (the default) or the add / edit form.
FORMS = ("search", "add", "edit")


class OnDemandSelectWidget(Select2Widget):
    """FAB's select2 for small tables; for big ones, the current value only and a lookup URL."""

    def __init__(self, view: Any, column: str, form: str = "search") -> None:
        super().__init__()
        self.view, self.column, self.form = view, column, form

    def depends_on(self) -> tuple[str, ...]:
        """The record's fields this form's choices depend on (a link rule's record part), if any."""
        if self.form == "search":
            return ()
        rule = link_rule(self.view.datamodel.obj, self.column)
        return rule.depends_on if rule is not None else ()

    def is_big_now(self) -> bool:
        datamodel = self.view.datamodel
        return is_big(datamodel.session, datamodel.get_related_model(self.column))

    def __call__(self, field: Any, **kwargs: Any) -> Any:
        model = self.view.datamodel.get_related_model(self.column)
        depends = self.depends_on()
        if not depends and not self.is_big_now():
            return super().__call__(field, **kwargs)
        # An add or edit form's lookup offers what that form may link (the link rules).
        extra: dict[str, Any] = {} if self.form == "search" else {"form": self.form}
        if depends and self.form == "edit" and request.view_args and "pk" in request.view_args:
            extra["pk"] = request.view_args["pk"]
        url = url_for(f"{self.view.endpoint}.related", column=self.column, **extra)
        options = [Markup('<option value=""></option>')]
        for obj in self._current(field, model):
            pk = escape(str(obj.id))
            options.append(Markup(f'<option value="{pk}" selected>{escape(str(obj))}</option>'))
        # A choice that depends on other fields of the form (an executor on the responsible body): the
        # lookup is sent their current values, lists every choice without typing, and a change of them
        # clears the choice (uprava.js).
        dependent = f' data-depends="{escape(" ".join(depends))}" data-minimum-input="0"' if depends else ""
        return Markup(
            f'<select class="uprava-ajax-select form-control" id="{escape(field.id)}" name="{escape(field.name)}"'
            f' data-url="{escape(url)}"{dependent}>{"".join(options)}</select>'
        )

    def _current(self, field: Any, model: type) -> list[Any]:
        """The selected row: the edited record's, or the list's active filter values."""
        if getattr(field, "data", None) is not None:
            return [field.data]
        pattern = re.compile(rf"^_flt_\d+_{re.escape(self.column)}$")
        ids = [int(v) for k, v in request.args.items(multi=True) if pattern.match(k) and is_digits(v)]
        if not ids:
            return []
        session = self.view.datamodel.session
        return list(session.scalars(select(model).where(model.__mapper__.primary_key[0].in_(ids))))


def lookup(view: Any, column: str, text: str, form: str = "search") -> list[dict[str, Any]]:
    """Rows of the column's related table matching `text`, with the form's drop-down filters applied.

    An add or edit form offers what it may link (row scope and link rules, the same filters as
    its full drop-down and the write guard); the search form, its own filters and the edit form's.
    """
    related = view.datamodel.get_related_interface(column)
    filters = related.get_filters()
    if form == "add":
        chosen = [(view.add_form_query_rel_fields or {}).get(column)]
    elif form == "edit":
        chosen = [(view.edit_form_query_rel_fields or {}).get(column)]
    else:
        chosen = [
            (view.search_form_query_rel_fields or {}).get(column),
            (view.edit_form_query_rel_fields or {}).get(column),
        ]
    filters.add_filter_list([entry for entries in chosen for entry in entries or []])
    query = related.apply_filters(related.session.query(related.obj), filters)
    if form in ("add", "edit"):
        clause = _record_clause(view, column, form)
        if clause is not None:
            query = query.filter(clause)
    needle = normalize_text(text.strip())
    if needle:
        pattern = f"%{_like_escape(needle)}%"
        clauses = [normalized(c).like(pattern, escape="\\") for c in lookup_columns(related.obj)]
        # What else the model says its name search finds (a body by a former name: `__search_also__`).
        also = [search_also(related.obj, c.key, pattern) for c in lookup_columns(related.obj)]
        query = query.filter(or_(*clauses, *(a for a in also if a is not None)))
    pk = related.obj.__mapper__.primary_key[0]
    return [{"id": obj.id, "text": str(obj)} for obj in query.order_by(pk).limit(LOOKUP_LIMIT)]


def _record_clause(view: Any, column: str, form: str) -> Any | None:
    """The record part of the column's link rule, for the record the form is filling.

    The form sends the current values of the fields the rule depends on (`dep_<field>=<id>`); an edit
    form also the record (`pk`), whose stored values stand for the fields not sent. Without either (a
    bare lookup, as REST `_info`), the rule's filter alone applies: the write guard checks the record.
    """
    rule = link_rule(view.datamodel.obj, column)
    if rule is None or not rule.depends_on:
        return None
    values: dict[str, int | None] = {}
    pk = request.args.get("pk", "")
    if form == "edit" and is_digits(pk) and len(pk) <= 10 and int(pk) < 2**31:
        record = view.datamodel.get(int(pk), view._base_filters)
        if record is not None:
            values = rule.record_values(record)
    sent = {name: request.args.get(f"dep_{name}") for name in rule.depends_on if f"dep_{name}" in request.args}
    if not values and not sent:
        return None
    for name, value in sent.items():
        # Anything but a stored id names no body: the rule then offers nobody.
        values[name] = int(value) if value and is_digits(value) and len(value) <= 10 and int(value) < 2**31 else None
    return rule.record_clause({name: values.get(name) for name in rule.depends_on})


_FIELDS: dict[tuple[str, str, str], tuple[float, Any]] = {}
#: (view, language, filter columns) → the filters' labels and operation names.
_TEXTS: dict[tuple[str, str, tuple[str, ...]], tuple[dict[str, str], dict[str, list[str]]]] = {}


class CachedSearchWidget(SearchWidget):
    """FAB's search widget, reusing the rendered filter fields for a while.

    Every list page renders every filter's form control, drop-downs with their options
    included, though they only change when reference data does: a third of a list
    page's time. Reused are the fields that are the same for every user and request: not
    the looked-up drop-downs (they show the active filter's value) and not drop-downs the
    view narrows per user (`search_form_query_rel_fields`).
    """

    def __call__(self, **kwargs: Any) -> Any:
        form = self.template_args["form"]
        view_name = self.template_args.get("route_base", "")
        per_user = self.template_args.get("per_user") or set()
        locale = str(get_locale())
        # LIST_FIELD_CACHE_SECONDS: a new body shows in the filter after at most this (0: never reused).
        lifetime = current_app.config.get("LIST_FIELD_CACHE_SECONDS", 0)
        now = time.monotonic()
        dict_filters = self.filters.get_search_filters()
        # The labels and the operations' names are the view's own text: translated once per language.
        # (The columns differ per user: personal-data filters are not offered to all.)
        include = tuple(self.template_args["include_cols"])
        texts = _TEXTS.get((view_name, locale, include))
        if texts is None:
            texts = (
                {col: as_unicode(form[col].label.text) for col in include},
                {col: [as_unicode(flt.name) for flt in dict_filters[col]] for col in include},
            )
            if view_name:
                _TEXTS[(view_name, locale, include)] = texts
        labels, operations = texts
        fields = {}
        for col in self.template_args["include_cols"]:
            widget = form[col].widget
            looked_up = isinstance(widget, OnDemandSelectWidget) and widget.is_big_now()
            shared = lifetime > 0 and col not in per_user and not looked_up
            key = (view_name, locale, col)
            cached = _FIELDS.get(key) if shared else None
            if cached is not None and cached[0] > now:
                fields[col] = cached[1]
                continue
            fields[col] = form[col]()
            if shared:
                _FIELDS[key] = (now + lifetime, fields[col])
        kwargs.update(
            label_columns=labels,
            form_fields=fields,
            search_filters=operations,
            active_filters=self.filters.get_filters_values_tojson(),
        )
        return FormWidget.__call__(self, **kwargs)
