"""Monitoring reports on small known datasets: repeats (R-A6), receptions (R-A7), ПОС terms (R-A8), ССТУ (R-A9)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
from flask import current_app
from sqlalchemy import select

from app.appeals import report_views, reports
from app.appeals.models import AppealKind
from app.appeals.receptions import Reception, ReceptionFormat, ReceptionVisit, add_visit, register_appeal_from_visit
from app.appeals.reference.models import PosCategory
from app.core.reports import Table, preview
from app.core.services import annul
from app.extensions import db
from app.org.services import body_by_code
from tests.appeals.test_reports import HOUSING, IMPROVEMENT, YEAR_2025, _answer, _appeal, build_dataset
from tests.conftest import login_client

TODAY = dt.date(2025, 7, 1)


def _repeats_dataset() -> None:
    lenina = {"applicant_first_name": "Иван", "applicant_address": "ул. Ленина, 5-1"}
    first = _appeal(dt.date(2025, 2, 10), (HOUSING,), problem_address="ул. Ленина, 5", **lenina)
    second = _appeal(dt.date(2025, 2, 20), (HOUSING,), problem_address="УЛ. ЛЕНИНА, 5 ", **lenina)
    second.applicant_last_name, second.is_repeat, second.previous_appeal = "петров", True, first
    third = _appeal(dt.date(2025, 3, 5), (HOUSING,), problem_address="ул. Ленина, 5", applicant_last_name="Кузнецова")
    third.is_repeat = True
    _appeal(
        dt.date(2025, 3, 3),
        (IMPROVEMENT,),
        problem_address="пр. Металлургов, 1",
        applicant_last_name="Сидорова",
        kind=AppealKind.COLLECTIVE.value,
        signatories=12,
    )
    _appeal(dt.date(2025, 3, 4), (IMPROVEMENT,), problem_address="пр. Металлургов, 1", is_anonymous=True)
    annul(_appeal(dt.date(2025, 3, 6), (HOUSING,), problem_address="ул. Ленина, 5"), "Ошибочная регистрация")
    db.session.flush()


def test_repeats_count_repeat_collective_and_anonymous_and_group_addresses_ignoring_case(app_ctx):
    _repeats_dataset()
    report = reports.repeats(YEAR_2025)
    totals = (report.appeals, report.repeat, report.duplicate, report.collective, report.signatories, report.anonymous)
    assert totals == (5, 2, 0, 1, 12, 1)  # the annulled sixth appeal counts nowhere
    assert [(r.appeals, r.repeat) for r in report.addresses] == [(3, 2), (2, 0)]
    assert report.addresses[0].name.lower() == "ул. ленина, 5" and report.addresses[1].name == "пр. Металлургов, 1"
    assert report.applicants is None  # without the personal-data right no applicant is named


def test_repeat_applicants_are_named_only_with_the_personal_data_right(app_ctx):
    _repeats_dataset()
    applicants = reports.repeats(YEAR_2025, personal=True).applicants
    assert [(r.name, r.appeals, r.repeat) for r in applicants] == [("Петров Иван, ул. Ленина, 5-1", 2, 1)]


def _reception(username: str, body: str, date: dt.date) -> Reception:
    reception = Reception(
        official=current_app.appbuilder.sm.find_user(username=username),
        body=body_by_code(body),
        date=date,
        time_from="10:00",
        place="ул. Франкфурта, 9",
        format=ReceptionFormat.OFFICE.value,
    )
    db.session.add(reception)
    db.session.flush()
    return reception


def _visit(reception: Reception, **fields) -> ReceptionVisit:
    return add_visit(reception, visitor_last_name="Орлова", classifier_code=HOUSING, questions="Ремонт", **fields)


def test_receptions_count_days_visits_oral_answers_and_appeals_per_official(app_ctx):
    zavodskoy = _reception("deputy", "district-zavodskoy", dt.date(2025, 3, 3))
    _visit(zavodskoy, oral_answer_given=True, answer="Разъяснён порядок")
    register_appeal_from_visit(_visit(zavodskoy), body_by_code("district-zavodskoy"), "Ремонт подъезда")
    _reception("deputy", "district-zavodskoy", dt.date(2025, 3, 10))  # nobody came
    _visit(_reception("deputy", "district-central", dt.date(2025, 4, 1)))
    _visit(_reception("deputy", "district-central", dt.date(2026, 1, 15)))  # outside the period
    rows, total = reports.receptions(YEAR_2025)
    assert [(r.body, r.receptions, r.visits, r.oral_answers, r.appeals) for r in rows] == [
        ("Администрация Заводского района", 2, 2, 1, 1),
        ("Администрация Центрального района", 1, 1, 0, 0),
    ]
    assert (total.receptions, total.visits, total.oral_answers, total.appeals) == (3, 3, 1, 1)
    central = body_by_code("district-central")
    only_central = reports.ReportFilter(YEAR_2025.date_from, YEAR_2025.date_to, district_id=central.district_id)
    assert reports.receptions(only_central)[1].visits == 1


def test_pos_terms_per_category_with_the_median_in_working_days(app_ctx):
    housing, roads = db.session.scalars(select(PosCategory).order_by(PosCategory.id).limit(2)).all()
    march_3 = dt.date(2025, 3, 3)  # Monday; 08.03.2025 (Saturday) is a holiday, 10.03 a working Monday
    for answered_on, category in (
        (dt.date(2025, 3, 7), housing),  # 4 working days
        (dt.date(2025, 3, 14), housing),  # 9
        (dt.date(2025, 3, 20), housing),  # 13: after the 10-day term (17.03)
        (dt.date(2025, 3, 5), roads),  # 2
    ):
        _answer(_appeal(march_3, (HOUSING,), channel="pos", pos_category=category), answered_on, "explained")
    _appeal(march_3, (HOUSING,), channel="pos")  # no category, open, overdue by July
    _answer(_appeal(march_3, (HOUSING,)), dt.date(2025, 3, 5), "explained")  # a letter: not ПОС
    report = reports.pos_sla(YEAR_2025, today=TODAY)
    rows = {
        r.category: (r.received, r.answered, r.answered_in_time, r.overdue_open, r.median_working_days)
        for r in report.rows
    }
    assert rows == {
        housing.name: (3, 3, 2, 0, Decimal("9.0")),
        roads.name: (1, 1, 1, 0, Decimal("2.0")),
        None: (1, 0, 0, 1, None),
    }
    assert report.rows[-1].category is None  # the uncategorised last
    t = report.total
    assert (t.received, t.answered, t.answered_in_time, t.overdue_open) == (5, 4, 3, 1)
    assert t.median_working_days == Decimal("6.5")  # (4 + 9) / 2 over 2, 4, 9, 13
    assert t.in_time_percent == Decimal("75.0")


def test_sstu_lists_every_question_registered_or_considered_in_the_period_with_its_status(app_ctx):
    build_dataset()
    rows = reports.sstu(YEAR_2025)
    assert [(r.reg_date, r.code, r.status, r.result) for r in rows] == [
        (dt.date(2024, 12, 20), IMPROVEMENT, "Рассмотрено. Разъяснено", "Разъяснено"),  # answered in 2025
        (dt.date(2025, 3, 3), HOUSING, "Рассмотрено. Поддержано", "Поддержано"),
        (dt.date(2025, 3, 3), IMPROVEMENT, "Рассмотрено. Разъяснено", "Разъяснено"),
        (dt.date(2025, 3, 10), HOUSING, "Рассмотрено. Не поддержано", "Не поддержано"),
        (dt.date(2025, 4, 14), IMPROVEMENT, "Рассмотрение продлено", None),
        (dt.date(2025, 5, 5), HOUSING, "Находится на рассмотрении", None),
    ]
    assert all(r.name for r in rows) and not any(r.measures_taken for r in rows)
    april = reports.ReportFilter(dt.date(2025, 4, 1), dt.date(2025, 4, 30))
    # A2 registered in March is answered in April; A3 is registered in April.
    assert [r.reg_date for r in reports.sstu(april)] == [dt.date(2025, 3, 10), dt.date(2025, 4, 14)]
    assert reports.sstu_count(YEAR_2025) == 6


def test_sstu_page_shows_a_preview_and_the_xlsx_every_question(app, monkeypatch):
    with app.app_context():
        build_dataset()
        db.session.commit()
    monkeypatch.setattr(report_views.AppealReportsView, "preview_rows", 2)
    client = login_client(app, "supervisor")
    query = "?date_from=01.01.2025&date_to=31.12.2025"
    page = client.get(f"/appeals/reports/sstu{query}").text
    assert "показаны первые 2 из 6" in page
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(f"/appeals/reports/sstu/xlsx{query}").data)).active
    rows = [row for row in sheet.iter_rows(min_row=5, values_only=True) if row[0]]
    assert len(rows) == 6 and rows[0][5] == "Рассмотрено. Разъяснено" and rows[-1][5] == "Находится на рассмотрении"


def test_every_report_page_and_its_xlsx_open_for_a_supervisor_and_a_district_clerk(app):
    with app.app_context():
        build_dataset()
        db.session.commit()
    query = "?date_from=01.01.2025&date_to=31.12.2025"
    for username in ("supervisor", "zavodskoy"):
        client = login_client(app, username)
        for name in report_views.REPORTS:
            page = client.get(f"/appeals/reports/{name}{query}")
            assert page.status_code == 200 and "report-table" in page.text, (username, name)
            xlsx = client.get(f"/appeals/reports/{name}/xlsx{query}")
            assert (
                openpyxl.load_workbook(io.BytesIO(xlsx.data))
                .active["A1"]
                .value.startswith(str(report_views.REPORTS[name].title))
            )


def test_a_long_table_is_cut_on_the_page_with_its_total_line_kept():
    # The total is a declared line of the table (app/core/reports), not a row recognised by its label.
    rows = [[f"Канал {n}", n] for n in range(1, 8)]
    table = Table("Поступление", ["Канал", "Обращений"], rows, totals=[["Итого", 28]])
    cut = preview(table, 4)
    assert cut.rows == [["Канал 1", 1], ["Канал 2", 2], ["Канал 3", 3], ["Канал 4", 4]]
    assert cut.totals == [["Итого", 28]]
    assert cut.caption == "Поступление (показаны первые 4 из 7 — полностью в Excel)"
    assert preview(table, 7) is table
    plain = Table("Темы", ["Тема"], [[f"Т{n}"] for n in range(5)])
    assert [r[0] for r in preview(plain, 2).rows] == ["Т0", "Т1"]
