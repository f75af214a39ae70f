"""The navigation bar (app/core/menus.py): declared categories in order, groups, visibility derived from entries."""

from __future__ import annotations

import re

import pytest
from flask_babel import force_locale

from app.core import menus
from app.extensions import db


def _bar(app) -> list[str]:
    return [item.name for item in app.appbuilder.menu.get_list()]


def test_the_bar_holds_only_declared_categories_in_their_order(app):
    order = [category.key for category in menus.CATEGORIES]
    bar = _bar(app)
    assert set(bar) <= set(order)
    assert bar == sorted(bar, key=order.index)
    assert bar == ["Workspace", "Appeals", "Control", "Plans", "Housing", "Events", "Reference", "Administration"]


def test_the_workspace_lists_the_dashboards_first_and_the_background_jobs_last(app):
    workspace = app.appbuilder.menu.find(menus.WORKSPACE)
    assert [child.name for child in workspace.childs] == [
        "AppealsDashboard",
        "ControlDashboard",
        "PlansDashboard",
        "EventsDashboard",
        "HousingDashboard",
        "Jobs",
    ]
    assert workspace.childs[-1].href == "/jobs/"


def test_fab_user_and_role_admin_moves_into_administration_without_renaming_its_entries(app):
    administration = app.appbuilder.menu.find(menus.ADMINISTRATION)
    access = [c.name for c in administration.childs if getattr(c, "menu_group", None) == menus.ADMIN_ACCESS]
    assert access == ["List Users", "List Roles", "List Groups"]
    assert "Security" not in _bar(app)
    assert all(child.name != "-" for child in administration.childs)


def test_entries_are_listed_group_by_group_in_the_declared_order(app):
    reference = app.appbuilder.menu.find(menus.REFERENCE)
    groups = [getattr(child, "menu_group", None) for child in reference.childs]
    declared = [group.key for group in menus.GROUPS]
    assert groups == sorted(groups, key=declared.index)
    assert list(dict.fromkeys(groups)) == [
        menus.REF_ORG,
        menus.REF_CALENDAR,
        menus.REF_APPEALS,
        menus.REF_CONTROL,
        menus.REF_PLANS,
        menus.REF_HOUSING,
        menus.REF_DOCUMENTS,
    ]


def test_an_undeclared_category_or_a_foreign_group_is_refused(app):
    with pytest.raises(ValueError, match="unknown menu category"):
        menus.add_link(app.appbuilder, "X", href="/", category="Misc", label="x")
    with pytest.raises(ValueError, match="is not a group of"):
        menus.add_link(app.appbuilder, "Y", href="/", category=menus.APPEALS, label="y", group=menus.REF_ORG)
    # A refused entry leaves no trace in the bar.
    assert app.appbuilder.menu.find("X") is None and app.appbuilder.menu.find("Y") is None


def test_every_category_and_group_label_is_russian(app):
    with app.test_request_context(), force_locale("ru"):
        labels = [str(c.label) for c in menus.CATEGORIES] + [str(g.label) for g in menus.GROUPS]
    assert all(re.search("[А-Яа-яЁё]", label) for label in labels), labels


def test_the_navbar_shows_group_headings_above_visible_entries_only(login):
    page = login("supervisor").get("/").text
    reference = page[page.index(">Справочники<") :]
    reference = reference[: reference.index("</ul>")]
    headings = re.findall(r'<li class="dropdown-header">\s*([^<]+?)\s*</li>', reference)
    assert headings == ["Оргструктура", "Календарь и сроки", "Обращения", "Контроль", "Планы", "Жильё", "Документы"]
    administration = page[page.index(">Администрирование<") :]
    administration = administration[: administration.index("</ul>")]
    # The Supervisor reads the journals but manages no users: no «Пользователи и роли» heading.
    assert re.findall(r'<li class="dropdown-header">\s*([^<]+?)\s*</li>', administration) == ["Журналы"]


def test_a_composed_role_sees_a_category_through_its_entries_alone(app, login):
    """A category needs no right of its own: an entry's menu_access shows it (moving entries changes no right)."""
    sm = app.appbuilder.sm
    with app.app_context():
        role = sm.add_role("BodiesReaders")
        for perm, view in (("menu_access", "Bodies"), ("can_read", "Body"), ("can_get", "MenuApi")):
            sm.add_permission_role(role, sm.find_permission_view_menu(perm, view))
        sm.add_user("bodies_reader", "Мария", "Орлова", "br@uprava.example", role, password="Bodies-Reader-2026")
        assert not any(pv.view_menu.name == "Reference" for pv in role.permissions)
        db.session.commit()
    client = login("bodies_reader", "Bodies-Reader-2026")
    data = client.get("/api/v1/menu/").json["result"]
    assert [(item["name"], [c["name"] for c in item["childs"]]) for item in data] == [("Reference", ["Bodies"])]
    assert ">Справочники<" in client.get("/").text
