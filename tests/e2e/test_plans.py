"""Work plans in the browser: a body proposes, its supervising deputy head agrees, the coordinator includes it."""

from __future__ import annotations

import io
from typing import Any

from docx import Document
from playwright.sync_api import Page, expect
from sqlalchemy import select

from app.extensions import db

from .expected import local_today
from .pages import choose, flash_messages, open_menu

TITLE = "Городской фестиваль дворовых команд"


def pick(page: Page, field_id: str, label: str) -> None:
    """A choice list: the searchable one (related records) is opened and clicked, a plain one selected."""
    if page.locator(f"#{field_id} + .select2-container").count():
        choose(page, field_id, label)
    else:
        page.locator(f"#{field_id}").select_option(label=label)


def _proposal(oracle: Any) -> tuple[int, str, int, int | None]:
    """(id, status, plan id, item id) of the proposal, read apart from the pages."""
    from app.plans.models import PlanItem, PlanProposal

    with oracle.app_context():
        proposal = db.session.scalar(select(PlanProposal).where(PlanProposal.title == TITLE))
        item = db.session.scalar(select(PlanItem.id).where(PlanItem.proposal_id == proposal.id))
        found = (proposal.id, proposal.status, proposal.plan_id, item)
        db.session.remove()
    return found


def _act(page: Page, label: str) -> None:
    """Click an action button above a card, then confirm it on the action's page."""
    page.locator(".uprava-plans-actions a").filter(has_text=label).click()
    page.wait_for_load_state()
    page.get_by_role("button", name=label).click()
    page.wait_for_load_state()


def test_a_body_proposes_its_deputy_agrees_and_the_coordinator_includes_it_in_the_plan(new_page, oracle, shots):
    year = local_today(oracle).year + 1
    clerk = new_page("udkh")
    open_menu(clerk, "Планы", "Предложения в план")
    clerk.goto("/planproposalview/add")
    pick(clerk, "plan", f"План работы администрации города Новокузнецка на {year} год")
    pick(clerk, "section", "Общегородские мероприятия")
    pick(clerk, "submitted_by_body", "УДКХиБ")
    clerk.locator("#title").fill(TITLE)
    pick(clerk, "form", "Мероприятие")
    pick(clerk, "responsible_body", "УДКХиБ")
    pick(clerk, "planned_month", "июнь")
    shots.take(clerk, "plans-proposal-form")
    clerk.get_by_role("button", name="Сохранить").click()
    assert any("черновик" in m for m in flash_messages(clerk, "черновик"))
    pk, status, plan_id, _ = _proposal(oracle)
    assert status == "draft"

    clerk.goto(f"/planproposalview/show/{pk}")
    expect(clerk.locator(".uprava-plans-agreer")).to_contain_text("Кузнецов Сергей")
    _act(clerk, "Направить на согласование")
    assert _proposal(oracle)[1] == "submitted"

    deputy = new_page("deputy")
    open_menu(deputy, "Планы", "На моём согласовании")
    expect(deputy.locator("table.table-bordered tbody")).to_contain_text(TITLE)
    shots.take(deputy, "plans-to-agree")
    deputy.goto(f"/planproposalview/show/{pk}")
    _act(deputy, "Согласовать")
    assert _proposal(oracle)[1] == "agreed"
    open_menu(deputy, "Планы", "На моём согласовании")
    expect(deputy.locator("body")).not_to_contain_text(TITLE)

    coordinator = new_page("plans")
    coordinator.goto(f"/planview/show/{plan_id}")
    _act(coordinator, "Включить согласованные предложения")
    item = _proposal(oracle)[3]
    assert item is not None
    coordinator.goto(f"/planitemview/show/{item}")
    expect(coordinator.locator("body")).to_contain_text(TITLE)
    expect(coordinator.locator("body")).to_contain_text("Общегородские мероприятия")
    shots.take(coordinator, "plans-item-card")


def test_the_coordinator_prints_the_execution_note_with_the_unexecuted_items_and_their_reasons(page_as, oracle, shots):
    from app.plans.models import Plan, PlanItem

    year = local_today(oracle).year
    with oracle.app_context():
        annual = db.session.scalar(select(Plan).where(Plan.period == str(year), Plan.quarter.is_(None)))
        plan_id = annual.id
        not_done = db.session.execute(
            select(PlanItem.title, PlanItem.reason).where(
                PlanItem.plan_id == plan_id, PlanItem.status == "not_done", PlanItem.annulled_at.is_(None)
            )
        ).all()
        db.session.remove()
    assert not_done  # the demo's plan has unexecuted items

    page = page_as("plans")
    open_menu(page, "Планы", "Исполнение планов")
    page.goto(f"/plans/reports/note?plan={plan_id}")
    expect(page.locator("body")).to_contain_text("Исполнение:")
    shots.take(page, "plans-note")
    response = page.request.get(f"/plans/reports/note/docx?plan={plan_id}")
    assert response.ok
    document = Document(io.BytesIO(response.body()))
    text = "\n".join(
        [p.text for p in document.paragraphs]
        + [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    )
    for title, reason in not_done:
        assert title in text and reason in text
