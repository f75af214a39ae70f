"""Statistics as a report cites them (issue 13, item 8): decimals with a comma (one platform number format),
one column order in both district tables, R-A1 subtotals per channel and per receiving body, and the pages
that count «overdue» otherwise than the list say what they count."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

import openpyxl
import pytest

from app.appeals.report_views import DISTRICTS, REPORTS
from app.core.numbers import format_number
from app.core.reports.tables import cell_text
from app.extensions import db
from tests.appeals.test_reports import APPEALS_DEPT, KGKH, LETTER, POS, ZAVODSKOY_ADM, build_dataset

QUERY = "?date_from=01.01.2025&date_to=31.12.2025"


@pytest.mark.parametrize(
    ("value", "grouped", "text"),
    [
        (Decimal("42.5"), True, "42,5"),
        (Decimal("60.0"), True, "60,0"),
        (1234567, True, "1 234 567"),
        (1203, False, "1203"),
        (Decimal("-1234.50"), True, "-1 234,50"),
        (2.25, True, "2,25"),
        (None, True, ""),
    ],
)
def test_numbers_are_written_with_a_decimal_comma_and_grouped_thousands(value, grouped, text):
    assert format_number(value, grouped=grouped) == text


def test_a_report_cell_writes_decimals_with_a_comma_and_counts_as_they_are():
    assert (cell_text(Decimal("42.5")), cell_text(1203), cell_text(0)) == ("42,5", "1203", "0")


def _tables(page: str) -> list[tuple[str, list[str], list[list[str]]]]:
    """(caption, headers, rows as cell texts) of each table of a report page."""
    found = []
    for caption, table in re.findall(r"<h4>(.*?)</h4>\s*<table[^>]*report-table[^>]*>(.*?)</table>", page, re.S):
        headers = re.findall(r"<th>(.*?)</th>", table)
        rows = [
            [re.sub(r"<[^>]+>", "", cell) for cell in re.findall(r"<td>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table.split("<tbody>", 1)[1], re.S)
        ]
        found.append((caption.strip(), headers, rows))
    return found


@pytest.fixture
def reports_page(app, login):
    with app.app_context():
        build_dataset()
        db.session.commit()
    return login("supervisor")


def test_intake_has_a_subtotal_per_channel_and_a_table_by_body_with_a_subtotal_per_body(reports_page):
    tables = _tables(reports_page.get(f"/appeals/reports/intake{QUERY}").text)
    (by_channel_title, _h1, by_channel), (by_body_title, headers, by_body) = tables
    assert by_channel_title == "Поступление обращений по каналам, органам и месяцам"
    # Channels in the reference order (letters first), each followed by its subtotal; the grand total last.
    assert by_channel == [
        [LETTER, APPEALS_DEPT, "03.2025", "2", "3"],
        [LETTER, APPEALS_DEPT, "05.2025", "1", "1"],
        [f"Итого по каналу: {LETTER}", "", "", "3", "4"],
        [POS, ZAVODSKOY_ADM, "04.2025", "1", "1"],
        [f"Итого по каналу: {POS}", "", "", "1", "1"],
        ["Итого", "", "", "4", "5"],
    ]
    assert by_body_title == "Поступление обращений по органам-получателям"
    assert headers == ["Орган-получатель", "Канал поступления", "Месяц", "Обращений", "Вопросов"]
    assert by_body == [
        [ZAVODSKOY_ADM, POS, "04.2025", "1", "1"],
        [f"Итого по органу: {ZAVODSKOY_ADM}", "", "", "1", "1"],
        [APPEALS_DEPT, LETTER, "03.2025", "2", "3"],
        [APPEALS_DEPT, LETTER, "05.2025", "1", "1"],
        [f"Итого по органу: {APPEALS_DEPT}", "", "", "3", "4"],
        ["Итого", "", "", "4", "5"],
    ]


def test_the_intake_subtotals_are_bold_lines_of_the_excel_file_too(reports_page):
    response = reports_page.get(f"/appeals/reports/intake/xlsx{QUERY}")
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    subtotal = next(row for row in sheet.iter_rows(min_row=1) if row[0].value == f"Итого по каналу: {LETTER}")
    assert (subtotal[3].value, subtotal[4].value, subtotal[3].font.b) == (3, 4, True)


def test_both_district_tables_count_appeals_then_questions(reports_page):
    tables = _tables(reports_page.get(f"/appeals/reports/districts{QUERY}").text)
    assert [headers[-2:] for _title, headers, _rows in tables] == [["Обращений", "Вопросов"], ["Обращений", "Вопросов"]]
    names = [[str(column.label) for column in layout.columns(_params())][-2:] for layout in DISTRICTS.tables]
    assert names == [["Обращений", "Вопросов"], ["Обращений", "Вопросов"]]


def _params():
    from app.core.reports import ReportParams

    return ReportParams(date_from=dt.date(2025, 1, 1), date_to=dt.date(2025, 12, 31))


def test_average_days_are_written_with_a_comma_on_the_page_and_are_numbers_in_excel(reports_page):
    page = reports_page.get(f"/appeals/reports/timeliness{QUERY}").text
    ((_title, headers, rows),) = _tables(page)
    average = headers.index("Средний срок ответа, дней")
    assert {row[0]: row[average] for row in rows} == {
        APPEALS_DEPT: "19,0",
        KGKH: "36,0",
        ZAVODSKOY_ADM: "",
        "Итого": "24,7",
    }
    sheet = openpyxl.load_workbook(io.BytesIO(reports_page.get(f"/appeals/reports/timeliness/xlsx{QUERY}").data)).active
    total = next(row for row in sheet.iter_rows(min_row=1, values_only=True) if row[0] == "Итого")
    assert total[average] == pytest.approx(24.7)


def test_the_timeliness_page_says_its_overdue_counts_the_period_and_the_list_counts_every_overdue(reports_page):
    page = reports_page.get(f"/appeals/reports/timeliness{QUERY}").text
    explanation = re.search(r'<p class="text-muted report-explanation">(.*?)</p>', page, re.S).group(1)
    assert explanation.startswith("«Просрочено (не закрыто)» — обращения со сроком ответа в выбранном периоде")
    assert "Список «Просроченные» показывает все просроченные на сегодня обращения" in explanation
    sheet = openpyxl.load_workbook(io.BytesIO(reports_page.get(f"/appeals/reports/timeliness/xlsx{QUERY}").data)).active
    assert any(str(row[0]).startswith("«Просрочено (не закрыто)»") for row in sheet.iter_rows(values_only=True))
    # The workload and ПОС pages say what their «overdue» is too; the others have nothing to explain.
    explained = {name for name, report in REPORTS.items() if any(t.explanation for t in report.tables)}
    assert explained == {"timeliness", "pos", "workload"}
