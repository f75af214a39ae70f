"""Statistics of appeals on a small known dataset: exact counts, shares and % on time (R-A1…R-A5)."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from flask import Flask
from sqlalchemy import select

from app.appeals import reports
from app.appeals.models import Appeal
from app.appeals.reference.classifier import assignable_query
from app.appeals.reference.models import AppealResult, Channel
from app.appeals.report_views import AppealReportsView, register
from app.appeals.services import (
    QuestionInput,
    answer_appeal,
    assign_executor,
    extend_appeal,
    register_appeal,
    set_result,
)
from app.core.services import annul
from app.extensions import db
from app.org.models import Official
from app.org.services import body_by_code, district_by_code
from app.security import scope_clause, visibility_for
from tests.conftest import login_client, make_test_app

HOUSING = "0005.0005.0055.1122"  # раздел 0005 «Жилищно-коммунальная сфера», тема 0005.0005.0055
IMPROVEMENT = "0003.0009.0097.0689"  # раздел 0003, тема 0003.0009.0097
HOUSING_THEME = "0005.0005.0055.0000"
IMPROVEMENT_THEME = "0003.0009.0097.0000"
YEAR_2025 = reports.ReportFilter(dt.date(2025, 1, 1), dt.date(2025, 12, 31))
TODAY = dt.date(2025, 7, 1)

LETTER = "Письменное обращение (почта, нарочно, канцелярия)"
POS = "ПОС «Госуслуги. Решаем вместе»"
APPEALS_DEPT = "Отдел по работе с обращениями граждан"
KGKH = "Комитет жилищно-коммунального хозяйства"
ZAVODSKOY_ADM = "Администрация Заводского района"


def _result(code: str) -> AppealResult:
    return db.session.scalar(select(AppealResult).where(AppealResult.code == code))


def _appeal(reg_date: dt.date, questions: tuple[str, ...], channel: str = "letter", body: str = "appeals", **fields):
    return register_appeal(
        channel=db.session.scalar(select(Channel).where(Channel.code == channel)),
        received_date=reg_date,
        reg_date=reg_date,
        summary="Обращение",
        receiving_body=body_by_code(body),
        questions=[QuestionInput(code) for code in questions],
        **{"applicant_last_name": "Петров", **fields},
    )


def _answer(appeal, on: dt.date, *results: str) -> None:
    for question, code in zip(appeal.questions, results, strict=True):
        set_result(question, _result(code))
    answer_appeal(appeal, "01-12/1", on, "post", "Кузнецов С. В.")


def build_dataset() -> None:
    """Six appeals: four count in 2025 by registration, five are due in 2025, one is annulled.

    A1 letter 03.03.2025, Отдел обращений, Заводской (applicant: Центральный), housing + improvement,
       answered 20.03 (due 02.04): on time; results supported, explained.
    A2 letter 10.03.2025, Отдел обращений → responsible КЖКХ, Центральный, housing, answered 15.04
       (due 09.04): late; not supported.
    A3 ПОС 14.04.2025, Адм. Заводского района, Заводской, improvement, extended, open: overdue on 01.07.
    A4 letter 05.05.2025, Отдел обращений, no problem district (applicant: Центральный), housing,
       open, due 04.06: overdue on 01.07.
    A5 letter 06.05.2025, Заводской, two housing questions: annulled — counted nowhere.
    A6 letter 20.12.2024 (due 17.01.2025), improvement, answered 10.01.2025: on time; explained.
    """
    zavodskoy, central = district_by_code("zavodskoy"), district_by_code("central")
    a1 = _appeal(dt.date(2025, 3, 3), (HOUSING, IMPROVEMENT), district=zavodskoy, applicant_district=central)
    _answer(a1, dt.date(2025, 3, 20), "supported", "explained")
    a2 = _appeal(dt.date(2025, 3, 10), (HOUSING,), district=central, responsible_body=body_by_code("kgkh"))
    _answer(a2, dt.date(2025, 4, 15), "not_supported")
    a3 = _appeal(dt.date(2025, 4, 14), (IMPROVEMENT,), channel="pos", body="district-zavodskoy", district=zavodskoy)
    extend_appeal(a3, 10, "Запрос документов", dt.date(2025, 4, 20))
    _appeal(dt.date(2025, 5, 5), (HOUSING,), applicant_district=central)
    a5 = _appeal(dt.date(2025, 5, 6), (HOUSING, HOUSING), district=zavodskoy)
    annul(a5, "Зарегистрировано ошибочно")
    a6 = _appeal(dt.date(2024, 12, 20), (IMPROVEMENT,))
    _answer(a6, dt.date(2025, 1, 10), "explained")
    assert (a1.due_date, a2.due_date, a6.due_date) == (dt.date(2025, 4, 2), dt.date(2025, 4, 9), dt.date(2025, 1, 17))
    assert a3.original_due_date is not None and a3.due_date < TODAY


@pytest.fixture
def dataset(app_ctx: Flask) -> Flask:
    build_dataset()
    return app_ctx


def _zavodskoy_scope():
    official = db.session.scalar(select(Official).join(Official.user).where(Official.user.has(username="zavodskoy")))
    return scope_clause(Appeal, visibility_for(official.user))


def test_intake_counts_appeals_and_questions_by_channel_receiving_body_and_month(dataset):
    report = reports.intake(YEAR_2025)
    assert [(r.channel, r.body, r.year, r.month, r.appeals, r.questions) for r in report.rows] == [
        (LETTER, APPEALS_DEPT, 2025, 3, 2, 3),
        (POS, ZAVODSKOY_ADM, 2025, 4, 1, 1),
        (LETTER, APPEALS_DEPT, 2025, 5, 1, 1),  # the annulled A5 is not here
    ]
    assert (report.appeals, report.questions) == (4, 5)


def test_topics_give_shares_per_question_and_per_appeal_and_the_housing_share(dataset):
    report = reports.topics(YEAR_2025)
    assert (report.questions, report.appeals) == (5, 4)
    assert [(r.code, r.questions, r.question_share, r.appeals, r.appeal_share) for r in report.sections] == [
        ("0005.0000.0000.0000", 3, Decimal("60.0"), 3, Decimal("75.0")),
        ("0003.0000.0000.0000", 2, Decimal("40.0"), 2, Decimal("50.0")),
    ]
    assert [(r.code, r.questions, r.appeals) for r in report.themes] == [
        (HOUSING_THEME, 3, 3),
        (IMPROVEMENT_THEME, 2, 2),
    ]
    assert all(r.name for r in report.sections + report.themes)  # named by the active classifier edition
    assert (report.housing_question_share, report.housing_appeal_share) == (Decimal("60.0"), Decimal("75.0"))


def test_districts_by_problem_and_by_applicant_cross_the_theme(dataset):
    by_problem = reports.districts(YEAR_2025)
    assert [(r.district, r.theme_code, r.questions, r.appeals) for r in by_problem.rows] == [
        ("Заводской", IMPROVEMENT_THEME, 2, 2),
        ("Заводской", HOUSING_THEME, 1, 1),
        ("Центральный", HOUSING_THEME, 1, 1),
        (None, HOUSING_THEME, 1, 1),
    ]
    assert [(r.district, r.appeals, r.questions) for r in by_problem.totals] == [
        ("Заводской", 2, 3),
        ("Центральный", 1, 1),
        (None, 1, 1),
    ]
    by_applicant = reports.districts(YEAR_2025, by_applicant=True)
    assert [(r.district, r.theme_code, r.questions, r.appeals) for r in by_applicant.rows] == [
        ("Центральный", HOUSING_THEME, 2, 2),
        ("Центральный", IMPROVEMENT_THEME, 1, 1),
        (None, IMPROVEMENT_THEME, 1, 1),
        (None, HOUSING_THEME, 1, 1),
    ]


def test_an_appeal_without_questions_counts_as_an_appeal_in_every_total_and_in_no_question(dataset):
    # A7: registered in Заводской without a question yet (a question is added while it is worked).
    _appeal(dt.date(2025, 6, 2), (), district=district_by_code("zavodskoy"))
    intake = reports.intake(YEAR_2025)
    assert (intake.appeals, intake.questions) == (5, 5)
    assert (intake.rows[-1].month, intake.rows[-1].appeals, intake.rows[-1].questions) == (6, 1, 0)
    # The dashboard's parts, asked alone: the denominators move, the question counts do not.
    sections = reports.topic_sections(YEAR_2025)
    assert (sections.appeals, sections.questions) == (5, 5)
    assert [(r.code, r.questions, r.appeals, r.appeal_share) for r in sections.sections] == [
        ("0005.0000.0000.0000", 3, 3, Decimal("60.0")),
        ("0003.0000.0000.0000", 2, 2, Decimal("40.0")),
    ]
    assert [(r.district, r.appeals, r.questions) for r in reports.district_totals(YEAR_2025)] == [
        ("Заводской", 3, 3),
        ("Центральный", 1, 1),
        (None, 1, 1),
    ]
    assert [(r.district, r.appeals, r.questions) for r in reports.district_totals(YEAR_2025, by_applicant=True)] == [
        ("Центральный", 2, 3),
        (None, 3, 2),
    ]
    # The dashboard's one pass (R-A1 grouped by district too): R-A1's rows and R-A3's totals, exactly.
    one_pass = reports.intake(YEAR_2025, by_district=True)
    assert one_pass.rows == intake.rows and (one_pass.appeals, one_pass.questions) == (5, 5)
    assert one_pass.districts == reports.district_totals(YEAR_2025)
    assert intake.districts is None


def test_timeliness_per_responsible_body_over_appeals_due_in_the_period(dataset):
    report = reports.timeliness(YEAR_2025, today=TODAY)
    rows = [(r.body, r.total, r.on_time, r.late, r.overdue_open, r.extended, r.on_time_percent) for r in report.rows]
    assert rows == [
        (ZAVODSKOY_ADM, 1, 0, 0, 1, 1, Decimal("0.0")),
        (KGKH, 1, 0, 1, 0, 0, Decimal("0.0")),
        # A6 was registered in 2024 but is due in 2025; the annulled A5 is left out.
        (APPEALS_DEPT, 3, 2, 0, 1, 0, Decimal("66.7")),
    ]
    total = report.total
    assert (total.total, total.on_time, total.late, total.overdue_open, total.extended) == (5, 2, 1, 2, 1)
    assert total.on_time_percent == Decimal("40.0")
    # Days from registration to the answer: A1 17, A2 36, A6 21; open appeals have none.
    assert [r.average_days for r in report.rows] == [None, Decimal("36.0"), Decimal("19.0")]
    assert total.average_days == Decimal("24.7")  # (17 + 36 + 21) / 3


def test_workload_counts_open_overdue_due_this_week_and_answered_per_body_and_executor(dataset):
    a4 = db.session.scalar(select(Appeal).where(Appeal.reg_date == dt.date(2025, 5, 5)))
    clerk = db.session.scalar(select(Official).join(Official.user).where(Official.user.has(username="appeals"))).user
    assign_executor(a4, clerk)
    # On 01.06.2025 A4 (due 04.06) is due within a week; A3 (extended) is already overdue.
    report = reports.workload(YEAR_2025, today=dt.date(2025, 6, 1))
    rows = [(r.body, r.executor, r.open, r.overdue, r.due_this_week, r.answered, r.answered_late) for r in report.rows]
    assert rows == [
        (ZAVODSKOY_ADM, None, 1, 1, 0, 0, 0),
        (KGKH, None, 0, 0, 0, 1, 1),  # A2 answered 15.04, due 09.04
        (APPEALS_DEPT, None, 0, 0, 0, 2, 0),  # A1 and A6 answered in 2025
        (APPEALS_DEPT, f"{clerk.last_name} {clerk.first_name}", 1, 0, 1, 0, 0),
    ]
    t = report.total
    assert (t.open, t.overdue, t.due_this_week, t.answered, t.answered_late) == (2, 1, 1, 3, 1)
    # Answered counts follow the period by answer date: only A6 (10.01) in January.
    january = reports.ReportFilter(dt.date(2025, 1, 1), dt.date(2025, 1, 31))
    assert reports.workload(january, today=dt.date(2025, 6, 1)).total.answered == 1


def test_topics_count_sections_by_month_and_the_most_frequent_questions(dataset):
    report = reports.topics(YEAR_2025)
    assert [(r.code, r.year, r.month, r.questions) for r in report.sections_by_month] == [
        ("0003.0000.0000.0000", 2025, 3, 1),
        ("0003.0000.0000.0000", 2025, 4, 1),
        ("0005.0000.0000.0000", 2025, 3, 2),
        ("0005.0000.0000.0000", 2025, 5, 1),
    ]
    assert [(r.code, r.questions, r.question_share, r.appeals) for r in report.top_questions] == [
        (HOUSING, 3, Decimal("60.0"), 3),
        (IMPROVEMENT, 2, Decimal("40.0"), 2),
    ]


def test_top_questions_stop_at_twenty(app_ctx):
    codes = [e.code for e in db.session.scalars(assignable_query().limit(25))]
    for n, code in enumerate(codes):
        _appeal(dt.date(2025, 2, 3), (code,) * (1 + n % 3))
    top = reports.topics(YEAR_2025).top_questions
    assert len(top) == reports.TOP_QUESTIONS == 20
    # The biggest first (three questions each), ties by code; the counts never rise down the list.
    assert [r.questions for r in top] == sorted((r.questions for r in top), reverse=True)
    assert top[0].questions == 3 and top[0].code == min(c for n, c in enumerate(codes) if n % 3 == 2)


def test_topics_page_shows_every_month_of_the_period_as_a_column(reports_app):
    with reports_app.app_context():
        build_dataset()
        db.session.commit()
    client = login_client(reports_app, "supervisor")
    response = client.get("/appeals/reports/topics/xlsx?date_from=01.03.2025&date_to=31.05.2025")
    cells = list(openpyxl.load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))
    start = next(i for i, row in enumerate(cells) if row[0] == "Вопросы по разделам классификатора и месяцам")
    assert cells[start + 1][:6] == ("Код", "Раздел", "03.2025", "04.2025", "05.2025", "Всего")
    assert [row[0:1] + row[2:6] for row in cells[start + 2 : start + 4]] == [
        ("0003.0000.0000.0000", 1, 1, 0, 2),
        ("0005.0000.0000.0000", 2, 0, 1, 3),
    ]


def test_results_count_every_question_by_result_and_the_unanswered(dataset):
    report = reports.results(YEAR_2025)
    assert [(r.code, r.questions, r.share) for r in report.rows] == [
        ("supported", 1, Decimal("20.0")),
        ("supported_measures", 0, Decimal("0.0")),
        ("explained", 1, Decimal("20.0")),
        ("not_supported", 1, Decimal("20.0")),
        (None, 2, Decimal("40.0")),
    ]
    assert report.questions == 5


def test_a_district_clerk_counts_only_appeals_in_their_scope(dataset):
    scoped = reports.ReportFilter(YEAR_2025.date_from, YEAR_2025.date_to, scope=_zavodskoy_scope())
    intake = reports.intake(scoped)
    assert [(r.channel, r.body, r.appeals, r.questions) for r in intake.rows] == [(POS, ZAVODSKOY_ADM, 1, 1)]
    assert (intake.appeals, intake.questions) == (1, 1)
    timeliness = reports.timeliness(scoped, today=TODAY)
    assert [(r.body, r.total, r.overdue_open) for r in timeliness.rows] == [(ZAVODSKOY_ADM, 1, 1)]
    assert reports.topics(scoped).housing_question_share == Decimal("0.0")


def test_body_and_district_filters_narrow_every_report(dataset):
    kgkh = reports.ReportFilter(YEAR_2025.date_from, YEAR_2025.date_to, body_id=body_by_code("kgkh").id)
    # A2 was received by the appeals department and answered by КЖКХ: it belongs to both.
    assert [(r.body, r.appeals, r.questions) for r in reports.intake(kgkh).rows] == [(APPEALS_DEPT, 1, 1)]
    zavodskoy = reports.ReportFilter(
        YEAR_2025.date_from, YEAR_2025.date_to, district_id=district_by_code("zavodskoy").id
    )
    assert (reports.topics(zavodskoy).questions, reports.topics(zavodskoy).appeals) == (3, 2)
    march = reports.ReportFilter(dt.date(2025, 3, 1), dt.date(2025, 3, 31))
    assert (reports.intake(march).appeals, reports.results(march).questions) == (2, 3)


def test_annulled_appeals_count_nowhere(dataset):
    may = reports.ReportFilter(dt.date(2025, 5, 6), dt.date(2025, 5, 6))
    assert reports.intake(may).rows == [] and reports.intake(may).appeals == 0
    assert reports.topics(may).questions == 0 and reports.results(may).questions == 0
    assert reports.districts(may).rows == []
    assert reports.timeliness(reports.ReportFilter(dt.date(2025, 6, 5), dt.date(2025, 6, 5))).total.total == 0


@pytest.fixture(scope="session")
def reports_app(app: Flask, database_url: str) -> Flask:
    """The app with the statistics view: create_app's own once it calls register(), else one of ours."""
    if any(isinstance(view, AppealReportsView) for view in app.appbuilder.baseviews):
        return app
    application = make_test_app(database_url)
    with application.app_context():
        register(application.appbuilder)
    return application


def test_report_page_and_xlsx_show_the_same_numbers(reports_app):
    with reports_app.app_context():
        build_dataset()
        db.session.commit()
    client = login_client(reports_app, "supervisor")
    query = "?date_from=01.01.2025&date_to=31.12.2025"
    page = client.get(f"/appeals/reports/topics{query}")
    assert page.status_code == 200
    # Decimals with a comma on the page (issue 13 item 8); numbers in the file.
    assert "<td>60,0</td>" in page.text and "<td>75,0</td>" in page.text and "60.0" not in page.text
    response = client.get(f"/appeals/reports/topics/xlsx{query}")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    cells = list(sheet.iter_rows(values_only=True))
    assert cells[0][0] == "Тематика обращений за период с 01.01.2025 по 31.12.2025 (по дате регистрации)"
    assert cells[3][:6] == ("Код", "Наименование", "Вопросов", "Доля вопросов, %", "Обращений", "Доля обращений, %")
    assert [row[0] for row in cells[4:6]] == ["0005.0000.0000.0000", "0003.0000.0000.0000"]
    assert [row[2:6] for row in cells[4:7]] == [(3, 60, 3, 75), (2, 40, 2, 50), (5, None, 4, None)]


def test_district_clerk_report_page_counts_only_their_district(reports_app):
    with reports_app.app_context():
        build_dataset()
        db.session.commit()
    client = login_client(reports_app, "zavodskoy")
    response = client.get("/appeals/reports/intake/xlsx?date_from=01.01.2025&date_to=31.12.2025")
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    rows = [row[:5] for row in sheet.iter_rows(min_row=5, values_only=True)]
    # By channel, with the channel's subtotal (issue 13 item 8), then by receiving body with the body's.
    assert rows == [
        (POS, ZAVODSKOY_ADM, "04.2025", 1, 1),
        (f"Итого по каналу: {POS}", None, None, 1, 1),
        ("Итого", None, None, 1, 1),
        (None, None, None, None, None),
        ("Поступление обращений по органам-получателям", None, None, None, None),
        ("Орган-получатель", "Канал поступления", "Месяц", "Обращений", "Вопросов"),
        (ZAVODSKOY_ADM, POS, "04.2025", 1, 1),
        (f"Итого по органу: {ZAVODSKOY_ADM}", None, None, 1, 1),
        ("Итого", None, None, 1, 1),
    ]
    page = client.get("/appeals/reports/intake?date_from=01.01.2025&date_to=31.12.2025").text
    tables = page.split('id="report-form"', 1)[1]  # the drop-downs above name every body: the org chart is public
    assert ZAVODSKOY_ADM in tables.split("</form>", 1)[1] and APPEALS_DEPT not in tables.split("</form>", 1)[1]


def test_a_bad_period_is_refused_beside_the_field(reports_app):
    client = login_client(reports_app, "supervisor")
    page = client.get("/appeals/reports/results?date_from=31.02.2025&date_to=01.01.2025").text
    assert "ДД.ММ.ГГГГ" in page and "report-table" not in page


def test_workload_page_links_each_count_to_the_list_it_counts(reports_app):
    with reports_app.app_context():
        a4 = _appeal(dt.date(2026, 1, 12), (HOUSING,))
        clerk = db.session.scalar(select(Official).join(Official.user).where(Official.user.has(username="appeals")))
        assign_executor(a4, clerk.user)
        body_id, user_id, number = a4.responsible_body_id, clerk.user.id, a4.reg_number
        db.session.commit()
    client = login_client(reports_app, "supervisor")
    page = client.get("/appeals/reports/workload").text
    link = f"/appealview/list/?_flt_0_responsible_body={body_id}&amp;_flt_0_executor={user_id}&amp;preset=open"
    assert f'<a href="{link}">1</a>' in page
    listed = client.get(link.replace("&amp;", "&")).text
    assert number in listed


def test_questions_are_reached_per_appeal_on_postgresql(app_ctx):
    """The period's questions are probed per appeal, never hashed over every question of every year.

    PostgreSQL flattens a simple LATERAL subquery into a plain join and then hashes all questions (1.6
    million at a million appeals) for the period's few: only a LIMIT or an OFFSET keeps it LATERAL.
    """
    source, question = reports._with_questions()
    sql = " ".join(str(select(question.id).select_from(source).compile(db.session.get_bind())).split())
    if db.session.get_bind().dialect.name == "postgresql":
        lateral = sql[sql.index("JOIN LATERAL") :]
        assert re.search(r"WHERE appeals_question\.appeal_id = appeals_appeal\.id (LIMIT ALL )?OFFSET ", lateral), sql
    else:
        assert "JOIN appeals_question AS question ON question.appeal_id = appeals_appeal.id" in sql, sql
    # The correlated question count reads the appeal-id index alone: count(*), not of a column.
    count_sql = " ".join(str(reports._question_count().compile(db.session.get_bind())).split())
    assert count_sql.startswith("(SELECT count(*) AS count_1 FROM appeals_question"), count_sql
