"""What a user does on a page and reads from it: the e2e scenarios' vocabulary (labels, not selectors)."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urljoin, urlsplit

from playwright.sync_api import Page

from app.demo import DEMO_PASSWORD


def sign_in(page: Page, username: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the login form, as a user does; lands on the home page."""
    page.goto("/login/")
    page.locator("#username").fill(username)
    page.locator("#password").fill(password)
    page.locator("form [type=submit]").click()
    page.wait_for_url(lambda url: urlsplit(url).path == "/")


def open_menu(page: Page, category: str, item: str) -> None:
    """Click a menu category in the navigation bar, then one of its items."""
    navbar = page.locator(".navbar-collapse")
    # The item within its own category: «Просроченные» is both an appeals' and an instructions' preset.
    dropdown = navbar.locator("li.dropdown").filter(
        has=page.locator("a.dropdown-toggle").filter(has_text=re.compile(rf"^\W*{re.escape(category)}\W*$"))
    )
    dropdown.locator("a.dropdown-toggle").click()
    dropdown.locator("ul.dropdown-menu a").filter(has_text=re.compile(rf"^\W*{re.escape(item)}\W*$")).click()
    page.wait_for_load_state()


def flash_messages(page: Page, containing: str = "") -> list[str]:
    """The messages shown on top of the page (FAB flashes), once one `containing` the text is there."""
    page.locator(".alert").filter(has_text=containing).first.wait_for()
    return [text.strip(" ×\n") for text in page.locator(".alert").all_inner_texts()]


def choose(page: Page, field_id: str, label: str) -> None:
    """Pick `label` in a form's choice list the way the user does: open the list, click the option."""
    page.locator(f"#{field_id} + .select2-container").click()
    page.locator(".select2-container--open .select2-results__option").filter(
        has_text=re.compile(rf"^{re.escape(label)}$")
    ).click()


def search_and_choose(page: Page, field_id: str, typed: str, starts_with: str) -> None:
    """Pick in a drop-down that searches as the user types (a question by a word of its name)."""
    page.locator(f"#{field_id} + .select2-container").click()
    page.locator(".select2-container--open .select2-search__field").press_sequentially(typed)
    page.locator(".select2-container--open .select2-results__option").filter(
        has_text=re.compile(rf"^{re.escape(starts_with)}")
    ).first.click()


def search_and_add(page: Page, field_id: str, typed: str, starts_with: str) -> None:
    """Add one more pick to a multiple drop-down that searches as the user types (the registration form's
    questions): its search box stands inside the field, among the picks already made."""
    page.locator(f"#{field_id} + .select2-container .select2-search__field").press_sequentially(typed)
    page.locator(".select2-container--open .select2-results__option").filter(
        has_text=re.compile(rf"^{re.escape(starts_with)}")
    ).first.click()


def type_date(page: Page, selector: str, value: str) -> None:
    """Type a date as ДД.ММ.ГГГГ and close the date picker (Escape), as a user does."""
    field = page.locator(selector)
    field.fill("")
    field.press_sequentially(value)
    field.press("Escape")


def add_filter(page: Page, column: str, value: str, operation: str | None = None) -> None:
    """«Поиск» → «Добавить фильтр» on `column` (its label); pick the operation; type or pick the value."""
    panel = page.locator("#filter_form")
    if not panel.is_visible():
        page.get_by_role("link", name="Поиск").click()
    panel.get_by_role("button", name="Добавить фильтр").click()
    panel.locator("a.filter").filter(has_text=re.compile(rf"^\s*{re.escape(column)}\s*$")).click()
    row = panel.locator("table.filters tr").last
    if operation is not None:
        _pick_in_select2(page, row.locator("select.filter-op + .select2-container"), operation)
    value_field = row.locator(".filter_val")
    if value_field.evaluate("e => e.tagName") == "SELECT":
        _pick_in_select2(page, row.locator("select.filter_val + .select2-container"), value)
    else:
        value_field.fill(value)
        value_field.press("Escape")


def _pick_in_select2(page: Page, container: Any, label: str) -> None:
    container.click()
    page.locator(".select2-container--open .select2-results__option").filter(
        has_text=re.compile(rf"^{re.escape(label)}$")
    ).click()


def run_search(page: Page) -> None:
    """Press «Поиск» under the filters."""
    page.locator("#filter_form").get_by_role("button", name="Поиск").click()
    page.wait_for_load_state()


def read_list(page: Page) -> list[dict[str, str]]:
    """Every row of the list on screen, all its pages, as {column label: cell text}."""
    rows: list[dict[str, str]] = []
    for _page in range(100):
        table = page.locator("table.table-bordered:visible").last
        headers = [h.strip() for h in table.locator("thead th").all_inner_texts()]
        for row in table.locator("tbody tr").all():
            cells = [c.strip() for c in row.locator("td").all_inner_texts()]
            rows.append(dict(zip(headers, cells, strict=False)))
        following = page.locator("ul.pagination li:not(.active):not(.disabled) a", has_text=re.compile(r"^\s*[>›]\s*$"))
        if following.count() == 0:
            return rows
        following.first.click()
        page.wait_for_load_state()
    raise AssertionError("the list has more than 100 pages")


def record_count(page: Page) -> int:
    """The list's «Всего записей»."""
    text = page.locator("text=Всего записей").first.locator("..").inner_text()
    return int(re.search(r"(\d+)\s*$", text.strip()).group(1))


def set_page_size(page: Page, size: int) -> None:
    """Choose how many rows a list page shows («Записей на странице»).

    FAB offers the choice only when the list has more than one page; a list on one page already shows
    every row (the demo's dates follow today, so a clerk's list may hold exactly 25 one day).
    """
    page.wait_for_load_state()
    button = page.get_by_role("button", name="Записей на странице")
    if not button.count():
        assert not page.locator(".uprava-pager").count(), "a list of several pages offers its page size"
        return
    button.click()
    page.locator(".dropdown-menu a").filter(has_text=re.compile(rf"^\s*{size}\s*$")).click()
    page.wait_for_load_state()


def shown_value(page: Page, label: str) -> str:
    """A field's value on a record's page (the first table row labelled `label`)."""
    row = page.locator("table tr").filter(
        has=page.locator("th, td").filter(has_text=re.compile(rf"^\s*{re.escape(label)}\s*$"))
    )
    return row.first.locator("td").last.inner_text().strip()


def open_expecting_not_found(page: Page, path: str) -> None:
    """Open a URL that must answer 404 (the browser logs that 404: expected, not a console error)."""
    page.uprava_watch.expected_not_found.add(urljoin(page.url, path))  # type: ignore[attr-defined]
    response = page.goto(path)
    assert response is not None and response.status == 404, (path, response and response.status)
