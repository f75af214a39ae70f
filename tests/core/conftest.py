"""An app that also serves the test-only legal record (tests/fake_models.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from app.extensions import db
from tests.conftest import login_client, make_test_app
from tests.fake_models import FakeRecord, FakeRecordApi, FakeRecordView, FakeTaskApi, FakeTaskView

CLERK_PASSWORD = "Record-Clerk-2026"


@pytest.fixture(scope="session")
def record_app(app: Flask, database_url: str) -> Iterator[Flask]:
    application = make_test_app(database_url)
    with application.app_context():
        application.appbuilder.add_view(FakeRecordView, "FakeRecords", category="Test")
        application.appbuilder.add_api(FakeRecordApi)
        application.appbuilder.add_view_no_menu(FakeTaskView)
        application.appbuilder.add_api(FakeTaskApi)
    yield application


@pytest.fixture
def records(record_app: Flask) -> Flask:
    """The test_record table, and a clerk of the Заводской district who may read and write (not delete) it."""
    from sqlalchemy import select

    from app.org.models import Body
    from app.org.services import set_profile
    from app.security import ScopeLevel

    with record_app.app_context():
        FakeRecord.__table__.create(db.engine, checkfirst=True)
        sm = record_app.appbuilder.sm
        role = sm.add_role("RecordClerk")
        for perm in ("can_read", "can_write"):
            sm.add_permission_role(role, sm.add_permission_view_menu(perm, "FakeRecord"))
        user = sm.add_user("rclerk", "Рита", "Клеркова", "rc@example.org", role, CLERK_PASSWORD)
        body = db.session.scalar(select(Body).where(Body.code == "district-zavodskoy"))
        set_profile(user, body, "Специалист", ScopeLevel.DISTRICT)
        db.session.commit()
    return record_app


@pytest.fixture
def clerk(records: Flask):
    return login_client(records, "rclerk", CLERK_PASSWORD)
