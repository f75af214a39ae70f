"""List filters that a Russian user expects.

- text search ignores case (Cyrillic too, see sqlite.py) and treats ё as е;
- dates are typed ДД.ММ.ГГГГ (day first) or ISO, and a bad date is a 400 with a
  message instead of FAB's silent empty result (dateutil without dayfirst).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import g, has_request_context
from flask_appbuilder.exceptions import InvalidColumnFilterFABException, InvalidOperationFilterFABException
from flask_appbuilder.models.filters import Filters
from flask_appbuilder.models.sqla import filters as fab
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.utils.base import get_column_root_relation, is_column_dotted
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_
from sqlalchemy.orm import selectinload

from .dates import local_to_utc, parse_date
from .errors import BadListArgument
from .models import record_by_key


def normalize_text(value: str) -> str:
    """The search form of a text: lower case, ё -> е."""
    return value.lower().replace("ё", "е")


def normalized_value(value: str | None) -> str | None:
    """A normalised twin column's value: what `normalized(column)` gives in SQL, NULL for NULL."""
    return None if value is None else normalize_text(value)


def normalized(expr: Any) -> Any:
    """SQL twin of normalize_text (works on SQLite with our Unicode lower(), and PostgreSQL)."""
    return func.replace(func.lower(expr), "ё", "е")


def _like_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


#: Shorter needles have no trigram to look up: the column is scanned instead.
TRIGRAM = 3


def shadow_clause(model: type, column_name: str, needle: str) -> Any | None:
    """A cheap superset of the rows whose `column_name` contains `needle` (normalised), or None.

    A model maps searchable columns to a normalised shadow column (`__search_shadow__`,
    e.g. Appeal.applicant_search: name and address, lower case, ё → е) that holds each
    mapped column's normalised text. `shadow LIKE '%needle%'` then finds every match and a
    few extra rows; it needs no function per row and PostgreSQL answers it from a pg_trgm
    GIN index. The exact condition on the column itself is still applied to what it finds.
    """
    shadow = getattr(model, "__search_shadow__", {}).get(column_name)
    if shadow is None or len(needle) < TRIGRAM or column_name in normalised_twins(model):
        return None
    return getattr(model, shadow).like(f"%{_like_escape(needle)}%", escape="\\")


def normalised_twins(model: type) -> dict[str, str]:
    """Columns that have a normalised twin column (`__search_normalised__`: column → twin).

    The twin holds exactly `normalize_text(column)` (NULL for NULL), kept by the model on every
    write, so a text filter compares the twin and gets the column's own answer without a function
    per row; its own index (pg_trgm on PostgreSQL) serves «contains». Unlike a shadow column (several
    columns in one, a superset to narrow by), a twin is the whole condition.
    """
    return getattr(model, "__search_normalised__", {})


def search_also(model: type, column_name: str, pattern: str) -> Any | None:
    """What else a text search on `column_name` finds, when the model declares it (`__search_also__`).

    `__search_also__ = {"name": clause_for}`: `clause_for(pattern)` is a condition on the model for a
    normalised LIKE pattern (escape «\\»), e.g. a body found by a former name (app/org/models.py). The
    lists' text filters and the drop-downs' lookups (app/core/related.py) both OR it in.
    """
    extra = getattr(model, "__search_also__", {}).get(column_name)
    return extra(pattern) if extra is not None else None


class _TextFilter(fab.BaseFilter):
    pattern = "%{}%"
    negate = False

    def apply(self, query: Any, value: Any) -> Any:
        query, field = fab.get_field_setup_query(query, self.model, self.column_name)
        text = normalize_text(str(value))
        twin = normalised_twins(self.model).get(self.column_name)
        if twin is not None:
            field_text = getattr(self.model, twin)  # stored normalised: no function per row, its index serves
        elif self.column_name in set(getattr(self.model, "__search_shadow__", {}).values()):
            field_text = field  # a shadow column is stored normalised: no function, its index serves
        else:
            field_text = normalized(field)
        pattern = self.pattern.format(_like_escape(text))
        clause = field_text.like(pattern, escape="\\")
        also = search_also(self.model, self.column_name, pattern)
        if also is not None:
            clause = or_(clause, also)
        if self.negate:
            return query.filter(~clause)
        narrowed = shadow_clause(self.model, self.column_name, text)
        return query.filter(clause) if narrowed is None else query.filter(narrowed, clause)


class TextContains(_TextFilter):
    name = _l("Содержит")
    arg_name = "ct"


class TextNotContains(_TextFilter):
    name = _l("Не содержит")
    arg_name = "nct"
    negate = True


class TextStartsWith(_TextFilter):
    name = _l("Начинается с")
    arg_name = "sw"
    pattern = "{}%"


class TextNotStartsWith(TextStartsWith):
    name = _l("Не начинается с")
    arg_name = "nsw"
    negate = True


class TextEndsWith(_TextFilter):
    name = _l("Заканчивается на")
    arg_name = "ew"
    pattern = "%{}"


class TextNotEndsWith(TextEndsWith):
    name = _l("Не заканчивается на")
    arg_name = "new"
    negate = True


class TextEqual(_TextFilter):
    name = _l("Равно")
    arg_name = "eq"
    pattern = "{}"


class TextNotEqual(TextEqual):
    name = _l("Не равно")
    arg_name = "neq"
    negate = True


def parse_filter_date(value: Any, label: Any = "") -> dt.date:
    """A filter's date value, or a 400 naming the value."""
    if isinstance(value, dt.date):
        return value
    try:
        return parse_date(str(value))
    except ValueError:
        raise BadListArgument(
            _l("Некорректная дата в фильтре: «%(value)s». Введите дату как ДД.ММ.ГГГГ."),
            value=str(value)[:40],
        ) from None


class _DateFilter(fab.BaseFilter):
    op = "eq"

    def _bounds(self, value: Any) -> tuple[Any, Any]:
        """[start, end) of the typed day in the column's own terms."""
        day = parse_filter_date(value)
        if self.datamodel.is_datetime(self.column_name):
            start = local_to_utc(dt.datetime.combine(day, dt.time()))
            return start, start + dt.timedelta(days=1)
        return day, day + dt.timedelta(days=1)

    def apply(self, query: Any, value: Any) -> Any:
        if isinstance(value, str) and not value.strip():
            return query  # a filter row left empty filters nothing
        query, field = fab.get_field_setup_query(query, self.model, self.column_name)
        start, end = self._bounds(value)
        if self.op == "eq":
            return query.filter(field >= start, field < end)
        if self.op == "neq":
            return query.filter((field < start) | (field >= end))
        if self.op == "gt":
            return query.filter(field >= end)
        return query.filter(field < start)


class DateEqual(_DateFilter):
    name = _l("Равно")
    arg_name = "eq"
    op = "eq"


class DateNotEqual(_DateFilter):
    name = _l("Не равно")
    arg_name = "neq"
    op = "neq"


class DateGreater(_DateFilter):
    name = _l("Позже")
    arg_name = "gt"
    op = "gt"


class DateSmaller(_DateFilter):
    name = _l("Раньше")
    arg_name = "lt"
    op = "lt"


class CodeEqual(fab.BaseFilter):
    """A code column (`info={"code": True}`, e.g. a status): the exact value, so an index serves it."""

    name = _l("Равно")
    arg_name = "eq"
    negate = False

    def apply(self, query: Any, value: Any) -> Any:
        query, field = fab.get_field_setup_query(query, self.model, self.column_name)
        code = str(value).strip()
        return query.filter(field != code if self.negate else field == code)


class CodeNotEqual(CodeEqual):
    name = _l("Не равно")
    arg_name = "neq"
    negate = True


_TEXT = [
    TextContains,
    TextStartsWith,
    TextEndsWith,
    TextEqual,
    TextNotContains,
    TextNotStartsWith,
    TextNotEndsWith,
    TextNotEqual,
]
_DATE = [DateEqual, DateGreater, DateSmaller, DateNotEqual]


class UpravaFilterConverter(fab.SQLAFilterConverter):
    conversion_table = tuple(
        (kind, _TEXT)
        if kind in ("is_text", "is_string")
        else (kind, _DATE)
        if kind in ("is_date", "is_datetime")
        else (kind, filters)
        for kind, filters in fab.SQLAFilterConverter.conversion_table
    )

    def convert(self, col_name: str) -> list[Any]:
        column = self.datamodel.obj.__table__.columns.get(col_name)
        if column is not None and column.info.get("code"):
            return [flt(col_name, self.datamodel) for flt in (CodeEqual, CodeNotEqual)]
        return super().convert(col_name)


class UpravaFilters(Filters):
    """FAB's filter set, with REST operators looked up per column and filter objects made once.

    FAB resolves a REST `opr` through a process-wide dict that the last created filter
    class overwrites (our date "eq" replaced the text "eq" for every column): a 500 or a
    silently wrong filter. Here the operator comes from the column's own filters. And the
    column filter objects FAB makes anew for every filter set are made once per interface.
    """

    def _get_filters(self, cols: list[str]) -> dict[str, list[Any]]:
        # FAB converts every column of the model into filter objects whenever a filter set is made, and a
        # list page makes one per request (get_joined_filters): 77 conversions for the appeals, 1–2 ms.
        # The conversion depends on the model alone and the filter objects keep nothing of a request:
        # made once per model interface and column list, copied (FAB extends the lists in place).
        made_by_columns = self.datamodel.__dict__.setdefault("_uprava_filters", {})
        made = made_by_columns.get(tuple(cols))
        if made is None:
            made = made_by_columns[tuple(cols)] = super()._get_filters(cols)
        return {col: list(filters) for col, filters in made.items()}

    def get_joined_filters(self, filters: Any) -> UpravaFilters:
        # FAB's makes a plain Filters: ours, so that its column filters come from the cache above.
        return self._holding(self.filters + filters.filters, self.values + filters.values)

    def copy(self) -> UpravaFilters:
        # FAB's makes a plain Filters too (a card's record is read through a copy of the base filters).
        return self._holding(list(self.filters), list(self.values))

    def _holding(self, active: list[Any], values: list[Any]) -> UpravaFilters:
        """A filter set of the same model with these active filters (and no search columns)."""
        made = UpravaFilters(self.filter_converter, self.datamodel)
        made.filters, made.values = active, values
        return made

    def rest_add_filters(self, data: list[dict[str, Any]]) -> None:
        for item in data:
            try:
                opr, col, value = item["opr"], item["col"], item["value"]
            except (KeyError, TypeError):
                raise BadListArgument(_l("Фильтр REST: нужны col, opr и value")) from None
            if col not in self.search_columns:
                raise InvalidColumnFilterFABException(f"Filter column: {col} not allowed to filter")
            filter_class = next((type(f) for f in self._search_filters.get(col, []) if f.arg_name == opr), None)
            if filter_class is None:
                raise InvalidOperationFilterFABException(f"Filter operation: {opr} not allowed on column: {col}")
            self.add_filter(col, filter_class, value)


class UpravaInterface(SQLAInterface):
    """FAB's SQLA interface with our filters and N+1-free lists; every domain view and API uses it."""

    filter_converter_class = UpravaFilterConverter

    def __init__(self, obj: type, session: Any = None) -> None:
        super().__init__(obj, session)
        #: Relationships a list shows, set by the view: one SELECT … IN per relationship, never one per row.
        self.eager_relationships: tuple[str, ...] = ()

    def get_filters(self, search_columns: Any = None, search_filters: Any = None) -> UpravaFilters:
        return UpravaFilters(
            self.filter_converter_class, self, search_columns=search_columns or [], search_filters=search_filters
        )

    def eager_for(self, columns: list[str]) -> tuple[str, ...]:
        """The many-to-one relationships among a list's columns (dotted columns load their first hop)."""
        names = []
        for column in columns:
            head = column.split(".", 1)[0]
            if self.is_relation_many_to_one(head) or self.is_relation_one_to_one(head):
                names.append(head)
        return tuple(dict.fromkeys(names))

    def get_related_obj(self, col_name: str, value: Any) -> Any:
        # FAB's `Query.get(value)` with the URL's text: the session never recognises the row by a text
        # key, so the filter read it again for the page's ids, its count and its chip. Typed, and
        # remembered for the request (which also keeps it in the session).
        model = self.get_related_model(col_name)
        if not has_request_context():
            return record_by_key(self.session, model, value)
        remembered = g.setdefault("uprava_related_rows", {})
        key = (model, str(value))
        if key not in remembered:
            remembered[key] = record_by_key(self.session, model, value)
        return remembered[key]

    def get_inner_filters(self, filters: Any) -> Filters:
        # FAB's makes a plain Filters, converting every column of the model again (1.5 ms; twice per
        # card): ours, whose column filters are made once per interface. The same selection as FAB's.
        inner = UpravaFilters(self.filter_converter_class, self)
        if filters:
            kept = []
            for flt, value in zip(filters.filters, filters.values, strict=True):
                name = flt.column_name
                root = get_column_root_relation(name)
                through_one = self.is_relation_many_to_one(root) or self.is_relation_one_to_one(root)
                if not is_column_dotted(name) or through_one:
                    kept.append((name, flt.__class__, value))
            inner.add_filter_list(kept)
        return inner

    def apply_all(self, query: Any, *args: Any, **kwargs: Any) -> Any:
        query = super().apply_all(query, *args, **kwargs)
        select_columns = kwargs.get("select_columns") or (args[5] if len(args) > 5 else None)
        if self.eager_relationships and not select_columns:
            query = query.options(*[selectinload(getattr(self.obj, name)) for name in self.eager_relationships])
        return query
