"""The SQL a block of a test runs, as the database receives it (query counts: N+1, reads repeated)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask
from sqlalchemy import event

from app.extensions import db


@contextmanager
def recorded_sql(app: Flask, selects_only: bool = False) -> Iterator[list[str]]:
    """Every statement run while inside (only the SELECTs with `selects_only`), in order."""
    with app.app_context():
        engine = db.engine
    statements: list[str] = []

    def _record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not selects_only or statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", _record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", _record)


def count_selects(app: Flask) -> Any:
    """The SELECT statements run while inside."""
    return recorded_sql(app, selects_only=True)
