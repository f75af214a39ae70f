"""Control of instructions in the browser: the officer registers an incoming letter and puts two instructions
on control; the executor (УДКХиБ) asks for an extension; the deputy head who set the deadline approves it;
the executor reports; the officer accepts the report, which removes the instruction from control; a body
that is not involved (Управление культуры) sees neither instruction and gets «not found» for the card."""

from __future__ import annotations

import datetime as dt
import re
import uuid

from playwright.sync_api import Page, expect
from sqlalchemy import select

from app.control.models import Instruction
from app.core.dates import format_date
from app.extensions import db

from .expected import local_today
from .pages import choose, flash_messages, open_expecting_not_found, open_menu, shown_value, type_date


def _choose_containing(page: Page, field_id: str, text: str) -> None:
    """Pick the first option of a choice list whose label contains `text`; a long list (documents) is looked
    up as the user types."""
    page.locator(f"#{field_id} + .select2-container").click()
    search = page.locator(".select2-container--open .select2-search__field")
    if search.count() and search.first.is_visible():
        search.first.press_sequentially(text)
    page.locator(".select2-container--open .select2-results__option").filter(has_text=text).first.click()


def _instruction(oracle, number: str) -> Instruction:
    with oracle.app_context():
        instruction = db.session.scalar(select(Instruction).where(Instruction.reg_number == number))
        db.session.expunge(instruction)
        db.session.remove()
    return instruction


def _act(page: Page, pk: int, action: str) -> None:
    page.goto(f"/instructionview/show/{pk}")
    page.get_by_role("link", name=action).click()
    page.wait_for_load_state()


def test_an_instruction_goes_from_a_letter_through_an_extension_to_removal_and_stays_unseen_elsewhere(
    page_as, oracle, shots
):
    today = local_today(oracle)
    tag = uuid.uuid4().hex[:6]
    summary = f"О подготовке дорог к весне ({tag})"

    # The officer registers the letter.
    officer = page_as("control")
    open_menu(officer, "Контроль", "Реестр документов")
    officer.locator("a[href*='/documentview/add']").first.click()
    choose(officer, "kind", "Письмо")
    choose(officer, "registering_body", "УДОиК")
    choose(officer, "addressee_body", "УДКХиБ")
    choose(officer, "correspondent", "Правительство Кузбасса")
    officer.locator("#corr_number").fill("01-12/345")
    officer.locator("#summary").fill(summary)
    shots.take(officer, "control-document-form")
    officer.get_by_role("button", name="Сохранить").click()
    registered = [m for m in flash_messages(officer, "Документ зарегистрирован") if "Документ зарегистрирован" in m]
    match = re.fullmatch(r"Документ зарегистрирован: (Вх-\d{4}-\d{5})", registered[0])
    assert match, registered
    letter = match.group(1)
    assert letter.startswith(f"Вх-{today.year}-")

    # Two instructions on control from the letter: to УДКХиБ and to КУМИ, set by the deputy head.
    numbers = []
    for body, text in (("УДКХиБ", f"Подготовить план ремонта дорог ({tag})"), ("КУМИ", f"Подготовить справку ({tag})")):
        open_menu(officer, "Контроль", "Поручения")
        officer.locator("a[href*='/instructionview/add']").first.click()
        _choose_containing(officer, "document", letter)
        officer.locator("#text").fill(text)
        _choose_containing(officer, "issued_by", "Кузнецов")
        choose(officer, "responsible_body", body)
        if body == "УДКХиБ":
            shots.take(officer, "control-instruction-form", full_page=True)
        officer.get_by_role("button", name="Сохранить").click()
        message = next(
            m for m in flash_messages(officer, "Поручение поставлено на контроль") if "поставлено на контроль" in m
        )
        found = re.fullmatch(r"Поручение поставлено на контроль: (Пор-\d{4}-\d{5}), срок исполнения (\S+)", message)
        assert found, message
        numbers.append(found.group(1))
    first = _instruction(oracle, numbers[0])
    # No deadline typed: the rules table's «instruction_default» (30 calendar days).
    assert first.deadline_original == first.deadline and first.deadline > today
    new_deadline = first.deadline + dt.timedelta(days=14)

    # The executor asks for an extension.
    executor = page_as("udkh")
    _act(executor, first.id, "Запросить продление срока")
    type_date(executor, "#new_deadline", format_date(new_deadline))
    executor.locator("#reason").fill("Нужны сведения подрядчиков")
    shots.take(executor, "control-extension-request")
    executor.get_by_role("button", name="Запросить продление срока").click()
    assert "Запрос на продление направлен автору срока" in flash_messages(executor, "Запрос на продление")

    # The deputy head who set the deadline approves it.
    deputy = page_as("deputy")
    _act(deputy, first.id, "Решение по продлению срока")
    deputy.locator("#decision").select_option(label="Продлить срок")
    type_date(deputy, "#decided_on", format_date(today))
    shots.take(deputy, "control-extension-decision")
    deputy.get_by_role("button", name="Решение по продлению срока").click()
    assert "Решение по продлению срока внесено" in flash_messages(deputy, "Решение по продлению")
    deputy.goto(f"/instructionview/show/{first.id}")
    assert shown_value(deputy, "Первоначальный срок") == format_date(first.deadline)

    # The executor reports; the officer accepts: the instruction leaves control, on time.
    _act(executor, first.id, "Отчитаться об исполнении")
    executor.locator("#text").fill("План ремонта утверждён и направлен")
    executor.get_by_role("button", name="Отчитаться об исполнении").click()
    assert "Отчёт об исполнении направлен контролёру" in flash_messages(executor, "Отчёт об исполнении")
    _act(officer, first.id, "Проверить отчёт")
    officer.locator("#decision").select_option(label="Принять отчёт")
    type_date(officer, "#decided_on", format_date(today))
    officer.get_by_role("button", name="Проверить отчёт").click()
    assert "Решение по отчёту внесено" in flash_messages(officer, "Решение по отчёту")
    officer.goto(f"/instructionview/show/{first.id}")
    shots.take(officer, "control-instruction-removed", full_page=True)
    done = _instruction(oracle, numbers[0])
    assert (done.status, done.removed_on, done.deadline, done.deadline_original) == (
        "removed",
        today,
        new_deadline,
        first.deadline,
    )

    # Управление культуры is not involved: neither instruction in its list, the card is «not found».
    culture = page_as("culture")
    open_menu(culture, "Контроль", "Поручения")
    expect(culture.locator("body")).not_to_contain_text(tag)
    open_expecting_not_found(culture, f"/instructionview/show/{first.id}")
    expect(culture.locator(".uprava-error h2")).to_have_text("404 — Страница или запись не найдена")
