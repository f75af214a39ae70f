"""The appeals clerk registers a written appeal with two questions picked in the registration form, states a
question's type and text on the card, answers the appeal, and sees it answered on time."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import expect

from app.core.dates import format_date

from .expected import due_from_today, local_today
from .pages import (
    add_filter,
    choose,
    flash_messages,
    open_menu,
    read_list,
    run_search,
    search_and_add,
    type_date,
)

#: (code, a word of its name the clerk types, type, text): questions are picked by name in the registration form
#: (issue #13 items 3–4); their type and text are stated on the card's questions tab.
QUESTIONS = [
    ("0003.0009.0097.0690", "освещ", "Жалоба", "Не горит фонарь у подъезда"),
    ("0003.0009.0097.0692", "озелен", "Предложение", "Высадить деревья во дворе"),
]


def test_appeals_clerk_registers_written_appeal_answers_it_and_sees_it_answered_on_time(page_as, oracle, shots):
    page = page_as("appeals")
    today = local_today(oracle)
    summary = f"Не работает освещение во дворе, ул. Новосёлов, д. 12 ({uuid.uuid4().hex[:6]})"

    open_menu(page, "Обращения", "Обращения граждан")
    page.locator("a[href*='/appealview/add']").first.click()
    expect(page.locator(".panel-title, .panel-heading").first).to_contain_text("Регистрация обращения")
    type_date(page, "#received_date", format_date(today))
    expect(page.locator("#select2-channel-container")).to_contain_text("Письменное обращение")
    page.locator("#applicant_last_name").fill("Петров")
    page.locator("#applicant_first_name").fill("Иван")
    page.locator("#applicant_address").fill("654000, г. Новокузнецк, ул. Новосёлов, д. 12, кв. 5")
    page.locator("#summary").fill(summary)
    for code, word, _kind, _text in QUESTIONS:
        search_and_add(page, "question_codes", word, code)
    picked = page.locator("#question_codes + .select2-container .select2-selection__choice")
    expect(picked).to_have_count(2)
    choose(page, "responsible_body", "УДКХиБ")
    shots.take(page, "appeals-register-form")
    page.get_by_role("button", name="Сохранить").click()

    due = format_date(due_from_today(oracle, "appeal_answer"))
    registered = [
        m for m in flash_messages(page, "Обращение зарегистрировано") if m.startswith("Обращение зарегистрировано")
    ]
    assert len(registered) == 1, flash_messages(page)
    match = re.fullmatch(
        r"Обращение зарегистрировано: (ОГ-\d{4}-\d{6}), срок ответа (\d\d\.\d\d\.\d{4})", registered[0]
    )
    assert match, registered
    number = match.group(1)
    assert match.group(2) == due
    # «Сохранить» opened the new card: its number and status in the heading, the deadline on top.
    expect(page.locator(".panel-heading").first).to_contain_text(
        f"Регистрационная карточка обращения {number} — Зарегистрировано"
    )
    expect(page.locator(".uprava-card-summary .deadline")).to_have_text(due)
    shots.take(page, "appeals-registered")

    open_menu(page, "Обращения", "Обращения граждан")

    add_filter(page, "Рег. номер", number, "Равно")
    run_search(page)
    rows = read_list(page)
    assert [row["Рег. номер"] for row in rows] == [number]
    assert rows[0]["Статус"] == "Зарегистрировано"
    assert rows[0]["Срок ответа"] == due
    page.locator("table.table-bordered tbody tr").first.locator("a[href*='/appealview/show/']").click()
    expect(page.locator(".panel-heading").first).to_contain_text("Регистрационная карточка обращения")
    shots.take(page, "appeals-card")

    # The questions came with the registration; each one's type and text are stated on the tab.
    for index, (code, _word, kind, text) in enumerate(QUESTIONS):
        page.get_by_role("link", name="Вопросы обращений").click()
        rows = page.locator("#AppealQuestionView table.table-bordered tbody tr")
        expect(rows).to_have_count(2)
        rows.nth(index).locator("a[href*='/appealquestionview/edit/']").click()
        expect(page.locator("#select2-classifier_code-container")).to_contain_text(code)
        choose(page, "question_type", kind)
        page.locator("#text").fill(text)
        if index == 0:
            shots.take(page, "appeals-question-form")
        page.get_by_role("button", name="Сохранить").click()
        expect(page.locator(".panel-heading").first).to_contain_text("Регистрационная карточка обращения")
    page.get_by_role("link", name="Вопросы обращений").click()
    questions = page.locator("#AppealQuestionView table.table-bordered tbody tr")
    expect(questions).to_have_count(2)
    # The tab reads the questions' names (their path), not the codes alone.
    expect(questions.nth(0)).to_contain_text("Уличное освещение")
    expect(questions.nth(1)).to_contain_text("Озеленение")
    expect(questions.nth(0)).to_contain_text(QUESTIONS[0][3])
    expect(questions.nth(1)).to_contain_text("Предложение")
    shots.take(page, "appeals-card-questions")

    page.get_by_role("link", name="Дать ответ").click()
    results = page.locator("select[aria-label='Результат']")
    expect(results).to_have_count(2)
    results.nth(0).select_option(label="Поддержано, в том числе меры приняты")
    results.nth(1).select_option(label="Разъяснено")
    page.locator("textarea[aria-label='Принятые меры']").first.fill("Фонарь заменён 20.11")
    page.locator("#answer_number").fill("ОГ-ответ-1")
    expect(page.locator("#answer_date")).to_have_value(format_date(today))
    page.locator("#signed_by").fill("Заместитель Главы города С. Кузнецов")
    shots.take(page, "appeals-answer-form", full_page=True)
    page.get_by_role("button", name="Дать ответ").click()
    assert "Ответ зарегистрирован, обращение закрыто" in flash_messages(page, "Ответ зарегистрирован")

    open_menu(page, "Обращения", "Обращения граждан")
    add_filter(page, "Рег. номер", number, "Равно")
    run_search(page)
    rows = read_list(page)
    assert [(row["Рег. номер"], row["Статус"], row["Срок ответа"]) for row in rows] == [(number, "Дан ответ", due)]
    badge = page.locator("table.table-bordered tbody tr").first.locator(".deadline")
    expect(badge).to_have_attribute("title", "Исполнено в срок")
    expect(badge).to_have_class(re.compile(r"\blabel-success\b"))
    shots.take(page, "appeals-list-answered")
