"""The change journal reads as a journal: record types in Russian, descriptions, «Система», changes by label."""

from __future__ import annotations

import re

from flask_appbuilder import Model
from sqlalchemy import func, insert, select

from app.core.audit import NOT_AUDITED, ChangeLog, record_type_choices
from app.core.dates import utcnow
from app.core.numbering.models import NumberingCounter, NumberingJournal
from app.extensions import db
from app.org.services import body_by_code

CYRILLIC = re.compile(r"[А-Яа-яЁё]")


def visible_text(page: str) -> str:
    """What a reader sees: the page without its tags (attribute values such as option keys are not shown)."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())


def test_every_journalled_model_names_its_record_type_in_russian(app):
    unnamed = [
        mapper.local_table.name
        for mapper in Model.registry.mappers
        if mapper.local_table is not None
        and mapper.local_table.name not in NOT_AUDITED
        and not mapper.local_table.name.startswith("ab_")
        and mapper.class_.__module__.startswith("app.")  # not the suite's own fake models
        and not CYRILLIC.search(str(getattr(mapper.class_, "__label__", "")))
    ]
    assert unnamed == []


def test_the_list_names_record_types_and_the_system_user_in_russian(app, login):
    with app.app_context():
        body_by_code("kumi").phone = "+7 3843 00-00-01"
        db.session.commit()
    text = visible_text(login("supervisor").get("/changelogview/list/?psize_ChangeLogView=100").text)
    assert "Орган администрации" in text
    assert "Система" in text  # the demo data was loaded by the CLI
    assert not re.search(r"\b(org|appeals|core|ab)_[a-z_]+\b", text)
    assert not re.search(r"\bsystem\b", text)


def test_a_record_without_a_description_shows_its_type_and_number(app, login):
    with app.app_context():
        db.session.execute(
            insert(ChangeLog).values(
                at=utcnow(),
                username="system",
                action="update",
                table_name="core_numbering_counter",
                record_id="2",
                record_repr="<app.appeals.models.RegistrationCounter object at 0x7fa40905e250>",
                changes={"last_number": [567, 568]},
            )
        )
        db.session.commit()
        entry_id = db.session.scalar(select(func.max(ChangeLog.id)))
    admin = login("admin")
    text = visible_text(admin.get("/changelogview/list/").text)
    assert "Счётчик регистрационных номеров № 2" in text
    assert "object at 0x" not in text
    assert "Счётчик регистрационных номеров № 2" in visible_text(admin.get(f"/changelogview/show/{entry_id}").text)


def test_a_change_of_a_record_stores_its_readable_text_never_a_python_repr(app_ctx):
    journal = db.session.scalar(select(NumberingJournal).where(NumberingJournal.code == "appeals"))
    counter = NumberingCounter(journal=journal, year=2031, last_number=1)
    db.session.add(counter)
    db.session.flush()
    stored = db.session.scalar(select(ChangeLog).where(ChangeLog.table_name == "core_numbering_counter"))
    assert stored.record_repr == "Журнал регистрации обращений граждан 2031"
    assert "object at" not in stored.description()
    db.session.rollback()


def test_an_entry_shows_its_changes_as_fields_by_their_labels_before_and_after(app, login):
    with app.app_context():
        body_by_code("kumi").phone = "+7 3843 00-00-02"
        db.session.commit()
        entry_id = db.session.scalar(select(func.max(ChangeLog.id)).where(ChangeLog.table_name == "org_body"))
    text = visible_text(login("admin").get(f"/changelogview/show/{entry_id}").text)
    assert re.search(r"Что изменено Поле Было Стало Телефон .*\+7 3843 00-00-02", text)
    assert "{'" not in text and "phone" not in text


def test_the_journal_is_filtered_by_record_type_chosen_by_name(app, login):
    with app.app_context():
        body_by_code("kumi").phone = "+7 3843 00-00-03"
        db.session.commit()
        assert ("org_body", "Орган администрации") in record_type_choices()
        assert all(CYRILLIC.search(label) for _table, label in record_type_choices())
    client = login("supervisor")
    page = client.get("/changelogview/list/?_flt_0_table_name=org_body&psize_ChangeLogView=100").text
    types = set(re.findall(r"<td>\s*([^<]+?)\s*</td>\s*<td>\s*\d+\s*</td>", page))
    assert types == {"Орган администрации"}
