"""Document templates and generated documents: versions, uploads, generation. Flush, never commit."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from werkzeug.security import safe_join

from ...extensions import db
from ..dates import format_date, local_today
from ..errors import DomainError, ValidationFailed
from .models import DocumentTemplate, GeneratedDocument
from .registry import TEMPLATES, TemplateSpec, template_spec
from .rendering import check_docx, render_docx

#: An uploaded template larger than this is refused (a template is a few dozen kilobytes).
MAX_TEMPLATE_BYTES = 10 * 1024 * 1024


class UnknownTemplate(DomainError):
    status = 404
    message = _l("Шаблон документа «%(code)s» не найден")


class TemplateDoesNotFit(DomainError):
    status = 422
    message = _l("Документ «%(name)s» не составляется для этой записи")


class NoActiveTemplate(DomainError):
    status = 422
    message = _l("У шаблона «%(name)s» нет действующей версии: включите одну из версий")


class LastActiveVersion(DomainError):
    status = 422
    message = _l("Это единственная действующая версия шаблона «%(name)s»: отключить её нельзя")


def files_dir() -> Path:
    """Where uploaded templates and generated documents are kept (UPRAVA_FILES_DIR or instance/files)."""
    configured = current_app.config.get("UPRAVA_FILES_DIR")
    return Path(configured) if configured else Path(current_app.instance_path) / "files"


def _stored(relative: str) -> Path:
    # Paths are written by this module only; safe_join still refuses anything that leaves the folder.
    path = safe_join(str(files_dir()), relative)
    if path is None:
        raise ValueError(f"unsafe stored path {relative!r}")
    return Path(path)


def _write(relative: str, data: bytes) -> None:
    path = _stored(relative)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def require_spec(code: str) -> TemplateSpec:
    """The registered template of this code, or a 404 domain error."""
    spec = template_spec(code)
    if spec is None:
        raise UnknownTemplate(code=code[:64])
    return spec


def ensure_shipped(spec: TemplateSpec) -> DocumentTemplate | None:
    """Version 1 of a template is the shipped file; add its row when a code has none yet."""
    has_rows = db.session.scalar(select(func.count()).where(DocumentTemplate.code == spec.code))
    if has_rows:
        return None
    row = DocumentTemplate(
        code=spec.code,
        version=1,
        name=str(spec.name),
        domain=spec.domain,
        file_path=spec.path,
        is_shipped=True,
        is_active=True,
    )
    db.session.add(row)
    db.session.flush()
    return row


def seed_templates() -> int:
    """Rows for every registered template that has none (idempotent). Returns how many were added."""
    return sum(1 for spec in TEMPLATES.values() if ensure_shipped(spec) is not None)


def active_template(spec: TemplateSpec) -> DocumentTemplate:
    """The newest active version of a template."""
    ensure_shipped(spec)
    row = db.session.scalars(
        select(DocumentTemplate)
        .where(DocumentTemplate.code == spec.code, DocumentTemplate.is_active.is_(True))
        .order_by(DocumentTemplate.version.desc())
        .limit(1)
    ).first()
    if row is None:
        raise NoActiveTemplate(name=str(spec.name))
    return row


def common_context(user: Any) -> dict[str, Any]:
    """Fields every template may use besides its own."""
    full_name = f"{user.last_name} {user.first_name}" if user is not None else ""
    return {"today": local_today(), "generated_by": full_name}


def sample_context(spec: TemplateSpec) -> dict[str, Any]:
    """Made-up data an uploaded version must render with."""
    return {"today": local_today(), "generated_by": "Иванова Ольга Петровна", **spec.sample}


def upload_template_version(code: str, data: bytes, original_name: str, user: Any) -> DocumentTemplate:
    """Store a new version of a template after checking it is a .docx that renders; older versions stay."""
    spec = require_spec(code)
    if len(data) > MAX_TEMPLATE_BYTES:
        raise ValidationFailed(_l("Файл больше %(mb)s МБ"), mb=MAX_TEMPLATE_BYTES // (1024 * 1024), field="file")
    check_docx(data)
    ensure_shipped(spec)
    version = (
        db.session.scalar(select(func.max(DocumentTemplate.version)).where(DocumentTemplate.code == code)) or 0
    ) + 1
    render_docx(data, sample_context(spec), name=spec.name, version=version, field="file")
    row = DocumentTemplate(
        code=code,
        version=version,
        name=str(spec.name),
        domain=spec.domain,
        file_path=f"templates/{code}/v{version}-{uuid.uuid4().hex}.docx",
        is_shipped=False,
        original_name=original_name[:255],
        is_active=True,
        created_by_fk=getattr(user, "id", None),
    )
    db.session.add(row)
    db.session.flush()
    _write(row.file_path, data)
    return row


def check_deactivation(template: DocumentTemplate) -> None:
    """A template keeps at least one active version (else nothing could be generated)."""
    if template.is_active:
        return
    others = db.session.scalar(
        select(func.count()).where(
            DocumentTemplate.code == template.code,
            DocumentTemplate.is_active.is_(True),
            DocumentTemplate.id != template.id,
        )
    )
    if not others:
        raise LastActiveVersion(name=template.name, field="is_active")


def generate_document(code: str, entity: Any, user: Any) -> GeneratedDocument:
    """Fill the active version of a template for one record; keep the file and a row saying who and when.

    The caller has checked that the user may see `entity` (row scope).
    """
    spec = require_spec(code)
    # A report's template fills no record (app/core/reports renders it).
    if spec.model is None or spec.context_builder is None or not isinstance(entity, spec.model):
        raise UnknownTemplate(code=code)
    if not spec.fits(entity):
        raise TemplateDoesNotFit(name=str(spec.name))
    template = active_template(spec)
    context = {**common_context(user), **spec.context_builder(entity)}
    data = render_docx(template_file(template).read_bytes(), context, name=template.name, version=template.version)
    today = local_today()
    document = GeneratedDocument(
        template=template,
        entity_type=spec.entity_type,
        entity_id=entity.id,
        file_name="",
        stored_path=f"generated/{today:%Y/%m}/{uuid.uuid4().hex}.docx",
        size=len(data),
        created_by_fk=getattr(user, "id", None),
    )
    db.session.add(document)
    db.session.flush()
    document.file_name = f"{template.name} № {document.id} от {format_date(today)}.docx"
    _write(document.stored_path, data)
    db.session.flush()
    return document


def document_file(document: GeneratedDocument) -> Path:
    """Where a generated document's file is."""
    return _stored(document.stored_path)


def template_file(template: DocumentTemplate) -> Path:
    """The .docx of one version: shipped ones in the package, uploaded ones in the files folder."""
    if template.is_shipped:
        return require_spec(template.code).shipped_file
    return _stored(template.file_path)
