"""R-C1 executive discipline from the data: the administration's 2020 figures (6,482 put on control,
6,461 removed → 99.68 %), the on-time shares against the current and the original deadline, per body."""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal

from sqlalchemy import insert

from app.control.models import Instruction, InstructionStatus
from app.control.reports import ControlFilter, executive_discipline, percent
from app.core.dates import utcnow
from app.extensions import db
from app.org.services import body_by_code
from app.security import Visibility, statistics_clause

YEAR = 2020
PUT = 6_482
REMOVED = 6_461
#: Body A (УДКХиБ) gets the first 4,000; body B (Комитет ЖКХ) the rest, its last 21 still open.
BODY_A = 4_000
LATE = 120  # body A's first 120: removed five days after the deadline
EXTENDED = 50  # body B's first 50: the deadline moved ten days, removed on time against the new one


def _row(n: int, body_id: int, reg_date: dt.date, **fields: object) -> dict[str, object]:
    deadline = fields.pop("deadline", reg_date + dt.timedelta(days=30))
    return {
        "reg_number": f"Пор-{reg_date.year}-{n:05d}",
        "reg_year": reg_date.year,
        "reg_seq": n,
        "reg_date": reg_date,
        "source_kind": "head_order",
        "text": "Поручение",
        "issued_on": reg_date,
        "responsible_body_id": body_id,
        "urgency": "none",
        "deadline_original": deadline,
        "deadline": deadline,
        "control_date": deadline,
        "status": InstructionStatus.ON_CONTROL.value,
        "is_head_instruction": False,
        "version": 1,
        # One insert of many rows: every row names the same columns.
        "removed_on": None,
        "removal_basis": None,
        "annulled_at": None,
        "annul_reason": None,
        **fields,
    }


def _load_known_year() -> tuple[int, int]:
    """The year's instructions (Core inserts: volume, not the rules, is what these rows are)."""
    body_a, body_b = body_by_code("udkh").id, body_by_code("kgkh").id
    rows = []
    for i in range(PUT):
        reg_date = dt.date(YEAR, 1, 9) + dt.timedelta(days=i % 290)
        deadline = reg_date + dt.timedelta(days=30)
        body = body_a if i < BODY_A else body_b
        fields: dict[str, object] = {"deadline": deadline}
        if i >= REMOVED:
            pass  # the 21 still open, all in body B
        elif i < LATE:
            fields.update(status="removed", removed_on=deadline + dt.timedelta(days=5), removal_basis="Акт")
        else:
            fields.update(status="removed", removed_on=deadline - dt.timedelta(days=2), removal_basis="Акт")
        if BODY_A <= i < BODY_A + EXTENDED:
            fields.update(deadline_original=deadline - dt.timedelta(days=10))
        rows.append(_row(i + 1, body, reg_date, **fields))
    # Noise the year must not count: the year before, and annulled rows of the year.
    for i in range(100):
        reg_date = dt.date(YEAR - 1, 3, 1) + dt.timedelta(days=i)
        rows.append(
            _row(
                i + 1,
                body_a,
                reg_date,
                status="removed",
                removed_on=reg_date + dt.timedelta(days=3),
                removal_basis="Акт",
            )
        )
    for i in range(10):
        rows.append(_row(PUT + i + 1, body_a, dt.date(YEAR, 5, 5), annulled_at=utcnow(), annul_reason="Ошибка ввода"))
    db.session.execute(insert(Instruction.__table__), rows)
    db.session.flush()
    return body_a, body_b


def test_the_customers_2020_figures_come_from_the_data_in_under_a_second(app):
    with app.app_context():
        body_a, body_b = _load_known_year()
        started = time.perf_counter()
        report = executive_discipline(
            ControlFilter(dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31), today=dt.date(2021, 2, 1))
        )
        elapsed = time.perf_counter() - started
        total = report.total
        assert (total.put, total.removed, total.execution_percent) == (6_482, 6_461, Decimal("99.68"))
        assert (total.removed_on_time, total.removed_late, total.open_overdue, total.extended) == (6_341, 120, 21, 50)
        # On time: 6,341 of the 6,482 due in the year (97.82 %); against the original deadline the 50 extended
        # ones are late: 6,291 (97.05 %).
        assert (total.due, total.due_on_time, total.on_time_percent) == (6_482, 6_341, Decimal("97.82"))
        assert (total.due_original, total.due_on_time_original, total.on_time_original_percent) == (
            6_482,
            6_291,
            Decimal("97.05"),
        )
        by_body = {row.body_id: row for row in report.rows}
        a, b = by_body[body_a], by_body[body_b]
        assert (a.put, a.removed, a.removed_late, a.open_overdue, a.execution_percent) == (4_000, 4_000, 120, 0, 100)
        assert (b.put, b.removed, b.open_overdue, b.extended, b.execution_percent) == (
            2_482,
            2_461,
            21,
            50,
            Decimal("99.15"),
        )
        assert (a.on_time_percent, b.on_time_original_percent) == (Decimal("97.00"), Decimal("97.14"))
        assert elapsed < 1.0, f"R-C1 took {elapsed:.3f} s"


def test_a_body_and_the_statistics_scope_narrow_the_figures(app):
    with app.app_context():
        body_a, body_b = _load_known_year()
        period = (dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31))
        only_b = executive_discipline(ControlFilter(*period, body_id=body_b, today=dt.date(2021, 2, 1)))
        assert [row.body_id for row in only_b.rows] == [body_b]
        assert (only_b.total.put, only_b.total.removed) == (2_482, 2_461)
        # A body clerk of УДКХиБ counts his body's own instructions only.
        scope = statistics_clause(Instruction, Visibility(body_ids=frozenset({body_a})))
        own = executive_discipline(ControlFilter(*period, scope=scope, today=dt.date(2021, 2, 1)))
        assert [row.body_id for row in own.rows] == [body_a]
        assert own.total.put == 4_000


def test_an_open_instruction_is_overdue_only_after_its_deadline_on_the_day_asked(app):
    with app.app_context():
        body = body_by_code("udkh").id
        db.session.execute(
            insert(Instruction.__table__),
            [_row(1, body, dt.date(YEAR, 3, 2), deadline=dt.date(YEAR, 4, 1))],
        )
        period = (dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31))
        assert executive_discipline(ControlFilter(*period, today=dt.date(YEAR, 4, 1))).total.open_overdue == 0
        assert executive_discipline(ControlFilter(*period, today=dt.date(YEAR, 4, 2))).total.open_overdue == 1


def test_percentages_round_half_up_to_two_places_and_are_empty_without_a_base():
    assert percent(6_461, 6_482) == Decimal("99.68")
    assert percent(1, 8) == Decimal("12.50")
    assert percent(1, 3) == Decimal("33.33")
    assert percent(2, 3) == Decimal("66.67")
    assert percent(0, 0) is None
