"""`flask app ...` commands: init (roles, permissions, reference data), demo, create-user, backup, restore, worker."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from .extensions import db

app_cli = AppGroup("app", help="Uprava administration commands.")


def initialise() -> dict[str, int]:
    """What `flask app init` does (also used by the tests): roles, permissions, reference data."""
    from .appeals.reference import seed as seed_appeals_reference
    from .core.calendar import seed as seed_calendar
    from .core.documents import seed as seed_documents
    from .core.numbering import seed as seed_numbering
    from .housing import seed as seed_housing_reference
    from .org.services import seed_reference
    from .plans import seed as seed_plans_reference
    from .security import sync_roles

    sync_roles(current_app.appbuilder)
    created = seed_reference()
    created["document templates"] = seed_documents()
    # Journals the domains declared (app/core/numbering); their counters are never reset.
    created["registration journals"] = seed_numbering()
    calendar = seed_calendar()
    created["calendar days"] = calendar["created"]
    created["deadline rules"] = calendar["rules"]
    created.update({f"appeals {what}": n for what, n in seed_appeals_reference().items()})
    from .control import seed as seed_control

    created.update(seed_control())
    created.update({f"plans {what}": n for what, n in seed_plans_reference().items()})
    created.update(seed_housing_reference())
    return created


@app_cli.command("init")
def init_command() -> None:
    """Sync built-in roles and permissions and load reference data (idempotent)."""
    created = initialise()
    db.session.commit()
    click.echo(
        "Roles and permissions synced; reference data: " + ", ".join(f"+{n} {what}" for what, n in created.items())
    )


@app_cli.command("demo")
def demo_command() -> None:
    """Load demo data (development only; refused in production)."""
    from .appeals.demo import load_demo_appeals
    from .demo import DEMO_PASSWORD, DEMO_USERS, load_demo
    from .events.demo import load_demo_events
    from .plans.demo import load_demo_plans

    try:
        created = load_demo()
    except RuntimeError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    # A year of appeals for the panel to show (the test fixtures load users only).
    appeals = load_demo_appeals()
    db.session.commit()
    from .control.demo import load_demo_control

    instructions = load_demo_control()
    db.session.commit()
    plan_items = load_demo_plans()
    db.session.commit()
    # The 2020 programme of the 75th anniversary of Victory and the honorary title's petitions.
    events = load_demo_events()
    db.session.commit()
    from .housing.demo import load_demo_housing

    households = load_demo_housing()
    db.session.commit()
    click.echo(
        f"Demo data loaded ({len(created)} new users, {appeals} new appeals, {instructions} new instructions,"
        f" {plan_items} new plan items, {events} new event records,"
        f" {households} new households)."
    )
    click.echo("Demo users (development only), all with password " + DEMO_PASSWORD + ":")
    for user in DEMO_USERS:
        click.echo(f"  {user.username:<11} {user.role}")


@app_cli.command("create-user")
@click.option("--username", required=True)
@click.option("--first-name", required=True)
@click.option("--last-name", required=True)
@click.option("--email", required=True)
@click.option("--role", required=True, help="Role name, e.g. Admin or AppealsClerk")
@click.password_option()
def create_user_command(username: str, first_name: str, last_name: str, email: str, role: str, password: str) -> None:
    """Create a user; the password policy applies here too (FAB's own command skips it)."""
    from flask_appbuilder.exceptions import PasswordComplexityValidationError

    from .security import password_complexity

    try:
        password_complexity(password)
    except PasswordComplexityValidationError as exc:
        raise click.ClickException(str(exc)) from exc
    sm = current_app.appbuilder.sm
    role_obj = sm.find_role(role)
    if role_obj is None:
        raise click.ClickException(f"Unknown role {role!r}; run `flask app init` first.")
    if sm.find_user(username=username) is not None:
        raise click.ClickException(f"User {username!r} already exists.")
    user = sm.add_user(username, first_name, last_name, email, role_obj, password)
    if not user:
        raise click.ClickException("User was not created (duplicate e-mail?).")
    click.echo(f"User {username} created with role {role}.")


@app_cli.command("backup")
@click.argument("target", type=click.Path(path_type=Path))
def backup_command(target: Path) -> None:
    """Back up the database and the files folder into one archive (TARGET: a directory or a file name)."""
    from .ops.backup import BackupError, create_backup

    try:
        summary = create_backup(target)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    rows = sum(summary.tables.values())
    click.echo(
        f"Backup written: {summary.path} ({summary.backend}, revision {summary.revision}, "
        f"{len(summary.tables)} tables, {rows} rows, {summary.files} files, {summary.files_bytes} bytes)"
    )


@app_cli.command("restore")
@click.argument("archive", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Replace a database and files folder that already hold data.")
def restore_command(archive: Path, force: bool) -> None:
    """Restore the database and the files folder from an archive made by `flask app backup`."""
    from .ops.backup import BackupError, restore_backup

    try:
        summary = restore_backup(archive, force=force)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    rows = sum(summary.tables.values())
    click.echo(
        f"Restored from {summary.path}: {summary.backend} database at revision {summary.revision} "
        f"({len(summary.tables)} tables, {rows} rows) and {summary.files} files ({summary.files_bytes} bytes)."
    )
    click.echo("Run `flask db upgrade` and `flask app init` if this release is newer than the backup.")


@app_cli.command("recount-months")
def recount_months_command() -> None:
    """Rebuild the lists' month counts from the rows: after a bulk load run with the triggers off.

    The worker recounts them daily and folds PostgreSQL's deltas every five minutes (core.month_counts).
    """
    from .core.month_counts import MONTH_COUNTS, keep_all
    from .extensions import db

    keep_all(db.session, full=True)
    db.session.commit()
    click.echo(f"Month counts recounted: {', '.join(c.table.name for c in MONTH_COUNTS.values())}.")


def register_cli(app: Flask) -> None:
    app.cli.add_command(app_cli)


@app_cli.command("worker")
@click.option("--workers", type=int, default=None, help="Jobs run at the same time (default: UPRAVA_JOBS_WORKERS, 2).")
def worker_command(workers: int | None) -> None:
    """Run the background jobs (imports, large exports) until stopped: `make run` and `make serve` start it."""
    import logging

    from .core.jobs.queue import run_worker

    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    run_worker(current_app, workers or current_app.config["JOBS_WORKERS"])
