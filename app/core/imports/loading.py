"""A good file is imported in ONE transaction through the domain's services, in batches.

Each row goes through the domain's `save_row` — the services, every rule of them — but the
services' own flushes are deferred to the end of a batch of rows (`ImportSpec.batch_size`), so
that one flush writes the batch: its inserts in bulk, and the change history of every record in
one insert (the history listener runs per flush). A record's history is therefore one entry with
the values it was imported with. Rows already loaded are skipped, never updated. Nothing here
commits: the job (or the caller) does, once, at the end.
"""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer, text
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ...extensions import db
from ..errors import DomainError
from ..numbering import kept_in_batch
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


def preassign_primary_keys(session: Session) -> None:
    """PostgreSQL: give the batch's new records their ids from their sequences, one query per table.

    With its keys known, a batch is inserted by one executemany of a one-row statement (parsed once)
    instead of a multi-row INSERT … RETURNING whose thousands of placeholders the driver parses
    in Python — most of an import's time before. The ids are the ones the column default would draw.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    pending: dict[Any, list[Any]] = defaultdict(list)
    for record in session.new:
        mapper = sa_inspect(record).mapper
        keys = mapper.primary_key
        if len(keys) != 1 or not isinstance(keys[0].type, Integer) or keys[0].autoincrement is False:
            continue
        if mapper.get_property_by_column(keys[0]).class_attribute.__get__(record, None) is None:
            pending[mapper].append(record)
    for mapper, records in pending.items():
        column = mapper.primary_key[0]
        with session.no_autoflush:
            ids = session.execute(
                text("SELECT nextval(pg_get_serial_sequence(:table, :column)) FROM generate_series(1, :count)"),
                {"table": column.table.name, "column": column.name, "count": len(records)},
            ).scalars()
        key = mapper.get_property_by_column(column).key
        for record, new_id in zip(records, ids, strict=True):
            setattr(record, key, new_id)


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off during the batches (`collect_batch` runs it after each one).

    An import creates records faster than anything else: left on, the collector ran every few
    hundred objects over the whole application's heap — a third of the import's time. The
    application's long-lived objects are frozen out of the collections meanwhile.
    """
    enabled = gc.isenabled()
    gc.freeze()
    gc.disable()
    try:
        yield
    finally:
        gc.unfreeze()
        if enabled:
            gc.enable()


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
    # Known before the rows are saved: a domain marks what this import brought (`ctx.batch`).
    ctx.batch = batch
    # Each row's kept registration number moves its counter once per journal and year, not per row.
    with spec.around() if spec.around is not None else nullcontext(), collector_paused(), kept_in_batch():
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
                preassign_primary_keys(session)
                session.flush()
            except IntegrityError:
                raise BatchRefused(first=chunk[0].number, last=chunk[-1].number) from None
            # Written and clean: the session holds them weakly, so once let go (and their reference
            # cycles collected) they leave it — the session and memory stay small however long the file.
            del saved
            gc.collect()
            if start + size < len(new_rows):
                progress("import", start + size, len(new_rows))
    progress("import", len(new_rows), len(new_rows))
    return batch
