"""The state of background jobs: who started what, how far it is, how it ended."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from flask_appbuilder import Model
from flask_appbuilder.security.sqla.models import User
from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, CheckConstraint, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..dates import utcnow


class JobStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


ACTIVE_STATUSES = (JobStatus.QUEUED.value, JobStatus.RUNNING.value)


class Job(Model):
    """One background job. Written in short transactions of its own, never inside the job's work.

    The row is created (queued) by the request that starts the job, claimed (running) by the
    worker before the work begins, and closed (done) in the work's own transaction — so a job
    is done exactly when its work is committed — or (failed) after the work was rolled back.
    """

    __tablename__ = "core_job"
    __label__ = _l("Фоновое задание")
    __table_args__ = (CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name="status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: The registered kind (app.core.jobs.JobKind.name): what runs.
    kind: Mapped[str] = mapped_column(String(64))
    #: What the user reads in the list of jobs, e.g. «Загрузка обращений из файла «Реестр.xlsx»».
    title: Mapped[str] = mapped_column(String(255))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id", ondelete="SET NULL"), index=True)
    status: Mapped[str] = mapped_column(String(16), default=JobStatus.QUEUED.value, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    #: The last progress reported (the live one is in the queue's store while the job runs).
    stage: Mapped[str | None] = mapped_column(String(32))
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int | None] = mapped_column(Integer)
    #: What the job needs to run (never shown); and what it reports when it ends.
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    #: Why it failed, in Russian, as the user reads it.
    error: Mapped[str | None] = mapped_column(Text)
    #: While queued or running: «one at a time» (e.g. the same file imported twice). Unique, so two
    #: requests racing to start the same job cannot both succeed; cleared when the job ends.
    active_key: Mapped[str | None] = mapped_column(String(255), unique=True)
    #: host:pid of the worker running it: a worker that restarts fails the jobs its dead self left.
    worker: Mapped[str | None] = mapped_column(String(128))

    user: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return self.title

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES
