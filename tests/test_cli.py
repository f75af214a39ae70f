"""`flask app init | demo | create-user`."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.org.models import Body, District
from app.security import BUILTIN_ROLES
from config import ProductionConfig


def _counts(sm):
    return {
        "roles": db.session.scalar(select(func.count()).select_from(sm.role_model)),
        "pvs": db.session.scalar(select(func.count()).select_from(sm.permissionview_model)),
        "views": db.session.scalar(select(func.count()).select_from(sm.viewmenu_model)),
        "districts": db.session.scalar(select(func.count()).select_from(District)),
        "bodies": db.session.scalar(select(func.count()).select_from(Body)),
    }


def test_init_twice_is_harmless(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["app", "init"])
    assert first.exit_code == 0, first.output
    with app.app_context():
        before = _counts(app.appbuilder.sm)
    second = runner.invoke(args=["app", "init"])
    assert second.exit_code == 0, second.output
    assert "+0 districts, +0 bodies" in second.output
    with app.app_context():
        after = _counts(app.appbuilder.sm)
        names = {r.name for r in app.appbuilder.sm.get_all_roles()}
        regex_rows = db.session.scalar(
            select(func.count())
            .select_from(app.appbuilder.sm.viewmenu_model)
            .where(app.appbuilder.sm.viewmenu_model.name.like("^%"))
        )
    assert before == after
    assert after["districts"] == 6
    assert set(BUILTIN_ROLES) <= names
    assert regex_rows == 0


def test_init_creates_the_personal_data_permission(app_ctx):
    sm = app_ctx.appbuilder.sm
    assert sm.find_permission_view_menu("can_access", "PersonalData") is not None


def test_six_districts_of_novokuznetsk_are_seeded(app_ctx):
    names = set(db.session.scalars(select(District.name)))
    assert names == {
        "Центральный",
        "Кузнецкий",
        "Заводской",
        "Куйбышевский",
        "Новоильинский",
        "Орджоникидзевский",
    }
    district_admins = db.session.scalars(select(Body).where(Body.kind == "district_administration")).all()
    assert len(district_admins) == 6
    assert all(body.district_id is not None for body in district_admins)


def test_create_user_enforces_password_policy(app):
    runner = app.test_cli_runner()
    args = [
        "app",
        "create-user",
        "--username",
        "petrov",
        "--first-name",
        "Пётр",
        "--last-name",
        "Петров",
        "--email",
        "petrov@example.org",
        "--role",
        "Supervisor",
    ]
    weak = runner.invoke(args=[*args, "--password", "12345"])
    assert weak.exit_code != 0
    assert "Пароль слишком простой" in weak.output
    strong = runner.invoke(args=[*args, "--password", "Novokuznetsk-2026"])
    assert strong.exit_code == 0, strong.output
    with app.app_context():
        user = app.appbuilder.sm.find_user(username="petrov")
        assert [r.name for r in user.roles] == ["Supervisor"]


def test_demo_data_is_refused_in_production(app, monkeypatch):
    monkeypatch.setitem(app.config, "DEMO_DATA_ALLOWED", False)
    result = app.test_cli_runner().invoke(args=["app", "demo"])
    assert result.exit_code != 0
    assert "disabled" in result.output


def test_production_refuses_to_start_without_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        ProductionConfig.validate()
