"""Build the shipped .docx document templates with python-docx.

The .docx files are committed; this script is how they are made, so a change is
a reviewed diff here and a re-run:

    /work/main/.venv/bin/python scripts/make_document_templates.py [plans/ …]

Placeholders are docxtpl (Jinja) tags; the filters (date_long, date, money,
number, fio_short) are those of app/core/documents/russian.py. Each tag is written
as one run so that Word and docxtpl see it whole.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

ROOT = Path(__file__).resolve().parents[1] / "app" / "templates" / "documents"
ADMINISTRATION = "Администрация города Новокузнецка"


def _document(title: str) -> Document:
    document = Document()
    section = document.sections[0]
    # A4 with the margins of Russian office paperwork (ГОСТ Р 7.0.97-2016).
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.left_margin, section.right_margin = Cm(3.0), Cm(1.5)
    section.top_margin, section.bottom_margin = Cm(2.0), Cm(2.0)
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(14)
    style.paragraph_format.space_after = Pt(0)
    properties = document.core_properties
    properties.title = title
    properties.author = "Управа"
    properties.comments = ""
    return document


def _paragraph(document: Document, text: str = "", *, bold: bool = False, center: bool = False, size: int = 0) -> None:
    paragraph = document.add_paragraph()
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(text)
    run.bold = bold
    if size:
        run.font.size = Pt(size)


def official_card() -> Document:
    """«Справка о должностном лице» (org_official_card)."""
    document = _document("Справка о должностном лице")
    _paragraph(document, ADMINISTRATION.upper(), bold=True, center=True)
    _paragraph(document, "{{ body }}", center=True)
    _paragraph(document)
    _paragraph(document, "СПРАВКА", bold=True, center=True, size=16)
    _paragraph(document, "о должностном лице", center=True)
    _paragraph(document)

    rows = [
        ("Фамилия, имя", "{{ full_name }}"),
        ("Орган администрации", "{{ body }}"),
        ("Должность", "{{ position }}"),
        ("Дата назначения на должность", '{{ appointed_on|date_long or "не указана" }}'),
    ]
    table = document.add_table(rows=len(rows), cols=2)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    table.columns[0].width, table.columns[1].width = Cm(6.5), Cm(10.0)
    for row, (label, value) in zip(table.rows, rows, strict=True):
        row.cells[0].width, row.cells[1].width = Cm(6.5), Cm(10.0)
        row.cells[0].paragraphs[0].add_run(label)
        row.cells[1].paragraphs[0].add_run(value)

    _paragraph(document)
    _paragraph(document, "Справка выдана для представления по месту требования.")
    _paragraph(document, "Дата выдачи: {{ today|date_long }}")
    _paragraph(document)

    signature = document.add_table(rows=2, cols=3)
    cells = signature.rows[0].cells
    cells[0].paragraphs[0].add_run("Руководитель органа")
    cells[1].paragraphs[0].add_run("____________________")
    cells[2].paragraphs[0].add_run("____________________")
    for cell, hint in zip(signature.rows[1].cells, ("", "(подпись)", "(расшифровка подписи)"), strict=True):
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = cell.paragraphs[0].add_run(hint)
        run.font.size = Pt(9)
    _paragraph(document, "М. П.")

    footer = document.sections[0].footer.paragraphs[0]
    run = footer.add_run("Сформировано в системе «Управа» {{ today|date }}, {{ generated_by|fio_short }}")
    run.font.size = Pt(8)
    return document


def _cell_text(cell, *runs: tuple[str, bool], size: int = 10) -> None:
    paragraph = cell.paragraphs[0]
    for text, bold in runs:
        run = paragraph.add_run(text)
        run.bold = bold
        run.font.size = Pt(size)


def report() -> Document:
    """The generic layout of any report (core_report, app/core/reports/docx.py): title, filters, each table.

    A table's columns are the report's own: `{%tc for %}` repeats a cell per column (docxtpl widens
    the grid), `{%tr for %}` a row per line; totals and subtotals are bold (a run chosen by `line.bold`).
    """
    document = _document("Отчёт")
    section = document.sections[0]
    # Landscape: a report's tables are wide (ten columns and more).
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    section.left_margin, section.right_margin = Cm(2.0), Cm(1.5)
    section.top_margin, section.bottom_margin = Cm(1.5), Cm(1.5)
    _paragraph(document, ADMINISTRATION.upper(), bold=True, center=True, size=12)
    _paragraph(document)
    _paragraph(document, "{{ title }}", bold=True, center=True, size=14)
    _paragraph(document, "{{ filters }}{% if basis %} ({{ basis }}){% endif %}", center=True, size=12)
    _paragraph(document, "{%p if note %}")
    _paragraph(document, "{{ note }}", size=10)
    _paragraph(document, "{%p endif %}")
    _paragraph(document, "{%p for table in tables %}")
    _paragraph(document)
    _paragraph(document, "{{ table.caption }}", bold=True, size=12)
    table = document.add_table(rows=4, cols=3)
    table.style = "Table Grid"
    header, loop, line, end = table.rows
    _cell_text(header.cells[0], ("{%tc for header in table.headers %}", False))
    _cell_text(header.cells[1], ("{{ header }}", True))
    _cell_text(header.cells[2], ("{%tc endfor %}", False))
    _cell_text(loop.cells[0], ("{%tr for line in table.lines %}", False))
    _cell_text(line.cells[0], ("{%tc for cell in line.cells %}", False))
    _cell_text(
        line.cells[1], ("{% if line.bold %}", False), ("{{ cell }}", True), ("{% else %}{{ cell }}{% endif %}", False)
    )
    _cell_text(line.cells[2], ("{%tc endfor %}", False))
    _cell_text(end.cells[0], ("{%tr endfor %}", False))
    _paragraph(document, "{%p if not table.lines %}")
    _paragraph(document, "Нет данных за период", size=10)
    _paragraph(document, "{%p endif %}")
    _paragraph(document, "{%p endfor %}")

    footer = document.sections[0].footer.paragraphs[0]
    run = footer.add_run("Сформировано в системе «Управа» {{ today|date }}, {{ generated_by|fio_short }}")
    run.font.size = Pt(8)
    return document


def _landscape(document: Document) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    section.left_margin, section.right_margin = Cm(2.0), Cm(1.5)
    section.top_margin, section.bottom_margin = Cm(1.5), Cm(1.5)


# ---- housing (DOMAIN.md H-01…H-06): papers handed to the citizen ---------------------------------------------


def _signature(document: Document, position: str, name: str) -> None:
    table = document.add_table(rows=2, cols=3)
    cells = table.rows[0].cells
    cells[0].paragraphs[0].add_run(position)
    cells[1].paragraphs[0].add_run("____________________")
    cells[2].paragraphs[0].add_run(name)
    for cell, hint in zip(table.rows[1].cells, ("", "(подпись)", "(расшифровка подписи)"), strict=True):
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = cell.paragraphs[0].add_run(hint)
        run.font.size = Pt(9)


def _header(document: Document, body: str) -> None:
    _paragraph(document, ADMINISTRATION.upper(), bold=True, center=True, size=12)
    _paragraph(document, body, center=True, size=12)
    _paragraph(document)


def _family_table(document: Document) -> None:
    """The family as a table: a row per member (docxtpl {%tr for %})."""
    _paragraph(document, "{%p if family %}")
    _paragraph(document, "Члены семьи заявителя:")
    table = document.add_table(rows=4, cols=3)
    table.style = "Table Grid"
    header, loop, row, end = table.rows
    for cell, text in zip(header.cells, ("Фамилия, имя, отчество", "Родство", "Дата рождения"), strict=True):
        _cell_text(cell, (text, True), size=11)
    _cell_text(loop.cells[0], ("{%tr for member in family %}", False))
    _cell_text(row.cells[0], ("{{ member.name }}", False), size=11)
    _cell_text(row.cells[1], ("{{ member.relation }}", False), size=11)
    _cell_text(row.cells[2], ("{{ member.birth_date|date }}", False), size=11)
    _cell_text(end.cells[0], ("{%tr endfor %}", False))
    _paragraph(document, "{%p endif %}")


def housing_receipt() -> Document:
    """H-01 «Расписка в получении заявления и документов» (housing_receipt)."""
    document = _document("Расписка в получении заявления и документов")
    _header(document, "{{ registering_body }}")
    _paragraph(document, "РАСПИСКА", bold=True, center=True, size=16)
    _paragraph(
        document,
        "в получении заявления о принятии на учёт в качестве нуждающихся в жилых помещениях и документов",
        center=True,
    )
    _paragraph(document)
    _paragraph(
        document,
        "Заявление № {{ application_number }} принято {{ application_date|date_long }} в {{ application_time }}.",
    )
    _paragraph(
        document,
        "Заявитель: {{ applicant_name }}"
        "{% if applicant_birth_date %}, {{ applicant_birth_date|date }} г. р.{% endif %}",
    )
    _paragraph(document, "Адрес места жительства: {{ address }}")
    _paragraph(document, "Состав семьи: {{ family_size }} чел.")
    _paragraph(document)
    _paragraph(document, "Представленные документы:")
    table = document.add_table(rows=4, cols=2)
    table.style = "Table Grid"
    header, loop, line, end = table.rows
    _cell_text(header.cells[0], ("№", True), size=11)
    _cell_text(header.cells[1], ("Документ", True), size=11)
    _cell_text(loop.cells[0], ("{%tr for document in documents %}", False))
    _cell_text(line.cells[0], ("{{ loop.index }}", False), size=11)
    _cell_text(line.cells[1], ("{{ document }}", False), size=11)
    _cell_text(end.cells[0], ("{%tr endfor %}", False))
    _paragraph(document)
    _paragraph(
        document,
        "Решение о принятии на учёт или об отказе в принятии на учёт принимается не позднее чем через "
        "30 рабочих дней со дня представления документов (ч. 5 ст. 52 Жилищного кодекса РФ)"
        "{% if decision_due %}: не позднее {{ decision_due|date_long }}{% endif %}.",
    )
    _paragraph(document)
    _signature(document, "Документы принял", "{{ generated_by|fio_short }}")
    _paragraph(document)
    _signature(document, "Расписку получил", "{{ applicant_name|fio_short }}")
    _footer(document)
    return document


#: What each decision resolves (its operative part), by effect.
DECISION_TEXTS = {
    "register": (
        "о принятии на учёт граждан в качестве нуждающихся в жилых помещениях",
        "1. Принять {{ applicant_name }} с семьёй в составе {{ family_size }} чел. на учёт в качестве "
        "нуждающихся в жилых помещениях, предоставляемых по договорам социального найма, в список "
        "«{{ list_type }}» с датой постановки на учёт {{ queue_date|date_long }}.",
    ),
    "refuse": (
        "об отказе в принятии на учёт граждан в качестве нуждающихся в жилых помещениях",
        "1. Отказать {{ applicant_name }} в принятии на учёт в качестве нуждающихся в жилых помещениях "
        "по основанию: {{ ground }}.",
    ),
    "remove": (
        "о снятии граждан с учёта в качестве нуждающихся в жилых помещениях",
        "1. Снять {{ applicant_name }} с семьёй в составе {{ family_size }} чел. с учёта в качестве "
        "нуждающихся в жилых помещениях по основанию: {{ ground }}.",
    ),
    "provide": (
        "о предоставлении жилого помещения",
        "1. Предоставить {{ applicant_name }} на семью из {{ family_size }} чел. жилое помещение по адресу: "
        "г. Новокузнецк, {{ premises_address }} ({{ premises_rooms }} комн., общая площадь "
        "{{ premises_total_area|number }} м²{% if premises_living_area %}, жилая {{ premises_living_area|number }} м²"
        "{% endif %}; {{ premises_fund }}).",
    ),
}


def housing_decision(effect: str) -> Document:
    """H-02…H-04, H-06: a decision on a household case (housing_decision_<effect>)."""
    subject, operative = DECISION_TEXTS[effect]
    document = _document("Решение по учёту граждан")
    _header(document, "{{ issuing_body }}")
    _paragraph(document, "РЕШЕНИЕ № {{ number }}", bold=True, center=True, size=16)
    _paragraph(document, "от {{ decision_date|date_long }}", center=True)
    _paragraph(document, subject, center=True)
    _paragraph(document)
    _paragraph(
        document,
        "Рассмотрев заявление № {{ application_number }} от {{ application_date|date }} гр. {{ applicant_name }}"
        "{% if applicant_birth_date %} ({{ applicant_birth_date|date }} г. р.){% endif %}, проживающего(ей) "
        "по адресу: {{ address }}, руководствуясь {{ basis }}{% if protocol %}, на основании {{ protocol }}"
        "{% endif %}, РЕШИЛИ:",
    )
    _paragraph(document, operative)
    _paragraph(document, "2. Выдать (направить) заявителю копию решения не позднее {{ handover_due|date_long }}.")
    _paragraph(document)
    _family_table(document)
    _paragraph(document)
    _paragraph(document, "Решение может быть обжаловано в судебном порядке.", size=12)
    _paragraph(document)
    _signature(document, "Руководитель", "")
    _paragraph(document, "М. П.")
    _footer(document)
    return document


def housing_notice() -> Document:
    """«Уведомление заявителю о принятом решении» (housing_notice): every kind of decision."""
    document = _document("Уведомление о принятом решении")
    _header(document, "{{ issuing_body }}")
    _paragraph(document, "{{ applicant_name }}", bold=True)
    _paragraph(document, "{{ address }}")
    _paragraph(document)
    _paragraph(document, "УВЕДОМЛЕНИЕ", bold=True, center=True, size=16)
    _paragraph(document)
    _paragraph(
        document,
        "Уведомляем, что {{ decision_date|date_long }} по вашему заявлению № {{ application_number }} от "
        "{{ application_date|date }} принято решение № {{ number }} «{{ decision_type }}».",
    )
    _paragraph(document, "{%p if list_type %}")
    _paragraph(document, "Список очерёдности: «{{ list_type }}», дата постановки в список {{ queue_date|date }}.")
    _paragraph(document, "{%p endif %}")
    _paragraph(document, "{%p if ground %}")
    _paragraph(document, "Основание: {{ ground }}.")
    _paragraph(document, "{%p endif %}")
    _paragraph(document, "{%p if premises_address %}")
    _paragraph(document, "Жилое помещение: г. Новокузнецк, {{ premises_address }}.")
    _paragraph(document, "{%p endif %}")
    _paragraph(document, "Правовое основание: {{ basis }}.")
    _paragraph(document)
    _paragraph(document, "Решение может быть обжаловано в судебном порядке.", size=12)
    _paragraph(document)
    _signature(document, "Руководитель", "")
    _footer(document)
    return document


def housing_queue_certificate() -> Document:
    """H-05 «Справка об очерёдности» (housing_queue_certificate): the place on a date."""
    document = _document("Справка об очерёдности")
    _header(document, "Управление по учёту и распределению жилья")
    _paragraph(document, "СПРАВКА № {{ number }}", bold=True, center=True, size=16)
    _paragraph(document, "об очерёдности на получение жилого помещения", center=True)
    _paragraph(document)
    _paragraph(
        document,
        "Дана {{ applicant_name }}{% if applicant_birth_date %}, {{ applicant_birth_date|date }} г. р.{% endif %}, "
        "проживающему(ей) по адресу: {{ address }}, в том, что по состоянию на {{ as_of|date_long }} семья в составе "
        "{{ family_size }} чел. состоит на учёте в качестве нуждающихся в жилых помещениях "
        "(учётное дело № {{ application_number }}) и занимает место в очереди:",
    )
    _paragraph(document, "{%p for line in positions %}")
    _paragraph(document, "— {{ line }}")
    _paragraph(document, "{%p endfor %}")
    _paragraph(document)
    _paragraph(document, "Справка выдана для представления по месту требования.")
    _paragraph(document, "Дата выдачи: {{ issued_on|date_long }}")
    _paragraph(document)
    _signature(document, "Специалист", "{{ generated_by|fio_short }}")
    _footer(document)
    return document


HOUSING_TEMPLATES = {
    "housing/receipt.docx": housing_receipt,
    **{f"housing/decision_{effect}.docx": (lambda e=effect: housing_decision(e)) for effect in DECISION_TEXTS},
    "housing/notice.docx": housing_notice,
    "housing/queue_certificate.docx": housing_queue_certificate,
}


def event_note() -> Document:
    """«Информация о проведении мероприятия» (events_event_note): the plan against what took place."""
    document = _document("Информация о проведении мероприятия")
    _paragraph(document, ADMINISTRATION.upper(), bold=True, center=True)
    _paragraph(document)
    _paragraph(document, "ИНФОРМАЦИЯ", bold=True, center=True, size=16)
    _paragraph(document, "о проведении мероприятия", center=True)
    _paragraph(document, "{{ programme }}", center=True, size=12)
    _paragraph(document)

    rows = [
        ("Мероприятие", "{{ title }}"),
        ("Дата и время", "{{ when }}"),
        ("Место проведения", "{{ place }}{% if district %} ({{ district }} район){% endif %}"),
        ("Организатор", "{{ organiser }}"),
        ("Ответственный", "{{ responsible_person }}"),
        ("Статус", "{{ status }}"),
        ("Формат по плану", "{{ planned_format }}"),
        ("Фактический формат", '{{ actual_format or "—" }}{% if format_changed %} (формат изменён){% endif %}'),
        ("Причина изменения", '{{ change_reason or "—" }}'),
        ("Участников по плану", '{{ participants_planned|number or "—" }}'),
        ("Участников фактически", '{{ participants_actual|number or "—" }}'),
    ]
    table = document.add_table(rows=len(rows), cols=2)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for row, (label, value) in zip(table.rows, rows, strict=True):
        row.cells[0].width, row.cells[1].width = Cm(6.0), Cm(10.5)
        row.cells[0].paragraphs[0].add_run(label)
        row.cells[1].paragraphs[0].add_run(value)

    _paragraph(document)
    _paragraph(document, "Дата составления: {{ today|date_long }}")
    _paragraph(document)
    _paragraph(document, "Ответственный за проведение  ____________________  {{ responsible_person }}")

    _footer(document)
    return document


def _footer(document: Document) -> None:
    footer = document.sections[0].footer.paragraphs[0]
    run = footer.add_run("Сформировано в системе «Управа» {{ today|date }}, {{ generated_by|fio_short }}")
    run.font.size = Pt(8)


def _report_tables(document: Document) -> None:
    """Every table of a report with its own columns (as the generic layout prints them)."""
    _paragraph(document, "{%p for table in tables %}")
    _paragraph(document)
    _paragraph(document, "{{ table.caption }}", bold=True, size=12)
    table = document.add_table(rows=4, cols=3)
    table.style = "Table Grid"
    header, loop, line, end = table.rows
    _cell_text(header.cells[0], ("{%tc for header in table.headers %}", False))
    _cell_text(header.cells[1], ("{{ header }}", True))
    _cell_text(header.cells[2], ("{%tc endfor %}", False))
    _cell_text(loop.cells[0], ("{%tr for line in table.lines %}", False))
    _cell_text(line.cells[0], ("{%tc for cell in line.cells %}", False))
    _cell_text(
        line.cells[1], ("{% if line.bold %}", False), ("{{ cell }}", True), ("{% else %}{{ cell }}{% endif %}", False)
    )
    _cell_text(line.cells[2], ("{%tc endfor %}", False))
    _cell_text(end.cells[0], ("{%tr endfor %}", False))
    _paragraph(document, "{%p if not table.lines %}")
    _paragraph(document, "Нет данных", size=10)
    _paragraph(document, "{%p endif %}")
    _paragraph(document, "{%p endfor %}")


def plan() -> Document:
    """«План работы» (plans_plan, app/plans/report_views.py): the approval stamp, a numbered table per section."""
    document = _document("План работы")
    _landscape(document)
    for text in ("УТВЕРЖДЁН", "{{ plan.approval }}"):
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        paragraph.add_run(text).font.size = Pt(12)
    _paragraph(document)
    _paragraph(document, "ПЛАН", bold=True, center=True, size=16)
    _paragraph(document, "{{ plan.title }}", bold=True, center=True, size=14)
    headers = ("№ п/п", "Вопрос (мероприятие)", "Срок", "Ответственный", "Соисполнители", "Форма")
    widths = (Cm(1.3), Cm(9.5), Cm(2.7), Cm(5.5), Cm(4.5), Cm(2.7))
    _paragraph(document, "{%p for table in tables %}")
    _paragraph(document)
    _paragraph(document, "{{ table.title }}", bold=True, center=True, size=12)
    table = document.add_table(rows=4, cols=len(headers))
    table.style = "Table Grid"
    table.autofit = False
    header, loop, line, end = table.rows
    for cell, text, width in zip(header.cells, headers, widths, strict=True):
        cell.width = width
        _cell_text(cell, (text, True))
    _cell_text(loop.cells[0], ("{%tr for row in table.rows %}", False))
    for index, (cell, width) in enumerate(zip(line.cells, widths, strict=True)):
        cell.width = width
        _cell_text(cell, (f"{{{{ row[{index}] }}}}", False))
    _cell_text(end.cells[0], ("{%tr endfor %}", False))
    _paragraph(document, "{%p endfor %}")
    _paragraph(document, "{%p if not tables %}")
    _paragraph(document, "В плане нет пунктов", size=12)
    _paragraph(document, "{%p endif %}")
    _paragraph(document)
    _paragraph(document, "Начальник управления документационного обеспечения и контроля ____________________", size=12)
    _footer(document)
    return document


def note() -> Document:
    """«Аналитическая справка об исполнении плана» (plans_note): the figures in words, then the report's tables."""
    document = _document("Аналитическая справка об исполнении плана")
    _landscape(document)
    _paragraph(document, ADMINISTRATION.upper(), bold=True, center=True, size=12)
    _paragraph(document, "Управление документационного обеспечения и контроля", center=True, size=12)
    _paragraph(document)
    _paragraph(document, "АНАЛИТИЧЕСКАЯ СПРАВКА", bold=True, center=True, size=14)
    _paragraph(document, "об исполнении плана: {{ note.period }}", center=True, size=12)
    _paragraph(
        document,
        "(период с {{ note.start }} по {{ note.end }}; срок представления — {{ note.due }})",
        center=True,
        size=11,
    )
    _paragraph(document)
    _paragraph(
        document,
        "Запланировано вопросов (мероприятий): {{ note.planned }}. Исполнено — {{ note.done }}, "
        "перенесено на более поздний срок — {{ note.moved }}, не исполнено — {{ note.not_done }}, "
        "отменено — {{ note.cancelled }}, без отметки об исполнении — {{ note.unmarked }}.",
        size=12,
    )
    _paragraph(
        document,
        "Исполнение плана — {{ note.percent }} % (исполненные ÷ (исполненные + неисполненные + перенесённые); "
        "отменённые пункты в расчёт не принимаются).",
        size=12,
    )
    _report_tables(document)
    _paragraph(document)
    _paragraph(document, "Начальник управления документационного обеспечения и контроля ____________________", size=12)
    _footer(document)
    return document


def control_overdue() -> Document:
    """R-C2 as printed for the planning meeting (control_overdue, app/control/report_views.py).

    One table of fixed columns from the report's main table: the deputy head and body of each row,
    the instruction and its people, the deadline and the days overdue; the total line is bold.
    """
    document = _document("Перечень просроченных поручений")
    _landscape(document)
    _paragraph(document, ADMINISTRATION.upper(), bold=True, center=True, size=12)
    _paragraph(document, "К планёрке у Главы города {{ today|date }}", center=True, size=12)
    _paragraph(document)
    _paragraph(document, "ПЕРЕЧЕНЬ", bold=True, center=True, size=14)
    _paragraph(document, "поручений, не исполненных в установленный срок", bold=True, center=True, size=14)
    _paragraph(document, "{{ filters }}", center=True, size=12)
    _paragraph(document)
    table = document.add_table(rows=4, cols=3)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    header, loop, line, end = table.rows
    _cell_text(header.cells[0], ("{%tc for header in table.main.headers %}", False))
    _cell_text(header.cells[1], ("{{ header }}", True))
    _cell_text(header.cells[2], ("{%tc endfor %}", False))
    _cell_text(loop.cells[0], ("{%tr for line in table.main.lines %}", False))
    _cell_text(line.cells[0], ("{%tc for cell in line.cells %}", False))
    _cell_text(
        line.cells[1], ("{% if line.bold %}", False), ("{{ cell }}", True), ("{% else %}{{ cell }}{% endif %}", False)
    )
    _cell_text(line.cells[2], ("{%tc endfor %}", False))
    _cell_text(end.cells[0], ("{%tr endfor %}", False))
    _paragraph(document)
    _paragraph(document, "Начальник управления документационного обеспечения", size=12)
    _footer(document)
    return document


TEMPLATES = {
    "org/official_card.docx": official_card,
    "core/report.docx": report,
    "control/overdue.docx": control_overdue,
    "plans/plan.docx": plan,
    "plans/note.docx": note,
    "events/event_note.docx": event_note,
    **HOUSING_TEMPLATES,
}


def main(only: list[str] | None = None) -> None:
    """Build every layout, or those whose paths start with one of `only` (``plans/``)."""
    for path, build in TEMPLATES.items():
        if only and not path.startswith(tuple(only)):
            continue
        target = ROOT / path
        target.parent.mkdir(parents=True, exist_ok=True)
        build().save(target)
        print(f"written {target}")


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
