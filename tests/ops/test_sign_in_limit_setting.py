"""The per-address sign-in limit is a setting: an office behind one address (and `make load`'s 200 clerks on
127.0.0.1) may raise it; the default stays 60 a minute."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import make_test_app

ROOT = Path(__file__).resolve().parents[2]


def _configured_limit(value: str | None) -> str:
    env = {k: v for k, v in os.environ.items() if k != "UPRAVA_AUTH_RATE_LIMIT_PER_ADDRESS"}
    if value is not None:
        env["UPRAVA_AUTH_RATE_LIMIT_PER_ADDRESS"] = value
    # config.py reads the environment once, at import: a fresh interpreter sees the variable.
    code = "import config; print(config.ProductionConfig.AUTH_RATE_LIMIT_PER_ADDRESS)"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def test_the_per_address_limit_is_60_a_minute_unless_the_environment_raises_it():
    assert _configured_limit(None) == "60 per minute"
    assert _configured_limit("10000 per minute") == "10000 per minute"


def _sign_ins_from_one_address(app, count: int) -> list[int]:
    client = app.test_client()
    # Different names (no per-name throttle, no lock-out): only the per-address limit can refuse them.
    return [
        client.post("/login/", data={"username": f"clerk{n}", "password": "wrong"}).status_code for n in range(count)
    ]


def test_the_61st_sign_in_from_one_address_within_a_minute_is_refused_by_default(database_url, app):
    codes = _sign_ins_from_one_address(make_test_app(database_url), 61)
    assert codes[:60] == [302] * 60
    assert codes[60] == 429


def test_a_raised_per_address_limit_lets_a_whole_office_sign_in_from_one_address(database_url, app):
    raised = make_test_app(database_url, AUTH_RATE_LIMIT_PER_ADDRESS="200 per minute")
    codes = _sign_ins_from_one_address(raised, 61)
    assert codes == [302] * 61
