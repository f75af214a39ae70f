"""A date typed as ДД.ММ.ГГГГ is accepted, shown back the same way, and found by a list filter typed the same way."""

from __future__ import annotations

from playwright.sync_api import expect

from .pages import add_filter, flash_messages, open_menu, read_list, run_search, shown_value, type_date

DATE = "01.09.2025"


def test_date_typed_day_first_is_accepted_and_shown_back_the_same_way(page_as, shots):
    page = page_as("admin")
    open_menu(page, "Справочники", "Должностные лица")
    add_filter(page, "Пользователь", "Марина Фёдорова")
    run_search(page)
    page.locator("table.table-bordered tbody tr").first.locator("a[href*='/officialview/edit/']").click()
    type_date(page, "#appointed_on", DATE)
    shots.take(page, "date-typed")
    page.get_by_role("button", name="Сохранить").click()
    assert not [m for m in flash_messages(page) if "Ошибка" in m or "ошибк" in m]

    open_menu(page, "Справочники", "Должностные лица")
    add_filter(page, "Дата назначения", DATE, "Равно")
    run_search(page)
    rows = read_list(page)
    assert [row["Пользователь"] for row in rows] == ["Марина Фёдорова"]
    page.locator("table.table-bordered tbody tr").first.locator("a[href*='/officialview/show/']").click()
    assert shown_value(page, "Дата назначения") == DATE
    page.go_back()
    page.locator("table.table-bordered tbody tr").first.locator("a[href*='/officialview/edit/']").click()
    expect(page.locator("#appointed_on")).to_have_value(DATE)
