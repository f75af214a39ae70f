"""The appeal card: registration numbers, legal deadlines, questions, and the state machine (59-ФЗ)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from app.appeals.models import Appeal, AppealStatus, QuestionType
from app.appeals.reference.models import AppealResult, Channel, ClosureReason, PosCategory
from app.appeals.services import (
    IllegalTransition,
    QuestionInput,
    answer_appeal,
    close_without_answer,
    extend_appeal,
    forward_appeal,
    keep_imported_number,
    register_appeal,
    send_copies,
    set_result,
    withdraw_appeal,
)
from app.core.errors import ConflictError, ValidationFailed
from app.extensions import db
from app.org.services import body_by_code
from app.security import Access, Visibility, row_access

HOUSING = "0005.0005.0055.1122"  # a level-4 question of the shipped classifier
IMPROVEMENT = "0003.0009.0097.0689"


def _channel(code: str) -> Channel:
    return db.session.scalar(select(Channel).where(Channel.code == code))


def _appeal(reg_date=dt.date(2025, 3, 3), channel="letter", received=None, questions=(HOUSING,), **fields) -> Appeal:
    return register_appeal(
        channel=_channel(channel),
        received_date=received or reg_date,
        reg_date=reg_date,
        summary="Переселение из аварийного дома",
        receiving_body=body_by_code("appeals"),
        questions=[QuestionInput(code) for code in questions],
        applicant_last_name="Петров",
        applicant_first_name="Пётр",
        applicant_address="г. Новокузнецк, ул. Кирова, 1",
        **fields,
    )


def _sight(code: str) -> Visibility:
    """What a user scoped to this one body sees."""
    return Visibility(body_ids=frozenset({body_by_code(code).id}))


def test_registration_numbers_run_per_year_without_gaps(app_ctx):
    first = _appeal(dt.date(2025, 12, 30))
    second = _appeal(dt.date(2025, 12, 31))
    third = _appeal(dt.date(2026, 1, 12))
    assert [first.reg_number, second.reg_number, third.reg_number] == [
        "ОГ-2025-000001",
        "ОГ-2025-000002",
        "ОГ-2026-000001",
    ]


def test_imported_numbers_are_kept_and_the_counter_moves_past_them(app_ctx):
    keep_imported_number(2025, 4120)
    assert _appeal(dt.date(2025, 6, 2)).reg_number == "ОГ-2025-004121"


def test_letter_is_due_30_calendar_days_after_registration(app_ctx):
    assert _appeal(dt.date(2025, 3, 3)).due_date == dt.date(2025, 4, 2)


def test_due_date_on_a_holiday_moves_to_the_preceding_working_day(app_ctx):
    # 02.12.2024 + 30 days = 01.01.2025 (a holiday): the preceding working day is Saturday 28.12.2024,
    # a working day by the government's transfer.
    assert _appeal(dt.date(2024, 12, 2)).due_date == dt.date(2024, 12, 28)


def test_pos_message_is_due_in_10_working_days(app_ctx):
    # From Fri 26.04.2024: Sat 27.04 (a transferred working day) is the 1st, 29.04–01.05 and 09.05–12.05
    # are off, so 02, 03, 06, 07, 08, 13, 14, 15, 16 May are the 2nd…10th: due 16.05.2024.
    assert _appeal(dt.date(2024, 4, 26), channel="pos").due_date == dt.date(2024, 5, 16)


def test_a_pos_category_with_its_own_term_shortens_the_10_working_days(app_ctx):
    category = db.session.scalars(select(PosCategory).order_by(PosCategory.id)).first()
    category.deadline_working_days = 5
    # Fri 25.04.2025 + 5 working days: 28, 29, 30.04, then 01–04.05 are off (holidays and the transfer),
    # 05, 06.05 → Tue 06.05.2025; the channel's own 10 days would end later.
    appeal = _appeal(dt.date(2025, 4, 25), channel="pos", pos_category=category)
    assert appeal.due_date == dt.date(2025, 5, 6)
    assert _appeal(dt.date(2025, 4, 25), channel="pos").due_date > appeal.due_date
    # The category's term is for ПОС messages only: a letter keeps its 30 days (Sun 25.05 → Fri 23.05).
    assert _appeal(dt.date(2025, 4, 25), pos_category=category).due_date == dt.date(2025, 5, 23)


def test_registration_later_than_3_days_is_flagged(app_ctx):
    assert _appeal(dt.date(2025, 3, 7), received=dt.date(2025, 3, 4)).registered_late is False
    assert _appeal(dt.date(2025, 3, 8), received=dt.date(2025, 3, 4)).registered_late is True


def test_only_the_most_specific_classifier_codes_are_assignable(app_ctx):
    with pytest.raises(ValidationFailed, match="нельзя присвоить"):
        _appeal(questions=("0005.0005.0055.0000",))  # a theme that has questions
    with pytest.raises(ValidationFailed):
        _appeal(questions=("0005.0000.0000.0000",))


def test_an_appeal_cannot_be_answered_while_a_question_lacks_a_result(app_ctx):
    appeal = _appeal(questions=(HOUSING, IMPROVEMENT))
    explained = db.session.scalar(select(AppealResult).where(AppealResult.code == "explained"))
    set_result(appeal.questions[0], explained)
    with pytest.raises(ValidationFailed, match=IMPROVEMENT.replace(".", r"\.")):
        answer_appeal(appeal, "01-12/345", dt.date(2025, 3, 20), "post", "Кузнецов С. В.")
    set_result(appeal.questions[1], explained)
    answer_appeal(appeal, "01-12/345", dt.date(2025, 3, 20), "post", "Кузнецов С. В.")
    assert (appeal.status, appeal.closed_on) == (AppealStatus.ANSWERED, dt.date(2025, 3, 20))


def test_extension_counts_from_the_current_due_date_once_and_at_most_30_days(app_ctx):
    appeal = _appeal(dt.date(2025, 3, 3))  # due 02.04.2025
    with pytest.raises(Exception, match="30"):
        extend_appeal(appeal, 31, "Запрос документов", dt.date(2025, 3, 25))
    extend_appeal(appeal, 30, "Запрос документов в КУМИ", dt.date(2025, 3, 25))
    # 02.04 + 30 days = Fri 02.05.2025, a day off by the 2025 transfers (01.05 a holiday too):
    # the preceding working day, Wed 30.04.2025.
    assert (appeal.original_due_date, appeal.due_date) == (dt.date(2025, 4, 2), dt.date(2025, 4, 30))
    assert appeal.status == AppealStatus.EXTENDED
    with pytest.raises(ConflictError, match="уже продлевался"):
        extend_appeal(appeal, 5, "Ещё раз", dt.date(2025, 4, 20))


def test_forward_is_due_in_7_days_and_a_late_forward_is_flagged(app_ctx):
    appeal = _appeal(dt.date(2025, 3, 3))
    assert appeal.forward_due_date == dt.date(2025, 3, 10)
    forward_appeal(appeal, body_by_code("kgkh"), dt.date(2025, 3, 12))
    assert appeal.forwarded_late is True
    # Inside the administration the target answers; the receiving body keeps sight of it.
    assert appeal.responsible_body.code == "kgkh" and appeal.receiving_body.code == "appeals"
    assert appeal.status == AppealStatus.REGISTERED
    # Its questions follow it: the new responsible body works them (they are scoped through the appeal).
    assert {row_access(q, _sight("kgkh")) for q in appeal.questions} == {Access.WRITE}


def test_forward_outside_the_administration_closes_the_appeal(app_ctx):
    appeal = _appeal(dt.date(2025, 3, 3))
    forward_appeal(appeal, body_by_code("kuzbass-gov"), dt.date(2025, 3, 5))
    assert (appeal.status, appeal.closed_on, appeal.forwarded_late) == (
        AppealStatus.FORWARDED,
        dt.date(2025, 3, 5),
        False,
    )


def test_a_complaint_is_never_forwarded_to_the_body_complained_about(app_ctx):
    appeal = _appeal(complained_body=body_by_code("kgkh"))
    appeal.questions[0].question_type = QuestionType.COMPLAINT.value
    with pytest.raises(ValidationFailed, match="обжалуются"):
        forward_appeal(appeal, body_by_code("kgkh"), dt.date(2025, 3, 4))


def test_copies_go_to_several_bodies_once_each_and_late_after_7_days(app_ctx):
    appeal = _appeal(dt.date(2025, 3, 3))  # forward due 10.03.2025
    first = send_copies(appeal, [body_by_code("kgkh"), body_by_code("kumi")], dt.date(2025, 3, 5))
    assert [(c.body.code, c.sent_on, c.late) for c in first] == [
        ("kgkh", dt.date(2025, 3, 5), False),
        ("kumi", dt.date(2025, 3, 5), False),
    ]
    late = send_copies(appeal, [body_by_code("kuzbass-gov")], dt.date(2025, 3, 12))
    assert late[0].late is True
    # The appeal itself stays with its body and keeps its status and term.
    assert (appeal.responsible_body.code, appeal.status) == ("appeals", AppealStatus.REGISTERED)
    assert [c.body.code for c in appeal.copies] == ["kgkh", "kumi", "kuzbass-gov"]
    with pytest.raises(ValidationFailed, match="уже направлялась"):
        send_copies(appeal, [body_by_code("kgkh")], dt.date(2025, 3, 13))
    with pytest.raises(ValidationFailed, match="рассматривает само обращение"):
        send_copies(appeal, [body_by_code("appeals")], dt.date(2025, 3, 13))
    assert len(appeal.copies) == 3


def test_a_complaint_copy_never_goes_to_the_body_complained_about(app_ctx):
    appeal = _appeal(complained_body=body_by_code("kgkh"))
    appeal.questions[0].question_type = QuestionType.COMPLAINT.value
    with pytest.raises(ValidationFailed, match="обжалуются"):
        forward_appeal(appeal, body_by_code("kumi"), dt.date(2025, 3, 4), copies=[body_by_code("kgkh")])
    assert appeal.copies == [] and appeal.responsible_body.code == "appeals"


def test_forward_with_copies_hands_the_copies_to_the_new_responsible_body_scope(app_ctx):
    appeal = _appeal(dt.date(2025, 3, 3))
    forward_appeal(appeal, body_by_code("kgkh"), dt.date(2025, 3, 4), copies=[body_by_code("kumi")])
    assert [(c.body.code, row_access(c, _sight("kgkh"))) for c in appeal.copies] == [("kumi", Access.WRITE)]
    with pytest.raises(ValidationFailed, match="не нужен в копиях"):
        forward_appeal(_appeal(), body_by_code("kgkh"), dt.date(2025, 3, 4), copies=[body_by_code("kgkh")])


def test_state_machine_refuses_actions_on_closed_appeals(app_ctx):
    appeal = _appeal()
    anonymous = db.session.scalar(select(ClosureReason).where(ClosureReason.code == "anonymous_no_answer"))
    close_without_answer(appeal, anonymous, dt.date(2025, 3, 5))
    assert appeal.status == AppealStatus.CLOSED_WITHOUT_ANSWER
    for action in (
        lambda: withdraw_appeal(appeal, dt.date(2025, 3, 6)),
        lambda: extend_appeal(appeal, 10, "Запрос", dt.date(2025, 3, 6)),
        lambda: forward_appeal(appeal, body_by_code("kgkh"), dt.date(2025, 3, 6)),
        lambda: send_copies(appeal, [body_by_code("kgkh")], dt.date(2025, 3, 6)),
    ):
        with pytest.raises(IllegalTransition, match="Оставлено без ответа"):
            action()


def test_register_form_numbers_the_appeal_and_computes_the_due_date(app, login):
    clerk = login("appeals")
    with app.app_context():
        form = {
            "received_date": "03.03.2025",
            "channel": _channel("letter").id,
            "form": "written",
            "kind": "individual",
            "summary": "Ремонт дороги во дворе",
            "receiving_body": body_by_code("appeals").id,
            "responsible_body": body_by_code("udkh").id,
            "applicant_last_name": "Сидорова",
            "applicant_address": "ул. Кирова, 5",
        }
    response = clerk.post("/appealview/add", data=form)
    assert response.status_code == 302, response.text[:3000]
    with app.app_context():
        appeal = db.session.scalar(select(Appeal).where(Appeal.summary == "Ремонт дороги во дворе"))
        assert appeal.reg_number.startswith(f"ОГ-{appeal.reg_date.year}-")
        assert appeal.status == AppealStatus.REGISTERED
        assert appeal.due_date > appeal.reg_date


def test_district_clerk_sees_only_own_district_appeals_and_no_personal_data_leaks(app, login):
    with app.app_context():
        own = register_appeal(
            channel=_channel("letter"),
            received_date=dt.date(2025, 3, 3),
            reg_date=dt.date(2025, 3, 3),
            summary="Заводской: освещение",
            receiving_body=body_by_code("district-zavodskoy"),
            applicant_last_name="Орлова",
        )
        foreign = register_appeal(
            channel=_channel("letter"),
            received_date=dt.date(2025, 3, 3),
            reg_date=dt.date(2025, 3, 3),
            summary="Центральный: дорога",
            receiving_body=body_by_code("district-central"),
            applicant_last_name="Соколов",
        )
        db.session.commit()
        own_id, foreign_id = own.id, foreign.id
    clerk = login("zavodskoy")
    page = clerk.get("/appealview/list/").text
    assert "Заводской: освещение" in page and "Центральный: дорога" not in page
    assert clerk.get(f"/appealview/show/{foreign_id}").status_code == 404
    assert clerk.get(f"/api/v1/appeal/{foreign_id}").status_code == 404
    assert clerk.get(f"/api/v1/appeal/{own_id}").json["result"]["applicant_last_name"] == "Орлова"
    supervisor = login("supervisor")
    assert "applicant_last_name" not in supervisor.get(f"/api/v1/appeal/{own_id}").json["result"]
    assert "Орлова" not in supervisor.get(f"/appealview/show/{own_id}").text


def test_the_card_shows_actions_to_clerks_and_hides_the_applicant_from_the_supervisor(app, login):
    with app.app_context():
        appeal = _appeal()
        db.session.commit()
        pk = appeal.id
    clerk_page = login("appeals").get(f"/appealview/show/{pk}").text
    assert "Дать ответ" in clerk_page and "Петров" in clerk_page and "История изменений" in clerk_page
    supervisor = login("supervisor").get(f"/appealview/show/{pk}")
    assert supervisor.status_code == 200
    assert "Дать ответ" not in supervisor.text and "Петров" not in supervisor.text
    assert "Регистрация" in supervisor.text and "Переселение из аварийного дома" in supervisor.text


def test_registering_through_the_form_tells_the_number_and_history_reads_russian(app, login):
    clerk = login("appeals")
    with app.app_context():
        form = {
            "received_date": "03.03.2025",
            "channel": _channel("letter").id,
            "form": "written",
            "kind": "individual",
            "summary": "Освещение во дворе",
            "receiving_body": body_by_code("appeals").id,
            "responsible_body": body_by_code("udkh").id,
            "applicant_last_name": "Сидорова",
        }
    response = clerk.post("/appealview/add", data=form, follow_redirects=True)
    assert "Обращение зарегистрировано: ОГ-" in response.text
    with app.app_context():
        pk = db.session.scalar(select(Appeal.id).where(Appeal.summary == "Освещение во дворе"))
    history = clerk.get(f"/appealview/show/{pk}").text.split("<h4>История изменений</h4>", 1)[1]
    assert "Annul" not in history and "Reg Seq" not in history and "Due Unconfirmed" not in history
    assert "Срок по неутверждённому календарю" in history


def test_one_click_lists_overdue_due_this_week_and_mine(app, login):
    from app.appeals.services import assign_executor
    from app.core.dates import local_today

    today = local_today()
    with app.app_context():
        overdue = _appeal(today - dt.timedelta(days=60))
        overdue.summary = "Просроченное обращение"
        soon = _appeal(today)
        soon.summary, soon.due_date = "Срок через два дня", today + dt.timedelta(days=2)
        later = _appeal(today)
        later.summary = "Срок через месяц"
        answered = _appeal(today - dt.timedelta(days=60))
        answered.summary, answered.status = "Отвеченное давно", AppealStatus.ANSWERED.value
        assign_executor(later, app.appbuilder.sm.find_user(username="appeals"))
        db.session.commit()
    client = login("appeals")

    def listed(preset: str) -> set[str]:
        page = client.get(f"/appealview/list/?preset={preset}").text
        names = ("Просроченное обращение", "Срок через два дня", "Срок через месяц", "Отвеченное давно")
        return {name for name in names if name in page}

    assert listed("overdue") == {"Просроченное обращение"}
    assert listed("week") == {"Срок через два дня"}
    assert listed("mine") == {"Срок через месяц"}
    assert client.get("/appealview/list/?preset=nosuch").status_code == 400


def test_a_document_request_has_its_own_15_day_term_and_the_appeal_due_date_stays(app_ctx):
    from app.appeals.services import request_documents

    appeal = _appeal(dt.date(2024, 12, 2))  # due 28.12.2024
    # Sent 17.12.2024 + 15 days = 01.01.2025, a holiday: the preceding working day, Saturday 28.12.2024.
    request = request_documents(appeal, "КУМИ", "Выписка из реестра муниципального имущества", dt.date(2024, 12, 17))
    assert request.due_on == dt.date(2024, 12, 28)
    assert appeal.due_date == dt.date(2024, 12, 28)
    with pytest.raises(ValidationFailed, match="раньше регистрации"):
        request_documents(appeal, "КУМИ", "Ещё", dt.date(2024, 11, 1))
    forward_appeal(appeal, body_by_code("kgkh"), dt.date(2024, 12, 5))
    db.session.refresh(request)
    assert row_access(request, _sight("kgkh")) is Access.WRITE  # the request follows the appeal


def test_document_requests_are_added_from_the_card_and_scoped(app, login):
    with app.app_context():
        appeal = _appeal(dt.date(2025, 3, 3))
        db.session.commit()
        pk = appeal.id
    clerk = login("appeals")
    form = {"appeal": pk, "addressee": "Управление жилья", "what": "Справка о составе семьи", "sent_on": "04.03.2025"}
    assert clerk.post("/documentrequestview/add", data=form).status_code == 302
    with app.app_context():
        from app.appeals.models import DocumentRequest

        request = db.session.scalar(select(DocumentRequest).where(DocumentRequest.appeal_id == pk))
        assert (request.sent_on, request.due_on) == (dt.date(2025, 3, 4), dt.date(2025, 3, 19))
        request_id = request.id
    assert login("zavodskoy").get(f"/documentrequestview/show/{request_id}").status_code == 404


def test_the_status_filter_offers_statuses_by_name_and_filters_exactly(app, login):
    import json

    supervisor = login("supervisor")
    page = supervisor.get("/appealview/list/").text
    # The filter controls travel as JSON inside the page (FAB's search widget).
    option = '<option value="answered">Дан ответ</option>'
    assert json.dumps(option).replace("<", "\\u003c").replace(">", "\\u003e")[1:-1] in page
    with app.app_context():
        _appeal()
        db.session.commit()
    assert "ОГ-2025-" in supervisor.get("/appealview/list/?_flt_0_status=registered").text
    assert "ОГ-2025-" not in supervisor.get("/appealview/list/?_flt_0_status=answered").text
