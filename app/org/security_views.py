"""FAB's user admin with the official profile beside the roles (one screen)."""

from __future__ import annotations

from flask_appbuilder.security.views import UserDBModelView

from .views import OfficialView


class UpravaUserDBModelView(UserDBModelView):
    """The user form; the profile (body, district, scope) shows as a tab beside it."""

    related_views = [OfficialView]
    # Keep FAB's permission names: self-service rights (own user info) are granted on them.
    class_permission_name = "UserDBModelView"
