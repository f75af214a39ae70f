"""Test fixtures: one app per session, a pristine migrated database per test.

The database is built once through the real migrations + `flask app init` + demo
data, snapshotted (a file copy on SQLite, a template database on PostgreSQL) and
restored before every test. TEST_DATABASE_URL selects PostgreSQL (make test-pg).
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import flask_migrate
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app import create_app
from app.cli import initialise
from app.core import lists
from app.demo import DEMO_PASSWORD, load_demo
from app.extensions import db
from config import TestingConfig


class Snapshot:
    """Saves the freshly built database once and restores it before each test."""

    def __init__(self, url: str, workdir: Path) -> None:
        self.url = make_url(url)
        self.workdir = workdir
        self.is_pg = self.url.get_backend_name() == "postgresql"

    def _admin(self) -> Any:
        return create_engine(self.url.set(database="postgres"), isolation_level="AUTOCOMMIT")

    def save(self) -> None:
        if self.is_pg:
            engine = self._admin()
            with engine.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{self.url.database}_tpl"'))
                conn.execute(text(f'CREATE DATABASE "{self.url.database}_tpl" TEMPLATE "{self.url.database}"'))
            engine.dispose()
        else:
            shutil.copyfile(self.url.database, self.workdir / "template.sqlite")

    def restore(self) -> None:
        if self.is_pg:
            engine = self._admin()
            with engine.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{self.url.database}" WITH (FORCE)'))
                conn.execute(text(f'CREATE DATABASE "{self.url.database}" TEMPLATE "{self.url.database}_tpl"'))
            engine.dispose()
        else:
            shutil.copyfile(self.workdir / "template.sqlite", self.url.database)


#: Under pytest-xdist (make test: -n 2) each worker process has its own database and instance folder.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
_WORKER_INSTANCE = tempfile.mkdtemp(prefix=f"uprava-{WORKER}-") if WORKER else None
if _WORKER_INSTANCE:
    atexit.register(shutil.rmtree, _WORKER_INSTANCE, ignore_errors=True)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        # tmp_path_factory is already per worker.
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"
    if not WORKER:
        return url
    worker_url = make_url(url).set(database=f"{make_url(url).database}_{WORKER}")
    admin = create_engine(worker_url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{worker_url.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{worker_url.database}"'))
    admin.dispose()
    return worker_url.render_as_string(hide_password=False)


#: Every app built on the test database: their pooled connections are closed before a restore.
_APPS: list[Flask] = []


def make_test_app(database_url: str, **overrides: Any) -> Flask:
    """A TestingConfig app on the given database, with optional config overrides."""
    attrs = {"SQLALCHEMY_DATABASE_URI": database_url, **overrides}
    if _WORKER_INSTANCE:
        # Files (attachments, documents, uploads) of one worker never meet another's.
        attrs.setdefault("INSTANCE_DIR", _WORKER_INSTANCE)
    config = type("TestConfig", (TestingConfig,), attrs)
    application = create_app(config)
    _APPS.append(application)
    return application


@pytest.fixture(scope="session")
def app(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    application = make_test_app(database_url)
    with application.app_context():
        flask_migrate.upgrade()
        initialise()
        load_demo()
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    snapshot = Snapshot(database_url, tmp_path_factory.mktemp("snapshot"))
    snapshot.save()
    application.extensions["uprava_snapshot"] = snapshot
    yield application
    for built in _APPS:
        with built.app_context():
            db.session.remove()
            db.engine.dispose()  # no pooled connection left for the garbage collector


@pytest.fixture(autouse=True)
def pristine_database(app: Flask) -> Iterator[None]:
    """Every test starts from the same migrated + initialised + demo database."""
    for application in _APPS:
        with application.app_context():
            db.session.remove()
            db.engine.dispose()
    app.extensions["uprava_snapshot"].restore()
    # What a process learned of its users' sights (app.core.lists) belongs to the database it learned it on.
    lists._SIGHTS.clear()
    lists._OVER.clear()
    for application in _APPS:
        application.appbuilder.sm.limiter.reset()
    yield
    for application in _APPS:
        with application.app_context():
            db.session.remove()


@pytest.fixture
def app_ctx(app: Flask) -> Iterator[Flask]:
    with app.app_context():
        yield app


def login_client(app: Flask, username: str, password: str = DEMO_PASSWORD) -> FlaskClient:
    client = app.test_client()
    response = client.post("/login/", data={"username": username, "password": password})
    assert response.status_code == 302, response.text[:500]
    assert "/login" not in response.headers["Location"], f"login failed for {username}"
    return client


@pytest.fixture
def login(app: Flask) -> Callable[..., FlaskClient]:
    """login("zavodskoy") -> a test client with that user's session."""
    return lambda username, password=DEMO_PASSWORD: login_client(app, username, password)
