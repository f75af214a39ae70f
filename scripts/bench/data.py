"""`make bench-data`: a city's volume of appeals, deterministic (fixed seed), loaded in minutes.

The schema is built by the real migrations and reference data by `flask app init`'s own
code; the volume rows are then written with Core bulk inserts (SQLite) or COPY
(PostgreSQL) straight into the models' tables. That bypasses, on purpose, the ORM
events: no change history and no version bumps are written for generated rows (they
are not edits anybody made). Then ANALYZE (and VACUUM on PostgreSQL), as after any
bulk load. Writes bench/meta-<db>.json: the values the cases use (ids, dates, counts).

Environment: BENCH_DATABASE_URL (set by scripts/bench/with-db.sh), BENCH_ROWS or BENCH_QUICK.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import sys
import time
from collections.abc import Iterator
from typing import Any

from scripts.bench.common import (
    APPEALS_LOGIN,
    APPEALS_PER_YEAR,
    BENCH_DIR,
    COPIES_LOGIN,
    COPY_BODIES,
    COPY_SHARE,
    DEPUTY_BODIES,
    DEPUTY_LOGIN,
    DISTRICT_LOGIN,
    LAST_YEAR,
    PASSWORD,
    SEED,
    SUPERVISOR_LOGIN,
    bench_environment,
    dialect,
    meta_path,
    rows_wanted,
)

# Before the app is imported: config.py reads the environment at import time.
os.environ.update(bench_environment())

import flask_migrate
from sqlalchemy import create_engine, insert, select, text, update
from sqlalchemy.engine import make_url
from werkzeug.security import generate_password_hash

from app import create_app
from app.appeals.models import NAME_TWINS, Appeal, AppealCopy, AppealQuestion
from app.appeals.reference.models import AppealResult, Channel, ClassifierEntry, ClosureReason
from app.core.filters import normalized_value
from app.core.numbering.models import NumberingCounter, NumberingJournal
from app.extensions import db
from app.org.models import Body, District, Official
from app.security import APPEALS_CLERK, BODY_CLERK, DEPUTY_HEAD, DISTRICT_CLERK, SUPERVISOR, ScopeLevel

BATCH = 20_000
EXECUTORS = 300

MALE_SURNAMES = [
    "Иванов",
    "Смирнов",
    "Кузнецов",
    "Попов",
    "Васильев",
    "Петров",
    "Соколов",
    "Михайлов",
    "Новиков",
    "Фёдоров",
    "Морозов",
    "Волков",
    "Алексеев",
    "Лебедев",
    "Семёнов",
    "Егоров",
    "Павлов",
    "Козлов",
    "Степанов",
    "Николаев",
    "Орлов",
    "Андреев",
    "Макаров",
    "Никитин",
    "Захаров",
    "Зайцев",
    "Соловьёв",
    "Борисов",
    "Яковлев",
    "Григорьев",
    "Романов",
    "Воробьёв",
    "Сергеев",
    "Кузьмин",
    "Фролов",
    "Александров",
    "Дмитриев",
    "Королёв",
    "Гусев",
    "Киселёв",
    "Ильин",
    "Максимов",
    "Поляков",
    "Сорокин",
    "Виноградов",
    "Ковалёв",
    "Белов",
    "Медведев",
    "Антонов",
    "Тарасов",
    "Жуков",
    "Баранов",
    "Филиппов",
    "Комаров",
    "Давыдов",
    "Беляев",
    "Герасимов",
    "Богданов",
    "Осипов",
    "Сидоров",
    "Матвеев",
    "Титов",
    "Марков",
    "Миронов",
    "Крылов",
    "Куликов",
    "Карпов",
    "Власов",
    "Мельников",
    "Денисов",
    "Гаврилов",
    "Тихонов",
    "Казаков",
    "Афанасьев",
    "Данилов",
    "Савельев",
    "Тимофеев",
    "Фомин",
    "Чернов",
    "Абрамов",
    "Мартынов",
    "Ефимов",
    "Федотов",
    "Щербаков",
    "Назаров",
    "Калинин",
]
MALE_NAMES = [
    "Александр",
    "Сергей",
    "Семён",
    "Пётр",
    "Алексей",
    "Андрей",
    "Дмитрий",
    "Михаил",
    "Иван",
    "Николай",
    "Фёдор",
    "Артём",
    "Владимир",
    "Юрий",
]
FEMALE_NAMES = [
    "Ольга",
    "Елена",
    "Наталья",
    "Татьяна",
    "Ирина",
    "Светлана",
    "Алёна",
    "Мария",
    "Анна",
    "Людмила",
    "Галина",
    "Наталия",
    "Юлия",
]
FATHERS = [
    "Иван",
    "Пётр",
    "Сергей",
    "Семён",
    "Фёдор",
    "Алексей",
    "Андрей",
    "Михаил",
    "Николай",
    "Владимир",
    "Юрий",
    "Александр",
]
STREETS = [
    "Кирова",
    "Ленина",
    "Франкфурта",
    "Бардина",
    "Орджоникидзе",
    "Металлургов",
    "Строителей",
    "Циолковского",
    "Кутузова",
    "Пушкина",
    "Тольятти",
    "Запорожская",
    "Новосёлов",
    "Рудокопровая",
    "Зорге",
    "Клименко",
    "Дружбы",
    "Шахтёров",
    "Грдины",
    "Звёздова",
]
SUMMARIES = (
    "Ремонт дороги у дома",
    "Отсутствие горячей воды",
    "Уборка снега во дворе",
    "Протечка кровли",
    "Освещение во дворе",
    "Вывоз мусора",
    "Предоставление жилого помещения",
    "Благоустройство детской площадки",
    "Работа общественного транспорта",
    "Начисление платы за отопление",
    "Место в детском саду",
    "Шум от кафе в ночное время",
    "Бродячие собаки",
    "Ремонт подъезда",
    "Парковка на газоне",
)
OPEN_MIX = ("registered", "in_work", "in_work", "in_work", "extended")
CLOSED_MIX = ("answered",) * 17 + ("forwarded", "closed_without_answer", "withdrawn")


def female(surname: str) -> str:
    return surname + "а" if surname.endswith(("ов", "ев", "ёв", "ин")) else surname


def patronymic(father: str, is_female: bool) -> str:
    stem = {
        "Пётр": "Петр",
        "Юрий": "Юрь",
        "Николай": "Никола",
        "Сергей": "Серге",
        "Алексей": "Алексе",
        "Андрей": "Андре",
    }.get(father, father)
    if stem.endswith(("ь", "а", "е")):
        return stem + ("евна" if is_female else "евич")
    return stem + ("овна" if is_female else "ович")


class Reference:
    """Ids of the reference rows the generated appeals point to."""

    def __init__(self, conn: Any) -> None:
        self.channels = [r for (r,) in conn.execute(select(Channel.id).order_by(Channel.id))]
        self.bodies = [r for (r,) in conn.execute(select(Body.id).order_by(Body.id))]
        self.districts = [r for (r,) in conn.execute(select(District.id).order_by(District.id))]
        self.results = [r for (r,) in conn.execute(select(AppealResult.id).order_by(AppealResult.id))]
        self.closure_reasons = [r for (r,) in conn.execute(select(ClosureReason.id).order_by(ClosureReason.id))]
        level = conn.execute(select(ClassifierEntry.level).order_by(ClassifierEntry.level.desc()).limit(1)).scalar()
        self.codes = sorted(
            {r for (r,) in conn.execute(select(ClassifierEntry.code).where(ClassifierEntry.level == level))}
        )
        self.appeals_body = conn.execute(select(Body.id).where(Body.code == "appeals")).scalar() or self.bodies[0]
        self.district_bodies = dict(
            conn.execute(select(Body.district_id, Body.id).where(Body.district_id.is_not(None)).order_by(Body.id)).all()
        )
        by_code = dict(conn.execute(select(Body.code, Body.id).where(Body.code.in_(COPY_BODIES))).all())
        #: Where copies go; the first one is the copy-recipient bench user's body.
        self.copy_bodies = [by_code[code] for code in COPY_BODIES if code in by_code] or self.bodies[:1]


def appeal_rows(
    ref: Reference, rows: int, executors: list[int], columns: set[str], question_columns: set[str]
) -> Iterator[tuple[dict, list, list]]:
    """(appeal, its questions, its copies) in registration order: ids grow with the registration date.

    Copies draw from a random source of their own: the appeals and questions are the same as in a
    data set without copies, so that timings before and after them compare.
    """
    rnd = random.Random(SEED)
    copies_rnd = random.Random(SEED + 1)
    years = max(1, -(-rows // APPEALS_PER_YEAR))
    start = dt.date(LAST_YEAR - years + 1, 1, 1)
    days = (dt.date(LAST_YEAR, 12, 31) - start).days + 1
    today = dt.date(LAST_YEAR, 12, 31)
    seq_by_year: dict[int, int] = {}
    for number in range(rows):
        reg_date = start + dt.timedelta(days=number * days // rows)
        seq = seq_by_year[reg_date.year] = seq_by_year.get(reg_date.year, 0) + 1
        is_female = rnd.random() < 0.55
        surname = rnd.choice(MALE_SURNAMES)
        last = female(surname) if is_female else surname
        first = rnd.choice(FEMALE_NAMES if is_female else MALE_NAMES)
        middle = patronymic(rnd.choice(FATHERS), is_female)
        anonymous = rnd.random() < 0.02
        address = f"г. Новокузнецк, ул. {rnd.choice(STREETS)}, д. {rnd.randint(1, 120)}, кв. {rnd.randint(1, 300)}"
        district = rnd.choice(ref.districts) if rnd.random() < 0.9 else None
        age = (today - reg_date).days
        status = rnd.choice(CLOSED_MIX) if age > 45 or rnd.random() < 0.3 else rnd.choice(OPEN_MIX)
        closed = status not in OPEN_MIX
        closed_on = reg_date + dt.timedelta(days=rnd.randint(3, 32)) if closed else None
        responsible = ref.district_bodies.get(district) if district and rnd.random() < 0.4 else None
        appeal = {
            "id": number + 1,
            "reg_number": f"ОГ-{reg_date.year}-{seq:06d}",
            "reg_year": reg_date.year,
            "reg_seq": seq,
            "received_date": reg_date - dt.timedelta(days=rnd.randint(0, 2)),
            "reg_date": reg_date,
            "registered_late": False,
            "channel_id": rnd.choice(ref.channels),
            "form": "written",
            "kind": "individual" if rnd.random() < 0.95 else "collective",
            "is_repeat": rnd.random() < 0.05,
            "is_duplicate": False,
            "is_anonymous": anonymous,
            "applicant_last_name": None if anonymous else last,
            "applicant_first_name": None if anonymous else first,
            "applicant_patronymic": None if anonymous else middle,
            "applicant_address": None if anonymous else address,
            "applicant_district_id": district,
            "summary": rnd.choice(SUMMARIES),
            "text": None,
            "problem_address": address if rnd.random() < 0.5 else None,
            "district_id": district,
            "receiving_body_id": ref.appeals_body if rnd.random() < 0.7 else rnd.choice(ref.bodies),
            "responsible_body_id": responsible or rnd.choice(ref.bodies),
            "executor_id": rnd.choice(executors),
            "status": status,
            "due_date": reg_date + dt.timedelta(days=30),
            "due_unconfirmed": False,
            "forwarded_late": False,
            "closure_reason_id": rnd.choice(ref.closure_reasons) if status == "closed_without_answer" else None,
            "answer_date": closed_on if status == "answered" else None,
            "answer_method": "post" if status == "answered" else None,
            "closed_on": closed_on,
            "version": 1,
        }
        if "applicant_search" in columns:
            appeal["applicant_search"] = Appeal.search_text(last, first, middle, address) if not anonymous else None
        # The name parts' normalised twins, as the model's event writes them.
        for part, twin in NAME_TWINS.items():
            if twin in columns:
                appeal[twin] = normalized_value(appeal[part])
        questions = [
            {
                "appeal_id": appeal["id"],
                # Older schemas kept the appeal's bodies on each question (for before/after runs).
                "appeal_receiving_body_id": appeal["receiving_body_id"],
                "appeal_responsible_body_id": appeal["responsible_body_id"],
                "classifier_code": rnd.choice(ref.codes),
                "question_type": "statement" if rnd.random() < 0.8 else "complaint",
                "result_id": rnd.choice(ref.results) if status == "answered" else None,
                "version": 1,
            }
            for _ in range(1 if rnd.random() < 0.6 else rnd.randint(2, 3))
        ]
        questions = [{k: v for k, v in q.items() if k in question_columns} for q in questions]
        copies = []
        if copies_rnd.random() < COPY_SHARE:
            body = copies_rnd.choice(ref.copy_bodies)
            if body != appeal["responsible_body_id"]:
                sent_on = reg_date + dt.timedelta(days=copies_rnd.randint(1, 9))
                copies.append(
                    {"appeal_id": appeal["id"], "body_id": body, "sent_on": sent_on, "late": False, "version": 1}
                )
        yield appeal, questions, copies


def create_database(url: str) -> None:
    """A fresh, empty bench database (the old one is dropped)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = parsed.database
        for suffix in ("", "-wal", "-shm", "-journal"):
            if os.path.exists(path + suffix):
                os.remove(path + suffix)
        return
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()


def add_users(conn: Any, ref: Reference) -> tuple[list[int], dict[str, int]]:
    """Executors (user rows only) and the two bench logins with their official profiles."""
    from flask_appbuilder.security.sqla.models import Role, User, assoc_user_role

    roles = dict(conn.execute(select(Role.name, Role.id)).all())
    # One hash for every bench user (scrypt takes a while); nobody logs in as an executor.
    password = generate_password_hash(PASSWORD)
    now = dt.datetime(2026, 1, 1)
    logins = {
        SUPERVISOR_LOGIN: SUPERVISOR,
        DISTRICT_LOGIN: DISTRICT_CLERK,
        APPEALS_LOGIN: APPEALS_CLERK,
        COPIES_LOGIN: BODY_CLERK,
        DEPUTY_LOGIN: DEPUTY_HEAD,
    }
    rows = [
        {
            "first_name": f"Исполнитель{n}",
            "last_name": f"Бенчев{n}",
            "username": f"bench-executor-{n}",
            "email": f"bench-executor-{n}@bench.example",
            "password": password,
            "active": True,
            "created_on": now,
            "changed_on": now,
        }
        for n in range(EXECUTORS)
    ]
    rows += [
        {
            "first_name": "Бенч",
            "last_name": role,
            "username": login,
            "email": f"{login}@bench.example",
            "password": password,
            "active": True,
            "created_on": now,
            "changed_on": now,
        }
        for login, role in logins.items()
    ]
    conn.execute(insert(User), rows)
    ids = dict(conn.execute(select(User.username, User.id).where(User.username.like("bench-%"))).all())
    executor_role = roles[APPEALS_CLERK]
    links = [{"user_id": ids[r["username"]], "role_id": executor_role} for r in rows if r["username"] not in logins]
    links += [{"user_id": ids[login], "role_id": roles[role]} for login, role in logins.items()]
    conn.execute(insert(assoc_user_role), links)
    district = ref.districts[0]
    officials = [
        {"user_id": ids[SUPERVISOR_LOGIN], "body_id": ref.appeals_body, "position": "Бенч", "scope_level": "city"},
        {"user_id": ids[APPEALS_LOGIN], "body_id": ref.appeals_body, "position": "Бенч", "scope_level": "city"},
        {
            "user_id": ids[DISTRICT_LOGIN],
            "body_id": ref.district_bodies.get(district, ref.appeals_body),
            "district_id": district,
            "position": "Бенч",
            "scope_level": ScopeLevel.DISTRICT.value,
        },
        {
            "user_id": ids[COPIES_LOGIN],
            "body_id": ref.copy_bodies[0],
            "position": "Бенч",
            "scope_level": ScopeLevel.BODY.value,
        },
        {
            "user_id": ids[DEPUTY_LOGIN],
            "body_id": ref.appeals_body,
            "position": "Бенч",
            "scope_level": ScopeLevel.SUPERVISED.value,
        },
    ]
    # The executors are clerks of the appeals department (an imported appeal in work names one: the executor rule).
    officials += [
        {"user_id": ids[f"bench-executor-{n}"], "body_id": ref.appeals_body, "position": "Бенч", "scope_level": "body"}
        for n in range(EXECUTORS)
    ]
    conn.execute(insert(Official), [{"is_active": True, "is_body_head": False, **o} for o in officials])
    conn.execute(update(Body).where(Body.code.in_(DEPUTY_BODIES)).values(supervisor_id=ids[DEPUTY_LOGIN]))
    executors = [ids[f"bench-executor-{n}"] for n in range(EXECUTORS)]
    return executors, {"district_id": district, "copies_body_id": ref.copy_bodies[0]}


def load(conn: Any, rows: int, ref: Reference, executors: list[int]) -> dict[str, Any]:
    appeal_table, question_table, copy_table = Appeal.__table__, AppealQuestion.__table__, AppealCopy.__table__
    columns = {c.name for c in appeal_table.columns}
    question_columns = {c.name for c in question_table.columns}
    pg = conn.dialect.name == "postgresql"
    appeals: list[dict] = []
    questions: list[dict] = []
    copies: list[dict] = []
    per_year: dict[int, int] = {}
    question_count = copy_count = 0

    def flush() -> None:
        if not appeals:
            return
        for table, batch in ((appeal_table, appeals), (question_table, questions), (copy_table, copies)):
            if not batch:
                continue
            if pg:
                copy_rows(conn, table, batch)
            else:
                conn.execute(insert(table), batch)
            batch.clear()

    started = time.monotonic()
    generated = appeal_rows(ref, rows, executors, columns, question_columns)
    for number, (appeal, its_questions, its_copies) in enumerate(generated, start=1):
        appeals.append(appeal)
        questions.extend(its_questions)
        copies.extend(its_copies)
        question_count += len(its_questions)
        copy_count += len(its_copies)
        per_year[appeal["reg_year"]] = appeal["reg_seq"]
        if len(appeals) >= BATCH:
            flush()
            print(f"  {number:>9,} appeals  {time.monotonic() - started:6.1f} s", file=sys.stderr)
    flush()
    # The journal's counters move past the generated numbers (app/core/numbering; `flask app init` made the journal).
    journal_id = conn.scalar(select(NumberingJournal.id).where(NumberingJournal.code == "appeals"))
    conn.execute(
        insert(NumberingCounter),
        [{"journal_id": journal_id, "year": year, "last_number": n} for year, n in sorted(per_year.items())],
    )
    if pg:
        # COPY wrote explicit ids: the sequences go on from the last one.
        for table in (appeal_table, question_table, copy_table):
            conn.execute(
                text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), max(id)) FROM {table.name}")
            )
    return {"appeals": rows, "questions": question_count, "copies": copy_count, "per_year": per_year}


def events_wanted(rows: int) -> int:
    """Events for the appeals' volume: 10,000 (the issue's target) at a million appeals, at least 300."""
    return min(10_000, max(300, rows // 100))


def load_events(conn: Any, ref: Reference, count: int) -> dict[str, Any]:
    """One programme of `count` events over the bench's last year, its committee copied onto each event
    (the row scope of the committee's bodies), the outcomes of a year like 2020: most held, a third of
    those in another format, some postponed or cancelled."""
    from app.events.models import Event, EventProgramme, event_committee_body

    rng = random.Random(SEED + 75)
    coordinator = conn.execute(select(Body.id).where(Body.code == "culture")).scalar() or ref.bodies[0]
    name = f"Программа мероприятий {LAST_YEAR} года (бенчмарк)"
    conn.execute(insert(EventProgramme), [{"name": name, "year": LAST_YEAR, "coordinator_body_id": coordinator}])
    programme = conn.execute(select(EventProgramme.id).where(EventProgramme.name == name)).scalar()
    committee = sorted({coordinator, *ref.copy_bodies[:2]})
    first = dt.date(LAST_YEAR, 1, 1)
    events: list[dict] = []
    links: list[dict] = []
    for number in range(1, count + 1):
        day = first + dt.timedelta(days=rng.randrange(365))
        starts = dt.datetime.combine(day, dt.time(rng.choice((3, 5, 8, 10))))
        days = rng.choice((1, 1, 1, 1, 2, 3, 7))
        ends = starts + dt.timedelta(days=days - 1, hours=2)
        roll = rng.random()
        held = roll < 0.9
        actual = ("online" if rng.random() < 0.37 else "in_person") if held else None
        status = "held" if held else "postponed" if roll < 0.95 else "cancelled"
        events.append(
            {
                "id": number,
                "programme_id": programme,
                "title": f"Мероприятие № {number}",
                "starts_at": starts,
                "ends_at": ends,
                # Local days (UTC+7): the generated hours stay on the same local day.
                "start_date": day,
                "end_date": ends.date(),
                "district_id": rng.choice(ref.districts),
                "organiser_body_id": rng.choice(ref.bodies),
                "coordinator_body_id": coordinator,
                "planned_format": "in_person",
                "actual_format": actual,
                "status": status,
                "change_reason": "Ограничения" if status != "held" or actual == "online" else None,
                "participants_planned": 100,
                "version": 1,
            }
        )
        links += [{"event_id": number, "body_id": body} for body in committee]
    pg = conn.dialect.name == "postgresql"
    for table, batch in ((Event.__table__, events), (event_committee_body, links)):
        for start in range(0, len(batch), BATCH):
            if pg:
                copy_rows(conn, table, batch[start : start + BATCH])
            else:
                conn.execute(insert(table), batch[start : start + BATCH])
    if pg:
        conn.execute(text("SELECT setval(pg_get_serial_sequence('events_event', 'id'), max(id)) FROM events_event"))
    return {"events": count, "events_programme_id": programme, "events_month": f"{LAST_YEAR}-05"}


def copy_rows(conn: Any, table: Any, rows: list[dict]) -> None:
    names = list(rows[0])
    cursor = conn.connection.driver_connection.cursor()
    with cursor.copy(f"COPY {table.name} ({', '.join(names)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([row[n] for n in names])


def main() -> None:
    from scripts.bench.common import database_url

    url = database_url()
    rows = rows_wanted()
    started = time.monotonic()
    print(f"bench-data: {rows:,} appeals into {dialect()} ({make_url(url).render_as_string()})", file=sys.stderr)
    BENCH_DIR.mkdir(exist_ok=True)
    create_database(url)
    app = create_app("production")
    with app.app_context():
        flask_migrate.upgrade()
        from app.cli import initialise

        initialise()
        db.session.commit()
        from scripts.bench.plans import load_plans, plan_row

        # The plan's terms come from the rules table (the session reads it before the bulk transaction opens).
        plan = plan_row()
        db.session.remove()
        engine = db.engine
        with engine.begin() as conn:
            if conn.dialect.name == "sqlite":
                # A throwaway database being bulk-loaded: no journal, no fsync.
                conn.exec_driver_sql("PRAGMA synchronous=OFF")
            ref = Reference(conn)
            executors, users = add_users(conn, ref)
            counts = load(conn, rows, ref, executors)
            # Control's instructions (scripts/bench/control.py): the same bodies and executors.
            from scripts.bench.control import load_instructions

            counts.update(load_instructions(conn, rows, ref.bodies, executors))
            plans = load_plans(conn, rows, ref.bodies, plan)
            counts.update(load_events(conn, ref, events_wanted(rows)))
            from scripts.bench.housing import load_housing

            housing = load_housing(conn, rows)
        # The bulk load's triggers left the appeals' month counts as deltas (PostgreSQL's COPY batches):
        # one row a month, as the daily recount leaves them.
        from app.core.month_counts import keep_all

        keep_all(db.session, full=True)
        db.session.commit()
        analyse(engine)
        meta = {**case_values(engine, ref, counts, users), **plans, **housing}
    meta_path().write_text(json.dumps(meta, indent=2, ensure_ascii=False, default=str))
    print(f"bench-data: done in {time.monotonic() - started:.0f} s; {meta_path()}", file=sys.stderr)


def analyse(engine: Any) -> None:
    """Planner statistics after a bulk load (and the visibility map for index-only scans on PostgreSQL)."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("VACUUM (ANALYZE)")
        else:
            conn.exec_driver_sql("ANALYZE")


def case_values(engine: Any, ref: Reference, counts: dict[str, Any], users: dict[str, int]) -> dict[str, Any]:
    """What the cases need to know about this data set (bench/meta-<db>.json)."""
    with engine.connect() as conn:
        # The responsible body with the most appeals: the status + body filter has rows to show.
        body = conn.execute(
            text(
                "SELECT responsible_body_id FROM appeals_appeal GROUP BY responsible_body_id ORDER BY count(*) DESC, 1"
            )
        ).scalar()
        # The export period: the newest ~100,000 appeals (all of them when there are fewer).
        wanted = min(100_000, counts["appeals"])
        export_from = conn.execute(
            text("SELECT reg_date FROM appeals_appeal ORDER BY reg_date DESC, id DESC LIMIT 1 OFFSET :n"),
            {"n": wanted - 1},
        ).scalar()
        export_rows = conn.execute(
            text("SELECT count(*) FROM appeals_appeal WHERE reg_date >= :d"), {"d": export_from}
        ).scalar()
    return {
        "dialect": engine.dialect.name,
        "rows": counts["appeals"],
        "questions": counts["questions"],
        "copies": counts["copies"],
        "seed": SEED,
        "last_year": LAST_YEAR,
        "body_id": body,
        "district_id": users["district_id"],
        "copies_body_id": users["copies_body_id"],
        "export_from": str(export_from),
        "export_rows": export_rows,
        "instructions": counts.get("instructions", 0),
        "events": counts["events"],
        "events_month": counts["events_month"],
    }


if __name__ == "__main__":
    main()
