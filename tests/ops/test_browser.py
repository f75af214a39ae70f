"""The real pages in headless Chromium under the nonce-based CSP: no console errors, no violations."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

from app.demo import DEMO_PASSWORD
from app.extensions import db
from tests.conftest import make_test_app
from tests.ops.test_backup import _register

pytest.importorskip("playwright")
from scripts.ui.browse import CHROMIUM, walk

if not Path(CHROMIUM).exists():
    pytest.skip(f"{CHROMIUM} (Debian's chromium) is not installed", allow_module_level=True)

INLINE_SCRIPT = "<!doctype html><html><body><script>document.title = 'injected';</script></body></html>"


@pytest.fixture(scope="session")
def browsed_app(app: Flask, database_url: str) -> Flask:
    """An app of its own: the probe route must be added before the app serves its first request."""
    application = make_test_app(database_url)
    # A page with an inline script lacking the nonce: proves that the walk notices a violation.
    application.add_url_rule("/csp-probe", "csp_probe", lambda: INLINE_SCRIPT)
    return application


@pytest.fixture
def live_server(browsed_app: Flask) -> Iterator[str]:
    app = browsed_app
    with app.app_context():
        for n in range(3):
            _register(f"Обращение для проверки страниц {n}")
        db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


def test_every_page_works_under_the_csp_and_a_page_breaking_it_is_caught(live_server):
    """One walk (Chromium is slow on two shared cores): every real page clean, the probe page reported."""
    result = walk(live_server, "admin", DEMO_PASSWORD, extra=("/csp-probe",))
    real = [p for p in result.problems if not p.startswith("/csp-probe")]
    assert real == []
    assert any("Content Security Policy" in p for p in result.problems if p.startswith("/csp-probe")), result.problems
    assert {"/appealview/add", "/appeals/reports/results", "/users/list/", "/swagger/v1"} <= set(result.visited)
    assert any(path.startswith("/appeals/actions/") for path in result.visited)
