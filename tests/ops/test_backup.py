"""`flask app backup` / `restore`: the database and the files folder come back identical."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import tarfile
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import MetaData, create_engine, select, text
from sqlalchemy.engine import make_url

from app.appeals.models import Appeal
from app.appeals.reference.models import Channel
from app.appeals.services import QuestionInput, register_appeal
from app.core.attachments.services import add_attachment
from app.core.documents.services import generate_document
from app.extensions import db
from app.org.models import District
from app.org.services import body_by_code
from tests.conftest import make_test_app
from tests.core.documents.conftest import official_of
from tests.core.test_attachment_files import PDF, png_bytes


def database_contents(url: str) -> dict[str, list[tuple]]:
    """Every table's rows, in a stable order: what "identical data" means."""
    engine = create_engine(url)
    meta = MetaData()
    meta.reflect(engine)
    with engine.connect() as conn:
        contents = {
            name: sorted((tuple(row) for row in conn.execute(select(table))), key=repr)
            for name, table in meta.tables.items()
        }
    engine.dispose()
    return contents


def files_of(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in root.rglob("*")
        if p.is_file()
    }


@pytest.fixture
def files_root(app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "files"
    monkeypatch.setitem(app.config, "UPRAVA_FILES_DIR", str(root))
    return root


def _register(summary: str) -> Appeal:
    return register_appeal(
        channel=db.session.scalar(select(Channel).where(Channel.code == "letter")),
        received_date=dt.date(2026, 3, 2),
        reg_date=dt.date(2026, 3, 2),
        summary=summary,
        receiving_body=body_by_code("appeals"),
        questions=[QuestionInput("0005.0005.0055.1122")],
        applicant_last_name="Петрова",
    )


@pytest.fixture
def records_with_files(app: Flask, files_root: Path) -> None:
    """Appeals with a scanned letter and a photo, and a generated document: rows and files that belong together."""
    with app.app_context():
        admin = app.appbuilder.sm.find_user(username="admin")
        for n in range(3):
            appeal = _register(f"Ремонт кровли дома {n}")
            add_attachment(appeal, io.BytesIO(PDF), f"Письмо {n}.pdf", user=admin)
        add_attachment(appeal, io.BytesIO(png_bytes()), "Фото.png", user=admin)
        generate_document("org_official_card", official_of("zavodskoy"), admin)
        db.session.commit()


def _backup(app: Flask, target: Path) -> Path:
    result = app.test_cli_runner().invoke(args=["app", "backup", str(target)])
    assert result.exit_code == 0, result.output
    archives = sorted(target.glob("uprava-backup-*.tar.gz")) if target.is_dir() else [target]
    assert len(archives) == 1
    return archives[0]


def _change_everything(app: Flask, root: Path) -> None:
    with app.app_context():
        _register("Обращение после копии")
        db.session.execute(text("UPDATE org_district SET name = name || ' (переименован)'"))
        db.session.commit()
    victim = next(p for p in root.rglob("*") if p.is_file())
    victim.unlink()
    (root / "stray.txt").write_text("written after the backup")


def test_round_trip_restores_identical_rows_in_every_table_and_identical_files(
    app, database_url, files_root, records_with_files, tmp_path
):
    before, files_before = database_contents(database_url), files_of(files_root)
    assert len(files_before) == 5  # four attachments and one generated document
    archive = _backup(app, tmp_path)

    _change_everything(app, files_root)
    assert database_contents(database_url) != before
    result = app.test_cli_runner().invoke(args=["app", "restore", str(archive), "--force"])

    assert result.exit_code == 0, result.output
    assert "5 files" in result.output
    assert database_contents(database_url) == before
    assert files_of(files_root) == files_before
    with app.app_context():
        assert db.session.scalar(select(District.name).where(District.code == "central")) == "Центральный"


def test_restore_over_existing_data_is_refused_without_force_and_changes_nothing(
    app, database_url, files_root, records_with_files, tmp_path
):
    archive = _backup(app, tmp_path)
    _change_everything(app, files_root)
    changed, changed_files = database_contents(database_url), files_of(files_root)

    result = app.test_cli_runner().invoke(args=["app", "restore", str(archive)])

    assert result.exit_code != 0
    assert "already hold data" in result.output and "--force" in result.output
    assert database_contents(database_url) == changed
    assert files_of(files_root) == changed_files


def test_manifest_lists_every_file_with_its_checksum_and_the_row_counts(app, files_root, records_with_files, tmp_path):
    archive = _backup(app, tmp_path / "nightly.tar.gz")
    with tarfile.open(archive) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())
        stored = {m.name for m in tar.getmembers()}
    files = {name[len("files/") :]: e["sha256"] for name, e in manifest["entries"].items() if name.startswith("files/")}
    assert files == files_of(files_root)
    assert manifest["tables"]["appeals_appeal"] == 3
    assert manifest["alembic_revision"]
    assert archive.stat().st_mode & 0o777 == 0o600  # personal data: the service account only
    assert stored == {"manifest.json", manifest["database"], *(f"files/{name}" for name in files)}


def test_a_damaged_archive_is_refused_before_anything_is_touched(
    app, database_url, files_root, records_with_files, tmp_path
):
    archive = _backup(app, tmp_path / "good.tar.gz")
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive) as src, tarfile.open(damaged, "w:gz") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read()
            if member.name.endswith(".pdf") or member.name.startswith("files/attachments"):
                data = data[:-1] + b"X"
            member.size = len(data)
            dst.addfile(member, io.BytesIO(data))
    before, files_before = database_contents(database_url), files_of(files_root)

    result = app.test_cli_runner().invoke(args=["app", "restore", str(damaged), "--force"])

    assert result.exit_code != 0
    assert "checksum mismatch" in result.output
    assert database_contents(database_url) == before
    assert files_of(files_root) == files_before


@pytest.fixture
def empty_database_url(database_url: str, tmp_path: Path):
    """A second, empty database of the same kind (a new server being set up)."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.sqlite'}"
        return
    name = f"{url.database}_restore"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_restore_onto_a_new_server_needs_no_force_and_reports_what_it_restored(
    app, database_url, files_root, records_with_files, tmp_path, empty_database_url
):
    archive = _backup(app, tmp_path)
    fresh_files = tmp_path / "new-server-files"
    fresh = make_test_app(empty_database_url, UPRAVA_FILES_DIR=str(fresh_files))

    result = fresh.test_cli_runner().invoke(args=["app", "restore", str(archive)])

    assert result.exit_code == 0, result.output
    assert "Restored from" in result.output and "5 files" in result.output
    assert database_contents(empty_database_url) == database_contents(database_url)
    assert files_of(fresh_files) == files_of(files_root)
    with fresh.app_context():
        db.engine.dispose()
