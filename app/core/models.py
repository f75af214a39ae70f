"""Helpers shared by models of all domains."""

from __future__ import annotations

from flask_appbuilder import Model


def model_for_table(table_name: str) -> type | None:
    """The mapped class of a table (generic links: attachments, documents, history)."""
    for mapper in Model.registry.mappers:
        if mapper.local_table is not None and mapper.local_table.name == table_name:
            return mapper.class_
    return None
