"""What a list page's table shows, prepared once per page in Python (the list widget's template prints it).

FAB's list widget asks, for every row, three `url_for` (show, edit, delete), the related-view filters
of each link, four translated tooltips, and the view's rights again (`is_item_visible` walks every
registered view to find this one): at 25 rows that was a third of a list page's time, the SQL being
1–2 ms. Here the rights are asked once, each link is built once with a placeholder for the key and
filled in per row, and the cells are formatted in one pass. The page is the same, link for link
(tests/core/test_list_render.py renders both and compares them).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from flask import current_app, url_for
from flask_appbuilder.const import PERMISSION_PREFIX

#: Stands for a row's key in a link built once per page; only letters and underscores, so that
#: url_for leaves it as it is.
_PK_MARK = "__uprava_pk__"


@dataclass(frozen=True)
class ListRow:
    """One row of a list table: its key, its links (None: not offered) and its formatted cells."""

    pk: Any
    show_url: str | None
    edit_url: str | None
    delete_url: str | None
    cells: list[Any]


@dataclass(frozen=True)
class ListRights:
    """What the user may do from this list (FAB's `is_item_visible`, asked once per page)."""

    can_add: bool
    can_show: bool
    can_edit: bool
    can_delete: bool
    #: The actions the list offers over checked rows (FAB's `get_actions_on_list`), in their order.
    actions: dict[str, Any]


@dataclass(frozen=True)
class PageFormatter:
    """A column formatter that looks its values up once per list page, not once per row.

    `lookup(values)` → {value: what was found} in one query; `render(value, found or None)` → the cell.
    Called as a plain formatter (a card's field, an export's memoised cell) it looks up that one value.
    """

    lookup: Callable[[list[Any]], dict[Any, Any]]
    render: Callable[[Any, Any], Any]

    def __call__(self, value: Any) -> Any:
        return self.for_page([value])(value)

    def for_page(self, values: Iterable[Any]) -> Callable[[Any], Any]:
        found = self.lookup([value for value in dict.fromkeys(values) if value is not None])
        return lambda value: self.render(value, found.get(value))


def _allowed(view: Any, permission: str) -> bool:
    """FAB's `TemplateFilters.is_item_visible` for this view, without looking the view up by name."""
    sm = view.appbuilder.sm
    resource = view.class_permission_name
    if PERMISSION_PREFIX not in permission and view.actions.get(permission):
        name = view.get_action_permission_name(permission)
        return name in view.base_permissions and sm.has_access(name, resource)
    method = permission.split(PERMISSION_PREFIX)[1] if PERMISSION_PREFIX in permission else permission
    name = PERMISSION_PREFIX + view.get_method_permission(method)
    return name in view.base_permissions and sm.has_access(name, resource)


def list_rights(view: Any, actions: dict[str, Any]) -> ListRights:
    return ListRights(
        can_add=_allowed(view, "can_add"),
        can_show=_allowed(view, "can_show"),
        can_edit=_allowed(view, "can_edit"),
        can_delete=_allowed(view, "can_delete"),
        actions={key: a for key, a in actions.items() if a.multiple and _allowed(view, a.name)},
    )


def related_filter_suffix(filters: Any) -> str:
    """FAB's `set_link_filters`: the related-view filters a record's link carries (`_flt_0_<col>=<value>`)."""
    return "".join(
        f"&_flt_0_{flt.column_name}={value}" for flt, value in filters.get_filters_values() if flt.is_related_view
    )


def _with_suffix(path: str, suffix: str) -> str:
    if not suffix or "?" in path:
        return path + suffix
    return path + "?" + suffix[1:]


def _link_maker(endpoint: str, suffix: str) -> Callable[[Any], str | None]:
    """A function of a row's key giving its link: built once when the key is a number, per row otherwise."""
    try:
        pattern = url_for(endpoint, pk=_PK_MARK)
    except Exception:  # FAB's safe_url_for: an endpoint the view does not have offers no link
        return lambda pk: None
    pattern = _with_suffix(pattern, suffix)
    head, mark, tail = pattern.partition(_PK_MARK)

    def link(pk: Any) -> str | None:
        if isinstance(pk, int) and not isinstance(pk, bool):
            return f"{head}{pk}{tail}"
        # A text key is quoted by the URL map: as url_for would, once per row.
        return _with_suffix(url_for(endpoint, pk=pk), suffix)

    return link if mark else (lambda pk: _with_suffix(url_for(endpoint, pk=pk), suffix))


def list_rows(
    view_name: str,
    rights: ListRights,
    pks: list[Any],
    values: Iterable[dict[str, Any]],
    columns: list[str],
    formatters: dict[str, Any],
    filters: Any,
    read_only_pks: Iterable[Any] = (),
) -> list[ListRow]:
    """The table's rows: links (no edit or delete on a row seen read-only) and formatted cells."""
    suffix = related_filter_suffix(filters)
    show = _link_maker(f"{view_name}.show", suffix) if rights.can_show else None
    edit = _link_maker(f"{view_name}.edit", suffix) if rights.can_edit else None
    # FAB's delete link carries no filters.
    delete = _link_maker(f"{view_name}.delete", "") if rights.can_delete else None
    read_only = set(read_only_pks or ())
    values = list(values)  # FAB's get_values is a generator; a page formatter reads the column first
    shown = [(column, _page_formatter(formatters.get(column), column, values)) for column in columns]
    rows = []
    for pk, item in zip(pks, values, strict=True):
        writable = pk not in read_only
        rows.append(
            ListRow(
                pk=pk,
                show_url=show(pk) if show else None,
                edit_url=edit(pk) if edit and writable else None,
                delete_url=delete(pk) if delete and writable else None,
                cells=[fmt(item[column]) if fmt else item[column] for column, fmt in shown],
            )
        )
    return rows


def _page_formatter(formatter: Any, column: str, values: list[dict[str, Any]]) -> Any:
    if isinstance(formatter, PageFormatter):
        return formatter.for_page(item[column] for item in values)
    return formatter


@dataclass(frozen=True)
class HeaderCell:
    """A column's heading: its label, and for a sortable column the link that sorts by it and its arrow."""

    label: Any
    url: str | None = None
    icon: str = ""


#: FAB's arrows: sorted ascending by this column, descending, not by it.
_ORDER_ICONS = {2: "fa-chevron-up", 1: "fa-chevron-down", 0: "fa-arrows-v"}


def list_header(
    view_name: str, columns: list[str], labels: dict[str, Any], order_columns: list[str]
) -> list[HeaderCell]:
    """The table's headings, with FAB's own sort links (`link_order`) for the sortable columns."""
    filters = current_app.jinja_env.filters
    link_order, get_link_order = filters["link_order"], filters["get_link_order"]
    sortable = set(order_columns or ())
    return [
        HeaderCell(
            labels.get(column),
            link_order(column, view_name),
            _ORDER_ICONS[get_link_order(column, view_name)],
        )
        if column in sortable
        else HeaderCell(labels.get(column))
        for column in columns
    ]
