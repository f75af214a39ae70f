"""Templates and generated documents through the web: rights, row scope, uploads, downloads."""

from __future__ import annotations

import io
import re

import pytest
from flask import current_app
from sqlalchemy import func, select

from app.core.documents.models import DocumentTemplate, GeneratedDocument
from app.core.documents.services import generate_document
from app.extensions import db
from tests.conftest import login_client
from tests.core.documents.conftest import docx_text, make_docx, official_of

CODE = "org_official_card"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _generated_for(docs, username: str) -> int:
    """A document made by the admin for the official profile of `username`."""
    with docs.app_context():
        admin = current_app.appbuilder.sm.find_user(username="admin")
        document = generate_document(CODE, official_of(username), admin)
        db.session.commit()
        return document.id


def _official_id(docs, username: str) -> int:
    with docs.app_context():
        return official_of(username).id


def _count(docs, model) -> int:
    with docs.app_context():
        query = select(func.count()).select_from(model)
        # Other templates are registered too (the reports' generic layout): count the card's versions.
        if model is DocumentTemplate:
            query = query.where(DocumentTemplate.code == CODE)
        return db.session.scalar(query)


def test_show_page_button_generates_and_keeps_the_document(docs):
    client = login_client(docs, "zavodskoy")
    own = _official_id(docs, "zavodskoy")
    page = client.get(f"/officialview/show/{own}").text
    action = f"/documents/generate/{CODE}/{own}"
    assert f'formaction="{action}"' in page
    assert "Справка о должностном лице" in page

    response = client.post(action)
    assert response.status_code == 200
    assert response.mimetype == DOCX
    assert "attachment" in response.headers["Content-Disposition"]
    assert "Иванова Ольга" in docx_text(response.data)
    with docs.app_context():
        stored = db.session.scalars(select(GeneratedDocument)).one()
        assert (stored.entity_id, stored.created_by.username) == (own, "zavodskoy")


def test_read_only_supervisor_gets_no_buttons_and_cannot_generate(docs):
    client = login_client(docs, "supervisor")
    own = _official_id(docs, "zavodskoy")
    assert "formaction" not in client.get(f"/officialview/show/{own}").text
    assert client.post(f"/documents/generate/{CODE}/{own}").status_code == 403
    assert _count(docs, GeneratedDocument) == 0


def test_district_clerk_downloads_own_district_document_but_gets_404_for_another(docs):
    own = _generated_for(docs, "zavodskoy")
    foreign = _generated_for(docs, "central")
    client = login_client(docs, "zavodskoy")

    response = client.get(f"/documents/file/{own}")
    assert response.status_code == 200
    assert response.mimetype == DOCX
    assert "Администрация Заводского района" in docx_text(response.data)

    assert client.get(f"/documents/file/{foreign}").status_code == 404
    assert client.get(f"/documents/show/{foreign}").status_code == 404
    listed = client.get("/documents/list/").text
    assert f'href="/documents/file/{own}"' in listed
    assert "Ольга Иванова, Специалист администрации Заводского района" in listed
    assert f"/documents/file/{foreign}" not in listed
    assert "Дмитрий Смирнов" not in listed


def test_city_wide_user_sees_documents_of_every_district(docs):
    ids = [_generated_for(docs, "zavodskoy"), _generated_for(docs, "central")]
    listed = login_client(docs, "supervisor").get("/documents/list/").text
    assert all(f"/documents/file/{pk}" in listed for pk in ids)


def test_district_clerk_cannot_generate_for_an_official_of_another_district(docs):
    client = login_client(docs, "zavodskoy")
    foreign = _official_id(docs, "central")
    assert client.post(f"/documents/generate/{CODE}/{foreign}").status_code == 404
    assert client.post(f"/documents/generate/no_such_template/{foreign}").status_code == 404
    assert _count(docs, GeneratedDocument) == 0


def test_generation_needs_the_csrf_token_of_the_show_page(docs, monkeypatch):
    client = login_client(docs, "zavodskoy")
    monkeypatch.setitem(docs.config, "WTF_CSRF_ENABLED", True)
    own = _official_id(docs, "zavodskoy")
    refused = client.post(f"/documents/generate/{CODE}/{own}")
    assert refused.status_code == 400
    assert _count(docs, GeneratedDocument) == 0
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get(f"/officialview/show/{own}").text).group(1)
    assert client.post(f"/documents/generate/{CODE}/{own}", data={"csrf_token": token}).status_code == 200
    assert _count(docs, GeneratedDocument) == 1


def test_generation_requires_a_post(docs):
    client = login_client(docs, "zavodskoy")
    assert client.get(f"/documents/generate/{CODE}/{_official_id(docs, 'zavodskoy')}").status_code == 405


def test_generation_from_a_broken_template_is_a_422_page_in_russian(docs, files_dir):
    with docs.app_context():
        db.session.add(
            DocumentTemplate(code=CODE, version=2, name="Справка о должностном лице", domain="org", file_path="t.docx")
        )
        db.session.commit()
    files_dir.mkdir()
    (files_dir / "t.docx").write_bytes(make_docx("{{ full_name }"))
    client = login_client(docs, "zavodskoy")
    response = client.post(f"/documents/generate/{CODE}/{_official_id(docs, 'zavodskoy')}")
    assert response.status_code == 422
    assert "Шаблон «Справка о должностном лице» (версия 2) содержит ошибку: unexpected &#39;}&#39;" in response.text
    assert _count(docs, GeneratedDocument) == 0


def _upload(client, data: bytes, name: str = "справка.docx"):
    return client.post(
        "/documenttemplates/add",
        data={"code": CODE, "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def test_admin_uploads_a_new_version_and_both_are_listed(docs):
    client = login_client(docs, "admin")
    response = _upload(client, make_docx("Новая форма: {{ full_name }}"))
    assert response.status_code == 302
    assert "/documenttemplates/show/" in response.headers["Location"]
    listed = client.get("/documenttemplates/list/").text
    assert len(re.findall(r"org_official_card", listed)) == 2
    with docs.app_context():
        versions = db.session.scalars(
            select(DocumentTemplate.version).where(DocumentTemplate.code == CODE).order_by(DocumentTemplate.version)
        ).all()
    assert versions == [1, 2]
    # The next document is made from the new version.
    generated = client.post(f"/documents/generate/{CODE}/{_official_id(docs, 'central')}")
    assert "Новая форма: Смирнов Дмитрий" in docx_text(generated.data)


def test_non_docx_upload_is_refused_beside_the_field(docs):
    client = login_client(docs, "admin")
    response = _upload(client, "Справка {{ full_name }}".encode(), "справка.docx")
    assert response.status_code == 200
    assert "Файл не является документом Word (.docx)" in response.text
    # The page lists what a template may use, with sample values in Russian form.
    assert "{{ appointed_on }}" in response.text
    assert "01.05.2024" in response.text
    assert _count(docs, DocumentTemplate) == 1  # only the shipped version


def test_broken_upload_is_refused_beside_the_field_naming_the_tag(docs):
    client = login_client(docs, "admin")
    response = _upload(client, make_docx("{{ full_name }"))
    assert response.status_code == 200
    assert "(версия 2) содержит ошибку: unexpected &#39;}&#39; в теге {{ full_name }" in response.text
    assert _count(docs, DocumentTemplate) == 1  # only the shipped version


def test_runaway_upload_is_refused_beside_the_field_naming_the_template(docs, monkeypatch):
    monkeypatch.setitem(docs.config, "UPRAVA_DOCUMENT_MAX_BYTES", 200_000)
    client = login_client(docs, "admin")
    response = _upload(client, make_docx("{{ 'x' * 1000000000 }}"))
    assert response.status_code == 200
    assert "Шаблон «Справка о должностном лице» (версия 2) даёт слишком большой документ" in response.text
    assert _count(docs, DocumentTemplate) == 1  # only the shipped version


@pytest.mark.parametrize("username", ["supervisor", "zavodskoy"])
def test_staff_read_templates_but_cannot_upload_or_switch_versions(docs, username):
    client = login_client(docs, username)
    assert client.get("/documenttemplates/list/").status_code == 200
    assert client.get("/documenttemplates/add").status_code == 403
    assert _upload(client, make_docx("{{ full_name }}")).status_code == 403
    assert _count(docs, DocumentTemplate) == 1  # only the shipped version


def test_template_file_of_the_shipped_version_can_be_downloaded(docs):
    client = login_client(docs, "admin")
    client.post(f"/documents/generate/{CODE}/{_official_id(docs, 'zavodskoy')}")  # creates version 1
    with docs.app_context():
        pk = db.session.scalar(select(DocumentTemplate.id).where(DocumentTemplate.code == CODE))
    response = client.get(f"/documenttemplates/file/{pk}")
    assert response.status_code == 200
    assert "{{ full_name }}" in docx_text(response.data)


def test_switching_off_the_only_version_is_refused_beside_the_field(docs):
    client = login_client(docs, "admin")
    client.post(f"/documents/generate/{CODE}/{_official_id(docs, 'zavodskoy')}")
    with docs.app_context():
        pk = db.session.scalar(select(DocumentTemplate.id).where(DocumentTemplate.code == CODE))
    # An unchecked box is not sent; the form still posts something (the CSRF token in real life).
    response = client.post(f"/documenttemplates/edit/{pk}", data={"csrf_token": ""})
    assert response.status_code == 200
    assert "единственная действующая версия" in response.text
    with docs.app_context():
        assert db.session.get(DocumentTemplate, pk).is_active is True


def test_menu_shows_the_document_entries_in_russian(docs):
    data = login_client(docs, "zavodskoy").get("/api/v1/menu/").json["result"]
    platform = next(item for item in data if item["name"] == "Reference")
    assert platform["label"] == "Справочники"
    labels = {c["name"]: c["label"] for c in platform["childs"]}
    assert labels["DocumentTemplates"] == "Шаблоны документов"
    assert labels["GeneratedDocuments"] == "Сформированные документы"
