"""The navigation bar's menu, rendered once per set of built-in roles and language, then reused.

The menu is the same on every page for everybody with the same roles: dozens of entries, each
asking the security manager for its right (a category asks for each of its entries) and each
translated — a third of a list page's time. Built-in roles (FAB_ROLES) are fixed in code, so the
rendered menu of a set of them cannot go stale while the process lives. A user with a role composed
in the UI (rights in the database, changeable at any moment) gets it rendered afresh, as before.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, g
from flask_babel import get_locale
from flask_login import current_user
from markupsafe import Markup

_TEMPLATE = "uprava/navbar_menu.html"


def _menu_key(menu: Any) -> tuple[Any, ...] | None:
    """What the rendered menu depends on, or None when it may not be reused (a role kept in the database)."""
    if not current_user.is_authenticated or getattr(g, "_api_key_user", False):
        return None
    sm = current_app.appbuilder.sm
    user = getattr(g, "user", None)
    if user is None or not user.is_active:
        return None
    roles = sm.get_user_roles(user)
    if not roles or any(role.name not in sm.builtin_roles for role in roles):
        return None
    # An entry added to the menu after the first page (a test's extra view) is a new menu.
    shape = (len(menu.menu), sum(len(item.childs or ()) for item in menu.menu))
    return frozenset(role.name for role in roles), str(get_locale()), shape


def render_menu(menu: Any) -> Markup:
    """The menu's entries (`<li>`s) as the user sees them, from the cache when it can be reused."""
    key = _menu_key(menu)
    cache: dict[Any, Markup] = current_app.extensions.setdefault("uprava_menu_cache", {})
    if key is not None:
        cached = cache.get(key)
        if cached is not None:
            return cached
    html = Markup(current_app.jinja_env.get_template(_TEMPLATE).render(menu=menu))
    if key is not None:
        cache[key] = html
    return html


def install_menu_cache(app: Flask) -> None:
    app.jinja_env.globals["uprava_menu"] = render_menu
