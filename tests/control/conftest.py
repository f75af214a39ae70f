"""Factories of the control tests: instructions and documents through the services, on the demo users."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask, g

from app.control.models import Correspondent, CorrespondentKind, Direction, Document, Instruction
from app.control.reference import kind_by_code
from app.control.services import put_on_control, register_document
from app.extensions import db
from app.org.services import body_by_code

D = dt.date


def user(app: Flask, username: str) -> Any:
    return app.appbuilder.sm.find_user(username=username)


def new_instruction(app: Flask, **overrides: Any) -> Instruction:
    """An instruction of the demo deputy head to УДКХиБ, controlled by the demo control officer."""
    fields: dict[str, Any] = {
        "text": "Обеспечить ремонт дороги по ул. Кирова",
        "responsible_body": body_by_code("udkh"),
        "controller": user(app, "control"),
        "issued_by": user(app, "deputy"),
        "issued_on": D(2025, 3, 3),
        "reg_date": D(2025, 3, 3),
        "deadline": D(2025, 4, 15),
    }
    fields.update(overrides)
    return put_on_control(**fields)


def correspondent(name: str = "Правительство Кузбасса", kind: str = CorrespondentKind.HIGHER_BODY) -> Correspondent:
    """An organisation correspondent (found by name, or added)."""
    found = db.session.query(Correspondent).filter_by(name=name).first()
    if found is None:
        found = Correspondent(kind=str(kind), name=name)
        db.session.add(found)
        db.session.flush()
    return found


def new_document(**overrides: Any) -> Document:
    """An incoming letter of the regional government, registered by the documentation department for УДКХиБ."""
    fields: dict[str, Any] = {
        "correspondent": correspondent(),
        "corr_number": "01-12/345",
        "corr_date": D(2025, 2, 27),
        "direction": Direction.INCOMING,
        "kind": kind_by_code("letter"),
        "registering_body": body_by_code("docs"),
        "addressee_body": body_by_code("udkh"),
        "summary": "О ремонте дорог",
        "reg_date": D(2025, 3, 3),
    }
    fields.update(overrides)
    return register_document(**fields)


@pytest.fixture
def as_user(app: Flask) -> Callable[[str], Any]:
    """Run service calls in a request context as a demo user (the services read the request's user)."""

    def enter(username: str) -> Any:
        context = app.test_request_context()
        context.push()
        g.user = user(app, username)
        entered.append(context)
        return g.user

    entered: list[Any] = []
    yield enter
    for context in reversed(entered):
        db.session.remove()
        context.pop()
