"""Admin creates a user with a role and an official profile; the user signs in and sees exactly that scope."""

from __future__ import annotations

import uuid

from playwright.sync_api import expect

from .expected import visible_appeal_numbers
from .pages import (
    add_filter,
    choose,
    flash_messages,
    open_menu,
    read_list,
    record_count,
    run_search,
    set_page_size,
    sign_in,
)

PASSWORD = "Kuznetsk-Clerk-2026"


def test_admin_creates_user_with_role_and_profile_who_then_sees_exactly_that_scope(page_as, new_page, oracle, shots):
    username = f"orlov{uuid.uuid4().hex[:6]}"
    page = page_as("admin")
    open_menu(page, "Администрирование", "Список пользователей")
    page.locator("a[href*='/users/add']").first.click()
    page.locator("#first_name").fill("Павел")
    page.locator("#last_name").fill("Орлов")
    page.locator("#username").fill(username)
    page.locator("#email").fill(f"{username}@uprava.example")
    page.locator("#roles + .select2-container").click()
    page.locator(".select2-container--open .select2-results__option").filter(has_text="DistrictClerk").click()
    page.locator("#password").fill(PASSWORD)
    page.locator("#conf_password").fill(PASSWORD)
    shots.take(page, "admin-user-form", full_page=True)
    page.get_by_role("button", name="Сохранить").click()
    flash_messages(page)

    add_filter(page, "Имя пользователя", username)
    run_search(page)
    rows = read_list(page)
    assert [row["Имя пользователя"] for row in rows] == [username]
    page.locator("table.table-bordered tbody tr").first.locator("a[href*='/users/show/']").click()
    page.get_by_role("link", name="Должностные лица").click()
    page.locator("a[href*='/officialview/add']").click()
    page.locator("#position").fill("Специалист администрации Кузнецкого района")
    choose(page, "body", "Адм. Кузнецкого р-на")
    choose(page, "district", "Кузнецкий")
    choose(page, "scope_level", "Свой район")
    shots.take(page, "admin-profile-form", full_page=True)
    page.get_by_role("button", name="Сохранить").click()
    flash_messages(page)
    page.get_by_role("link", name="Должностные лица").click()
    profiles = read_list(page)
    assert [(p["Должность"], p["Орган"], p["Область видимости"]) for p in profiles] == [
        ("Специалист администрации Кузнецкого района", "Адм. Кузнецкого р-на", "Свой район")
    ]
    shots.take(page, "admin-user-card")

    user_page = new_page()
    sign_in(user_page, username, PASSWORD)
    home = user_page.locator(".uprava-whoami")  # «who am I» above the home page's numbers
    expect(home).to_contain_text("Павел Орлов")
    expect(home).to_contain_text("Свой район")
    open_menu(user_page, "Обращения", "Обращения граждан")
    set_page_size(user_page, 100)
    expected = visible_appeal_numbers(oracle, username)
    assert expected
    assert expected.isdisjoint(visible_appeal_numbers(oracle, "zavodskoy"))
    assert record_count(user_page) == len(expected)
    assert {row["Рег. номер"] for row in read_list(user_page)} == expected
