"""The fast export (rows read as columns, streamed cells) writes the file the record-by-record export wrote.

Each export below is written twice in the same request: by the endpoint's `write_xlsx` and by the
reference — the export as it was before issue #19 (records loaded with their relations, FAB's
`_get_attr_value`, the converters of that time, xlsxwriter's own call per cell) — and the two files
must hold the same parts byte for byte (the creation time aside) and the same cell values: title line,
headers, column order, date formats, widths, filter, rows and their order, masking and row scope.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlsxwriter
from markupsafe import Markup

from app.appeals.demo import load_demo_appeals
from app.appeals.models import Appeal
from app.control.demo import load_demo_control
from app.core import export as export_module
from app.core.export import (
    XLSX_MAX_STRING,
    XLSX_MAX_WIDTH,
    ColumnRows,
    ExportPlan,
    _is_number,
    _plain,
    cell_value,
    memoised,
)
from app.core.export_reads import reads_columns
from app.extensions import db
from app.housing.demo import load_demo_housing
from app.plans.demo import load_demo_plans


def _reference_converter(view: Any, column: str) -> Callable[[Any], Any]:
    """app.core.export.column_converter before issue #19."""
    datamodel = view.datamodel
    typed = column in datamodel.list_columns and (
        datamodel.is_date(column) or datamodel.is_datetime(column) or datamodel.is_boolean(column)
    )
    formatter = view.formatters_columns.get(column)
    if typed or formatter is None:
        return cell_value
    declared = getattr(formatter, "export_value", None)
    if declared is not None:
        return memoised(lambda value: cell_value(declared(value)))

    def convert(value: Any) -> Any:
        shown = formatter(value)
        if isinstance(value, dt.date) or _is_number(value):
            text = shown.striptags() if isinstance(shown, Markup) else shown
            if isinstance(text, str) and text.strip() == _plain(value):
                return cell_value(value)
        return cell_value(shown)

    return memoised(convert)


def _reference_xlsx(path: str, plan: ExportPlan, view: Any) -> None:
    """app.core.export.write_xlsx and ExportPlan.rows before issue #19."""
    datamodel = plan.datamodel
    converters = [_reference_converter(view, column.name) for column in plan.columns]
    names = [column.name for column in plan.columns]
    records = plan.query.options(*export_module.relation_loaders(datamodel.obj, names)).yield_per(1000)
    workbook = xlsxwriter.Workbook(path, {"constant_memory": True})
    sheet = workbook.add_worksheet(export_module._UNSAFE_SHEET_NAME.sub(" ", plan.title)[:31] or "export")
    title = workbook.add_format({"bold": True, "font_size": 12})
    header = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
    date = workbook.add_format({"num_format": "dd.mm.yyyy", "align": "left"})
    timestamp = workbook.add_format({"num_format": "dd.mm.yyyy hh:mm", "align": "left"})
    sheet.write_string(0, 0, plan.title_line, title)
    for index, column in enumerate(plan.columns):
        sheet.write_string(1, index, column.label, header)
    sheet.freeze_panes(2, 0)
    widths = [len(column.label) for column in plan.columns]
    last_row = 1
    for last_row, item in enumerate(records, start=2):
        pairs = zip(converters, names, strict=True)
        values = [convert(datamodel._get_attr_value(item, name)) for convert, name in pairs]
        for index, value in enumerate(values):
            if value is None:
                continue
            if isinstance(value, dt.datetime):
                sheet.write_datetime(last_row, index, value, timestamp)
                width = 16
            elif isinstance(value, dt.date):
                sheet.write_datetime(last_row, index, value, date)
                width = 10
            elif isinstance(value, int | float | Decimal):
                sheet.write_number(last_row, index, float(value))
                width = len(str(value))
            else:
                sheet.write_string(last_row, index, value[:XLSX_MAX_STRING])
                width = len(value)
            widths[index] = max(widths[index], width)
    for index, width in enumerate(widths):
        sheet.set_column(index, index, min(width + 2, XLSX_MAX_WIDTH))
    if plan.columns:
        sheet.autofilter(1, 0, last_row, len(plan.columns) - 1)
    workbook.close()


@pytest.fixture
def written_twice(app, monkeypatch) -> Iterator[list[tuple[Path, Path, ExportPlan]]]:
    """Every XLSX export of the test also written by the reference, from the same plan."""
    files: list[tuple[Path, Path, ExportPlan]] = []
    new_writer = export_module.write_xlsx

    def both(path: str, plan: ExportPlan) -> None:
        new_writer(path, plan)
        reference = Path(path).with_suffix(".reference.xlsx")
        view = next(v for v in app.appbuilder.baseviews if getattr(v, "datamodel", None) is plan.datamodel)
        _reference_xlsx(str(reference), plan, view)
        files.append((Path(path).with_suffix(".copy.xlsx"), reference, plan))
        Path(files[-1][0]).write_bytes(Path(path).read_bytes())

    monkeypatch.setattr(export_module, "write_xlsx", both)
    yield files
    for copy, reference, _ in files:
        copy.unlink(missing_ok=True)
        reference.unlink(missing_ok=True)


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist() if name != "docProps/core.xml"}


def _cells(data: bytes) -> list[tuple[Any, ...]]:
    return list(openpyxl.load_workbook(io.BytesIO(data), read_only=True).active.iter_rows(values_only=True))


def _export_matches_reference(client: Any, url: str, files: list[tuple[Path, Path, ExportPlan]]) -> list[tuple]:
    response = client.post(url, buffered=True)
    assert response.status_code == 200, response.text[:300]
    new, reference, plan = files[-1]
    assert plan.reader is not None, "the list is read as columns"
    cells = _cells(response.data)
    assert cells == _cells(reference.read_bytes())
    assert _parts(new) == _parts(reference)
    return cells


@pytest.fixture
def demo_lists(app) -> dict[str, int]:
    """A year of demo appeals (worked: executors, answers, closures, annulments) and instructions on control."""
    with app.app_context():
        counts = {"appeals": load_demo_appeals(count=80), "instructions": load_demo_control(count=25)}
        db.session.commit()
    return counts


APPEAL_URLS = [
    "/appealview/export/xlsx",
    # Sorted by another column, annulled ones included; filtered by status; a preset.
    "/appealview/export/xlsx?_oc_AppealView=reg_number&_od_AppealView=asc&annulled=all",
    "/appealview/export/xlsx?_oc_AppealView=status&_od_AppealView=desc&_flt_0_status=in_work",
    "/appealview/export/xlsx?preset=overdue",
]


def test_appeal_exports_read_as_columns_are_the_files_the_records_gave(login, written_twice, demo_lists):
    """Per user (personal-data right, city-wide, one district), per sort, filter and preset."""
    sizes = {}
    for username in ("appeals", "supervisor", "zavodskoy"):
        client = login(username)
        for url in APPEAL_URLS:
            cells = _export_matches_reference(client, url, written_twice)
            assert cells[1][:2] == ("Рег. номер", "Дата регистрации")
            sizes[username, url] = len(cells) - 2

    everything = sizes["supervisor", APPEAL_URLS[1]]
    assert everything == demo_lists["appeals"] > 50
    # Row scope as before: the district clerk's file is his district's part.
    assert 0 < sizes["zavodskoy", APPEAL_URLS[0]] < sizes["supervisor", APPEAL_URLS[0]]
    assert 0 < sizes["supervisor", APPEAL_URLS[2]] < sizes["supervisor", APPEAL_URLS[0]]


def test_appeal_file_has_dates_relations_and_deadlines_as_before(login, written_twice, demo_lists):
    cells = _export_matches_reference(login("supervisor"), "/appealview/export/xlsx", written_twice)

    rows = cells[2:]
    assert all(isinstance(row[1], dt.datetime) for row in rows)  # the registration date, an Excel date
    assert all(row[4] for row in rows)  # the responsible body, by name
    assert any(row[5] for row in rows)  # an executor
    assert all(isinstance(row[7], dt.datetime) for row in rows)  # the deadline (a declared method)


def test_instruction_exports_read_as_columns_are_the_files_the_records_gave(login, written_twice, demo_lists):
    client = login("supervisor")
    for url in ("/instructionview/export/xlsx", "/instructionview/export/xlsx?preset=overdue"):
        cells = _export_matches_reference(client, url, written_twice)
        assert len(cells) > 2
    everything = _export_matches_reference(client, "/instructionview/export/xlsx?annulled=all", written_twice)
    assert len(everything) - 2 >= demo_lists["instructions"] > 10


def test_official_export_read_as_columns_is_the_file_the_records_gave(login, written_twice):
    cells = _export_matches_reference(login("admin"), "/officialview/export/xlsx", written_twice)

    assert len(cells) > 5


def test_csv_rows_read_as_columns_are_the_rows_of_records(app, login, demo_lists):
    """The CSV takes the same rows: its lines equal those of the records' path."""
    client = login("supervisor")
    fast = client.post("/appealview/export/csv", buffered=True).data
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ColumnRows, "of", classmethod(lambda cls, model, names: None))
        slow = client.post("/appealview/export/csv", buffered=True).data

    assert fast == slow
    assert fast.count(b"\r\n") > 10


def test_a_list_column_the_columns_cannot_give_makes_the_export_read_records():
    class Model:
        pass

    assert ColumnRows.of(Appeal, ["reg_number", "applicant_name"]) is None  # a property, undeclared
    assert ColumnRows.of(Appeal, ["reg_number", "responsible_body.name"]) is None  # a dotted path
    assert ColumnRows.of(Appeal, ["reg_number", "questions"]) is None  # a collection
    assert ColumnRows.of(Appeal, ["reg_number", "due_state", "responsible_body"]) is not None


def test_a_declared_method_sees_only_the_columns_it_declares():
    @reads_columns("due_date")
    def wrong(self: Any) -> Any:
        return self.due_date, self.closed_on  # reads a column it did not declare

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Appeal, "wrong_state", wrong, raising=False)
        rows = ColumnRows.of(Appeal, ["wrong_state"])
        assert rows is not None
        with pytest.raises(AttributeError):
            rows.getters[0]((dt.date(2025, 1, 1),))


def test_a_list_exported_by_the_job_is_the_same_file_through_the_same_writer(app, login, written_twice, demo_lists):
    """Above EXPORT_JOB_ROWS the background job writes the file: with the same writer, read as columns."""
    client = login("supervisor")
    url = "/appealview/export/xlsx?_oc_AppealView=reg_number&_od_AppealView=asc"
    direct = _export_matches_reference(client, url, written_twice)
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(app.config, "EXPORT_JOB_ROWS", 10)
        response = client.post(url)
        assert response.status_code == 302 and "/jobs/" in response.headers["Location"]
        job_url = response.headers["Location"].rstrip("/")
        download = client.get(f"{job_url}/file", buffered=True)

    assert download.status_code == 200
    new, reference, plan = written_twice[-1]
    assert plan.reader is not None and len(written_twice) == 2  # the job went through write_xlsx too
    assert _cells(download.data) == _cells(reference.read_bytes()) == direct
    assert _parts(new) == _parts(reference)


def test_plan_and_housing_decision_exports_read_as_columns_are_the_files_the_records_gave(app, login, written_twice):
    """Their deadline columns are declared methods (`reads_columns`): the lists export without loading records."""
    with app.app_context():
        load_demo_plans()
        load_demo_housing(count=40)
        db.session.commit()
    plans = _export_matches_reference(login("plans"), "/planview/export/xlsx", written_twice)
    assert len(plans) - 2 >= 5  # this year's annual plan and its four quarters
    decisions = _export_matches_reference(login("housing"), "/housingdecisionview/export/xlsx", written_twice)
    assert len(decisions) - 2 >= 40  # a registration decision per household at least
