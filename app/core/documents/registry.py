"""Which document templates exist: each domain declares its own at import time.

A domain calls `register_template(...)` with the template's stable code, its
name, the shipped .docx (under app/templates/) and a function that turns one of
its records into the data the template fills in. `sample` holds the same keys
with made-up values: an uploaded version must render with it before it is
accepted, and the upload page lists it as the fields a template may use (or
`fields`, words describing them, when the values are tables).

A template of a report (app/core/reports) fills no single record: its `model`
and `context_builder` are None, and the report part builds its data.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: Shipped templates live beside the app's Jinja templates (FAB_NOTES #13: one templates folder).
SHIPPED_ROOT = Path(__file__).resolve().parents[2] / "templates"


@dataclass(frozen=True)
class TemplateSpec:
    """One kind of document: what it is called, where its shipped file is, what fills it."""

    code: str
    name: Any
    domain: str
    path: str
    context_builder: Callable[[Any], dict[str, Any]] | None
    model: type | None
    sample: Mapping[str, Any]
    fields: Mapping[str, Any] | None = None
    #: Which records of the model the template fits (a refusal's letter for refusals only); None: all.
    applies: Callable[[Any], bool] | None = None

    def fits(self, entity: Any) -> bool:
        """Whether this template is for that record (its model, and its own condition if it has one)."""
        return (
            self.model is not None and isinstance(entity, self.model) and (self.applies is None or self.applies(entity))
        )

    @property
    def entity_type(self) -> str:
        """The table name of the records this document is made for (a generic link); empty for a report's."""
        if self.model is None:
            return ""
        return self.model.__tablename__  # type: ignore[attr-defined,no-any-return]

    @property
    def shipped_file(self) -> Path:
        return SHIPPED_ROOT / self.path


TEMPLATES: dict[str, TemplateSpec] = {}


def register_template(
    code: str,
    name: Any,
    domain: str,
    path: str,
    context_builder: Callable[[Any], dict[str, Any]] | None,
    model: type | None,
    sample: Mapping[str, Any],
    fields: Mapping[str, Any] | None = None,
    applies: Callable[[Any], bool] | None = None,
) -> TemplateSpec:
    """Declare a document template (idempotent per code: a re-import replaces it).

    `applies` narrows the records it is offered for and filled from (e.g. one decision type).
    """
    spec = TemplateSpec(code, name, domain, path, context_builder, model, sample, fields, applies)
    if not spec.shipped_file.is_file():
        raise FileNotFoundError(f"shipped template {code!r} not found: {spec.shipped_file}")
    TEMPLATES[code] = spec
    return spec


def template_spec(code: str) -> TemplateSpec | None:
    return TEMPLATES.get(code)


def templates_for(entity_type: str) -> list[TemplateSpec]:
    """Templates made for records of one table, by name."""
    return sorted(
        (s for s in TEMPLATES.values() if s.model is not None and s.entity_type == entity_type),
        key=lambda s: str(s.name),
    )
