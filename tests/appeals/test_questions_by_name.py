"""A question is picked by its name, not typed by code (issue #13 item 3): the drop-down searches the
active classifier by a word of the name or by the code and shows the path «раздел › тематика › тема ›
вопрос»; the card's questions tab reads the question's path and text; a wrong code's error shows once."""

from __future__ import annotations

import datetime as dt

from flask import Flask
from sqlalchemy import select

from app.appeals.models import AppealQuestion
from app.appeals.reference.classifier import active_entry, parent_of, search_questions
from app.appeals.reference.models import Channel
from app.appeals.services import QuestionInput, register_appeal
from app.extensions import db
from app.org.services import body_by_code
from tests.conftest import login_client
from tests.sql_log import recorded_sql

ROAD = "0003.0009.0099.0742"


def _appeal(app: Flask) -> int:
    with app.app_context():
        appeal = register_appeal(
            channel=db.session.scalar(select(Channel).where(Channel.code == "letter")),
            received_date=dt.date(2025, 4, 1),
            reg_date=dt.date(2025, 4, 1),
            summary="Ямы во дворе",
            receiving_body=body_by_code("appeals"),
            responsible_body=body_by_code("udkh"),
            applicant_last_name="Сидоров",
            questions=[QuestionInput(ROAD, "statement")],
        )
        appeal.questions[0].text = "Яма у третьего подъезда"
        db.session.commit()
        return appeal.id


def _names(app: Flask, code: str) -> list[str]:
    """The names of the code and its ancestors, раздел first."""
    names = []
    while code:
        names.insert(0, active_entry(code).name)
        code = parent_of(code)
    return names


def test_the_drop_down_finds_a_question_by_a_word_of_its_name_and_shows_its_path(app):
    with app.app_context():
        names = _names(app, ROAD)
        word = max(names[-1].split(), key=len)  # the longest word of the question's own name
        found = {r["id"]: r["text"] for r in search_questions(word[1:].upper())}  # case and a cut word
        by_code = search_questions(ROAD[:14])
    assert found[ROAD] == f"{ROAD} — " + " › ".join(names)
    assert ROAD in {r["id"] for r in by_code} and all(r["id"].startswith(ROAD[:14]) for r in by_code)
    client = login_client(app, "appeals")
    response = client.get(f"/appealquestionview/classifier?q={word}")
    assert ROAD in [r["id"] for r in response.get_json()["result"]]


def test_the_question_form_offers_the_drop_down_and_the_card_reads_the_path_and_text(app):
    pk = _appeal(app)
    client = login_client(app, "appeals")
    form = client.get(f"/appealquestionview/add?_flt_0_appeal={pk}").text
    assert 'class="uprava-ajax-select form-control" id="classifier_code"' in form
    assert 'data-url="/appealquestionview/classifier"' in form
    with app.app_context():
        names = _names(app, ROAD)
    card = client.get(f"/appealview/show/{pk}").text
    assert " › ".join(names) in card and "Яма у третьего подъезда" in card


def test_a_wrong_code_is_refused_once_beside_the_field(app):
    pk = _appeal(app)
    client = login_client(app, "appeals")
    page = client.post(
        "/appealquestionview/add",
        data={"appeal": pk, "classifier_code": "0003.0009.0099.0000", "question_type": "statement"},
    ).text
    assert page.count("нельзя присвоить вопросу") == 1
    with app.app_context():
        count = db.session.scalar(
            select(db.func.count()).select_from(AppealQuestion).where(AppealQuestion.appeal_id == pk)
        )
    assert count == 1


def test_the_questions_tab_reads_every_question_s_path_in_one_query(app):
    """The paths of a page's questions are read once for the page, not once per question (N+1)."""
    pk = _appeal(app)
    with app.app_context():
        codes = [found["id"] for found in search_questions("") if found["id"] != ROAD][:3]
        assert len(codes) == 3
        appeal_questions = [AppealQuestion(appeal_id=pk, classifier_code=c, question_type="statement") for c in codes]
        db.session.add_all(appeal_questions)
        db.session.commit()
        paths = {c: " › ".join(_names(app, c)) for c in [ROAD, *codes]}
    client = login_client(app, "appeals")
    client.get(f"/appealview/show/{pk}")
    with recorded_sql(app, selects_only=True) as statements:
        card = client.get(f"/appealview/show/{pk}").text
    classifier_reads = [s for s in statements if "FROM appeals_classifier" in s]
    # Four questions, each shown with its own path and code: one read of the classifier's names.
    for code, path in paths.items():
        assert f'{path} <span class="text-muted small">{code}</span>' in card
    assert len(classifier_reads) == 1, classifier_reads
