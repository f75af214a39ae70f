"""Alembic owns the schema: migrations and models must never drift apart."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_appbuilder import Model

from app.extensions import db


def test_migrations_match_models(app_ctx):
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, Model.metadata)
    # Tables of test-only models (tests/fake_models.py) live outside the migrations.
    diff = [d for d in diff if not (d[0] == "add_table" and d[1].name.startswith("test_"))]
    assert diff == [], f"models and migrations differ: {diff}"


def test_table_names_are_unique_across_models():
    # FAB's Model uses extend_existing=True: two classes with one __tablename__ merge silently.
    seen: dict[str, str] = {}
    for mapper in Model.registry.mappers:
        cls = mapper.class_
        if mapper.inherits is not None or mapper.local_table.name.startswith("test_"):
            continue
        table = mapper.local_table.name
        assert table not in seen, f"{cls.__name__} and {seen[table]} share table {table}"
        seen[table] = cls.__name__
    assert {"org_district", "org_body", "org_official", "ab_user"} <= set(seen)
