"""Housing: a district clerk registers an application and prints the receipt; the housing officer registers
the family on the general list, offers a flat, provides it and prints the decisions; a district clerk works
only his district's cases (another district's case is «not found»); the officer reads the queue with
computed positions, in the order the register gives."""

from __future__ import annotations

import io
import re
from decimal import Decimal
from pathlib import Path

from docx import Document
from playwright.sync_api import Page, expect
from sqlalchemy import select

from app.core.dates import format_date

from .expected import local_today
from .pages import choose, flash_messages, open_expecting_not_found, open_menu, read_list, shown_value, type_date

DOCUMENTS = ("Заявление", "Паспорт заявителя", "Справка о составе семьи")


def _cases(oracle):
    from app.extensions import db
    from app.housing.models import Household
    from app.org.models import District

    with oracle.app_context():
        rows = db.session.execute(
            select(Household.id, Household.application_number, District.code).join(
                District, District.id == Household.district_id
            )
        ).all()
        db.session.remove()
    return rows


def test_district_clerk_sees_only_own_district_cases_and_not_found_for_another(new_page, oracle, shots):
    cases = _cases(oracle)
    own = {number for _id, number, district in cases if district == "zavodskoy"}
    foreign_id, foreign_number = next((pk, number) for pk, number, district in cases if district == "central")
    assert own, "the demo register has cases of the Заводской district"

    page = new_page("zavodskoy")
    open_menu(page, "Жильё", "Учётные дела")
    rows = read_list(page)
    assert {row["Номер заявления"] for row in rows} == own
    assert {row["Район"] for row in rows} == {"Заводской"}
    shots.take(page, "housing-district-cases")

    for path in (f"/householdview/show/{foreign_id}", f"/householdview/edit/{foreign_id}"):
        open_expecting_not_found(page, path)
        expect(page.locator(".uprava-error h2")).to_have_text("404 — Страница или запись не найдена")
        expect(page.locator("body")).not_to_contain_text(foreign_number)


def test_housing_officer_reads_the_queue_in_computed_order(page_as, oracle, shots):
    from app.housing.queue import lists_in_order, queue_page

    with oracle.test_request_context():
        first = lists_in_order()[0]
        expected = [(str(r.position), r.application_number) for r in queue_page(first.id, limit=5)]
    assert expected, "the demo register has households on the first list"

    page = page_as("housing")
    open_menu(page, "Жильё", "Очерёдность")
    rows = page.locator("table tbody tr")
    shown = [
        (rows.nth(i).locator("td").nth(0).inner_text().strip(), rows.nth(i).locator("td").nth(1).inner_text().strip())
        for i in range(len(expected))
    ]
    assert shown == expected
    shots.take(page, "housing-queue")


# ---- an application from the district to a flat ----------------------------------------------------


def _docx_text(page: Page, button: str) -> tuple[str, str]:
    """Press a «Сформировать документ» button on a card: the Word file downloads; (its name, its whole text)."""
    with page.expect_download() as download_info:
        page.locator("form.uprava-documents").get_by_role("button", name=button).click()
    download = download_info.value
    document = Document(io.BytesIO(Path(download.path()).read_bytes()))
    text = "\n".join(
        [p.text for p in document.paragraphs]
        + [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    )
    return download.suggested_filename, text


def _register_application(page: Page, oracle, shots=None) -> tuple[str, int]:
    """The district clerk fills the case form; returns the number the book gave and the case's id."""
    open_menu(page, "Жильё", "Учётные дела")
    page.locator("a[href*='/householdview/add']").first.click()
    choose(page, "district", "Заводской")
    type_date(page, "#documents_complete_on", format_date(local_today(oracle)))
    page.locator("#documents_submitted").fill("\n".join(DOCUMENTS))
    page.locator("#applicant_last_name").fill("Ёлкина")
    page.locator("#applicant_first_name").fill("Мария")
    page.locator("#applicant_patronymic").fill("Петровна")
    page.locator("#address").fill("г. Новокузнецк, ул. Кирова, д. 5, кв. 10")
    choose(page, "grounds", "Обеспеченность площадью ниже учётной нормы (п. 2 ч. 1 ст. 51)")
    page.locator("#current_area").fill("10")  # alone on 10 m²: below the 12 m² norm
    if shots is not None:
        shots.take(page, "housing-application-form", full_page=True)
    page.get_by_role("button", name="Сохранить").click()
    message = next(m for m in flash_messages(page, "Заявление зарегистрировано") if "зарегистрировано" in m)
    found = re.fullmatch(r"Заявление зарегистрировано: (Ж-\d{4}-\d{5}), решение — до (\d\d\.\d\d\.\d{4})", message)
    assert found, message
    household = _household(oracle, found.group(1))
    assert format_date(household.decision_due_date) == found.group(2)
    return found.group(1), household.id


def _household(oracle, number: str):
    from app.extensions import db
    from app.housing.models import Household

    with oracle.app_context():
        household = db.session.scalar(select(Household).where(Household.application_number == number))
        db.session.expunge(household)
        db.session.remove()
    return household


def test_district_clerk_registers_an_application_and_prints_the_receipt_naming_the_applicant(page_as, oracle, shots):
    today = local_today(oracle)
    page = page_as("zavodskoy")
    number, pk = _register_application(page, oracle, shots)
    assert number.startswith(f"Ж-{today.year}-")

    household = _household(oracle, number)
    assert (household.status, household.documents_complete_on, household.current_area) == (
        "under_review",
        today,
        Decimal("10.00"),
    )
    # Saved, the list opens with the new case on top; the clerk opens its card.
    page.locator("table tbody tr").filter(has_text=number).locator("a[href*='/householdview/show/']").click()
    expect(page).to_have_url(re.compile(rf"/householdview/show/{pk}$"))
    assert shown_value(page, "Номер заявления") == number
    assert shown_value(page, "Статус") == "На рассмотрении"
    assert shown_value(page, "Срок решения") == format_date(household.decision_due_date)
    shots.take(page, "housing-case-card")

    name, text = _docx_text(page, "Расписка в получении заявления и документов")
    assert name.endswith(".docx")
    assert "Ёлкина Мария Петровна" in text
    assert number in text
    for document in DOCUMENTS:
        assert document in text


def _premises_to_offer(oracle) -> tuple[int, str]:
    from app.extensions import db
    from app.housing.models import FundCategory, Premises

    with oracle.app_context():
        premises = db.session.scalars(
            select(Premises)
            .join(FundCategory, FundCategory.id == Premises.fund_category_id)
            .where(
                Premises.status == "vacant",
                Premises.annulled_at.is_(None),
                Premises.offered_to_id.is_(None),
                FundCategory.code == "social_use",
            )
            .order_by(Premises.id)
        ).first()
        found = (premises.id, premises.full_address)
        db.session.remove()
    return found


def _premises(oracle, pk: int):
    from app.extensions import db
    from app.housing.models import Premises

    with oracle.app_context():
        premises = db.session.get(Premises, pk)
        found = (premises.status, premises.offered_to_id, premises.tenant_household_id)
        db.session.remove()
    return found


def _act(page: Page, pk: int, action: str) -> None:
    page.goto(f"/householdview/show/{pk}")
    page.locator(".uprava-housing-actions").get_by_role("link", name=action).click()
    page.wait_for_load_state()


def test_housing_officer_registers_the_family_offers_and_provides_a_flat_and_prints_the_decisions(
    page_as, oracle, shots
):
    from app.extensions import db
    from app.housing.queue import position_in_list
    from app.housing.services import list_type_by_code

    today = local_today(oracle)
    number, pk = _register_application(page_as("zavodskoy"), oracle)

    # The officer decides to register the family on the general list (queue date: the decision's day).
    officer = page_as("housing")
    _act(officer, pk, "Принять на учёт")
    officer.locator("#decision_type").select_option(label="О принятии на учёт")
    officer.locator("#list_type").select_option(label="Общий список")
    officer.locator("#protocol").fill("Протокол № 12")
    shots.take(officer, "housing-decision-register", full_page=True)
    officer.get_by_role("button", name="Принять на учёт").click()
    message = next(m for m in flash_messages(officer, "принято") if "принято" in m)
    found = re.fullmatch(r"Решение (РЖ-\d{4}-\d{5}) принято; выдать заявителю до (\d\d\.\d\d\.\d{4})", message)
    assert found, message
    registered_number = found.group(1)
    assert shown_value(officer, "Номер решения") == registered_number
    assert shown_value(officer, "Вид решения") == "О принятии на учёт"
    assert shown_value(officer, "Список очерёдности") == "Общий список"
    assert shown_value(officer, "Дата постановки в список") == format_date(today)
    shots.take(officer, "housing-decision-card", full_page=True)
    _name, text = _docx_text(officer, "Решение о принятии на учёт")
    assert registered_number in text and "Ёлкина Мария Петровна" in text and "Общий список" in text

    # The case is on the register; its place is computed (last of today's general list), never typed.
    with oracle.app_context():
        position = position_in_list(pk, list_type_by_code("general").id, today)
        db.session.remove()
    assert position is not None
    officer.goto(f"/householdview/show/{pk}")
    assert shown_value(officer, "Статус") == "Состоит на учёте"
    assert shown_value(officer, "Место в очереди") == f"Общий список — {position}"
    assert shown_value(officer, "Дата постановки на учёт") == format_date(today)
    shots.take(officer, "housing-case-on-register")

    # A vacant flat is offered: nobody else can be offered it meanwhile.
    flat_id, address = _premises_to_offer(oracle)
    _act(officer, pk, "Предложить помещение")
    officer.locator("#premises").select_option(value=str(flat_id))
    shots.take(officer, "housing-offer")
    officer.get_by_role("button", name="Предложить жилое помещение").click()
    assert f"Помещение предложено семье: {address}" in flash_messages(officer, "Помещение предложено")
    assert _premises(oracle, flat_id) == ("offered", pk, None)

    # Providing it: the family leaves the list, the flat is occupied, the decision is written — at once.
    _act(officer, pk, "Предоставить жильё")
    officer.locator("#decision_type").select_option(
        label="О предоставлении жилого помещения по договору социального найма"
    )
    officer.locator("#premises").select_option(value=str(flat_id))
    shots.take(officer, "housing-decision-provide", full_page=True)
    officer.get_by_role("button", name="Предоставить жильё").click()
    message = next(m for m in flash_messages(officer, "принято") if "принято" in m)
    found = re.fullmatch(r"Решение (РЖ-\d{4}-\d{5}) принято; выдать заявителю до (\S+)", message)
    assert found, message
    provided_number = found.group(1)
    assert provided_number != registered_number
    assert shown_value(officer, "Жилое помещение").startswith(address)
    _name, text = _docx_text(officer, "Решение о предоставлении жилого помещения")
    assert provided_number in text and "Ёлкина Мария Петровна" in text and address in text

    assert _premises(oracle, flat_id) == ("occupied", None, pk)
    household = _household(oracle, number)
    assert household.status == "provided"
    officer.goto(f"/householdview/show/{pk}")
    assert shown_value(officer, "Статус") == "Жильё предоставлено"
    assert shown_value(officer, "Место в очереди") == "—"
