"""Fixtures for document generation: a files folder per test, docx builders, an app with the views."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from docx import Document
from flask import Flask
from sqlalchemy import select

import app.org.documents  # noqa: F401  (registers «Справка о должностном лице»)
from app.core import documents
from app.core.documents.views import DocumentButtonsMixin
from app.extensions import db
from app.org.models import Official
from app.org.views import OfficialView
from tests.conftest import make_test_app


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


# OfficialView with the document buttons on its show page, under its own URL. Once app/org/views.py
# mixes DocumentButtonsMixin in itself, this is a plain copy of it.
OfficialWithDocumentsView = type(
    "OfficialWithDocumentsView",
    (OfficialView,) if issubclass(OfficialView, DocumentButtonsMixin) else (DocumentButtonsMixin, OfficialView),
    {"route_base": "/officialdocs"},
)


@pytest.fixture(scope="module")
def docs_app(database_url: str, app: Flask) -> Iterator[Flask]:
    """The test database with the documents views registered (the lead's create_app will do this)."""
    application = make_test_app(database_url)
    with application.app_context():
        # Until create_app calls documents.register() itself (then this is skipped).
        if "GeneratedDocumentView" not in application.blueprints:
            documents.register(application.appbuilder)
        application.appbuilder.add_view_no_menu(OfficialWithDocumentsView)
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def docs(docs_app: Flask, files_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    """docs_app on this test's pristine database and files folder."""
    monkeypatch.setitem(docs_app.config, "UPRAVA_FILES_DIR", str(files_dir))
    with docs_app.app_context():
        db.engine.dispose()  # no connection to the database file the snapshot just replaced
    yield docs_app
    with docs_app.app_context():
        db.session.remove()
        db.engine.dispose()
