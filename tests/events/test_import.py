"""Import of a programme's events from its spreadsheet: the whole file is checked, a good one loaded through the
services (local times, organiser, format), loaded rows skipped; the row scope holds."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from flask import Flask, g
from sqlalchemy import func, select

from app.core.imports import Options, check, guess_mapping, load, read_sheet
from app.events.imports import EVENTS_IMPORT
from app.events.models import Event, EventProgramme
from app.extensions import db
from app.org.services import body_by_code, set_profile
from app.security import ScopeLevel, current_visibility
from tests.conftest import login_client, make_test_app
from tests.events.factory import programme

SAMPLE = Path(__file__).resolve().parents[2] / "app" / "events" / "data" / "events_import_sample.csv"
HEADER = "Мероприятие;Дата начала;Время начала;Дата окончания;Время окончания;Район;Орган;Сторонний организатор;Формат"


def _check(app: Flask, text: str, username: str = "events", programme_id: int | None = None, save: bool = False):
    """Check the file as `username` (the default programme chosen); with `save`, load it too and commit."""
    data = text.encode("utf-8")
    with app.test_request_context():
        g.user = app.appbuilder.sm.find_user(username=username)
        sheet = read_sheet(data, "plan.csv", EVENTS_IMPORT.known_headers())
        defaults = {"programme": db.session.get(EventProgramme, programme_id)} if programme_id else {}
        plan = check(EVENTS_IMPORT, sheet, Options(guess_mapping(EVENTS_IMPORT, sheet), defaults), current_visibility())
        if save:
            load(EVENTS_IMPORT, plan, filename="plan.csv", sha256="x", user=g.user)
            db.session.commit()
        return plan, sheet


@pytest.fixture
def plan_id(app: Flask) -> int:
    with app.app_context():
        pk = programme().id
        db.session.commit()
        return pk


def test_the_sample_file_loads_with_local_times_and_its_organisers(app, plan_id):
    plan, _sheet = _check(app, SAMPLE.read_text(encoding="utf-8-sig"), programme_id=plan_id, save=True)
    assert plan.problems == [] and len(plan.rows) == 3
    with app.app_context():
        events = {e.title: e for e in db.session.scalars(select(Event))}
        opening = events["Торжественное открытие Года памяти и славы"]
        assert (opening.starts_at, opening.ends_at) == (dt.datetime(2020, 1, 17, 8, 0), dt.datetime(2020, 1, 17, 10, 0))
        assert (opening.organiser_body.code, opening.district.name, opening.participants_planned) == (
            "culture",
            "Центральный",
            600,
        )
        exhibition = events["Выставка «Кузнецк — фронту»"]
        # No times: the whole of each day, 20 April to 10 May, by an outside organisation, in a mixed format.
        assert (exhibition.start_date, exhibition.end_date) == (dt.date(2020, 4, 20), dt.date(2020, 5, 10))
        assert (exhibition.organiser_body, exhibition.organiser_name, exhibition.planned_format) == (
            None,
            "МАУК «Новокузнецкий краеведческий музей»",
            "mixed",
        )
    # Loaded again: every row is already there and skipped.
    again, _ = _check(app, SAMPLE.read_text(encoding="utf-8-sig"), programme_id=plan_id)
    assert again.skipped == 3


def test_every_bad_row_is_reported_with_its_reason_and_nothing_is_loaded(app, plan_id):
    text = "\n".join(
        [
            HEADER,
            "Митинг;09.05.2020;10:00;;;Центральный;Управление культуры;;очно",
            "Концерт;31.02.2020;;;;;Управление культуры;;очно",
            "Парад;09.05.2020;25:00;;;;Управление культуры;;очно",
            "Акция;09.05.2020;10:00;08.05.2020;;;Управление культуры;;очно",
            "Акция 2;09.05.2020;;;;;Нет такого органа;;очно",
            "Акция 3;09.05.2020;;;;;Управление культуры;Совет ветеранов;очно",
            "Акция 4;09.05.2020;;;;;;;по телевизору",
            "Митинг;09.05.2020;10:00;;;Центральный;Управление культуры;;очно",
        ]
    )
    plan, _sheet = _check(app, text, programme_id=plan_id)
    reasons = {(p.row, p.reason) for p in plan.problems}
    assert plan.rows == []
    expected = {
        (3, "Дата должна быть в формате ДД.ММ.ГГГГ, например 01.05.2024"),
        (4, "Время — в виде ЧЧ:ММ, например 10:00"),
        (5, "Окончание раньше начала мероприятия"),
        (6, "Нет такого органа администрации: стороннюю организацию укажите в своём столбце"),
        (7, "Укажите организатора один раз: орган или стороннюю организацию"),
        (8, "Формат — очно, онлайн или смешанный"),
        (9, "Это мероприятие уже есть в файле выше (та же программа, название и дата)"),
    }
    assert expected <= reasons, reasons - expected
    assert not any(row == 2 for row, _reason in reasons)


def test_a_file_without_a_programme_asks_for_the_default_one(app, plan_id):
    plan, _ = _check(app, f"{HEADER}\nМитинг;09.05.2020;10:00;;;Центральный;Управление культуры;;очно")
    assert [p.reason for p in plan.problems] == ["Не указана программа: выберите программу по умолчанию"]


def test_a_body_scoped_user_cannot_load_events_of_another_organiser(app, plan_id):
    """The coordinating body's clerk keeps the programme, but a BODY-scoped user names only its own bodies."""
    with app.app_context():
        sm = app.appbuilder.sm
        user = sm.add_user(
            "plan_clerk", "Анна", "Планова", "pc@example.org", sm.find_role("EventsCoordinator"), "Plan-Clerk-2026"
        )
        set_profile(user, body_by_code("culture"), "Специалист", ScopeLevel.BODY)
        db.session.commit()
    rows = (
        "Эстафета;09.05.2020;10:00;;;;Управление спорта;;очно",
        "Концерт;09.05.2020;12:00;;;;Управление культуры;;очно",
    )
    text = "\n".join((HEADER, *rows))
    plan, _ = _check(app, text, username="plan_clerk", programme_id=plan_id)
    assert [(p.row, p.reason) for p in plan.problems] == [
        (
            2,
            "Орган «Управление по физической культуре и спорту» вне вашей области видимости: "
            "такое мероприятие загрузить нельзя",
        )
    ]


@pytest.fixture(scope="session")
def import_app(app: Flask, database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Flask:
    return make_test_app(database_url, UPRAVA_FILES_DIR=str(tmp_path_factory.mktemp("files-events-import")))


def test_the_coordinator_imports_the_plan_through_the_pages(import_app, plan_id):
    client = login_client(import_app, "events")
    assert "Загрузка мероприятий из файла" in client.get("/events/import/").text
    response = client.post(
        "/events/import/",
        data={"file": (io.BytesIO(SAMPLE.read_bytes()), "План.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    mapping_url = response.headers["Location"]
    page = client.get(mapping_url).text
    data = {}
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r'<option selected value="([^"]*)"', body) or re.search(r'value="([^"]*)" selected', body)
        data[name] = chosen.group(1) if chosen else ""
    data.update({"default_programme": str(plan_id), "action": "import"})
    done = client.post(mapping_url, data=data)
    assert done.status_code == 302, done.text[:2000]
    result = client.get(done.headers["Location"]).text
    assert "мероприятий" in result
    with import_app.app_context():
        assert db.session.scalar(select(func.count(Event.id))) == 3
    assert login_client(import_app, "supervisor").get("/events/import/").status_code == 403
