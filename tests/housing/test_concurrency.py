"""Two officers give the same flat at the same moment (PostgreSQL, two real transactions): one succeeds.

The first holds the premises row locked until it commits; the second waits on that lock, then finds
the flat occupied and is refused — its decision, its number and its changes to the case are not kept.
On SQLite (one writer at a time) the same service re-reads the row and checks its version
(test_decisions.py: a flat taken by another transaction since it was read).
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from typing import Any

import pytest
from flask import Flask, g
from sqlalchemy import func, select, text

from app.extensions import db
from app.housing.models import HouseholdStatus, HousingDecision, Premises, PremisesStatus
from app.housing.services import PremisesTaken

from .factories import on_register, premises, provide

D = dt.date
WAIT_SECONDS = 20


@pytest.fixture
def pg(app: Flask) -> Flask:
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("row locks of two parallel transactions: PostgreSQL (SQLite serialises writers)")
    return app


def _officer(app: Flask) -> Any:
    return app.appbuilder.sm.find_user(username="housing")


def _waiting_on_a_lock(app: Flask) -> bool:
    """Whether another backend of this database waits for a row lock (the second officer's SELECT … FOR UPDATE)."""
    with db.engine.connect() as conn:
        query = text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return bool(conn.execute(query).scalar())


def test_two_officers_providing_one_flat_at_once_cannot_both_succeed(pg):
    app = pg
    with app.test_request_context():
        g.user = _officer(app)
        first, second = on_register("Быстрова", D(2024, 3, 1)), on_register("Медленнов", D(2024, 3, 2))
        flat = premises()
        db.session.commit()
        ids = {"first": first.id, "second": second.id, "flat": flat.id}
    first_flushed, may_commit = threading.Event(), threading.Event()
    outcome: dict[str, Any] = {}

    def officer(name: str) -> None:
        with app.test_request_context():
            g.user = _officer(app)
            try:
                from app.housing.models import Household

                household = db.session.get(Household, ids[name])
                flat = db.session.get(Premises, ids["flat"])
                assert flat.status == PremisesStatus.VACANT.value  # both read the flat as vacant
                decision = provide(household, flat, D(2025, 5, 7))
                if name == "first":
                    first_flushed.set()  # the row is locked until this transaction ends
                    assert may_commit.wait(WAIT_SECONDS)
                db.session.commit()
                outcome[name] = decision.number
            except Exception as exc:  # reported to the test below
                db.session.rollback()
                outcome[name] = exc
            finally:
                first_flushed.set()
                db.session.remove()

    threads = {name: threading.Thread(target=officer, args=(name,)) for name in ("first", "second")}
    threads["first"].start()
    assert first_flushed.wait(WAIT_SECONDS)
    threads["second"].start()
    with app.app_context():
        deadline = time.monotonic() + WAIT_SECONDS
        while not _waiting_on_a_lock(app):  # the second officer reached the locked row and waits
            assert time.monotonic() < deadline, "the second transaction never waited for the row lock"
    may_commit.set()
    for thread in threads.values():
        thread.join(WAIT_SECONDS)
    assert isinstance(outcome["first"], str) and outcome["first"].startswith("РЖ-2025-")
    assert isinstance(outcome["second"], PremisesTaken), outcome["second"]
    with app.app_context():
        from app.housing.models import Household

        flat = db.session.get(Premises, ids["flat"])
        assert (flat.status, flat.tenant_household_id) == (PremisesStatus.OCCUPIED.value, ids["first"])
        assert db.session.get(Household, ids["second"]).status == HouseholdStatus.ON_REGISTER.value
        provisions = select(func.count()).select_from(HousingDecision).where(HousingDecision.premises_id == ids["flat"])
        assert db.session.scalar(provisions) == 1
        db.session.remove()
