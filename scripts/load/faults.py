"""Fault check: kill -9 gunicorn workers while clerks register and edit appeals, then check the database.

    python scripts/load/faults.py http://127.0.0.1:28080 <gunicorn master pid> <password> [seconds] [kills]

Writers register appeals and edit them through the REST API (JWT); a killed worker cuts the
requests it was serving. Afterwards every appeal must be whole: a registration number, a
counter that matches the numbers (unique, no gaps), and a history entry for its creation and
for every saved version. Exit status 1 on any inconsistency.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import signal
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import requests
from sqlalchemy import create_engine, text

WRITERS = 6


def workers_of(master: int) -> list[int]:
    """The master's child processes (the gunicorn workers), from /proc."""
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


def reference_ids(database_url: str) -> tuple[int, int]:
    """The writers' body (that of load01) and the «letter» channel."""
    engine = create_engine(database_url)
    with engine.connect() as conn:
        body = conn.scalar(
            text("SELECT o.body_id FROM org_official o JOIN ab_user u ON u.id = o.user_id WHERE u.username = 'load01'")
        )
        channel = conn.scalar(text("SELECT id FROM appeals_channel WHERE code = 'letter'"))
    engine.dispose()
    return body, channel


def writer(base: str, username: str, password: str, until: float, outcome: Counter, ids: tuple[int, int]) -> None:
    body_id, channel_id = ids
    mine: list[int] = []
    session = requests.Session()
    token = None
    while time.time() < until:
        try:
            if token is None:
                login = {"username": username, "password": password, "provider": "db"}
                token = session.post(f"{base}/api/v1/security/login", json=login, timeout=30).json()["access_token"]
                session.headers["Authorization"] = f"Bearer {token}"
            if mine and random.random() < 0.5:
                pk = random.choice(mine)
                current = session.get(f"{base}/api/v1/appeal/{pk}", timeout=30).json()["result"]
                body = {"problem_address": f"ул. Кирова, {random.randint(1, 999)}", "version": current["version"]}
                response = session.put(f"{base}/api/v1/appeal/{pk}", json=body, timeout=30)
                outcome[f"edit {response.status_code}"] += 1
            else:
                body = {
                    "channel": channel_id,
                    "received_date": dt.date.today().isoformat(),
                    "summary": "Проверка отказоустойчивости",
                    "receiving_body": body_id,
                    "responsible_body": body_id,
                    "applicant_last_name": "Нагрузочный",
                }
                response = session.post(f"{base}/api/v1/appeal/", json=body, timeout=30)
                outcome[f"register {response.status_code}"] += 1
                if response.status_code == 201:
                    mine.append(int(response.json()["id"]))
        except (requests.RequestException, ValueError, KeyError):
            outcome["cut by a killed worker"] += 1  # connection reset, or a truncated answer


def check(database_url: str) -> list[str]:
    """What must hold after any crash; returns the problems found."""
    engine = create_engine(database_url)
    problems = []
    with engine.connect() as conn:
        q = lambda sql: conn.execute(text(sql)).all()  # noqa: E731
        for (n,) in q("SELECT count(*) FROM appeals_appeal WHERE reg_number IS NULL OR reg_seq IS NULL"):
            if n:
                problems.append(f"{n} appeals without a registration number")
        for year, count, distinct, top, last in q(
            "SELECT a.reg_year, count(*), count(DISTINCT a.reg_seq), max(a.reg_seq), c.last_number "
            "FROM appeals_appeal a JOIN core_numbering_counter c ON c.year = a.reg_year "
            "JOIN core_numbering_journal j ON j.id = c.journal_id AND j.code = 'appeals' "
            "GROUP BY a.reg_year, c.last_number"
        ):
            if not (count == distinct == top == last):
                problems.append(f"{year}: {count} appeals, {distinct} numbers, highest {top}, counter {last}")
        for (n,) in q(
            "SELECT count(*) FROM appeals_appeal a WHERE NOT EXISTS (SELECT 1 FROM core_change_log h "
            "WHERE h.table_name = 'appeals_appeal' AND h.record_id = CAST(a.id AS VARCHAR) AND h.action = 'insert')"
        ):
            if n:
                problems.append(f"{n} appeals without the history entry of their registration")
        for (n,) in q(
            "SELECT count(*) FROM appeals_appeal a WHERE a.version > 1 + (SELECT count(*) FROM core_change_log h "
            "WHERE h.table_name = 'appeals_appeal' AND h.record_id = CAST(a.id AS VARCHAR) AND h.action <> 'insert')"
        ):
            if n:
                problems.append(f"{n} appeals with saved versions missing from their history")
        appeals = q("SELECT count(*) FROM appeals_appeal")[0][0]
    engine.dispose()
    print(f"FAULT CHECK: {appeals} appeals checked, {len(problems)} problems")
    return problems


def main() -> int:
    base, master, password = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    seconds = int(sys.argv[4]) if len(sys.argv) > 4 else 20
    kills = int(sys.argv[5]) if len(sys.argv) > 5 else 4
    outcome: Counter = Counter()
    ids = reference_ids(os.environ["DATABASE_URL"])
    until = time.time() + seconds
    threads = [
        threading.Thread(target=writer, args=(base, f"load{n + 1:02d}", password, until, outcome, ids))
        for n in range(WRITERS)
    ]
    for thread in threads:
        thread.start()
    killed = []
    for _ in range(kills):
        time.sleep(seconds / (kills + 1))
        pids = workers_of(master)
        if pids:
            victim = random.choice(pids)
            os.kill(victim, signal.SIGKILL)
            killed.append(victim)
    for thread in threads:
        thread.join()
    print(f"FAULT RUN: {len(killed)} workers killed with SIGKILL during {seconds} s; requests: {dict(outcome)}")
    for _ in range(30):  # the master replaces killed workers
        try:
            if requests.get(f"{base}/health", timeout=5).status_code == 200:
                break
        except requests.RequestException:
            pass
        time.sleep(1)
    problems = check(os.environ["DATABASE_URL"])
    for problem in problems:
        print("  " + problem)
    registered = sum(n for key, n in outcome.items() if key == "register 201")
    return 1 if problems or not killed or not registered else 0


if __name__ == "__main__":
    raise SystemExit(main())
