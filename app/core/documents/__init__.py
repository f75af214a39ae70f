"""Word documents from .docx templates: a registry each domain fills, versions, generation, downloads.

A domain declares its templates with `registry.register_template(...)`; shipped
.docx files live under app/templates/documents/<domain>/. Admins upload newer
versions in the UI; every generated document is kept and downloadable again
within the user's row scope.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import current_app
from flask_babel import lazy_gettext as _l

from ...security import CLERK_ROLES, DEPUTY_HEAD, STAFF_ROLES, Resource, declare_resource

if TYPE_CHECKING:
    from flask_appbuilder import AppBuilder

CATEGORY = "Platform"
#: Everyone but the read-only supervisor may fill a document for a record they see.
DOCUMENT_WRITERS = (DEPUTY_HEAD, *CLERK_ROLES)
# Staff read the templates; only Admin (who has every right) uploads versions.
RESOURCES = [
    declare_resource(
        Resource("DocumentTemplate", menus=("DocumentTemplates",), category=CATEGORY, readers=STAFF_ROLES)
    ),
    declare_resource(
        Resource(
            "GeneratedDocument",
            menus=("GeneratedDocuments",),
            category=CATEGORY,
            readers=STAFF_ROLES,
            writers=DOCUMENT_WRITERS,
        )
    ),
]


def register(appbuilder: AppBuilder) -> None:
    """Menus and views of document templates and generated documents (inside the app context)."""
    from .views import DocumentTemplateView, GeneratedDocumentView, document_templates_for

    label = _l("Платформа")
    appbuilder.add_view(
        DocumentTemplateView,
        "DocumentTemplates",
        label=_l("Шаблоны документов"),
        icon="fa-file-word-o",
        category=CATEGORY,
        category_label=label,
        category_icon="fa-cogs",
    )
    appbuilder.add_view(
        GeneratedDocumentView,
        "GeneratedDocuments",
        label=_l("Сформированные документы"),
        icon="fa-files-o",
        category=CATEGORY,
        category_label=label,
    )
    current_app.add_template_global(document_templates_for)


def seed() -> int:
    """Version 1 rows of the shipped templates registered so far (idempotent; `flask app init`)."""
    from .services import seed_templates

    return seed_templates()
