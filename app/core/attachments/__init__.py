"""Attachments: files (scans, answers, photos) attached to any record, served only through scope checks."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import current_app
from flask_babel import lazy_gettext as _l

from ...security import CLERK_ROLES, STAFF_ROLES, SUPERVISOR, Resource, declare_resource
from .. import menus

if TYPE_CHECKING:
    from flask_appbuilder import AppBuilder

#: Downloading (read), uploading (write) and deleting (delete) files. Everyone who sees a record
#: sees its files; clerks attach them; only Admin deletes (they are part of legal records).
RESOURCE = "Attachment"
#: The register of all attachments (still limited to records the user sees).
REGISTRY_RESOURCE = "AttachmentRegistry"
#: The register is a journal of the administration menu (app/core/menus.py).
CATEGORY = menus.ADMINISTRATION

RESOURCES = [
    declare_resource(Resource(RESOURCE, readers=STAFF_ROLES, writers=CLERK_ROLES)),
    declare_resource(Resource(REGISTRY_RESOURCE, menus=("Attachments",), category=CATEGORY, readers=(SUPERVISOR,))),
]


def register(appbuilder: AppBuilder) -> None:
    """The upload/download view, the register menu, and the template helpers for show pages."""
    from .services import attachment_box, format_size
    from .views import AttachmentRegistryView, AttachmentView, kind_label

    appbuilder.add_view_no_menu(AttachmentView)
    menus.add_view(
        appbuilder,
        AttachmentRegistryView,
        "Attachments",
        label=_l("Вложения"),
        icon="fa-paperclip",
        category=CATEGORY,
        group=menus.ADMIN_JOURNALS,
    )
    current_app.add_template_global(attachment_box, "attachment_box")
    current_app.add_template_filter(format_size, "file_size")
    current_app.add_template_filter(kind_label, "attachment_kind")
