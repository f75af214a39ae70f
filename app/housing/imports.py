"""Import of the legacy housing registries (stub while building)."""

from __future__ import annotations

from typing import Any


def register(appbuilder: Any) -> None:
    """Register the import views."""
