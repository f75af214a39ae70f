"""Document templates (list, upload of a new version) and generated documents (list, generate, download)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from flask import abort, current_app, flash, g, redirect, send_file, url_for
from flask_appbuilder.baseviews import expose
from flask_appbuilder.models.filters import BaseFilter
from flask_appbuilder.security.decorators import has_access
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import and_, false, or_, select
from wtforms import SelectField
from wtforms.validators import InputRequired

from ...extensions import db
from ...security import (
    READ,
    WRITE,
    Access,
    current_visibility,
    ensure_writable,
    is_admin,
    is_row_visible,
    require_files_right,
    row_access,
    scope_clause,
)
from ..errors import DomainError
from ..filters import UpravaInterface
from ..models import model_for_table
from ..records import has_record_right
from ..views import UpravaModelView, format_value
from .models import DocumentTemplate, GeneratedDocument
from .registry import TEMPLATES, TemplateSpec, template_spec, templates_for
from .services import (
    check_deactivation,
    document_file,
    generate_document,
    sample_context,
    template_file,
    upload_template_version,
)

DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def send_docx(path: Path, name: str) -> Any:
    """Send a stored .docx as a download (read whole: a document is small, no file handle outlives the request)."""
    if not path.is_file():
        abort(404)
    return send_file(io.BytesIO(path.read_bytes()), mimetype=DOCX_MIMETYPE, as_attachment=True, download_name=name)


def visible_entity(entity_type: str, entity_id: int) -> Any:
    """The record behind a generic link: its documents need the read right of the view showing it
    (403), the row scope (404 when it is gone or outside), and the personal-data right for records
    holding personal data (403). `entity_type` comes from a registered template, never from the URL.
    """
    model = model_for_table(entity_type)
    if model is None:
        abort(404)
    if not has_record_right(model, READ):
        abort(403)
    entity = db.session.get(model, entity_id)
    if entity is None or not is_row_visible(entity):
        abort(404)
    require_files_right(entity)
    return entity


def document_templates_for(entity_type: str, entity_id: Any = None) -> list[TemplateSpec]:
    """Templates the current user may fill for this record (show-page buttons): none for a record seen read-only."""
    if not current_app.appbuilder.sm.has_access(f"can_{WRITE}", "GeneratedDocument"):
        return []
    specs = templates_for(entity_type)
    if specs and entity_id is not None:
        model = model_for_table(entity_type)
        entity = db.session.get(model, entity_id) if model is not None else None
        if entity is None or row_access(entity) is not Access.WRITE:
            return []
        specs = [spec for spec in specs if spec.fits(entity)]
    return specs


class VisibleEntityFilter(BaseFilter):
    """Generated documents of records the user may see: the right on their view, each record type's row scope."""

    name = "Visible records"
    arg_name = "ventity"

    def apply(self, query: Any, value: Any) -> Any:
        visibility = current_visibility()
        if visibility.everything and is_admin():
            return query
        terms = []
        for entity_type in db.session.scalars(select(GeneratedDocument.entity_type).distinct()):
            model = model_for_table(entity_type)
            if model is None or not has_record_right(model, READ):
                # Documents of records the user may not open (no right on their view) are not listed.
                continue
            same_type = GeneratedDocument.entity_type == entity_type
            clause = scope_clause(model, visibility)
            if clause is None:
                terms.append(same_type)
            else:
                pk = model.__mapper__.primary_key[0]  # type: ignore[attr-defined]
                terms.append(and_(same_type, GeneratedDocument.entity_id.in_(select(pk).where(clause))))
        return query.filter(or_(*terms) if terms else false())


class UploadTemplateForm(FlaskForm):
    code = SelectField(_l("Шаблон"), validators=[InputRequired()])
    file = FileField(
        _l("Файл новой версии (.docx)"),
        validators=[FileRequired(_l("Выберите файл .docx"))],
        description=_l("Документ Word с полями в фигурных скобках, например {{ full_name }}"),
    )


TEMPLATE_LABELS = {
    "name": _l("Название"),
    "code": _l("Код"),
    "version": _l("Версия"),
    "domain": _l("Раздел"),
    "is_active": _l("Действует"),
    "is_shipped": _l("Поставляется с системой"),
    "original_name": _l("Загруженный файл"),
    "created_on": _l("Загружен"),
    "created_by": _l("Кем загружен"),
    "file_link": _l("Файл"),
}


class DocumentTemplateView(UpravaModelView):
    datamodel = UpravaInterface(DocumentTemplate)
    class_permission_name = "DocumentTemplate"
    route_base = "/documenttemplates"
    # Versions are never deleted (generated documents point at them); "add" is the upload form.
    include_route_methods = {"list", "show", "edit", "add", "file"}
    method_permission_name = {"list": READ, "show": READ, "file": READ, "edit": WRITE, "add": WRITE}
    list_title = _l("Шаблоны документов")
    show_title = _l("Версия шаблона документа")
    edit_title = _l("Версия шаблона документа")
    label_columns = TEMPLATE_LABELS
    description_columns = {
        "is_active": _l(
            "Для документов берётся последняя действующая версия; отключите версию, чтобы вернуться к прежней"
        )
    }
    list_columns = ["name", "code", "version", "is_active", "is_shipped", "created_on", "created_by"]
    show_columns = [
        "name",
        "code",
        "version",
        "domain",
        "is_active",
        "is_shipped",
        "original_name",
        "created_on",
        "created_by",
        "file_link",
    ]
    edit_columns = ["is_active"]
    search_columns = ["name", "code", "is_active"]
    order_columns = ["name", "code", "version", "created_on"]
    admin_columns = ["code"]
    base_order = ("code", "asc")

    def pre_update(self, item: DocumentTemplate) -> None:
        super().pre_update(item)
        check_deactivation(item)

    @expose("/add", methods=["GET", "POST"])
    @has_access
    def add(self) -> Any:
        """Upload a new version: checked (a real .docx that renders in the sandbox) before anything is kept."""
        form = UploadTemplateForm()
        form.code.choices = [(s.code, str(s.name)) for s in sorted(TEMPLATES.values(), key=lambda s: str(s.name))]
        if form.validate_on_submit():
            upload = form.file.data
            try:
                row = upload_template_version(form.code.data, upload.read(), upload.filename or "", g.user)
            except DomainError as exc:
                db.session.rollback()
                getattr(form, exc.field or "file").errors.append(str(exc))
            else:
                db.session.commit()
                flash(
                    str(_l("Загружена версия %(version)s шаблона «%(name)s»", version=row.version, name=row.name)),
                    "success",
                )
                return redirect(url_for(f"{type(self).__name__}.show", pk=row.id))
        fields = [
            (spec, {key: format_value(value) for key, value in sample_context(spec).items()} | dict(spec.fields or {}))
            for spec in TEMPLATES.values()
        ]
        return self.render_template("documents/upload.html", title=_l("Новая версия шаблона"), form=form, fields=fields)

    @expose("/file/<int:pk>")
    @has_access
    def file(self, pk: int) -> Any:
        """The .docx of one version, to edit it into the next one."""
        template = self.datamodel.get(pk, self._base_filters)
        if template is None:
            abort(404)
        return send_docx(template_file(template), template.original_name or f"{template.code}-v{template.version}.docx")


class GeneratedDocumentView(UpravaModelView):
    datamodel = UpravaInterface(GeneratedDocument)
    class_permission_name = "GeneratedDocument"
    route_base = "/documents"
    include_route_methods = {"list", "show", "file", "generate"}
    method_permission_name = {"list": READ, "show": READ, "file": READ, "generate": WRITE}
    base_filters = [["id", VisibleEntityFilter, None]]
    list_title = _l("Сформированные документы")
    show_title = _l("Сформированный документ")
    label_columns = {
        "file_link": _l("Файл"),
        "file_name": _l("Имя файла"),
        "template": _l("Шаблон (версия)"),
        "entity": _l("Запись"),
        "size": _l("Размер, байт"),
        "created_on": _l("Сформирован"),
        "created_by": _l("Кем сформирован"),
    }
    list_columns = ["file_link", "template", "entity", "created_on", "created_by"]
    show_columns = ["file_link", "template", "entity", "size", "created_on", "created_by"]
    search_columns = ["file_name", "template", "created_on", "created_by"]
    order_columns = ["created_on"]
    base_order = ("created_on", "desc")

    @expose("/file/<int:pk>")
    @has_access
    def file(self, pk: int) -> Any:
        """Download a generated document again: a guessed id never bypasses the record's row scope."""
        document = self.datamodel.get(pk, self._base_filters)
        if document is None:
            abort(404)
        visible_entity(document.entity_type, document.entity_id)
        return send_docx(document_file(document), document.file_name)

    @expose("/generate/<template_code>/<int:entity_id>", methods=["POST"])
    @has_access
    def generate(self, template_code: str, entity_id: int) -> Any:
        """Fill a template for one visible record, keep the document and send it."""
        spec = template_spec(template_code)
        if spec is None or spec.model is None:  # a report's template fills no record
            abort(404)
        entity = visible_entity(spec.entity_type, entity_id)
        ensure_writable(entity)  # a record seen read-only (a copy) gets no new documents: 403
        try:
            document = generate_document(template_code, entity, g.user)
        except DomainError:
            db.session.rollback()
            raise
        db.session.commit()
        return send_docx(document_file(document), document.file_name)
