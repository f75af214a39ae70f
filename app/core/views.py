"""Base list/CRUD view and REST API that every domain view inherits.

They carry, once for all domains: the read/write permission map, row scope
(base filter, form drop-downs, write guard), Russian dates and booleans, list
argument validation (400 instead of 500), and domain errors shown beside the
field (the form is re-rendered with what the user typed: nothing is lost).
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

import prison
from flask import abort, current_app, flash, g, has_request_context, jsonify, redirect, request, url_for
from flask_appbuilder import ModelRestApi, ModelView
from flask_appbuilder.api import expose as api_expose
from flask_appbuilder.api import merge_response_func, permission_name, protect, safe
from flask_appbuilder.api.schemas import get_list_schema
from flask_appbuilder.baseviews import expose
from flask_appbuilder.const import (
    API_DESCRIPTION_COLUMNS_RIS_KEY,
    API_FILTERS_RIS_KEY,
    API_LABEL_COLUMNS_RIS_KEY,
    API_LIST_COLUMNS_RIS_KEY,
    API_LIST_TITLE_RIS_KEY,
    API_ORDER_COLUMNS_RIS_KEY,
    API_RESULT_RES_KEY,
    API_SELECT_COLUMNS_RIS_KEY,
)
from flask_appbuilder.exceptions import DatabaseException, FABException, InvalidColumnArgsFABException
from flask_appbuilder.fields import QuerySelectField
from flask_appbuilder.fieldwidgets import Select2Widget
from flask_appbuilder.models.filters import BaseFilter
from flask_appbuilder.security.decorators import has_access
from flask_appbuilder.urltools import get_filter_args
from flask_appbuilder.views import IndexView
from flask_appbuilder.widgets import ListWidget
from flask_babel import get_locale, gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import escape
from sqlalchemy import UniqueConstraint, inspect, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import BadRequest
from wtforms import HiddenField, SelectField
from wtforms.fields.core import UnboundField

from ..security import (
    READ,
    RW_METHOD_PERMISSIONS,
    can_see_personal_data,
    ensure_in_scope,
    ensure_relations_in_scope,
    ensure_writable,
    is_admin,
    link_query_filters,
    request_user,
    scope_base_filters,
    scope_query_rel_fields,
    scoped_relation_filters,
)
from .audit import history_for
from .dates import format_date, format_datetime
from .errors import (
    BadListArgument,
    ConflictError,
    DomainError,
    ForbiddenField,
    LinkRefused,
    StaleVersionError,
    ValidationFailed,
)
from .export import ExportMixin
from .history import Describer, check_version, personal_fields, present_change
from .inputs import check_values, is_digits
from .list_render import list_header, list_rights, list_rows
from .lists import COUNT_LIMIT, build_pager, clear_filters_url, filter_chips, load_page
from .models import AnnulableMixin, VersionedMixin
from .numbers import format_number
from .pii_log import journal_personal_access
from .presets import Preset, preset_filter_for, requested_preset
from .related import CachedSearchWidget, OnDemandSelectWidget, lookup
from .relation_fields import KeyedQuerySelectField, pk_getter, row_finder
from .rest_dates import UpravaModel2SchemaConverter
from .rest_lists import (
    CURSOR_ARG,
    document_fast_list,
    dump_cursor,
    load_cursor,
    load_rest_page,
    validated_rison,
)
from .rest_messages import translate_messages
from .services import annul as annul_record

_FLT = re.compile(r"^_flt_(\d+)_(.+)$")


def format_value(value: Any) -> Any:
    """Dates as ДД.ММ.ГГГГ (timestamps in local time), booleans as Да/Нет, decimals with a comma, nothing as nothing."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return gettext("Да") if value else gettext("Нет")
    if isinstance(value, dt.datetime):
        return format_datetime(value)
    if isinstance(value, dt.date):
        return format_date(value)
    if isinstance(value, float | Decimal):
        return format_number(value, grouped=False)  # «42,5»: a decimal comma, as the reports write it
    return value


def _value_formatters(columns: list[str]) -> dict[str, Any]:
    # Every shown column: FAB would print None as "None" and booleans as True/False.
    return dict.fromkeys(columns, format_value)


def _with_columns(view: Any, attr: str, columns: list[str], render: Any, *args: Any, **kwargs: Any) -> Any:
    """Render with a narrowed column list on a shallow per-request copy of the view."""
    narrowed = copy.copy(view)
    setattr(narrowed, attr, columns)
    return render.__func__(narrowed, *args, **kwargs)


ANNULLED_MODES = [("current", _l("Действующие")), ("annulled", _l("Аннулированные")), ("all", _l("Все"))]
#: Endpoints that address one record: an annulled record stays reachable there.
_RECORD_ENDPOINTS = ("show", "edit", "delete", "annul", "action", "action_post", "download", "get", "put")


def annulled_mode() -> str:
    mode = request.args.get("annulled", "current")
    if mode not in {m for m, _label in ANNULLED_MODES}:
        raise BadListArgument(_l("Параметр annulled: current, annulled или all"))
    return mode


class AnnulledFilter(BaseFilter):
    """Lists show current records by default; annulled ones with the switch (kept, not deleted)."""

    name = "Annulled"
    arg_name = "annulled"

    def apply(self, query: Any, value: Any) -> Any:
        mode = self.kept()
        column = self.model.annulled_at
        if mode == "current":
            return query.filter(column.is_(None))
        if mode == "annulled":
            return query.filter(column.is_not(None))
        return query

    def kept(self) -> str:
        """The rows this filter keeps: "current", "annulled" or "all" (a record's own page: any row)."""
        if not has_request_context() or (request.endpoint or "").rsplit(".", 1)[-1] in _RECORD_ENDPOINTS:
            return "all"
        return annulled_mode()


def _as_int(value: Any) -> Any:
    return int(value) if isinstance(value, str) and is_digits(value.strip()) else value


class UpravaListWidget(ListWidget):
    """FAB's list table with the fast list's header: page links and a bounded row count."""

    template = "uprava/widgets/list.html"


class UpravaModelView(ExportMixin, ModelView):
    """The one base CRUD view. A domain view is configuration on top of it."""

    # FAB's generic /download/<filename> serves UPLOAD_FOLDER without row scope: files go
    # through the attachments view instead.
    exclude_route_methods = {"download"}

    page_size = 25
    method_permission_name = RW_METHOD_PERMISSIONS
    list_template = "uprava/list.html"
    list_widget = UpravaListWidget
    search_widget = CachedSearchWidget
    #: Rows a list counts exactly; beyond, it says «более N» (app/core/lists.py).
    count_limit = COUNT_LIMIT
    #: Many-to-one relationships the list's display methods read (an «organiser» property reading the
    #: organising body): loaded with the page like a listed relationship, not once per row.
    list_relationships: tuple[str, ...] = ()
    #: Whether the show page offers attachments and documents (journals say no). Files are
    #: offered only for models that declare `__attachments__` (app/core/attachments).
    record_files = True
    #: Internal keys (codes such as `letter`, `zavodskoy`) only the Admin reads: left out of lists, cards,
    #: filters, sorting and exports for everybody else, who read the names. Forms keep them: whoever may
    #: write the record sets its key.
    admin_columns: list[str] = []
    #: This view's resource guards its model's records: files and documents of a record need
    #: its read/write right (app/core/records.py). A second view of the model under another
    #: resource says False.
    owns_records = True
    show_template = "uprava/show.html"
    #: One-click lists of this view (`?preset=<key>`, app/core/presets.py): filter, page title, menu links.
    presets: tuple[Preset, ...] = ()

    def __init__(self, **kwargs: Any) -> None:
        model = self.datamodel.obj
        self.method_permission_name = {**(self.method_permission_name or {}), "related": READ}
        # A list searching a column with a normalised shadow (the model's __search_shadow__) offers the shadow too.
        shadows = getattr(model, "__search_shadow__", {})
        offered = [shadows[c] for c in self.search_columns or [] if c in shadows]
        if offered:
            self.search_columns = list(dict.fromkeys([*self.search_columns, *offered]))
            self.label_columns = {**getattr(model, "__search_labels__", {}), **(self.label_columns or {})}
        self.base_filters = scope_base_filters(model) + list(self.base_filters or [])
        if issubclass(model, AnnulableMixin):
            self.base_filters.append(["annulled_at", AnnulledFilter, None])
        if self.presets:
            pk = model.__mapper__.primary_key[0].key
            self.base_filters.append([pk, preset_filter_for(self.__class__.__name__, self.presets), None])
        # What a form offers for a link is what the write guard accepts (ensure_relations_in_scope).
        rel = {**scope_query_rel_fields(model), **link_query_filters(model)}
        self.add_form_query_rel_fields = {**rel, **(self.add_form_query_rel_fields or {})}
        self.edit_form_query_rel_fields = {**rel, **(self.edit_form_query_rel_fields or {})}
        # A filter's choices name only records the user may see (another district's appeal is not offered).
        self.search_form_query_rel_fields = {
            **scoped_relation_filters(model),
            **(self.search_form_query_rel_fields or {}),
        }
        super().__init__(**kwargs)
        record_view_labels(model, self.label_columns)
        self.datamodel.eager_relationships = self.datamodel.eager_for([*self.list_columns, *self.list_relationships])
        if self.record_files:
            # The show page finds the record's attachments and document templates by table name.
            self.extra_args = {**(self.extra_args or {}), "entity_type": model.__tablename__}
        columns = set(self.list_columns) | set(self.show_columns)
        self.formatters_columns = {**_value_formatters(sorted(columns)), **(self.formatters_columns or {})}

    @property
    def is_versioned(self) -> bool:
        return issubclass(self.datamodel.obj, VersionedMixin)

    @property
    def is_annullable(self) -> bool:
        return issubclass(self.datamodel.obj, AnnulableMixin)

    def _init_properties(self) -> None:
        super()._init_properties()
        # FAB invents English labels ("Annul Reason") for unlabelled columns; the platform's own are Russian.
        self.label_columns = {**PLATFORM_LABELS, **self.label_columns}
        for key, label in PLATFORM_LABELS.items():
            if str(self.label_columns.get(key, "")) == key.replace("_", " ").title():
                self.label_columns[key] = label
        # Version and annulment are written by the platform, never typed into a form.
        bookkeeping = {"version", "annulled_at", "annul_reason", "annulled_by_fk", "annulled_by"}
        self.add_columns = [c for c in self.add_columns if c not in bookkeeping]
        self.edit_columns = [c for c in self.edit_columns if c not in bookkeeping]

    def field_labels(self) -> dict[str, Any]:
        """The Russian label of each column (refusals name the field with it)."""
        return self.label_columns

    def declared_label(self, column: str) -> Any:
        """The column's own label, or None: unknown, or one FAB invented from the attribute («User Id»)."""
        label = self.label_columns.get(column)
        return None if label is None or str(label) == self._prettify_column(column) else label

    def _init_forms(self) -> None:
        super()._init_forms()
        for purpose, form in (("add", self.add_form), ("edit", self.edit_form), ("search", self.search_form)):
            for name, field in vars(form).items():
                if not isinstance(field, UnboundField):
                    continue
                if type(field.kwargs.get("widget")) is Select2Widget and self.datamodel.is_relation_many_to_one(name):
                    # A big related table is looked up as the user types (app/core/related.py).
                    field.kwargs["widget"] = OnDemandSelectWidget(self, name, purpose)
                if field.kwargs.get("allow_blank"):
                    # FAB leaves the empty choice unlabelled: select2 then shows its value, «__None».
                    field.kwargs["blank_text"] = "—"
                if issubclass(field.field_class, SelectField) and "widget" not in field.kwargs:
                    # Plain choice lists look like FAB's own selects (select2, Bootstrap styling).
                    field.kwargs["widget"] = Select2Widget()
                if field.field_class is QuerySelectField and purpose in ("add", "edit"):
                    self._keyed_relation_field(field, name, purpose)
        if self.is_versioned:
            # Rendered by form.hidden_tag(): the version the user started editing from.
            self.edit_form.version = HiddenField(filters=[_as_int])

    def _keyed_relation_field(self, field: UnboundField, name: str, purpose: str) -> None:
        """A form's link drop-down checks a submitted choice with one query (app/core/relation_fields.py)."""
        rel_fields = self.add_form_query_rel_fields if purpose == "add" else self.edit_form_query_rel_fields
        find = row_finder(self.datamodel, name, rel_fields)
        if find is None:
            return
        field.field_class = KeyedQuerySelectField
        field.kwargs["find_func"] = find
        field.kwargs["get_pk_func"] = pk_getter(self.datamodel.get_related_model(name))

    # ---- personal data: hidden without the right (lists, show pages, forms) ------------

    def hidden_columns(self) -> set[str]:
        """This request's columns the user may not see: personal data without the right, codes but to the Admin."""
        hidden = self.personal_hidden_columns()
        if self.admin_columns and not is_admin():
            hidden |= set(self.admin_columns)
        return hidden

    def personal_hidden_columns(self) -> set[str]:
        """This request's personal-data columns the user may not see (forms save them back unchanged)."""
        personal = personal_fields(self.datamodel.obj)
        return set() if not personal or can_see_personal_data() else personal

    def _get_list_widget(
        self,
        filters: Any,
        actions: Any = None,
        order_column: str = "",
        order_direction: str = "",
        page: int | None = None,
        page_size: int | None = None,
        widgets: Any = None,
        **kwargs: Any,
    ) -> Any:
        """FAB's list widget over the fast list page (app/core/lists.py): no full count, no deep OFFSET scan."""
        widgets = widgets or {}
        page, page_size = page or 0, page_size or self.page_size
        if not order_column and self.base_order:
            order_column, order_direction = self.base_order
        name = self.__class__.__name__
        result = load_page(
            self.datamodel,
            filters.get_joined_filters(self._base_filters),
            order_column,
            order_direction,
            page,
            page_size,
            after=request.args.get(f"after_{name}"),
            before=request.args.get(f"before_{name}"),
            count_limit=self.count_limit,
            remember_over=name,
            read_only=True,
        )
        hidden = self.hidden_columns()
        shown = [c for c in self.list_columns if c not in hidden]
        pks = [self._serialize_pk_if_composite(pk) for pk in self.datamodel.get_keys(result.items)]
        # The rights, each row's links and cells, prepared once per page (app/core/list_render.py).
        rights = list_rights(self, actions or self.actions)
        rows = list_rows(
            name,
            rights,
            pks,
            self.datamodel.get_values(result.items, shown),
            shown,
            self.formatters_columns,
            filters,
            # Rows seen read-only (a copy) get no edit button: it would only answer 403.
            read_only_pks=result.read_only,
        )
        widgets["list"] = self.list_widget(
            header=list_header(name, shown, self.label_columns, self.order_columns),
            rows=rows,
            rights=rights,
            page=page,
            page_size=page_size,
            count=result.count,
            pager=build_pager(name, result, page, page_size),
            filters=filters,
            modelview_name=name,
            **kwargs,
        )
        return widgets

    #: The card leaves out what is empty (None, "", False): a long card of a short record stays short.
    show_hide_empty = False
    #: After «Сохранить» of a new record, its card opens (where the clerk reads its number and goes on).
    show_after_add = False
    #: Fields of the add and edit forms that apply only to some values of another field:
    #: {field: (controlling field, () -> the values it applies to)}; hidden (and emptied) otherwise (uprava.js).
    shown_when: dict[str, tuple[str, Callable[[], Iterable[Any]]]] = {}
    add_template = "uprava/add.html"
    edit_template = "uprava/edit.html"

    def shown_when_rules(self) -> dict[str, tuple[str, list[str]]]:
        """`shown_when` as the page sends it: the values as the form submits them (strings)."""
        return {field: (control, [str(v) for v in values()]) for field, (control, values) in self.shown_when.items()}

    def prefill_add(self, form: Any) -> None:
        """Fill an empty add form's defaults that depend on the day or the user (e.g. today's date)."""

    def post_add_redirect(self) -> Any:
        pk = g.pop("uprava_added_pk", None)
        if pk is not None:
            return redirect(url_for(f"{self.endpoint}.show", pk=pk))
        return super().post_add_redirect()

    def card_heading(self, item: Any) -> Any:
        """The card's heading for this record (e.g. its number and status); None: `show_title`."""
        return None

    def card_summary(self, item: Any) -> Any:
        """What the card says first, above its fields (e.g. the deadline, coloured); None: nothing."""
        return None

    def _empty_columns(self, item: Any) -> set[str]:
        values = self.datamodel.get_values_item(item, self.show_columns)
        return {c for c, v in zip(self.show_columns, values, strict=True) if v is None or v == "" or v is False}

    def _get_show_widget(self, pk: Any, item: Any, **kwargs: Any) -> Any:
        # The record FAB's show read through the base filters (a 404 otherwise): `_show` below uses it
        # rather than reading it again (a query and its many-to-one loads per card).
        g.uprava_shown_item = (str(pk), item)
        hidden = self.hidden_columns()
        if self.show_hide_empty:
            hidden = hidden | self._empty_columns(item)
        if not hidden:
            return super()._get_show_widget(pk, item, **kwargs)
        shown = [c for c in self.show_columns if c not in hidden]
        fieldsets = kwargs.get("show_fieldsets") or self.show_fieldsets
        if fieldsets:
            kwargs["show_fieldsets"] = [
                (title, {**spec, "fields": [f for f in spec["fields"] if f not in hidden]})
                for title, spec in fieldsets
                if any(f not in hidden for f in spec["fields"])
            ]
        return _with_columns(self, "show_columns", shown, super()._get_show_widget, pk, item, **kwargs)

    def _protect_hidden_fields(self, form: Any, item: Any = None) -> list[str]:
        """Personal fields the user may not see: not rendered, and saved back unchanged."""
        hidden = sorted(name for name in self.personal_hidden_columns() if name in form._fields)
        for name in hidden:
            form[name].data = getattr(item, name) if item is not None else None
        return hidden

    # ---- show: the record's change history -------------------------------------------

    def _show(self, pk: Any) -> Any:
        widgets = super()._show(pk)
        model = self.datamodel.obj
        shown_pk, item = g.pop("uprava_shown_item", (None, None))
        if shown_pk != str(pk) or item is None:
            item = self.datamodel.get(pk, self._base_filters)
        # Held until the page is rendered: the session keeps a record only while something refers to it,
        # and the card's parts (its files, its «put on control» link) ask the session for it again.
        g.uprava_card_record = item
        if item is not None:
            heading = self.card_heading(item)
            # As plain text: a formatted lazy_gettext string carries __html__, so Jinja would print the
            # record's own values (a number, a name) unescaped in the page's title and heading.
            widgets["heading"] = None if heading is None else str(heading)
            widgets["summary"] = self.card_summary(item)
        journal_personal_access(self.datamodel.session, model, "show", pk)
        entries = history_for(self.datamodel.session, model.__table__.name, pk)
        describe = Describer(model, self.formatters_columns)
        # Codes the user does not read on the card are not read in its history either.
        skip = self.hidden_columns() - self.personal_hidden_columns()
        widgets["history"] = [
            present_change(entry, model, self.label_columns, describe=describe, skip=skip) for entry in entries
        ]
        return widgets

    def current_preset(self) -> Preset | None:
        """The preset this request's list shows (`?preset=`), if any."""
        return requested_preset({p.key: p for p in self.presets}) if self.presets else None

    def current_list_title(self) -> str:
        """The list's title as the user reads it: a preset's name is the title of its list."""
        preset = self.current_preset()
        return str(preset.label if preset is not None else self.list_title)

    def render_template(self, template: str, **kwargs: Any) -> Any:
        if template == self.list_template:
            if self.is_annullable:
                kwargs.update(annulled_modes=ANNULLED_MODES, annulled_mode=annulled_mode())
            kwargs["title"] = self.current_list_title()
            # What the list holds, said under its title: the preset and each filter, removable.
            kwargs["filter_chips"] = filter_chips(self)
            kwargs["clear_filters_url"] = clear_filters_url(self)
        elif template in (self.add_template, self.edit_template) and self.shown_when:
            kwargs["shown_when"] = self.shown_when_rules()
        elif template == self.show_template:
            if (kwargs.get("widgets") or {}).get("heading"):
                kwargs["title"] = kwargs["widgets"]["heading"]
            # The card's parts (its actions, files, links) ask the session for the record by this key:
            # typed as the record's own key, it finds the record already read instead of reading it again.
            record = g.get("uprava_card_record")
            if record is not None and str(kwargs.get("pk")) == str(self.datamodel.get_pk_value(record)):
                kwargs["pk"] = self.datamodel.get_pk_value(record)
        return super().render_template(template, **kwargs)

    # ---- list argument validation (FAB_NOTES S11) -------------------------------------

    def _validate_filter_args(self) -> None:
        search = set(self.search_columns)
        for arg in request.args:
            match = _FLT.match(arg)
            if not match:
                continue
            index, column = int(match.group(1)), match.group(2)
            # The field is named by its label: an attribute's name is not a word a clerk knows.
            label = self.declared_label(column)
            if column not in search or column in self.hidden_columns():
                if label is None:
                    raise BadListArgument(_l("Такой фильтр недоступен в этом списке"))
                raise BadListArgument(_l("Фильтр по полю «%(column)s» недоступен в этом списке"), column=label)
            if index >= len(self._filters.get_search_filters().get(column, [])):
                if label is None:
                    raise BadListArgument(_l("Неизвестный вид фильтра"))
                raise BadListArgument(_l("Неизвестный вид фильтра для поля «%(column)s»"), column=label)

    def _list(self, **kwargs: Any) -> Any:
        self._validate_filter_args()
        return super()._list(**kwargs)

    def _get_search_widget(self, form: Any = None, exclude_cols: Any = None, widgets: Any = None) -> Any:
        widgets = widgets or {}
        # Personal columns the user may not see are neither offered in the filter menu nor rendered
        # as inputs (filtering by one is refused with a 400 anyway: _validate_filter_args).
        hidden = self.hidden_columns()
        widgets["search"] = self.search_widget(
            route_base=self.route_base,
            form=form,
            include_cols=[c for c in self.search_columns if c not in hidden],
            exclude_cols=exclude_cols or [],
            filters=self._filters,
            # Drop-downs the view narrows per user are rendered afresh (CachedSearchWidget).
            per_user=set(self.search_form_query_rel_fields or {}),
        )
        return widgets

    # ---- drop-downs of big related tables: looked up as the user types ------------------

    @expose("/related/<column>")
    @has_access
    def related(self, column: str) -> Any:
        """Rows of a form's or filter's related table matching `q` (JSON for select2).

        `form=add|edit`: the rows that form may link; without it, the list's search form.
        """
        form = request.args.get("form", "search")
        columns = {"search": self.search_columns, "add": self.add_columns, "edit": self.edit_columns}.get(form)
        if form == "search":
            columns = {*self.search_columns, *self.add_columns, *self.edit_columns}
        offered = set(columns or ()) - self.hidden_columns()
        if column not in offered or not self.datamodel.is_relation_many_to_one(column):
            abort(404)
        return jsonify(result=lookup(self, column, request.args.get("q", "")[:100], form))

    # ---- actions: scope-checked, unknown names are 404 (FAB_NOTES S4, S12) -------------

    def _action_rows(self, name: str, pks: list[str], multiple: bool) -> tuple[Any, list[Any]]:
        action = self.actions.get(name)
        # A one-record action (multiple=False) handed a list from the list page would fail with a 500.
        if action is None or not pks or not (action.multiple if multiple else action.single):
            abort(404)
        permission = self.get_action_permission_name(name)
        if not self.appbuilder.sm.has_access(permission, self.class_permission_name):
            abort(403)
        # base_filters carry the row scope; FAB's own action handlers skip them.
        items = [self.datamodel.get(self._deserialize_pk_if_composite(pk), self._base_filters) for pk in pks]
        if any(item is None for item in items):
            abort(404)
        for item in items:
            ensure_writable(item)  # a row seen read-only (a copy) is acted on by nobody through it: 403
        return action, items

    @expose("/action/<string:name>/<pk>", methods=["GET", "POST"])
    def action(self, name: str, pk: str) -> Any:
        if not self.is_get_mutation_allowed():
            abort(405)
        action, items = self._action_rows(name, [pk], multiple=False)
        return action.func(items[0])

    @expose("/action_post", methods=["POST"])
    def action_post(self) -> Any:
        action, items = self._action_rows(request.form.get("action", ""), request.form.getlist("rowid"), multiple=True)
        return action.func(items)

    # ---- annul, don't delete ------------------------------------------------------------

    @expose("/annul/<pk>", methods=["GET", "POST"])
    @has_access
    def annul(self, pk: str) -> Any:
        if not self.is_annullable:
            abort(404)
        item = self.datamodel.get(self._deserialize_pk_if_composite(pk), self._base_filters)
        if item is None:
            abort(404)
        ensure_writable(item)
        error = None
        reason = request.form.get("reason", "")
        if request.method == "POST":
            try:
                annul_record(item, reason, request_user())
                self.datamodel.session.commit()
            except DomainError as exc:
                self.datamodel.session.rollback()
                error = str(exc)
            else:
                flash(gettext("Запись аннулирована"), "success")
                return redirect(url_for(f"{self.endpoint}.show", pk=pk))
        return self.render_template(
            "uprava/annul.html", item=item, pk=pk, reason=reason, error=error, title=self.show_title
        )

    # ---- write hooks -----------------------------------------------------------------

    def pre_add(self, item: Any) -> None:
        blank_to_null(item)
        check_write(self, item, new=True)

    def pre_update(self, item: Any) -> None:
        blank_to_null(item)
        check_write(self, item, new=False)
        # Flush here: a save racing ours past the version check surfaces as StaleDataError,
        # not wrapped by FAB into a generic database error.
        self.datamodel.session.flush()

    def _delete(self, pk: Any) -> Any:
        # FAB turns any error of pre_delete into a flash and a redirect: a read-only row is a 403 here.
        item = self.datamodel.get(pk, self._base_filters)
        if item is not None:
            ensure_writable(item)
        return super()._delete(pk)

    def _refuse(self, form: Any, exc: DomainError) -> None:
        """Show a domain error beside its field (or on top) and keep the typed values."""
        self.datamodel.session.rollback()
        if isinstance(exc, StaleVersionError) and "version" in form._fields:
            # The user sees what changed and may save again, knowingly, over the new version.
            form.version.data = exc.current_version
        field = form._fields.get(exc.field) if exc.field else None
        if field is not None:
            # FAB's form macro renders errors through _(), which marks them safe: escape here.
            field.errors = [*list(field.errors or []), escape(str(exc))]
        else:
            flash(str(exc), "danger")
        for line in getattr(exc, "details", ()):
            flash(line, "warning")

    def added_message(self, item: Any) -> Any:
        """The one success message after a record is added (a domain names what matters: a number, a term)."""
        return self.add_row_message

    def _add(self) -> Any:
        get_filter_args(self._filters, disallow_if_not_in_search=False)
        exclude_cols = self._filters.get_relation_cols()
        form = self.add_form.refresh()
        if request.method == "POST":
            self._fill_form_exclude_cols(exclude_cols, form)
        # Relation columns fixed by a filter, plus personal columns: not rendered.
        exclude_cols = exclude_cols + self._protect_hidden_fields(form)
        if request.method == "POST":
            if form.validate():
                self.process_form(form, True)
                item = self.datamodel.obj()
                try:
                    with self.datamodel.session.no_autoflush:
                        form.populate_obj(item)
                        self.pre_add(item)
                    self.datamodel.add(item)
                    self.post_add(item)
                except DomainError as exc:
                    self._refuse(form, exc)
                    return self._get_add_widget(form=form, exclude_cols=exclude_cols)
                except (DatabaseException, SQLAlchemyError):
                    self.datamodel.session.rollback()
                    flash(str(self.add_integrity_error_message), "danger")
                    return self._get_add_widget(form=form, exclude_cols=exclude_cols)
                flash(str(self.added_message(item)), "success")
                if self.show_after_add:
                    g.uprava_added_pk = self.datamodel.get_pk_value(item)
                return None
            return self._get_add_widget(form=form, exclude_cols=exclude_cols)
        self.update_redirect()
        self.prefill_add(form)
        return self._get_add_widget(form=form, exclude_cols=exclude_cols)

    def _edit(self, pk: Any) -> Any:
        get_filter_args(self._filters, disallow_if_not_in_search=False)
        exclude_cols = self._filters.get_relation_cols()
        item = self.datamodel.get(pk, self._base_filters)
        if not item:
            abort(404)
        # Before the form: a row seen read-only is neither shown for editing nor saved (403).
        ensure_writable(item)
        pk = self.datamodel.get_pk_value(item)
        rendered_exclude = exclude_cols + sorted(self.personal_hidden_columns())
        if request.method == "POST":
            form = self.edit_form.refresh(request.form)
            keep_current_links(form, item)
            self._protect_hidden_fields(form, item)
            self._fill_form_exclude_cols(exclude_cols, form)
            form._id = pk
            if form.validate():
                self.process_form(form, False)
                try:
                    if self.is_versioned:
                        check_version(item, form.version.data, labels=self.label_columns)
                    with self.datamodel.session.no_autoflush:
                        form.populate_obj(item)
                        self.pre_update(item)
                    self.datamodel.edit(item)
                    self.post_update(item)
                except DomainError as exc:
                    self._refuse(form, exc)
                    return self._edit_widgets(form, rendered_exclude, item)
                except StaleDataError:
                    # Another save won the race between our check and the flush.
                    self._refuse(form, StaleVersionError(self.datamodel.get(pk).version))
                    return self._edit_widgets(form, rendered_exclude, item)
                except (DatabaseException, SQLAlchemyError):
                    self.datamodel.session.rollback()
                    flash(str(self.edit_integrity_error_message), "danger")
                    return self._edit_widgets(form, rendered_exclude, item)
                flash(str(self.edit_row_message), "success")
                return None
            return self._edit_widgets(form, rendered_exclude, item)
        journal_personal_access(self.datamodel.session, self.datamodel.obj, "edit", pk)
        form = self.edit_form.refresh(obj=item)
        keep_current_links(form, item)
        self.prefill_form(form, pk)
        self.update_redirect()
        return self._edit_widgets(form, rendered_exclude, item)

    def _edit_widgets(self, form: Any, exclude_cols: list[str], item: Any) -> Any:
        """The edit form with the record's related lists (also when re-shown after an error)."""
        widgets = self._get_edit_widget(form=form, exclude_cols=exclude_cols)
        return self._get_related_views_widgets(item, filters={}, orders={}, pages={}, page_sizes={}, widgets=widgets)


#: Each model's Russian column labels, as its web views declare them: the REST API says the same.
VIEW_LABELS: dict[type, dict[str, Any]] = {}


def _prettified(column: str) -> str:
    """FAB's invented label for an unlabelled column ("applicant_address" → "Applicant Address")."""
    return re.sub("[._]", " ", column).title()


def record_view_labels(model: type, labels: dict[str, Any]) -> None:
    """Keep a view's own labels of its model's columns (not FAB's invented English ones)."""
    known = VIEW_LABELS.setdefault(model, {})
    for key, label in labels.items():
        if str(label) != _prettified(key):
            known.setdefault(key, label)


PLATFORM_LABELS: dict[str, Any] = {
    "id": _l("Номер записи"),
    "annulled_at": _l("Аннулировано"),
    "annul_reason": _l("Причина аннулирования"),
    "annulled_by_fk": _l("Кто аннулировал"),
    "annulled_by": _l("Кто аннулировал"),
    "version": _l("Версия записи"),
}


def keep_current_links(form: Any, item: Any) -> None:
    """An edit form's drop-downs also hold the record's current links.

    They offer what the user may link now; a link made earlier to a row that has since left
    the user's scope (or is no longer offered) stays choosable, so it neither disappears from
    the form nor blocks saving an unrelated change. A *new* link is checked by the write guard.
    """
    for name, field in form._fields.items():
        if not isinstance(field, QuerySelectField):
            continue
        current = getattr(item, name, None)
        current = list(current) if isinstance(current, list) else [current] if current is not None else []
        if current:
            field.query_func = _with_rows(field.query_func, current)
            if isinstance(field, KeyedQuerySelectField):
                field.current_rows = current


def _with_rows(query_func: Any, rows: list[Any]) -> Any:
    def offered() -> list[Any]:
        listed = list(query_func())
        return listed + [row for row in rows if row not in listed]

    return offered


def check_write(owner: Any, item: Any, new: bool) -> None:
    """The platform's checks of a record being written, the same for a form and the REST API.

    Values first (a bad integer must not reach a query's autoflush), then the links the write
    sets (before a domain hook acts on a linked record the user may not see), the domain's
    hooks, and the row scope of the result.
    """
    labels = owner.field_labels()
    check_values(item, labels)
    ensure_relations_in_scope(item, labels)
    run_domain_hooks(owner, item, new)
    ensure_in_scope(item)


def run_domain_hooks(owner: Any, item: Any, new: bool) -> None:
    """The view's or API's `hooks` (app.core.services.DomainHooks) for a record being written."""
    hooks = getattr(owner, "hooks", None)
    if hooks is None:
        return
    if new and hooks.prepare_new is not None:
        hooks.prepare_new(item)
    if hooks.check is not None:
        hooks.check(item)


def blank_to_null(item: Any) -> None:
    """An emptied text field is stored as NULL, as it was before: no «— → —» in the history."""
    for column in item.__table__.columns:
        if column.nullable and getattr(item, column.key, None) == "":
            setattr(item, column.key, None)


def _unique_column_sets(model: type) -> list[tuple[str, ...]]:
    table = model.__table__
    sets = [(c.key,) for c in table.columns if c.unique]
    sets += [tuple(c.key for c in cons.columns) for cons in table.constraints if isinstance(cons, UniqueConstraint)]
    return sets


def check_unique(session: Any, item: Any) -> None:
    """Refuse a duplicate before the INSERT/UPDATE, with a message instead of raw SQL (S7)."""
    model = type(item)
    pk = inspect(model).primary_key[0]
    own_id = getattr(item, pk.key, None)
    state = inspect(item)
    for columns in _unique_column_sets(model):
        if state.persistent and not any(state.attrs[c].history.has_changes() for c in columns):
            # A stored row keeping these values is unique as it was (the database's constraint says so):
            # an edit of other fields asks nothing (a PUT of a summary queried every unique key).
            continue
        values = {c: getattr(item, c, None) for c in columns}
        if any(v is None for v in values.values()):
            continue
        stmt = select(pk).where(*[getattr(model, c) == v for c, v in values.items()])
        if own_id is not None:
            stmt = stmt.where(pk != own_id)
        with session.no_autoflush:
            taken = session.execute(stmt.limit(1)).first()
        if taken:
            raise ConflictError(
                _l("Запись с таким значением уже есть: %(fields)s"),
                fields=", ".join(f"{c} = {values[c]}" for c in columns),
            )


class UpravaModelRestApi(ModelRestApi):
    """The one base REST API: same rights, scope and errors as the views."""

    method_permission_name = RW_METHOD_PERMISSIONS
    allow_browser_login = True
    page_size = 25
    # Timestamps with the city's offset (app/core/rest_dates.py).
    model2schemaconverter = UpravaModel2SchemaConverter
    #: The list's fast path (app/core/rest_lists.py); False: FAB's own COUNT + OFFSET (the tests compare them).
    fast_list = True
    #: Rows `GET /` counts exactly; beyond, `count` is a lower bound and `count_exact` false.
    count_limit = COUNT_LIMIT

    def __init__(self) -> None:
        model = self.datamodel.obj
        self.base_filters = scope_base_filters(model) + list(self.base_filters or [])
        if issubclass(model, AnnulableMixin):
            self.base_filters.append(["annulled_at", AnnulledFilter, None])
        # `_info` offers for a link what the write guard accepts (ensure_relations_in_scope).
        rel = {**scope_query_rel_fields(model), **link_query_filters(model)}
        self.add_query_rel_fields = {**rel, **(self.add_query_rel_fields or {})}
        self.edit_query_rel_fields = {**rel, **(self.edit_query_rel_fields or {})}
        super().__init__()
        self._labels_json: dict[tuple[str, tuple[str, ...]], dict[str, str]] = {}
        # Relationships the list shows: one SELECT … IN each on the fast path, not one per row.
        self.datamodel.eager_relationships = self.datamodel.eager_for(self.list_columns)

    @expose("/<pk>/annul", methods=["POST"])
    @protect()
    @safe
    @permission_name("annul")
    def annul(self, pk: str) -> Any:
        """Annul a registered record with a reason (it is kept; staff never delete).
        ---
        post:
          parameters:
          - in: path
            schema:
              type: integer
            name: pk
          requestBody:
            required: true
            content:
              application/json:
                schema:
                  type: object
                  properties:
                    reason:
                      type: string
          responses:
            200:
              description: Annulled
            404:
              $ref: '#/components/responses/404'
            409:
              description: Already annulled
            422:
              $ref: '#/components/responses/422'
        """
        return self._guarded(self._annul, pk)

    def _annul(self, pk: str) -> Any:
        if not issubclass(self.datamodel.obj, AnnulableMixin):
            return self.response_404()
        item = self.datamodel.get(pk, self._base_filters)
        if item is None:
            return self.response_404()
        ensure_writable(item)
        payload = request.get_json(silent=True) or {}
        annul_record(item, str(payload.get("reason", "")) if isinstance(payload, dict) else "", request_user())
        self.datamodel.session.commit()
        return self.response(200, message=gettext("Запись аннулирована"))

    def pre_add(self, item: Any) -> None:
        # A hook's query must not autoflush the half-built row (FAB_NOTES #12), as in the form's _add.
        with self.datamodel.session.no_autoflush:
            check_write(self, item, new=True)
        check_unique(self.datamodel.session, item)

    def pre_update(self, item: Any) -> None:
        with self.datamodel.session.no_autoflush:
            check_write(self, item, new=False)
        check_unique(self.datamodel.session, item)
        self.datamodel.session.flush()  # a racing save → StaleDataError → 409 (see _guarded)

    def pre_delete(self, item: Any) -> None:
        ensure_writable(item)

    # ---- Russian labels and descriptions (FAB invents English ones) ---------------------

    def field_labels(self) -> dict[str, Any]:
        """Each column's label: the API's own, else its web view's (a `x_id` column: the view's `x`)."""
        views = VIEW_LABELS.get(self.datamodel.obj, {})
        labels: dict[str, Any] = {}
        for key, label in self.label_columns.items():
            if str(label) != _prettified(key):
                labels[key] = label
            elif key in views or (key.endswith("_id") and key[:-3] in views):
                labels[key] = views.get(key) or views[key[:-3]]
            else:
                labels[key] = PLATFORM_LABELS.get(key, label)
        return labels

    def _label_columns_json(self, cols: Any = None) -> dict[str, Any]:
        # Every list and record answer carries the labels: worked out once per language and column set
        # (field_labels translates each of the model's labels to compare it with FAB's invented one).
        key = (str(get_locale()), tuple(cols or ()))
        cached = self._labels_json.get(key)
        if cached is None:
            if len(self._labels_json) > 64:  # `columns=` picks any subset: the cache stays small
                self._labels_json.clear()
            labels = self.field_labels()
            cached = self._labels_json[key] = {col: str(labels[col]) for col in cols or [] if col in labels}
        return dict(cached)

    def _get_field_info(self, field: Any, filter_rel_field: Any, page: Any = None, page_size: Any = None) -> Any:
        info = super()._get_field_info(field, filter_rel_field, page=page, page_size=page_size)
        # FAB translates a missing label or description as gettext(""): the catalogue's header.
        info["label"] = str(self.field_labels().get(field.name) or field.name)
        description = (self.description_columns or {}).get(field.name)
        info["description"] = str(description) if description else ""
        return info

    def _hidden(self) -> set[str]:
        personal = personal_fields(self.datamodel.obj)
        return set() if not personal or can_see_personal_data() else personal

    def pre_get(self, data: dict[str, Any]) -> None:
        for key in self._hidden():
            data.get("result", {}).pop(key, None)
        data["show_columns"] = [c for c in data.get("show_columns", []) if c not in self._hidden()]

    def pre_get_list(self, data: dict[str, Any]) -> None:
        hidden = self._hidden()
        for row in data.get("result", []):
            for key in hidden:
                row.pop(key, None)
        data["list_columns"] = [c for c in data.get("list_columns", []) if c not in hidden]

    def _refuse_malformed_payload(self) -> None:
        """Not a JSON object, or a relation given as anything but an id: FAB would answer 500.

        FAB's schema builds a new related row from an object (`{"body": {"x": 1}}` → Body(x=1),
        a TypeError) and its PUT merge calls `.keys()` on whatever the body is.
        """
        payload = request.get_json(silent=True)
        if not isinstance(payload, dict):
            raise BadRequest(gettext("Ожидается JSON-объект с полями записи"))
        relationships = inspect(self.datamodel.obj).relationships
        labels = self.field_labels()
        for name, value in payload.items():
            relation = relationships.get(name)
            if relation is None or value is None:
                continue
            ids = value if relation.uselist and isinstance(value, list) else [value]
            if not all(isinstance(v, int) and not isinstance(v, bool) for v in ids):
                label = str(labels.get(name) or name)
                raise ValidationFailed(_l("Поле «%(name)s»: ожидается идентификатор записи"), field=name, name=label)
            # marshmallow-sqlalchemy makes a NEW related row of an id it does not find (and an id
            # beyond the column's range overflows the driver): an unknown id names no record.
            target = relation.mapper.class_
            session = self.datamodel.session
            with session.no_autoflush:
                if not all(1 <= v <= MAX_PK and session.get(target, v) is not None for v in ids):
                    raise LinkRefused(field=name, label=str(labels.get(name) or name))

    def _refuse_hidden_writes(self) -> None:
        payload = request.get_json(silent=True)
        touched = sorted(self._hidden() & set(payload or {})) if isinstance(payload, dict) else []
        if touched:
            raise ForbiddenField(fields=", ".join(touched))

    def _guarded(self, call: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return call(*args, **kwargs)
        except DomainError as exc:
            self.datamodel.session.rollback()
            return self.response(exc.status, message=str(exc))
        except BadRequest as exc:
            self.datamodel.session.rollback()
            return self.response_400(message=str(exc.description))
        except StaleDataError:
            self.datamodel.session.rollback()
            return self.response(409, message=str(StaleVersionError(0)))
        except SQLAlchemyError:
            # FAB 5.3's add() re-raises the driver error (a 500 with SQL in the log): say it plainly.
            self.datamodel.session.rollback()
            return self.response_422(message="Database exception")

    def get_headless(self, pk: Any, **kwargs: Any) -> Any:
        return self._guarded(self._get_checked, pk, **kwargs)

    def _get_checked(self, pk: Any, **kwargs: Any) -> Any:
        self._refuse_unlisted_columns(kwargs.get("rison") or {}, self.show_columns)
        response = super().get_headless(pk, **kwargs)
        if response.status_code == 200:
            journal_personal_access(self.datamodel.session, self.datamodel.obj, "api_get", pk)
        return response

    # FAB's get_list with the same decorators, but its rison schema's validator built once (validated_rison).
    @api_expose("/", methods=["GET"])
    @protect()
    @safe
    @permission_name("get")
    @validated_rison(get_list_schema)
    @merge_response_func(ModelRestApi.merge_order_columns, API_ORDER_COLUMNS_RIS_KEY)
    @merge_response_func(ModelRestApi.merge_list_label_columns, API_LABEL_COLUMNS_RIS_KEY)
    @merge_response_func(ModelRestApi.merge_description_columns, API_DESCRIPTION_COLUMNS_RIS_KEY)
    @merge_response_func(ModelRestApi.merge_list_columns, API_LIST_COLUMNS_RIS_KEY)
    @merge_response_func(ModelRestApi.merge_list_title, API_LIST_TITLE_RIS_KEY)
    def get_list(self, **kwargs: Any) -> Any:
        return self.get_list_headless(**kwargs)

    get_list.__doc__ = ModelRestApi.get_list.__doc__  # FAB's OpenAPI text (completed by document_fast_list)

    def get_list_headless(self, **kwargs: Any) -> Any:
        return self._guarded(self._get_list_checked, **kwargs)

    def _get_list_checked(self, **kwargs: Any) -> Any:
        args = kwargs.get("rison") or {}
        self._refuse_unlisted_columns(args, self.list_columns)
        self._refuse_hidden_query(args)
        if not self.fast_list:
            return super().get_list_headless(**kwargs)
        return self._fast_list(args)

    def _fast_list(self, args: dict[str, Any]) -> Any:
        """FAB's get_list_headless over the web list's fast path (app/core/rest_lists.py).

        The same arguments and the same JSON (`result`, `ids`, the labels and columns), with `count`
        bounded, `count_exact` and `next_cursor` added; `cursor=` continues after a row already read.
        """
        response: dict[str, Any] = {}
        try:
            _selected, pruned = self._handle_columns_args(args, self.list_select_columns, self.list_columns)
        except InvalidColumnArgsFABException as exc:
            return self.response_400(message=str(exc))
        self.set_response_key_mappings(response, self.get_list, args, **{API_SELECT_COLUMNS_RIS_KEY: pruned})
        schema = self.model2schemaconverter.convert(pruned) if pruned else self.list_model_schema
        try:
            # FAB's _handle_filters_args (UpravaFilters joins without converting the columns again).
            self._filters.clear_filters()
            self._filters.rest_add_filters(args.get(API_FILTERS_RIS_KEY, []))
            filters = self._filters.get_joined_filters(self._base_filters)
            order_column, order_direction = self._handle_order_args(args)
        except FABException as exc:
            return self.response_400(message=str(exc))
        page, page_size = self._handle_page_args(args)
        if page_size is None:  # an unbounded page (FAB_API_MAX_PAGE_SIZE = -1): FAB's own path
            return super().get_list_headless(rison=args)
        raw = request.args.get(CURSOR_ARG, "")
        cursor = load_cursor(self.resource_name, raw) if raw else None
        listed = load_rest_page(
            self.datamodel, filters, order_column, order_direction, page or 0, page_size, cursor, self.count_limit
        )
        items = listed.page.items
        response[API_RESULT_RES_KEY] = schema.dump(items, many=True)
        response["ids"] = self.datamodel.get_keys(items)
        response["count"] = listed.page.count
        response["count_exact"] = listed.page.count_exact
        following = listed.next_cursor
        response["next_cursor"] = dump_cursor(self.resource_name, following) if following else None
        self.pre_get_list(response)
        return self.response(200, **response)

    def operation_helper(
        self, path: Any = None, operations: Any = None, methods: Any = None, func: Any = None, **kwargs: Any
    ) -> None:
        super().operation_helper(path=path, operations=operations, methods=methods, func=func, **kwargs)
        if func is not None and func.__name__ == "get_list" and self.fast_list and "get" in (operations or {}):
            document_fast_list(operations["get"], self.count_limit)

    @staticmethod
    def _refuse_unlisted_columns(args: dict[str, Any], allowed: list[str]) -> None:
        """FAB serves any model column named in `columns` — hidden or personal ones too."""
        requested = args.get("columns") or []
        if not isinstance(requested, list) or set(requested) - set(allowed):
            raise BadListArgument(_l("Запрошены недоступные поля: %(columns)s"), columns=", ".join(map(str, requested)))

    def _refuse_hidden_query(self, args: dict[str, Any]) -> None:
        """Filtering or sorting by a hidden personal column would reveal its values (FAB_NOTES S11)."""
        hidden = self._hidden()
        columns = {f.get("col") for f in args.get("filters", []) if isinstance(f, dict)}
        columns.add(args.get("order_column"))
        if hidden & columns:
            raise BadListArgument(_l("Отбор и сортировка по персональным данным недоступны"))
        page_size = args.get("page_size")
        if page_size is not None and (not isinstance(page_size, int) or not 1 <= page_size <= MAX_API_PAGE_SIZE):
            raise BadListArgument(_l("Размер страницы должен быть от 1 до %(max)s"), max=MAX_API_PAGE_SIZE)
        page = args.get("page")
        if page is not None and (not isinstance(page, int) or not 0 <= page <= MAX_PAGE):
            raise BadListArgument(_l("Некорректный номер страницы"))

    def post_headless(self) -> Any:
        return self._guarded(self._post_checked)

    def _post_checked(self) -> Any:
        self._refuse_malformed_payload()
        self._refuse_hidden_writes()
        return super().post_headless()

    def put_headless(self, pk: Any) -> Any:
        return self._guarded(self._put_checked, pk)

    def _put_checked(self, pk: Any) -> Any:
        current = self.datamodel.get(pk, self._base_filters)
        if current is not None:
            # Before the payload is read or merged: a row seen read-only is a 403, whatever is sent.
            ensure_writable(current)
        self._refuse_malformed_payload()
        self._refuse_hidden_writes()
        if issubclass(self.datamodel.obj, VersionedMixin) and request.is_json:
            payload = request.get_json(silent=True)
            if isinstance(payload, dict):
                # The version the client read: in the body or as If-Match (popped: not a column to write).
                submitted = payload.pop("version", None) or request.headers.get("If-Match", "").strip('"') or None
                # The row read above, with the same filters: read once.
                if current is not None:
                    check_version(current, submitted, required=True, labels=self.field_labels())
        return super().put_headless(pk)

    def delete_headless(self, pk: Any) -> Any:
        return self._guarded(super().delete_headless, pk)

    def response_422(self, message: Any = None) -> Any:
        # FAB puts the database driver's text (raw SQL) into 422s (FAB_NOTES S7).
        if isinstance(message, str) and message.startswith("Database exception"):
            self.datamodel.session.rollback()
            message = gettext("Запись нарушает ограничения целостности данных (связанные записи или уникальность)")
        return super().response_422(message=message)

    @staticmethod
    def response(code: int, **kwargs: Any) -> Any:
        # Marshmallow's and FAB's own 4xx texts are English: said in the user's language here.
        if code >= 400 and "message" in kwargs:
            kwargs["message"] = translate_messages(kwargs["message"])
        return ModelRestApi.response(code, **kwargs)


class HomeView(IndexView):
    """Start page per role: counters, «Мой контроль», the soonest deadlines, bodies with the most overdue,
    dashboards (app/core/workspace/home.py reads what the domains registered), who I am and my scope."""

    route_base = ""
    default_view = "index"
    index_template = "uprava/index.html"

    @expose("/")
    def index(self) -> Any:
        from .workspace.home import build_home

        home = build_home(current_user) if current_user.is_authenticated else None
        return self.render_template(
            self.index_template,
            appbuilder=self.appbuilder,
            home=home,
            summary=home.summary if home else None,
            title=_l("Главная"),
        )


def register_list_argument_guard(app: Any) -> None:
    """Validate FAB's list URL arguments before FAB int()-parses them (S11)."""
    max_size = app.config["LIST_MAX_PAGE_SIZE"]

    @app.before_request
    def _guard() -> None:
        for value in (request.view_args or {}).values():
            if isinstance(value, int | str) and is_digits(str(value)) and int(value) > MAX_PK:
                # Beyond any stored id (and beyond what the database can bind): not found.
                abort(404)
        if not request.args:
            return
        if request.path.startswith("/api/"):
            _check_rison()
            return
        views = None
        for arg, value in request.args.items(multi=True):
            if arg.startswith("page_"):
                if not is_digits(value) or int(value) > MAX_PAGE:
                    raise BadListArgument(_l("Номер страницы должен быть целым числом"))
            elif arg.startswith("psize_"):
                if not is_digits(value) or not 1 <= int(value) <= max_size:
                    raise BadListArgument(_l("Размер страницы должен быть от 1 до %(max)s"), max=max_size)
            elif arg.startswith("_od_"):
                if value not in ("asc", "desc"):
                    raise BadListArgument(_l("Неизвестное направление сортировки"))
            elif arg.startswith("_oc_"):
                if views is None:
                    views = {v.__class__.__name__: v for v in current_app.appbuilder.baseviews}
                view = views.get(arg[4:])
                allowed = getattr(view, "order_columns", None) or []
                hidden = view.hidden_columns() if isinstance(view, UpravaModelView) else set()
                if value not in allowed or value in hidden:
                    label = view.declared_label(value) if isinstance(view, UpravaModelView) else None
                    if label is None:
                        raise BadListArgument(_l("Такая сортировка недоступна в этом списке"))
                    raise BadListArgument(_l("Сортировка по полю «%(column)s» недоступна"), column=label)


#: Primary keys are 32-bit integers: anything larger names no record (and PostgreSQL would fail on it).
MAX_PK = 2**31 - 1
#: Deep enough for any real list; FAB would int() anything and the database overflow on it.
MAX_PAGE = 1_000_000
MAX_API_PAGE_SIZE = 100


#: Deeper nesting than any real list query needs.
MAX_RISON_DEPTH = 32


def _rison_brackets_balanced(raw: str) -> bool:
    """Brackets outside quoted strings balance and nest at most MAX_RISON_DEPTH deep.

    prison recurses without end on unclosed brackets ("((("): such a `q` must never reach it — a
    RecursionError, even caught, leaves CPython 3.11's parser counters off, and a later
    `ast.parse` (Werkzeug building a URL rule) then fails in the same process.
    """
    depth, quoted, escaped = 0, False, False
    for char in raw:
        if quoted:
            if escaped:
                escaped = False
            elif char == "!":
                escaped = True
            elif char == "'":
                quoted = False
        elif char == "'":
            quoted = True
        elif char == "(":
            depth += 1
            if depth > MAX_RISON_DEPTH:
                return False
        elif char == ")":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0 and not quoted


def _check_rison() -> None:
    """A malformed rison `q` is a 400 (prison can even recurse to death on "(((")."""
    raw = request.args.get("q")
    if raw is None:
        return
    if not _rison_brackets_balanced(raw):
        raise BadListArgument(_l("Некорректный параметр запроса q (формат Rison)"))
    try:
        prison.loads(raw)
    except Exception:  # ParserException, RecursionError, ValueError…
        raise BadListArgument(_l("Некорректный параметр запроса q (формат Rison)")) from None
