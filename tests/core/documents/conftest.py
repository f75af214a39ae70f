"""Fixtures for document generation: a files folder per test, docx builders, an app with the views."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from docx import Document
from flask import Flask
from sqlalchemy import select

import app.org.documents  # noqa: F401  (registers «Справка о должностном лице»)
from app.extensions import db
from app.org.models import Official


@pytest.fixture(autouse=True)
def files_dir(app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Uploaded templates and generated documents go to a fresh folder per test."""
    path = tmp_path / "files"
    monkeypatch.setitem(app.config, "UPRAVA_FILES_DIR", str(path))
    return path


def make_docx(*paragraphs: str) -> bytes:
    """A Word document with these paragraphs (tags included as typed)."""
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def docx_text(data: bytes) -> str:
    """All text of a .docx: paragraphs, table cells, footers."""
    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    for section in document.sections:
        parts += [p.text for p in section.footer.paragraphs]
    return "\n".join(parts)


def official_of(username: str) -> Official:
    return db.session.scalar(select(Official).where(Official.user.has(username=username)))


@pytest.fixture
def docx_factory() -> Callable[..., bytes]:
    return make_docx


@pytest.fixture
def docs(app: Flask) -> Flask:
    """The app: create_app registers the documents views and the Official show-page buttons."""
    return app
