"""A good file is imported in ONE transaction through the domain's services, in batches.

Each row goes through the domain's `save_row` — the services, every rule of them — but the
services' own flushes are deferred to the end of a batch of rows (`ImportSpec.batch_size`), so
that one flush writes the batch: its inserts in bulk, and the change history of every record in
one insert (the history listener runs per flush). A record's history is therefore one entry with
the values it was imported with. Rows already loaded are skipped, never updated. Nothing here
commits: the job (or the caller) does, once, at the end.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ...extensions import db
from ..errors import DomainError
from .checking import Plan, Progress, no_progress
from .models import ImportBatch
from .spec import ImportSpec


class RowRefused(DomainError):
    """A service refused a row the check had passed: the whole import is rolled back."""

    message = _l("Строка %(row)s: %(reason)s")


class BatchRefused(DomainError):
    """The database refused a batch (e.g. a record with the same key was saved meanwhile): rolled back."""

    message = _l(
        "Строки %(first)s–%(last)s не записаны: такие записи уже есть (возможно, их загрузили одновременно). "
        "Ничего не загружено; загрузите файл снова — уже загруженные строки будут пропущены."
    )


def _flush_later(objects: Any = None) -> None:
    """A service's flush inside a batch: done by the batch's own flush."""


@contextmanager
def deferred_flushes(session: Session) -> Iterator[None]:
    """Within the block, explicit `flush()` calls (the services') wait for the caller's one flush.

    Only for new records whose services need no database-generated value in between (the
    import's rows); queries see nothing of the batch until its flush (autoflush is off too).
    """
    session.flush = _flush_later  # type: ignore[method-assign]
    try:
        with session.no_autoflush:
            yield
    finally:
        del session.flush


def load(
    spec: ImportSpec,
    plan: Plan,
    *,
    filename: str,
    sha256: str,
    user: Any,
    total_rows: int | None = None,
    mapping_name: str | None = None,
    job_id: int | None = None,
    progress: Progress = no_progress,
) -> ImportBatch:
    """Save every new row of a checked file (flushes, never commits) and journal the import."""
    ctx = plan.context
    new_rows = plan.new_rows
    session = db.session()
    with spec.around() if spec.around is not None else nullcontext():
        if spec.before_save is not None and new_rows:
            spec.before_save([row.item for row in new_rows], ctx)
            session.flush()
        size = max(1, spec.batch_size)
        for start in range(0, len(new_rows), size):
            chunk = new_rows[start : start + size]
            saved = []
            with deferred_flushes(session) if size > 1 else session.no_autoflush:
                for row in chunk:
                    try:
                        saved.append(spec.save_row(row.item, ctx))
                    except DomainError as exc:
                        raise RowRefused(row=row.number, reason=str(exc)) from exc
            try:
                session.flush()
            except IntegrityError:
                raise BatchRefused(first=chunk[0].number, last=chunk[-1].number) from None
            # Written: let them go, so the session (and memory) stays small however long the file is.
            for record in saved:
                if record is not None and record in session:
                    session.expunge(record)
            if start + size < len(new_rows):
                progress("import", start + size, len(new_rows))
    batch = ImportBatch(
        import_name=spec.name,
        user_id=user.id if user is not None else None,
        filename=filename[:255],
        sha256=sha256,
        mapping_name=mapping_name,
        rows=plan.total if total_rows is None else total_rows,
        imported=len(new_rows),
        skipped=plan.skipped,
        job_id=job_id,
    )
    session.add(batch)
    session.flush()
    progress("import", len(new_rows), len(new_rows))
    return batch
