"""The import case of `make bench`: a real XLSX register imported through the services, with history.

The file (scripts/bench/import_file.py) has BENCH_IMPORT_ROWS rows — by default one fiftieth of
the bench's appeals: 20,000 at full size (the issue's target: ≤ 20 s, ≥ 1,000 rows/s on PostgreSQL),
2,000 in the quick mode. It is read, checked and loaded exactly as the import job does it (the
same code: app/core/imports), in-process, as the bench's appeals clerk, in one transaction that is
then rolled back, so the bench database stays as `make bench-data` made it. Printed: the seconds
of each step, rows per second, and the machine's load average (the figure depends on it).

    python -m scripts.bench.imports      # alone, through scripts/bench/with-db.sh
"""

from __future__ import annotations

import os
import sys
import time

from scripts.bench.common import APPEALS_LOGIN, bench_environment, dialect, rows_wanted
from scripts.bench.import_file import appeals_xlsx

TARGET_ROWS_PER_SECOND = 1000
EXECUTORS = tuple(f"bench-executor-{n}" for n in range(1, 21))


def import_rows() -> int:
    if os.environ.get("BENCH_IMPORT_ROWS"):
        return int(os.environ["BENCH_IMPORT_ROWS"])
    return min(20_000, max(500, rows_wanted() // 50))


def measure_import(rows: int) -> dict[str, float]:
    """Seconds of reading, checking and loading `rows` rows (rolled back afterwards)."""
    os.environ.update(bench_environment())
    from flask import g

    from app import create_app
    from app.appeals.imports import APPEALS_IMPORT
    from app.core.imports import Options, check, guess_mapping, load, read_sheet
    from app.extensions import db
    from app.security import current_visibility

    data = appeals_xlsx(rows, EXECUTORS)
    app = create_app("production")
    with app.test_request_context():
        from flask_appbuilder.security.sqla.models import User
        from sqlalchemy import select

        # As the job has him: loaded by id, his roles not loaded with him.
        g.user = g._login_user = db.session.scalar(select(User).where(User.username == APPEALS_LOGIN))
        started = time.perf_counter()
        sheet = read_sheet(data, "Реестр.xlsx", APPEALS_IMPORT.known_headers())
        read = time.perf_counter()
        plan = check(APPEALS_IMPORT, sheet, Options(guess_mapping(APPEALS_IMPORT, sheet)), current_visibility())
        checked = time.perf_counter()
        if plan.problems:
            raise SystemExit(f"the bench's import file has bad rows, e.g. {plan.problems[:3]}")
        batch = load(APPEALS_IMPORT, plan, filename="Реестр.xlsx", sha256="0" * 64, user=g.user)
        db.session.flush()
        loaded = time.perf_counter()
        imported = batch.imported
        db.session.rollback()
    if imported != rows:
        raise SystemExit(f"imported {imported} of {rows} rows: were they loaded before (not rolled back)?")
    return {
        "read": read - started,
        "check": checked - read,
        "load": loaded - checked,
        "total": loaded - started,
        "load_average": os.getloadavg()[0],
    }


def import_case_line(db: str) -> str:
    """The case as a row of the bench's table."""
    rows = import_rows()
    print(f"  Импорт XLSX: {_n(rows)} строк", file=sys.stderr)
    t = measure_import(rows)
    rate = rows / t["total"]
    detail = f"чтение {t['read']:.1f} с, проверка {t['check']:.1f} с, загрузка {t['load']:.1f} с"
    met = ("да" if rate >= TARGET_ROWS_PER_SECOND else "нет") if db == "postgresql" else "—"
    line = (
        f"| Импорт XLSX, {_n(rows)} строк ({detail}; нагрузка машины {t['load_average']:.1f}) "
        f"| {_n(round(t['total'] * 1000))} | {_n(round(rate))} строк/с | | | | | "
        f"≥ {_n(TARGET_ROWS_PER_SECOND)} строк/с (postgresql) | {met} |"
    )
    print(line, file=sys.stderr)
    return line


def _n(number: int) -> str:
    return f"{number:,}".replace(",", " ")


if __name__ == "__main__":
    print(import_case_line(dialect()))
