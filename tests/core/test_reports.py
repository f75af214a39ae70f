"""Reports as a platform part (app/core/reports): declared totals, the page's limit, typed XLSX, DOCX, scope, links.

The reports here are small fakes: one over the test-only legal record (tests/fake_models.py),
counted per body in the user's row scope, and one over plain data with numbers and dates.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from docx import Document
from flask import Flask
from sqlalchemy import func, literal, select
from wtforms import SelectField

from app.core.documents import registry
from app.core.documents.registry import templates_for
from app.core.documents.services import UnknownTemplate, generate_document, upload_template_version
from app.core.models import ExportLog
from app.core.reports import (
    REPORT_TEMPLATE,
    Column,
    Link,
    Report,
    ReportParams,
    ReportsView,
    Subtotals,
    Table,
    TableLayout,
    Total,
    list_url,
    preview,
    register_report_template,
    write_report_xlsx,
)
from app.core.services import annul
from app.extensions import db
from app.org.models import Body, District, Official
from app.org.services import body_by_code
from tests.conftest import login_client, make_test_app
from tests.core.conftest import CLERK_PASSWORD
from tests.core.documents.conftest import docx_text, make_docx
from tests.fake_models import FakeRecord, FakeRecordView

# ---- the fake reports ------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class BodyRow:
    body_id: int
    body: str
    district: str
    records: int


def records_by_body(p: ReportParams) -> list[BodyRow]:
    """Current records per receiving body, in the user's scope, of the chosen body and district."""
    query = (
        select(Body.id, Body.name, func.coalesce(District.name, "—"), func.count(FakeRecord.id))
        .join(Body, Body.id == FakeRecord.body_id)
        .outerjoin(District, District.id == Body.district_id)
        .where(
            *p.conditions(
                FakeRecord, bodies=(FakeRecord.body_id, FakeRecord.responsible_body_id), district=Body.district_id
            )
        )
        .group_by(Body.id, Body.name, District.name)
        .order_by(District.name, Body.name)
    )
    return [BodyRow(*row) for row in db.session.execute(query)]


def applicants(p: ReportParams) -> list[tuple[str, str]]:
    query = select(FakeRecord.title, FakeRecord.applicant_name).where(*p.conditions(FakeRecord))
    return list(db.session.execute(query.order_by(FakeRecord.title)))


LIST = "FakeRecordsByBodyView"
BODIES = Report(
    name="bodies",
    title="Записи по органам",
    basis="по органу-получателю",
    query=lambda p: {"bodies": records_by_body(p), "applicants": applicants(p)},
    tables=[
        TableLayout(
            "Записи по районам и органам",
            rows=lambda d: d["bodies"],
            columns=[
                Column("Орган", "body"),
                Column("Район", "district"),
                Column(
                    "Записей",
                    "records",
                    sum=True,
                    link=lambda r: list_url("FakeRecordsByBodyView", {"body": r.body_id}),
                ),
            ],
            subtotals=Subtotals("district", lambda district: f"Итого по району {district}"),
            totals=[Total("Всего")],
        ),
        TableLayout(
            "Заявители",
            rows=lambda d: d["applicants"],
            columns=[Column("Запись", lambda r: r[0]), Column("Заявитель", lambda r: r[1])],
            personal=True,
        ),
    ],
)


@dataclasses.dataclass(frozen=True)
class Payment:
    paid_on: dt.date
    payee: str
    amount: Decimal
    count: int


PAYMENTS = [
    Payment(dt.date(2025, 3, 3), "=СУММ(A1:A2)", Decimal("1234.50"), 3),
    Payment(dt.date(2025, 4, 14), "ООО «Ромашка»", Decimal("60.0"), 1200),
]


#: The row limits the payments query was asked with (the page's and the files').
ASKED: list[int | None] = []


def payments(p: ReportParams) -> dict[str, object]:
    ASKED.append(p.limit)
    rows = [r for r in PAYMENTS if p.extra.get("kind") != "large" or r.amount > 100]
    return {"rows": rows, "count": sum(r.count for r in rows), "limit": p.limit}


PAYMENT_COLUMNS = [
    Column("Дата", "paid_on"),
    Column("Получатель", "payee"),
    Column("Сумма", "amount"),
    Column("Платежей", "count"),
]
PLAIN = Report(
    name="plain",
    title="Платежи",
    query=payments,
    filters=("period",),
    extra={"kind": SelectField("Платежи", choices=[("all", "все"), ("large", "крупные")], default="all")},
    tables=[
        TableLayout(
            "Платежи за период",
            key="main",
            rows=lambda d: d["rows"],
            columns=PAYMENT_COLUMNS,
            totals=[Total("Итого", values=lambda d: {"count": d["count"]})],
        )
    ],
)


#: The same payments printed on a domain's own Word form (registered by the `own_template` fixture).
OWN = dataclasses.replace(PLAIN, name="own", docx_template="test_own_report")


class FakeRecordsByBodyView(FakeRecordView):
    """The records' list searchable by body: where a report's numbers lead."""

    route_base = "/fakerecordsbybody"
    search_columns = ["title", "body"]


class FakeReportsView(ReportsView):
    route_base = "/fakereports"
    class_permission_name = "FakeRecord"
    scope_model = FakeRecord
    title = "Отчёты по записям"
    note = "аннулированные записи не учитываются"
    reports = [BODIES, PLAIN, OWN]


@pytest.fixture(scope="session")
def reports_app(app: Flask, database_url: str) -> Flask:
    application = make_test_app(database_url)
    with application.app_context():
        application.appbuilder.add_view_no_menu(FakeRecordsByBodyView)
        application.appbuilder.add_view_no_menu(FakeReportsView)
    return application


@pytest.fixture
def data(records: Flask, reports_app: Flask) -> dict[str, int]:
    """Заводской: its administration 2 current records + 1 annulled; Центральный 1; the appeals department 1."""
    with reports_app.app_context():
        zavodskoy, central = body_by_code("district-zavodskoy"), body_by_code("district-central")
        appeals = body_by_code("appeals")
        rows = [
            FakeRecord(title="З-1", applicant_name="Петров П. П.", body=zavodskoy),
            FakeRecord(title="З-2", applicant_name="Сидорова А. А.", body=zavodskoy),
            FakeRecord(title="Ц-1", applicant_name="Иванов И. И.", body=central),
            FakeRecord(title="О-1", applicant_name="Смирнов С. С.", body=appeals),
        ]
        gone = FakeRecord(title="З-3", applicant_name="Аннулированный", body=zavodskoy)
        db.session.add_all([*rows, gone])
        db.session.flush()
        annul(gone, "Зарегистрирована ошибочно")
        db.session.commit()
        return {"zavodskoy": zavodskoy.id, "central": central.id, "appeals": appeals.id}


@pytest.fixture
def own_template(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A domain's own DOCX template of a report, shipped from a temporary folder."""
    monkeypatch.setattr(registry, "SHIPPED_ROOT", tmp_path)
    (tmp_path / "own.docx").write_bytes(
        make_docx("Свой бланк: {{ title }}", "Платежей всего: {{ table.main.totals[0][3] }}", "{{ filters }}")
    )
    register_report_template(OWN.docx_template, "Свой бланк платежей", "test", "own.docx")
    yield OWN.docx_template
    registry.TEMPLATES.pop("test_own_report", None)


QUERY = "?date_from=01.01.2025&date_to=31.12.2025"


def _xlsx(response) -> list[tuple]:
    return list(openpyxl.load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))


# ---- tables and totals -------------------------------------------------------------------------


def test_a_computed_total_sums_the_declared_columns_and_declared_figures_fill_the_others():
    rows = [BodyRow(1, "Орган А", "Заводской", 2), BodyRow(2, "Орган Б", "Заводской", 3)]
    layout = TableLayout(
        "Т",
        rows=None,
        columns=[Column("Орган", "body"), Column("Район", "district"), Column("Записей", "records", sum=True)],
        totals=[
            Total("Всего"),
            Total("По данным запроса", values=lambda d: {"records": 7}),
            Total("Строкой запроса", row=lambda d: BodyRow(0, "—", "", 9)),
        ],
    )
    table = layout.build(rows, ReportParams())
    assert table.rows == [["Орган А", "Заводской", 2], ["Орган Б", "Заводской", 3]]
    assert table.totals == [["Всего", None, 5], ["По данным запроса", None, 7], ["Строкой запроса", "", 9]]


def test_subtotals_close_each_group_and_the_total_counts_data_rows_only():
    rows = [
        BodyRow(1, "А", "Заводской", 2),
        BodyRow(2, "Б", "Заводской", 3),
        BodyRow(3, "В", "Центральный", 4),
    ]
    layout = TableLayout(
        "Т",
        rows=None,
        columns=[Column("Орган", "body"), Column("Записей", "records", sum=True)],
        subtotals=Subtotals("district", lambda district: f"Итого: {district}"),
        totals=[Total("Всего")],
    )
    table = layout.build(rows, ReportParams())
    assert table.rows == [["А", 2], ["Б", 3], ["Итого: Заводской", 5], ["В", 4], ["Итого: Центральный", 4]]
    assert table.subtotals == {2, 4} and table.data_rows == 3
    assert table.totals == [["Всего", 9]]


def test_a_row_labelled_itogo_is_data_unless_declared_a_total():
    table = Table("Т", ["Показатель", "Значение"], [["Итого", 1], ["Б", 2], ["В", 3]])
    cut = preview(table, 2)
    assert cut.rows == [["Итого", 1], ["Б", 2]] and cut.totals == []


def test_the_page_shows_at_most_the_limit_keeps_totals_and_whole_groups_and_says_so():
    rows = [[f"Орган {n}", n] for n in range(1, 5)]
    table = Table("Органы", ["Орган", "Записей"], [*rows[:2], ["Итого: район 1", 3], *rows[2:]], totals=[["Всего", 10]])
    table.subtotals = frozenset({2})
    cut = preview(table, 2)
    assert cut.rows == [["Орган 1", 1], ["Орган 2", 2], ["Итого: район 1", 3]] and cut.subtotals == {2}
    assert cut.totals == [["Всего", 10]]
    assert cut.caption == "Органы (показаны первые 2 из 4 — полностью в Excel)"
    assert preview(table, 4) is table


def test_a_limited_query_asks_the_tables_count_for_the_note():
    asked: list[int | None] = []

    def query(p: ReportParams) -> list[int]:
        asked.append(p.limit)
        return list(range(p.limit or 1000))

    layout = TableLayout("Числа", rows=None, columns=[Column("Число", str)], count=lambda p: 1000)
    report = Report("n", "Числа", query, [layout])
    page = report.build(ReportParams(limit=3), preview_rows=2)[0]
    assert (page.data_rows, page.whole) == (3, 1000)
    assert preview(page, 2).note == "(показаны первые 2 из 1000 — полностью в Excel)"
    assert report.build(ReportParams(), preview_rows=None)[0].data_rows == 1000
    assert asked == [3, None]


def test_columns_read_result_rows_by_label_mappings_by_key_and_objects_by_attribute(app_ctx):
    row = db.session.execute(select(literal("Орган А").label("body"), literal(3).label("count"))).one()
    columns = [Column("Орган", "body"), Column("Записей", "count")]
    assert [column.read(row) for column in columns] == ["Орган А", 3]  # not the tuple's count()
    assert [column.read({"body": "Б", "count": 4}) for column in columns] == ["Б", 4]
    assert Column("Орган", "body").read(BodyRow(1, "В", "", 5)) == "В"


def test_a_link_wraps_a_number_but_never_a_zero():
    column = Column("Записей", "records", link=lambda r: f"/list/{r.body_id}")
    assert column.cell(BodyRow(5, "А", "", 2)) == Link(2, "/list/5")
    assert column.cell(BodyRow(5, "А", "", 0)) == 0


# ---- files ----------------------------------------------------------------------------------------


def test_xlsx_holds_every_row_with_numbers_and_dates_typed_and_text_kept_text(app_ctx):
    table = PLAIN.tables[0].build(payments(ReportParams()), ReportParams())
    table = dataclasses.replace(table, rows=[*table.rows, [None, "ссылка", Link(5, "/x"), None]])
    book = openpyxl.load_workbook(io.BytesIO(write_report_xlsx("Платежи за 2025 год", [table])))
    sheet = book.active
    assert sheet["A1"].value == "Платежи за 2025 год" and sheet["A3"].value == "Платежи за период"
    assert [c.value for c in sheet[4]] == ["Дата", "Получатель", "Сумма", "Платежей"]
    first = sheet[5]
    assert first[0].value == dt.datetime(2025, 3, 3) and first[0].number_format == "dd.mm.yyyy"
    assert first[1].value == "=СУММ(A1:A2)" and first[1].data_type == "s"  # a name, never a formula
    assert (first[2].value, first[3].value) == (1234.5, 3)
    assert sheet["C7"].value == 5  # a link's number
    total = sheet[8]
    assert [c.value for c in total] == ["Итого", None, None, 1203] and total[0].font.b and total[3].font.b


def test_docx_of_the_generic_layout_holds_every_table_with_its_header_rows_and_bold_totals(reports_app, data):
    client = login_client(reports_app, "admin")
    response = client.get(f"/fakereports/bodies/docx{QUERY}")
    assert response.status_code == 200
    document = Document(io.BytesIO(response.data))
    text = docx_text(response.data)
    assert "Записи по органам" in text and "за период с 01.01.2025 по 31.12.2025 (по органу-получателю)" in text
    assert "аннулированные записи не учитываются" in text
    bodies = [[cell.text for cell in row.cells] for row in document.tables[0].rows]
    assert bodies[0] == ["Орган", "Район", "Записей"]
    assert ["Администрация Заводского района", "Заводской", "2"] in bodies
    assert bodies[-1] == ["Всего", "", "4"]
    total = document.tables[0].rows[-1].cells
    total_runs = [run for cell in total for paragraph in cell.paragraphs for run in paragraph.runs if run.text]
    assert total_runs and all(run.bold for run in total_runs)
    # The Admin holds the personal-data right: the applicants' table is printed too.
    assert [row.cells[1].text for row in document.tables[1].rows[1:]] == [
        "Петров П. П.",
        "Сидорова А. А.",
        "Смирнов С. С.",
        "Иванов И. И.",
    ]


def test_docx_writes_numbers_and_dates_as_a_russian_paper_does(reports_app, records):
    client = login_client(reports_app, "admin")
    document = Document(io.BytesIO(client.get(f"/fakereports/plain/docx{QUERY}").data))
    rows = [[cell.text for cell in row.cells] for row in document.tables[0].rows]
    assert rows[1] == ["03.03.2025", "=СУММ(A1:A2)", "1 234,50", "3"]
    assert rows[2] == ["14.04.2025", "ООО «Ромашка»", "60,0", "1 200"]
    assert rows[3] == ["Итого", "", "", "1 203"]


def test_a_report_prints_through_a_domains_own_template(reports_app, records, own_template):
    client = login_client(reports_app, "admin")
    text = docx_text(client.get(f"/fakereports/own/docx{QUERY}&kind=large").data)
    assert "Свой бланк: Платежи" in text
    assert "Платежей всего: 3" in text  # only the large payment (1 234,50 ₽, three of them)
    assert "за период с 01.01.2025 по 31.12.2025; платежи: крупные" in text


# ---- the page: scope, annulled, links, filters, journal --------------------------------------------


def test_the_page_counts_in_the_users_scope_without_annulled_records(reports_app, data):
    admin = login_client(reports_app, "admin").get(f"/fakereports/bodies{QUERY}").text
    assert "Администрация Центрального района" in admin and "Отдел по работе с обращениями граждан" in admin
    assert '<tr class="report-total"><td>Всего</td><td></td><td>4</td></tr>' in admin
    clerk = login_client(reports_app, "rclerk", CLERK_PASSWORD).get(f"/fakereports/bodies{QUERY}").text
    tables = clerk.split('id="report-form"', 1)[1].split("</form>", 1)[1]
    assert "Администрация Заводского района" in tables and "Центрального" not in tables
    # The annulled З-3 is not counted: 2, not 3.
    assert '<tr class="report-total"><td>Всего</td><td></td><td>2</td></tr>' in clerk


def test_each_number_links_to_the_filtered_list_it_counts(reports_app, data):
    page = login_client(reports_app, "admin").get(f"/fakereports/bodies{QUERY}").text
    link = f"/fakerecordsbybody/list/?_flt_0_body={data['zavodskoy']}"
    assert f'<a href="{link}">2</a>' in page
    assert "З-1" in login_client(reports_app, "admin").get(link).text


def test_body_and_district_filters_narrow_the_report(reports_app, data):
    client = login_client(reports_app, "admin")
    page = client.get(f"/fakereports/bodies{QUERY}&body={data['central']}").text
    assert '<tr class="report-total"><td>Всего</td><td></td><td>1</td></tr>' in page
    sheet = _xlsx(client.get(f"/fakereports/bodies/xlsx{QUERY}&body={data['central']}"))
    assert sheet[0][0] == (
        "Записи по органам за период с 01.01.2025 по 31.12.2025; орган: Администрация Центрального района "
        "(по органу-получателю)"
    )


def test_a_table_naming_people_needs_the_personal_data_right_and_its_file_is_journalled_so(reports_app, data):
    clerk = login_client(reports_app, "rclerk", CLERK_PASSWORD)
    assert "Заявители" not in clerk.get(f"/fakereports/bodies{QUERY}").text
    admin = login_client(reports_app, "admin")
    assert "Петров П. П." in admin.get(f"/fakereports/bodies{QUERY}").text
    admin.get(f"/fakereports/bodies/xlsx{QUERY}")
    clerk.get(f"/fakereports/bodies/docx{QUERY}")
    with reports_app.app_context():
        journal = db.session.execute(
            select(ExportLog.file_format, ExportLog.personal_data, ExportLog.row_count, ExportLog.filter_description)
            .where(ExportLog.view_name == "FakeReportsView")
            .order_by(ExportLog.id)
        ).all()
    assert journal == [
        ("xlsx", True, 7, "за период с 01.01.2025 по 31.12.2025"),
        ("docx", False, 1, "за период с 01.01.2025 по 31.12.2025"),
    ]


def test_a_report_offers_only_its_filters_and_its_extra_fields(reports_app, records):
    client = login_client(reports_app, "admin")
    page = client.get(f"/fakereports/plain{QUERY}&kind=large").text
    form = page.split('id="report-form"', 1)[1].split("</form>", 1)[0]
    assert 'name="date_from"' in form and 'name="kind"' in form
    assert 'name="body"' not in form and 'name="district"' not in form
    assert "ООО «Ромашка»" not in page and "=СУММ(A1:A2)" in page
    sheet = _xlsx(client.get(f"/fakereports/plain/xlsx{QUERY}&kind=large"))
    assert sheet[0][0] == "Платежи за период с 01.01.2025 по 31.12.2025; платежи: крупные"


def test_the_page_asks_one_row_more_than_it_shows_and_files_ask_for_all(reports_app, records, monkeypatch):
    monkeypatch.setattr(FakeReportsView, "preview_rows", 1)
    ASKED.clear()
    client = login_client(reports_app, "admin")
    page = client.get(f"/fakereports/plain{QUERY}").text
    assert "Платежи за период (показаны первые 1 из 2 — полностью в Excel)" in page
    assert '<tr class="report-total"><td>Итого</td><td></td><td></td><td>1203</td></tr>' in page
    assert len([row for row in _xlsx(client.get(f"/fakereports/plain/xlsx{QUERY}")) if row[1]]) == 3
    assert ASKED == [2, None]


def test_a_bad_period_is_refused_beside_the_field_and_an_unknown_report_is_not_found(reports_app, records):
    client = login_client(reports_app, "admin")
    page = client.get("/fakereports/plain?date_from=31.12.2025&date_to=01.01.2025").text
    assert "Конец периода раньше начала" in page and "report-table" not in page
    assert client.get("/fakereports/nosuch").status_code == 404


def test_without_the_right_on_the_register_the_reports_are_refused(reports_app, records):
    client = login_client(reports_app, "supervisor")
    assert client.get(f"/fakereports/bodies{QUERY}").status_code == 403
    assert client.get(f"/fakereports/bodies/xlsx{QUERY}").status_code == 403


# ---- the report layouts as templates of the documents part -----------------------------------------


def test_an_uploaded_version_of_the_generic_layout_prints_every_report(reports_app, data, tmp_path, monkeypatch):
    monkeypatch.setitem(reports_app.config, "UPRAVA_FILES_DIR", str(tmp_path))
    with reports_app.app_context():
        admin = reports_app.appbuilder.sm.find_user(username="admin")
        # Checked with the sample report before it is kept, as every uploaded template is.
        upload_template_version(
            REPORT_TEMPLATE, make_docx("Бланк с гербом: {{ title }}, {{ filters }}"), "герб.docx", admin
        )
        db.session.commit()
    text = docx_text(login_client(reports_app, "admin").get(f"/fakereports/bodies/docx{QUERY}").data)
    assert "Бланк с гербом: Записи по органам, за период с 01.01.2025 по 31.12.2025" in text


def test_a_report_layout_fills_no_record(app_ctx):
    official = db.session.scalar(select(Official))
    with pytest.raises(UnknownTemplate):
        generate_document(REPORT_TEMPLATE, official, None)
    assert REPORT_TEMPLATE not in {spec.code for spec in templates_for("org_official")}
