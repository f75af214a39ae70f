"""Housing tests run on the app of create_app (housing is one of its domains)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask, g

from app.extensions import db


@pytest.fixture
def officer_ctx(app: Flask) -> Iterator[Flask]:
    """An app context acting as the city's housing officer (services that ask who decides)."""
    with app.test_request_context():
        g.user = app.appbuilder.sm.find_user(username="housing")
        yield app
        db.session.rollback()
