"""Attachment views: upload form, scope-checked download and delete, and the register of all files."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, g, redirect, request, send_file, url_for
from flask_appbuilder import BaseView
from flask_appbuilder.baseviews import expose
from flask_appbuilder.models.filters import BaseFilter
from flask_appbuilder.security.decorators import has_access
from flask_appbuilder.utils.base import is_safe_redirect_url
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from werkzeug.wrappers import Response
from wtforms import SelectField, StringField
from wtforms.validators import InputRequired, Length, Optional

from ...extensions import db
from ...security import DELETE, READ, WRITE, current_visibility, ensure_writable
from ..errors import DomainError
from ..filters import UpravaInterface
from ..views import UpravaModelView
from . import REGISTRY_RESOURCE, RESOURCE
from .files import ACCEPT, BY_MIME
from .models import Attachment, AttachmentKind
from .services import (
    ALLOWED_LABELS,
    RecordNotFound,
    add_attachment,
    delete_attachment,
    find_owner,
    format_size,
    max_bytes,
    remove_file,
    require_owner,
    stored_path,
    visible_clause,
)

KIND_LABELS: dict[str, Any] = {
    AttachmentKind.SCAN.value: _l("Скан"),
    AttachmentKind.ANSWER.value: _l("Ответ"),
    AttachmentKind.PHOTO.value: _l("Фото"),
    AttachmentKind.OTHER.value: _l("Прочее"),
}

LABELS = {
    "download_link": _l("Файл"),
    "original_name": _l("Имя файла"),
    "kind": _l("Вид"),
    "size": _l("Размер"),
    "content_type": _l("Тип содержимого"),
    "note": _l("Примечание"),
    "entity_type": _l("Таблица записи"),
    "entity_id": _l("№ записи"),
    "uploaded_by": _l("Загрузил"),
    "uploaded_at": _l("Загружен"),
}


def kind_label(value: str) -> Any:
    return KIND_LABELS.get(value, value)


class AttachmentForm(FlaskForm):
    file = FileField(
        _l("Файл"),
        validators=[FileRequired(_l("Выберите файл."))],
        render_kw={"accept": ACCEPT},
    )
    kind = SelectField(
        _l("Вид"),
        choices=list(KIND_LABELS.items()),
        default=AttachmentKind.SCAN.value,
        validators=[InputRequired()],
    )
    note = StringField(_l("Примечание"), validators=[Optional(), Length(max=500)])


def _next_url() -> str | None:
    """Where to go back to (the record's show page), if it is a local address."""
    target = request.args.get("next")
    return target if target and is_safe_redirect_url(target) else None


class AttachmentView(BaseView):
    """Upload, download and delete: rights on `Attachment`, on the owning view, and the row scope.

    Files belong only to models that declare `__attachments__` (services.attachable_model).
    Downloading needs the read right on the resource of the view showing the record, uploading
    its write right. A table that takes no files, a record that does not exist and one the user
    may not see are the same 404 on every door, so a guessed URL never reveals or reaches a
    file of another body or district, nor tells whether a journal line exists.
    """

    route_base = "/attachments"
    class_permission_name = RESOURCE
    method_permission_name = {"download": READ, "upload": WRITE, "delete": DELETE}

    @expose("/download/<int:attachment_id>")
    @has_access
    def download(self, attachment_id: int) -> Response:
        attachment = db.session.get(Attachment, attachment_id)
        if attachment is None:
            raise RecordNotFound()
        require_owner(attachment.entity_type, attachment.entity_id, READ)
        path = stored_path(attachment)
        if not path.is_file():
            current_app.logger.error("attachment %s: file %s is missing", attachment.id, path)
            abort(404)
        file_type = BY_MIME.get(attachment.content_type)
        response = send_file(
            path,
            mimetype=attachment.content_type,
            # werkzeug writes filename*=UTF-8''… (RFC 5987) for Cyrillic names, with an ASCII fallback.
            download_name=attachment.original_name,
            as_attachment=not (file_type and file_type.inline),
        )
        response.headers["X-Content-Type-Options"] = "nosniff"
        # Scans carry personal data: no copies in shared or browser caches.
        response.headers["Cache-Control"] = "private, no-store"
        return response

    @expose("/upload/<string:entity_type>/<int:entity_id>", methods=["GET", "POST"])
    @has_access
    def upload(self, entity_type: str, entity_id: int) -> Any:
        owner = require_owner(entity_type, entity_id, WRITE)
        ensure_writable(owner)  # a record seen read-only takes no files: 403
        form = AttachmentForm()
        if form.validate_on_submit():
            upload = form.file.data
            try:
                attachment = add_attachment(
                    owner,
                    upload.stream,
                    upload.filename,
                    user=g.user,
                    kind=AttachmentKind(form.kind.data),
                    note=form.note.data,
                )
            except DomainError as exc:
                db.session.rollback()
                form.file.errors = [*form.file.errors, str(exc)]
            else:
                try:
                    db.session.commit()
                except Exception:
                    db.session.rollback()
                    remove_file(stored_path(attachment))
                    raise
                flash(str(_l("Файл «%(name)s» прикреплён.", name=attachment.original_name)), "success")
                return redirect(_next_url() or request.url)
        return self.render_template(
            "attachments/upload.html",
            title=_l("Файлы записи"),
            form=form,
            owner=owner,
            entity_type=entity_type,
            entity_id=entity_id,
            allowed=ALLOWED_LABELS,
            max_size=format_size(max_bytes()),
            back=_next_url(),
        )

    @expose("/delete/<int:attachment_id>", methods=["GET", "POST"])
    @has_access
    def delete(self, attachment_id: int) -> Any:
        attachment = db.session.get(Attachment, attachment_id)
        if attachment is None:
            raise RecordNotFound()
        owner = find_owner(attachment.entity_type, attachment.entity_id)
        # A file whose record is gone, or whose table no longer takes files, stays deletable by
        # those who see everything (clean-up).
        if owner is None and not current_visibility().everything:
            raise RecordNotFound()
        if owner is not None:
            require_owner(attachment.entity_type, attachment.entity_id, READ)
            ensure_writable(owner)
        if request.method == "GET":
            return self.render_template(
                "attachments/delete.html", title=_l("Удаление вложения"), attachment=attachment, owner=owner
            )
        path = delete_attachment(attachment, g.user)
        db.session.commit()
        remove_file(path)
        flash(str(_l("Вложение «%(name)s» удалено.", name=attachment.original_name)), "success")
        return redirect(_next_url() or url_for("AttachmentRegistryView.list"))


class VisibleAttachmentsFilter(BaseFilter):
    """Base filter of the register: only files of records the user may see."""

    name = "Visible attachments"
    arg_name = "vatt"

    def apply(self, query: Any, value: Any) -> Any:
        clause = visible_clause()
        return query if clause is None else query.filter(clause)


class AttachmentRegistryView(UpravaModelView):
    """All attachments (read only): for Admin and Supervisor, limited to records they see."""

    datamodel = UpravaInterface(Attachment)
    class_permission_name = REGISTRY_RESOURCE
    # Read only; FAB's generic /download/<filename> (UPLOAD_FOLDER) is not routed either.
    include_route_methods = {"list", "show"}
    base_filters = [["id", VisibleAttachmentsFilter, None]]
    list_title = _l("Вложения")
    show_title = _l("Вложение")
    label_columns = LABELS
    list_columns = ["download_link", "kind", "size", "entity_type", "entity_id", "uploaded_by", "uploaded_at"]
    show_columns = [
        "download_link",
        "kind",
        "note",
        "size",
        "content_type",
        "entity_type",
        "entity_id",
        "uploaded_by",
        "uploaded_at",
    ]
    search_columns = ["original_name", "note", "entity_type", "uploaded_by", "uploaded_at"]
    order_columns = ["kind", "size", "entity_type", "entity_id", "uploaded_at"]
    formatters_columns = {"kind": kind_label, "size": format_size, "note": lambda value: value or ""}
    base_order = ("uploaded_at", "desc")
