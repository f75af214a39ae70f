"""Uploads are judged by content: the classifier import (attachments and templates have their own tests)."""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import Workbook

from app.appeals.reference.classifier import read_table
from tests.core.test_attachment_files import EXE, docx_bytes


def _xlsx() -> bytes:
    book = Workbook()
    book.active.append(["Код", "Уровень", "Наименование"])
    book.active.append(["0001.0000.0000.0000", 1, "Раздел"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _bomb() -> bytes:
    """A real workbook plus 60 MB of zeros that pack into a few dozen kilobytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(_xlsx())) as src, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        dst.writestr("xl/media/padding.bin", b"\0" * (60 * 1024 * 1024))
    return buffer.getvalue()


def _reason(data: bytes, name: str) -> str:
    table = read_table(data, name)
    assert table.problems, "the file was accepted"
    return table.problems[0].reason


def test_a_real_workbook_is_read(app_ctx):
    table = read_table(_xlsx(), "Классификатор.xlsx")
    assert not table.problems


@pytest.mark.parametrize(
    ("data", "name", "reason"),
    [
        (EXE, "classifier.csv", "Файл не текстовый: ожидался CSV"),
        (EXE, "classifier.xlsx", "Файл назван .xlsx, но по содержимому это не книга XLSX"),
        (docx_bytes(), "classifier.xlsx", "Файл не читается как XLSX или CSV: это не книга XLSX"),
    ],
)
def test_a_file_that_is_not_what_its_name_says_is_refused(app_ctx, data, name, reason):
    assert _reason(data, name).startswith(reason)


def test_a_workbook_that_unpacks_to_a_huge_size_is_refused_before_it_is_opened(app_ctx):
    bomb = _bomb()
    assert len(bomb) < 1024 * 1024
    assert _reason(bomb, "classifier.xlsx") == "Книга XLSX распаковывается в слишком большой объём"
