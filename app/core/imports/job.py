"""An import runs as a background job: read, check the whole file, load it in one transaction.

One kind of job per registered import (`import:<name>`). The job runs as the user who started
it (his row scope decides what the file may contain; his name is on every history entry). A
refused file leaves its problems beside the upload (<upload>.report.json) for the result page
and the XLSX report; a loaded file's upload is removed (it cannot be imported twice from there).
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask import g, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from ...security import current_visibility
from ..errors import DomainError
from ..jobs import JobContext, JobKind, JobRefused, register_job_kind
from .checking import Options, check
from .loading import load
from .reading import ImportProblem, read_sheet
from .spec import IMPORTS, ImportSpec
from .uploads import read_json, upload_path, write_json

STAGES = {
    "read": _l("Чтение файла"),
    "validate": _l("Проверка строк"),
    "import": _l("Загрузка записей"),
}


class UploadGone(DomainError):
    message = _l("Загруженный файл больше недоступен (прошло больше суток?): загрузите его снова")


def kind_name(spec: ImportSpec) -> str:
    return f"import:{spec.name}"


def lock_key(spec: ImportSpec, sha256: str) -> str:
    """One import of one file (by its content) at a time, whoever starts it."""
    return f"import:{spec.name}:{sha256}"


def options_from(
    spec: ImportSpec, mapping: dict[str, Any], defaults: dict[str, Any], values: dict[str, Any] | None = None
) -> Options:
    """The user's choices as the job stored them (ids), back to entries (a default no longer allowed is dropped)."""
    chosen = {}
    for key, entry_id in (defaults or {}).items():
        spec_field = spec.by_key.get(key)
        if spec_field is not None and spec_field.default is not None and entry_id is not None:
            entry = spec_field.default.load(int(entry_id))
            if entry is not None:
                chosen[key] = entry
    return Options(
        mapping={
            key: (int(index) if index is not None else None) for key, index in mapping.items() if key in spec.by_key
        },
        defaults=chosen,
        # The value mapping: ids of look-up entries (a `Row` takes only an id its look-up has).
        value_map={
            key: {str(text): int(entry_id) for text, entry_id in (chosen_values or {}).items() if entry_id}
            for key, chosen_values in (values or {}).items()
            if key in spec.by_key
        },
    )


def run_import(spec: ImportSpec, ctx: JobContext) -> dict[str, Any]:
    """The work of an import job (see the module docstring)."""
    params = ctx.params
    upload_id = params["upload"]
    meta_path, data_path = upload_path(upload_id, "meta.json"), upload_path(upload_id, "data")
    if not meta_path.exists() or not data_path.exists():
        raise UploadGone()
    meta = read_json(meta_path)
    if meta.get("user_id") != ctx.user_id or meta.get("import") != spec.name:
        raise UploadGone()
    ctx.progress("read", 0, None)
    sheet = read_sheet(data_path.read_bytes(), meta["filename"], spec.known_headers())
    options = options_from(spec, params.get("mapping") or {}, params.get("defaults") or {}, params.get("values") or {})
    plan = check(spec, sheet, options, current_visibility(), ctx.progress)
    problems = plan.problems
    if not problems:
        try:
            batch = load(
                spec,
                plan,
                filename=meta["filename"],
                sha256=meta["sha256"],
                user=g.get("user"),
                mapping_name=params.get("mapping_name"),
                job_id=ctx.job_id,
                progress=ctx.progress,
            )
        except DomainError as exc:
            problems = [ImportProblem(getattr(exc, "params", {}).get("row"), "", "", str(exc))]
        else:
            for suffix in ("data", "report.json"):
                upload_path(upload_id, suffix).unlink(missing_ok=True)
            return {
                "batch": batch.id,
                "filename": meta["filename"],
                "rows": batch.rows,
                "imported": batch.imported,
                "skipped": batch.skipped,
                "upload": upload_id,
            }
    write_json(upload_path(upload_id, "report.json"), [asdict(p) for p in problems])
    raise JobRefused(
        gettext(
            "Ничего не загружено: в файле есть ошибки (%(count)s). Исправьте их и загрузите файл снова.",
            count=len(problems),
        ),
        result={"problems": len(problems), "rows": plan.total, "filename": meta["filename"], "upload": upload_id},
    )


def register_import_job(spec: ImportSpec, view_name: str) -> JobKind:
    """The job kind of an import; its page is the import view's result page."""

    def run(ctx: JobContext) -> dict[str, Any]:
        return run_import(IMPORTS[spec.name], ctx)

    return register_job_kind(
        JobKind(
            kind_name(spec),
            run,
            stages=STAGES,
            page=lambda job: url_for(f"{view_name}.result", pk=job.id),
        )
    )
