"""A clerk signs out from the user menu (a POST with the CSRF token); the bare address only asks."""

from __future__ import annotations

from urllib.parse import urlsplit

from playwright.sync_api import expect

from .pages import sign_in


def test_clerk_signs_out_from_the_user_menu_and_the_logout_address_alone_only_asks(new_page):
    page = new_page()
    sign_in(page, "zavodskoy")

    # Typed (or loaded by an image on another site), the address only offers the button.
    page.goto("/logout/")
    expect(page.locator("h2")).to_have_text("Выход из системы")
    assert page.request.get("/api/v1/menu/").status == 200  # still signed in

    page.goto("/")
    navbar = page.locator(".navbar-right")
    navbar.locator("a.dropdown-toggle").filter(has_text="Иванова").click()
    exit_item = navbar.locator("form.uprava-logout button")
    expect(exit_item).to_be_visible()
    exit_item.click()
    page.wait_for_load_state()
    assert urlsplit(page.url).path in {"/", "/login/"}
    assert page.request.get("/api/v1/menu/").status == 401
    expect(page.locator(".navbar-right")).to_contain_text("Войти")
