"""`make bench`: the real app against a plain-FAB baseline, same data, same run, over loopback.

Both apps are served by gunicorn (two sync workers each; Uprava with its production
config). Locust drives them, one case at a time and one app at a time (the machine has
few cores): BENCH_USERS virtual users (default 2), each logged in once at the start of
the run, hit the case's URL for BENCH_SECONDS. Per case: median and p95 of both apps,
the ratio of the medians, and whether the issue's target is met. Then the worker's peak
RSS after the list cases, and the heavy cases (the XLSX export, with the worker's peak
memory during it). The table is printed and written to bench/results-<db>.md.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import re
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

import gevent
import locust  # noqa: F401  (first: it monkey-patches the standard library for gevent)
import psutil
import requests
from locust import FastHttpUser, constant, task
from locust.env import Environment
from locust.exception import StopUser

# The app under test's environment before anything imports it: a domain's cases module may import
# the app's models (scripts/bench/housing.py), and config.py reads DATABASE_URL once, at import —
# the in-process import case would otherwise open the default instance database.
from scripts.bench.common import bench_environment as _bench_environment

os.environ.update(_bench_environment())

from scripts.bench.cases import CASES, HEAVY_CASES, Case, FormPost, keep_data_set, values
from scripts.bench.common import (
    BENCH_DIR,
    LOGINS,
    PASSWORD,
    ROOT,
    SUPERVISOR_LOGIN,
    bench_environment,
    dialect,
    read_meta,
)
from scripts.bench.imports import import_case_line

SECONDS = float(os.environ.get("BENCH_SECONDS", "15"))
USERS = int(os.environ.get("BENCH_USERS", "2"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
#: Only the cases whose name matches this regular expression (case-insensitive): a developer's loop.
ONLY = re.compile(os.environ.get("BENCH_ONLY", ""), re.IGNORECASE)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """A gunicorn serving one app on a free loopback port."""

    def __init__(self, name: str, target: str, env: dict[str, str]) -> None:
        self.name = name
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
        # One log per app and database: a PostgreSQL run must not overwrite the SQLite run's log.
        self.log_path = BENCH_DIR / f"gunicorn-{name}-{dialect()}.log"
        log = open(self.log_path, "w")  # noqa: SIM115 (closed with the process)
        # gunicorn reads ./gunicorn.conf.py by default, whose max_requests recycles workers in
        # production: mid-run that would restart them, and «peak RSS» would cover only the
        # replacements. The bench keeps its workers for the whole run.
        self.process = subprocess.Popen(
            [
                gunicorn,
                "-w",
                str(WORKERS),
                "-b",
                f"127.0.0.1:{self.port}",
                "--timeout",
                "600",
                "--max-requests",
                "0",
                target,
            ],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT), **env},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 120
        while True:
            try:
                if requests.get(self.url + "/login/", timeout=60).status_code == 200:
                    break
            except (requests.ConnectionError, requests.Timeout):
                pass
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.stop()
                raise RuntimeError(f"{name} did not start: see bench/gunicorn-{name}-{dialect()}.log")
            time.sleep(0.3)

    def workers(self) -> list[psutil.Process]:
        return psutil.Process(self.process.pid).children()

    def reset_peak(self) -> None:
        for worker in self.workers():
            # Linux: writing 5 resets the peak RSS (VmHWM) of a process.
            with open(f"/proc/{worker.pid}/clear_refs", "w") as handle:
                handle.write("5")

    def peak_mb(self) -> float:
        peaks = []
        for worker in self.workers():
            with open(f"/proc/{worker.pid}/status") as handle:
                kb = next(int(line.split()[1]) for line in handle if line.startswith("VmHWM:"))
            peaks.append(kb / 1024)
        return max(peaks)

    def log_size(self) -> int:
        return self.log_path.stat().st_size

    def server_times(self, since: int, method: str, path: str, prefix: bool = False) -> list[float]:
        """The app's own time (ms) for each request of `method` on `path` logged after byte `since`.

        `prefix`: on any path below `path` (a save posts to each user's own card, /appealview/edit/<id>).

        The request log (app/ops/logs.py) times a request from its first hook to its answer: without
        the client, the connection and the queue before a busy worker.
        """
        times = []
        with open(self.log_path, encoding="utf-8") as handle:
            handle.seek(since)
            for line in handle:
                if not line.startswith("{"):
                    continue
                try:
                    entry = json.loads(line)
                except ValueError:
                    continue
                logged = entry.get("path") or ""
                on_path = logged.startswith(path) if prefix else logged == path
                if on_path and entry.get("method") == method and entry.get("duration_ms"):
                    times.append(entry["duration_ms"])
        return times

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def login(url: str, username: str) -> str:
    """Log in through the form (CSRF token included); the session cookie's value.

    Production sets the cookie Secure: over plain loopback HTTP it is sent explicitly.
    """
    page = requests.get(url + "/login/", timeout=30)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text)
    cookie = f"session={page.cookies.get('session')}"
    response = requests.post(
        url + "/login/",
        data={"csrf_token": token.group(1) if token else "", "username": username, "password": PASSWORD},
        headers={"Cookie": cookie},
        allow_redirects=False,
        timeout=30,
    )
    session = response.cookies.get("session")
    if response.status_code != 302 or not session:
        raise RuntimeError(f"login of {username} at {url} failed ({response.status_code})")
    return f"session={session}"


@dataclass
class Result:
    times: list[float]
    errors: int

    @property
    def median(self) -> float | None:
        return statistics.median(self.times) if self.times else None

    @property
    def p95(self) -> float | None:
        if not self.times:
            return None
        ordered = sorted(self.times)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def csrf_token(url: str, cookie: str) -> str:
    """The session's CSRF token, as the list page's export form carries it."""
    page = requests.get(url + "/appealview/list/", headers={"Cookie": cookie}, timeout=600).text
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def measure(
    server: Server,
    cookies: list[str],
    path: str,
    expect: str,
    requests_: int | None,
    method: str = "GET",
    form: FormPost | None = None,
    status: int = 200,
) -> Result:
    """Drive one URL with locust users (each with its own logged-in session) for SECONDS, or N requests.

    A POST (an export: issue 12a) carries the session's CSRF token, read beforehand from the list page.
    A form POST (a save) is built before each request by `form` (cases.py), from pages the user reads
    first (an edit form's current version): those reads are not timed.
    """
    times: list[float] = []
    errors: list[str] = []
    users = 1 if requests_ else USERS
    deadline = time.monotonic() + (3600 if requests_ else SECONDS)
    pool = [(cookie, csrf_token(server.url, cookie) if method == "POST" else "") for cookie in cookies[:users]]

    # FastHttpUser (geventhttpclient), not HttpUser (requests): the client runs on the same two cores as
    # both apps, and requests' client cost a request about 4 ms of them — one page measured 17 ms through
    # HttpUser against 11 ms through a bare http.client, with the server's own log saying 10 ms.
    class Visitor(FastHttpUser):
        host = server.url
        wait_time = constant(0)
        # As long as the rest of the bench waits (gunicorn's --timeout, fetch): a slow export is slow, not an error.
        network_timeout = connection_timeout = 600.0

        def on_start(self) -> None:
            self.done = 0
            cookie, self.token = pool.pop()
            self.headers = {"Cookie": cookie}
            # The session is the login's, sent as a header: a cookie the app sets back is not kept beside it.
            self.client.client.cookiejar = None
            self.number = len(pool)

        @task
        def visit(self) -> None:
            # Every user makes one request at least: a short smoke (BENCH_SECONDS=1) under load still
            # exercises a case whose first request starts past the window (a form read first).
            if (self.done and time.monotonic() >= deadline) or (requests_ and self.done >= requests_):
                raise StopUser()
            self.done += 1
            send = self.client.post if method == "POST" else self.client.get
            fields: dict[str, Any] | None = {"csrf_token": self.token} if method == "POST" else None
            target = path
            if form is not None:
                read = lambda page: self.client.get(page, name="prepare", headers=self.headers).text  # noqa: E731
                target, data = form(read, self.number)
                fields = {**data, "csrf_token": self.token}
            headers, extra = self.headers, {}
            if fields is not None:
                # Encoded here, as a browser posts a form: a repeated field (a list) is one pair per value
                # (geventhttpclient would write a list as its Python text).
                headers = {**headers, "Content-Type": "application/x-www-form-urlencoded"}
                extra = {"data": urlencode(fields, doseq=True)}
            with send(
                target, name="case", catch_response=True, allow_redirects=False, headers=headers, **extra
            ) as response:
                if response.status_code != status or (expect and expect not in response.text):
                    response.failure(f"{response.status_code}")

    env = Environment(user_classes=[Visitor])

    def on_request(response_time: float, exception: Any, name: str = "case", **_kw: Any) -> None:
        if name != "case":
            # A page read to prepare the request: an error there fails the case, its time is not the case's.
            if exception:
                errors.append(f"{name}: {exception}")
            return
        (errors.append(str(exception)) if exception else times.append(response_time))

    env.events.request.add_listener(on_request)
    runner = env.create_local_runner()
    runner.start(users, spawn_rate=users)
    gevent.sleep(0.5)
    while runner.user_count > 0:
        gevent.sleep(0.1)
    runner.quit()
    if errors:
        print(f"    {len(errors)} failed requests, e.g. {errors[0]} — {server.url}{path}", file=sys.stderr)
    return Result(times, len(errors))


def thousands(number: int) -> str:
    return f"{number:,}".replace(",", " ")


def fmt_ms(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:,.0f}".replace(",", " ") if value >= 10 else f"{value:.1f}"


def target_text(case: Case) -> str:
    parts = []
    if case.max_ratio is not None:
        parts.append(f"≤ {case.max_ratio}×")
    if case.max_ms is not None:
        parts.append(f"≤ {fmt_ms(case.max_ms)} мс")
    if case.max_peak_mb is not None:
        parts.append(f"память ≤ {case.max_peak_mb:.0f} МБ")
    text = ", ".join(parts) or "—"
    return f"{text} ({case.only_on})" if case.only_on else text


def verdict(case: Case, ours: Result, base: Result | None, peak: float | None, db: str) -> str:
    if case.only_on and case.only_on != db:
        return "—"
    if ours.errors or ours.median is None:
        return "ошибки"
    met = True
    if case.max_ms is not None:
        met &= ours.median <= case.max_ms
    if case.max_ratio is not None and base is not None and base.median:
        met &= ours.median / base.median <= case.max_ratio
    if case.max_peak_mb is not None and peak is not None:
        met &= peak <= case.max_peak_mb
    return "да" if met else "нет"


def main() -> None:
    db = dialect()
    meta = read_meta()
    v = values(meta)
    env = bench_environment()
    print(f"bench: {db}, {meta['rows']:,} appeals, {SECONDS:g} s per case, {USERS} users", file=sys.stderr)
    load_start = " / ".join(f"{value:.2f}" for value in os.getloadavg())
    ours = Server("uprava", "run:app", env)
    try:
        base_env = {"DATABASE_URL": env["DATABASE_URL"], "SECRET_KEY": "b" * 32}
        base = Server("fab", "scripts.bench.baseline:app", base_env)
    except Exception:
        ours.stop()
        raise
    # The save cases register appeals: removed after the run, the data set stays what bench-data made.
    restore_data = keep_data_set()
    # «в приложении»: the median of the app's own request log (see Server.server_times), beside the client's.
    header = (
        "| случай | Uprava медиана, мс | Uprava p95, мс | Uprava в приложении, мс | FAB медиана, мс | FAB p95, мс"
        " | Uprava / FAB | цель | выполнена |"
    )
    lines = [header, "|---|---:|---:|---:|---:|---:|---:|---|---|"]
    failed: list[str] = []
    try:
        sessions = {
            (server.name, who): [login(server.url, who) for _ in range(USERS)]
            for server in (ours, base)
            for who in LOGINS
        }

        def fetch(path: str) -> str:
            response = requests.get(
                ours.url + path, headers={"Cookie": sessions[("uprava", SUPERVISOR_LOGIN)][0]}, timeout=600
            )
            response.raise_for_status()
            return response.text

        def run(case: Case) -> None:
            name = case.name.format(**v)
            if not ONLY.search(name):
                return
            path = case.path(v, fetch) if callable(case.path) else case.path.format(**v)
            print(f"  {name}", file=sys.stderr)
            if case.max_peak_mb is not None:
                ours.reset_peak()
            form = case.form(v, fetch) if case.form is not None else None
            logged_from = ours.log_size()
            mine = measure(
                ours, sessions[("uprava", case.login)], path, case.expect, case.requests, case.method, form, case.status
            )
            peak = ours.peak_mb() if case.max_peak_mb is not None else None
            served = ours.server_times(logged_from, case.method, urlsplit(path).path, prefix=form is not None)
            theirs = None
            if case.baseline is not None:
                base_path = case.baseline(v, fetch) if callable(case.baseline) else case.baseline.format(**v)
                theirs = measure(base, sessions[("fab", case.login)], base_path, case.expect, case.requests)
            if mine.errors or (theirs and theirs.errors):
                failed.append(name)
            ratio = mine.median / theirs.median if theirs and theirs.median and mine.median else None
            cells = [
                name + (f" (пик памяти {peak:.0f} МБ)" if peak is not None else ""),
                fmt_ms(mine.median),
                fmt_ms(mine.p95),
                fmt_ms(statistics.median(served) if served else None),
                fmt_ms(theirs.median if theirs else None),
                fmt_ms(theirs.p95 if theirs else None),
                f"{ratio:.2f}×" if ratio is not None else "—",
                target_text(case),
                verdict(case, mine, theirs, peak, db),
            ]
            lines.append("| " + " | ".join(cells) + " |")

        for case in CASES:
            run(case)
        rss, base_rss = ours.peak_mb(), base.peak_mb()
        lines.append(
            f"| Пиковый RSS воркера после списков | {rss:.0f} МБ | | | {base_rss:.0f} МБ | | | ≤ 250 МБ |"
            f" {'да' if rss <= 250 else 'нет'} |"
        )
        for case in HEAVY_CASES:
            run(case)
    finally:
        ours.stop()
        base.stop()
        restore_data()
    # The import: in-process, through the services with history, on the same database (rolled back).
    if ONLY.search("импорт"):
        lines.append(import_case_line(db))
    copies = f", {thousands(meta['copies'])} копий" if meta.get("copies") else ""
    # The load average before and after: a shared machine's neighbours show in every median.
    load = " / ".join(f"{value:.2f}" for value in os.getloadavg())
    title = (
        f"## {db}: {thousands(meta['rows'])} обращений, {thousands(meta['questions'])} вопросов{copies}\n\n"
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC; {platform.machine()}, {os.cpu_count()} ядер; "
        f"загрузка (1/5/15 мин) в начале {load_start}, в конце {load}; "
        f"{USERS} виртуальных пользователя по {SECONDS:g} с на случай; gunicorn, {WORKERS} воркера на приложение.\n"
    )
    table = "\n".join([title, *lines]) + "\n"
    out = BENCH_DIR / f"results-{db}.md"
    out.write_text(table)
    print("\n" + table)
    print(f"written to {out}", file=sys.stderr)
    if failed:
        # Timings of error pages mean nothing: the run fails (CI's smoke relies on it).
        raise SystemExit(f"failed requests in: {', '.join(failed)}")


if __name__ == "__main__":
    main()
