"""An upload waits between the steps under <files>/imports/<id>.*: the file, who uploaded it, its report.

The id is random; the upload belongs to its uploader and to one domain's import (any other user,
or another import's pages, get 404). Uploads nobody finished are removed after a day. The files
folder is shared by every web process and the worker (UPRAVA_FILES_DIR on shared storage).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import time
from pathlib import Path
from typing import Any

from flask import abort

from ..attachments.services import files_dir

#: Uploads nobody finished mapping are removed after this long.
KEEP_SECONDS = 24 * 60 * 60
_ID_RE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


def workdir() -> Path:
    path = files_dir() / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def upload_path(upload_id: str, suffix: str) -> Path:
    """A file of an upload; 404 for an id that cannot be one of ours."""
    if not _ID_RE.match(upload_id or ""):
        abort(404)
    return workdir() / f"{upload_id}.{suffix}"


def write_json(path: Path, data: Any) -> None:
    # Written aside and renamed: a reader in another process never sees half a file.
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def purge_old() -> None:
    limit = time.time() - KEEP_SECONDS
    for path in workdir().iterdir():
        try:
            if path.stat().st_mtime < limit:
                path.unlink(missing_ok=True)
        except FileNotFoundError:  # removed by another process meanwhile
            pass


def save_upload(data: bytes, filename: str, user_id: int, import_name: str) -> str:
    """Keep an upload for the next steps; its id."""
    purge_old()
    upload_id = secrets.token_urlsafe(18)
    upload_path(upload_id, "data").write_bytes(data)
    meta = {
        "user_id": user_id,
        "import": import_name,
        "filename": filename,
        "sha256": hashlib.sha256(data).hexdigest(),
    }
    write_json(upload_path(upload_id, "meta.json"), meta)
    return upload_id


def upload_meta(upload_id: str, user_id: int | None, import_name: str) -> dict[str, Any]:
    """The upload's description if it is this user's for this import, else 404."""
    path = upload_path(upload_id, "meta.json")
    if not path.exists():
        abort(404)
    meta = read_json(path)
    if meta.get("user_id") != user_id or meta.get("import") != import_name:
        abort(404)
    return meta


def load_upload(upload_id: str, user_id: int | None, import_name: str) -> tuple[dict[str, Any], bytes]:
    """The uploader's own file (404: someone else's id, another import's, or already imported)."""
    meta = upload_meta(upload_id, user_id, import_name)
    data_path = upload_path(upload_id, "data")
    if not data_path.exists():
        abort(404)
    return meta, data_path.read_bytes()
