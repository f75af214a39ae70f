"""The events coordinator adds an event to the 2020 programme, marks it held online, finds it in the month
view and in the statistics; the Supervisor opens it and can only read."""

from __future__ import annotations

import uuid

from playwright.sync_api import expect
from sqlalchemy import select

from app.events.demo import PROGRAMME
from app.events.models import Event
from app.extensions import db

from .pages import choose, flash_messages, open_expecting_not_found, open_menu, shown_value


def _event_id(oracle, title: str) -> int:
    with oracle.app_context():
        pk = db.session.scalar(select(Event.id).where(Event.title == title))
        db.session.remove()
    return pk


def test_coordinator_adds_an_event_marks_it_held_online_and_finds_it_in_the_month_and_the_statistics(
    page_as, new_page, oracle, shots
):
    page = page_as("events")
    title = f"Концерт во дворе ветерана ({uuid.uuid4().hex[:6]})"

    open_menu(page, "Мероприятия", "Мероприятия")
    page.locator("a[href*='/eventview/add']").first.click()
    choose(page, "programme", PROGRAMME)
    page.locator("#title").fill(title)
    start = page.locator("#starts_at")
    start.fill("")
    start.press_sequentially("22.06.2020 11:00")
    start.press("Escape")
    page.locator("#place").fill("ул. Кирова, 71")
    choose(page, "district", "Центральный")
    choose(page, "organiser_body", "Управление культуры")
    shots.take(page, "events-add-form")
    page.get_by_role("button", name="Сохранить").click()
    assert f"Мероприятие «{title}» добавлено в программу" in flash_messages(page, "добавлено в программу")
    pk = _event_id(oracle, title)

    # Held, but online: «format changed» is derived, and the reason is required.
    page.goto(f"/eventview/edit/{pk}")
    choose(page, "status", "Проведено")
    choose(page, "actual_format", "Онлайн")
    page.locator("#change_reason").fill("Ограничения на массовые мероприятия")
    page.locator("#participants_actual").fill("350")
    shots.take(page, "events-held-online")
    page.get_by_role("button", name="Сохранить").click()
    page.goto(f"/eventview/show/{pk}")
    assert shown_value(page, "Фактический формат") == "Онлайн"
    assert shown_value(page, "Формат изменён") == "Да"

    # The month view of June 2020 shows it on the 22nd; a click opens the card.
    open_menu(page, "Мероприятия", "Календарь мероприятий")
    page.goto("/events/calendar/month?month=2020-06")
    link = page.locator("#month-grid a").filter(has_text=title)
    expect(link).to_have_count(1)
    shots.take(page, "events-month")
    link.click()
    expect(page.locator("body")).to_contain_text(title)

    # The statistics count it among the held events of June with a changed format.
    open_menu(page, "Мероприятия", "Статистика мероприятий")
    expect(page.locator("body")).to_contain_text("Проведено")
    shots.take(page, "events-statistics")

    # The Supervisor reads the card and the list, with no button to edit or add (the matrix tests the 403s).
    supervisor = new_page("supervisor")
    supervisor.goto(f"/eventview/show/{pk}")
    expect(supervisor.locator("body")).to_contain_text(title)
    expect(supervisor.locator(f"a[href*='/eventview/edit/{pk}']")).to_have_count(0)
    open_menu(supervisor, "Мероприятия", "Мероприятия")
    expect(supervisor.locator("a[href*='/eventview/add']")).to_have_count(0)
    shots.take(supervisor, "events-supervisor-list")
    # A made-up event is «not found», not an error.
    open_expecting_not_found(supervisor, "/eventview/show/987654321")
