"""Org structure: districts, bodies, officials — what every domain points at."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l

from ..security import STAFF_ROLES, Resource, declare_resource

if TYPE_CHECKING:
    from flask_appbuilder import AppBuilder

CATEGORY = "Org"
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
    from .views import BodyView, DistrictView, OfficialView

    label = _l("Оргструктура")
    appbuilder.add_view(
        BodyView,
        "Bodies",
        label=_l("Органы администрации"),
        icon="fa-sitemap",
        category=CATEGORY,
        category_label=label,
        category_icon="fa-building",
    )
    appbuilder.add_view(
        DistrictView,
        "Districts",
        label=_l("Районы"),
        icon="fa-map",
        category=CATEGORY,
    )
    appbuilder.add_view(
        OfficialView,
        "Officials",
        label=_l("Должностные лица"),
        icon="fa-id-badge",
        category=CATEGORY,
    )
    for api in (DistrictApi, BodyApi, OfficialApi):
        appbuilder.add_api(api)
