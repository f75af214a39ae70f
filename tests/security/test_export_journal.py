"""Issue 12a: an export — and its journal entry — happens only for a real download, a POST from the list.

A crafted link (a GET) in an e-mail or on another page must not export anything nor log an export
in the name of whoever opens it. A long list is written by a background job; the journal entry is
the job's, with the user's name and the list's filter.
"""

from __future__ import annotations

import csv
import io
import re

import pytest
from flask import Flask
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.core.jobs import Job
from app.core.models import ExportLog
from app.extensions import db
from app.org.models import Body
from tests.conftest import login_client, make_test_app


@pytest.fixture(scope="module")
def csrf_app(app: Flask, database_url: str) -> Flask:
    """CSRF on, as in production; lists of more than 10 rows are exported by a job."""
    return make_test_app(database_url, WTF_CSRF_ENABLED=True, EXPORT_JOB_ROWS=10)


def _journal(app: Flask) -> list[tuple[str, str, int]]:
    with app.app_context():
        rows = db.session.execute(
            select(ExportLog.view_name, ExportLog.file_format, ExportLog.row_count).order_by(ExportLog.id)
        )
        return [tuple(row) for row in rows]


def _signed_in(app: Flask, username: str):
    client = app.test_client()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get("/login/").text).group(1)
    client.post("/login/", data={"username": username, "password": "Uprava-Demo-2026", "csrf_token": token})
    return client


def _form_token(page: str) -> str:
    form = r'<form method="post" class="clearfix uprava-export"[^>]*>\s*'
    return re.search(form + r'<input type="hidden" name="csrf_token" value="([^"]+)"', page).group(1)


def test_a_get_export_link_neither_exports_nor_writes_the_journal(app):
    client = login_client(app, "appeals")
    for url in ("/districtview/export/xlsx", "/districtview/export/csv", "/bodyview/export/csv?_oc_BodyView=name"):
        response = client.get(url)
        assert response.status_code == 405, url
        assert not response.headers.get("Content-Disposition")
    assert _journal(app) == []


def test_an_export_post_without_the_csrf_token_is_refused_and_not_journalled(csrf_app):
    client = _signed_in(csrf_app, "appeals")
    response = client.post("/districtview/export/csv")
    assert response.status_code == 400 and not response.headers.get("Content-Disposition")
    assert _journal(csrf_app) == []


def test_the_list_buttons_post_the_export_with_the_token_and_one_journal_entry_is_written(csrf_app):
    client = _signed_in(csrf_app, "appeals")
    page = client.get("/districtview/list/").text
    response = client.post("/districtview/export/csv", data={"csrf_token": _form_token(page)}, buffered=True)
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 1 + 6  # the header and the six districts
    assert _journal(csrf_app) == [("DistrictView", "csv", 6)]


def test_a_long_list_is_exported_by_a_job_whose_page_offers_the_file_and_the_job_journals_it(csrf_app):
    client = _signed_in(csrf_app, "appeals")
    with csrf_app.app_context():
        bodies = db.session.scalar(select(func.count(Body.id)))
    assert bodies > 10
    page = client.get("/bodyview/list/?_oc_BodyView=name&_od_BodyView=asc").text
    response = client.post(
        "/bodyview/export/xlsx?_oc_BodyView=name&_od_BodyView=asc", data={"csrf_token": _form_token(page)}
    )
    assert response.status_code == 302 and "/jobs/" in response.headers["Location"]
    job_page = client.get(response.headers["Location"]).text
    assert "Список большой: файл готовится в фоне" in job_page  # the flash
    assert "Готово" in job_page and f"записей — {bodies}" in job_page
    with csrf_app.app_context():
        job = db.session.scalar(select(Job).order_by(Job.id.desc()))
        assert (job.kind, job.status, job.user.username) == ("export", "done", "appeals")
    download = client.get(f"/jobs/{job.id}/file", buffered=True)
    assert download.status_code == 200
    assert "filename*=UTF-8''" in download.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(download.data)).active
    names = [row[1] for row in sheet.iter_rows(min_row=3, values_only=True)]  # short name, then the name
    with csrf_app.app_context():
        assert names == list(db.session.scalars(select(Body.name).order_by(Body.name)))  # the list as sorted
    assert _journal(csrf_app) == [("BodyView", "xlsx", bodies)]
    # The file is its starter's: another user gets «not found».
    assert _signed_in(csrf_app, "zavodskoy").get(f"/jobs/{job.id}/file").status_code == 404
