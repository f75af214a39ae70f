"""The navigation bar in one place: its categories, their order, and the groups inside the long ones.

Every domain registers its menu entries through `add_view` / `add_link` here, naming a category key
below (and, in «Справочники» and «Администрирование», a group: a heading inside the dropdown). The
bar then reads, left to right:

    Рабочий стол · Обращения · Контроль · Планы · Жильё · Мероприятия · Справочники · Администрирование

one menu per domain, one for the reference tables every employee reads (org structure, calendar, each
domain's reference data, document templates), one for what only the Admin and the Supervisor open
(users and roles, journals). With all eight present it fits one line at 1280 px (tests/e2e/test_menus.py
checks every role's bar and the full set).

Menu names (entries and category keys) are permission names (`menu_access`): stable English keys, never
renamed; labels are translated. A category is shown when one of its entries is (app.security's manager
derives it), so moving an entry to another category changes no right.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from flask_babel import lazy_gettext as _l

if TYPE_CHECKING:
    from flask_appbuilder import AppBuilder
    from flask_appbuilder.menu import MenuItem


@dataclass(frozen=True)
class Category:
    """A top-level menu of the bar."""

    key: str
    label: Any
    icon: str


@dataclass(frozen=True)
class Group:
    """A heading inside a category's dropdown; entries are listed group by group, in this file's order."""

    key: str
    category: str
    label: Any


WORKSPACE = "Workspace"
APPEALS = "Appeals"
CONTROL = "Control"
PLANS = "Plans"
HOUSING = "Housing"
EVENTS = "Events"
REFERENCE = "Reference"
ADMINISTRATION = "Administration"

#: The bar, left to right. Labels are short on purpose: the eight together must fit one line at 1280 px.
CATEGORIES: tuple[Category, ...] = (
    Category(WORKSPACE, _l("Рабочий стол"), "fa-home"),
    Category(APPEALS, _l("Обращения"), "fa-envelope"),
    Category(CONTROL, _l("Контроль"), "fa-tasks"),
    Category(PLANS, _l("Планы"), "fa-calendar-check"),
    Category(HOUSING, _l("Жильё"), "fa-building"),
    Category(EVENTS, _l("Мероприятия"), "fa-flag"),
    Category(REFERENCE, _l("Справочники"), "fa-book"),
    Category(ADMINISTRATION, _l("Администрирование"), "fa-cogs"),
)
CATEGORY_BY_KEY = {category.key: category for category in CATEGORIES}

# Groups of «Справочники»: the org structure and the calendar first (every domain uses them), then each
# domain's own tables in the bar's order, document templates last.
REF_ORG = "reference.org"
REF_CALENDAR = "reference.calendar"
REF_APPEALS = "reference.appeals"
REF_CONTROL = "reference.control"
REF_PLANS = "reference.plans"
REF_HOUSING = "reference.housing"
REF_EVENTS = "reference.events"
REF_DOCUMENTS = "reference.documents"
# Groups of «Администрирование».
ADMIN_ACCESS = "administration.access"
ADMIN_JOURNALS = "administration.journals"
ADMIN_SYSTEM = "administration.system"

GROUPS: tuple[Group, ...] = (
    Group(REF_ORG, REFERENCE, _l("Оргструктура")),
    Group(REF_CALENDAR, REFERENCE, _l("Календарь и сроки")),
    Group(REF_APPEALS, REFERENCE, _l("Обращения")),
    Group(REF_CONTROL, REFERENCE, _l("Контроль")),
    Group(REF_PLANS, REFERENCE, _l("Планы")),
    Group(REF_HOUSING, REFERENCE, _l("Жильё")),
    Group(REF_EVENTS, REFERENCE, _l("Мероприятия")),
    Group(REF_DOCUMENTS, REFERENCE, _l("Документы")),
    Group(ADMIN_ACCESS, ADMINISTRATION, _l("Пользователи и роли")),
    Group(ADMIN_JOURNALS, ADMINISTRATION, _l("Журналы")),
    Group(ADMIN_SYSTEM, ADMINISTRATION, _l("Система")),
)
GROUP_BY_KEY = {group.key: group for group in GROUPS}

#: FAB's own user, role and group admin (its "Security" category) is moved into this group by `arrange`.
FAB_SECURITY_CATEGORY = "Security"


def _category(key: str) -> Category:
    try:
        return CATEGORY_BY_KEY[key]
    except KeyError:
        raise ValueError(f"unknown menu category {key!r}: declare it in app/core/menus.py") from None


def _check_group(category: str, group: str | None) -> None:
    # Checked before anything is registered: a refused entry leaves no trace in the menu.
    if group is not None and (group not in GROUP_BY_KEY or GROUP_BY_KEY[group].category != category):
        raise ValueError(f"menu group {group!r} is not a group of {category!r} (app/core/menus.py)")


def _mark(item: MenuItem | None, group: str | None, order: int = 0) -> None:
    if item is not None:
        item.menu_order = order  # type: ignore[attr-defined]
    if item is not None and group is not None:
        item.menu_group = group  # type: ignore[attr-defined]
        item.menu_group_label = GROUP_BY_KEY[group].label  # type: ignore[attr-defined]


def add_view(
    appbuilder: AppBuilder,
    view: Any,
    name: str,
    *,
    category: str,
    label: Any,
    icon: str = "",
    group: str | None = None,
    order: int = 0,
) -> Any:
    """`appbuilder.add_view` under one of the bar's categories (its label and icon come from here).

    `order`: within its group, entries follow their registration, then this (a higher one goes last).
    """
    cat = _category(category)
    _check_group(cat.key, group)
    registered = appbuilder.add_view(
        view, name, label=label, icon=icon, category=cat.key, category_label=cat.label, category_icon=cat.icon
    )
    _mark(_child(appbuilder, cat.key, name), group, order)
    return registered


def add_link(
    appbuilder: AppBuilder,
    name: str,
    *,
    href: str,
    category: str,
    label: Any,
    icon: str = "",
    group: str | None = None,
    order: int = 0,
) -> None:
    """`appbuilder.add_link` under one of the bar's categories (`order` as for add_view)."""
    cat = _category(category)
    _check_group(cat.key, group)
    appbuilder.add_link(
        name, href=href, label=label, icon=icon, category=cat.key, category_label=cat.label, category_icon=cat.icon
    )
    _mark(_child(appbuilder, cat.key, name), group, order)


def _child(appbuilder: AppBuilder, category: str, name: str) -> MenuItem | None:
    parent = appbuilder.menu.find(category)
    return next((item for item in reversed(parent.childs) if item.name == name), None) if parent else None


def arrange(appbuilder: AppBuilder) -> None:
    """Order the bar as CATEGORIES says and each dropdown group by group; FAB's security views join «Администрирование».

    Called once, after every domain has registered (create_app). A top-level menu that is not a
    declared category is an error: the bar's width is planned here.
    """
    menu = appbuilder.menu.menu
    security = next((item for item in menu if item.name == FAB_SECURITY_CATEGORY), None)
    if security is not None:
        menu.remove(security)
        admin = CATEGORY_BY_KEY[ADMINISTRATION]
        for child in security.childs:
            if child.name == "-":
                continue
            appbuilder.menu.add_link(
                child.name,
                href=child.href,
                icon=child.icon,
                label=child.label,
                category=admin.key,
                category_label=admin.label,
                category_icon=admin.icon,
                baseview=child.baseview,
                cond=child.cond,
            )
            _mark(_child(appbuilder, admin.key, child.name), ADMIN_ACCESS)
    order = {category.key: index for index, category in enumerate(CATEGORIES)}
    unknown = [item.name for item in menu if item.name not in order]
    if unknown:
        raise ValueError(f"menu categories not declared in app/core/menus.py: {unknown}")
    menu.sort(key=lambda item: order[item.name])
    groups = {group.key: index for index, group in enumerate(GROUPS)}
    for item in menu:
        # Stable: within a group, entries keep the order their domain registered them in.
        item.childs.sort(
            key=lambda child: (groups.get(getattr(child, "menu_group", None), -1), getattr(child, "menu_order", 0))
        )


def category_of(appbuilder: AppBuilder, name: str) -> MenuItem | None:
    """The top-level menu item called `name`, if it is a category (has entries)."""
    return next((item for item in appbuilder.menu.menu if item.name == name and item.childs), None)


def visible_categories(appbuilder: AppBuilder, allowed: set[str]) -> set[str]:
    """Categories with at least one allowed entry: a category needs no right of its own."""
    return {item.name for item in appbuilder.menu.menu if any(child.name in allowed for child in item.childs)}
