"""Org structure: districts, bodies, officials — what every domain points at."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l

from ..core import menus
from ..security import STAFF_ROLES, Resource, declare_resource

if TYPE_CHECKING:
    from flask_appbuilder import AppBuilder

CATEGORY = menus.REFERENCE
# Everybody reads the org structure (they pick bodies in every form); Admin edits it.
RESOURCES = [
    declare_resource(Resource("District", menus=("Districts",), category=CATEGORY, readers=STAFF_ROLES)),
    declare_resource(Resource("Body", menus=("Bodies",), category=CATEGORY, readers=STAFF_ROLES)),
    declare_resource(Resource("Official", menus=("Officials",), category=CATEGORY, readers=STAFF_ROLES)),
]


def register(appbuilder: AppBuilder) -> None:
    """Menus, views and APIs of the org structure."""
    from . import documents  # noqa: F401  (registers the org's document templates)
    from .api import BodyApi, DistrictApi, OfficialApi
    from .views import BodyFormerNameView, BodyView, DistrictView, OfficialView

    for view, name, label, icon in (
        (BodyView, "Bodies", _l("Органы администрации"), "fa-sitemap"),
        (DistrictView, "Districts", _l("Районы"), "fa-map"),
        (OfficialView, "Officials", _l("Должностные лица"), "fa-id-badge"),
    ):
        menus.add_view(appbuilder, view, name, label=label, icon=icon, category=CATEGORY, group=menus.REF_ORG)
    # The body card's «Прежние названия» (no menu of its own).
    appbuilder.add_view_no_menu(BodyFormerNameView)
    for api in (DistrictApi, BodyApi, OfficialApi):
        appbuilder.add_api(api)
