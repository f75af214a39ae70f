"""The benchmark's instructions on control (app/control): a city's volume, deterministic, bulk-loaded.

As many instructions as appeals up to 100,000 (the issue's scale: R-C1 for a year ≤ 1 s at 100,000).
About 6,500 a year as in the administration's 2020 (6,482 put on control); ~99.7 % of those due are
removed, most of them on time; some extended (the original deadline stays); a co-executing body on a
tenth. Like the appeals, the rows go straight into the tables (no history, no version bumps).
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from sqlalchemy import insert, select, text

from app.control.models import Instruction, co_executors_table
from app.core.numbering.models import NumberingCounter, NumberingJournal
from scripts.bench.common import LAST_YEAR, SEED

MAX_INSTRUCTIONS = 100_000
PER_YEAR = 6_500
BATCH = 20_000
TEXTS = (
    "Представить информацию о ходе подготовки к отопительному сезону",
    "Обеспечить ремонт дорожного покрытия",
    "Подготовить предложения по благоустройству дворовых территорий",
    "Рассмотреть представление прокуратуры и принять меры",
    "Организовать вывоз мусора в частном секторе",
    "Подготовить проект ответа в Правительство Кузбасса",
)


def instruction_count(rows: int) -> int:
    return min(rows, MAX_INSTRUCTIONS)


def load_instructions(conn: Any, rows: int, bodies: list[int], users: list[int]) -> dict[str, Any]:
    """Write the instructions (and their co-executors); returns the counts for bench/meta-<db>.json."""
    from scripts.bench.data import copy_rows

    count = instruction_count(rows)
    rnd = random.Random(SEED + 14)
    years = max(1, -(-count // PER_YEAR))
    start = dt.date(LAST_YEAR - years + 1, 1, 1)
    days = (dt.date(LAST_YEAR, 12, 31) - start).days + 1
    today = dt.date(LAST_YEAR, 12, 31)
    pg = conn.dialect.name == "postgresql"
    table = Instruction.__table__
    seq_by_year: dict[int, int] = {}
    batch: list[dict] = []
    co_batch: list[dict] = []

    def flush() -> None:
        for target, rows_ in ((table, batch), (co_executors_table, co_batch)):
            if rows_:
                copy_rows(conn, target, rows_) if pg else conn.execute(insert(target), rows_)
                rows_.clear()

    for number in range(count):
        reg_date = start + dt.timedelta(days=number * days // count)
        seq = seq_by_year[reg_date.year] = seq_by_year.get(reg_date.year, 0) + 1
        original = reg_date + dt.timedelta(days=rnd.choice((30, 30, 30, 14, 4)))
        extended = rnd.random() < 0.08
        deadline = original + dt.timedelta(days=rnd.randint(7, 30)) if extended else original
        removed_on = None
        if deadline <= today and rnd.random() < 0.997:
            late = rnd.random() < 0.04
            removed_on = (
                deadline + dt.timedelta(days=rnd.randint(1, 20))
                if late
                else deadline - dt.timedelta(days=rnd.randint(0, 10))
            )
            removed_on = max(removed_on, reg_date)
        body = rnd.choice(bodies)
        head = rnd.random() < 0.3
        batch.append(
            {
                "id": number + 1,
                "reg_number": f"Пор-{reg_date.year}-{seq:05d}",
                "reg_year": reg_date.year,
                "reg_seq": seq,
                "reg_date": reg_date,
                "source_kind": "head_order" if head else "resolution",
                "text": rnd.choice(TEXTS),
                "issued_by_id": None if head else rnd.choice(users),
                "issued_by_name": "Глава города" if head else None,
                "is_head_instruction": head,
                "issued_on": reg_date,
                "controller_id": rnd.choice(users),
                "responsible_body_id": body,
                "executor_id": rnd.choice(users) if rnd.random() < 0.7 else None,
                "urgency": "none",
                "deadline_original": original,
                "deadline": deadline,
                "control_date": deadline,
                "status": "removed" if removed_on else "on_control",
                "removed_on": removed_on,
                "removal_basis": "Отчёт об исполнении" if removed_on else None,
                "version": 1,
            }
        )
        if rnd.random() < 0.1:
            other = rnd.choice(bodies)
            if other != body:
                co_batch.append({"instruction_id": number + 1, "body_id": other})
        if len(batch) >= BATCH:
            flush()
    flush()
    journal_id = conn.scalar(select(NumberingJournal.id).where(NumberingJournal.code == "instructions"))
    if journal_id is not None:
        conn.execute(
            insert(NumberingCounter),
            [{"journal_id": journal_id, "year": year, "last_number": n} for year, n in sorted(seq_by_year.items())],
        )
    if pg:
        conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), max(id)) FROM {table.name}"))
    return {"instructions": count}
