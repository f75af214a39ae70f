"""One app for the security tests: every view of create_app plus the personal-data journal, files in a temp folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from app.core.pii_log_views import PersonalDataAccessView, register
from app.extensions import db
from tests.conftest import make_test_app
from tests.security.world import World, build_world


@pytest.fixture(scope="session")
def security_app(app: Flask, database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """create_app's app once it registers the journal view, else one of ours with it."""
    files = str(tmp_path_factory.mktemp("security-files"))
    application = make_test_app(database_url, UPRAVA_FILES_DIR=files)
    with application.app_context():
        if not any(isinstance(view, PersonalDataAccessView) for view in application.appbuilder.baseviews):
            register(application.appbuilder)
    return application


@pytest.fixture
def sec_app(security_app: Flask) -> Iterator[Flask]:
    """The security app on the freshly restored database."""
    with security_app.app_context():
        db.engine.dispose()  # no pooled connection to the database file the snapshot replaced
    yield security_app
    with security_app.app_context():
        db.session.remove()


@pytest.fixture
def world(sec_app: Flask) -> World:
    return build_world(sec_app)


def files_dir(app: Flask) -> Path:
    return Path(app.config["UPRAVA_FILES_DIR"])
