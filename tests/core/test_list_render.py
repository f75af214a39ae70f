"""The list page printed from rows prepared once per page (app/core/list_render.py) and with the cached
menu (app/core/navbar.py) is the page FAB's per-row widget printed: the same rows, links, buttons,
actions, presets, switches and chips, element for element.

The reference is the code as it was: the view's former `_get_list_widget` and the former widget
template (tests/core/templates/reference_list_widget.html, on FAB's own list widget, three url_for and
the rights per row) and the menu rendered afresh on every page. Both render the same request of the
same user; the documents are compared as sequences of elements, attributes and texts (whitespace,
the CSRF token and the CSP nonce aside: they differ between any two responses).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from flask import request
from flask_appbuilder.widgets import ListWidget
from jinja2 import ChoiceLoader, FileSystemLoader
from markupsafe import Markup
from sqlalchemy import select

from app.appeals.demo import load_demo_appeals
from app.appeals.models import Appeal
from app.appeals.services import send_copies
from app.control.demo import load_demo_control
from app.core.lists import build_pager, load_page
from app.core.views import UpravaModelView
from app.events.demo import load_demo_events
from app.extensions import db
from app.housing.demo import load_demo_housing
from app.org.models import Body, District
from app.org.services import body_by_code, set_profile
from app.plans.demo import load_demo_plans
from app.security import ScopeLevel, read_only_ids

REFERENCE_TEMPLATES = Path(__file__).parent / "templates"


class ReferenceListWidget(ListWidget):
    template = "reference_list_widget.html"


def reference_get_list_widget(
    self: Any,
    filters: Any,
    actions: Any = None,
    order_column: str = "",
    order_direction: str = "",
    page: int | None = None,
    page_size: int | None = None,
    widgets: Any = None,
    **kwargs: Any,
) -> Any:
    """UpravaModelView._get_list_widget before the rows were prepared in Python (kept as it was)."""
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
    )
    hidden = self.hidden_columns()
    shown = [c for c in self.list_columns if c not in hidden]
    widgets["list"] = ReferenceListWidget(
        label_columns=self.label_columns,
        include_columns=shown,
        value_columns=self.datamodel.get_values(result.items, shown),
        order_columns=self.order_columns,
        formatters_columns=self.formatters_columns,
        page=page,
        page_size=page_size,
        count=result.count,
        pager=build_pager(name, result, page, page_size),
        pks=[self._serialize_pk_if_composite(pk) for pk in self.datamodel.get_keys(result.items)],
        read_only_pks=read_only_ids(self.datamodel.obj, result.ids),
        actions=actions or self.actions,
        filters=filters,
        modelview_name=name,
        **kwargs,
    )
    return widgets


class _Tokens(HTMLParser):
    """A document as (kind, name, attributes) and text tokens; whitespace between them does not count."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tokens: list[tuple[Any, ...]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tokens.append(("<", tag, tuple(sorted(self._clean(attrs)))))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        self.tokens.append((">", tag))

    def handle_data(self, data: str) -> None:
        text = " ".join(data.split())
        if text:
            self.tokens.append(("text", text))

    @staticmethod
    def _clean(attrs: list[tuple[str, str | None]]) -> list[tuple[str, str]]:
        cleaned = dict(attrs)
        if cleaned.get("name") == "csrf_token":
            cleaned["value"] = "<csrf>"
        if "nonce" in cleaned:
            cleaned["nonce"] = "<nonce>"
        return [(key, value or "") for key, value in cleaned.items()]


def tokens(html: str) -> list[tuple[Any, ...]]:
    parser = _Tokens()
    parser.feed(html)
    parser.close()
    return parser.tokens


@contextmanager
def former_rendering(app: Any) -> Iterator[None]:
    """The app as it printed lists before: the former widget, the menu rendered on every page."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(app, "jinja_loader", ChoiceLoader([FileSystemLoader(REFERENCE_TEMPLATES), app.jinja_loader]))
        patch.setattr(UpravaModelView, "_get_list_widget", reference_get_list_widget)
        menu = app.jinja_env.get_template("uprava/navbar_menu.html")
        patch.setitem(app.jinja_env.globals, "uprava_menu", lambda m: Markup(menu.render(menu=m)))
        yield


def _both(app: Any, client: Any, path: str) -> tuple[str, str]:
    """The page as printed now (twice: the second from the menu cache) and as printed before."""
    first = client.get(path)
    assert first.status_code == 200, path
    now = client.get(path).get_data(as_text=True)
    assert tokens(now) == tokens(first.get_data(as_text=True)), path
    with former_rendering(app):
        before = client.get(path)
    assert before.status_code == 200, path
    return now, before.get_data(as_text=True)


def _shows(html: str, view: str) -> list[str]:
    """The list table's record links, in their order."""
    return re.findall(rf'href="(/{view}/show/\d+[^"]*)"', html)


def _compare(app: Any, login: Any, pages: list[tuple[str, str, str]]) -> dict[tuple[str, str], str]:
    """Each (user, path) printed now and before: the same document; each page must list rows of `view`."""
    printed = {}
    clients: dict[str, Any] = {}
    for user, path, view in pages:
        client = clients.setdefault(user, login(user))
        now, before = _both(app, client, path)
        assert _shows(now, view), f"{user} {path}: no rows to compare"
        assert tokens(now) == tokens(before), f"{user} {path}"
        printed[(user, path)] = now
    return printed


def test_appeal_lists_are_printed_as_before_for_readers_writers_and_the_admin(app, login):
    with app.app_context():
        load_demo_appeals(count=60)
        # A copy sent to УДКХиБ of an appeal it does not answer: its clerk reads that row and may not change it.
        udkh = body_by_code("udkh")
        foreign = db.session.scalars(
            select(Appeal).where(
                Appeal.responsible_body_id != udkh.id,
                Appeal.receiving_body_id != udkh.id,
                Appeal.status.in_(("registered", "in_work")),
            )
        ).first()
        send_copies(foreign, [udkh], foreign.reg_date)
        copied = foreign.id
        db.session.commit()
    district = _district_id(app, "zavodskoy")
    pages = [
        # A reader (no edit): show buttons only; sort, the annulled switch, a preset.
        ("supervisor", "/appealview/list/", "appealview"),
        ("supervisor", "/appealview/list/?annulled=all&_oc_AppealView=reg_number&_od_AppealView=asc", "appealview"),
        ("supervisor", "/appealview/list/?preset=overdue", "appealview"),
        # A writer: edit buttons, bulk actions, the hand-over button, filter chips, the page size.
        ("appeals", "/appealview/list/?_flt_0_status=in_work", "appealview"),
        ("appeals", "/appealview/list/?psize_AppealView=50", "appealview"),
        # The district clerk's list: his district and a period.
        (
            "zavodskoy",
            f"/appealview/list/?_flt_0_district={district}&_flt_1_reg_date=2000-01-01&_flt_2_reg_date=2100-01-01",
            "appealview",
        ),
        # A clerk of a body copies go to: a copy is read-only for him (no edit button on its row).
        ("udkh", "/appealview/list/", "appealview"),
        # The Admin: delete buttons with their scripts.
        ("admin", "/appealview/list/", "appealview"),
    ]
    printed = _compare(app, login, pages)
    writer = printed[("appeals", "/appealview/list/?psize_AppealView=50")]
    rows = _shows(writer, "appealview")
    assert len(rows) == 50
    assert len(re.findall(r'href="/appealview/edit/\d+', writer)) == len(rows)
    assert "/appeals/actions/reassign" in writer or "reassign" in writer
    reader = printed[("supervisor", "/appealview/list/")]
    assert "/appealview/edit/" not in reader and "/appealview/delete/" not in reader
    admin = printed[("admin", "/appealview/list/")]
    assert len(re.findall(r'id="btn-delete-/appealview/delete/\d+"', admin)) == len(_shows(admin, "appealview"))
    body_clerk = printed[("udkh", "/appealview/list/")]
    assert f'href="/appealview/show/{copied}"' in body_clerk and f'href="/appealview/edit/{copied}"' not in body_clerk
    assert re.search(r'href="/appealview/edit/\d+"', body_clerk), "his own appeals stay editable"
    chips = printed[("appeals", "/appealview/list/?_flt_0_status=in_work")]
    assert 'id="list-chips"' in chips


def test_keyset_next_page_is_printed_as_before(app, login):
    with app.app_context():
        load_demo_appeals(count=60)
        db.session.commit()
    client = login("supervisor")
    first = client.get("/appealview/list/").get_data(as_text=True)
    following = unescape(re.search(r'href="([^"]*after_AppealView=[^"]*)"', first).group(1))
    _compare(app, login, [("supervisor", following, "appealview")])


def test_other_domains_lists_are_printed_as_before(app, login):
    with app.app_context():
        load_demo_control(count=30)
        load_demo_housing(count=20)
        load_demo_plans()
        load_demo_events()
        db.session.commit()
    printed = _compare(
        app,
        login,
        [
            ("control", "/instructionview/list/", "instructionview"),
            # A reader of instructions without the right to change them.
            ("supervisor", "/instructionview/list/", "instructionview"),
            ("housing", "/householdview/list/", "householdview"),
            ("plans", "/planitemview/list/", "planitemview"),
            ("events", "/eventview/list/", "eventview"),
            ("admin", "/bodyview/list/", "bodyview"),
            # Bulk actions over checked rows («Прекратить полномочия»).
            ("admin", "/officialview/list/", "officialview"),
        ],
    )
    officials = printed[("admin", "/officialview/list/")]
    assert officials.count('class="action_check"') == len(_shows(officials, "officialview"))
    assert 'id="action_form"' in officials and "deactivate_menu_item" in officials


def test_related_lists_of_a_card_carry_the_card_filter_as_before(app, login):
    """A card's related lists (a body's officials): their links carry `_flt_0_<column>` as FAB's did."""
    with app.app_context():
        body = db.session.scalar(select(Body.id).where(Body.code == "appeals"))
    client = login("admin")
    now, before = _both(app, client, f"/bodyview/show/{body}")
    assert re.search(r"/officialview/show/\d+\?_flt_0_body=", now)
    assert tokens(now) == tokens(before)


def _district_id(app: Any, code: str) -> int:
    with app.app_context():
        return db.session.scalar(select(District.id).where(District.code == code))


def _menu_entries(html: str) -> set[str]:
    return set(re.findall(r'<a tabindex="-1" href="([^"]+)"', html))


def test_menu_of_built_in_roles_is_each_role_s_own(app, login):
    """The reused menu is keyed by the roles: the housing officer never gets the supervisor's menu."""
    supervisor = _menu_entries(login("supervisor").get("/").get_data(as_text=True))
    housing = _menu_entries(login("housing").get("/").get_data(as_text=True))
    assert supervisor != housing
    assert _menu_entries(login("supervisor").get("/").get_data(as_text=True)) == supervisor
    with former_rendering(app):
        assert _menu_entries(login("housing").get("/").get_data(as_text=True)) == housing


def test_menu_of_a_role_composed_in_the_ui_follows_its_rights_at_once(app, login):
    """A database role's rights change at any moment: its menu is never reused."""
    with app.app_context():
        sm = app.appbuilder.sm
        role = sm.add_role("BodiesReader")
        for perm, resource in (("can_read", "Body"), ("menu_access", "Bodies"), ("menu_access", "Reference")):
            sm.add_permission_role(role, sm.find_permission_view_menu(perm, resource))
        user = sm.add_user("bodies_reader", "Анна", "Справочникова", "br@example.org", role, "Bodies-Reader-2026")
        set_profile(user, body_by_code("adm"), "Специалист", ScopeLevel.CITY)
        db.session.commit()
    client = login("bodies_reader", "Bodies-Reader-2026")
    assert "/bodyview/list/" in _menu_entries(client.get("/bodyview/list/").get_data(as_text=True))
    assert "/officialview/list/" not in _menu_entries(client.get("/bodyview/list/").get_data(as_text=True))
    with app.app_context():
        sm = app.appbuilder.sm
        role = sm.find_role("BodiesReader")
        for perm, resource in (("can_read", "Official"), ("menu_access", "Officials")):
            sm.add_permission_role(role, sm.find_permission_view_menu(perm, resource))
        db.session.commit()
    assert "/officialview/list/" in _menu_entries(client.get("/bodyview/list/").get_data(as_text=True))
