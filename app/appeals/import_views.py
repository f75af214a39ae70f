"""Import of appeals in the UI: upload → column mapping → whole-file check → one-transaction import.

Between the steps the upload waits under <files>/imports/<import id>.* (the id is random and the
file belongs to its uploader). Progress is a small JSON file beside it, written outside the database
transaction, so any worker of the host can answer the page's polling while the import runs.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import secrets
import time
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

import xlsxwriter
from flask import abort, flash, jsonify, redirect, request, send_file, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import select
from wtforms import SelectField, StringField
from wtforms.validators import Length, Optional

from ..core.attachments.files import sanitize_filename
from ..core.attachments.services import files_dir
from ..core.dates import local_now, utcnow
from ..core.errors import DomainError
from ..core.export import XLSX_MIMETYPE, attachment
from ..extensions import db
from ..org.models import Body
from ..security import WRITE, can_see_personal_data, current_visibility, is_admin, request_user
from .importer import FIELDS, Options, Sheet, guess_mapping, import_plan, mapping_headers, read_sheet, validate
from .models import AppealImport, ImportMapping
from .reference.classifier import ImportProblem
from .reference.models import Channel

if TYPE_CHECKING:
    from flask_appbuilder import AppBuilder

RESOURCE = "AppealImport"
SAMPLE = Path(__file__).resolve().parent / "data" / "appeals_import_sample.csv"
#: Uploads nobody finished mapping are removed after this long.
KEEP_SECONDS = 24 * 60 * 60
#: A lock whose import has not reported progress for this long belongs to a worker that died.
STALE_LOCK_SECONDS = 10 * 60
#: Rows of the report shown on the page; the XLSX always has every row.
REPORT_ROWS_SHOWN = 1000
_ID_RE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


# ---- the files of one import ----------------------------------------------------------------


def _workdir() -> Path:
    path = files_dir() / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _path(import_id: str, suffix: str) -> Path:
    if not _ID_RE.match(import_id):
        abort(404)
    return _workdir() / f"{import_id}.{suffix}"


def _write_json(path: Path, data: Any) -> None:
    # Written aside and renamed: a reader in another worker never sees half a file.
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)


def _purge_old() -> None:
    limit = time.time() - KEEP_SECONDS
    for path in _workdir().iterdir():
        if path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)


def _save_upload(data: bytes, filename: str) -> str:
    _purge_old()
    import_id = secrets.token_urlsafe(18)
    _path(import_id, "data").write_bytes(data)
    meta = {"user_id": request_user().id, "filename": filename, "sha256": hashlib.sha256(data).hexdigest()}
    _write_json(_path(import_id, "meta.json"), meta)
    return import_id


def _load_upload(import_id: str) -> tuple[dict[str, Any], bytes]:
    """The uploader's own file, or 404 (someone else's id, or already imported)."""
    meta_path, data_path = _path(import_id, "meta.json"), _path(import_id, "data")
    if not meta_path.exists() or not data_path.exists():
        abort(404)
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    if meta["user_id"] != request_user().id:
        abort(404)
    return meta, data_path.read_bytes()


def _owner_check(import_id: str) -> None:
    meta_path = _path(import_id, "meta.json")
    if not meta_path.exists() or json.loads(meta_path.read_text(encoding="utf-8"))["user_id"] != request_user().id:
        abort(404)


def _create(lock: Path) -> bool:
    try:
        os.close(os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        return False
    return True


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except FileNotFoundError:
        return 0.0


def _take_lock(lock: Path, progress: Path) -> bool:
    """One import of one upload at a time, whichever worker receives a second click."""
    if _create(lock):
        return True
    if time.time() - max(_mtime(lock), _mtime(progress)) < STALE_LOCK_SECONDS:
        return False
    # The worker that held it was stopped mid-import (its transaction rolled back): start afresh.
    lock.unlink(missing_ok=True)
    return _create(lock)


class ProgressFile:
    """The stage and row counts of a running check/import, for the page to poll."""

    def __init__(self, import_id: str) -> None:
        self.path = _path(import_id, "progress.json")

    def __call__(self, stage: str, done: int, total: int) -> None:
        _write_json(self.path, {"stage": stage, "done": done, "total": total})


# ---- forms --------------------------------------------------------------------------------


class UploadForm(FlaskForm):
    file = FileField(
        _l("Файл с обращениями (XLSX или CSV)"),
        validators=[FileRequired(_l("Выберите файл XLSX или CSV"))],
        description=_l(
            "Первая строка таблицы — заголовки столбцов; даты — ДД.ММ.ГГГГ. CSV — в UTF-8 или Windows-1251, "
            "разделитель «;» или «,»."
        ),
    )


class MappingForm(FlaskForm):
    default_channel = SelectField(_l("Канал по умолчанию"), validators=[Optional()])
    default_body = SelectField(_l("Орган-получатель по умолчанию"), validators=[Optional()])
    save_as = StringField(
        _l("Сохранить схему под именем"),
        validators=[Optional(), Length(max=128)],
        description=_l("Например, «Выгрузка ПОС»: в следующий раз схему можно будет выбрать из списка"),
    )


def _mapping_form(sheet: Sheet) -> type[MappingForm]:
    choices = [("", gettext("— не загружать —")), *((str(c.index), c.header) for c in sheet.columns)]
    # Optional: a column left out of the request means "not loaded", as the empty choice does.
    fields = {
        f"col_{target.key}": SelectField(target.label, choices=choices, validators=[Optional()]) for target in FIELDS
    }
    return type("AppealImportMappingForm", (MappingForm,), fields)


def _visible_bodies() -> list[Body]:
    vis = current_visibility()
    query = select(Body).where(Body.is_active.is_(True), Body.is_external.is_(False)).order_by(Body.name)
    if not vis.everything:
        query = query.where(Body.id.in_(sorted(vis.body_ids)))
    return list(db.session.scalars(query))


def _fill_choices(form: MappingForm) -> None:
    channels = db.session.scalars(select(Channel).where(Channel.is_active.is_(True)).order_by(Channel.sort_order))
    form.default_channel.choices = [("", "—"), *((str(c.id), c.name) for c in channels)]
    form.default_body.choices = [("", "—"), *((str(b.id), b.name) for b in _visible_bodies())]


def _chosen_mapping(sheet: Sheet) -> ImportMapping | None:
    """The saved mapping the user picked, else the latest one whose every column is in this file."""
    picked = request.args.get("mapping", type=int)
    if picked is not None:
        return db.session.get(ImportMapping, picked)
    headers = {c.header for c in sheet.columns}
    saved = db.session.scalars(select(ImportMapping).order_by(ImportMapping.changed_at.desc(), ImportMapping.id.desc()))
    return next((m for m in saved if m.columns and set(m.columns.values()) <= headers), None)


def _initial(sheet: Sheet, saved: ImportMapping | None) -> dict[str, Any]:
    guessed = guess_mapping(sheet, saved.columns if saved is not None else None)
    data: dict[str, Any] = {f"col_{key}": "" if index is None else str(index) for key, index in guessed.items()}
    if saved is not None:
        data["default_channel"] = str(saved.default_channel_id or "")
        data["default_body"] = str(saved.default_body_id or "")
        data["save_as"] = saved.name
    return data


def _options(form: MappingForm, sheet: Sheet) -> Options:
    mapping = {t.key: int(form[f"col_{t.key}"].data) if form[f"col_{t.key}"].data else None for t in FIELDS}
    channel_id, body_id = form.default_channel.data, form.default_body.data
    body = db.session.get(Body, int(body_id)) if body_id else None
    if body is not None and body not in _visible_bodies():
        body = None
    return Options(
        mapping=mapping,
        default_channel=db.session.get(Channel, int(channel_id)) if channel_id else None,
        default_body=body,
    )


def _save_mapping(name: str, sheet: Sheet, options: Options) -> ImportMapping:
    """Save (or replace) a named mapping: flushes, the view commits."""
    mapping = db.session.scalar(select(ImportMapping).where(ImportMapping.name == name))
    if mapping is None:
        mapping = ImportMapping(name=name)
        db.session.add(mapping)
    mapping.columns = mapping_headers(sheet, options.mapping)
    mapping.default_channel = options.default_channel
    mapping.default_body = options.default_body
    mapping.changed_at = utcnow()
    db.session.flush()
    return mapping


def report_xlsx(problems: list[dict[str, Any]], filename: str) -> bytes:
    """The refused rows as a spreadsheet: row, column, value, reason."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet(gettext("Ошибки"))
    bold = book.add_format({"bold": True})
    header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    sheet.write_string(0, 0, gettext("Файл «%(name)s» не загружен: ошибки в строках", name=filename), bold)
    labels = [gettext("Строка"), gettext("Столбец"), gettext("Значение"), gettext("Ошибка")]
    for col, label in enumerate(labels):
        sheet.write_string(1, col, label, header)
    for row, problem in enumerate(problems, start=2):
        if problem["row"] is not None:
            sheet.write_number(row, 0, problem["row"])
        # Explicit string writers: a cell starting with "=" stays text, never a formula.
        sheet.write_string(row, 1, problem["column"])
        sheet.write_string(row, 2, problem["value"])
        sheet.write_string(row, 3, problem["reason"])
    for col, width in enumerate((8, 30, 30, 80)):
        sheet.set_column(col, col, width)
    sheet.freeze_panes(2, 0)
    book.close()
    return buffer.getvalue()


class AppealImportView(BaseView):
    """Upload, map the columns, check the whole file, import it in one transaction."""

    route_base = "/appeals/import"
    default_view = "upload"
    class_permission_name = RESOURCE
    method_permission_name = dict.fromkeys(("upload", "mapping", "progress", "report", "result", "sample"), WRITE)

    @expose("/", methods=["GET", "POST"])
    @has_access
    def upload(self) -> Any:
        form = UploadForm()
        if form.validate_on_submit():
            data = form.file.data.read()
            filename = sanitize_filename(form.file.data.filename)
            try:
                read_sheet(data, filename)
            except DomainError as exc:
                form.file.errors.append(str(exc))
            else:
                return redirect(url_for(f"{type(self).__name__}.mapping", import_id=_save_upload(data, filename)))
        user = request_user()
        recent = db.session.scalars(
            select(AppealImport).where(AppealImport.user_id == user.id).order_by(AppealImport.id.desc()).limit(10)
        ).all()
        return self.render_template(
            "appeals/import/upload.html", title=_l("Загрузка обращений из файла"), form=form, recent=recent
        )

    @expose("/sample")
    @has_access
    def sample(self) -> Any:
        response = send_file(
            io.BytesIO(SAMPLE.read_bytes()), mimetype="text/csv", as_attachment=True, download_name="sample.csv"
        )
        return attachment(response, "Образец загрузки обращений.csv")

    @expose("/<import_id>/map", methods=["GET", "POST"])
    @has_access
    def mapping(self, import_id: str) -> Any:
        meta, data = _load_upload(import_id)
        try:
            sheet = read_sheet(data, meta["filename"])
        except DomainError as exc:
            flash(str(exc), "danger")
            return redirect(url_for(f"{type(self).__name__}.upload"))
        form_class = _mapping_form(sheet)
        saved = None
        if request.method == "POST":
            form = form_class()
        else:
            saved = _chosen_mapping(sheet)
            form = form_class(data=_initial(sheet, saved))
        _fill_choices(form)
        problems: list[ImportProblem] = []
        if form.validate_on_submit():
            options = _options(form, sheet)
            name = (form.save_as.data or "").strip()
            if name:
                _save_mapping(name, sheet, options)
                db.session.commit()
            if request.form.get("action") == "save":
                if name:
                    flash(gettext("Схема «%(name)s» сохранена", name=name), "success")
                else:
                    form.save_as.errors = [gettext("Укажите имя схемы")]
            else:
                outcome = self._run(import_id, meta, sheet, options, name or None)
                if isinstance(outcome, AppealImport):
                    return redirect(url_for(f"{type(self).__name__}.result", pk=outcome.id))
                problems = outcome
        mappings = db.session.scalars(select(ImportMapping).order_by(ImportMapping.name)).all()
        return self.render_template(
            "appeals/import/mapping.html",
            title=_l("Загрузка обращений: сопоставление столбцов"),
            form=form,
            fields=FIELDS,
            sheet=sheet,
            # The first rows hold applicants' personal data.
            preview=sheet.rows[:3] if can_see_personal_data() else [],
            filename=meta["filename"],
            import_id=import_id,
            mappings=mappings,
            saved=saved,
            problems=problems[:REPORT_ROWS_SHOWN],
            problem_count=len(problems),
        )

    def _run(
        self, import_id: str, meta: dict[str, Any], sheet: Sheet, options: Options, mapping_name: str | None
    ) -> AppealImport | list[ImportProblem]:
        """Check, then import in one transaction; the problems, or the journal row of the import."""
        lock = _path(import_id, "lock")
        if not _take_lock(lock, _path(import_id, "progress.json")):
            flash(gettext("Этот файл уже загружается: дождитесь окончания"), "warning")
            return []
        progress = ProgressFile(import_id)
        progress("validate", 0, len(sheet.rows))
        try:
            plan = validate(sheet, options, current_visibility(), progress)
            problems = plan.problems
            if not problems:
                try:
                    batch = import_plan(
                        plan,
                        filename=meta["filename"],
                        sha256=meta["sha256"],
                        user=request_user(),
                        total_rows=len(sheet.rows),
                        mapping_name=mapping_name,
                        progress=progress,
                    )
                    db.session.commit()
                except DomainError as exc:
                    db.session.rollback()
                    problems = [ImportProblem(getattr(exc, "params", {}).get("row"), "", "", str(exc))]
                else:
                    progress("done", batch.imported, batch.imported)
                    for suffix in ("data", "report.json"):
                        _path(import_id, suffix).unlink(missing_ok=True)
                    return batch
            db.session.rollback()
            _write_json(_path(import_id, "report.json"), [asdict(p) for p in problems])
            progress("failed", len(problems), len(sheet.rows))
            return problems
        finally:
            lock.unlink(missing_ok=True)

    @expose("/<import_id>/progress")
    @has_access
    def progress(self, import_id: str) -> Any:
        _owner_check(import_id)
        path = _path(import_id, "progress.json")
        state = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {"stage": "wait"}
        return jsonify(state)

    @expose("/<import_id>/report.xlsx")
    @has_access
    def report(self, import_id: str) -> Any:
        meta, _data = _load_upload(import_id)
        path = _path(import_id, "report.json")
        if not path.exists():
            abort(404)
        content = report_xlsx(json.loads(path.read_text(encoding="utf-8")), meta["filename"])
        response = send_file(io.BytesIO(content), mimetype=XLSX_MIMETYPE, as_attachment=True, download_name="x.xlsx")
        return attachment(response, f"Ошибки загрузки {local_now():%d.%m.%Y}.xlsx")

    @expose("/result/<int:pk>")
    @has_access
    def result(self, pk: int) -> Any:
        batch = db.session.get(AppealImport, pk)
        if batch is None or (batch.user_id != request_user().id and not is_admin()):
            abort(404)
        return self.render_template("appeals/import/result.html", title=_l("Загрузка обращений завершена"), batch=batch)


def register(appbuilder: AppBuilder) -> None:
    """The import page in the «Обращения» menu (clerks who register appeals, and Admin)."""
    from ..core import menus

    menus.add_view(
        appbuilder,
        AppealImportView,
        "AppealImport",
        label=_l("Загрузка обращений из файла"),
        icon="fa-file-import",
        category=menus.APPEALS,
    )
