"""A list says what it shows (issue #13 item 6): the preset opened from the menu is the page's title, it and
each filter stay on the page as chips after a search, and a chip removes just itself."""

from __future__ import annotations

from playwright.sync_api import expect

from .pages import add_filter, open_menu, run_search


def test_appeals_clerk_reads_the_preset_and_filters_as_chips_and_removes_the_preset_alone(page_as):
    page = page_as("appeals")
    open_menu(page, "Обращения", "Просроченные")
    heading = page.locator(".panel-heading, .panel-title").first
    expect(heading).to_contain_text("Просроченные обращения")
    chips = page.locator("#list-chips .uprava-chip")
    expect(chips).to_have_count(1)
    expect(chips.first).to_contain_text("Просроченные обращения")

    add_filter(page, "Рег. номер", "ОГ-")
    run_search(page)
    expect(heading).to_contain_text("Просроченные обращения")
    expect(chips).to_have_count(2)
    expect(chips.nth(1)).to_contain_text("Рег. номер")
    expect(chips.nth(1)).to_contain_text("ОГ-")

    chips.first.locator(".uprava-chip-remove").click()
    expect(heading).to_contain_text("Обращения граждан")
    expect(chips).to_have_count(1)
    expect(chips.first).to_contain_text("Рег. номер")
