"""Reference data of citizens' appeals: channels, ПОС categories, results, closure reasons, classifier.

Admin edits them (and imports classifier editions); every staff role reads them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l

from ...core import menus
from ...security import STAFF_ROLES, Resource, declare_resource

# Imported before `seed()` is defined: importing the submodule `seed` binds the package's
# `seed` attribute to the module, and the function below must win.
from .seed import seed_reference

if TYPE_CHECKING:
    from flask_appbuilder import AppBuilder

CATEGORY = menus.REFERENCE
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

    for view, name, label, icon in (
        (ChannelView, "AppealChannels", _l("Каналы поступления"), "fa-inbox"),
        (PosCategoryView, "PosCategories", _l("Категории ПОС"), "fa-tags"),
        (AppealResultView, "AppealResults", _l("Результаты рассмотрения"), "fa-check"),
        (ClosureReasonView, "ClosureReasons", _l("Основания ст. 11 59-ФЗ"), "fa-ban"),
        (ClassifierView, "Classifier", _l("Тематический классификатор"), "fa-list"),
    ):
        menus.add_view(appbuilder, view, name, label=label, icon=icon, category=CATEGORY, group=menus.REF_APPEALS)
    menus.add_link(
        appbuilder,
        "ClassifierImport",
        href="ClassifierView.import_edition",
        label=_l("Загрузка редакции классификатора"),
        icon="fa-upload",
        category=CATEGORY,
        group=menus.REF_APPEALS,
    )


def seed() -> dict[str, int]:
    """Reference data for `flask app init` (idempotent; never overwrites an Admin's edits)."""
    return seed_reference()
