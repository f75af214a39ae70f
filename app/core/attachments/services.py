"""Attachments: check and store uploads, find a file's record, list and delete. Flush, never commit."""

from __future__ import annotations

import logging
import re
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from flask import current_app
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, false, inspect, or_, select

from ...extensions import db
from ...security import (
    READ,
    WRITE,
    Access,
    Visibility,
    are_files_visible,
    can_see_personal_data,
    current_visibility,
    is_admin,
    is_row_visible,
    require_files_right,
    row_access,
    scope_clause,
)
from ..errors import DomainError, ValidationFailed
from ..models import model_for_table, record_by_key
from ..records import declares_attachments, has_record_right, record_resource
from . import RESOURCE
from .files import ALLOWED_TYPES, detect_type, extension_of, sanitize_filename
from .models import Attachment, AttachmentKind

log = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
_STORED_NAME = re.compile(r"^[0-9a-f]{32}$")
ALLOWED_LABELS = ", ".join(t.label for t in ALLOWED_TYPES.values())


class AttachmentRefused(ValidationFailed):
    """An uploaded file is not accepted (size, type, name); shown beside the file field."""

    message = _l("Файл не принят")


# ---- where files live -------------------------------------------------------------------


def max_bytes() -> int:
    """The upload limit in bytes (UPRAVA_ATTACHMENT_MAX_BYTES, 20 MB by default)."""
    return int(current_app.config.get("UPRAVA_ATTACHMENT_MAX_BYTES") or DEFAULT_MAX_BYTES)


def files_dir() -> Path:
    """The application's files directory: UPRAVA_FILES_DIR or <instance>/files."""
    configured = current_app.config.get("UPRAVA_FILES_DIR")
    return Path(configured) if configured else Path(current_app.instance_path) / "files"


def stored_path(attachment: Attachment) -> Path:
    """The file on disk, built from the random stored name only (sharded by its first two characters)."""
    name = attachment.stored_name
    if not _STORED_NAME.match(name or ""):
        raise ValueError(f"bad stored name of attachment {attachment.id}")
    return files_dir() / "attachments" / name[:2] / name


def remove_file(path: Path) -> None:
    """Remove a stored file (after its row is gone, or when its row was never committed)."""
    path.unlink(missing_ok=True)


# ---- the record a file belongs to ------------------------------------------------------


class RecordNotFound(DomainError):
    """No record that takes files: unknown, undeclared, missing or outside the row scope — one answer."""

    status = 404
    message = _l("Запись не найдена")


class NoRightOnRecord(DomainError):
    """The user lacks the right on the records a file belongs to (the owning view's resource)."""

    status = 403
    message = _l("Нет права на записи этого вида")


def attachable_model(entity_type: str) -> type | None:
    """The model of a table whose records take files: it declares `__attachments__` and a view shows it.

    Every other table — journals, reference data, the org chart, security tables, attachments
    themselves — is not a place for files: attaching to it would only be a way to store arbitrary
    files, and a 200/404 there would tell whether a journal line exists.
    """
    model = model_for_table(entity_type)
    if model is None or not declares_attachments(model) or record_resource(model) is None:
        return None
    return model


def entity_ref(entity: Any) -> tuple[str, int]:
    """(table name, primary key) of a record: how an attachment points at it."""
    identity = inspect(entity).identity
    if identity is None or len(identity) != 1:
        raise ValueError(f"{type(entity).__name__} has no single-column primary key value")
    return type(entity).__table__.name, int(identity[0])


def find_owner(entity_type: str, entity_id: int) -> Any | None:
    """The record, when it exists, takes files and the current user may see it; else None (→ 404)."""
    model = attachable_model(entity_type)
    if model is None:
        return None
    record = record_by_key(db.session, model, entity_id)
    if record is None or not is_row_visible(record):
        return None
    return record


def require_owner(entity_type: str, entity_id: int, right: str) -> Any:
    """The record a file belongs to, checked door by door for `right` (READ to open, WRITE to attach).

    The order keeps every answer independent of whether a row exists: a table that takes no files
    is 404 for everybody; then the right on the owning view's resource (403, whatever the id); then
    the row itself — missing or outside the row scope, the same 404; last the personal-data right.
    """
    model = attachable_model(entity_type)
    if model is None:
        raise RecordNotFound()
    if not has_record_right(model, right):
        raise NoRightOnRecord()
    record = find_owner(entity_type, entity_id)
    if record is None:
        raise RecordNotFound()
    require_files_right(record)
    return record


def visible_clause(visibility: Visibility | None = None) -> Any | None:
    """WHERE clause: attachments whose record exists, takes files and is visible to the user.

    Visible means: the right to read the owning view's records, the row scope of the record's
    model, and the personal-data right for records holding personal data. None when the user
    sees everything (Admin: files of records that no longer take any stay listed, to be cleaned
    up). One sub-select per table that has attachments.
    """
    vis = visibility if visibility is not None else current_visibility()
    personal_ok = can_see_personal_data()
    if vis.everything and personal_ok and is_admin():
        return None
    terms = []
    for entity_type in db.session.scalars(select(Attachment.entity_type).distinct()):
        model = attachable_model(entity_type)
        if model is None or not has_record_right(model, READ):
            continue
        if getattr(model, "__personal__", None) and not personal_ok:
            # Files of records holding personal data (their names included) need that right.
            continue
        owners = select(inspect(model).primary_key[0])
        clause = scope_clause(model, vis)
        if clause is not None:
            owners = owners.where(clause)
        terms.append(and_(Attachment.entity_type == entity_type, Attachment.entity_id.in_(owners)))
    return or_(*terms) if terms else false()


# ---- reading ---------------------------------------------------------------------------


def attachments_for(entity: Any) -> list[Attachment]:
    """A record's attachments, oldest first; none when the current user may not see the record."""
    if not are_files_visible(entity):
        return []
    entity_type, entity_id = entity_ref(entity)
    stmt = (
        select(Attachment)
        .where(Attachment.entity_type == entity_type, Attachment.entity_id == entity_id)
        .order_by(Attachment.uploaded_at, Attachment.id)
    )
    return list(db.session.scalars(stmt))


@dataclass
class AttachmentBox:
    """What the show-page snippet (attachments/_list.html) shows for one record."""

    entity_type: str
    entity_id: int
    items: list[Attachment]
    can_upload: bool
    can_delete: bool


def attachment_box(entity_type: str, entity_id: int) -> AttachmentBox | None:
    """The snippet's data; None when the record takes no files or the user may not open them."""
    sm = current_app.appbuilder.sm
    if not sm.has_access("can_read", RESOURCE):
        return None
    model = attachable_model(entity_type)
    if model is None or not has_record_right(model, READ):
        return None
    owner = find_owner(entity_type, entity_id)
    if owner is None or not are_files_visible(owner):
        return None
    # A record seen read-only (a copy) shows its files; nobody adds or removes any through it.
    works = row_access(owner) is Access.WRITE
    return AttachmentBox(
        entity_type=entity_type,
        entity_id=entity_id,
        items=attachments_for(owner),
        can_upload=works and sm.has_access("can_write", RESOURCE) and has_record_right(model, WRITE),
        can_delete=works and sm.has_access("can_delete", RESOURCE),
    )


# ---- writing ---------------------------------------------------------------------------


FILE_EMPTY = _l("Файл пустой.")
FILE_TOO_BIG = _l("Файл больше допустимого размера (%(max)s).")
TYPE_NOT_ALLOWED = _l("Такой файл загрузить нельзя: по содержимому это не %(allowed)s.")
EXTENSION_MISMATCH = _l(
    "Расширение имени файла не соответствует содержимому: это %(label)s, имя должно оканчиваться на %(ext)s."
)


def check_upload(data: bytes, name: str, limit: int) -> str:
    """The allow-list key of an upload judged by its bytes; refuse what is empty, too big or misnamed."""
    if not data:
        raise AttachmentRefused(FILE_EMPTY, field="file")
    if len(data) > limit:
        raise AttachmentRefused(FILE_TOO_BIG, field="file", max=format_size(limit))
    key = detect_type(data)
    if key is None:
        raise AttachmentRefused(TYPE_NOT_ALLOWED, field="file", allowed=ALLOWED_LABELS)
    allowed = ALLOWED_TYPES[key]
    if extension_of(name) not in allowed.extensions:
        raise AttachmentRefused(
            EXTENSION_MISMATCH, field="file", label=allowed.label, ext=" / ".join(allowed.extensions)
        )
    return key


def add_attachment(
    entity: Any,
    stream: IO[bytes],
    filename: str | None,
    *,
    user: Any,
    kind: AttachmentKind = AttachmentKind.OTHER,
    note: str | None = None,
) -> Attachment:
    """Check an upload by content and store it as an attachment of `entity`.

    The caller has checked the user's right and row scope (require_owner). Only models that
    declare `__attachments__` take files. The row is flushed before the file is written, so a
    failed write never leaves a row without its file; if the commit then fails, the caller
    removes the file (remove_file).
    """
    if not declares_attachments(type(entity)):
        raise ValueError(f"{type(entity).__name__} does not declare __attachments__: it takes no files")
    name = sanitize_filename(filename)
    limit = max_bytes()
    data = stream.read(limit + 1)
    key = check_upload(data, name, limit)
    entity_type, entity_id = entity_ref(entity)
    attachment = Attachment(
        entity_type=entity_type,
        entity_id=entity_id,
        original_name=name,
        stored_name=uuid.uuid4().hex,
        content_type=ALLOWED_TYPES[key].mime,
        size=len(data),
        kind=kind.value,
        note=(note or "").strip() or None,
        uploaded_by_id=user.id,
    )
    db.session.add(attachment)
    db.session.flush()
    path = stored_path(attachment)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("xb") as out:  # never overwrite an existing file
        out.write(data)
    return attachment


def delete_attachment(attachment: Attachment, user: Any) -> Path:
    """Delete an attachment's row and log who did it; returns the file to remove once committed."""
    path = stored_path(attachment)
    log.warning(
        "attachment %s «%s» of %s #%s deleted by %s",
        attachment.id,
        attachment.original_name,
        attachment.entity_type,
        attachment.entity_id,
        getattr(user, "username", user),
    )
    db.session.delete(attachment)
    db.session.flush()
    return path


# ---- display ---------------------------------------------------------------------------


def format_size(size: int) -> str:
    """A file size as clerks read it: 512 Б, 34 КБ, 1,5 МБ."""
    if size < 1024:
        return gettext("%(n)s Б", n=size)
    if size < 1024 * 1024:
        return gettext("%(n)s КБ", n=round(size / 1024))
    megabytes = f"{size / (1024 * 1024):.1f}".rstrip("0").rstrip(".")
    return gettext("%(n)s МБ", n=megabytes.replace(".", ","))
