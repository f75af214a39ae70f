"""The Supervisor narrows the overdue appeals to one body, exports them to Excel, and the file holds the same rows."""

from __future__ import annotations

import datetime as dt

import openpyxl
from playwright.sync_api import expect

from .expected import local_today, overdue_appeal_numbers
from .pages import add_filter, open_menu, read_list, record_count, run_search

BODY = "Комитет ЖКХ"


def test_supervisor_exports_overdue_appeals_of_one_body_and_the_file_holds_the_same_rows(
    page_as, oracle, shots, tmp_path
):
    page = page_as("supervisor")
    open_menu(page, "Обращения", "Просроченные")
    add_filter(page, "Ответственный орган", BODY)
    shots.take(page, "supervisor-overdue-filter")
    run_search(page)
    assert "preset=overdue" in page.url

    expected = overdue_appeal_numbers(oracle, BODY)
    assert len(expected) > 1
    assert record_count(page) == len(expected)
    shots.take(page, "supervisor-overdue-list")
    rows = read_list(page)
    assert {row["Рег. номер"] for row in rows} == expected
    assert {row["Ответственный орган"] for row in rows} == {BODY}
    today = local_today(oracle)
    assert all(dt.datetime.strptime(row["Срок ответа"], "%d.%m.%Y").date() < today for row in rows)

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Выгрузить в Excel").click()
    download = download_info.value
    name = download.suggested_filename
    assert name.startswith("Просроченные обращения") and name.endswith(".xlsx")
    path = tmp_path / "export.xlsx"
    download.save_as(path)

    workbook = openpyxl.load_workbook(path, read_only=True)
    lines = list(workbook.active.iter_rows(values_only=True))
    workbook.close()
    # The preset names the list (app/core/presets.py), in the file as on the page.
    assert lines[0][0] == f"Обращения граждан — список «Просроченные обращения»; отбор: Ответственный орган = {BODY}"
    header = list(lines[1])
    assert header == [label for label in rows[0] if label]
    exported = [dict(zip(header, line, strict=True)) for line in lines[2:]]
    assert [r["Рег. номер"] for r in exported] == [r["Рег. номер"] for r in rows]
    assert {r["Ответственный орган"] for r in exported} == {BODY}
    # Dates are typed cells in the file (issue #13 item 7), the same days as the page shows.
    assert [f"{r['Срок ответа']:%d.%m.%Y}" for r in exported] == [r["Срок ответа"] for r in rows]
    expect(page.locator("table.table-bordered tbody tr")).not_to_have_count(0)
