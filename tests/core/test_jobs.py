"""Background jobs (app/core/jobs): run eagerly in tests, as their user, in one transaction; dead workers noticed."""

from __future__ import annotations

import datetime as dt
import socket
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from flask import Flask, g
from huey import RedisHuey, SqliteHuey
from sqlalchemy import create_engine, func, select, text

from app.core.audit import ChangeLog
from app.core.dates import utcnow
from app.core.errors import ValidationFailed
from app.core.jobs import (
    Job,
    JobAlreadyRunning,
    JobContext,
    JobKind,
    JobRefused,
    JobStatus,
    job_state,
    register_job_kind,
    start_job,
    sweep_stale,
)
from app.core.jobs.queue import make_huey
from app.core.jobs.runner import INTERRUPTED, STALE_SECONDS
from app.core.sqlite import install_sqlite_functions
from app.extensions import db
from app.org.models import District
from tests.conftest import login_client

STARTED: list[dict[str, Any]] = []


def _add_district(ctx: JobContext) -> dict[str, Any]:
    """A job's work: a record written through the session, progress reported, a result returned."""
    STARTED.append({"user": g.user.username, "params": ctx.params})
    ctx.progress("write", 0, 1)
    db.session.add(District(code=ctx.params["code"], name=ctx.params["name"]))
    db.session.flush()
    if ctx.params.get("fail") == "domain":
        raise ValidationFailed("Район с таким названием не подходит")
    if ctx.params.get("fail") == "refuse":
        raise JobRefused("В файле есть ошибки (2)", result={"problems": 2})
    if ctx.params.get("fail") == "bug":
        raise RuntimeError("a bug")
    if ctx.params.get("fail") == "killed":
        raise SystemExit(9)  # the worker stops in the middle of the work
    ctx.progress("write", 1, 1)
    return {"summary": "Район добавлен", "code": ctx.params["code"]}


KIND = register_job_kind(JobKind("test:district", _add_district, stages={"write": "Запись района"}))


@contextmanager
def signed_in(app: Flask, username: str) -> Iterator[Any]:
    with app.test_request_context("/somewhere", environ_base={"REMOTE_ADDR": "10.1.2.3"}):
        g.user = app.appbuilder.sm.find_user(username=username)
        yield g.user


def districts(code: str) -> int:
    return db.session.scalar(select(func.count(District.id)).where(District.code == code))


def test_a_job_runs_at_once_in_tests_as_its_user_and_is_done_with_its_result(app):
    STARTED.clear()
    with signed_in(app, "appeals") as user:
        job = start_job(KIND, "Добавление района", {"code": "j1", "name": "Район Д1"})
        assert (job.status, job.user_id, job.result) == ("done", user.id, {"summary": "Район добавлен", "code": "j1"})
        assert STARTED == [{"user": "appeals", "params": {"code": "j1", "name": "Район Д1"}}]
        assert (job.stage, job.done, job.total, job.active_key) == ("write", 1, 1, None)
        assert districts("j1") == 1
        # The work's history carries the user who started the job, and his address.
        entry = db.session.scalar(
            select(ChangeLog).where(ChangeLog.table_name == "org_district").order_by(ChangeLog.id.desc())
        )
        assert (entry.username, entry.ip, entry.changes["code"]) == ("appeals", "10.1.2.3", "j1")
        state = job_state(job)
        assert (state["status_label"], state["finished"], state["percent"], state["stage_label"]) == (
            "Готово",
            True,
            100,
            "Запись района",
        )


@pytest.mark.parametrize(
    ("fail", "error", "result"),
    [
        ("domain", "Район с таким названием не подходит", None),
        ("refuse", "В файле есть ошибки (2)", {"problems": 2}),
        ("bug", "Работа не выполнена из-за внутренней ошибки; ничего не сохранено. Сообщите администратору.", None),
    ],
)
def test_a_failing_job_keeps_nothing_of_its_work_and_says_why_in_russian(app, fail, error, result):
    with signed_in(app, "appeals"):
        job = start_job(KIND, "Добавление района", {"code": f"f-{fail}", "name": f"Район {fail}", "fail": fail})
        assert (job.status, job.error, job.result) == ("failed", error, result)
        assert districts(f"f-{fail}") == 0
        assert job_state(job)["status_label"] == "Не выполнено"


def test_a_worker_stopped_mid_job_leaves_the_database_as_before_and_the_job_failed(app):
    with signed_in(app, "appeals"):
        with pytest.raises(SystemExit):
            start_job(KIND, "Добавление района", {"code": "killed", "name": "Район К", "fail": "killed"})
        job = db.session.scalar(select(Job).order_by(Job.id.desc()))
        assert (job.status, job.error) == ("failed", str(INTERRUPTED))
        assert districts("killed") == 0


def _running(app: Flask, *, worker: str, started: dt.datetime, key: str | None = None) -> int:
    """A job row as a worker that died mid-job leaves it: running, never closed."""
    with app.app_context():
        user = app.appbuilder.sm.find_user(username="appeals")
        job = Job(
            kind=KIND.name,
            title="Зависшая работа",
            user_id=user.id,
            status=JobStatus.RUNNING.value,
            started_at=started,
            params={},
            active_key=key,
            worker=worker,
        )
        db.session.add(job)
        db.session.commit()
        return job.id


def test_a_second_job_with_the_same_key_is_refused_while_the_first_runs(app):
    job_id = _running(app, worker="elsewhere:1", started=utcnow(), key="import:test:abc")
    with signed_in(app, "appeals"):
        with pytest.raises(JobAlreadyRunning) as refused:
            start_job(KIND, "Ещё раз", {"code": "again", "name": "Район А"}, lock_key="import:test:abc")
        assert str(refused.value) == "Такая работа уже выполняется: дождитесь её окончания"
        assert districts("again") == 0
        # Another file (another key) is not held up.
        assert (
            start_job(KIND, "Другое", {"code": "other", "name": "Район О"}, lock_key="import:test:def").status == "done"
        )
        # Once the first one has ended, the same key may start again.
        db.session.execute(
            text("UPDATE core_job SET status = 'done', active_key = NULL WHERE id = :id"), {"id": job_id}
        )
        db.session.commit()
        assert (
            start_job(KIND, "Ещё раз", {"code": "again", "name": "Район А"}, lock_key="import:test:abc").status
            == "done"
        )


def test_a_job_whose_heartbeat_is_stale_is_failed_with_a_russian_reason_when_looked_at(app):
    long_ago = utcnow() - dt.timedelta(seconds=STALE_SECONDS + 60)
    stale = _running(app, worker="elsewhere:1", started=long_ago, key="import:test:stale")
    fresh = _running(app, worker="elsewhere:2", started=utcnow())
    with signed_in(app, "appeals"):
        state = job_state(db.session.get(Job, stale))
        assert (state["status"], state["error"], state["finished"]) == ("failed", str(INTERRUPTED), True)
        assert db.session.get(Job, stale).active_key is None  # the file may be imported again
        assert job_state(db.session.get(Job, fresh))["status"] == "running"


def test_a_restarted_worker_fails_the_jobs_its_dead_process_left_running(app):
    dead_pid = subprocess.Popen(["true"])  # a process that has ended: its pid is free
    dead_pid.wait()
    mine = _running(app, worker=f"{socket.gethostname()}:{dead_pid.pid}", started=utcnow())
    other_host = _running(app, worker=f"other-host:{dead_pid.pid}", started=utcnow())
    with app.app_context():
        assert sweep_stale(at_worker_start=True) == 1
        assert db.session.get(Job, mine).status == "failed"
        assert db.session.get(Job, other_host).status == "running"  # its own worker may be alive


def test_a_user_sees_his_own_jobs_and_admin_sees_every_job(app):
    with signed_in(app, "appeals"):
        job = start_job(KIND, "Добавление района «Д2»", {"code": "j2", "name": "Район Д2"})
    clerk = login_client(app, "appeals")
    assert "Добавление района «Д2»" in clerk.get("/jobs/").text
    page = clerk.get(f"/jobs/{job.id}").text
    assert "Район добавлен" in page and "Готово" in page
    status = clerk.get(f"/jobs/{job.id}/status").json
    assert (status["status"], status["status_label"], status["finished"]) == ("done", "Готово", True)
    other = login_client(app, "zavodskoy")
    assert other.get(f"/jobs/{job.id}").status_code == 404
    assert other.get(f"/jobs/{job.id}/status").status_code == 404
    assert "Добавление района «Д2»" not in other.get("/jobs/").text
    assert "Добавление района «Д2»" in login_client(app, "admin").get("/jobs/").text


def test_the_queue_is_a_sqlite_file_by_default_redis_when_named_and_eager_in_tests(tmp_path):
    assert make_huey({"JOBS_IMMEDIATE": True}).immediate
    sqlite = make_huey({"JOBS_BROKER_URL": f"sqlite:///{tmp_path / 'jobs.sqlite'}"})
    assert isinstance(sqlite, SqliteHuey) and (tmp_path / "jobs.sqlite").exists()
    assert isinstance(make_huey({"JOBS_BROKER_URL": "redis://127.0.0.1:6379/1"}), RedisHuey)
    with pytest.raises(RuntimeError, match="UPRAVA_JOBS_BROKER"):
        make_huey({"JOBS_BROKER_URL": "amqp://broker"})


def test_sqlite_databases_run_in_wal_mode_with_a_busy_timeout(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'wal.sqlite'}")
    install_sqlite_functions(engine, busy_timeout_ms=45_000)
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 45_000
    engine.dispose()
