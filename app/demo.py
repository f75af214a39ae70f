"""Demo data for development: users for every role with documented passwords.

Never loaded by production (`DEMO_DATA_ALLOWED` is False there). Each domain
extends `load_demo()` with its own records.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from .extensions import db
from .org.services import body_by_code, district_by_code, seed_reference, set_profile
from .security import (
    ADMIN,
    APPEALS_CLERK,
    BODY_CLERK,
    CONTROL_OFFICER,
    DEPUTY_HEAD,
    DISTRICT_CLERK,
    EVENTS_COORDINATOR,
    HOUSING_OFFICER,
    PLANS_COORDINATOR,
    SUPERVISOR,
    ScopeLevel,
)

#: The one documented demo password (README). Development only.
DEMO_PASSWORD = "Uprava-Demo-2026"


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role: str
    body: str
    position: str
    scope: ScopeLevel
    district: str | None = None


DEMO_USERS = [
    DemoUser("admin", "Ирина", "Соколова", ADMIN, "adm", "Администратор системы", ScopeLevel.CITY),
    DemoUser(
        "supervisor",
        "Олег",
        "Васильев",
        SUPERVISOR,
        "docs",
        "Начальник управления документационного обеспечения",
        ScopeLevel.CITY,
    ),
    DemoUser(
        "deputy",
        "Сергей",
        "Кузнецов",
        DEPUTY_HEAD,
        "adm",
        "Заместитель Главы города по ЖКХ",
        ScopeLevel.SUPERVISED,
    ),
    DemoUser(
        "appeals",
        "Елена",
        "Морозова",
        APPEALS_CLERK,
        "appeals",
        "Главный специалист отдела по работе с обращениями",
        ScopeLevel.CITY,
    ),
    DemoUser(
        "control",
        "Наталья",
        "Павлова",
        CONTROL_OFFICER,
        "docs",
        "Ведущий специалист по контролю",
        ScopeLevel.CITY,
    ),
    DemoUser("plans", "Андрей", "Лебедев", PLANS_COORDINATOR, "adm", "Консультант по планированию", ScopeLevel.CITY),
    DemoUser(
        "housing",
        "Татьяна",
        "Новикова",
        HOUSING_OFFICER,
        "uzhil",
        "Главный специалист по учёту жилья",
        # The city's housing department works every district's cases and premises.
        ScopeLevel.CITY,
    ),
    DemoUser(
        "events",
        "Марина",
        "Фёдорова",
        EVENTS_COORDINATOR,
        "culture",
        "Специалист по мероприятиям",
        # The programme's coordinator enters every organiser's events, in every district.
        ScopeLevel.CITY,
    ),
    DemoUser(
        "zavodskoy",
        "Ольга",
        "Иванова",
        DISTRICT_CLERK,
        "district-zavodskoy",
        "Специалист администрации Заводского района",
        ScopeLevel.DISTRICT,
        "zavodskoy",
    ),
    DemoUser(
        "central",
        "Дмитрий",
        "Смирнов",
        DISTRICT_CLERK,
        "district-central",
        "Специалист администрации Центрального района",
        ScopeLevel.DISTRICT,
        "central",
    ),
    DemoUser(
        "udkh",
        "Павел",
        "Григорьев",
        BODY_CLERK,
        "udkh",
        "Инженер отдела благоустройства УДКХиБ",
        ScopeLevel.BODY,
    ),
    DemoUser(
        "culture",
        "Светлана",
        "Орлова",
        BODY_CLERK,
        "culture",
        "Главный методист управления культуры",
        ScopeLevel.BODY,
    ),
]

#: Bodies the demo deputy head supervises (his row scope).
DEPUTY_SUPERVISES = ("kgkh", "udkh", "uzhil")


def load_demo() -> list[str]:
    """Create demo users with profiles (idempotent). Returns the usernames created."""
    if not current_app.config.get("DEMO_DATA_ALLOWED"):
        raise RuntimeError("Demo data is disabled in this configuration (production).")
    seed_reference()
    sm = current_app.appbuilder.sm
    created = []
    for demo in DEMO_USERS:
        user = sm.find_user(username=demo.username)
        if user is None:
            user = sm.add_user(
                username=demo.username,
                first_name=demo.first_name,
                last_name=demo.last_name,
                email=f"{demo.username}@uprava.example",
                role=sm.find_role(demo.role),
                password=DEMO_PASSWORD,
            )
            if not user:
                raise RuntimeError(f"could not create demo user {demo.username}")
            created.append(demo.username)
        district = district_by_code(demo.district) if demo.district else None
        set_profile(user, body_by_code(demo.body), demo.position, demo.scope, district)
        if demo.role == DEPUTY_HEAD:
            for code in DEPUTY_SUPERVISES:
                body_by_code(code).supervisor_id = user.id
    db.session.flush()
    return created
