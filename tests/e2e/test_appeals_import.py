"""The appeals clerk imports a register in the background: starts it, leaves, comes back to it finished;
a file with bad rows shows every bad row and its report downloads as Excel."""

from __future__ import annotations

import uuid

import openpyxl
from playwright.sync_api import expect
from sqlalchemy import func, select

from scripts.bench import import_file

from .pages import open_menu

ROWS = 300
JOB_TIMEOUT_MS = 120_000  # the worker shares two cores with the server and the browser


def _upload(page, path) -> None:
    open_menu(page, "Обращения", "Загрузка обращений из файла")
    page.set_input_files("#file", str(path))
    page.get_by_role("button", name="Далее: сопоставить столбцы").click()
    expect(page.locator("#mapping-form")).to_be_visible()


def test_appeals_clerk_starts_an_import_leaves_the_page_comes_back_and_sees_it_finished(
    page_as, oracle, shots, tmp_path
):
    from app.appeals.models import Appeal
    from app.extensions import db

    path = tmp_path / f"Реестр {uuid.uuid4().hex[:6]}.xlsx"
    path.write_bytes(import_file.appeals_xlsx(ROWS, executors=("appeals",)))
    page = page_as("appeals")
    _upload(page, path)
    expect(page.locator("#row-count")).to_have_text(str(ROWS))
    shots.take(page, "appeals-import-mapping")
    page.get_by_role("button", name="Проверить и загрузить").click()
    expect(page.locator(".panel-heading, .panel-title").first).to_contain_text(path.name)
    result_url = page.url
    assert "/appeals/import/result/" in result_url

    # The clerk leaves for the list while the worker imports…
    open_menu(page, "Обращения", "Обращения граждан")
    expect(page.locator("table.table-bordered")).to_be_visible()
    # …and comes back through «Мои загрузки» on the import page.
    open_menu(page, "Обращения", "Загрузка обращений из файла")
    journal = page.locator("#import-journal")
    expect(journal).to_contain_text(path.name)
    journal.get_by_role("link", name=path.name).click()
    assert page.url == result_url
    # Running, the page polls and reloads itself when the job ends; finished, it says what was done.
    expect(page.locator("#import-result")).to_contain_text(
        f"Файл «{path.name}» загружен: строк — {ROWS}, загружено обращений — {ROWS}, уже загружено: 0.",
        timeout=JOB_TIMEOUT_MS,
    )
    shots.take(page, "appeals-import-result")
    with oracle.app_context():
        numbers = [f"ОГ-{import_file.YEAR}-{import_file.FIRST_SEQ + n:06d}" for n in (0, ROWS - 1)]
        assert db.session.scalar(select(func.count(Appeal.id)).where(Appeal.reg_number.in_(numbers))) == 2
        db.session.remove()
    # The job list has it too, done.
    page.goto("/jobs/")
    expect(page.locator("#job-list")).to_contain_text(path.name)
    expect(page.locator("#job-list tbody tr").first).to_contain_text("Готово")


def test_appeals_clerk_imports_a_file_with_bad_rows_and_sees_each_one_with_its_excel_report(page_as, tmp_path):
    path = tmp_path / f"Ошибки {uuid.uuid4().hex[:6]}.csv"
    path.write_text(
        "Дата поступления;Канал;Заявитель;Содержание;Получатель;Код классификатора\n"
        "03.03.2025;Письмо;Иванов Иван;Освещение во дворе;Отдел обращений;0003.0009.0097.0689\n"
        "31.02.2025;Письмо;Петров Пётр;Ремонт дороги;Отдел обращений;0003.0009.0099.0742\n"
        "04.03.2025;Голубиная почта;Сидоров Сидор;Уборка снега;Отдел обращений;0003.0009.0097.0694\n",
        encoding="utf-8",
    )
    page = page_as("appeals")
    _upload(page, path)
    page.get_by_role("button", name="Проверить и загрузить").click()
    refused = page.locator("#import-refused")
    expect(refused).to_contain_text("Ничего не загружено: в файле есть ошибки (2)", timeout=JOB_TIMEOUT_MS)
    rows = page.locator("#import-report tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("3Дата поступления31.02.2025Дата должна быть в формате ДД.ММ.ГГГГ")
    expect(rows.nth(1)).to_contain_text("4КаналГолубиная почтаНет такого канала поступления в справочнике")
    with page.expect_download() as download_info:
        page.locator("#report-xlsx").click()
    report = tmp_path / "report.xlsx"
    download_info.value.save_as(report)
    workbook = openpyxl.load_workbook(report, read_only=True)
    lines = list(workbook.active.iter_rows(min_row=3, values_only=True))
    workbook.close()  # a read-only workbook holds its file open until closed
    assert [(line[0], line[1], line[2]) for line in lines] == [
        (3, "Дата поступления", "31.02.2025"),
        (4, "Канал", "Голубиная почта"),
    ]


def test_appeals_clerk_imports_a_legacy_register_after_mapping_its_own_spellings_on_screen(
    page_as, oracle, shots, tmp_path
):
    """Issue #13 item 14: a full-name channel is mapped on the mapping page; an old name of УДКХиБ is
    recognised; answered rows without an answer number or signer import."""
    from app.appeals.models import Appeal
    from app.extensions import db
    from app.org.models import BodyFormerName
    from app.org.services import body_by_code

    tag = uuid.uuid4().hex[:6]
    old_name = f"Комитет дорожного хозяйства {tag}"
    with oracle.app_context():
        db.session.add(BodyFormerName(body=body_by_code("udkh"), name=old_name))
        db.session.commit()
        db.session.remove()
    path = tmp_path / f"Реестр прошлых лет {tag}.csv"
    rows = [
        f"{10 + n:02d}.01.2019;Письменное обращение гражданина;Заявитель{n} Иван;Ямы у дома {n} ({tag});"
        f"Отдел обращений;{old_name};Дан ответ;0003.0009.0099.0742;Разъяснено;{10 + n:02d}.02.2019"
        for n in range(12)
    ]
    path.write_text(
        "Дата регистрации;Канал поступления;ФИО заявителя;Краткое содержание;Орган-получатель;"
        "Ответственный орган;Статус;Код классификатора;Результат;Дата ответа\n" + "\n".join(rows) + "\n",
        encoding="utf-8",
    )
    page = page_as("appeals")
    _upload(page, path)
    values = page.locator("#value-mapping")
    expect(values).to_contain_text("Письменное обращение гражданина")
    expect(values).not_to_contain_text(old_name)
    values.locator("select").first.select_option(label="Письменное обращение (почта, нарочно, канцелярия)")
    shots.take(page, "appeals-import-value-mapping", full_page=True)
    page.get_by_role("button", name="Проверить и загрузить").click()
    expect(page.locator("#import-result")).to_contain_text("загружено обращений — 12", timeout=JOB_TIMEOUT_MS)
    with oracle.app_context():
        loaded = db.session.scalars(select(Appeal).where(Appeal.summary.like(f"%({tag})"))).all()
        assert len(loaded) == 12
        assert {(a.channel.code, a.responsible_body.code, a.answer_number) for a in loaded} == {
            ("letter", "udkh", None)
        }
        db.session.remove()
