"""Background jobs (huey): long work leaves the request; its page shows progress and the result.

A domain registers a kind once and starts jobs from its views:

    EXPORT = register_job_kind(JobKind("export", run_export, stages={"write": _l("Запись файла")}))
    job = start_job(EXPORT, _l("Выгрузка списка"), {"view": "AppealView"}, lock_key=None)
    return redirect(job_url(job))

`run(ctx)` works in one transaction as the user who started the job, reports
`ctx.progress(stage, done, total)`, keeps files in `ctx.folder()`, returns the result kept on
the job, or raises `JobRefused(message, result)` / a `DomainError` to fail it (rolled back).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import current_app, url_for

from ...security import STAFF_ROLES, Resource, declare_resource
from .models import Job, JobStatus
from .runner import (
    KINDS,
    JobAlreadyRunning,
    JobContext,
    JobKind,
    JobRefused,
    job_folder,
    job_state,
    register_job_kind,
    start_job,
    sweep_stale,
)

if TYPE_CHECKING:
    from flask_appbuilder import AppBuilder

__all__ = [
    "KINDS",
    "Job",
    "JobAlreadyRunning",
    "JobContext",
    "JobKind",
    "JobRefused",
    "JobStatus",
    "job_folder",
    "job_state",
    "job_url",
    "register",
    "register_job_kind",
    "start_job",
    "sweep_stale",
]


#: Every staff member sees his own jobs (Admin: every job). Declared at import: before the roles are built.
RESOURCE = declare_resource(Resource("Job", menus=("Jobs",), readers=STAFF_ROLES))


def job_url(job: Job) -> str:
    """The page that shows a job: its kind's own page, else the generic job page."""
    kind = KINDS.get(job.kind)
    if kind is not None and kind.page is not None:
        return kind.page(job)
    return url_for("JobView.show", pk=job.id)


def register(appbuilder: AppBuilder) -> None:
    """The queue of this app and the job pages; «Фоновые задания» last under «Рабочий стол» (one's own imports
    and long exports, to come back to once they are done)."""
    from flask_babel import lazy_gettext as _l

    from .. import menus
    from .queue import init_jobs
    from .views import JobView

    init_jobs(current_app._get_current_object())  # register() runs inside create_app's app context
    appbuilder.add_view_no_menu(JobView)
    menus.add_link(
        appbuilder,
        "Jobs",
        href="/jobs/",
        label=_l("Фоновые задания"),
        icon="fa-hourglass-half",
        category=menus.WORKSPACE,
        order=100,
    )
