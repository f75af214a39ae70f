"""Housing: a district clerk works only his district's cases (another district's case is «not found»);
the housing officer reads the queue with computed positions, in the order the register gives."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from .pages import open_expecting_not_found, open_menu, read_list


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
