"""Housing tests run on the app of create_app (housing is one of its domains)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from flask import Flask, g

from app.extensions import db


@contextmanager
def acting_as(app: Flask, username: str = "housing") -> Iterator[Flask]:
    """A request context of that user for building data through the services (closed before any test-client
    request: a context left pushed would lend its `g` — and the user's cached sight — to every request)."""
    with app.test_request_context():
        g.user = app.appbuilder.sm.find_user(username=username)
        yield app
        db.session.remove()


@pytest.fixture
def officer_ctx(app: Flask) -> Iterator[Flask]:
    """The city's housing officer, for service tests that make no HTTP request."""
    with acting_as(app) as ctx:
        yield ctx
        db.session.rollback()


@pytest.fixture(autouse=True)
def files_dir(app: Flask, tmp_path, monkeypatch: pytest.MonkeyPatch):
    """Generated documents go to a fresh folder per test."""
    path = tmp_path / "files"
    monkeypatch.setitem(app.config, "UPRAVA_FILES_DIR", str(path))
    return path
