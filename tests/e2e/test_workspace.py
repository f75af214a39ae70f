"""The workspace in the browser: each role lands on its home page, a number opens its list, dashboards draw offline.

Every context is watched (conftest.Watch): a request to any host but 127.0.0.1, a console error
(a CSP violation by a chart's style or script would be one) or a 5xx fails the test.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from app.appeals.models import OPEN_STATUSES, Appeal
from app.core.dates import local_today
from app.extensions import db
from app.security import scope_clause, visibility_for

from .pages import open_menu, record_count, sign_in

#: What each role's home page calls its table of numbers (None: no numbers yet for that role).
SUMMARY_TITLES = {
    "supervisor": "Сводка по городу",
    "deputy": "Мой контроль: курируемые органы",
    "appeals": "Сводка по городу",
    "zavodskoy": "Сводка по району",
    "udkh": "Сводка по органу",
    "admin": None,
    # The documentation department (city-wide): its instructions' numbers.
    "control": "Сводка по городу",
}


def overdue_count(oracle, username: str) -> int:
    """Open appeals past their due date the user sees (written out here, apart from app.core.workspace)."""
    with oracle.app_context():
        user = oracle.appbuilder.sm.find_user(username=username)
        query = select(func.count(Appeal.id)).where(
            Appeal.annulled_at.is_(None),
            Appeal.status.in_([s.value for s in OPEN_STATUSES]),
            Appeal.due_date < local_today(),
        )
        clause = scope_clause(Appeal, visibility_for(user))
        if clause is not None:
            query = query.where(clause)
        number = db.session.scalar(query)
        db.session.remove()
    return number


def counter(page: Page, key: str):
    return page.locator(f'a[data-counter="{key}"]')


@pytest.mark.parametrize("username", sorted(SUMMARY_TITLES))
def test_each_role_signs_in_and_lands_on_its_home_page(new_page, shots, username):
    page = new_page()
    sign_in(page, username)  # the login form leads to "/"
    expect(page.locator("h2").first).to_have_text("Рабочий стол")
    title = SUMMARY_TITLES[username]
    if title is None:
        expect(page.locator("#home-summary")).to_have_count(0)
    else:
        expect(page.locator("#home-summary-title")).to_have_text(title)
    if username in ("supervisor", "deputy", "zavodskoy", "appeals", "udkh"):
        shots.take(page, f"workspace-home-{username}", full_page=True)


@pytest.mark.parametrize("username", ["supervisor", "zavodskoy"])
def test_the_overdue_number_opens_the_list_with_that_many_rows(page_as, oracle, username):
    page = page_as(username)
    link = counter(page, "appeals.overdue")
    shown = int(link.inner_text())
    assert shown == overdue_count(oracle, username) > 0
    link.click()
    page.wait_for_load_state()
    expect(page.locator(".panel-heading, h1").first).to_contain_text("Просроченные обращения")
    assert record_count(page) == shown


def test_the_deputy_heads_soonest_deadline_opens_its_card(page_as):
    page = page_as("deputy")
    first = page.locator("#home-urgent tbody tr").first
    number = first.locator("td").nth(1).inner_text().strip()
    assert re.fullmatch(r"ОГ-\d{4}-\d{6}", number)
    first.locator("a").click()
    page.wait_for_load_state()
    expect(page.locator(".panel-heading").first).to_contain_text("Регистрационная карточка обращения")
    expect(page.locator("body")).to_contain_text(number)


def test_a_bodys_overdue_number_opens_that_bodys_overdue_list(page_as):
    page = page_as("supervisor")
    first = page.locator("#home-bodies tbody tr").first
    shown = int(first.locator("a").first.inner_text())
    first.locator("a").first.click()
    page.wait_for_load_state()
    assert record_count(page) == shown


def test_the_dashboard_draws_its_charts_offline_and_a_bar_opens_its_list(page_as, shots):
    page = page_as("supervisor")
    open_menu(page, "Рабочий стол", "Показатели обращений")
    expect(page.locator(".panel-heading").first).to_contain_text("Показатели обращений")
    expect(page.locator(".uprava-dashboard-chart svg")).to_have_count(5)
    assert page.locator("svg script").count() == 0
    # The bars carry their numbers as text, and so does the table beside each chart.
    table = page.locator('table[data-chart="channels"] tbody tr').first
    channel, appeals = (cell.strip() for cell in table.locator("td").all_inner_texts()[:2])
    assert channel in page.locator("#chart-channels svg").text_content()
    shots.take(page, "workspace-dashboard", full_page=True)
    page.emulate_media(media="print")
    shots.take(page, "workspace-dashboard-print", full_page=True)
    page.emulate_media(media="screen")
    # The first channel's bar (drawn on top) opens the list of its appeals in the period.
    page.locator("#chart-channels svg a").last.click()
    page.wait_for_load_state()
    assert record_count(page) == int(appeals)


def test_jobs_have_their_place_under_the_workspace_menu(page_as):
    page = page_as("control")
    open_menu(page, "Рабочий стол", "Фоновые задания")
    expect(page.locator("body")).to_contain_text("Фоновые задания")
