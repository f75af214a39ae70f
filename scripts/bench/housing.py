"""Benchmark volume of the housing register: one household per ten appeals (100,000 at BENCH_ROWS=1M),
each with its period on a list, and the cases that read it (queue page, a case's position, search).

Rows go in through Core inserts, as the appeals do (the services would take hours at this volume);
the values are what the services write: the application book's numbers, the search shadow column,
a list period per household on the register.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from sqlalchemy import insert, select, text

from app.core.filters import normalize_text
from app.core.numbering.models import NumberingCounter, NumberingJournal
from app.housing.models import Household, HouseholdStatus, ListType, QueueEntry
from app.org.models import Body, District
from scripts.bench.common import DISTRICT_LOGIN, SEED
from scripts.bench.data import FEMALE_NAMES, MALE_NAMES, MALE_SURNAMES, STREETS, copy_rows, female

BATCH = 20_000


def households_for(rows: int) -> int:
    return max(100, rows // 10)


def load_housing(conn: Any, rows: int) -> dict[str, Any]:
    """Insert the households and their list periods; return the values the cases need."""
    pg = conn.dialect.name == "postgresql"
    count = households_for(rows)
    rng = random.Random(SEED + 16)
    districts = conn.execute(select(District.id, District.code).order_by(District.id)).all()
    body_of = {
        d: conn.scalar(select(Body.id).where(Body.district_id == d, Body.kind == "district_administration").limit(1))
        for d, _code in districts
    }
    lists = conn.execute(select(ListType.id, ListType.code).order_by(ListType.sort_order)).all()
    general = next(i for i, code in lists if code == "general")
    households: list[dict] = []
    entries: list[dict] = []
    per_year: dict[int, int] = {}
    in_general = 0
    first_id = (conn.scalar(select(Household.id).order_by(Household.id.desc()).limit(1)) or 0) + 1
    start = dt.date(2005, 3, 1)
    span = (dt.date(2025, 12, 31) - start).days

    def flush() -> None:
        for table, batch in ((Household.__table__, households), (QueueEntry.__table__, entries)):
            if batch:
                copy_rows(conn, table, batch) if pg else conn.execute(insert(table), batch)
                batch.clear()

    for n in range(count):
        filed = start + dt.timedelta(days=n * span // count)
        year = filed.year
        per_year[year] = per_year.get(year, 0) + 1
        seq = per_year[year]
        is_female = rng.random() < 0.5
        surname = MALE_SURNAMES[rng.randrange(len(MALE_SURNAMES))]
        last = female(surname) if is_female else surname
        names = FEMALE_NAMES if is_female else MALE_NAMES
        first = names[rng.randrange(len(names))]
        address = (
            f"г. Новокузнецк, {STREETS[rng.randrange(len(STREETS))]}, д. {1 + rng.randrange(90)}, кв. {n % 150 + 1}"
        )
        district_id = districts[n % len(districts)][0]
        at = dt.datetime.combine(filed, dt.time(2 + n % 8, n % 60))  # UTC: 9…16 h local
        waiting = rng.random() < 0.8
        list_id = general if rng.random() < 0.75 else lists[rng.randrange(len(lists))][0]
        hid = first_id + n
        in_general += waiting and list_id == general
        households.append(
            {
                "id": hid,
                "application_number": f"Ж-{year}-{seq:05d}",
                "application_year": year,
                "application_seq": seq,
                "application_date": filed,
                "application_time": at,
                "documents_complete_on": filed,
                "registering_body_id": body_of[district_id],
                "district_id": district_id,
                "applicant_last_name": last,
                "applicant_first_name": first,
                "address": address,
                "applicant_search": normalize_text(f"{last} {first} {address}"),
                "is_low_income": n % 3 == 0,
                "family_size": 1 + n % 5,
                "status": (HouseholdStatus.ON_REGISTER if waiting else HouseholdStatus.PROVIDED).value,
                "queue_date": filed,
                "decision_due_unconfirmed": False,
                "restored_by_court": False,
                "version": 1,
            }
        )
        entries.append(
            {
                "household_id": hid,
                "list_type_id": list_id,
                "queue_date": filed,
                "application_time": at,
                "application_seq": seq,
                "included_on": filed + dt.timedelta(days=20),
                "excluded_on": None if waiting else filed + dt.timedelta(days=3000),
                "is_void": False,
            }
        )
        if len(households) >= BATCH:
            flush()
    flush()
    journal_id = conn.scalar(select(NumberingJournal.id).where(NumberingJournal.code == "housing_applications"))
    conn.execute(
        insert(NumberingCounter),
        [{"journal_id": journal_id, "year": y, "last_number": k} for y, k in sorted(per_year.items())],
    )
    if pg:
        for table in (Household.__table__, QueueEntry.__table__):
            conn.execute(
                text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), max(id)) FROM {table.name}")
            )
    middle = first_id + count // 2
    # A deep page of the general list: page 100 at full size, 80 % of the list in smaller data sets.
    deep = min(99, max(0, in_general // 25 * 4 // 5))
    return {
        "households": count,
        "housing_list": general,
        "housing_case": middle,
        "housing_deep_page": deep,
        "housing_deep_number": deep + 1,
    }


QUEUE = "/housing/queue/?list_type={housing_list}"
HOUSEHOLDS = "/householdview/list/"


def cases() -> list[Any]:
    from scripts.bench.cases import Case

    return [
        Case("Жильё: очередь общего списка, стр. 1", QUEUE, expect="Ж-", max_ms=100),
        Case(
            "Жильё: очередь общего списка, стр. {housing_deep_number}",
            QUEUE + "&page={housing_deep_page}",
            expect="Ж-",
            max_ms=100,
        ),
        Case("Жильё: карточка дела с местом в очереди", "/householdview/show/{housing_case}", expect="Ж-", max_ms=100),
        Case(
            "Жильё: поиск по части фамилии («елкин»)",
            HOUSEHOLDS + "?_flt_0_applicant_search=елкин",
            login=DISTRICT_LOGIN,
            expect="",
            max_ms=100,
            only_on="postgresql",
        ),
        Case(
            "Жильё: поиск по части адреса («кирова»)",
            HOUSEHOLDS + "?_flt_0_applicant_search=кирова",
            login=DISTRICT_LOGIN,
            expect="",
            max_ms=100,
            only_on="postgresql",
        ),
    ]
