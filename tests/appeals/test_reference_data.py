"""Appeals' reference data: what is seeded, the assignable-code rule, code helpers, classifier import."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook
from sqlalchemy import delete, func, select

from app.appeals.reference import seed
from app.appeals.reference.classifier import (
    HOUSING_SECTION,
    SHIPPED_EDITION,
    ClassifierEditionExists,
    ImportProblem,
    NotAssignableCode,
    active_edition,
    assignable_codes,
    check_classifier_code,
    import_classifier,
    is_assignable,
    names_for,
    section_expr,
    section_of,
    theme_expr,
    theme_of,
)
from app.appeals.reference.models import AppealResult, Channel, ClassifierEntry, ClosureReason, PosCategory
from app.core.calendar.models import DeadlineRule
from app.core.errors import ValidationFailed
from app.extensions import db


@pytest.fixture
def empty(app_ctx):
    """No appeals reference data, whether or not `flask app init` seeded the test database."""
    for model in (PosCategory, Channel, AppealResult, ClosureReason, ClassifierEntry):
        db.session.execute(delete(model))
    db.session.commit()


@pytest.fixture
def seeded(empty):
    counts = seed()
    db.session.commit()
    return counts


def _levels(edition: str) -> dict[int, int]:
    rows = db.session.execute(
        select(ClassifierEntry.level, func.count()).where(ClassifierEntry.edition == edition).group_by("level")
    )
    return dict(rows.all())


def _csv(*lines: str, separator: str = ",") -> bytes:
    return ("\n".join(line.replace(",", separator) for line in lines) + "\n").encode("utf-8")


# A small but complete edition: section 0001 with one тематика, a тема with a question that
# has an уточнение (level 5), and a тема without questions.
NEW_EDITION = [
    "code,level,parent_code,name",
    "0001.0000.0000.0000,1,,Государство",
    "0001.0001.0000.0000,2,0001.0000.0000.0000,Конституционный строй",
    "0001.0001.0015.0000,3,0001.0001.0000.0000,Местное самоуправление",
    "0001.0001.0015.0042,4,0001.0001.0015.0000,Деятельность органов местного самоуправления",
    "0001.0001.0015.0042.0001,5,0001.0001.0015.0042,муниципальные услуги",
    "0001.0001.0016.0000,3,0001.0001.0000.0000,Тема без вопросов",
]


# ---- seeding ----------------------------------------------------------------------------


def test_seed_loads_the_shipped_classifier_as_the_active_edition(seeded):
    assert seeded["classifier codes"] == 393
    assert _levels(SHIPPED_EDITION) == {1: 5, 2: 21, 3: 206, 4: 161}
    assert active_edition() == SHIPPED_EDITION
    names = dict(
        db.session.execute(
            select(ClassifierEntry.level, ClassifierEntry.level_name).group_by(
                ClassifierEntry.level, ClassifierEntry.level_name
            )
        ).all()
    )
    assert names == {1: "раздел", 2: "тематика", 3: "тема", 4: "вопрос"}
    housing = db.session.scalar(select(ClassifierEntry).where(ClassifierEntry.code == "0005.0005.0000.0000"))
    assert (housing.name, housing.parent_code) == ("Жилище", HOUSING_SECTION)


def test_seed_results_are_the_four_sstu_results_in_order(seeded):
    results = db.session.execute(select(AppealResult.code, AppealResult.name).order_by(AppealResult.sort_order))
    assert results.all() == [
        ("supported", "Поддержано"),
        ("supported_measures", "Поддержано, в том числе меры приняты"),
        ("explained", "Разъяснено"),
        ("not_supported", "Не поддержано"),
    ]


def test_seed_closure_reasons_are_the_eight_grounds_of_article_11(seeded):
    reasons = {r.code: r for r in db.session.scalars(select(ClosureReason))}
    assert set(reasons) == {
        "anonymous_no_answer",
        "court_decision_returned",
        "abusive",
        "unreadable",
        "no_essence",
        "correspondence_terminated",
        "answer_published",
        "secret",
    }
    assert reasons["anonymous_no_answer"].article == "ч. 1 ст. 11 № 59-ФЗ"
    assert reasons["no_essence"].article == "ч. 4.1 ст. 11 № 59-ФЗ"
    # The law gives 7 days to notify the applicant in these cases only.
    notified = {code for code, r in reasons.items() if r.notice_days == 7}
    assert notified == {"court_decision_returned", "unreadable", "no_essence", "answer_published"}
    assert {r.notice_days for code, r in reasons.items() if code not in notified} == {None}


def test_channels_take_their_terms_from_the_platform_rule_table(seeded):
    channels = {c.code: c for c in db.session.scalars(select(Channel).order_by(Channel.sort_order))}
    assert list(channels) == [
        "letter",
        "website",
        "kuzbass_online",
        "pos",
        "social",
        "hotline",
        "reception",
        "email",
        "higher_body",
    ]
    assert {code: c.deadline_rule_code for code, c in channels.items() if c.deadline_rule_code != "appeal_answer"} == {
        "pos": "appeal_pos"
    }
    rules = set(db.session.scalars(select(DeadlineRule.code)))
    assert {c.deadline_rule_code for c in channels.values()} <= rules
    assert (channels["pos"].legal_regime, channels["social"].legal_regime) == ("pos_1802", "social")
    assert {code for code, c in channels.items() if c.form == "oral"} == {"hotline", "reception"}
    assert {code for code, c in channels.items() if c.form == "written"} == {"letter", "higher_body"}
    assert all(c.is_active for c in channels.values())


def test_pos_categories_default_to_codes_a_question_may_carry(seeded):
    categories = {c.code: c for c in db.session.scalars(select(PosCategory))}
    assert len(categories) == 10
    assert categories["waste"].classifier_code == "0005.0005.0056.1160"  # Обращение с ТКО
    assert categories["roads"].name == "Дороги"
    assert all(is_assignable(c.classifier_code) for c in categories.values())
    assert all(c.deadline_working_days is None and c.parent_id is None for c in categories.values())


def test_seed_again_adds_only_what_is_missing_and_keeps_admin_edits(seeded):
    assert seeded == {"channels": 9, "pos categories": 10, "results": 4, "closure reasons": 8, "classifier codes": 393}
    letter = db.session.scalar(select(Channel).where(Channel.code == "letter"))
    letter.name = "Письмо (почтой)"
    letter.deadline_rule_code = "appeal_pos"
    db.session.delete(db.session.scalar(select(AppealResult).where(AppealResult.code == "explained")))
    db.session.commit()

    again = seed()
    db.session.commit()

    assert again == {"channels": 0, "pos categories": 0, "results": 1, "closure reasons": 0, "classifier codes": 0}
    letter = db.session.scalar(select(Channel).where(Channel.code == "letter"))
    assert (letter.name, letter.deadline_rule_code) == ("Письмо (почтой)", "appeal_pos")
    assert db.session.scalar(select(func.count()).select_from(ClassifierEntry)) == 393


def test_seed_does_not_reload_the_classifier_once_an_edition_exists(empty):
    import_classifier(_csv(*NEW_EDITION), "new.csv", "2027-01")
    db.session.commit()
    assert seed()["classifier codes"] == 0
    assert active_edition() == "2027-01"
    assert _levels(SHIPPED_EDITION) == {}


# ---- the assignable rule and code helpers -------------------------------------------------


@pytest.mark.parametrize(
    ("code", "assignable"),
    [
        ("0005.0005.0056.1160", True),  # вопрос «Обращение с ТКО»
        ("0005.0005.0056.0000", False),  # тема «Коммунальное хозяйство»: has questions in the edition
        ("0002.0013.0139.0000", True),  # тема «Образование»: no questions shipped
        ("0005.0005.0000.0000", False),  # тематика «Жилище»
        ("0005.0000.0000.0000", False),  # раздел
        ("0009.0009.0009.0009", False),  # not in the edition
        ("", False),
    ],
)
def test_assignable_codes_are_the_most_specific_of_the_edition(seeded, code, assignable):
    assert is_assignable(code) is assignable
    assert (code in assignable_codes()) is assignable


def test_shipped_edition_has_161_questions_and_179_themes_without_questions_assignable(seeded):
    codes = assignable_codes()
    assert len(codes) == 161 + 179
    assert sum(1 for c in codes if c.endswith(".0000")) == 179


def test_check_classifier_code_refuses_a_theme_with_questions(seeded):
    check_classifier_code("0005.0005.0056.1160")
    check_classifier_code(None)
    with pytest.raises(NotAssignableCode) as refused:
        check_classifier_code("0005.0005.0056.0000", field="code")
    assert refused.value.field == "code"
    assert "0005.0005.0056.0000" in str(refused.value) and "«2026-shipped»" in str(refused.value)


def test_section_and_theme_of_a_code():
    assert section_of("0005.0005.0056.1160") == HOUSING_SECTION
    assert section_of("0001.0002.0027.0130") == "0001.0000.0000.0000"
    assert theme_of("0005.0005.0056.1160") == "0005.0005.0056.0000"
    assert theme_of("0001.0001.0015.0042.0001") == "0001.0001.0015.0000"
    assert theme_of("0002.0013.0139.0000") == "0002.0013.0139.0000"
    assert theme_of("0005.0005.0000.0000") is None
    with pytest.raises(ValueError):
        section_of("5.5")
    with pytest.raises(ValueError):
        theme_of("0001.0000.0015.0000")  # a zero group before a filled one names nothing


def test_sql_section_and_theme_group_questions_like_the_python_helpers(seeded):
    questions = select(ClassifierEntry.code).where(ClassifierEntry.level == 4).subquery()
    by_section = dict(
        db.session.execute(
            select(section_expr(questions.c.code), func.count()).group_by(section_expr(questions.c.code))
        ).all()
    )
    assert by_section == {
        "0001.0000.0000.0000": 49,
        "0002.0000.0000.0000": 2,
        "0003.0000.0000.0000": 33,
        "0004.0000.0000.0000": 3,
        HOUSING_SECTION: 74,
    }
    # The share of «Жилище» (section 0005) among the shipped questions.
    assert round(by_section[HOUSING_SECTION] / sum(by_section.values()), 3) == 0.46
    themes = db.session.execute(select(theme_expr(questions.c.code), questions.c.code)).all()
    assert all(theme == theme_of(code) for theme, code in themes)
    theme = theme_expr(questions.c.code)
    per_theme = dict(db.session.execute(select(theme, func.count()).group_by(theme)).all())
    assert len(per_theme) == 27
    assert per_theme["0005.0005.0056.0000"] == sum(1 for _, code in themes if code.startswith("0005.0005.0056."))


def test_names_come_from_the_active_edition_and_old_codes_keep_theirs(seeded):
    import_classifier(_csv(*NEW_EDITION), "new.csv", "2027-01")
    db.session.flush()
    names = names_for(["0001.0000.0000.0000", "0005.0000.0000.0000", "0001.0001.0015.0042.0001"])
    assert names == {
        "0001.0000.0000.0000": "Государство",  # renamed in the new edition
        "0005.0000.0000.0000": "Жилищно-коммунальная сфера",  # only in the old one
        "0001.0001.0015.0042.0001": "муниципальные услуги",
    }


# ---- import -------------------------------------------------------------------------------


def test_good_csv_becomes_the_active_edition_and_the_old_one_is_kept_inactive(seeded):
    report = import_classifier(_csv(*NEW_EDITION), "classifier.csv", "2027-01")
    db.session.commit()

    assert report.ok
    assert (report.counts, report.total, report.assignable) == ({1: 1, 2: 1, 3: 2, 4: 1, 5: 1}, 6, 2)
    assert active_edition() == "2027-01"
    assert _levels(SHIPPED_EDITION) == {1: 5, 2: 21, 3: 206, 4: 161}
    active = set(db.session.scalars(select(ClassifierEntry.edition).where(ClassifierEntry.is_active.is_(True))))
    assert active == {"2027-01"}
    # A question with an уточнение gives way to it; a тема without questions stays assignable.
    assert assignable_codes() == {"0001.0001.0015.0042.0001", "0001.0001.0016.0000"}
    assert not is_assignable("0005.0005.0056.1160")  # a code of the old edition only


def test_good_xlsx_with_title_rows_imports_and_reports_counts(seeded):
    book = Workbook()
    sheet = book.active
    sheet.append(["Типовой общероссийский тематический классификатор обращений"])
    sheet.append([])
    sheet.append(["Код", "Уровень", "Родитель", "Наименование"])
    for line in NEW_EDITION[1:]:
        code, level, parent, name = line.split(",")
        sheet.append([code, int(level), parent or None, name])
    buffer = io.BytesIO()
    book.save(buffer)

    report = import_classifier(buffer.getvalue(), "Классификатор.xlsx", "2027-02")
    db.session.commit()

    assert report.ok and report.total == 6
    assert active_edition() == "2027-02"
    entry = db.session.scalar(select(ClassifierEntry).where(ClassifierEntry.code == "0001.0001.0015.0042.0001"))
    assert (entry.level, entry.level_name, entry.parent_code, entry.is_assignable) == (
        5,
        "уточнение",
        "0001.0001.0015.0042",
        True,
    )


def test_russian_headers_semicolons_and_a_bom_are_accepted_and_parent_may_be_left_out(seeded):
    lines = ["Код;Уровень;Наименование"] + [
        ";".join([code, level, name]) for code, level, _parent, name in (line.split(",") for line in NEW_EDITION[1:])
    ]
    data = "\ufeff" + "\r\n".join(lines) + "\r\n"
    report = import_classifier(data.encode("utf-8"), "export.csv", "2027-03")
    assert report.ok and report.total == 6
    entry = db.session.scalar(select(ClassifierEntry).where(ClassifierEntry.code == "0001.0001.0015.0042"))
    assert entry.parent_code == "0001.0001.0015.0000"


def test_file_with_bad_rows_imports_nothing_and_reports_every_one(seeded):
    data = _csv(
        "code,level,parent_code,name",
        "0001.0000.0000.0000,1,,Раздел",
        "0001.0001.0000.0000,2,0001.0000.0000.0000,Тематика",
        "0001.0001.0001.0000,3,0001.0001.0000.0000,Тема",
        "0001.0001.0001.0001,4,0001.0001.0001.0000,Вопрос",
        "1.1.1.1,4,0001.0001.0001.0000,Плохой код",
        "0001.0001.0001.0002,3,0001.0001.0001.0000,Уровень не тот",
        "0001.0001.0002.0003,4,0001.0001.0002.0000,Родителя нет в файле",
        "0001.0001.0001.0001,4,0001.0001.0001.0000,Повтор",
        "0001.0001.0001.0004,4,0001.0001.0001.0000,",
        "0001.0001.0001.0005,4,0001.0001.0000.0000,Чужой родитель",
    )
    report = import_classifier(data, "bad.csv", "2027-01")

    assert not report.ok
    assert report.problems == [
        ImportProblem(
            6,
            "code",
            "1.1.1.1",
            "Код должен иметь вид 0000.0000.0000.0000 или 0000.0000.0000.0000.0000; нулевые группы — только в конце",
        ),
        ImportProblem(7, "level", "3", "Уровень не соответствует коду: по коду это уровень 4"),
        ImportProblem(8, "parent_code", "0001.0001.0002.0000", "Родитель 0001.0001.0002.0000 отсутствует в файле"),
        ImportProblem(9, "code", "0001.0001.0001.0001", "Код повторяется (впервые — в строке 5)"),
        ImportProblem(10, "name", "", "Не заполнено наименование"),
        ImportProblem(
            11, "parent_code", "0001.0001.0000.0000", "Родитель не соответствует коду: должен быть 0001.0001.0001.0000"
        ),
    ]
    db.session.commit()
    assert _levels("2027-01") == {}
    assert active_edition() == SHIPPED_EDITION


def test_bad_level_values_are_reported_with_the_header_as_written(seeded):
    data = _csv("Код,Уровень,Наименование", "0001.0000.0000.0000,первый,Раздел", "0001.0001.0000.0000,7,Тематика")
    report = import_classifier(data, "bad.csv", "2027-01")
    assert [(p.row, p.column, p.value) for p in report.problems] == [(2, "Уровень", "первый"), (3, "Уровень", "7")]
    assert {p.reason for p in report.problems} == {"Уровень — целое число от 1 до 5"}


@pytest.mark.parametrize(
    ("data", "filename", "reason"),
    [
        (b"", "empty.csv", "Файл пуст"),
        (b"\xd0\xcf\x11\xe0old excel", "old.xls", "Формат XLS не поддерживается: сохраните файл как XLSX или CSV"),
        (b"PK\x03\x04broken", "broken.xlsx", "Файл не читается как XLSX или CSV"),
        ("Код,Уровень,Наименование\n".encode(), "no-rows.csv", "В файле нет строк с данными"),
        (b"a,b\n1,2\n", "other.csv", "Не найдена строка заголовков"),
    ],
)
def test_unreadable_files_are_refused_as_a_whole(seeded, data, filename, reason):
    report = import_classifier(data, filename, "2027-01")
    assert not report.ok
    assert report.problems[0].row is None and report.problems[0].reason.startswith(reason)
    assert _levels("2027-01") == {}


def test_missing_required_column_is_named(seeded):
    report = import_classifier("Код,Наименование\n0001.0000.0000.0000,Раздел\n".encode(), "x.csv", "2027-01")
    assert [(p.row, p.column, p.reason) for p in report.problems] == [
        (1, "Уровень", "В файле нет обязательного столбца")
    ]


def test_importing_an_edition_name_twice_is_refused(seeded):
    with pytest.raises(ClassifierEditionExists) as refused:
        import_classifier(_csv(*NEW_EDITION), "again.csv", SHIPPED_EDITION)
    assert str(refused.value) == "Редакция «2026-shipped» уже загружена: укажите другое название редакции"
    assert refused.value.field == "edition"
    with pytest.raises(ValidationFailed, match="Укажите название редакции"):
        import_classifier(_csv(*NEW_EDITION), "again.csv", "   ")
    assert active_edition() == SHIPPED_EDITION


def test_csv_saved_by_russian_excel_in_windows_1251_is_read(seeded):
    data = "Код;Уровень;Наименование\r\n0001.0000.0000.0000;1;Государство, общество, политика\r\n".encode("cp1251")
    report = import_classifier(data, "excel.csv", "2027-01")
    assert report.ok
    assert names_for(["0001.0000.0000.0000"]) == {"0001.0000.0000.0000": "Государство, общество, политика"}


def test_codes_and_levels_take_ascii_digits_only(seeded):
    data = _csv("code,level,name", "٠٠٠١.0000.0000.0000,1,Раздел", "0002.0000.0000.0000,²,Раздел")
    report = import_classifier(data, "x.csv", "2027-01")
    assert [(p.row, p.column) for p in report.problems] == [(2, "code"), (3, "level")]
