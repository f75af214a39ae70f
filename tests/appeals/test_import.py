"""Import of appeals from XLSX/CSV: whole-file check, every bad row reported, one transaction, no duplicates."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask, g
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from app.appeals.imports import APPEALS_IMPORT
from app.appeals.models import Appeal, AppealStatus
from app.appeals.reference.classifier import ImportProblem
from app.appeals.reference.models import Channel
from app.appeals.services import register_appeal
from app.core.audit import ChangeLog
from app.core.imports import Options, check, guess_mapping, load, read_sheet
from app.core.imports.models import ImportBatch as AppealImport
from app.core.imports.models import ImportMapping
from app.core.numbering.models import NumberingCounter, NumberingJournal
from app.extensions import db
from app.org.services import body_by_code
from app.security import current_visibility
from tests.conftest import login_client, make_test_app

SAMPLE = Path(__file__).resolve().parents[2] / "app" / "appeals" / "data" / "appeals_import_sample.csv"
DATE_HINT = "Дата должна быть в формате ДД.ММ.ГГГГ, например 01.05.2024"


@pytest.fixture(scope="session")
def import_app(app: Flask, database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """The app with its upload folder in a temporary directory (create_app registers the import view)."""
    return make_test_app(database_url, UPRAVA_FILES_DIR=str(tmp_path_factory.mktemp("files")))


@pytest.fixture(scope="session")
def csrf_app(app: Flask, database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """The same, with CSRF protection on as in production."""
    return make_test_app(
        database_url, UPRAVA_FILES_DIR=str(tmp_path_factory.mktemp("files-csrf")), WTF_CSRF_ENABLED=True
    )


@contextmanager
def signed_in(app: Flask, username: str) -> Iterator[None]:
    """A request of `username`: their row scope, and their name in the history."""
    with app.test_request_context():
        g.user = app.appbuilder.sm.find_user(username=username)
        yield


def read(data: bytes, filename: str):
    return read_sheet(data, filename, APPEALS_IMPORT.known_headers())


def validate(sheet, options: Options, visibility, progress=None):
    return check(APPEALS_IMPORT, sheet, options, visibility, *([progress] if progress else []))


def import_plan(plan, **kwargs):
    return load(APPEALS_IMPORT, plan, **kwargs)


def run_import(data: bytes, filename: str, **defaults):
    """Read, check and (when every row is good) import a file as the signed-in user; returns (plan, batch)."""
    sheet = read(data, filename)
    plan = validate(sheet, Options(guess_mapping(APPEALS_IMPORT, sheet), defaults), current_visibility())
    if plan.problems:
        db.session.rollback()
        return plan, None
    batch = import_plan(plan, filename=filename, sha256="0" * 64, user=g.user, total_rows=len(sheet.rows))
    db.session.commit()
    return plan, batch


def sample_text() -> str:
    return SAMPLE.read_text(encoding="utf-8-sig")


def cp1251(text: str) -> bytes:
    return text.replace("\n", "\r\n").encode("cp1251")


def appeal_count() -> int:
    return db.session.scalar(select(func.count(Appeal.id)))


def appeal(number: str) -> Appeal:
    return db.session.scalar(select(Appeal).where(Appeal.reg_number == number))


def counter(year: int) -> int | None:
    """The appeals journal's counter of the year (app/core/numbering); None before its first number."""
    return db.session.scalar(
        select(NumberingCounter.last_number)
        .join(NumberingJournal)
        .where(NumberingJournal.code == "appeals", NumberingCounter.year == year)
    )


def replace_row(text: str, number: int, old: str, new: str) -> str:
    """Change one cell text in spreadsheet row `number` (1 = the header)."""
    lines = text.splitlines()
    assert old in lines[number - 1], lines[number - 1]
    lines[number - 1] = lines[number - 1].replace(old, new, 1)
    return "\n".join(lines) + "\n"


def xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


LEGACY_XLSX = [
    ["Реестр обращений граждан за 2019 год"],  # a title line above the header row
    [],
    [
        "№ обращения",
        "Дата поступления",
        "Дата регистрации",
        "Канал",
        "ФИО",
        "Содержание",
        "Получатель",
        "Ответственный",
        "Срок ответа",
        "Статус",
        "Код вопроса",
        "Результат",
        "Номер ответа",
        "Дата ответа",
        "Подписал",
    ],
    [
        "ОГ-2019-004120",
        dt.datetime(2019, 11, 5),
        dt.datetime(2019, 11, 6),
        "Письмо",
        "Смирнова Галина Петровна",
        "Переселение из аварийного дома",
        "Отдел обращений",
        "Управление жилья",
        dt.datetime(2019, 12, 10),
        "Дан ответ",
        "0005.0005.0055.1122; 0003.0009.0097.0689",
        "Разъяснено; Поддержано",
        "01-12/777",
        dt.datetime(2019, 11, 29),
        "Кузнецов С. В.",
    ],
    [
        "4121",
        "07.11.2019",
        "07.11.2019",
        "Виртуальная приемная на официальном сайте",
        "Орлов Олег",
        "Ремонт дороги",
        "Отдел обращений",
        "УДКХиБ",
        None,
        "Зарегистрировано",
        "0003.0009.0099.0742",
        None,
        None,
        None,
        None,
    ],
]


# ---- good files ------------------------------------------------------------------------------


def test_good_xlsx_imports_historical_appeals_with_their_numbers_dates_status_and_results(import_app):
    with signed_in(import_app, "appeals"):
        plan, batch = run_import(xlsx(LEGACY_XLSX), "Реестр 2019.xlsx")
        assert plan.problems == [] and (batch.rows, batch.imported, batch.skipped) == (2, 2, 0)

        answered = appeal("ОГ-2019-004120")
        assert (answered.received_date, answered.reg_date, answered.due_date) == (
            dt.date(2019, 11, 5),
            dt.date(2019, 11, 6),
            dt.date(2019, 12, 10),  # the file's own due date
        )
        assert (answered.status, answered.answer_number, answered.answer_date, answered.closed_on) == (
            AppealStatus.ANSWERED,
            "01-12/777",
            dt.date(2019, 11, 29),
            dt.date(2019, 11, 29),
        )
        assert (answered.answer_signed_by, answered.answer_method) == ("Кузнецов С. В.", "post")
        assert (answered.applicant_last_name, answered.applicant_first_name, answered.applicant_patronymic) == (
            "Смирнова",
            "Галина",
            "Петровна",
        )
        assert (answered.receiving_body.code, answered.responsible_body.code) == ("appeals", "uzhil")
        assert [(q.classifier_code, q.result.code) for q in answered.questions] == [
            ("0005.0005.0055.1122", "explained"),
            ("0003.0009.0097.0689", "supported"),
        ]

        registered = appeal("ОГ-2019-004121")  # a bare number takes the year of its registration date
        assert (registered.status, registered.channel.code, registered.answer_number) == (
            AppealStatus.REGISTERED,
            "website",
            None,
        )
        assert registered.due_date == dt.date(2019, 12, 6)  # no due date in the file: 30 days by the channel's rule
        assert [q.result for q in registered.questions] == [None]


def test_good_cp1251_csv_with_semicolons_imports_and_rows_without_a_number_are_numbered_after_the_kept_ones(
    import_app,
):
    with signed_in(import_app, "appeals"):
        before = appeal_count()
        plan, batch = run_import(cp1251(sample_text()), "Выгрузка.csv")
        assert plan.problems == [] and (batch.imported, batch.skipped) == (4, 0)
        assert appeal_count() == before + 4

        first = appeal("ОГ-2020-000101")
        assert (first.status, first.answer_number, first.answer_date, first.answer_method) == (
            AppealStatus.ANSWERED,
            "01-12/15",
            dt.date(2020, 2, 5),
            "post",
        )
        assert [(q.classifier_code, q.question_type, q.result.code) for q in first.questions] == [
            ("0005.0005.0056.1151", "statement", "supported_measures")
        ]
        assert (first.applicant_district.code, first.district.code, first.responsible_body.code) == (
            "central",
            "central",
            "kgkh",
        )
        second = appeal("ОГ-2020-000102")
        assert (second.answer_method, second.questions[0].question_type, second.due_date) == (
            "email",
            "complaint",
            dt.date(2020, 2, 19),
        )

        pos = db.session.scalar(select(Appeal).where(Appeal.pos_external_id == "1234567"))
        # No number in the file: numbered by the normal registration, past the numbers the file keeps.
        assert (pos.reg_number, pos.channel.code, pos.status) == ("ОГ-2020-000103", "pos", AppealStatus.REGISTERED)
        assert pos.due_date == dt.date(2020, 2, 5)  # ПОС: 10 working days from 22.01.2020
        two_questions = appeal("ОГ-2020-000104")
        assert [q.classifier_code for q in two_questions.questions] == ["0005.0005.0056.1151", "0003.0009.0097.0689"]
        assert two_questions.received_date == dt.date(2020, 1, 23) and two_questions.reg_date == dt.date(2020, 1, 24)


def test_the_year_counter_moves_past_imported_numbers_and_the_next_registration_continues_after_them(import_app):
    with signed_in(import_app, "appeals"):
        run_import(xlsx(LEGACY_XLSX), "Реестр 2019.xlsx")
        assert counter(2019) == 4121
        later = register_appeal(
            channel=db.session.scalar(select(Channel).where(Channel.code == "letter")),
            received_date=dt.date(2019, 12, 2),
            reg_date=dt.date(2019, 12, 2),
            summary="Новое обращение",
            receiving_body=body_by_code("appeals"),
        )
        assert later.reg_number == "ОГ-2019-004122"


def test_a_utf8_csv_with_commas_is_read_as_well(import_app):
    text = (
        "Дата поступления,Канал,Заявитель,Содержание,Получатель,Код классификатора\n"
        "03.03.2025,Личный приём,Павлов Павел,Уборка снега во дворе,Отдел обращений,0003.0009.0097.0694\n"
    )
    with signed_in(import_app, "appeals"):
        plan, batch = run_import(text.encode("utf-8"), "reception.csv")
        assert plan.problems == [] and batch.imported == 1
        imported = db.session.scalar(select(Appeal).where(Appeal.applicant_last_name == "Павлов"))
        assert (imported.channel.code, imported.reg_date, imported.questions[0].classifier_code) == (
            "reception",
            dt.date(2025, 3, 3),
            "0003.0009.0097.0694",
        )


# ---- bad files ------------------------------------------------------------------------------


def test_one_bad_row_imports_nothing_and_the_report_names_its_row_column_value_and_reason(import_app):
    bad = replace_row(sample_text(), 4, "22.01.2020", "31.02.2020")
    with signed_in(import_app, "appeals"):
        before, counter_before = appeal_count(), counter(2020)
        plan, batch = run_import(cp1251(bad), "Выгрузка.csv")
        assert batch is None
        assert plan.problems == [ImportProblem(4, "Дата поступления", "31.02.2020", DATE_HINT)]
        assert (appeal_count(), counter(2020)) == (before, counter_before)
        assert appeal("ОГ-2020-000101") is None  # the good rows were not imported either


def test_every_bad_row_is_reported_with_its_own_reason(import_app):
    text = sample_text()
    text = replace_row(text, 2, "Письмо", "Голубиная почта")
    text = replace_row(text, 3, "УДКХиБ", "Министерство магии")
    text = replace_row(text, 4, "0005.0005.0056.1160", "0005.0005.0056.0000")
    text = replace_row(text, 5, ";;23.01.2020", "ОГ-2020-000101;;23.01.2020")
    with signed_in(import_app, "appeals"):
        plan, batch = run_import(text.encode("utf-8"), "Выгрузка.csv")
    assert batch is None
    assert [(p.row, p.column, p.value) for p in plan.problems] == [
        (2, "Канал поступления", "Голубиная почта"),
        (3, "Ответственный орган", "Министерство магии"),
        (4, "Код классификатора", "0005.0005.0056.0000"),
        (5, "Рег. номер", "ОГ-2020-000101"),
    ]
    reasons = [p.reason for p in plan.problems]
    assert reasons[0] == "Нет такого канала поступления в справочнике"
    assert reasons[1] == "Нет такого органа в справочнике"
    assert reasons[2].startswith("Код 0005.0005.0056.0000 нельзя присвоить вопросу")
    assert reasons[3] == "Повторяется в файле (впервые — в строке 2)"


def test_an_answered_row_without_results_is_refused_but_a_missing_signer_is_not(import_app):
    text = replace_row(
        sample_text(),
        2,
        "Поддержано, в том числе меры приняты;01-12/15;05.02.2020;Почтой;Кузнецов С. В.",
        ";01-12/15;05.02.2020;Почтой;",
    )
    with signed_in(import_app, "appeals"):
        plan, _batch = run_import(text.encode("utf-8"), "Выгрузка.csv")
    assert [(p.row, p.column, p.reason) for p in plan.problems] == [
        # A legacy register often kept no signer (issue #13 item 15): only the missing result is refused.
        (2, "Результат", "У отвеченного обращения нужен результат по каждому вопросу"),
    ]


def test_a_district_clerk_cannot_import_an_appeal_of_another_district_and_nothing_is_imported(import_app):
    text = (
        "Дата поступления;Канал;Заявитель;Содержание;Получатель;Код классификатора\n"
        "03.03.2025;Письмо;Иванов Иван;Освещение во дворе;Адм. Заводского р-на;0003.0009.0097.0689\n"
        "04.03.2025;Письмо;Петров Пётр;Ремонт дороги;Адм. Кузнецкого р-на;0003.0009.0099.0742\n"
    )
    with signed_in(import_app, "zavodskoy"):
        before = appeal_count()
        plan, batch = run_import(text.encode("utf-8"), "district.csv")
    assert batch is None
    assert [(p.row, p.column, p.value) for p in plan.problems] == [(3, "Получатель", "Адм. Кузнецкого р-на")]
    assert "вне вашей области видимости" in plan.problems[0].reason
    with import_app.app_context():
        assert appeal_count() == before


# ---- re-import ------------------------------------------------------------------------------


def test_reimporting_the_same_file_duplicates_nothing_and_counts_the_rows_already_loaded(import_app):
    with signed_in(import_app, "appeals"):
        run_import(cp1251(sample_text()), "Выгрузка.csv")
        first = appeal("ОГ-2020-000101")
        first_version, count = first.version, appeal_count()

        plan, again = run_import(cp1251(sample_text()), "Выгрузка.csv")

        assert plan.problems == [] and (again.rows, again.imported, again.skipped) == (4, 0, 4)
        assert appeal_count() == count and counter(2020) == 104
        assert appeal("ОГ-2020-000101").version == first_version  # a re-import never updates a card


# ---- history and progress -------------------------------------------------------------------


def test_the_import_is_recorded_in_the_history_with_who_which_file_and_how_many_rows(import_app):
    with signed_in(import_app, "appeals"):
        _plan, batch = run_import(cp1251(sample_text()), "Выгрузка.csv")
        entry = db.session.scalar(
            select(ChangeLog).where(ChangeLog.table_name == "core_import", ChangeLog.record_id == str(batch.id))
        )
        assert (entry.username, entry.action) == ("appeals", "insert")
        assert (entry.changes["filename"], entry.changes["rows"], entry.changes["imported"]) == ("Выгрузка.csv", 4, 4)
        # Each appeal is in the history too, as created by the importing clerk.
        card = db.session.scalar(
            select(ChangeLog).where(
                ChangeLog.table_name == "appeals_appeal", ChangeLog.record_id == str(appeal("ОГ-2020-000101").id)
            )
        )
        assert card.username == "appeals"


def test_progress_is_reported_for_the_check_and_the_import(import_app):
    seen: list[tuple[str, int, int]] = []
    with signed_in(import_app, "appeals"):
        sheet = read(cp1251(sample_text()), "Выгрузка.csv")
        plan = validate(
            sheet,
            Options(guess_mapping(APPEALS_IMPORT, sheet)),
            current_visibility(),
            lambda *state: seen.append(state),
        )
        import_plan(
            plan, filename="x.csv", sha256="0" * 64, user=g.user, total_rows=4, progress=lambda *s: seen.append(s)
        )
        db.session.rollback()
    assert seen == [("validate", 4, 4), ("import", 4, 4)]


# ---- the pages ------------------------------------------------------------------------------


def _token(page: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert match, "form has no CSRF token"
    return match.group(1)


def _csrf_login(app: Flask, username: str):
    client = app.test_client()
    token = _token(client.get("/login/").text)
    client.post("/login/", data={"username": username, "password": "Uprava-Demo-2026", "csrf_token": token})
    return client


def _mapping_data(page: str) -> dict[str, str]:
    """The mapping form as the browser would send it: each select's selected option."""
    data = {}
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        selected = re.search(r'<option selected value="([^"]*)"', body) or re.search(r'value="([^"]*)" selected', body)
        data[name] = selected.group(1) if selected else ""
    return data


def test_upload_map_and_import_through_the_pages_with_csrf_then_the_result_page_shows_the_counts(csrf_app):
    client = _csrf_login(csrf_app, "appeals")
    upload = client.get("/appeals/import/")
    assert upload.status_code == 200 and "Загрузка обращений из файла" in upload.text
    sample = client.get("/appeals/import/sample")
    assert sample.data.decode("utf-8-sig").startswith("Рег. номер;Номер в ПОС;Дата поступления;")
    response = client.post(
        "/appeals/import/",
        data={"csrf_token": _token(upload.text), "file": (io.BytesIO(cp1251(sample_text())), "Выгрузка ПОС.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/map")

    page = client.get(response.headers["Location"]).text
    assert "Выгрузка ПОС.csv" in page and "ОГ-2020-000101" in page  # the preview of the first rows
    data = _mapping_data(page)
    assert data["col_reg_number"] == "0" and data["col_received_date"] == "2" and data["col_result"] == "19"

    done = client.post(response.headers["Location"], data={**data, "csrf_token": _token(page), "action": "import"})
    assert done.status_code == 302 and "/appeals/import/result/" in done.headers["Location"]
    result = client.get(done.headers["Location"]).text
    assert "загружено обращений — 4, уже загружено: 0" in result
    with csrf_app.app_context():
        assert appeal("ОГ-2020-000101").status == AppealStatus.ANSWERED
        assert db.session.scalar(select(AppealImport.filename)) == "Выгрузка ПОС.csv"
    # The upload is gone once imported: the same mapping page cannot import it twice.
    assert client.get(response.headers["Location"]).status_code == 404


def test_a_bad_file_shows_every_bad_row_on_the_page_and_the_same_report_downloads_as_xlsx(import_app):
    client = login_client(import_app, "appeals")
    bad = replace_row(replace_row(sample_text(), 3, "20.01.2020", "2020-13-45"), 5, "Письмо", "<b>Голубь</b>")
    upload = client.post(
        "/appeals/import/",
        data={"file": (io.BytesIO(bad.encode("utf-8")), "bad.csv")},
        content_type="multipart/form-data",
    )
    mapping_url = upload.headers["Location"]
    data = _mapping_data(client.get(mapping_url).text)
    page = client.post(mapping_url, data={**data, "action": "import"}, follow_redirects=True).text

    assert "Ничего не загружено: в файле есть ошибки (2)" in page
    assert "&lt;b&gt;Голубь&lt;/b&gt;" in page and "<b>Голубь</b>" not in page  # the file's text is escaped
    report = client.get(mapping_url.replace("/map", "/report.xlsx"))
    assert report.status_code == 200
    sheet = load_workbook(io.BytesIO(report.data)).active
    rows = [[c for c in row] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert rows == [
        [3, "Дата поступления", "2020-13-45", DATE_HINT],
        [5, "Канал поступления", "<b>Голубь</b>", "Нет такого канала поступления в справочнике"],
    ]
    with import_app.app_context():
        assert appeal("ОГ-2020-000101") is None


def test_a_saved_mapping_is_offered_again_for_the_next_file_with_those_headers(import_app):
    client = login_client(import_app, "appeals")
    text = (
        "Когда пришло;Откуда;Кто писал;О чём;Куда пришло;Рубрика\n"
        "03.03.2025;Письмо;Иванов Иван;Освещение во дворе;Отдел обращений;0003.0009.0097.0689\n"
    )

    def upload() -> str:
        response = client.post(
            "/appeals/import/",
            data={"file": (io.BytesIO(text.encode("utf-8")), "legacy.csv")},
            content_type="multipart/form-data",
        )
        return response.headers["Location"]

    first = upload()
    assert _mapping_data(client.get(first).text)["col_received_date"] == ""  # unknown headers: nothing guessed
    chosen = {
        "col_received_date": "0",
        "col_channel": "1",
        "col_applicant_name": "2",
        "col_summary": "3",
        "col_receiving_body": "4",
        "col_classifier_codes": "5",
        "save_as": "Старый реестр",
        "action": "save",
    }
    saved_page = client.post(first, data=chosen).text
    assert "Схема «Старый реестр» сохранена" in saved_page
    with import_app.app_context():
        saved = db.session.scalar(select(ImportMapping).where(ImportMapping.name == "Старый реестр"))
        assert saved.columns["received_date"] == "Когда пришло" and saved.columns["classifier_codes"] == "Рубрика"

    page = client.get(upload()).text
    assert "Подставлена схема «Старый реестр»" in page
    offered = _mapping_data(page)
    assert {key: offered[key] for key in chosen if key.startswith("col_")} == {
        key: value for key, value in chosen.items() if key.startswith("col_")
    }


def test_a_supervisor_who_only_reads_appeals_cannot_open_the_import(import_app):
    client = login_client(import_app, "supervisor")
    response = client.get("/appeals/import/")
    assert response.status_code in (302, 403) and "Загрузка обращений из файла" not in response.text


def test_another_user_cannot_open_a_clerks_upload(import_app):
    clerk = login_client(import_app, "appeals")
    mapping_url = clerk.post(
        "/appeals/import/",
        data={"file": (io.BytesIO(sample_text().encode("utf-8")), "mine.csv")},
        content_type="multipart/form-data",
    ).headers["Location"]
    other = login_client(import_app, "zavodskoy")
    assert other.get(mapping_url).status_code == 404
    assert other.get(mapping_url.replace("/map", "/progress")).status_code == 404


def test_forwarded_closed_and_withdrawn_appeals_import_with_their_closing_date_target_and_reason(import_app):
    text = (
        "Рег. номер;Дата поступления;Канал;Заявитель;Содержание;Получатель;Статус;Дата закрытия;Куда направлено;"
        "Основание\n"
        "ОГ-2024-000010;01.02.2024;Письмо;Иванов Иван;Пенсия;Отдел обращений;Направлено по компетенции;05.02.2024;"
        "Правительство Кузбасса;\n"
        "ОГ-2024-000011;02.02.2024;Письмо;Петров Пётр;Оскорбления;Отдел обращений;Оставлено без ответа;06.02.2024;;"
        "abusive\n"
        "ОГ-2024-000012;03.02.2024;Письмо;Сидоров Сидор;Ремонт дороги;Отдел обращений;Отозвано;07.02.2024;;\n"
    )
    with signed_in(import_app, "appeals"):
        plan, batch = run_import(text.encode("utf-8"), "closed.csv")
        assert plan.problems == [] and batch.imported == 3
        forwarded, closed, withdrawn = (appeal(f"ОГ-2024-0000{n}") for n in (10, 11, 12))
        assert (forwarded.status, forwarded.forwarded_to, forwarded.closed_on) == (
            AppealStatus.FORWARDED,
            "Правительство Кузбасса",
            dt.date(2024, 2, 5),
        )
        assert (closed.status, closed.closure_reason.code, closed.closed_on) == (
            AppealStatus.CLOSED_WITHOUT_ANSWER,
            "abusive",
            dt.date(2024, 2, 6),
        )
        assert (withdrawn.status, withdrawn.closed_on) == (AppealStatus.WITHDRAWN, dt.date(2024, 2, 7))


def test_an_extended_status_is_refused_with_what_to_do_instead(import_app):
    text = (
        "Дата поступления;Канал;Заявитель;Содержание;Получатель;Статус\n"
        "01.02.2024;Письмо;Иванов Иван;Пенсия;Отдел обращений;Срок продлён\n"
    )
    with signed_in(import_app, "appeals"):
        plan, _batch = run_import(text.encode("utf-8"), "extended.csv")
    assert [(p.row, p.column, p.value) for p in plan.problems] == [(2, "Статус", "Срок продлён")]
    assert "продлите срок в его карточке" in plan.problems[0].reason
