"""Filling a .docx in the sandbox: values escaped, broken tags and escapes named in Russian."""

from __future__ import annotations

import io
import zipfile

import pytest

from app.core.documents.rendering import BrokenTemplate, NotADocx, check_docx, render_docx
from tests.core.documents.conftest import docx_text, make_docx

NAME = "Справка о должностном лице"


def _render(*paragraphs: str, **context: object) -> bytes:
    return render_docx(make_docx(*paragraphs), context, name=NAME, version=2)


def _refusal(*paragraphs: str, **context: object) -> str:
    with pytest.raises(BrokenTemplate) as info:
        _render(*paragraphs, **context)
    assert info.value.status == 422
    return str(info.value)


def test_values_are_filled_and_xml_special_characters_kept(app_ctx):
    data = _render("Орган: {{ body }}", "Сумма: {{ total|money }}", body="ООО «Рога & Копыта» <филиал>", total=1500)
    assert "Орган: ООО «Рога & Копыта» <филиал>" in docx_text(data)
    assert "Сумма: 1 500,00" in docx_text(data)


def test_unclosed_tag_names_the_template_version_and_tag(app_ctx):
    message = _refusal("Шапка", "ФИО: {{ full_name }", full_name="Иванова Ольга")
    assert message == (
        "Шаблон «Справка о должностном лице» (версия 2) содержит ошибку: unexpected '}' в теге {{ full_name }"
    )


def test_unclosed_block_is_reported_with_its_tag(app_ctx):
    message = _refusal("{% if full_name %}", "{{ full_name }}", "{% if position %}{% endif %}", full_name="x")
    assert message == (
        "Шаблон «Справка о должностном лице» (версия 2) содержит ошибку: не закрыт блок if (нет {% endif %})"
        " в теге {% if full_name %}"
    )


def test_unknown_field_is_named_not_printed_as_an_empty_line(app_ctx):
    message = _refusal("ФИО: {{ full_name }}, отдел: {{ departmnet }}", full_name="Иванова Ольга")
    assert "неизвестное поле ('departmnet' is undefined) в теге {{ departmnet }}" in message


def test_sandbox_refuses_python_internals_with_a_russian_error(app_ctx):
    message = _refusal("Взлом: {{ ''.__class__.__mro__[1].__subclasses__() }}")
    assert message.startswith("Шаблон «Справка о должностном лице» (версия 2) содержит ошибку: запрещённое обращение")
    assert "__class__" in message
    assert "в теге {{ ''.__class__.__mro__[1].__subclasses__() }}" in message


def test_sandbox_refuses_reaching_globals_through_a_filter(app_ctx):
    message = _refusal("{{ (1|date_long).__globals__ }}")
    assert "содержит ошибку" in message


def test_filter_misuse_is_a_template_error_not_a_crash(app_ctx):
    message = _refusal("Дата: {{ full_name|date_long }}", full_name="Иванова Ольга")
    assert "ошибка при заполнении" in message
    assert "в теге {{ full_name|date_long }}" in message


def test_a_word_document_passes_the_check():
    check_docx(make_docx("Текст"))


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.4 not a word document",
        b"",
        "Справка {{ full_name }}".encode(),
    ],
)
def test_non_zip_content_is_not_a_docx(app_ctx, data):
    with pytest.raises(NotADocx, match="не является документом Word"):
        check_docx(data)


def _rezip(data: bytes, change) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            result = change(item.filename, source.read(item.filename))
            if result is not None:
                target.writestr(item.filename, result)
    return out.getvalue()


def test_a_zip_without_a_word_body_is_not_a_docx(app_ctx):
    data = _rezip(make_docx("Текст"), lambda name, blob: None if name == "word/document.xml" else blob)
    with pytest.raises(NotADocx, match="нет основной части"):
        check_docx(data)


def test_a_macro_enabled_document_is_refused(app_ctx):
    def to_docm(name: str, blob: bytes) -> bytes:
        if name != "[Content_Types].xml":
            return blob
        return blob.replace(
            b"wordprocessingml.document.main+xml", b"application/vnd.ms-word.document.macroEnabled.main+xml"
        )

    with pytest.raises(NotADocx, match="с макросами"):
        check_docx(_rezip(make_docx("Текст"), to_docm))
