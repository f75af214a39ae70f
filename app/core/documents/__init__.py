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
from .. import menus

if TYPE_CHECKING:
    from flask_appbuilder import AppBuilder

CATEGORY = menus.REFERENCE
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

    for view, name, label, icon in (
        (DocumentTemplateView, "DocumentTemplates", _l("Шаблоны документов"), "fa-file-word-o"),
        (GeneratedDocumentView, "GeneratedDocuments", _l("Сформированные документы"), "fa-files-o"),
    ):
        menus.add_view(appbuilder, view, name, label=label, icon=icon, category=CATEGORY, group=menus.REF_DOCUMENTS)
    current_app.add_template_global(document_templates_for)


def seed() -> int:
    """Version 1 rows of the shipped templates registered so far (idempotent; `flask app init`)."""
    from .services import seed_templates

    return seed_templates()
