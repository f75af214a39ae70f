"""Background jobs: the kinds domains register, starting one, running one, noticing a dead worker.

The queue is huey's (app/core/jobs/queue.py); this module is what runs on it. The rules:

- the job row (`core_job`) is written in short transactions of its own: created by the request,
  claimed by the worker before the work begins, failed after the work was rolled back;
- the work runs in ONE transaction, as the user who started it (his row scope, his name in the
  history), and the job is closed as done in that same transaction: done exactly when committed;
- live progress and the worker's heartbeat go to the queue's own store (huey's key-value store:
  its SQLite file, Redis, or memory in tests), never to the application's database, so that a
  long import's write lock on SQLite never makes a poll wait;
- a worker killed mid-job leaves the database as before the job (its transaction never
  committed); the job is marked failed with a Russian reason by the next look at it (a poll, the
  worker's start, the minutely sweep) once its heartbeat is stale or its process is gone.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask import Flask, current_app, g, has_request_context, request
from flask_appbuilder.security.sqla.models import User
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ...extensions import db
from ..dates import utcnow
from ..errors import ConflictError, DomainError
from .models import ACTIVE_STATUSES, Job, JobStatus

if TYPE_CHECKING:
    from huey import Huey

log = logging.getLogger(__name__)

#: The worker refreshes a running job's heartbeat this often (seconds).
HEARTBEAT_SECONDS = 10
#: A running job whose heartbeat is older than this belongs to a worker that died.
STALE_SECONDS = 120
#: Live progress is written at most this often (seconds), and on every change of stage.
PROGRESS_INTERVAL = 0.5
#: Files of finished jobs (exports, reports) are removed after this many days.
KEEP_FILES_DAYS = 7

INTERRUPTED = _l(
    "Работа прервана: фоновый обработчик остановился, не закончив её. "
    "Ничего из этой работы не сохранено — запустите её снова."
)
INTERNAL_ERROR = _l("Работа не выполнена из-за внутренней ошибки; ничего не сохранено. Сообщите администратору.")
STATUS_LABELS = {
    JobStatus.QUEUED: _l("В очереди"),
    JobStatus.RUNNING: _l("Выполняется"),
    JobStatus.DONE: _l("Готово"),
    JobStatus.FAILED: _l("Не выполнено"),
}


class JobAlreadyRunning(ConflictError):
    message = _l("Такая работа уже выполняется: дождитесь её окончания")


class JobRefused(DomainError):
    """The work refuses to finish (e.g. a file with bad rows): rolled back, the job failed with this reason.

    `result` is kept on the job for its page (e.g. how many bad rows, where their report is).
    """

    def __init__(self, message: Any, result: Mapping[str, Any] | None = None, **params: Any) -> None:
        super().__init__(message, **params)
        self.result = dict(result or {})


@dataclass
class JobKind:
    """What a domain registers: the work, the names of its stages, and where its job is shown.

    `run(ctx)` does the work in the job's one transaction (flush, never commit) and returns the
    result kept on the job (JSON); it raises `JobRefused` or a `DomainError` to fail it.
    `page(job)` is the URL of the page that shows this kind's job (default: the job page);
    `template` is the partial the job page includes for a finished job of this kind.
    """

    name: str
    run: Callable[[JobContext], Mapping[str, Any] | None]
    stages: Mapping[str, Any] = field(default_factory=dict)
    page: Callable[[Job], str] | None = None
    template: str = "jobs/_result.html"


KINDS: dict[str, JobKind] = {}


def register_job_kind(kind: JobKind) -> JobKind:
    """Make a kind of job known to the web processes and the worker (idempotent per name)."""
    KINDS[kind.name] = kind
    return kind


def _huey() -> Huey:
    return current_app.extensions["uprava_jobs"].huey


def _live_key(job_id: int) -> str:
    return f"uprava-job-{job_id}"


@contextmanager
def state_session() -> Iterator[Session]:
    """A short transaction of its own for the job row: never the work's (or the request's) transaction."""
    session = Session(bind=db.engine, expire_on_commit=False)
    try:
        yield session
    finally:
        session.close()


def job_folder(job_id: int) -> Path:
    """Where a job keeps its files (an export, a report): <files>/jobs/<id>/."""
    from ..attachments.services import files_dir

    return files_dir() / "jobs" / str(int(job_id))


# ---- starting ------------------------------------------------------------------------------------


def start_job(
    kind: JobKind | str, title: Any, params: Mapping[str, Any] | None = None, *, lock_key: str | None = None
) -> Job:
    """Queue a job as the current user; refused (JobAlreadyRunning) while one with the same `lock_key` runs.

    The request's own session is committed first: the job must see what the request saved, and on
    SQLite an open write of the request would make the job wait for it. Tests run the job here and
    now (eager queue), so when this returns the job may already be finished.
    """
    name = kind.name if isinstance(kind, JobKind) else kind
    if name not in KINDS:
        raise KeyError(f"unknown job kind {name!r}")
    db.session.commit()
    user_id = None
    context: dict[str, Any] = {}
    if has_request_context():
        from ...security import request_user

        user = request_user()
        user_id = user.id if user is not None else None
        # The work runs in a request like this one: the list's arguments of an export, the address in the history.
        context = {
            "path": request.path,
            "method": request.method,
            "query_string": request.query_string.decode(),
            "ip": request.remote_addr,
        }
    if lock_key is not None:
        sweep_stale(lock_key=lock_key)
    with state_session() as session:
        job = Job(
            kind=name,
            title=str(title)[:255],
            user_id=user_id,
            params={**(params or {}), "_request": context},
            active_key=lock_key,
        )
        session.add(job)
        try:
            session.commit()
        except IntegrityError:
            session.rollback()
            raise JobAlreadyRunning() from None
        job_id = job.id
    current_app.extensions["uprava_jobs"].enqueue(job_id)
    db.session.expire_all()
    return db.session.get(Job, job_id)


# ---- running -------------------------------------------------------------------------------------


class JobContext:
    """What the work of a job gets: its parameters, its folder, and a progress reporter."""

    def __init__(self, job: Job, tracker: _Tracker) -> None:
        self.job_id = job.id
        self.params: dict[str, Any] = {k: v for k, v in (job.params or {}).items() if k != "_request"}
        self.user_id = job.user_id
        self._tracker = tracker

    def progress(self, stage: str, done: int, total: int | None) -> None:
        """Report how far the work is (stage: a key of the kind's `stages`)."""
        self._tracker.report(stage, done, total)

    def folder(self) -> Path:
        """The job's own folder (created on first use)."""
        path = job_folder(self.job_id)
        path.mkdir(parents=True, exist_ok=True)
        return path


class _Tracker:
    """Live progress and heartbeat of one running job in the queue's store; a thread beats while it runs."""

    def __init__(self, huey: Huey, job_id: int, beat_in_thread: bool) -> None:
        self.huey = huey
        self.key = _live_key(job_id)
        self.state: dict[str, Any] = {"stage": None, "done": 0, "total": None}
        self.lock = threading.Lock()
        self.last = 0.0
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._beat, daemon=True) if beat_in_thread else None

    def __enter__(self) -> _Tracker:
        self.put()
        if self.thread is not None:
            self.thread.start()
        return self

    def __exit__(self, *_exc: Any) -> None:
        self.stopped.set()
        if self.thread is not None:
            self.thread.join(timeout=HEARTBEAT_SECONDS)
        self.huey.delete(self.key)

    def report(self, stage: str, done: int, total: int | None) -> None:
        with self.lock:
            changed = stage != self.state["stage"] or done == total
            self.state = {"stage": stage, "done": done, "total": total}
        if changed or time.monotonic() - self.last >= PROGRESS_INTERVAL:
            self.put()

    def put(self) -> None:
        with self.lock:
            state = {**self.state, "beat": time.time()}
            self.last = time.monotonic()
        self.huey.put(self.key, state)

    def _beat(self) -> None:
        while not self.stopped.wait(HEARTBEAT_SECONDS):
            self.put()


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def execute(app: Flask, job_id: int) -> None:
    """Run one queued job (the queue's task): claim it, do the work as its user, close it."""
    # A fresh application context even inside a request (eager queue in tests): the work gets a
    # session and a `g` of its own, never the request's.
    with app.app_context():
        worker = worker_name()
        with state_session() as session:
            claimed = session.execute(
                update(Job)
                .where(Job.id == job_id, Job.status == JobStatus.QUEUED.value)
                .values(status=JobStatus.RUNNING.value, started_at=utcnow(), worker=worker)
            ).rowcount
            session.commit()
            job = session.get(Job, job_id) if claimed else None
        if job is None:
            return
        kind = KINDS.get(job.kind)
        if kind is None:
            _fail(job_id, INTERNAL_ERROR)
            log.error("job %s: unknown kind %r", job_id, job.kind)
            return
        huey = app.extensions["uprava_jobs"].huey
        with _Tracker(huey, job_id, beat_in_thread=not huey.immediate) as tracker:
            _run(app, job, kind, tracker, worker)


def _run(app: Flask, job: Job, kind: JobKind, tracker: _Tracker, worker: str) -> None:
    context = (job.params or {}).get("_request") or {}
    request_context = app.test_request_context(
        context.get("path") or "/",
        method=context.get("method") or "GET",
        query_string=context.get("query_string") or "",
        environ_base={"REMOTE_ADDR": context.get("ip") or ""},
    )
    failure: tuple[Any, dict[str, Any] | None] | None = None
    with request_context:
        user = db.session.get(User, job.user_id) if job.user_id is not None else None
        # The user who started the job: his row scope, his rights, his name in the change history.
        if user is not None:
            g.user = user
            g._login_user = user  # flask_login's current_user, which FAB's rights checks read
        try:
            result = dict(kind.run(JobContext(job, tracker)) or {})
            with tracker.lock:
                progress = dict(tracker.state)
            closed = db.session.execute(
                update(Job)
                .where(Job.id == job.id, Job.status == JobStatus.RUNNING.value, Job.worker == worker)
                .values(
                    status=JobStatus.DONE.value,
                    finished_at=utcnow(),
                    result=result,
                    active_key=None,
                    stage=progress["stage"],
                    done=progress["done"],
                    total=progress["total"],
                )
            ).rowcount
            if closed:
                db.session.commit()
            else:
                # Declared dead meanwhile (a stale heartbeat): its work must not land after all.
                db.session.rollback()
        except JobRefused as exc:
            db.session.rollback()
            failure = (str(exc), exc.result)
        except DomainError as exc:
            db.session.rollback()
            failure = (str(exc), None)
        except Exception:
            db.session.rollback()
            log.exception("job %s (%s) failed", job.id, job.kind)
            failure = (str(INTERNAL_ERROR), None)
        except BaseException:
            # Stopped (Ctrl+C, the worker shut down): nothing of the work is kept.
            db.session.rollback()
            _fail(job.id, str(INTERRUPTED))
            raise
        finally:
            db.session.remove()
    if failure is not None:
        _fail(job.id, *failure)


def _fail(job_id: int, reason: Any, result: Mapping[str, Any] | None = None) -> None:
    with state_session() as session:
        session.execute(
            update(Job)
            .where(Job.id == job_id, Job.status.in_(ACTIVE_STATUSES))
            .values(
                status=JobStatus.FAILED.value,
                finished_at=utcnow(),
                error=str(reason),
                result=dict(result) if result is not None else None,
                active_key=None,
            )
        )
        session.commit()


# ---- looking at a job ----------------------------------------------------------------------------


def live_progress(job: Job) -> dict[str, Any] | None:
    """The running job's progress and heartbeat from the queue's store (None: nothing reported)."""
    try:
        return _huey().get(_live_key(job.id), peek=True)
    except Exception:  # the store is unreachable: the page shows the last saved state
        log.warning("job %s: the queue's store did not answer", job.id, exc_info=True)
        return None


def _is_dead(job: Job, live: Mapping[str, Any] | None, now: float, local_host: str | None = None) -> bool:
    if job.status != JobStatus.RUNNING.value:
        return False
    if local_host is not None and job.worker and job.worker.rsplit(":", 1)[0] == local_host:
        try:
            os.kill(int(job.worker.rsplit(":", 1)[1]), 0)
        except (ProcessLookupError, ValueError):
            return True
        except PermissionError:
            pass
    started = (job.started_at or job.created_at).replace(tzinfo=dt.UTC).timestamp()
    beat = live.get("beat", started) if live else started
    return now - max(beat, started) > STALE_SECONDS


def sweep_stale(lock_key: str | None = None, at_worker_start: bool = False) -> int:
    """Fail the running jobs whose worker is gone (stale heartbeat; at a worker's start, a dead process)."""
    query = select(Job).where(Job.status == JobStatus.RUNNING.value)
    if lock_key is not None:
        query = query.where(Job.active_key == lock_key)
    with state_session() as session:
        running = list(session.scalars(query))
    now = time.time()
    local_host = socket.gethostname() if at_worker_start else None
    dead = [job for job in running if _is_dead(job, live_progress(job), now, local_host)]
    for job in dead:
        log.warning("job %s (%s) of worker %s is marked failed: the worker is gone", job.id, job.kind, job.worker)
        _fail(job.id, INTERRUPTED)
    return len(dead)


def job_state(job: Job) -> dict[str, Any]:
    """What the job page shows and polls: status, stage, counts; a dead worker's job is failed on the way."""
    live = live_progress(job) if job.status == JobStatus.RUNNING.value else None
    if _is_dead(job, live, time.time()):
        _fail(job.id, INTERRUPTED)
        db.session.expire(job)
    kind = KINDS.get(job.kind)
    stage, done, total = job.stage, job.done, job.total
    if live:
        stage, done, total = live.get("stage"), live.get("done", 0), live.get("total")
    stage_label = kind.stages.get(stage, "") if kind is not None and stage else ""
    return {
        "id": job.id,
        "status": job.status,
        "status_label": str(STATUS_LABELS[JobStatus(job.status)]),
        "stage": stage,
        "stage_label": str(stage_label),
        "done": done or 0,
        "total": total,
        "percent": round(100 * (done or 0) / total) if total else None,
        "finished": not job.is_active,
        "error": job.error,
    }


def purge_old_files(days: int = KEEP_FILES_DAYS) -> int:
    """Remove the folders of jobs finished more than `days` ago (their exports and reports)."""
    import shutil

    from ..attachments.services import files_dir

    root = files_dir() / "jobs"
    if not root.is_dir():
        return 0
    limit = time.time() - days * 24 * 60 * 60
    removed = 0
    for path in root.iterdir():
        if path.is_dir() and path.stat().st_mtime < limit:
            shutil.rmtree(path, ignore_errors=True)
            removed += 1
    return removed
