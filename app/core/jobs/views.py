"""The job pages: my jobs, one job with its live progress and result, its file; Admin sees every job."""

from __future__ import annotations

import mimetypes
from typing import Any

from flask import abort, jsonify, redirect, send_file
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ...extensions import db
from ...security import READ, is_admin, request_user
from ..export import attachment
from . import RESOURCE
from .models import Job
from .runner import KINDS, job_folder, job_state

#: Jobs listed on «Мои фоновые задания».
LIST_LIMIT = 50


def visible_job(pk: int) -> Job:
    """The user's own job (any job for Admin), else 404."""
    job = db.session.get(Job, pk)
    user = request_user()
    if job is None or user is None or (job.user_id != user.id and not is_admin(user)):
        abort(404)
    return job


class JobView(BaseView):
    """/jobs/: the list; /jobs/<id>: progress, then the result; /jobs/<id>/status: the same as JSON."""

    route_base = "/jobs"
    default_view = "list"
    class_permission_name = RESOURCE.name
    method_permission_name = dict.fromkeys(("list", "show", "status", "file"), READ)

    @expose("/")
    @has_access
    def list(self) -> Any:
        query = select(Job).order_by(Job.id.desc()).limit(LIST_LIMIT)
        if not is_admin():
            query = query.where(Job.user_id == request_user().id)
        jobs = db.session.scalars(query).all()
        from . import job_url

        return self.render_template(
            "jobs/list.html",
            title=_l("Фоновые задания"),
            jobs=[(job, job_state(job), job_url(job)) for job in jobs],
            everyone=is_admin(),
        )

    @expose("/<int:pk>")
    @has_access
    def show(self, pk: int) -> Any:
        job = visible_job(pk)
        kind = KINDS.get(job.kind)
        if kind is not None and kind.page is not None:
            # A kind with a page of its own (an import's result page) shows its jobs there.
            return redirect(kind.page(job))
        state = job_state(job)
        return self.render_template(
            "jobs/show.html",
            title=job.title,
            job=job,
            state=state,
            result_template=kind.template if kind is not None else "jobs/_result.html",
        )

    @expose("/<int:pk>/status")
    @has_access
    def status(self, pk: int) -> Any:
        return jsonify(job_state(visible_job(pk)))

    @expose("/<int:pk>/file")
    @has_access
    def file(self, pk: int) -> Any:
        job = visible_job(pk)
        stored = (job.result or {}).get("file") if job.status == "done" else None
        if not stored:
            abort(404)
        # The stored name is the job's own (never the user's): no path can leave the job's folder.
        path = job_folder(job.id) / str(stored["name"]).replace("/", "_")
        if not path.is_file():
            abort(404)
        download = str(stored.get("download") or path.name)
        mimetype = stored.get("mimetype") or mimetypes.guess_type(download)[0] or "application/octet-stream"
        response = send_file(path, mimetype=mimetype, as_attachment=True, download_name=path.name)
        return attachment(response, download)
