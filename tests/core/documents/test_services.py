"""Template versions and generated documents: what is kept, what is used, what is refused."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from flask import current_app
from sqlalchemy import delete, func, select

from app.core.dates import local_today
from app.core.documents import seed
from app.core.documents.models import DocumentTemplate, GeneratedDocument
from app.core.documents.registry import SHIPPED_ROOT, TEMPLATES, template_spec
from app.core.documents.rendering import BrokenTemplate, NotADocx
from app.core.documents.russian import date_long
from app.core.documents.services import (
    LastActiveVersion,
    active_template,
    check_deactivation,
    document_file,
    generate_document,
    upload_template_version,
)
from app.extensions import db
from app.org.documents import official_card_context
from tests.core.documents.conftest import docx_text, make_docx, official_of

CODE = "org_official_card"


def _admin():
    return current_app.appbuilder.sm.find_user(username="admin")


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_generated_official_card_opens_and_holds_the_officials_data(app_ctx, files_dir):
    official = official_of("zavodskoy")
    official.appointed_on = dt.date(2024, 5, 1)
    document = generate_document(CODE, official, _admin())
    db.session.commit()

    text = docx_text(document_file(document).read_bytes())
    assert "АДМИНИСТРАЦИЯ ГОРОДА НОВОКУЗНЕЦКА" in text
    assert "Иванова Ольга" in text
    assert "Администрация Заводского района" in text
    assert "Специалист администрации Заводского района" in text
    assert "01 мая 2024 г." in text
    assert f"Дата выдачи: {date_long(local_today())}" in text
    assert "Соколова И." in text  # who generated it, in the footer

    stored = db.session.get(GeneratedDocument, document.id)
    assert (stored.entity_type, stored.entity_id) == ("org_official", official.id)
    assert (stored.template.code, stored.template.version, stored.template.is_shipped) == (CODE, 1, True)
    assert stored.created_by.username == "admin"
    assert stored.file_name == f"Справка о должностном лице № {document.id} от {local_today():%d.%m.%Y}.docx"
    assert stored.size == document_file(document).stat().st_size
    assert document_file(document).is_relative_to(files_dir / "generated")


def test_missing_appointment_date_is_written_as_not_given(app_ctx):
    official = official_of("zavodskoy")
    official.appointed_on = None
    text = docx_text(document_file(generate_document(CODE, official, _admin())).read_bytes())
    assert "не указана" in text


def test_sample_data_has_exactly_the_fields_the_context_builder_fills(app_ctx):
    spec = template_spec(CODE)
    assert set(spec.sample) == set(official_card_context(official_of("zavodskoy")))


def test_uploading_a_new_version_keeps_the_old_one_and_the_next_document_uses_it(app_ctx, files_dir):
    first = generate_document(CODE, official_of("zavodskoy"), _admin())
    upload = make_docx("Справка (новая форма)", "{{ full_name }}, {{ position }}, {{ appointed_on|date }}")
    row = upload_template_version(CODE, upload, "справка-2.docx", _admin())
    db.session.commit()

    versions = db.session.execute(
        select(DocumentTemplate.version, DocumentTemplate.is_active, DocumentTemplate.is_shipped)
        .where(DocumentTemplate.code == CODE)
        .order_by(DocumentTemplate.version)
    ).all()
    assert versions == [(1, True, True), (2, True, False)]
    assert row.original_name == "справка-2.docx"
    assert (files_dir / row.file_path).read_bytes() == upload

    second = generate_document(CODE, official_of("zavodskoy"), _admin())
    assert second.template.version == 2
    assert "Справка (новая форма)" in docx_text(document_file(second).read_bytes())
    # The first document stays what it was, made from version 1.
    assert first.template.version == 1
    assert "СПРАВКА" in docx_text(document_file(first).read_bytes())


def test_switching_off_the_newest_version_brings_back_the_previous_one(app_ctx):
    row = upload_template_version(CODE, make_docx("Версия 2: {{ full_name }}"), "v2.docx", _admin())
    row.is_active = False
    check_deactivation(row)
    assert active_template(template_spec(CODE)).version == 1


def test_the_only_active_version_cannot_be_switched_off(app_ctx):
    seed()
    shipped = active_template(template_spec(CODE))
    shipped.is_active = False
    with pytest.raises(LastActiveVersion, match="единственная действующая версия"):
        check_deactivation(shipped)


def test_broken_upload_is_refused_in_russian_and_stores_nothing(app_ctx, files_dir):
    seed()
    db.session.commit()
    before = _count(DocumentTemplate)
    with pytest.raises(BrokenTemplate) as info:
        upload_template_version(CODE, make_docx("ФИО: {{ full_name }"), "broken.docx", _admin())
    assert str(info.value) == (
        "Шаблон «Справка о должностном лице» (версия 2) содержит ошибку: unexpected '}' в теге {{ full_name }"
    )
    assert info.value.field == "file"
    db.session.rollback()
    assert _count(DocumentTemplate) == before
    assert _files(files_dir) == []


def test_upload_that_is_not_a_word_document_is_refused(app_ctx, files_dir):
    before = _count(DocumentTemplate)
    with pytest.raises(NotADocx) as info:
        upload_template_version(CODE, b"%PDF-1.7 ...", "справка.docx", _admin())
    assert info.value.field == "file"
    db.session.rollback()
    assert _count(DocumentTemplate) == before
    assert _files(files_dir) == []


def test_upload_escaping_the_sandbox_is_refused(app_ctx, files_dir):
    with pytest.raises(BrokenTemplate, match="запрещённое обращение к служебным атрибутам"):
        upload_template_version(CODE, make_docx("{{ ''.__class__.__mro__ }}"), "evil.docx", _admin())
    db.session.rollback()
    assert _files(files_dir) == []


@pytest.fixture
def small_limits(app, monkeypatch):
    """Render limits small enough for a test: half a second, 200 KB."""
    monkeypatch.setitem(app.config, "UPRAVA_DOCUMENT_RENDER_SECONDS", 0.5)
    monkeypatch.setitem(app.config, "UPRAVA_DOCUMENT_MAX_BYTES", 200_000)


@pytest.mark.parametrize(
    ("source", "refusal"),
    [
        ("{{ 'x' * 1000000000 }}", "даёт слишком большой документ (больше 195 КБ)"),
        ("{% for i in range(10000) %}{% for j in range(10000) %}{% endfor %}{% endfor %}", "заполняется дольше 0,5 с"),
    ],
    ids=["gigabyte-string", "loop-10k-by-10k"],
)
def test_upload_of_a_runaway_template_is_refused_by_its_trial_render(app_ctx, files_dir, small_limits, source, refusal):
    before = _count(DocumentTemplate)
    with pytest.raises(BrokenTemplate) as info:
        upload_template_version(CODE, make_docx("Справка: {{ full_name }}", source), "бомба.docx", _admin())
    assert str(info.value).startswith(f"Шаблон «Справка о должностном лице» (версия 2) {refusal}")
    assert info.value.field == "file"
    db.session.rollback()
    assert _count(DocumentTemplate) == before
    assert _files(files_dir) == []


def test_a_runaway_active_version_fails_each_generation_within_the_limit(app_ctx, files_dir, small_limits):
    # A version put on disk before the limits existed: every generation stops at the limit, naming it.
    seed()
    db.session.add(
        DocumentTemplate(code=CODE, version=2, name="Справка о должностном лице", domain="org", file_path="t/slow.docx")
    )
    (files_dir / "t").mkdir(parents=True)
    loop = "{% for i in range(10000) %}{% for j in range(10000) %}{% endfor %}{% endfor %}"
    (files_dir / "t" / "slow.docx").write_bytes(make_docx(loop))
    db.session.commit()
    for _ in range(2):
        with pytest.raises(BrokenTemplate, match=r"^Шаблон «Справка о должностном лице» \(версия 2\) заполняется"):
            generate_document(CODE, official_of("zavodskoy"), _admin())
        db.session.rollback()
    assert _count(GeneratedDocument) == 0


def test_a_broken_active_version_fails_generation_with_422_and_keeps_nothing(app_ctx, files_dir):
    # A version that got in before the checks existed (or was put on disk by hand).
    seed()
    broken = DocumentTemplate(
        code=CODE, version=2, name="Справка о должностном лице", domain="org", file_path="templates/manual.docx"
    )
    db.session.add(broken)
    (files_dir / "templates").mkdir(parents=True)
    (files_dir / "templates" / "manual.docx").write_bytes(make_docx("{{ full_name }", "{{ body }}"))
    db.session.commit()

    with pytest.raises(BrokenTemplate) as info:
        generate_document(CODE, official_of("zavodskoy"), _admin())
    assert info.value.status == 422
    assert str(info.value).startswith("Шаблон «Справка о должностном лице» (версия 2) содержит ошибку: unexpected '}'")
    db.session.rollback()
    assert _count(GeneratedDocument) == 0
    assert not (files_dir / "generated").exists()


def test_seed_adds_the_shipped_version_once(app_ctx):
    assert seed() == 0  # `flask app init` (the test database's set-up) already added it
    db.session.execute(delete(DocumentTemplate))
    # One version 1 per registered template (the official card, the reports' generic layout, ...).
    assert seed() == len(TEMPLATES)
    assert seed() == 0
    row = db.session.scalar(select(DocumentTemplate).where(DocumentTemplate.code == CODE))
    assert (row.version, row.is_shipped, row.file_path) == (1, True, "documents/org/official_card.docx")
    assert (SHIPPED_ROOT / row.file_path).is_file()
