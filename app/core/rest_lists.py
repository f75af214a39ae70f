"""The REST list's fast path: the web list's (app/core/lists.py) with a cursor a client can hold.

FAB's `GET /api/v1/<resource>/` counts the whole filtered table and reads `page × size` whole rows
past with OFFSET on every request (FAB_NOTES, list performance). Here, as on the web list:

1. the page's ids in the list's order (sort column, then the primary key: FAB's own order), by page
   number (OFFSET over ids only) or after a cursor (keyset: the rows after the last row read);
2. those rows, then serialised by the API's own schema (the same JSON as FAB's);
3. a bounded count: `count` is exact up to `count_limit` rows (`count_exact: true`); beyond, it is
   a number of rows known to exist and `count_exact` is false (the web list's «более N»).

Every answer carries `next_cursor`: opaque, signed with the app's secret, naming the API, the order
and the last row read; null on the last page. A request with `cursor=` continues after that row in
the same order, with the same row scope (the cursor only says where to start: a foreign row is never
read through it). An order without a keyset (a nullable or computed sort column) continues by
offset instead. A tampered or foreign cursor is a 400.

Without a sort order (no `order_column` in `q` and no `base_order`), FAB leaves the order to the
database (LIMIT/OFFSET without ORDER BY: pages may overlap); here the list is in record-number order.
"""

from __future__ import annotations

import functools
import json
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jsonschema
import prison
from flask import current_app, request
from flask_appbuilder.const import API_URI_RIS_KEY
from flask_babel import lazy_gettext as _l
from itsdangerous import BadData, URLSafeSerializer

from .errors import BadListArgument
from .lists import ListPage, at_offset, filtered_query, hydrate, keyset_column, list_count, load_page, walk_query

#: The query argument that continues a list (beside FAB's rison `q`).
CURSOR_ARG = "cursor"
#: Signed cursors of REST lists: a cursor of something else signed with the same secret is not one.
CURSOR_SALT = "uprava.rest-list-cursor"
#: Longer than any cursor this module writes.
MAX_CURSOR_LENGTH = 512
BAD_CURSOR = _l("Некорректный курсор списка: запросите список заново, без курсора")
OTHER_ORDER = _l("Курсор получен при другой сортировке списка: передайте ту же сортировку или запросите список заново")


@dataclass(frozen=True)
class Cursor:
    """Where a REST list goes on: after the row `key` (keyset) or past `offset` rows, in this order."""

    order_column: str
    order_direction: str
    #: The last row read, as the web list's «after_» links carry it (lists.encode_key).
    key: str | None = None
    #: Rows read so far, for an order without a keyset.
    offset: int | None = None


@dataclass
class RestPage:
    page: ListPage
    next_cursor: Cursor | None


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=CURSOR_SALT)


def dump_cursor(resource: str, cursor: Cursor) -> str:
    """The cursor as the client receives it (it names the API: another API's cursor is refused)."""
    return _serializer().dumps([resource, cursor.order_column, cursor.order_direction, cursor.key, cursor.offset])


def load_cursor(resource: str, raw: str) -> Cursor:
    """A cursor from the query string; anything but one this API signed is a 400."""
    if len(raw) > MAX_CURSOR_LENGTH:
        raise BadListArgument(BAD_CURSOR)
    try:
        data = _serializer().loads(raw)
    except (BadData, ValueError, TypeError, RecursionError):
        raise BadListArgument(BAD_CURSOR) from None
    if not isinstance(data, list) or len(data) != 5 or data[0] != resource:
        raise BadListArgument(BAD_CURSOR)
    _resource, column, direction, key, offset = data
    offset_ok = offset is None or (isinstance(offset, int) and not isinstance(offset, bool) and offset >= 0)
    if (
        not isinstance(column, str)
        or direction not in ("asc", "desc")
        or not (key is None or isinstance(key, str))
        or not offset_ok
        or (key is None) == (offset is None)
    ):
        raise BadListArgument(BAD_CURSOR)
    return Cursor(column, direction, key=key, offset=offset)


def load_rest_page(
    datamodel: Any,
    filters: Any,
    order_column: str,
    order_direction: str,
    page: int,
    page_size: int,
    cursor: Cursor | None,
    count_limit: int,
) -> RestPage:
    """One page of a REST list by page number or after a cursor, and the cursor of the next page."""
    if not order_column:
        order_column, order_direction = datamodel.get_pk_name(), "asc"
    # FAB sorts descending unless told "asc" (apply_order_by).
    order_direction = "asc" if order_direction == "asc" else "desc"
    if cursor is not None and (cursor.order_column, cursor.order_direction) != (order_column, order_direction):
        raise BadListArgument(OTHER_ORDER)
    keyset = keyset_column(datamodel, order_column) is not None
    if cursor is not None and (cursor.key is not None) != keyset:
        raise BadListArgument(BAD_CURSOR)

    if cursor is not None and cursor.key is not None:
        result = load_page(
            datamodel, filters, order_column, order_direction, 0, page_size, after=cursor.key, count_limit=count_limit
        )
        start = None
    elif cursor is not None:
        start = cursor.offset or 0
        result = _page_at_offset(datamodel, filters, order_column, order_direction, start, page_size, count_limit)
    else:
        start = page * page_size
        result = load_page(datamodel, filters, order_column, order_direction, page, page_size, count_limit=count_limit)
        if not result.items and page > 0:
            # Past the end, load_page would call the page's offset a number of rows that exist.
            result.count, result.count_exact = _counted(datamodel, filters, count_limit)

    following = None
    if result.has_next and result.items:
        if keyset and result.last_key is not None:
            following = Cursor(order_column, order_direction, key=result.last_key)
        elif start is not None:
            following = Cursor(order_column, order_direction, offset=start + len(result.ids))
    return RestPage(result, following)


def _page_at_offset(
    datamodel: Any, filters: Any, order_column: str, order_direction: str, offset: int, page_size: int, limit: int
) -> ListPage:
    """lists.load_page's numbered page, from any offset (a cursor of an order without a keyset)."""
    pk = getattr(datamodel.obj, datamodel.get_pk_name())
    base = filtered_query(datamodel, filters)
    walk = walk_query(datamodel, filters, base, order_column, offset + page_size)
    ordered = datamodel.apply_order_by(walk, order_column, order_direction, aliases_mapping={}, add_pk=True)
    paged, skip = at_offset(datamodel, filters, ordered, order_column, order_direction != "asc", offset)
    ids = [row[0] for row in paged.with_entities(pk).offset(skip).limit(page_size + 1)]
    has_next = len(ids) > page_size
    items = hydrate(datamodel, ids[:page_size])
    ids = [getattr(item, pk.key) for item in items]
    if not has_next and (items or offset == 0):
        count, exact = offset + len(items), True  # the last page: everything is known
    elif has_next and offset + page_size >= limit:
        count, exact = offset + len(items), False  # rows up to here exist, and at least one more
    else:
        count, exact = _counted(datamodel, filters, limit, base)
    return ListPage(items, count, exact, has_next, offset > 0, ids=ids)


def _counted(datamodel: Any, filters: Any, limit: int, base: Any = None) -> tuple[int, bool]:
    counted = list_count(datamodel, filters, limit, base)
    return (counted, True) if counted <= limit else (limit, False)


def document_fast_list(operation: dict[str, Any], count_limit: int) -> None:
    """The OpenAPI operation of `GET /` as FAB describes it, plus the cursor and the bounded count."""
    parameters = operation.setdefault("parameters", [])
    if not any(p.get("name") == CURSOR_ARG for p in parameters):
        parameters.append(
            {
                "in": "query",
                "name": CURSOR_ARG,
                "required": False,
                "schema": {"type": "string", "maxLength": MAX_CURSOR_LENGTH},
                "description": (
                    "Opaque `next_cursor` of a previous answer: the page after its last row, in the same "
                    "order. Send the same `q` (filters, order_column, order_direction, page_size); `page` is "
                    "ignored. A cursor not issued by this API for this order is a 400."
                ),
            }
        )
    responses = operation.get("responses") or {}
    ok = responses.get(200) or responses.get("200") or {}
    schema = ok.get("content", {}).get("application/json", {}).get("schema", {})
    properties = schema.setdefault("properties", {})
    properties["count"] = {
        "type": "integer",
        "description": (
            f"Rows of the filtered list when `count_exact` is true (exact up to {count_limit} rows). "
            "Otherwise a number of rows known to exist, with more after them (the web list's «более N»)."
        ),
    }
    properties["count_exact"] = {"type": "boolean", "description": "Whether `count` is the exact number of rows."}
    properties["next_cursor"] = {
        "type": "string",
        "nullable": True,
        "description": "Pass as `cursor` for the next page; null on the last page.",
    }


def validated_rison(schema: dict[str, Any]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """FAB's `@rison(schema)` with the schema's validator built once.

    FAB calls `jsonschema.validate` per request, which first validates the schema itself against
    the JSON Schema meta-schema: about half of a REST list page's time. The answer is FAB's:
    the same parsing, the same error chosen (`best_match`) and the same 400 message.
    """
    validator = jsonschema.validators.validator_for(schema)(schema)

    def decorate(f: Callable[..., Any]) -> Callable[..., Any]:
        def wraps(self: Any, *args: Any, **kwargs: Any) -> Any:
            value = request.args.get(API_URI_RIS_KEY, None)
            kwargs["rison"] = {}
            if value:
                try:
                    kwargs["rison"] = prison.loads(value)
                except prison.decoder.ParserException:
                    if not current_app.config.get("FAB_API_ALLOW_JSON_QS", True):
                        return self.response_400(message="Not a valid rison argument")
                    try:
                        parsed = urllib.parse.parse_qs(f"{API_URI_RIS_KEY}={value}")
                        kwargs["rison"] = json.loads(parsed.get(API_URI_RIS_KEY)[0])
                    except Exception:
                        return self.response_400(message="Not a valid rison/json argument")
            error = jsonschema.exceptions.best_match(validator.iter_errors(kwargs["rison"]))
            if error is not None:
                message = str(error).split("\n", 1)[0]
                return self.response_400(message=f"Not a valid rison schema {message}")
            return f(self, *args, **kwargs)

        return functools.update_wrapper(wraps, f)

    return decorate
