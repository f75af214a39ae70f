"""Execution figures on a known dataset (DOMAIN.md D.2: % = done ÷ (done + not done + moved), cancelled apart),
the analytical note as a Word document, the plan printout — and each within the reader's row scope."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from docx import Document
from flask import Flask

from app.core.services import annul
from app.extensions import db
from app.plans.models import PlanStatus
from app.plans.reports import Counts, ExecutionFilter, execution, note, percent, printout
from app.plans.services import build_quarter, mark_cancelled, mark_done, mark_not_done, move_item, submit_proposal
from tests.conftest import login_client
from tests.plans import factories as f

D = dt.date


def test_percent_is_rounded_half_up_to_one_decimal():
    assert percent(2, 3) == Decimal("66.7")
    assert percent(7, 9) == Decimal("77.8")
    assert percent(1, 8) == Decimal("12.5")
    assert percent(0, 0) is None
    assert Counts(planned=5, done=2, cancelled=3).percent == Decimal("100.0")  # cancelled never count


def build_dataset(app: Flask) -> dict[str, int]:
    """Annual 2026 (approved): УДКХиБ in February — 4 done, 1 not done, 1 moved, 2 cancelled, 1 without a mark;
    the housing committee in March — 3 done; one annulled item; a late proposal; Q1 built afterwards."""
    with app.app_context():
        plans = f.user(app, "plans")
        annual = f.plan(2026, status=PlanStatus.COLLECTING)
        late = f.proposal(annual, body="udkh", title="Предложение, внесённое позже срока")
        submit_proposal(late, today=D(2025, 12, 15))  # due 01.12.2025
        udkh = [f.item(annual, "udkh", 2, "council", title=f"Вопрос УДКХиБ {n}") for n in range(1, 10)]
        kgkh = [f.item(annual, "kgkh", 3, "head", title=f"Вопрос Комитета ЖКХ {n}") for n in range(1, 4)]
        annulled = f.item(annual, "udkh", 2, "council", title="Аннулированный вопрос")
        f.move_to(annual, PlanStatus.APPROVED)
        annul(annulled, "Внесён ошибочно", plans)
        for item in udkh[:4] + kgkh:
            mark_done(item, D(2026, 2, 20), "Рассмотрено")
        mark_not_done(udkh[4], "Не подготовлен проект решения")
        next_year = f.plan(2027)
        move_item(udkh[5], next_year, "Перенесён по решению Совета", planned_month=2)
        mark_cancelled(udkh[6], "Вопрос снят: полномочия переданы области")
        mark_cancelled(udkh[7], "Отменено постановлением")
        quarter, copies = build_quarter(annual, 1)  # copies the one item still without a mark
        db.session.commit()
        return {"annual": annual.id, "quarter": quarter.id, "copies": len(copies), "next_year": next_year.id}


@pytest.fixture
def dataset(app: Flask) -> dict[str, int]:
    return build_dataset(app)


def _all(report):
    return [(r.planned, r.done, r.moved, r.cancelled, r.not_done, r.unmarked, r.percent) for r in report]


def test_execution_percentages_on_the_known_dataset_are_exact(app, dataset):
    with app.app_context():
        report = execution(ExecutionFilter(date_from=D(2026, 1, 1), date_to=D(2026, 12, 31)))
        udkh = "Управление дорожно-коммунального хозяйства и благоустройства"
        kgkh = "Комитет жилищно-коммунального хозяйства"
        assert [(r.body, r.section, r.year, r.month) for r in report.rows] == [
            (kgkh, "Вопросы, рассматриваемые Главой города Новокузнецка", 2026, 3),
            (udkh, "Вопросы, вносимые на рассмотрение Новокузнецкого городского Совета народных депутатов", 2026, 2),
        ]
        assert _all(report.rows) == [(3, 3, 0, 0, 0, 0, Decimal("100.0")), (9, 4, 1, 2, 1, 1, Decimal("66.7"))]
        # 7 ÷ (7 + 1 + 1): the two cancelled and the one without a mark are not in the percentage.
        total = report.total
        assert (total.planned, total.done, total.moved, total.cancelled, total.not_done, total.unmarked) == (
            12,
            7,
            1,
            2,
            1,
            1,
        )
        assert total.percent == Decimal("77.8")
        assert [(g.name, g.percent) for g in report.by_body] == [(kgkh, Decimal("100.0")), (udkh, Decimal("66.7"))]


def test_an_item_watched_through_its_quarterly_copy_is_counted_once(app, dataset):
    with app.app_context():
        assert dataset["copies"] == 1
        across_plans = execution(ExecutionFilter(date_from=D(2026, 1, 1), date_to=D(2026, 12, 31))).total
        annual = execution(ExecutionFilter(plan_ids=(dataset["annual"],))).total
        quarter = execution(ExecutionFilter(plan_ids=(dataset["quarter"],))).total
        assert (across_plans.planned, annual.planned, quarter.planned) == (12, 12, 1)
        assert (across_plans.unmarked, quarter.unmarked) == (1, 1)


def test_the_note_of_a_month_counts_that_month(app, dataset):
    with app.app_context():
        from app.plans.models import Plan

        data = note(db.session.get(Plan, dataset["annual"]), 2)
        assert data.period.endswith(", февраль 2026") and data.due == D(2026, 3, 10)
        assert (data.execution.total.planned, data.execution.total.percent) == (9, Decimal("66.7"))
        assert [(r.status, r.reason) for r in data.unexecuted] == [
            ("not_done", "Не подготовлен проект решения"),
            ("moved", "Перенесён по решению Совета"),
            ("cancelled", "Вопрос снят: полномочия переданы области"),
            ("cancelled", "Отменено постановлением"),
        ]
        assert data.unexecuted[1].moved_to.startswith("План работы администрации города Новокузнецка на 2027 год, п. ")


def _docx_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(parts)


def test_the_analytical_note_docx_holds_the_figures_and_the_unexecuted_items_with_reasons(app, dataset):
    client = login_client(app, "supervisor")
    response = client.get(f"/plans/reports/note/docx?plan={dataset['annual']}")
    assert response.status_code == 200
    assert response.mimetype.endswith("wordprocessingml.document")
    text = _docx_text(response.data)
    assert "АНАЛИТИЧЕСКАЯ СПРАВКА" in text
    assert "об исполнении плана: План работы администрации города Новокузнецка на 2026 год" in text
    assert "срок представления — 11.01.2027" in text
    assert "Запланировано вопросов (мероприятий): 12. Исполнено — 7, перенесено на более поздний срок — 1, " in text
    assert "не исполнено — 1, отменено — 2, без отметки об исполнении — 1." in text
    assert "Исполнение плана — 77,8 %" in text
    for reason in (
        "Не подготовлен проект решения",
        "Перенесён по решению Совета",
        "Вопрос снят: полномочия переданы области",
        "Отменено постановлением",
    ):
        assert reason in text
    assert "Вопрос УДКХиБ 5 | Управление дорожно-коммунального хозяйства и благоустройства | 28.02.2026" in text
    assert "Предложение, внесённое позже срока" in text
    assert (
        "| 12 | 7 | 1 | 1 | 1 | 77,8 | 2" in text
    )  # the total line: planned, done, moved, not done, unmarked, %, cancelled
    response.close()


def test_the_note_page_shows_the_percentage_and_its_due_date(app, dataset):
    page = login_client(app, "supervisor").get(f"/plans/reports/note?plan={dataset['annual']}&month=2").text
    assert "справка — до 10.03.2026" in page
    assert "66,7" in page


def test_a_deputy_and_a_body_clerk_count_only_their_bodies(app, dataset):
    deputy = login_client(app, "deputy").get(f"/plans/reports/note/docx?plan={dataset['annual']}")
    assert "Исполнение плана — 77,8 %" in _docx_text(deputy.data)  # УДКХиБ and the housing committee: his
    clerk = login_client(app, "udkh").get(f"/plans/reports/note/docx?plan={dataset['annual']}")
    text = _docx_text(clerk.data)
    assert "Запланировано вопросов (мероприятий): 9." in text and "Исполнение плана — 66,7 %" in text
    culture = login_client(app, "culture").get(f"/plans/reports/note/docx?plan={dataset['annual']}")
    assert "Запланировано вопросов (мероприятий): 0." in _docx_text(culture.data)


def test_the_execution_report_page_and_xlsx(app, dataset):
    client = login_client(app, "plans")
    page = client.get("/plans/reports/execution?date_from=01.01.2026&date_to=31.12.2026")
    assert page.status_code == 200
    assert "Исполнение по органам, разделам и месяцам" in page.text and "77,8" in page.text
    xlsx = client.get("/plans/reports/execution/xlsx?date_from=01.01.2026&date_to=31.12.2026")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"


def test_the_plan_printout_is_a_numbered_table_per_section(app, dataset):
    with app.app_context():
        from app.plans.models import Plan

        sections = printout(db.session.get(Plan, dataset["annual"]))
        assert [(s.order, len(s.rows)) for s in sections] == [(1, 9), (3, 3)]
        assert [r.number for r in sections[0].rows] == list(range(1, 10))
    client = login_client(app, "plans")
    response = client.get(f"/plans/reports/printout/docx?plan={dataset['annual']}")
    text = _docx_text(response.data)
    assert "ПЛАН" in text and "План работы администрации города Новокузнецка на 2026 год" in text
    assert "актом администрации города от 20.12.2025 № 1234-р" in text
    assert "I. Вопросы, вносимые на рассмотрение Новокузнецкого городского Совета народных депутатов" in text
    assert "III. Вопросы, рассматриваемые Главой города Новокузнецка" in text
    assert "1 | Вопрос УДКХиБ 1 | февраль 2026 | Управление дорожно-коммунального хозяйства и благоустройства" in text
    response.close()
