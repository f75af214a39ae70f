"""Two clerks edit the same appeal: the second save is refused with a clear message and nothing is lost."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from .pages import flash_messages, open_menu, shown_value

STALE = "Запись уже изменена другим пользователем. Ваши изменения не сохранены: проверьте их и сохраните снова."


def test_second_save_of_the_same_appeal_is_refused_with_a_clear_message(page_as, new_page, shots):
    first = page_as("zavodskoy")
    open_menu(first, "Обращения", "Обращения граждан")
    first.locator("table.table-bordered tbody tr").first.locator("a[href*='/appealview/edit/']").click()
    edit_path = re.sub(r"^https?://[^/]+", "", first.url)
    second = new_page("appeals")
    second.goto(edit_path)
    original = first.locator("#summary").input_value()
    expect(second.locator("#summary")).to_have_value(original)

    first.locator("#summary").fill(original + " (уточнено районом)")
    first.get_by_role("button", name="Сохранить").click()
    flash_messages(first)
    assert STALE not in flash_messages(first)

    second.locator("#summary").fill(original + " (уточнено отделом обращений)")
    second.get_by_role("button", name="Сохранить").click()
    messages = flash_messages(second, STALE)
    assert STALE in messages
    assert any("уточнено районом" in message for message in messages), messages  # what the other clerk changed
    expect(second.locator("#summary")).to_have_value(original + " (уточнено отделом обращений)")  # not lost
    shots.take(second, "locking-refused")

    # Having read what changed, the second clerk saves knowingly over the new version.
    second.get_by_role("button", name="Сохранить").click()
    assert STALE not in flash_messages(second)
    first.goto(edit_path.replace("/edit/", "/show/"))
    assert shown_value(first, "Краткое содержание") == original + " (уточнено отделом обращений)"
