"""A district clerk sees only their district's appeals and gets «not found» for another district's appeal."""

from __future__ import annotations

from playwright.sync_api import expect

from .expected import appeal_numbers_of_body, visible_appeal_numbers
from .pages import open_expecting_not_found, open_menu, read_list, record_count, set_page_size


def test_district_clerk_sees_only_own_district_and_not_found_for_another(new_page, oracle, shots):
    expected = visible_appeal_numbers(oracle, "zavodskoy")
    # The district's appeals: its administration received them or answers for them.
    assert expected == appeal_numbers_of_body(oracle, "district-zavodskoy")

    central = new_page("central")  # a colleague of another district, whose card link will be tried
    open_menu(central, "Обращения", "Обращения граждан")
    rows = central.locator("table.table-bordered tbody tr")
    foreign = next(row for row in rows.all() if row.locator("td").nth(1).inner_text().strip() not in expected)
    foreign_number = foreign.locator("td").nth(1).inner_text().strip()
    foreign_card = foreign.locator("a[href*='/appealview/show/']").get_attribute("href")
    foreign_pk = foreign_card.split("/show/")[1].split("?")[0]

    page = new_page("zavodskoy")
    open_menu(page, "Обращения", "Обращения граждан")
    set_page_size(page, 100)
    assert record_count(page) == len(expected)
    shots.take(page, "district-list")
    rows = read_list(page)
    assert {row["Рег. номер"] for row in rows} == expected
    assert len(rows) == len(expected)

    for path in (foreign_card, f"/appealview/edit/{foreign_pk}", f"/appeals/actions/answer/{foreign_pk}"):
        open_expecting_not_found(page, path)
        expect(page.locator(".uprava-error h2")).to_have_text("404 — Страница или запись не найдена")
        expect(page.locator("body")).not_to_contain_text(foreign_number)
    shots.take(page, "district-not-found")
