"""Fast list pages for every domain list (the base list of UpravaModelView).

FAB counts the whole filtered table on every page and skips `page × size` rows with
OFFSET, reading whole rows all the way (FAB_NOTES, list performance). Here a page is:

1. the ids of the page, read in the list's order (the sort column, then the primary key
   as tie-breaker — FAB's own order). From a «next»/«previous» link: keyset, the rows
   after (before) the edge row's (sort value, id), no offset at all. From a page number:
   OFFSET over ids only (an index-only scan with the `(column, id)` indexes), the rows
   joined afterwards ("deferred join");
2. those rows with their listed (many-to-one) relationships joined, in one SELECT;
3. a bounded count: rows are counted up to `count_limit` only. Beyond it the list says
   «более N», where N is a number of rows known to exist — never a wrong number. The count
   rides in step 1's statement as an uncorrelated scalar subquery (evaluated once by both
   databases): one round trip fewer a page, about 0.4 ms on PostgreSQL. A web list known to
   pass its limit is not counted again for a minute (_counted_over).

The answer is the slow path's: the same rows in the same order (tests/core/test_fast_lists.py).
"""

from __future__ import annotations

import datetime as dt
import re
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from flask import has_request_context, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, DateTime, Integer, String, Text, func, select, true, tuple_
from sqlalchemy.orm import joinedload

from ..security import (
    RowScopeFilter,
    collections_as_in,
    collections_probed,
    current_visibility,
    request_user,
    scope_clause,
    scope_reaches_through_collections,
    scope_terms,
    writable_column,
)
from .errors import BadListArgument
from .models import CURRENT_ROWS
from .month_counts import MONTH_COUNTS, jump
from .presets import requested_preset

#: Rows counted exactly; beyond, the list shows «более N».
COUNT_LIMIT = 1_000
#: A page reaching no further into its list than this walks it probing the scope's collections (walk_query).
PROBED_WALK = 500
#: A whole list seen through several links is read from the seen rows' ids when the user sees no more than
#: the count limit's rows and fewer than one in this many of the table (_sparse_sight).
SPARSE_RATIO = 50
#: How long a process trusts what it learned of a sight's density.
SIGHT_SECONDS = 600.0
#: (model, sight, current only, limit) → (thin, until when).
_SIGHTS: dict[tuple, tuple[bool, float]] = {}
#: How long a process trusts that a list holds more rows than its count limit (_counted_over).
OVER_SECONDS = 60.0
#: (view, model, sight, user, the list's own arguments) → until when its rows are known to pass the limit.
_OVER: dict[tuple, float] = {}
#: Arguments that move within a list or sort it: the same rows, so the same count.
_SAME_ROWS_ARGS = ("page_", "after_", "before_", "psize_", "_oc_", "_od_")
#: From this far into a whole list, a page by number starts from its month (month_counts) instead of
#: walking every row before it (5,000 index entries: about 0.2 ms on PostgreSQL).
JUMP_FROM = 5_000
_SEPARATOR = "~"


@dataclass
class ListPage:
    """One page of a list and what the page's header may truthfully say about the rest."""

    items: list[Any]
    #: The exact row count, or (count_exact False) a number of rows known to exist, with more after them.
    count: int
    count_exact: bool
    has_next: bool
    has_previous: bool
    #: Cursors of the first and last row (None when the order has no keyset).
    first_key: str | None = None
    last_key: str | None = None
    ids: list[Any] = field(default_factory=list)
    #: Of those ids, the rows the user sees but may not work (asked for with `read_only=True`).
    read_only: set[Any] = field(default_factory=set)


def keyset_column(datamodel: Any, order_column: str) -> Any | None:
    """The sort column when it can carry a keyset: a plain, NOT NULL column of the model itself."""
    if not order_column or "." in order_column:
        return None
    column = datamodel.obj.__table__.columns.get(order_column)
    if column is None or column.nullable or not isinstance(column.type, Date | DateTime | Integer | String | Text):
        return None
    return getattr(datamodel.obj, order_column)


def encode_key(value: Any, pk: Any) -> str:
    text = value.isoformat() if isinstance(value, dt.date | dt.datetime) else str(value)
    return f"{text}{_SEPARATOR}{pk}"


def decode_key(column: Any, key: str) -> tuple[Any, int]:
    """A cursor from the URL, typed like the column; a malformed one is a 400."""
    text, _, pk = key.rpartition(_SEPARATOR)
    try:
        kind = column.property.columns[0].type
        if isinstance(kind, DateTime):
            value: Any = dt.datetime.fromisoformat(text)
        elif isinstance(kind, Date):
            value = dt.date.fromisoformat(text)
        elif isinstance(kind, Integer):
            value = int(text)
        else:
            value = text
        return value, int(pk)
    except ValueError:
        raise BadListArgument(_l("Некорректная ссылка на страницу списка")) from None


def filtered_query(datamodel: Any, filters: Any) -> Any:
    """The list's rows (filters and base filters), unordered."""
    return datamodel.apply_filters(datamodel.session.query(datamodel.obj), filters)


def count_query(datamodel: Any, filters: Any, base: Any = None) -> Any:
    """The list's rows as a count reads them: the same rows, the scope's collections as IN (see there).

    `base`, the list's own query, is the answer when the user's scope has no collection to rewrite.
    """
    if base is not None and not scope_reaches_through_collections(datamodel.obj):
        return base
    with collections_as_in():
        return filtered_query(datamodel, filters)


def bounded_count_select(query: Any, pk: Any, limit: int) -> Any:
    """SELECT min(count, limit + 1): counts no further than one row past the limit."""
    inner = query.with_entities(pk).order_by(None).limit(limit + 1).subquery()
    return select(func.count()).select_from(inner)


def bounded_count(query: Any, pk: Any, limit: int) -> int:
    """min(count, limit + 1): counts no further than one row past the limit."""
    return query.session.execute(bounded_count_select(query, pk, limit)).scalar_one()


def list_count_select(datamodel: Any, filters: Any, limit: int, base: Any = None) -> Any:
    """The bounded count of a list's rows (its filters and the user's row scope): see bounded_count_select.

    When the user's scope is an OR of several links (a body clerk: received, responsible, his own,
    copies), the rows are counted link after link — `UNION ALL` of disjoint parts, each part with its
    link true and every earlier one not — so that each part is read from its link's own index and the
    count stops at the limit. Counted as one OR, PostgreSQL expected half the table to match and
    scanned it (a body clerk's count at a million appeals: 25–48 ms; 1.5 ms so); SQLite merged every
    link's rows before the limit (1.2 → 0.1 ms). The parts hold the same rows: `IS NOT TRUE` keeps a
    row whose earlier link is NULL (unknown) in its own part. The parts are built from the list's filters
    without its row scope filter (the terms replace it): the scope's OR, kept in each part, skewed
    PostgreSQL's estimates back to a bitmap of the whole link.

    Only a list narrowed by nothing but the scope and the annulled switch is counted so. With a search
    or a preset, the list's own condition is the selective one: it is counted as the page reads it
    (the scope's OR, collections as EXISTS). Split, each part walked its link's index in full; with
    the collections as IN, SQLite merged every link's rows before the preset's condition — a deputy
    head's home page counters (open, overdue…) went from 52 to 116–167 ms of SQL either way.
    """
    model = datamodel.obj
    pk = getattr(model, datamodel.get_pk_name())
    if _narrowed(filters):
        return bounded_count_select(base if base is not None else filtered_query(datamodel, filters), pk, limit)
    inner = _sight_ids(datamodel, filters, limit)
    if inner is None:
        return bounded_count_select(count_query(datamodel, filters, base), pk, limit)
    return select(func.count()).select_from(inner)


def _sight_ids(datamodel: Any, filters: Any, limit: int) -> Any | None:
    """Up to `limit` + 1 ids of a whole list seen through several links, link by link (list_count_select).

    None: the list is narrowed, or the user's scope is not an OR of links the list's filters carry.
    """
    model = datamodel.obj
    pk = getattr(model, datamodel.get_pk_name())
    if _narrowed(filters):
        return None
    with collections_as_in():
        terms = scope_terms(model)
        unscoped = _without_row_scope(filters, model)
        if terms is None or len(terms) < 2 or unscoped is None:
            # (No row scope filter to take out: the scope reaches the rows another way and stays whole.)
            return None
        ids = filtered_query(datamodel, unscoped).with_entities(pk).order_by(None)
    parts = [ids.filter(term, *(earlier.is_not(true()) for earlier in terms[:n])) for n, term in enumerate(terms)]
    return parts[0].union_all(*parts[1:]).limit(limit + 1).subquery()


def _sparse_sight(datamodel: Any, filters: Any, limit: int) -> tuple[Any, Any] | None:
    """(ids, key): a whole list its user sees thinly through several links, to be read from those ids.

    A clerk of a small body sees a few hundred of a million appeals. Walking the list's order index to
    find his 25 newest, both databases test every row on the way: his page 1 took 0.5–1 s on
    PostgreSQL. His ids, read link by link from each link's own index (at most `limit` of them), then
    sorted, take milliseconds. A list is thin when the user sees no more than `limit` rows and fewer
    than one in SPARSE_RATIO of the table; whether it is, is learned by counting once per process and
    sight for SIGHT_SECONDS (a dense sight is not recounted on every page: its count rides in the page's
    statement). A sight learned thin that has grown is caught by the page's own count (load_page).
    """
    model = datamodel.obj
    if not any(_is_row_scope(flt, model) for flt in filters.filters) or _narrowed(filters):
        return None
    key = (model, current_visibility(), _shows_current_only(filters), limit)
    now = time.monotonic()
    known = _SIGHTS.get(key)
    if known is not None and known[1] >= now and not known[0]:
        return None  # known dense: nothing to build (a page of a dense sight pays a dict lookup)
    inner = _sight_ids(datamodel, filters, limit)
    if inner is None:
        _learn(key, False, now)  # not seen through several links: read as it is
        return None
    if known is None or known[1] < now:
        session = datamodel.session
        seen = session.execute(select(func.count()).select_from(inner)).scalar_one()
        thin = seen <= limit
        if thin:
            pk = getattr(model, datamodel.get_pk_name())
            table = bounded_count_select(session.query(model), pk, seen * SPARSE_RATIO)
            thin = session.execute(table).scalar_one() > seen * SPARSE_RATIO
        known = _learn(key, thin, now)
    return (inner, key) if known[0] else None


def _learn(key: tuple, thin: bool, now: float) -> tuple[bool, float]:
    if len(_SIGHTS) >= 10_000:
        _SIGHTS.clear()  # (sights of a process's users: a bound, not a cache policy)
    _SIGHTS[key] = (thin, now + SIGHT_SECONDS)
    return _SIGHTS[key]


def _without_row_scope(filters: Any, model: type) -> Any | None:
    """The filters less `model`'s row scope filter (its terms are then the caller's to add); None: it has none."""
    kept = [(f, v) for f, v in zip(filters.filters, filters.values, strict=True) if not _is_row_scope(f, model)]
    if len(kept) == len(filters.filters):
        return None
    rest = filters.copy()
    rest.filters, rest.values = [f for f, _v in kept], [v for _f, v in kept]
    return rest


def _is_row_scope(flt: Any, model: type) -> bool:
    return isinstance(flt, RowScopeFilter) and flt.model is model


#: Base filters that leave a list whole: its row scope, the annulled switch, a preset when none is chosen.
_WHOLE_LIST_FILTERS = ("scope", "annulled", "preset")


def _narrowed(filters: Any) -> bool:
    """Whether a list's filters narrow it beyond the user's row scope and the annulled switch."""
    from .views import annulled_mode  # (the views build on this module)

    for flt, value in zip(filters.filters, filters.values, strict=True):
        arg = getattr(flt, "arg_name", None)
        if arg not in _WHOLE_LIST_FILTERS:
            return True
        if arg == "preset" and requested_preset(flt.presets, value) is not None:
            return True
        if arg == "annulled" and has_request_context() and annulled_mode() == "annulled":
            return True  # the annulled ones alone: a few, read by their own condition
    return False


def _shows_current_only(filters: Any) -> bool:
    """Whether the list shows current rows only (its annulled switch on «current», the default)."""
    from .views import AnnulledFilter  # (the views build on this module)

    return any(isinstance(flt, AnnulledFilter) and flt.kept() == "current" for flt in filters.filters)


def _whole_list_rows(filters: Any, model: type) -> str | None:
    """ "current" or "all": the rows of the whole table the list shows; None: the list shows fewer.

    Strict, as `month_counts` counts exactly these: a row scope that limits the user, any search, a
    preset, the annulled ones alone, or a filter this does not know — None.
    """
    from .views import AnnulledFilter  # (the views build on this module)

    kept = "all"
    for flt, value in zip(filters.filters, filters.values, strict=True):
        if _is_row_scope(flt, model):
            if scope_clause(model) is not None:
                return None
        elif isinstance(flt, AnnulledFilter) and flt.model is model:
            mode = flt.kept()
            if mode == "annulled":
                return None
            if mode == "current":
                kept = "current"
        elif getattr(flt, "arg_name", None) != "preset" or requested_preset(flt.presets, value) is not None:
            return None
    return kept


def _jump(datamodel: Any, filters: Any, order_column: str, descending: bool, offset: int) -> tuple | None:
    """(where, offset, params) of a deep page of a whole list, from its month (month_counts.jump); None: walk."""
    model = datamodel.obj
    counts = MONTH_COUNTS.get(model)
    if offset < JUMP_FROM or counts is None or counts.column != order_column:
        return None
    rows = _whole_list_rows(filters, model)
    if rows is None:
        return None
    return jump(counts, offset, descending, current_only=rows == "current")


def at_offset(datamodel: Any, filters: Any, ordered: Any, order_column: str, descending: bool, offset: int) -> tuple:
    """(`ordered`, offset) to read the page at `offset` with: deep in a whole list, from its month."""
    jumped = _jump(datamodel, filters, order_column, descending, offset) if order_column else None
    if jumped is None:
        return ordered, offset
    where, from_month, params = jumped
    return ordered.filter(where).params(**params), from_month


def list_count(datamodel: Any, filters: Any, limit: int, base: Any = None) -> int:
    """min(count, limit + 1) of a list's rows (list_count_select)."""
    return datamodel.session.execute(list_count_select(datamodel, filters, limit, base)).scalar_one()


def load_page(
    datamodel: Any,
    filters: Any,
    order_column: str,
    order_direction: str,
    page: int,
    page_size: int,
    after: str | None = None,
    before: str | None = None,
    count_limit: int = COUNT_LIMIT,
    read_only: bool = False,
    dense: bool = False,
    remember_over: str | None = None,
) -> ListPage:
    """A list page by page number (offset over ids) or by cursor (keyset); see the module docstring.

    `read_only`: also say which rows the user sees without working them (read in the rows' own SELECT).
    `dense`: read the list as a dense one, whatever was learned of it (_sparse_sight).
    `remember_over`: the list's name, to trust for OVER_SECONDS that its rows pass the count limit
    (_counted_over): the header's «более N» without counting on every page.
    """
    pk = getattr(datamodel.obj, datamodel.get_pk_name())
    base = filtered_query(datamodel, filters)
    column = keyset_column(datamodel, order_column)
    descending = order_direction != "asc"
    cursor = after or before
    if cursor and column is None:
        raise BadListArgument(_l("Некорректная ссылка на страницу списка"))
    offset = page * page_size
    sparse = None if dense else _sparse_sight(datamodel, filters, count_limit)
    if sparse is not None:
        walk = base.filter(pk.in_(select(*sparse[0].c)))
    else:
        walk = walk_query(datamodel, filters, base, order_column, page_size if cursor else offset + page_size)

    if order_column:
        ordered = datamodel.apply_order_by(walk, order_column, order_direction, aliases_mapping={}, add_pk=True)
    else:
        ordered = walk.order_by(pk)
    # The header's count, read in the ids' own statement where the page may need it (not deep in the
    # list, where the rows up to the page already say «более N»). Uncorrelated: evaluated once.
    along: list[Any] = []
    over_key = _over_key(datamodel, remember_over, count_limit) if remember_over and sparse is None else None
    known_over = over_key is not None and _OVER.get(over_key, 0.0) >= time.monotonic()
    if not known_over and (cursor or offset + page_size < count_limit or sparse is not None):
        counting = list_count_select(datamodel, filters, count_limit, base)
        along.append(counting.correlate(None).scalar_subquery())
    if cursor:
        value, key_pk = decode_key(column, cursor)
        # «previous»: walk backwards from the first row shown, then turn the rows around.
        backwards = before is not None
        forward_desc = descending != backwards
        edge = (
            tuple_(column, pk) < tuple_(value, key_pk) if forward_desc else tuple_(column, pk) > tuple_(value, key_pk)
        )
        order = (column.desc(), pk.desc()) if forward_desc else (column.asc(), pk.asc())
        rows = walk.with_entities(pk, *along).filter(edge).order_by(*order).limit(page_size + 1).all()
        more = len(rows) > page_size
        if backwards:
            has_next, has_previous = True, more
        else:
            has_next, has_previous = more, True
    else:
        paged, skip = at_offset(datamodel, filters, ordered, order_column, descending, offset)
        rows = paged.with_entities(pk, *along).offset(skip).limit(page_size + 1).all()
        has_next = len(rows) > page_size
        has_previous = page > 0
    ids = [row[0] for row in rows[:page_size]]
    if cursor and backwards:
        ids.reverse()
    # None when not read along (or no row came back to carry it).
    counted_along = rows[0][1] if along and rows else None
    if sparse is not None:
        counted_along = counted_along if counted_along is not None else list_count(datamodel, filters, count_limit)
        if counted_along > count_limit:
            # Grown past the limit since it was learned thin: its ids were cut short. Read it whole.
            _learn(sparse[1], False, time.monotonic())
            return load_page(
                datamodel,
                filters,
                order_column,
                order_direction,
                page,
                page_size,
                after=after,
                before=before,
                count_limit=count_limit,
                read_only=read_only,
                dense=True,
                remember_over=remember_over,
            )

    writable = writable_column(datamodel.obj) if read_only else None
    items, unworkable = hydrate_marked(datamodel, ids, writable)
    ids = [getattr(item, pk.key) for item in items]
    if not cursor and not has_next and (items or page == 0):
        count, exact = offset + len(items), True  # the last page: everything is known
    elif not cursor and items and offset + page_size >= count_limit:
        # Deep in the list: the rows up to this page exist, and at least one more. (A page past the end
        # has no rows: it is counted, never said to have «более N» rows that do not exist.)
        count, exact = offset + len(items), False
    else:
        counted = count_limit + 1 if known_over else counted_along
        if counted is None:
            counted = list_count(datamodel, filters, count_limit, base)
        count, exact = (counted, True) if counted <= count_limit else (count_limit, False)
    # What this page measured: an inexact count is past the limit, an exact one says so itself. (A
    # remembered «более N» is not a measure; only the rows of a last page, exact, may correct it.)
    if over_key is not None and (exact or not known_over):
        _counted_over(over_key, not exact or count > count_limit)

    first_key = last_key = None
    if column is not None and items:
        first_key = encode_key(getattr(items[0], column.key), ids[0])
        last_key = encode_key(getattr(items[-1], column.key), ids[-1])
    return ListPage(items, count, exact, has_next, has_previous, first_key, last_key, ids, unworkable)


def _over_key(datamodel: Any, name: str, limit: int) -> tuple | None:
    """What a list's count depends on: the list, the user and his sight, and the page's own arguments
    but those that only move within the list or sort it. None outside a request."""
    if not has_request_context():
        return None
    args = tuple(sorted((k, v) for k, v in request.args.items(multi=True) if not k.startswith(_SAME_ROWS_ARGS)))
    return (name, datamodel.obj, limit, current_visibility(), getattr(request_user(), "id", None), args)


def _counted_over(key: tuple, over: bool) -> None:
    """Remember what a page counted: past the limit, for OVER_SECONDS; within it, forget (count again).

    A list over its limit says «более N» — N rows known to exist. Counting them on every page cost a
    body clerk's page 1 its largest statement (the link-by-link count: ~1.3 ms of SQL and ~1 ms building
    it, of ~15). Trusted for a minute per process, the claim can outlive its truth only if more than
    the rows beyond the limit leave the list within that minute; the last page still counts exactly
    from its own rows, and the next count (a minute later) corrects the header.
    """
    if over:
        if len(_OVER) >= 10_000:
            _OVER.clear()  # (the lists of a process's users: a bound, not a cache policy)
        _OVER[key] = time.monotonic() + OVER_SECONDS
    else:
        _OVER.pop(key, None)


def walk_query(datamodel: Any, filters: Any, base: Any, order_column: str, rows_in: int) -> Any:
    """The list's rows as a page's ordered walk reads them: `base`, or on PostgreSQL its collections probed.

    `rows_in`: how far into the list the page reaches (a cursor page: its own rows). Probing each walked
    row (security.collections_probed) beats hashing the whole collection while the walk is short: on a
    body clerk's appeals at a million, page 1 7 → 0.6 ms of SQL, even at page 20; at page 40 the hash
    wins, and at page 2,000 by 230 ms. So the probe is asked for only where the walk is short by
    construction: a list narrowed by nothing but the scope (a search or a preset may make PostgreSQL
    sort every match instead), ordered along an index that holds its rows in that order (_leads_an_index;
    else it sorts the whole table), and no deeper than PROBED_WALK rows. SQLite probes every EXISTS row
    by row anyway.
    """
    model = datamodel.obj
    if (
        rows_in > PROBED_WALK
        or datamodel.session.get_bind().dialect.name != "postgresql"
        or _narrowed(filters)
        or not _leads_an_index(model, order_column, current_only=_shows_current_only(filters))
        or not scope_reaches_through_collections(model)
    ):
        return base
    with collections_probed():
        return filtered_query(datamodel, filters)


def _leads_an_index(model: type, column_name: str, current_only: bool) -> bool:
    """Whether PostgreSQL can walk the list in this column's order along an index, without sorting.

    The key itself, or a btree index of (column, key …) — a GIN index gives no order, and an index with
    the column but another second one sorts each run of equal values — that holds every row the list
    may show: no predicate, or the current rows' own when the list shows current rows only.
    """
    table = getattr(model, "__table__", None)
    column = table.c.get(column_name) if table is not None and column_name else None
    if column is None:
        return False
    key = next(iter(table.primary_key.columns), None)
    if column is key:
        return True
    for index in table.indexes:
        columns = list(index.columns)
        options = index.dialect_options["postgresql"]
        if len(columns) < 2 or columns[0] is not column or columns[1] is not key:
            continue
        if options.get("using") not in (None, False, "btree"):
            continue
        where = options.get("where")
        if where is None or (current_only and str(where) == str(CURRENT_ROWS["postgresql_where"])):
            return True
    return False


def hydrate(datamodel: Any, ids: list[Any]) -> list[Any]:
    """The rows of these ids, in this order, with the list's relationships loaded (one query each)."""
    return hydrate_marked(datamodel, ids)[0]


def hydrate_marked(datamodel: Any, ids: list[Any], writable: Any = None) -> tuple[list[Any], set[Any]]:
    """hydrate(), and with a `writable` column the ids of the rows it says are not (in the same SELECT)."""
    # A statement of its own, not one with the ids as its subquery: merged, PostgreSQL planned the page
    # in ~3 ms, where the ids' statement and this one cost ~2 ms together (measured in session 14, when no
    # statement stayed prepared between requests: see app/core/postgresql.py; not measured since).
    if not ids:
        return [], set()
    pk = getattr(datamodel.obj, datamodel.get_pk_name())
    # The listed relationships are many-to-one: joined to the page's rows in the same SELECT (one
    # SELECT … IN per relationship cost 1 ms each in ORM overhead, at 25 rows).
    loaders = [joinedload(getattr(datamodel.obj, name)) for name in datamodel.eager_relationships]
    query = datamodel.session.query(datamodel.obj).filter(pk.in_(ids)).options(*loaders)
    if writable is None:
        rows = {getattr(item, pk.key): item for item in query}
        unworkable: set[Any] = set()
    else:
        marked = {getattr(item, pk.key): (item, flag) for item, flag in query.add_columns(writable)}
        rows = {key: item for key, (item, _flag) in marked.items()}
        unworkable = {key for key, (_item, flag) in marked.items() if not flag}
    # A row deleted between the two queries is simply not shown.
    return [rows[i] for i in ids if i in rows], unworkable


@dataclass(frozen=True)
class PageLink:
    label: str
    url: str | None
    state: str = ""  # "", "active" or "disabled"


@dataclass(frozen=True)
class Pager:
    links: list[PageLink]
    count_text: str


def build_pager(view_name: str, result: ListPage, page: int, page_size: int) -> Pager:
    """The page links of a list and its row count as the header shows them."""
    own = {f"page_{view_name}", f"after_{view_name}", f"before_{view_name}"}
    kept = [(k, v) for k, v in request.args.items(multi=True) if k not in own]

    def url(number: int, **cursor: str | None) -> str:
        args = list(kept)
        if number:
            args.append((f"page_{view_name}", str(number)))
        args += [(f"{name}_{view_name}", key) for name, key in cursor.items() if key]
        return request.path + ("?" + urlencode(args) if args else "")

    if result.count_exact:
        known = max(1, -(-result.count // page_size))
    else:
        known = max(result.count // page_size, page + (2 if result.has_next else 1))
    links: list[PageLink] = []
    if known > 1 or page > 0:
        links.append(PageLink("«", url(0) if page > 0 else None, "" if page > 0 else "disabled"))
        previous = url(page - 1, before=result.first_key) if result.has_previous and page > 0 else None
        links.append(PageLink("‹", previous, "" if previous else "disabled"))
        for number in range(max(0, page - 3), min(known, page + 4)):
            links.append(
                PageLink(str(number + 1), None if number == page else url(number), "active" if number == page else "")
            )
        following = url(page + 1, after=result.last_key) if result.has_next else None
        links.append(PageLink("›", following, "" if following else "disabled"))
        if result.count_exact and known - 1 > page:
            links.append(PageLink("»", url(known - 1)))
    count_text = str(result.count) if result.count_exact else str(_l("более %(count)s", count=result.count))
    return Pager(links, count_text)


# ---- what a list shows, in words: removable chips for its preset and filters ---------------------

_FILTER_ARG = re.compile(r"^_flt_(\d+)_(.+)$")
#: A list's position arguments: a changed selection starts again on its first page.
_POSITION_ARGS = ("page_", "after_", "before_")


@dataclass(frozen=True)
class FilterChip:
    """One active selection of a list («Статус = Дан ответ») and the list without it."""

    text: str
    remove_url: str
    kind: str = "filter"  # "filter" or "preset"


def _without(drop: set[tuple[str, str]] | None = None, keys: set[str] | None = None) -> str:
    """This list's URL without some arguments (and on its first page)."""
    kept = [
        (key, value)
        for key, value in request.args.items(multi=True)
        if (key, value) not in (drop or set()) and key not in (keys or set()) and not key.startswith(_POSITION_ARGS)
    ]
    return request.path + ("?" + urlencode(kept) if kept else "")


def filter_chips(view: Any) -> list[FilterChip]:
    """The preset and every active filter of a list page as removable chips, in the search form's order.

    The list template shows them under the title after a search: what the list holds stays said while
    the search panel is closed, and one click on «×» drops one selection (the rest and the sort stay).
    """
    from .export import describe_filter

    chips: list[FilterChip] = []
    preset = view.current_preset() if hasattr(view, "current_preset") else None
    if preset is not None:
        chips.append(FilterChip(str(preset.label), _without(keys={"preset"}), kind="preset"))
    search = view._filters.get_search_filters()
    order = {column: index for index, column in enumerate(view.search_columns or [])}
    found = []
    for key, value in request.args.items(multi=True):
        match = _FILTER_ARG.match(key)
        if not match or value == "":
            continue
        index, column = int(match.group(1)), match.group(2)
        filters = search.get(column) or []
        if index >= len(filters):
            continue
        found.append((order.get(column, len(order)), key, value, filters[index]))
    for _order, key, value, flt in sorted(found, key=lambda item: item[0]):
        chips.append(FilterChip(describe_filter(view, flt, value), _without(drop={(key, value)})))
    return chips


def clear_filters_url(view: Any) -> str:
    """The list without its preset and filters (its sort, page size and annulment switch kept)."""
    return _without(keys={key for key in request.args if _FILTER_ARG.match(key)} | {"preset"})
