"""A plan from XLSX/CSV (the Word table pasted into Excel) through the platform's import."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from flask import Flask, g
from flask_login import login_user
from openpyxl import Workbook
from sqlalchemy import func, select

from app.core.imports import Options, check, guess_mapping, load, read_sheet
from app.extensions import db
from app.plans.imports import PLANS_IMPORT
from app.plans.models import Plan, PlanItem, PlanStatus
from app.security import current_visibility
from tests.conftest import login_client, make_test_app
from tests.plans import factories as f

SAMPLE = Path(__file__).resolve().parents[2] / "app" / "plans" / "data" / "plans_import_sample.csv"
D = dt.date


def _as(app: Flask, username: str):
    context = app.test_request_context("/")
    context.push()
    user = f.user(app, username)
    login_user(user)
    g.user = user
    return context


def _check(data: bytes, name: str, plan: Plan):
    sheet = read_sheet(data, name, PLANS_IMPORT.known_headers())
    return check(PLANS_IMPORT, sheet, Options(guess_mapping(PLANS_IMPORT, sheet), {"plan": plan}), current_visibility())


def _xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_the_sample_file_loads_as_items_of_the_chosen_plan_and_again_adds_nothing(app):
    context = _as(app, "plans")
    try:
        plan = f.plan(2027)
        checked = _check(SAMPLE.read_bytes(), "sample.csv", plan)
        assert checked.problems == []
        load(PLANS_IMPORT, checked, filename="sample.csv", sha256="1" * 64, user=g.user)
        db.session.commit()
        items = db.session.scalars(
            select(PlanItem).where(PlanItem.plan_id == plan.id).order_by(PlanItem.position)
        ).all()
        assert [(i.section.code, i.seq, i.due_date, i.form) for i in items] == [
            ("council", 1, D(2027, 3, 31), "draft_decision"),
            ("collegium", 1, D(2027, 4, 30), "report"),
            ("city_events", 1, D(2027, 4, 30), "event"),
        ]
        assert [b.code for b in items[2].co_executors] == ["district-zavodskoy", "district-central"]
        assert items[0].supervisor.username == "deputy"  # the housing committee's deputy head
        again = _check(SAMPLE.read_bytes(), "sample.csv", plan)
        assert (again.total, again.skipped, len(again.new_rows)) == (3, 3, 0)
    finally:
        context.pop()


def test_every_bad_row_is_reported_and_nothing_is_loaded(app):
    context = _as(app, "plans")
    try:
        annual = f.plan(2027)
        quarter = f.plan(2027, 1)
        f.item(quarter, "udkh", 1, "council")  # number 1 of section I is taken
        rows = [
            ["Раздел", "№ п/п", "Вопрос (мероприятие)", "Срок", "Ответственный орган", "Соисполнители"],
            ["I", 1, "Номер занят", "январь", "УДКХиБ", ""],
            ["VII", "", "Нет раздела", "январь", "УДКХиБ", ""],
            ["II", "", "Срок вне квартала", "май", "УДКХиБ", ""],
            ["II", "", "Нет органа", "февраль", "Министерство чудес", ""],
            ["II", "", "Чужой соисполнитель", "февраль", "УДКХиБ", "Комитет по делам луны"],
            ["II", "", "Не срок", "когда-нибудь", "УДКХиБ", ""],
            ["II", "", "Хороший", "15.02.2027", "УДКХиБ", ""],
        ]
        checked = _check(_xlsx(rows), "plan.xlsx", quarter)
        found = sorted((p.row, p.column) for p in checked.problems)
        assert found == [
            (2, "№ п/п"),
            (3, "Раздел"),
            (4, "Срок"),
            (5, "Ответственный орган"),
            (6, "Соисполнители"),
            (7, "Срок"),
        ]
        reasons = {p.row: p.reason for p in checked.problems}
        assert reasons[2] == "Пункт 1 в этом разделе плана уже есть"
        assert reasons[4].startswith("Месяц должен быть в периоде плана: с 01.01.2027 по 31.03.2027")
        assert checked.rows == [] and annual.items == []
    finally:
        context.pop()


def test_a_body_clerk_cannot_load_another_bodys_items(app):
    context = _as(app, "udkh")
    try:
        plan = f.plan(2027)
        rows = [["Раздел", "Вопрос", "Срок", "Ответственный орган"], ["I", "Чужой пункт", "март", "КУМИ"]]
        checked = _check(_xlsx(rows), "plan.xlsx", plan)
        assert [p.reason for p in checked.problems] == [
            "Орган «Комитет по управлению муниципальным имуществом» вне вашей области видимости: "
            "такой пункт загрузить нельзя"
        ]
    finally:
        context.pop()


@pytest.fixture(scope="session")
def job_app(app: Flask, database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Flask:
    return make_test_app(database_url, UPRAVA_FILES_DIR=str(tmp_path_factory.mktemp("plans-import")))


def test_the_coordinator_imports_a_plan_through_the_pages(job_app):
    with job_app.app_context():
        plan = f.plan(2027, status=PlanStatus.DRAFT)
        db.session.commit()
        plan_id = plan.id
    client = login_client(job_app, "plans")
    upload = client.post("/plans/import/", data={"file": (io.BytesIO(SAMPLE.read_bytes()), "План.csv")})
    assert upload.status_code == 302
    mapping_url = upload.headers["Location"]
    page = client.get(mapping_url).text
    assert "План по умолчанию" in page and "План работы администрации города Новокузнецка на 2027 год" in page
    data = {}
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        selected = re.search(r'<option selected value="([^"]*)"', body) or re.search(r'value="([^"]*)" selected', body)
        data[name] = selected.group(1) if selected else ""
    data.update({"default_plan": str(plan_id), "action": "import"})
    started = client.post(mapping_url, data=data)
    assert started.status_code == 302, started.text[-2000:]
    result = client.get(started.headers["Location"]).text
    assert "загружено пунктов плана — 3" in result
    with job_app.app_context():
        assert db.session.scalar(select(func.count()).where(PlanItem.plan_id == plan_id)) == 3
    assert login_client(job_app, "udkh").get("/plans/import/").status_code == 403
