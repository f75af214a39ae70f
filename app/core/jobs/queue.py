"""The queue under the jobs: huey, with the store chosen by configuration.

- `UPRAVA_JOBS_BROKER` unset: a SQLite file beside the database (<instance>/jobs.sqlite) — no
  extra service; `make run` starts the worker beside the development server;
- `redis://host:6379/1`: Redis (production with several hosts or workers: Redis is then required);
- tests (`JOBS_IMMEDIATE`): jobs run at once, in the request that starts them, in memory.

One task runs every kind of job (`uprava.run_job`, with the job's id); a periodic task fails the
jobs of dead workers and removes old job files. `flask app worker` runs huey's consumer.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from flask import Flask
from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey, crontab

from ...extensions import db
from ..month_counts import keep_all
from .runner import execute, purge_old_files, sweep_stale

log = logging.getLogger(__name__)

QUEUE_NAME = "uprava"


def make_huey(config: Any) -> Huey:
    """The huey instance for a configuration (see the module docstring)."""
    if config.get("JOBS_IMMEDIATE"):
        return MemoryHuey(QUEUE_NAME, immediate=True, results=False)
    url = config["JOBS_BROKER_URL"]
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey(QUEUE_NAME, url=url, results=False)
    if url.startswith("sqlite:///"):
        # A busy timeout long enough for a worker and several web processes sharing the file.
        return SqliteHuey(QUEUE_NAME, filename=url.removeprefix("sqlite:///"), results=False, timeout=30)
    raise RuntimeError(f"UPRAVA_JOBS_BROKER must be sqlite:///<path> or redis://host:port/db, not {url!r}")


@dataclass
class Jobs:
    """The app's queue (app.extensions["uprava_jobs"])."""

    huey: Huey
    run_task: Any

    def enqueue(self, job_id: int) -> None:
        self.run_task(job_id)


def init_jobs(app: Flask) -> Jobs:
    """Create the app's queue and register its tasks (one per app: tests build several apps)."""
    huey = make_huey(app.config)

    def run_job(job_id: int) -> None:
        execute(app, job_id)

    def sweep_jobs() -> None:
        with app.app_context():
            sweep_stale()
            purge_old_files()

    def worker_start() -> None:
        # The jobs this host's previous worker left running died with it.
        with app.app_context():
            sweep_stale(at_worker_start=True)

    def keep_month_counts(full: bool = False) -> None:
        with app.app_context():
            keep_all(db.session, full=full)
            db.session.commit()

    run_task = huey.task(name="uprava.run_job")(run_job)
    huey.periodic_task(crontab(minute="*"), name="uprava.sweep_jobs")(sweep_jobs)
    # The lists' month counts (core.month_counts): PostgreSQL's writers leave a delta row each, folded every
    # five minutes; recounted from the rows once a day, at 03:30 in the city (huey's crontab is UTC).
    huey.periodic_task(crontab(minute="*/5"), name="uprava.compact_month_counts")(keep_month_counts)
    huey.periodic_task(crontab(minute="30", hour="20"), name="uprava.recount_month_counts")(
        lambda: keep_month_counts(full=True)
    )
    huey.on_startup(name="uprava.worker_start")(worker_start)
    jobs = Jobs(huey, run_task)
    app.extensions["uprava_jobs"] = jobs
    return jobs


def run_worker(app: Flask, workers: int) -> None:
    """Run the consumer until stopped (SIGINT/SIGTERM finish the running jobs first; SIGKILL does not)."""
    huey = app.extensions["uprava_jobs"].huey
    if huey.immediate:
        raise RuntimeError("jobs run eagerly in this configuration: no worker is needed")
    huey.create_consumer(workers=workers, worker_type="thread", periodic=True, check_worker_health=True).run()
