"""Real-browser tests: the real app on 127.0.0.1 with demo data, driven by Debian's chromium.

Run with `make e2e` (plain `make test` skips them: they carry the `e2e` marker). `make docs-shots`
runs the same scenarios with UPRAVA_SHOTS=1 and saves the user guide's screenshots.

One throwaway instance per session: a temp dir (UPRAVA_INSTANCE_DIR) and a temp SQLite file
(DATABASE_URL) built by `flask db upgrade`, `flask app init`, `flask app demo`, served by gunicorn
on a free port, with the background-jobs worker (`flask app worker`, its queue a SQLite file in
the instance dir) beside it, as `make run` has it. Scenarios share it, as clerks share the real
one: each creates its own records and never counts on another scenario's.

Every browser context is watched. A test fails when a page:
- requests anything from a host other than 127.0.0.1 (the panel runs on a closed intranet);
- logs a console error or throws a JavaScript error (a CSP violation is one);
- gets a 5xx answer.
A failing test leaves a screenshot of each of its pages in tests/e2e/artifacts/ (and the server log).

A domain adds a scenario in one short file, tests/e2e/test_<domain>_<what>.py:

    from playwright.sync_api import expect

    from .pages import open_menu, read_list

    def test_housing_officer_sees_the_waiting_list(page_as, shots):
        page = page_as("housing")                                 # signed in, on the home page
        open_menu(page, "Жилищный учёт", "Список очерёдности")    # the menu, as the user clicks it
        expect(page.locator("h1, .panel-heading").first).to_contain_text("Список очерёдности")
        assert {row["Список"] for row in read_list(page)} == {"Общий"}
        shots.take(page, "housing-waiting-list")                  # docs/guide/img/housing-waiting-list.png

Assert what the user reads (labels, messages, cell texts), never only that a page loaded; the
guide's chapter for the role (docs/guide/) shows the screenshots the scenario takes.

Other fixtures: `server` (base URL, instance dir), `new_page(username=None)` for a second
browser context (or to sign in through the form), `oracle` (the app in-process on the same
database). tests/e2e/pages.py holds what a user does and reads (`open_menu`, `choose`,
`type_date`, `add_filter`, `read_list`, `flash_messages`, `open_expecting_not_found` …);
tests/e2e/expected.py computes, with the oracle, what the user should see.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from .pages import sign_in

ROOT = Path(__file__).resolve().parents[2]
E2E_DIR = Path(__file__).resolve().parent
ARTIFACTS = E2E_DIR / "artifacts"
GUIDE_IMAGES = ROOT / "docs" / "guide" / "img"
CHROMIUM = os.environ.get("UPRAVA_CHROMIUM", "/usr/bin/chromium")
# Without these chromium calls Google hosts (updates, sync, field trials) and QUIC probes.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL_HOST = "127.0.0.1"
VIEWPORT = {"width": 1280, "height": 800}
TIMEZONE = "Asia/Novokuznetsk"  # the browser's clock agrees with the server's local day
TIMEOUT_MS = 15_000
GUNICORN = [
    *(sys.executable, "-m", "gunicorn", "--config", str(Path(__file__).with_name("gunicorn.conf.py"))),
    *("--workers", "2", "--threads", "4", "--access-logfile", "-"),
]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if E2E_DIR in item.path.parents:
            item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    # The context fixture's teardown reads it to decide on a screenshot.
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(autouse=True)
def pristine_database() -> Iterator[None]:
    """Replaces the unit suite's per-test restore: the browser scenarios share one served database."""
    yield


# ---- the served instance -------------------------------------------------------------------------


@dataclass(frozen=True)
class Server:
    url: str
    instance_dir: Path
    database_url: str


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((LOCAL_HOST, 0))
        return sock.getsockname()[1]


def _wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited ({process.returncode}):\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url + "/login/", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"the server did not answer in {timeout} s:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    instance = tmp_path_factory.mktemp("instance")
    database_url = f"sqlite:///{instance / 'uprava.sqlite'}"
    env = {
        **os.environ,
        "FLASK_APP": "run.py",
        "PYTHONPATH": str(ROOT),
        "UPRAVA_ENV": "development",  # demo data is refused elsewhere
        "UPRAVA_INSTANCE_DIR": str(instance),
        "DATABASE_URL": database_url,
        "UPRAVA_FILES_DIR": str(instance / "files"),
    }
    env.pop("TEST_DATABASE_URL", None)
    flask = [sys.executable, "-m", "flask"]
    for command in (["db", "upgrade"], ["app", "init"], ["app", "demo"]):
        done = subprocess.run([*flask, *command], cwd=ROOT, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"flask {' '.join(command)} failed:\n{(done.stdout + done.stderr)[-3000:]}")
    port = _free_port()
    url = f"http://{LOCAL_HOST}:{port}"
    log = instance / "server.log"
    worker_log = instance / "worker.log"
    with log.open("wb") as out, worker_log.open("wb") as worker_out:
        process = subprocess.Popen(
            [*GUNICORN, "--bind", f"{LOCAL_HOST}:{port}", "run:app"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        worker = subprocess.Popen(
            [*flask, "app", "worker", "--workers", "1"], cwd=ROOT, env=env, stdout=worker_out, stderr=subprocess.STDOUT
        )
    try:
        _wait_until_up(url, process, log)
        yield Server(url=url, instance_dir=instance, database_url=database_url)
    finally:
        # SIGINT: the worker finishes a running job first (huey's graceful stop).
        for child, stop in ((process, signal.SIGTERM), (worker, signal.SIGINT)):
            child.send_signal(stop)
            try:
                child.wait(timeout=20)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        ARTIFACTS.mkdir(exist_ok=True)
        shutil.copyfile(log, ARTIFACTS / "server.log")
        shutil.copyfile(worker_log, ARTIFACTS / "worker.log")


# ---- the browser ----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make e2e` installs Debian's chromium")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@dataclass
class Watch:
    """What one browser context did that a user must never see (checked when the test ends)."""

    foreign_requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    server_errors: list[str] = field(default_factory=list)
    #: URLs whose "Failed to load resource: … 404" console line a scenario expects.
    expected_not_found: set[str] = field(default_factory=set)

    def attach(self, context: BrowserContext) -> None:
        context.on("request", self._on_request)
        context.on("response", self._on_response)
        context.on("console", self._on_console)
        context.on("weberror", lambda error: self.console_errors.append(f"JavaScript error: {error.error}"))

    def _on_request(self, request: Any) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in ("data", "blob", "about"):
            return
        if parts.hostname != LOCAL_HOST:
            self.foreign_requests.append(request.url)

    def _on_response(self, response: Any) -> None:
        if response.status >= 500:
            self.server_errors.append(f"{response.status} {response.request.method} {response.url}")

    def _on_console(self, message: Any) -> None:
        if message.type != "error":
            return
        url = message.location.get("url", "")
        if url in self.expected_not_found and "404" in message.text:
            return
        self.console_errors.append(f"{message.text} ({url})")

    def problems(self) -> list[str]:
        return (
            [f"request to a foreign host: {url}" for url in self.foreign_requests]
            + [f"console error: {text}" for text in self.console_errors]
            + [f"server error: {line}" for line in self.server_errors]
        )


@pytest.fixture(scope="session")
def signed_in_states() -> dict[str, Path]:
    """username -> cookies of a session opened once through the login form (login throttling stays quiet)."""
    return {}


@pytest.fixture
def new_page(
    request: pytest.FixtureRequest,
    server: Server,
    browser: Browser,
    signed_in_states: dict[str, Path],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Callable[..., Page]]:
    """new_page() -> a page in a fresh browser context; new_page("appeals") -> signed in as appeals."""
    opened: list[tuple[BrowserContext, Watch]] = []

    def open_page(username: str | None = None) -> Page:
        state = signed_in_states.get(username) if username else None
        context = browser.new_context(
            base_url=server.url,
            viewport=VIEWPORT,
            locale="ru-RU",
            timezone_id=TIMEZONE,
            accept_downloads=True,
            storage_state=state,
        )
        context.set_default_timeout(TIMEOUT_MS)
        watch = Watch()
        watch.attach(context)
        opened.append((context, watch))
        page = context.new_page()
        page.uprava_watch = watch  # type: ignore[attr-defined]
        if username and state is None:
            sign_in(page, username)
            path = tmp_path_factory.getbasetemp() / f"state-{username}.json"
            context.storage_state(path=path)
            signed_in_states[username] = path
        elif username:
            page.goto("/")
        return page

    yield open_page

    failed = any(getattr(getattr(request.node, f"report_{when}", None), "failed", False) for when in ("setup", "call"))
    problems = [p for _context, watch in opened for p in watch.problems()]
    if failed or problems:
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.name)
        for number, (context, _watch) in enumerate(opened, start=1):
            for index, page in enumerate(context.pages, start=1):
                # A page that crashed or closed leaves no picture; the test's own error says why.
                with contextlib.suppress(PlaywrightError):
                    page.screenshot(path=ARTIFACTS / f"{name}-{number}-{index}.png", full_page=True)
    for context, _watch in opened:
        context.close()
    if problems:
        pytest.fail("the browser saw what a user must not:\n  " + "\n  ".join(problems), pytrace=False)


@pytest.fixture
def page_as(new_page: Callable[..., Page]) -> Callable[[str], Page]:
    """page_as("zavodskoy") -> a page signed in as that demo user, on the home page."""
    return lambda username: new_page(username)


# ---- guide screenshots ----------------------------------------------------------------------------


class Shots:
    """Named screenshots for the user guide, saved only under `make docs-shots` (UPRAVA_SHOTS=1)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def take(self, page: Page, name: str, full_page: bool = False) -> None:
        if not self.enabled:
            return
        GUIDE_IMAGES.mkdir(parents=True, exist_ok=True)
        # The mouse parked off the menus: no hover highlight or tooltip in the picture.
        page.mouse.move(0, VIEWPORT["height"] - 1)
        page.screenshot(path=GUIDE_IMAGES / f"{name}.png", full_page=full_page, animations="disabled")


@pytest.fixture(scope="session")
def shots() -> Shots:
    return Shots(os.environ.get("UPRAVA_SHOTS") == "1")


# ---- what the user should see, computed in-process on the same database ----------------------------


@pytest.fixture(scope="session")
def oracle(server: Server) -> Iterator[Any]:
    from app.extensions import db
    from tests.conftest import make_test_app

    application = make_test_app(server.database_url)
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()
