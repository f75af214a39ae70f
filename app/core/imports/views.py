"""The import pages every domain gets: upload → column mapping → background job → result or error report.

A domain subclasses `ImportView` with its spec, route and permission resource:

    class AppealImportView(ImportView):
        spec = APPEALS_IMPORT
        route_base = "/appeals/import"
        class_permission_name = "AppealImport"

and registers it with `register_import_view(appbuilder, AppealImportView, label=..., category=...)`.
"""

from __future__ import annotations

import hashlib
import io
from typing import TYPE_CHECKING, Any

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

from ...extensions import db
from ...security import WRITE, can_see_personal_data, is_admin, request_user
from ..attachments.files import sanitize_filename
from ..dates import local_now, utcnow
from ..errors import DomainError
from ..export import XLSX_MIMETYPE, attachment
from ..jobs import Job, JobAlreadyRunning, job_state, start_job
from .checking import Options, guess_mapping, mapping_headers, unmatched_values
from .job import kind_name, lock_key, register_import_job
from .models import ImportBatch, ImportMapping
from .reading import Sheet, read_sheet
from .report import report_xlsx
from .spec import ImportSpec, register_import
from .uploads import load_upload, read_json, save_upload, upload_meta, upload_path, write_json

if TYPE_CHECKING:
    from flask_appbuilder import AppBuilder

#: Rows of the report shown on the page; the XLSX always has every row.
REPORT_ROWS_SHOWN = 1000
#: The user's recent imports listed on the upload page.
RECENT_IMPORTS = 10


class UploadForm(FlaskForm):
    file = FileField(
        _l("Файл (XLSX или CSV)"),
        validators=[FileRequired(_l("Выберите файл XLSX или CSV"))],
        description=_l(
            "Первая строка таблицы — заголовки столбцов; даты — ДД.ММ.ГГГГ. CSV — в UTF-8 или Windows-1251, "
            "разделитель «;» или «,»."
        ),
    )


class MappingForm(FlaskForm):
    save_as = StringField(
        _l("Сохранить схему под именем"),
        validators=[Optional(), Length(max=128)],
        description=_l("Например, «Выгрузка ПОС»: в следующий раз схему можно будет выбрать из списка"),
    )


def value_field(key: str, spelling: str) -> str:
    """The form field of one value to map: stable for a spelling whatever the columns' order (a digest)."""
    return f"val_{key}_{hashlib.sha1(spelling.encode()).hexdigest()[:12]}"


def _mapping_form(spec: ImportSpec, sheet: Sheet, unmatched: dict[str, dict[str, str]]) -> type[MappingForm]:
    choices = [("", gettext("— не загружать —")), *((str(c.index), c.header) for c in sheet.columns)]
    # Optional: a column left out of the request means "not loaded", as the empty choice does.
    fields: dict[str, Any] = {
        f"col_{target.key}": SelectField(target.label, choices=choices, validators=[Optional()])
        for target in spec.fields
    }
    for target in spec.fields:
        if target.default is not None:
            fields[f"default_{target.key}"] = SelectField(target.default.label, validators=[Optional()])
    # The value mapping: each of the file's values a look-up does not know, labelled as the file spells it.
    for key, spellings in unmatched.items():
        for spelling, text in spellings.items():
            fields[value_field(key, spelling)] = SelectField(text, validators=[Optional()])
    return type("ImportMappingForm", (MappingForm,), fields)


def _entry_choices(spec: ImportSpec, lookups: Any, key: str) -> list[tuple[str, str]]:
    """What a value may be mapped to: the look-up's entries by name."""
    table = lookups[spec.by_key[key].lookup or key]
    return sorted(((str(i), str(entry)) for i, entry in table.by_id.items()), key=lambda c: c[1].lower())


def _fill_choices(
    spec: ImportSpec, form: MappingForm, unmatched: dict[str, dict[str, str]] | None = None, lookups: Any = None
) -> None:
    for key, spellings in (unmatched or {}).items():
        choices = [("", gettext("— нет в справочнике (строки будут отклонены) —")), *_entry_choices(spec, lookups, key)]
        for spelling in spellings:
            form[value_field(key, spelling)].choices = choices
    for target in spec.fields:
        if target.default is not None:
            form[f"default_{target.key}"].choices = [
                ("", "—"),
                *((str(i), name) for i, name in target.default.choices()),
            ]


def _form_options(spec: ImportSpec, form: MappingForm) -> tuple[dict[str, int | None], dict[str, int]]:
    """(field → column, field → id of its default entry) as the user chose them; a default not offered is dropped."""
    mapping = {t.key: int(form[f"col_{t.key}"].data) if form[f"col_{t.key}"].data else None for t in spec.fields}
    defaults = {}
    for target in spec.fields:
        if target.default is None:
            continue
        value = form[f"default_{target.key}"].data
        offered = {str(i) for i, _name in target.default.choices()}
        if value and value in offered:
            defaults[target.key] = int(value)
    return mapping, defaults


def _form_values(form: MappingForm, unmatched: dict[str, dict[str, str]]) -> dict[str, dict[str, int]]:
    """The value mapping as the user chose it: field → {normalised spelling → id of the entry}."""
    values: dict[str, dict[str, int]] = {}
    for key, spellings in unmatched.items():
        for spelling in spellings:
            field_ = form[value_field(key, spelling)]
            offered = {value for value, _label in field_.choices or ()}
            if field_.data and field_.data in offered:
                values.setdefault(key, {})[spelling] = int(field_.data)
    return values


def _submitted_mapping(spec: ImportSpec, sheet: Sheet) -> dict[str, int | None]:
    """The columns as posted (read before the form is built: the values to map follow from them)."""
    count = len(sheet.columns)
    mapping: dict[str, int | None] = {}
    for target in spec.fields:
        raw = request.form.get(f"col_{target.key}", "")
        mapping[target.key] = int(raw) if raw.isdecimal() and int(raw) < count else None
    return mapping


class ImportView(BaseView):
    """Upload, map the columns, then check and import the whole file in a background job."""

    #: Set by the domain's subclass.
    spec: ImportSpec
    default_view = "upload"
    method_permission_name = dict.fromkeys(("upload", "mapping", "progress", "report", "result", "sample"), WRITE)
    upload_template = "imports/upload.html"
    mapping_template = "imports/mapping.html"
    result_template = "imports/result.html"

    def _name(self) -> str:
        return type(self).__name__

    # ---- step 1: the file ------------------------------------------------------------------

    @expose("/", methods=["GET", "POST"])
    @has_access
    def upload(self) -> Any:
        form = UploadForm()
        if form.validate_on_submit():
            data = form.file.data.read()
            filename = sanitize_filename(form.file.data.filename)
            try:
                read_sheet(data, filename, self.spec.known_headers())
            except DomainError as exc:
                form.file.errors.append(str(exc))
            else:
                upload_id = save_upload(data, filename, request_user().id, self.spec.name)
                return redirect(url_for(f"{self._name()}.mapping", import_id=upload_id))
        recent = db.session.scalars(
            select(Job)
            .where(Job.kind == kind_name(self.spec), Job.user_id == request_user().id)
            .order_by(Job.id.desc())
            .limit(RECENT_IMPORTS)
        ).all()
        return self.render_template(
            self.upload_template,
            title=self.spec.title,
            spec=self.spec,
            form=form,
            recent=[(job, job_state(job)) for job in recent],
            view_name=self._name(),
        )

    @expose("/sample")
    @has_access
    def sample(self) -> Any:
        if self.spec.sample is None:
            abort(404)
        response = send_file(
            io.BytesIO(self.spec.sample.read_bytes()),
            mimetype="text/csv",
            as_attachment=True,
            download_name="sample.csv",
        )
        return attachment(response, self.spec.sample_name)

    # ---- step 2: the mapping, then the job ---------------------------------------------------

    def _chosen_mapping(self, sheet: Sheet) -> ImportMapping | None:
        """The saved mapping the user picked, else the latest one whose every column is in this file."""
        saved = select(ImportMapping).where(ImportMapping.import_name == self.spec.name)
        picked = request.args.get("mapping", type=int)
        if picked is not None:
            return db.session.scalar(saved.where(ImportMapping.id == picked))
        headers = {c.header for c in sheet.columns}
        ordered = db.session.scalars(saved.order_by(ImportMapping.changed_at.desc(), ImportMapping.id.desc()))
        return next((m for m in ordered if m.columns and set(m.columns.values()) <= headers), None)

    def _initial(self, sheet: Sheet, saved: ImportMapping | None, guessed: dict[str, int | None]) -> dict[str, Any]:
        data: dict[str, Any] = {f"col_{key}": "" if index is None else str(index) for key, index in guessed.items()}
        if saved is not None:
            for key, entry_id in (saved.defaults or {}).items():
                data[f"default_{key}"] = str(entry_id or "")
            # The value mapping chosen last time is offered again.
            for key, chosen in (saved.values or {}).items():
                for spelling, entry_id in chosen.items():
                    data[value_field(key, spelling)] = str(entry_id or "")
            data["save_as"] = saved.name
        return data

    def _save_mapping(
        self,
        name: str,
        sheet: Sheet,
        mapping: dict[str, int | None],
        defaults: dict[str, int],
        values: dict[str, dict[str, int]] | None = None,
    ) -> None:
        """Save (or replace) a named mapping of this import: flushes, the caller commits."""
        saved = db.session.scalar(
            select(ImportMapping).where(ImportMapping.import_name == self.spec.name, ImportMapping.name == name)
        )
        if saved is None:
            saved = ImportMapping(import_name=self.spec.name, name=name)
            db.session.add(saved)
        saved.columns = mapping_headers(sheet, mapping)
        saved.defaults = defaults
        # Values of earlier files stay: the next file of the same register spells them again.
        merged = {key: dict(chosen) for key, chosen in (saved.values or {}).items()}
        for key, chosen in (values or {}).items():
            merged.setdefault(key, {}).update(chosen)
        saved.values = merged
        saved.changed_at = utcnow()
        db.session.flush()

    @expose("/<import_id>/map", methods=["GET", "POST"])
    @has_access
    def mapping(self, import_id: str) -> Any:
        meta, data = load_upload(import_id, request_user().id, self.spec.name)
        try:
            sheet = read_sheet(data, meta["filename"], self.spec.known_headers())
        except DomainError as exc:
            flash(str(exc), "danger")
            return redirect(url_for(f"{self._name()}.upload"))
        saved = None
        lookups = self.spec.lookups()
        if request.method == "POST":
            columns = _submitted_mapping(self.spec, sheet)
        else:
            saved = self._chosen_mapping(sheet)
            columns = guess_mapping(self.spec, sheet, saved.columns if saved is not None else None)
        # The value mapping follows the columns chosen: a reference column's values the look-up lacks.
        unmatched = unmatched_values(self.spec, sheet, columns, lookups)
        form_class = _mapping_form(self.spec, sheet, unmatched)
        form = form_class() if request.method == "POST" else form_class(data=self._initial(sheet, saved, columns))
        _fill_choices(self.spec, form, unmatched, lookups)
        if form.validate_on_submit():
            mapping, defaults = _form_options(self.spec, form)
            values = _form_values(form, unmatched)
            name = (form.save_as.data or "").strip()
            if name:
                self._save_mapping(name, sheet, mapping, defaults, values)
                db.session.commit()
            # Values the user has not been shown yet (the columns changed): ask before importing.
            unseen = [value_field(k, v) for k, spellings in unmatched.items() for v in spellings]
            unseen = [f for f in unseen if f not in request.form]
            if request.form.get("action") == "save":
                if name:
                    flash(gettext("Схема «%(name)s» сохранена", name=name), "success")
                else:
                    form.save_as.errors = [gettext("Укажите имя схемы")]
            elif unseen:
                flash(
                    gettext("В файле есть значения, которых нет в справочниках: сопоставьте их ниже и загрузите снова"),
                    "warning",
                )
            else:
                job = self._start(import_id, meta, mapping, defaults, name or None, values)
                if job is not None:
                    return redirect(url_for(f"{self._name()}.result", pk=job.id))
        mappings = db.session.scalars(
            select(ImportMapping).where(ImportMapping.import_name == self.spec.name).order_by(ImportMapping.name)
        ).all()
        return self.render_template(
            self.mapping_template,
            title=gettext("%(title)s: сопоставление столбцов", title=self.spec.title),
            spec=self.spec,
            form=form,
            sheet=sheet,
            # The first rows may hold personal data.
            preview=sheet.rows[:3] if can_see_personal_data() or not self.spec.personal_data else [],
            filename=meta["filename"],
            import_id=import_id,
            mappings=mappings,
            saved=saved,
            unmatched=unmatched,
            value_field=value_field,
            view_name=self._name(),
        )

    def _start(
        self,
        import_id: str,
        meta: dict[str, Any],
        mapping: dict[str, int | None],
        defaults: dict[str, int],
        name: str | None,
        values: dict[str, dict[str, int]] | None = None,
    ) -> Job | None:
        upload_path(import_id, "report.json").unlink(missing_ok=True)
        params = {
            "upload": import_id,
            "mapping": mapping,
            "defaults": defaults,
            "mapping_name": name,
            "values": values or {},
        }
        title = gettext("%(title)s: «%(file)s»", title=self.spec.title, file=meta["filename"])
        try:
            job = start_job(kind_name(self.spec), title, params, lock_key=lock_key(self.spec, meta["sha256"]))
        except JobAlreadyRunning:
            flash(gettext("Этот файл уже загружается: дождитесь окончания"), "warning")
            return None
        # The upload's page of progress (its id) finds the job through it.
        meta_path = upload_path(import_id, "meta.json")
        if meta_path.exists():
            write_json(meta_path, {**meta, "job": job.id})
        return job

    # ---- step 3: progress, then the result or the report -------------------------------------

    def _job(self, pk: int) -> Job:
        job = db.session.get(Job, pk)
        user = request_user()
        if job is None or job.kind != kind_name(self.spec) or (job.user_id != user.id and not is_admin(user)):
            abort(404)
        return job

    @expose("/<import_id>/progress")
    @has_access
    def progress(self, import_id: str) -> Any:
        meta = upload_meta(import_id, request_user().id, self.spec.name)
        job = db.session.get(Job, meta["job"]) if meta.get("job") else None
        return jsonify(job_state(job) if job is not None else {"status": "none", "finished": False})

    @expose("/<import_id>/report.xlsx")
    @has_access
    def report(self, import_id: str) -> Any:
        meta = upload_meta(import_id, request_user().id, self.spec.name)
        path = upload_path(import_id, "report.json")
        if not path.exists():
            abort(404)
        content = report_xlsx(read_json(path), meta["filename"])
        response = send_file(io.BytesIO(content), mimetype=XLSX_MIMETYPE, as_attachment=True, download_name="x.xlsx")
        return attachment(response, gettext("Ошибки загрузки %(date)s.xlsx", date=f"{local_now():%d.%m.%Y}"))

    @expose("/result/<int:pk>")
    @has_access
    def result(self, pk: int) -> Any:
        job = self._job(pk)
        state = job_state(job)
        result = job.result or {}
        batch = db.session.get(ImportBatch, result["batch"]) if job.status == "done" and result.get("batch") else None
        problems: list[dict[str, Any]] = []
        upload_id = result.get("upload")
        if job.status == "failed" and upload_id and job.user_id == request_user().id:
            path = upload_path(upload_id, "report.json")
            if path.exists():
                problems = read_json(path)
        return self.render_template(
            self.result_template,
            title=job.title,
            spec=self.spec,
            job=job,
            state=state,
            batch=batch,
            problems=problems[:REPORT_ROWS_SHOWN],
            problem_count=len(problems),
            upload_id=upload_id,
            view_name=self._name(),
        )


def register_import_view(appbuilder: AppBuilder, view: type[ImportView], name: str, **menu: Any) -> None:
    """Register a domain's import: its spec, its background job kind, its pages.

    `menu` are app.core.menus.add_view's arguments: label, category (a declared category), icon, group.
    """
    from .. import menus

    register_import(view.spec)
    register_import_job(view.spec, view.__name__)
    menus.add_view(appbuilder, view, name, **menu)


__all__ = ["ImportView", "Options", "register_import_view"]
