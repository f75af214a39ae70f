"""Reference data of citizens' appeals: channels, ПОС categories, results, closure reasons, classifier.

Admin edits them (and imports classifier editions); every staff role reads them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l

from ...security import STAFF_ROLES, Resource, declare_resource

# Imported before `seed()` is defined: importing the submodule `seed` binds the package's
# `seed` attribute to the module, and the function below must win.
from .seed import seed_reference

if TYPE_CHECKING:
    from flask_appbuilder import AppBuilder

CATEGORY = "AppealsReference"
RESOURCES = [
    declare_resource(Resource("AppealChannel", menus=("AppealChannels",), category=CATEGORY, readers=STAFF_ROLES)),
    declare_resource(Resource("PosCategory", menus=("PosCategories",), category=CATEGORY, readers=STAFF_ROLES)),
    declare_resource(Resource("AppealResult", menus=("AppealResults",), category=CATEGORY, readers=STAFF_ROLES)),
    declare_resource(Resource("ClosureReason", menus=("ClosureReasons",), category=CATEGORY, readers=STAFF_ROLES)),
    # The import link ("ClassifierImport") is in no role's menus: the Admin's only.
    declare_resource(Resource("Classifier", menus=("Classifier",), category=CATEGORY, readers=STAFF_ROLES)),
]


def register(appbuilder: AppBuilder) -> None:
    """Menus and views of the appeals' reference tables and the classifier import."""
    from .views import AppealResultView, ChannelView, ClassifierView, ClosureReasonView, PosCategoryView

    appbuilder.add_view(
        ChannelView,
        "AppealChannels",
        label=_l("Каналы поступления"),
        icon="fa-inbox",
        category=CATEGORY,
        category_label=_l("Справочники обращений"),
        category_icon="fa-book",
    )
    appbuilder.add_view(PosCategoryView, "PosCategories", label=_l("Категории ПОС"), icon="fa-tags", category=CATEGORY)
    appbuilder.add_view(
        AppealResultView, "AppealResults", label=_l("Результаты рассмотрения"), icon="fa-check", category=CATEGORY
    )
    appbuilder.add_view(
        ClosureReasonView,
        "ClosureReasons",
        label=_l("Основания ст. 11 59-ФЗ"),
        icon="fa-ban",
        category=CATEGORY,
    )
    appbuilder.add_view(
        ClassifierView, "Classifier", label=_l("Тематический классификатор"), icon="fa-list", category=CATEGORY
    )
    appbuilder.add_link(
        "ClassifierImport",
        href="ClassifierView.import_edition",
        label=_l("Загрузка редакции классификатора"),
        icon="fa-upload",
        category=CATEGORY,
    )


def seed() -> dict[str, int]:
    """Reference data for `flask app init` (idempotent; never overwrites an Admin's edits)."""
    return seed_reference()
