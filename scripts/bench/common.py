"""What the benchmark scripts share: where the bench database is, its size, the bench users."""

from __future__ import annotations

import json
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BENCH_DIR = ROOT / "bench"
#: Fixed: the same data on every machine and every run.
SEED = 20260
#: Full size (the issue's city scale) and the quick mode used for before/after checks in a session.
FULL_ROWS = 1_000_000
QUICK_ROWS = 100_000
#: The bench users; a throwaway password for a throwaway database.
PASSWORD = "Bench-Uprava-2026!"
SUPERVISOR_LOGIN = "bench-supervisor"
DISTRICT_LOGIN = "bench-district"
#: Sees the applicants' personal data city-wide (the name search needs that right).
APPEALS_LOGIN = "bench-appeals"
#: A body clerk of the body most copies go to: his list is his body's appeals and the copies it got.
COPIES_LOGIN = "bench-copies"
#: A deputy head supervising a few bodies: his home page is «Мой контроль» over their appeals.
DEPUTY_LOGIN = "bench-deputy"
#: The bodies he supervises (codes; those of the demo deputy head).
DEPUTY_BODIES = ("kgkh", "udkh", "uzhil")
LOGINS = (SUPERVISOR_LOGIN, DISTRICT_LOGIN, APPEALS_LOGIN, COPIES_LOGIN, DEPUTY_LOGIN)
#: Share of appeals of which a copy goes to another body (59-ФЗ ст. 8 ч. 3), and where copies go.
COPY_SHARE = 0.10
COPY_BODIES = ("kumi", "kgkh", "kgzr", "kszn", "kon")
#: Appeals a year (a city of this size); the data span grows with the row count.
APPEALS_PER_YEAR = 50_000
LAST_YEAR = 2025


def database_url() -> str:
    url = os.environ.get("BENCH_DATABASE_URL")
    if not url:
        raise SystemExit("BENCH_DATABASE_URL is not set: run through `make bench-data` / `make bench`")
    return url


def dialect() -> str:
    return "postgresql" if database_url().startswith("postgresql") else "sqlite"


def rows_wanted() -> int:
    if os.environ.get("BENCH_ROWS"):
        return int(os.environ["BENCH_ROWS"])
    return QUICK_ROWS if os.environ.get("BENCH_QUICK") else FULL_ROWS


def meta_path() -> Path:
    return BENCH_DIR / f"meta-{dialect()}.json"


def read_meta() -> dict:
    path = meta_path()
    if not path.exists():
        raise SystemExit(f"{path} is missing: run `make bench-data` first")
    return json.loads(path.read_text())


def bench_environment() -> dict[str, str]:
    """The environment of the app under test: production config on the bench database."""
    return {
        "UPRAVA_ENV": "production",
        "DATABASE_URL": database_url(),
        "SECRET_KEY": "bench-only-not-a-secret-0123456789abcdef",
        "UPRAVA_INSTANCE_DIR": str(BENCH_DIR / "instance"),
        # The export case measures the direct download of a long list (see cases.py).
        "UPRAVA_EXPORT_JOB_ROWS": "10000000",
    }
