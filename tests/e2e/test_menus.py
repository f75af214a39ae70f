"""Each built-in role signs in through the login form and sees, in Russian, exactly its menus on one line (1280 px)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from app.core.menus import CATEGORIES
from tests.test_security import EXPECTED_MENUS

from .conftest import VIEWPORT
from .pages import sign_in

CYRILLIC = re.compile(r"[А-Яа-яЁё]")
#: Home pages the user guide shows (docs/guide/).
GUIDE_HOME_PAGES = {"admin", "appeals", "control", "deputy", "supervisor", "zavodskoy"}


def visible_menus(page: Page) -> dict[str, list[str]]:
    """The navigation bar as the user reads it: category label -> item labels."""
    menus: dict[str, list[str]] = {}
    for category in page.locator(".navbar-collapse > ul.nav.navbar-nav:not(.navbar-right) > li").all():
        label = category.locator("> a").inner_text().strip()
        menus[label] = [item.strip() for item in category.locator("ul.dropdown-menu > li > a").all_inner_texts()]
    return menus


def off_the_first_line(page: Page) -> list[str]:
    """What of the bar (brand, menus, language, user) does not sit on the brand's line: it wrapped."""
    return page.evaluate(
        """() => {
            const items = [...document.querySelectorAll('.navbar-brand, .navbar-collapse > ul.nav > li')];
            const top = items[0].getBoundingClientRect().top;
            return items.filter(e => Math.abs(e.getBoundingClientRect().top - top) > 2).map(e => e.innerText.trim());
        }"""
    )


def expected_labels(page: Page, names: dict[str, list[str]]) -> dict[str, list[str]]:
    """EXPECTED_MENUS (stable English names) in the labels the user's session is given."""
    tree = page.request.get("/api/v1/menu/").json()["result"]
    labels = {item["name"]: (item["label"], {c["name"]: c["label"] for c in item.get("childs", [])}) for item in tree}
    return {labels[cat][0]: [labels[cat][1][item] for item in items] for cat, items in names.items()}


@pytest.mark.parametrize("username", sorted(EXPECTED_MENUS))
def test_each_role_signs_in_and_sees_exactly_its_menus_in_russian(new_page, shots, username):
    page = new_page()
    sign_in(page, username)
    expect(page.locator("h1, h2").first).to_have_text("Рабочий стол")
    shown = visible_menus(page)
    assert shown == expected_labels(page, EXPECTED_MENUS[username])
    assert page.viewport_size == VIEWPORT and VIEWPORT["width"] == 1280
    assert off_the_first_line(page) == []
    if username in GUIDE_HOME_PAGES:
        shots.take(page, f"home-{username}")


def test_every_menu_label_is_russian(page_as):
    page = page_as("admin")  # Admin sees every menu
    untranslated = [
        f"{label} / {item}"
        for label, items in visible_menus(page).items()
        for item in [label, *items]
        if not CYRILLIC.search(item)
    ]
    assert untranslated == []


def test_the_bar_of_all_five_domains_fits_one_line_at_1280_px(page_as, oracle):
    """The planned bar (app/core/menus.py: every category, a long user name) keeps one line at 1280 px."""
    page = page_as("admin")
    with oracle.test_request_context():
        labels = [str(category.label) for category in CATEGORIES]
    page.evaluate(
        """(labels) => {
            const bar = document.querySelector('.navbar-collapse > ul.nav.navbar-nav:not(.navbar-right)');
            const model = bar.children[0];
            bar.replaceChildren(...labels.map((label) => {
                const item = model.cloneNode(true);
                item.querySelector('a').replaceChildren(label, model.querySelector('.caret').cloneNode());
                return item;
            }));
            document.querySelector('.uprava-user-name').textContent = 'Константин Константинопольский-Щербатов';
        }""",
        labels,
    )
    assert [
        t.strip()
        for t in page.locator(".navbar-collapse > ul.nav.navbar-nav:not(.navbar-right) > li").all_inner_texts()
    ] == labels
    assert off_the_first_line(page) == []
