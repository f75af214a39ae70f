"""Backup and restore: the database and the files folder in one archive with a checksummed manifest.

SQLite is copied with its online backup API (consistent while the panel keeps working);
PostgreSQL with pg_dump -Fc / pg_restore. The files folder (attachments, uploaded templates,
generated documents) goes beside it: a database without its files is half a backup.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import Engine, MetaData, func, inspect, select, text
from sqlalchemy.engine import make_url

from ..extensions import db

FORMAT = 1
MANIFEST = "manifest.json"
FILES_PREFIX = "files/"
DB_MEMBERS = {"sqlite": "database.sqlite", "postgresql": "database.dump"}


class BackupError(RuntimeError):
    """A backup or restore that cannot proceed; the message says why (shown by the CLI)."""


@dataclass
class BackupSummary:
    """What an archive holds (or what a restore put back)."""

    path: Path
    backend: str
    revision: str | None
    tables: dict[str, int] = field(default_factory=dict)
    files: int = 0
    files_bytes: int = 0


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def files_root() -> Path:
    """The files folder: UPRAVA_FILES_DIR or <instance>/files (where attachments and documents live)."""
    configured = current_app.config.get("UPRAVA_FILES_DIR")
    return Path(configured) if configured else Path(current_app.instance_path) / "files"


def _backend(engine: Engine) -> str:
    name = engine.url.get_backend_name()
    if name not in DB_MEMBERS:
        raise BackupError(f"unsupported database backend {name!r}")
    return name


def table_counts(engine: Engine) -> dict[str, int]:
    """Rows per table of the live database."""
    meta = MetaData()
    meta.reflect(engine)
    with engine.connect() as conn:
        return {name: conn.scalar(select(func.count()).select_from(t)) for name, t in sorted(meta.tables.items())}


def _revision(engine: Engine) -> str | None:
    if not inspect(engine).has_table("alembic_version"):
        return None
    with engine.connect() as conn:
        return conn.scalar(text("SELECT version_num FROM alembic_version"))


def _sqlite_path(engine: Engine) -> Path:
    database = engine.url.database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up or restored")
    return Path(database)


def _pg_tool(name: str) -> str:
    """pg_dump/pg_restore: PG_BIN_DIR, else the PATH, else the newest Debian cluster's bin directory."""
    configured = current_app.config.get("PG_BIN_DIR") or os.environ.get("PG_BIN_DIR")
    if configured:
        return str(Path(configured) / name)
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), key=lambda p: int(p.parts[-3]))
    if not candidates:
        raise BackupError(f"{name} not found: install the PostgreSQL client tools or set PG_BIN_DIR")
    return str(candidates[-1])


def _pg_args(engine: Engine) -> tuple[list[str], dict[str, str]]:
    """Connection arguments and environment for the PostgreSQL tools (the password never on the command line)."""
    url = make_url(str(engine.url.render_as_string(hide_password=False)))
    args = ["--dbname", url.database or ""]
    if url.host:
        args += ["--host", url.host]
    if url.port:
        args += ["--port", str(url.port)]
    if url.username:
        args += ["--username", url.username]
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip()[-2000:]}")


def _dump_database(engine: Engine, backend: str, out: Path) -> None:
    if backend == "sqlite":
        source = sqlite3.connect(_sqlite_path(engine))
        target = sqlite3.connect(out)
        try:
            with target:
                source.backup(target)
        finally:
            target.close()
            source.close()
    else:
        args, env = _pg_args(engine)
        _run([_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", "--file", str(out), *args], env)


def default_archive_name(now: dt.datetime | None = None) -> str:
    now = now or dt.datetime.now(dt.UTC)
    return f"uprava-backup-{now:%Y%m%d-%H%M%S}.tar.gz"


def create_backup(target: Path) -> BackupSummary:
    """Write one archive: the database, every file of the files folder, and manifest.json with checksums.

    `target` is a directory (a dated archive name is chosen) or the archive's file name. An existing
    archive is never overwritten.
    """
    engine = db.engine
    backend = _backend(engine)
    path = target / default_archive_name() if target.is_dir() else target
    if path.exists():
        raise BackupError(f"{path} already exists")
    path.parent.mkdir(parents=True, exist_ok=True)
    root = files_root()
    summary = BackupSummary(path=path, backend=backend, revision=_revision(engine), tables=table_counts(engine))
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".uprava-backup-") as tmp:
        dump = Path(tmp) / DB_MEMBERS[backend]
        # Database first, files second: a file uploaded meanwhile is only an extra file in the archive,
        # while the other order would leave the new upload's row without its file.
        _dump_database(engine, backend, dump)
        entries: dict[str, dict[str, Any]] = {
            DB_MEMBERS[backend]: {"size": dump.stat().st_size, "sha256": _sha256(dump)}
        }
        files = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else []
        for file in files:
            entries[FILES_PREFIX + file.relative_to(root).as_posix()] = {
                "size": file.stat().st_size,
                "sha256": _sha256(file),
            }
        summary.files = len(files)
        summary.files_bytes = sum(e["size"] for name, e in entries.items() if name.startswith(FILES_PREFIX))
        manifest = {
            "format": FORMAT,
            "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "backend": backend,
            "database": DB_MEMBERS[backend],
            "alembic_revision": summary.revision,
            "tables": summary.tables,
            "entries": entries,
        }
        manifest_path = Path(tmp) / MANIFEST
        manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
        partial = path.with_name(path.name + ".part")
        partial.touch(mode=0o600)  # citizens' personal data: readable by the service account only
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(manifest_path, MANIFEST)
            archive.add(dump, DB_MEMBERS[backend])
            for file in files:
                archive.add(file, FILES_PREFIX + file.relative_to(root).as_posix())
        partial.rename(path)  # a crash mid-write never leaves a file that looks like a backup
    return summary


def _read_manifest(archive: tarfile.TarFile) -> dict[str, Any]:
    try:
        member = archive.extractfile(MANIFEST)
    except KeyError:
        member = None
    if member is None:
        raise BackupError("not an Uprava backup: manifest.json is missing")
    manifest = json.loads(member.read())
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unsupported backup format {manifest.get('format')!r}")
    return manifest


def _extract_verified(archive_path: Path, into: Path) -> dict[str, Any]:
    """Unpack into `into` and check every entry against the manifest (nothing missing, extra or altered)."""
    with tarfile.open(archive_path, "r:*") as archive:
        manifest = _read_manifest(archive)
        names = {m.name for m in archive.getmembers() if m.isfile()} - {MANIFEST}
        expected = set(manifest["entries"])
        if names != expected:
            raise BackupError(
                f"archive does not match its manifest: missing {sorted(expected - names)[:5]}, "
                f"unexpected {sorted(names - expected)[:5]}"
            )
        # The "data" filter refuses absolute paths, links out of the folder and device files.
        archive.extractall(into, members=[m for m in archive.getmembers() if m.name in expected], filter="data")
    for name, entry in manifest["entries"].items():
        if _sha256(into / name) != entry["sha256"]:
            raise BackupError(f"checksum mismatch for {name}: the archive is damaged")
    return manifest


def _database_is_empty(engine: Engine) -> bool:
    return not inspect(engine).get_table_names()


def _restore_database(engine: Engine, backend: str, dump: Path, *, replace: bool) -> None:
    db.session.remove()
    engine.dispose()  # no pooled connection may keep the old file or hold a lock
    if backend == "sqlite":
        source = sqlite3.connect(dump)
        target = sqlite3.connect(_sqlite_path(engine))
        try:
            source.backup(target)  # replaces every page of the target database
        finally:
            target.close()
            source.close()
    else:
        args, env = _pg_args(engine)
        clean = ["--clean", "--if-exists"] if replace else []
        command = [_pg_tool("pg_restore"), "--no-owner", "--no-privileges", "--single-transaction"]
        _run([*command, "--exit-on-error", *clean, *args, str(dump)], env)
    engine.dispose()


def _replace_files(source: Path, root: Path) -> None:
    root.parent.mkdir(parents=True, exist_ok=True)
    old = root.with_name(f".{root.name}-replaced")
    if old.exists():
        shutil.rmtree(old)
    if root.exists():
        root.rename(old)
    if source.exists():
        shutil.move(str(source), root)
    else:
        root.mkdir()
    if old.exists():
        shutil.rmtree(old)


def restore_backup(archive_path: Path, *, force: bool = False) -> BackupSummary:
    """Put back the database and the files folder from an archive made by create_backup.

    The archive is verified in full first. A database with tables or a non-empty files folder is
    overwritten only with `force`: a restore replaces everything written since the backup.
    """
    if not archive_path.is_file():
        raise BackupError(f"{archive_path} not found")
    engine = db.engine
    backend = _backend(engine)
    root = files_root()
    root.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=root.parent, prefix=".uprava-restore-") as tmp:
        manifest = _extract_verified(archive_path, Path(tmp))
        if manifest["backend"] != backend:
            raise BackupError(
                f"the archive holds a {manifest['backend']} database; this panel runs on {backend} "
                "(restore into the same kind of database)"
            )
        has_data = not _database_is_empty(engine)
        has_files = root.is_dir() and any(root.iterdir())
        if (has_data or has_files) and not force:
            what = " and ".join(
                w for w, present in (("the database", has_data), ("the files folder", has_files)) if present
            )
            raise BackupError(f"{what} already hold data; restoring replaces it — repeat with --force to proceed")
        _restore_database(engine, backend, Path(tmp) / manifest["database"], replace=has_data)
        _replace_files(Path(tmp) / FILES_PREFIX.rstrip("/"), root)
    files = [name for name in manifest["entries"] if name.startswith(FILES_PREFIX)]
    return BackupSummary(
        path=archive_path,
        backend=backend,
        revision=_revision(engine),
        tables=table_counts(engine),
        files=len(files),
        files_bytes=sum(manifest["entries"][name]["size"] for name in files),
    )
