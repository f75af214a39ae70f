"""Which permission resource guards a model's records: the resource of the view that shows them.

Files and documents hang off a record by table name and id (`entity_type`, `entity_id`). Opening
them must need the same right as opening the record itself, so the right is looked up on the view
that shows the model — read from the app's registered views, never from the URL.
"""

from __future__ import annotations

from typing import Any

from flask import current_app


class RecordResourceConflict(RuntimeError):
    """Two views guard the same model's records with different resources (a set-up error)."""


def record_resource(model: type) -> str | None:
    """The resource of the view showing `model` (None: no view shows it, its records have no door).

    A second view of the same model under another resource must say `owns_records = False`,
    or the first request that needs it fails naming both (a right must never depend on the order
    in which views were registered).
    """
    found: dict[str, str] = {}
    for view in current_app.appbuilder.baseviews:
        datamodel = getattr(view, "datamodel", None)
        if getattr(datamodel, "obj", None) is not model or not getattr(view, "owns_records", False):
            continue
        found.setdefault(view.class_permission_name, type(view).__name__)
    if len(found) > 1:
        views = ", ".join(f"{name} ({resource})" for resource, name in sorted(found.items()))
        raise RecordResourceConflict(f"{model.__name__} is shown by views with different resources: {views}")
    return next(iter(found), None)


def has_record_right(model: type, right: str) -> bool:
    """Whether the current user holds `can_<right>` on the resource that guards `model`'s records."""
    resource = record_resource(model)
    return resource is not None and bool(current_app.appbuilder.sm.has_access(f"can_{right}", resource))


def declares_attachments(model: Any) -> bool:
    """Whether a model takes files: it says so with `__attachments__ = True` (nothing else does)."""
    return getattr(model, "__attachments__", False) is True
