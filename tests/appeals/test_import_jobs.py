"""The appeals import as a background job: one import of a file at a time, a crash keeps nothing."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from app.appeals.imports import APPEALS_IMPORT
from app.appeals.models import Appeal
from app.core import numbering
from app.core.dates import utcnow
from app.core.jobs import Job, JobStatus
from app.core.jobs.runner import INTERRUPTED
from app.extensions import db
from tests.conftest import login_client, make_test_app

SAMPLE = Path(__file__).resolve().parents[2] / "app" / "appeals" / "data" / "appeals_import_sample.csv"


@pytest.fixture(scope="session")
def job_app(app: Flask, database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Flask:
    return make_test_app(database_url, UPRAVA_FILES_DIR=str(tmp_path_factory.mktemp("files-jobs")))


def _mapping_data(page: str) -> dict[str, str]:
    import re

    data = {}
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        selected = re.search(r'<option selected value="([^"]*)"', body) or re.search(r'value="([^"]*)" selected', body)
        data[name] = selected.group(1) if selected else ""
    return data


def _upload(client, data: bytes, name: str = "Выгрузка.csv") -> str:
    response = client.post(
        "/appeals/import/", data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data"
    )
    assert response.status_code == 302
    return response.headers["Location"]


def _counts(app: Flask) -> tuple[int, int | None, int]:
    with app.app_context():
        return (
            db.session.scalar(select(func.count(Appeal.id))),
            numbering.last_number("appeals", 2020),
            db.session.scalar(select(func.count(Job.id))),
        )


def test_a_second_import_of_the_same_file_while_one_runs_is_refused(job_app):
    data = SAMPLE.read_bytes()
    client = login_client(job_app, "appeals")
    mapping_url = _upload(client, data)
    with job_app.app_context():
        # Another clerk's import of the very same file is running.
        other = job_app.appbuilder.sm.find_user(username="zavodskoy")
        db.session.add(
            Job(
                kind="import:appeals",
                title="Загрузка обращений",
                user_id=other.id,
                status=JobStatus.RUNNING.value,
                started_at=utcnow(),
                params={},
                active_key=f"import:appeals:{hashlib.sha256(data).hexdigest()}",
                worker="elsewhere:1",
            )
        )
        db.session.commit()
    before = _counts(job_app)
    page = client.post(mapping_url, data={**_mapping_data(client.get(mapping_url).text), "action": "import"})
    assert page.status_code == 200 and "Этот файл уже загружается: дождитесь окончания" in page.text
    assert _counts(job_app) == before  # no appeal, no counter move, no second job


def test_a_worker_killed_mid_import_leaves_no_appeals_and_the_job_failed_with_a_russian_reason(job_app, monkeypatch):
    saved = []
    real_save = APPEALS_IMPORT.save_row

    def save_then_die(row, ctx):
        if len(saved) == 3:
            raise SystemExit(9)  # the worker is killed: the batch of two before was already written
        saved.append(row.number)
        return real_save(row, ctx)

    monkeypatch.setattr(APPEALS_IMPORT, "save_row", save_then_die)
    monkeypatch.setattr(APPEALS_IMPORT, "batch_size", 2)
    client = login_client(job_app, "appeals")
    mapping_url = _upload(client, SAMPLE.read_bytes())
    appeals_before, counter_before, _jobs = _counts(job_app)
    with pytest.raises(SystemExit):
        client.post(mapping_url, data={**_mapping_data(client.get(mapping_url).text), "action": "import"})
    assert saved == [2, 3, 4]
    appeals_after, counter_after, _jobs = _counts(job_app)
    assert (appeals_after, counter_after) == (appeals_before, counter_before)  # as before the job
    with job_app.app_context():
        job = db.session.scalar(select(Job).order_by(Job.id.desc()))
        assert (job.kind, job.status, job.error, job.active_key) == ("import:appeals", "failed", str(INTERRUPTED), None)
    monkeypatch.undo()
    # The file can be imported again at once.
    page = client.post(mapping_url, data={**_mapping_data(client.get(mapping_url).text), "action": "import"})
    assert page.status_code == 302
    assert "загружено обращений — 4, уже загружено: 0" in client.get(page.headers["Location"]).text


def test_a_running_import_shows_its_progress_and_can_be_left_and_found_again_on_the_upload_page(job_app):
    client = login_client(job_app, "appeals")
    with job_app.app_context():
        clerk = job_app.appbuilder.sm.find_user(username="appeals")
        job = Job(
            kind="import:appeals",
            title="Загрузка обращений из файла: «Большой реестр.xlsx»",
            user_id=clerk.id,
            status=JobStatus.RUNNING.value,
            started_at=utcnow(),
            stage="validate",
            done=1200,
            total=20000,
            params={},
            worker="elsewhere:1",
        )
        db.session.add(job)
        db.session.commit()
        job_id = job.id
    page = client.get(f"/appeals/import/result/{job_id}").text
    assert "Выполняется" in page and f'data-status-url="/jobs/{job_id}/status"' in page
    assert "Проверка строк: 1200 из 20000" in page
    assert "страницу можно закрыть и вернуться к ней позже" in page
    upload = client.get("/appeals/import/").text
    assert "Мои загрузки" in upload and f"/appeals/import/result/{job_id}" in upload and "Выполняется (6 %)" in upload
    # The generic job page sends an import's job to its own page; another clerk does not see it at all.
    assert client.get(f"/jobs/{job_id}").headers["Location"].endswith(f"/appeals/import/result/{job_id}")
    assert login_client(job_app, "zavodskoy").get(f"/appeals/import/result/{job_id}").status_code == 404
