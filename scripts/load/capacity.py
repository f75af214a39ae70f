"""Capacity (`make load`, issue #19 item 6): how much the machine serves, and whether a city's staff fits.

    python -m scripts.load.capacity saturation   # (a) requests/s of Uprava and of plain FAB, per request type
    python -m scripts.load.capacity clerks       # (b) LOAD_CLERKS clerks at a clerk's pace: p95, errors, verdict

Run by scripts/load/run.sh, which serves both apps with gunicorn over the same PostgreSQL database and
passes their addresses and master pids (LOAD_URL, LOAD_PID, LOAD_FAB_URL, LOAD_FAB_PID), the database
(DATABASE_URL, TEST_DATABASE_URL's port as LOAD_PG_PORT) and the clerks' password (LOAD_PASSWORD).

(a) Saturation: for each request type (list page, card, edit form + save, report) and each app in turn,
SAT_USERS users (default 8, signed in once) send requests back to back with no pause for SAT_SECONDS
(default 20) after SAT_WARMUP (2) s of warm-up. With more users than workers the workers never idle, so
the requests per second are what the machine serves of that request type; p50/p95 then include the
queue. The server's CPU time per request (gunicorn workers + PostgreSQL backends, from /proc) does
not depend on how much CPU the load generator and the neighbours took.

(b) Clerks: LOAD_CLERKS (200) users sign in once each (LOAD_SPAWN_RATE, 2 a second), then work lists,
cards, edit forms with saves and reports (4:4:2:1) with 5–15 s between actions for LOAD_SECONDS (120) s,
measured from the moment the last one signed in. Targets: p95 ≤ 500 ms over all actions, 0 errors.

Every user edits only its own share of the appeals (ids[seat::users]), so no save meets a deliberate
edit conflict: a refused save counts as an error.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import random
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import gevent
import locust  # noqa: F401  (before requests: it monkey-patches the standard library for gevent)
import psutil
import requests
from locust import FastHttpUser, constant, task
from locust.env import Environment
from locust.exception import StopUser
from sqlalchemy import create_engine, text

from scripts.load.formdata import form_fields

P95_TARGET_MS = 500
#: A clerk's pace: seconds between two actions.
PAUSE = (5.0, 15.0)
#: What a clerk does, and how often (list, card, edit + save, report).
MIX = {"list": 4, "card": 4, "edit": 2, "report": 1}
LABELS = {
    "list": "список (стр. 1…N)",
    "card": "карточка",
    "edit form": "правка: форма",
    "save": "правка: сохранение",
    "report": "отчёт за год (поступление)",
    "login": "вход (один раз)",
}


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


def env_float(name: str, default: float) -> float:
    return float(os.environ.get(name) or default)


@dataclass(frozen=True)
class Data:
    """What the users pick from: the appeals' ids and the year the report covers."""

    ids: list[int]
    first: dt.date
    last: dt.date

    @property
    def pages(self) -> int:
        return max(1, len(self.ids) // 25)


def read_data(database_url: str) -> Data:
    engine = create_engine(database_url)
    with engine.connect() as conn:
        ids = list(conn.scalars(text("SELECT id FROM appeals_appeal ORDER BY id")))
        first, last = conn.execute(text("SELECT min(reg_date), max(reg_date) FROM appeals_appeal")).one()
    engine.dispose()
    if not ids:
        raise SystemExit("no appeals in the load database")
    return Data(ids, first, last)


@dataclass(frozen=True)
class App:
    """One served app and how each request type is asked of it."""

    name: str
    url: str
    pid: int
    report: str


def apps(data: Data) -> list[App]:
    found = [
        App(
            "Uprava",
            os.environ["LOAD_URL"],
            int(os.environ["LOAD_PID"]),
            f"/appeals/reports/intake?date_from={data.first:%d.%m.%Y}&date_to={data.last:%d.%m.%Y}",
        )
    ]
    if os.environ.get("LOAD_FAB_URL"):
        # FAB's own way to count appeals over a period (scripts/bench/baseline.py), as in `make bench`.
        day = dt.timedelta(days=1)
        found.append(
            App(
                "FAB",
                os.environ["LOAD_FAB_URL"],
                int(os.environ["LOAD_FAB_PID"]),
                f"/appealchartview/chart/?_flt_1_reg_date={data.first - day}&_flt_2_reg_date={data.last + day}",
            )
        )
    return found


# --- what a user does -------------------------------------------------------------------------------


class Visitor(FastHttpUser):
    """A user on locust's light client (geventhttpclient), as `make bench` drives its cases.

    python-requests (HttpUser) cost each request about 4 ms of the two cores the client shares with
    the servers (scripts/bench/run.py): at saturation that is the load generator's share, not the app's.
    Redirects are never followed: a lost session is a 302 to the sign-in form, an error.
    """

    abstract = True
    # Under saturation a request queues behind the others: slow is measured, not an error.
    network_timeout = connection_timeout = 120.0
    #: The session cookie as a header (saturation: signed in beforehand); empty: the client's own jar.
    headers: dict[str, str] = {}


def _get(user: Any, path: str, name: str) -> Any:
    return user.client.get(path, name=name, catch_response=True, allow_redirects=False, headers=user.headers)


def _post(user: Any, path: str, fields: dict[str, Any], name: str) -> Any:
    # Encoded here, as a browser posts a form: a repeated field (a list) is one pair per value.
    headers = {**user.headers, "Content-Type": "application/x-www-form-urlencoded"}
    data = urlencode(fields, doseq=True)
    return user.client.post(path, data=data, name=name, catch_response=True, allow_redirects=False, headers=headers)


def _location(response: Any) -> str:
    # A request that never got an answer (refused, reset, timed out) has no headers at all.
    return (response.headers or {}).get("Location", "")


def _check(response: Any, expect: str = "") -> None:
    """A page is an error unless it is a 200 with its content (a lost session is a redirect to sign in)."""
    if response.status_code != 200:
        where = _location(response)
        response.failure("session lost: sent to sign in" if "/login" in where else f"HTTP {response.status_code}")
    elif expect and expect not in response.text:
        response.failure(f"no «{expect}» on the page")


def do_list(user: Any) -> None:
    page = random.randrange(user.data.pages)
    with _get(user, f"/appealview/list/?page_AppealView={page}", "list") as response:
        _check(response, "ОГ-")


def do_card(user: Any) -> None:
    pk = random.choice(user.data.ids)
    with _get(user, f"/appealview/show/{pk}", "card") as response:
        _check(response, "ОГ-")


def do_edit(user: Any) -> None:
    pk = random.choice(user.mine)
    with _get(user, f"/appealview/edit/{pk}", "edit form") as response:
        _check(response)
        form = form_fields(response.text, "model_form") if response.status_code == 200 else {}
        if response.status_code == 200 and not form:
            response.failure("no edit form on the page")
    if not form:
        return
    form["problem_address"] = f"ул. Кирова, {random.randint(1, 200)}"
    # The save alone: the page the redirect leads to (the list the clerk came from) is another request.
    with _post(user, f"/appealview/edit/{pk}", form, "save") as response:
        # A saved form redirects; a refused one comes back (200) with the reason beside a field.
        where = _location(response)
        if response.status_code != 302 or "/login" in where or "/edit/" in where:
            response.failure(f"not saved (HTTP {response.status_code})")


def do_report(user: Any) -> None:
    with _get(user, user.app.report, "report") as response:
        _check(response)


ACTIONS: dict[str, Callable[[Any], None]] = {"list": do_list, "card": do_card, "edit": do_edit, "report": do_report}


def sign_in(user: Any, username: str, password: str) -> None:
    """The sign-in form, CSRF token included (the session cookie stays in the client's jar); raises on a refusal."""
    page = user.client.get("/login/", name="login form")
    # (No page: the sign-in below goes without a token, is refused and counted as a failed sign-in.)
    token = form_fields(page.text or "").get("csrf_token", "")
    fields = {"username": username, "password": password, "csrf_token": token}
    with _post(user, "/login/", fields, "login") as response:
        if response.status_code != 302 or "/login" in (_location(response) or "/login"):
            response.failure(f"sign-in of {username} refused (HTTP {response.status_code})")
            raise StopUser()


def username(seat: int) -> str:
    """The accounts made by setup_users.py: load01, load02, … load200."""
    return f"load{seat + 1:02d}"


# --- measuring --------------------------------------------------------------------------------------


@dataclass
class Record:
    """Response times (ms) of the requests that started inside the measured window, and every failure."""

    start: float = float("inf")
    end: float = float("inf")
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    failures: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def listen(self, environment: Environment) -> None:
        def on_request(name: str, response_time: float, exception: Any, **_kw: Any) -> None:
            if exception:
                self.failures[name].append(str(exception))
                return
            began = time.monotonic() - response_time / 1000
            if self.start <= began <= self.end:
                self.times[name].append(response_time)

        environment.events.request.add_listener(on_request)

    @property
    def errors(self) -> int:
        return sum(len(v) for v in self.failures.values())


def pct(values: list[float], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def ms(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f}".replace(",", " ")


def server_processes(master: int) -> list[psutil.Process]:
    """An app's gunicorn workers and the database's backends (the postmaster listening on LOAD_PG_PORT)."""
    found = psutil.Process(master).children()
    port = os.environ.get("LOAD_PG_PORT")
    for proc in psutil.process_iter(["name", "cmdline"]):
        cmdline = proc.info["cmdline"] or []
        if proc.info["name"] == "postgres" and port and "-p" in cmdline and port in cmdline:
            found += proc.children()
    return found


def cpu_seconds(processes: list[psutil.Process]) -> dict[int, float]:
    seconds = {}
    for proc in processes:
        try:
            times = proc.cpu_times()
            seconds[proc.pid] = times.user + times.system
        except psutil.Error:
            pass
    return seconds


# --- (a) saturation ---------------------------------------------------------------------------------


@dataclass
class Step:
    app: str
    kind: str
    seconds: float
    record: Record
    cpu: float

    def count(self, name: str) -> int:
        return len(self.record.times.get(name, []))

    @property
    def requests(self) -> int:
        return sum(len(v) for v in self.record.times.values())


def saturate(app: App, kind: str, sessions: list[dict[str, str]], data: Data, warmup: float, seconds: float) -> Step:
    record = Record()
    users = len(sessions)
    pool = list(enumerate(sessions))

    class Saturating(Visitor):
        host = app.url
        wait_time = constant(0)

        def on_start(self) -> None:
            self.seat, cookies = pool.pop()
            self.headers = {"Cookie": "; ".join(f"{key}={value}" for key, value in cookies.items())}
            # The session is the sign-in's, sent as a header: a cookie the app sets back is not kept beside it.
            self.client.client.cookiejar = None
            self.app, self.data, self.mine = app, data, data.ids[self.seat :: users]

        @task
        def act(self) -> None:
            if time.monotonic() >= record.end:
                raise StopUser()
            ACTIONS[kind](self)

    environment = Environment(user_classes=[Saturating])
    record.listen(environment)
    runner = environment.create_local_runner()
    record.start, record.end = time.monotonic() + warmup, time.monotonic() + warmup + seconds
    runner.start(users, spawn_rate=users)
    gevent.sleep(warmup)
    processes = server_processes(app.pid)
    before = cpu_seconds(processes)
    gevent.sleep(seconds)
    after = cpu_seconds(processes)
    while runner.user_count > 0:
        gevent.sleep(0.05)
    runner.quit()
    cpu = sum(after[pid] - before.get(pid, 0.0) for pid in after)
    return Step(app.name, kind, seconds, record, cpu)


def saturation() -> int:
    data = read_data(os.environ["DATABASE_URL"])
    users = env_int("SAT_USERS", 8)
    warmup, seconds = env_float("SAT_WARMUP", 2), env_float("SAT_SECONDS", 20)
    served = apps(data)
    password = os.environ["LOAD_PASSWORD"]
    sessions = {}
    for app in served:
        cookies = []
        for seat in range(users):
            cookies.append(_plain_sign_in(requests.Session(), app.url, username(seat), password))
        sessions[app.name] = cookies
    load_start = os.getloadavg()
    steps: dict[tuple[str, str], Step] = {}
    print(f"(a) saturation: {users} users per app, no pause, {warmup:g} s warm-up + {seconds:g} s per request type")
    for kind in MIX:
        for app in served:  # one app after the other, request type by request type: the same minute for both
            step = saturate(app, kind, sessions[app.name], data, warmup, seconds)
            steps[(app.name, kind)] = step
            print(f"  {app.name:<6} {kind:<6} {step.requests / seconds:6.1f} req/s", file=sys.stderr)
    print_saturation(served, steps, seconds, load_start)
    failed = [(key, name, msgs) for key, step in steps.items() for name, msgs in step.record.failures.items()]
    for (app_name, _kind), name, msgs in failed:
        print(f"  errors: {app_name} {name}: {len(msgs)}, e.g. {msgs[0]}")
    return 1 if failed else 0


def _plain_sign_in(client: requests.Session, url: str, user: str, password: str) -> dict[str, str]:
    page = client.get(url + "/login/", timeout=60)
    token = form_fields(page.text).get("csrf_token", "")
    response = client.post(
        url + "/login/",
        data={"username": user, "password": password, "csrf_token": token},
        allow_redirects=False,
        timeout=60,
    )
    if response.status_code != 302 or "/login" in response.headers.get("Location", "/login"):
        raise SystemExit(f"sign-in of {user} at {url} refused ({response.status_code})")
    return client.cookies.get_dict()


def print_saturation(served: list[App], steps: dict[tuple[str, str], Step], seconds: float, load: tuple) -> None:
    names = [app.name for app in served]
    head = ["запрос"]
    for name in names:
        head += [f"{name}, запр./с", f"{name} p50, мс", f"{name} p95, мс", f"{name} ЦП, мс/запр."]
    if len(names) == 2:
        head.append(f"{names[0]} / {names[1]}, запр./с")
    lines = ["| " + " | ".join(head) + " |", "|---" + "|---:" * (len(head) - 1) + "|"]
    rows = [("list", "list"), ("card", "card"), ("edit", "edit form"), ("edit", "save"), ("report", "report")]
    for kind, name in rows:
        cells = [LABELS[name]]
        rates = []
        for app_name in names:
            step = steps[(app_name, kind)]
            rate = step.count(name) / seconds
            rates.append(rate)
            times = step.record.times.get(name, [])
            cpu = step.cpu * 1000 / step.requests if step.requests else None
            cells += [f"{rate:.1f}", ms(pct(times, 0.5)), ms(pct(times, 0.95)), ms(cpu)]
        if len(rates) == 2:
            cells.append(f"{rates[0] / rates[1]:.2f}×" if rates[1] else "—")
        lines.append("| " + " | ".join(cells) + " |")
    # The clerks' mix at saturation: an action is one request, an edit two (form + save).
    capacity = []
    for app_name in names:
        seconds_per_action = sum(
            weight * seconds / max(1, steps[(app_name, kind)].count("save" if kind == "edit" else kind))
            for kind, weight in MIX.items()
        ) / sum(MIX.values())
        actions = 1 / seconds_per_action
        clerks = actions * statistics.mean(PAUSE)
        capacity.append(f"{app_name} {actions:.1f} действий/с ≈ {clerks:,.0f} клерков".replace(",", " "))
    end = os.getloadavg()
    print()
    print("\n".join(lines))
    print(
        f"\nСмесь клерка (список 4 : карточка 4 : правка 2 : отчёт 1) при насыщении: {'; '.join(capacity)} "
        f"с паузой {statistics.mean(PAUSE):g} с между действиями (потолок машины, не цель)."
    )
    print(
        f"ЦП — время процессора воркеров gunicorn и бэкендов PostgreSQL на запрос; p50/p95 при насыщении включают"
        f" очередь. {os.cpu_count()} ядер; загрузка (1/5/15 мин) в начале "
        f"{' / '.join(f'{v:.2f}' for v in load)}, в конце {' / '.join(f'{v:.2f}' for v in end)}.\n"
    )


# --- (b) clerks at a clerk's pace -------------------------------------------------------------------


def clerks() -> int:
    data = read_data(os.environ["DATABASE_URL"])
    count = env_int("LOAD_CLERKS", 200)
    seconds = env_float("LOAD_SECONDS", 120)
    rate = env_float("LOAD_SPAWN_RATE", 2)
    password = os.environ["LOAD_PASSWORD"]
    app = apps(data)[0]
    record = Record()
    seats = itertools.count()
    signed_in: list[int] = []
    weighted = [kind for kind, weight in MIX.items() for _ in range(weight)]

    class Clerk(Visitor):
        host = app.url

        def wait_time(self) -> float:
            # A clerk's pause, cut at the end of the run so that nobody starts an action after it.
            return max(0.0, min(random.uniform(*PAUSE), record.end - time.monotonic()))

        def on_start(self) -> None:
            self.seat = next(seats)
            self.app, self.data, self.mine = app, data, data.ids[self.seat :: count]
            sign_in(self, username(self.seat), password)
            signed_in.append(self.seat)

        @task
        def act(self) -> None:
            if time.monotonic() >= record.end:
                raise StopUser()
            ACTIONS[random.choice(weighted)](self)

    environment = Environment(user_classes=[Clerk])
    record.start = record.end = float("inf")
    login_times: list[float] = []
    environment.events.request.add_listener(
        lambda name, response_time, exception, **_kw: (
            login_times.append(response_time) if name == "login" and not exception else None
        )
    )
    record.listen(environment)
    runner = environment.create_local_runner()
    load_start = os.getloadavg()
    print(f"(b) {count} clerks, {PAUSE[0]:g}–{PAUSE[1]:g} s between actions, each signed in once ({rate:g} a second)")
    began = time.monotonic()
    runner.start(count, spawn_rate=rate)
    # The measured window opens when everybody has signed in (or given up): a working day, not its first minute.
    deadline = began + count / rate + 120
    while len(signed_in) + len(record.failures.get("login", [])) < count and time.monotonic() < deadline:
        gevent.sleep(0.2)
    ramp = time.monotonic() - began
    record.start, record.end = time.monotonic(), time.monotonic() + seconds
    gevent.sleep(seconds)
    stop_by = time.monotonic() + 60
    while runner.user_count > 0 and time.monotonic() < stop_by:
        gevent.sleep(0.1)
    runner.quit()
    all_times = [t for name, times in record.times.items() if name not in ("login", "login form") for t in times]
    p95 = pct(all_times, 0.95)
    errors = record.errors
    met = errors == 0 and p95 is not None and p95 <= P95_TARGET_MS
    lines = ["| запрос | запросов | запр./с | p50, мс | p95, мс | ошибок |", "|---|---:|---:|---:|---:|---:|"]
    for name in ("list", "card", "edit form", "save", "report"):
        times = record.times.get(name, [])
        cells = [LABELS[name], str(len(times)), f"{len(times) / seconds:.1f}", ms(pct(times, 0.5))]
        lines.append("| " + " | ".join([*cells, ms(pct(times, 0.95)), str(len(record.failures.get(name, [])))]) + " |")
    lines.append(
        f"| {LABELS['login']} | {len(login_times)} | — | {ms(pct(login_times, 0.5))} | {ms(pct(login_times, 0.95))} |"
        f" {len(record.failures.get('login', [])) + len(record.failures.get('login form', []))} |"
    )
    lines.append(
        f"| **все действия** | {len(all_times)} | {len(all_times) / seconds:.1f} | {ms(pct(all_times, 0.5))} |"
        f" **{ms(p95)}** | **{errors}** |"
    )
    end = os.getloadavg()
    print()
    print("\n".join(lines))
    print(
        f"\nВход всех {count} за {ramp:.0f} с, затем {seconds:g} с работы. "
        f"Цель: p95 ≤ {P95_TARGET_MS} мс, 0 ошибок — p95 {ms(p95)} мс, ошибок {errors}: выполнена — "
        f"{'да' if met else 'нет'}.\n{os.cpu_count()} ядер; загрузка (1/5/15 мин) в начале "
        f"{' / '.join(f'{v:.2f}' for v in load_start)}, в конце {' / '.join(f'{v:.2f}' for v in end)}.\n"
    )
    for name, msgs in record.failures.items():
        print(f"  errors: {name}: {len(msgs)}, e.g. {msgs[0]}")
    print(f"LOAD RESULT: {count} clerks, p95 {ms(p95)} ms, {errors} errors, target met: {'да' if met else 'нет'}")
    if errors:
        return 1
    return 1 if os.environ.get("LOAD_STRICT") == "1" and not met else 0


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command not in ("saturation", "clerks"):
        raise SystemExit(__doc__)
    raise SystemExit(saturation() if command == "saturation" else clerks())
