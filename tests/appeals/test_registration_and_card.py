"""The registration form and the card as a clerk reads them (issue #13 items 4–5): the form in sections with
today's date of receipt, «Сохранить» opens the new card; the card's heading carries the number and the
status, the deadline stands at the top in its colour, empty fields are not shown."""

from __future__ import annotations

import html
import json
import re

from sqlalchemy import select

from app.appeals.models import Appeal
from app.appeals.reference.models import Channel
from app.core.dates import format_date, local_today
from app.extensions import db
from app.org.services import body_by_code

SECTIONS = ("Поступление", "Заявитель", "Содержание", "Направление")


def _form(app, summary: str) -> dict:
    with app.app_context():
        return {
            "received_date": "03.03.2025",
            "channel": db.session.scalar(select(Channel.id).where(Channel.code == "letter")),
            "form": "written",
            "kind": "individual",
            "summary": summary,
            "receiving_body": body_by_code("appeals").id,
            "responsible_body": body_by_code("udkh").id,
            "applicant_last_name": "Сидорова",
        }


def test_the_registration_form_is_in_sections_and_the_date_of_receipt_is_today(app, login):
    page = login("appeals").get("/appealview/add").text
    headings = [h for h in SECTIONS if re.search(rf">\s*{h}\s*<", page)]
    assert headings == list(SECTIONS)
    assert [page.index(h) for h in SECTIONS] == sorted(page.index(h) for h in SECTIONS)
    with app.app_context():
        today = format_date(local_today())
    assert re.search(rf'id="received_date"[^>]*value="{today}"|value="{today}"[^>]*id="received_date"', page)


def test_the_form_hides_what_does_not_apply_to_the_channel_or_kind(app, login):
    page = login("appeals").get("/appealview/add").text
    rules = json.loads(html.unescape(re.search(r'id="uprava-shown-when" hidden data-rules="([^"]*)"', page).group(1)))
    with app.app_context():
        pos, higher = (db.session.scalar(select(Channel.id).where(Channel.code == c)) for c in ("pos", "higher_body"))
    assert rules == {
        "pos_external_id": ["channel", [str(pos)]],
        "pos_category": ["channel", [str(pos)]],
        "came_from": ["channel", [str(higher)]],
        "came_from_number": ["channel", [str(higher)]],
        "came_from_date": ["channel", [str(higher)]],
        "signatories": ["kind", ["collective"]],
    }


def test_save_opens_the_new_card_whose_heading_has_its_number_and_status_and_deadline_on_top(app, login):
    clerk = login("appeals")
    response = clerk.post("/appealview/add", data=_form(app, "Сломана скамейка у дома 7"))
    with app.app_context():
        appeal = db.session.scalar(select(Appeal).where(Appeal.summary == "Сломана скамейка у дома 7"))
        pk, number, due = appeal.id, appeal.reg_number, format_date(appeal.due_date)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/appealview/show/{pk}")
    card = clerk.get(response.headers["Location"]).text
    assert f"Регистрационная карточка обращения {number} — Зарегистрировано" in card
    summary = re.search(r'<div class="uprava-card-summary">(.*?)</div>', card, re.S).group(1)
    assert "Срок ответа" in summary and 'class="deadline deadline-' in summary and due in summary
    # The deadline stands above the fields.
    assert card.index("uprava-card-summary") < card.index("Краткое содержание")


def test_the_card_leaves_out_empty_fields(app, login):
    clerk = login("appeals")
    clerk.post("/appealview/add", data=_form(app, "Не вывозят мусор"))
    with app.app_context():
        pk = db.session.scalar(select(Appeal.id).where(Appeal.summary == "Не вывозят мусор"))
    card = clerk.get(f"/appealview/show/{pk}").text.split("<h4>История изменений</h4>", 1)[0]
    assert "Краткое содержание" in card and "Сидорова" in card
    # Never filled: not on the card (the form still has them).
    for label in ("Номер сопроводительного письма", "Номер ответа", "Основание продления", "Номер в ПОС"):
        assert label not in card, label
