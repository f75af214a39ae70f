"""Attachments: upload, download and delete through rights and the owning record's row scope.

Appeals prove it: they declare `__attachments__` and are scoped by their bodies, so the
Заводской district clerk sees their own district's appeals only — and only their files.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from flask import Flask, g, render_template_string
from flask_login import login_user
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from app.appeals.models import Appeal
from app.core.attachments.models import Attachment, AttachmentKind
from app.core.attachments.services import add_attachment, attachment_box, attachments_for, format_size, stored_path
from app.extensions import db
from app.org.models import Body
from app.org.services import body_by_code, set_profile
from app.security import ScopeLevel
from tests.conftest import login_client, make_test_app
from tests.core.test_attachment_files import EXE, PDF, docx_bytes, png_bytes
from tests.security.world import appeal_in

PASSWORD = "Registry-Reader-1"


@pytest.fixture(scope="module")
def attachments_app(database_url: str, app: Flask) -> Iterator[Flask]:
    """An app (create_app registers the attachment views) with a small request limit."""
    yield make_test_app(database_url, MAX_CONTENT_LENGTH=2 * 1024 * 1024)


@pytest.fixture
def files_app(attachments_app: Flask, tmp_path: Path) -> Iterator[Flask]:
    """That app on the freshly restored database, with its files under this test's tmp_path."""
    attachments_app.config["UPRAVA_FILES_DIR"] = str(tmp_path / "files")
    attachments_app.config["UPRAVA_ATTACHMENT_MAX_BYTES"] = 20 * 1024 * 1024
    attachments_app.appbuilder.sm.limiter.reset()
    with attachments_app.app_context():
        db.engine.dispose()  # no pooled connection to the database file the snapshot replaced
    yield attachments_app
    with attachments_app.app_context():
        db.session.remove()


@pytest.fixture
def appeals(files_app: Flask) -> dict[str, int]:
    """An appeal of the Заводской district (own to its clerk) and one of the Центральный (foreign)."""
    with files_app.app_context():
        own = appeal_in("district-zavodskoy", "Петров")
        foreign = appeal_in("district-central", "Сидоров")
        db.session.commit()
        return {"own": own.id, "foreign": foreign.id}


def _attach(files_app: Flask, appeal_id: int, data: bytes = PDF, name: str = "Скан.pdf") -> int:
    """An attachment stored by the admin through the service (as an import would)."""
    with files_app.app_context():
        admin = files_app.appbuilder.sm.find_user(username="admin")
        appeal = db.session.get(Appeal, appeal_id)
        attachment = add_attachment(appeal, io.BytesIO(data), name, user=admin, kind=AttachmentKind.SCAN)
        db.session.commit()
        return attachment.id


def _upload(client, entity_id: int, data: bytes, name: str, **form):
    return client.post(
        f"/attachments/upload/appeals_appeal/{entity_id}",
        data={"file": (io.BytesIO(data), name), "kind": "scan", **form},
        content_type="multipart/form-data",
    )


def _rows(files_app: Flask) -> list[Attachment]:
    with files_app.app_context():
        rows = list(db.session.scalars(select(Attachment).order_by(Attachment.id)))
        db.session.expunge_all()
        return rows


def _download(client, attachment_id: int):
    """GET a download and close it (send_file streams from an open file)."""
    response = client.get(f"/attachments/download/{attachment_id}")
    response.get_data()
    response.close()
    return response


def _stored_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


# ---- upload and download -----------------------------------------------------------------


def test_clerk_uploads_pdf_to_own_appeal_and_downloads_it_back_identical(files_app, appeals, tmp_path):
    client = login_client(files_app, "zavodskoy")
    response = _upload(client, appeals["own"], PDF, "Скан письма №5.pdf", note="  входящее  ")
    assert response.status_code == 302

    [row] = _rows(files_app)
    assert (row.entity_type, row.entity_id) == ("appeals_appeal", appeals["own"])
    assert row.original_name == "Скан письма №5.pdf"
    assert row.content_type == "application/pdf"
    assert row.size == len(PDF)
    assert row.kind == "scan"
    assert row.note == "входящее"
    with files_app.app_context():
        assert row.stored_name != row.original_name
        assert files_app.appbuilder.sm.find_user(username="zavodskoy").id == row.uploaded_by_id
        # The file lands under the configured directory, named by the random stored name only.
        assert _stored_files(tmp_path / "files") == [stored_path(row)]
        assert stored_path(row).parent.parent == tmp_path / "files" / "attachments"
        assert stored_path(row).read_bytes() == PDF

    download = _download(client, row.id)
    assert download.status_code == 200
    assert download.data == PDF
    assert download.mimetype == "application/pdf"
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("inline")  # PDFs open in the browser
    assert f"filename*=UTF-8''{quote('Скан письма №5.pdf')}" in disposition
    assert "private" in download.headers["Cache-Control"]


def test_png_photo_is_shown_inline_and_docx_is_offered_as_a_download(files_app, appeals):
    client = login_client(files_app, "zavodskoy")
    assert _upload(client, appeals["own"], png_bytes(), "фото.PNG", kind="photo").status_code == 302
    assert _upload(client, appeals["own"], docx_bytes(), "Ответ.docx", kind="answer").status_code == 302
    photo, answer = _rows(files_app)

    response = _download(client, photo.id)
    assert (response.data, response.mimetype, photo.kind) == (png_bytes(), "image/png", "photo")
    assert response.headers["Content-Disposition"].startswith("inline")

    response = _download(client, answer.id)
    assert response.data == docx_bytes()
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert response.headers["Content-Disposition"].startswith("attachment")


def test_renamed_exe_is_refused_with_a_russian_message(files_app, appeals, tmp_path):
    client = login_client(files_app, "zavodskoy")
    response = _upload(client, appeals["own"], EXE, "отчёт.pdf")
    assert response.status_code == 200  # the form comes back
    assert "Такой файл загрузить нельзя: по содержимому это не PDF, JPG, PNG, TIF, DOCX, XLSX, ODT." in response.text
    assert _rows(files_app) == []
    assert _stored_files(tmp_path / "files") == []


def test_extension_that_disagrees_with_the_content_is_refused(files_app, appeals):
    client = login_client(files_app, "zavodskoy")
    response = _upload(client, appeals["own"], png_bytes(), "скан.pdf")
    assert "Расширение имени файла не соответствует содержимому: это PNG, имя должно оканчиваться на .png." in (
        response.text
    )
    response = _upload(client, appeals["own"], PDF, "скан")
    assert "это PDF, имя должно оканчиваться на .pdf" in response.text
    assert _rows(files_app) == []


def test_file_over_the_attachment_limit_is_refused(files_app, appeals, tmp_path):
    files_app.config["UPRAVA_ATTACHMENT_MAX_BYTES"] = 1000
    client = login_client(files_app, "zavodskoy")
    big = PDF + b"%" * 1000
    response = _upload(client, appeals["own"], big, "большой.pdf")
    assert "Файл больше допустимого размера (1000 Б)." in response.text
    assert "не больше 1000 Б" in response.text  # the limit is stated beside the field beforehand
    assert _rows(files_app) == []
    assert _stored_files(tmp_path / "files") == []


def test_empty_file_and_missing_file_are_refused(files_app, appeals):
    client = login_client(files_app, "zavodskoy")
    assert "Файл пустой." in _upload(client, appeals["own"], b"", "пусто.pdf").text
    response = client.post(f"/attachments/upload/appeals_appeal/{appeals['own']}", data={"kind": "scan"})
    assert "Выберите файл." in response.text
    assert _rows(files_app) == []


def test_request_over_max_content_length_is_a_russian_413(files_app, appeals):
    client = login_client(files_app, "zavodskoy")
    # Encoded up front: the test client would spool a big body to a temporary file it never closes.
    boundary, body = encode_multipart(
        {"file": FileStorage(io.BytesIO(PDF + b"0" * (3 * 1024 * 1024)), "огромный.pdf"), "kind": "scan"}
    )
    response = client.post(
        f"/attachments/upload/appeals_appeal/{appeals['own']}",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert response.status_code == 413
    assert "Файл слишком большой" in response.text
    assert _rows(files_app) == []


def test_path_traversal_in_the_name_is_sanitised_and_stays_inside_the_files_directory(files_app, appeals, tmp_path):
    client = login_client(files_app, "zavodskoy")
    assert _upload(client, appeals["own"], PDF, "../../etc/passwd.pdf").status_code == 302
    [row] = _rows(files_app)
    assert row.original_name == "passwd.pdf"
    files = _stored_files(tmp_path)
    assert len(files) == 1
    assert files[0].is_relative_to(tmp_path / "files" / "attachments")
    assert files[0].name == row.stored_name
    response = _download(client, row.id)
    assert response.headers["Content-Disposition"] == "inline; filename=passwd.pdf"


def test_upload_form_lists_the_records_files_and_returns_to_a_local_next_only(files_app, appeals):
    client = login_client(files_app, "zavodskoy")
    url = f"/attachments/upload/appeals_appeal/{appeals['own']}"
    page = client.get(url + "?next=/appealview/show/1").text
    assert 'accept=".pdf,.jpg,.jpeg,.png,.tif,.tiff,.docx,.xlsx,.odt"' in page
    assert 'href="/appealview/show/1"' in page  # "back to the record"
    assert "Файлов нет." in page

    response = _upload(client, appeals["own"], PDF, "скан.pdf")
    assert response.headers["Location"].endswith(url)
    page = client.get(url).text
    assert "скан.pdf" in page and "Скан" in page
    [row] = _rows(files_app)
    assert f"/attachments/download/{row.id}" in page

    response = client.post(
        url + "?next=/appealview/show/1",
        data={"file": (io.BytesIO(PDF), "два.pdf"), "kind": "scan"},
        content_type="multipart/form-data",
    )
    assert response.headers["Location"] == "/appealview/show/1"
    response = client.post(
        url + "?next=https://evil.example/",
        data={"file": (io.BytesIO(PDF), "три.pdf"), "kind": "scan"},
        content_type="multipart/form-data",
    )
    assert urlsplit(response.headers["Location"]).netloc == "localhost"
    assert "evil" not in client.get(url + "?next=javascript:alert(1)").text.split("<form")[1].split("</form>")[0]


# ---- rights and row scope ------------------------------------------------------------------


def test_district_clerk_gets_404_for_another_districts_appeal_and_200_for_own(files_app, appeals, tmp_path):
    foreign = _attach(files_app, appeals["foreign"], name="Центральный.pdf")
    own = _attach(files_app, appeals["own"], name="Заводской.pdf")
    client = login_client(files_app, "zavodskoy")

    assert _download(client, foreign).status_code == 404
    assert client.get(f"/attachments/upload/appeals_appeal/{appeals['foreign']}").status_code == 404
    response = _upload(client, appeals["foreign"], PDF, "подброшено.pdf")
    assert response.status_code == 404
    assert {row.original_name for row in _rows(files_app)} == {"Центральный.pdf", "Заводской.pdf"}
    assert len(_stored_files(tmp_path / "files")) == 2

    response = _download(client, own)
    assert response.status_code == 200
    assert response.data == PDF
    assert client.get(f"/attachments/upload/appeals_appeal/{appeals['own']}").status_code == 200


def test_unknown_missing_and_security_records_are_404(files_app, appeals):
    client = login_client(files_app, "admin")
    assert client.get("/attachments/upload/no_such_table/1").status_code == 404
    assert client.get("/attachments/upload/appeals_appeal/999999").status_code == 404
    assert client.get("/attachments/upload/ab_user/1").status_code == 404
    assert client.get("/attachments/upload/core_attachment/1").status_code == 404
    assert client.get("/attachments/download/999999").status_code == 404


def test_tables_that_declare_no_attachments_take_no_file_even_from_admin(files_app, appeals):
    # The journals, the org chart, the calendar and reference data: the same 404 as a missing record.
    with files_app.app_context():
        kgkh = db.session.scalar(select(Body.id).where(Body.code == "kgkh"))
    admin = login_client(files_app, "admin")
    for url in (
        "/attachments/upload/core_change_log/1",
        "/attachments/upload/core_personal_data_access/1",
        "/attachments/upload/core_export_log/1",
        f"/attachments/upload/org_body/{kgkh}",
        "/attachments/upload/org_district/1",
        "/attachments/upload/core_working_day/1",
        "/attachments/upload/appeals_channel/1",
        "/attachments/upload/core_document_template/1",
    ):
        assert admin.get(url).status_code == 404, url
        response = admin.post(url, data={"file": (io.BytesIO(PDF), "x.pdf"), "kind": "scan"})
        assert response.status_code == 404, url
        assert "Запись не найдена" in response.text
    assert _rows(files_app) == []
    with files_app.app_context(), pytest.raises(ValueError, match="__attachments__"):
        add_attachment(db.session.get(Body, kgkh), io.BytesIO(PDF), "x.pdf", user=None)


def test_a_clerk_without_the_write_right_on_appeals_cannot_attach_to_one(files_app, appeals):
    # The control officer may attach files (Attachment) but not write appeals: 403 whatever the id.
    client = login_client(files_app, "control")
    for pk in (appeals["own"], appeals["foreign"], 999999):
        assert client.get(f"/attachments/upload/appeals_appeal/{pk}").status_code == 403
        assert _upload(client, pk, PDF, "x.pdf").status_code == 403
    assert _rows(files_app) == []
    # It reads appeals (to put them on control, app/control), so it opens their files — and writes none.
    attachment_id = _attach(files_app, appeals["own"])
    assert _download(client, attachment_id).data == PDF
    # A role without any right on appeals (the plans coordinator) opens none of their files.
    assert _download(login_client(files_app, "plans"), attachment_id).status_code == 403


def test_attachment_of_a_deleted_record_is_404(files_app, appeals):
    attachment_id = _attach(files_app, appeals["own"])
    with files_app.app_context():
        db.session.execute(Appeal.__table__.delete().where(Appeal.id == appeals["own"]))
        db.session.commit()
    assert login_client(files_app, "admin").get(f"/attachments/download/{attachment_id}").status_code == 404


def test_supervisor_without_the_personal_data_right_gets_403_for_files_of_a_personal_record(files_app, appeals):
    # Appeals declare personal data (the applicant): their files are personal data too.
    attachment_id = _attach(files_app, appeals["foreign"])
    client = login_client(files_app, "supervisor")
    response = _download(client, attachment_id)
    assert response.status_code == 403
    assert "персональные данные" in response.text
    assert client.get(f"/attachments/upload/appeals_appeal/{appeals['foreign']}").status_code == 403
    assert _upload(client, appeals["foreign"], PDF, "x.pdf").status_code == 403
    assert "uprava-attachments" not in client.get(f"/appealview/show/{appeals['foreign']}").text
    assert len(_rows(files_app)) == 1


def test_a_file_left_on_a_table_that_no_longer_takes_files_is_hidden_but_admin_may_delete_it(files_app):
    # Written before the table stopped declaring attachments: nobody opens it, Admin cleans it up.
    with files_app.app_context():
        body_id = db.session.scalar(select(Body.id).where(Body.code == "kgkh"))
        admin = files_app.appbuilder.sm.find_user(username="admin")
        row = Attachment(
            entity_type="org_body",
            entity_id=body_id,
            original_name="Положение.pdf",
            stored_name="ab" * 16,
            content_type="application/pdf",
            size=len(PDF),
            uploaded_by_id=admin.id,
        )
        db.session.add(row)
        db.session.commit()
        attachment_id = row.id
    assert _download(login_client(files_app, "supervisor"), attachment_id).status_code == 404
    admin = login_client(files_app, "admin")
    assert _download(admin, attachment_id).status_code == 404
    assert "Положение.pdf" in admin.get("/attachmentregistryview/list/").text
    assert admin.post(f"/attachments/delete/{attachment_id}").status_code == 302
    assert _rows(files_app) == []


def test_only_admin_deletes_and_the_file_goes_with_the_row(files_app, appeals, tmp_path):
    attachment_id = _attach(files_app, appeals["own"], name="Скан.pdf")
    clerk = login_client(files_app, "zavodskoy")
    assert clerk.get(f"/attachments/delete/{attachment_id}").status_code == 403
    assert clerk.post(f"/attachments/delete/{attachment_id}").status_code == 403
    assert len(_stored_files(tmp_path / "files")) == 1

    admin = login_client(files_app, "admin")
    page = admin.get(f"/attachments/delete/{attachment_id}").text
    assert "Удалить вложение?" in page and "Скан.pdf" in page
    assert len(_rows(files_app)) == 1  # GET only asks
    response = admin.post(f"/attachments/delete/{attachment_id}?next=/appealview/show/{appeals['own']}")
    assert response.headers["Location"] == f"/appealview/show/{appeals['own']}"
    assert _rows(files_app) == []
    assert _stored_files(tmp_path / "files") == []


def test_upload_without_csrf_token_is_refused(database_url, app, appeals, tmp_path):
    guarded = make_test_app(database_url, UPRAVA_FILES_DIR=str(tmp_path / "csrf"), WTF_CSRF_ENABLED=True)
    try:
        client = guarded.test_client()
        login_page = client.get("/login/").text
        token = login_page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
        client.post("/login/", data={"username": "zavodskoy", "password": "Uprava-Demo-2026", "csrf_token": token})
        form = client.get(f"/attachments/upload/appeals_appeal/{appeals['own']}").text
        assert 'name="csrf_token"' in form
        response = _upload(client, appeals["own"], PDF, "скан.pdf")
        assert response.status_code == 400
        assert "Форма устарела" in response.text
        assert _stored_files(tmp_path / "csrf") == []
        with guarded.app_context():
            assert db.session.scalar(select(func.count()).select_from(Attachment)) == 0
    finally:
        with guarded.app_context():
            db.session.remove()
            db.engine.dispose()


# ---- lists -----------------------------------------------------------------------------------


@pytest.fixture
def registry_reader(files_app):
    """A Заводской-district user whose custom (database) role may read the register and appeals."""
    with files_app.app_context():
        sm = files_app.appbuilder.sm
        role = sm.add_role("AttachmentRegistryReader")
        sm.add_permission_role(role, sm.add_permission_view_menu("can_read", "AttachmentRegistry"))
        sm.add_permission_role(role, sm.add_permission_view_menu("can_read", "Appeal"))
        sm.add_permission_role(role, sm.find_permission_view_menu("can_access", "PersonalData"))
        user = sm.add_user("zav_reader", "Анна", "Читалова", "zr@example.org", role, PASSWORD)
        set_profile(user, body_by_code("district-zavodskoy"), "Архивариус", ScopeLevel.DISTRICT)
        db.session.commit()
    return login_client(files_app, "zav_reader", PASSWORD)


def test_register_lists_only_attachments_of_visible_records(files_app, appeals, registry_reader):
    own = _attach(files_app, appeals["own"], name="Заводской.pdf")
    foreign = _attach(files_app, appeals["foreign"], name="Центральный.pdf")

    page = registry_reader.get("/attachmentregistryview/list/").text
    assert "Заводской.pdf" in page
    assert "Центральный.pdf" not in page
    assert registry_reader.get(f"/attachmentregistryview/show/{own}").status_code == 200
    assert registry_reader.get(f"/attachmentregistryview/show/{foreign}").status_code == 404

    page = login_client(files_app, "admin").get("/attachmentregistryview/list/").text
    assert "Заводской.pdf" in page and "Центральный.pdf" in page
    assert f"/attachments/download/{foreign}" in page
    # Appeals hold personal data: without that right even the city-wide supervisor sees none of their files.
    page = login_client(files_app, "supervisor").get("/attachmentregistryview/list/").text
    assert "Заводской.pdf" not in page and "Центральный.pdf" not in page


def test_register_hides_files_of_records_whose_view_the_reader_may_not_read(files_app, appeals, registry_reader):
    _attach(files_app, appeals["own"], name="Заводской.pdf")
    with files_app.app_context():
        sm = files_app.appbuilder.sm
        sm.del_permission_role(
            sm.find_role("AttachmentRegistryReader"), sm.find_permission_view_menu("can_read", "Appeal")
        )
        db.session.commit()
    assert "Заводской.pdf" not in registry_reader.get("/attachmentregistryview/list/").text


def test_register_is_read_only_and_only_for_admin_and_supervisor(files_app, appeals):
    attachment_id = _attach(files_app, appeals["own"])
    admin = login_client(files_app, "admin")
    assert admin.get("/attachmentregistryview/add").status_code == 404
    assert admin.get(f"/attachmentregistryview/edit/{attachment_id}").status_code == 404
    assert admin.post(f"/attachmentregistryview/delete/{attachment_id}").status_code == 404
    assert login_client(files_app, "zavodskoy").get("/attachmentregistryview/list/").status_code == 403

    def menu(username: str) -> dict[str, list[str]]:
        data = login_client(files_app, username).get("/api/v1/menu/").json["result"]
        return {item["name"]: [child["name"] for child in item.get("childs", [])] for item in data}

    assert "Attachments" in menu("admin")["Administration"]
    assert "Attachments" in menu("supervisor")["Administration"]
    assert "Attachments" not in menu("zavodskoy").get("Administration", [])


def test_attachments_for_and_the_show_page_box_follow_the_row_scope(files_app, appeals):
    _attach(files_app, appeals["own"], name="первый.pdf")
    _attach(files_app, appeals["own"], png_bytes(), name="второй.png")
    _attach(files_app, appeals["foreign"], name="чужой.pdf")
    with files_app.test_request_context():
        g.user = files_app.appbuilder.sm.find_user(username="zavodskoy")
        login_user(g.user)
        own = db.session.get(Appeal, appeals["own"])
        foreign = db.session.get(Appeal, appeals["foreign"])
        assert [a.original_name for a in attachments_for(own)] == ["первый.pdf", "второй.png"]
        assert attachments_for(foreign) == []

        box = attachment_box("appeals_appeal", appeals["own"])
        assert box is not None
        assert (len(box.items), box.can_upload, box.can_delete) == (2, True, False)
        assert attachment_box("appeals_appeal", appeals["foreign"]) is None

        html = render_template_string(
            '{% from "attachments/_list.html" import attachment_list %}'
            "{{ attachment_list('appeals_appeal', own_id, next='/appealview/show/1') }}"
            "{{ attachment_list('appeals_appeal', foreign_id) }}",
            own_id=appeals["own"],
            foreign_id=appeals["foreign"],
        )
    assert "первый.pdf" in html and "второй.png" in html and "1,2 КБ" not in html
    assert "чужой.pdf" not in html
    assert "Прикрепить файл" in html
    assert "next=/appealview/show/1" in html or "next=%2Fappealview%2Fshow%2F1" in html


@pytest.mark.parametrize(
    ("size", "shown"),
    [(512, "512 Б"), (34 * 1024, "34 КБ"), (1536 * 1024, "1,5 МБ"), (20 * 1024 * 1024, "20 МБ")],
)
def test_sizes_are_shown_the_russian_way(app_ctx, size, shown):
    assert format_size(size) == shown
