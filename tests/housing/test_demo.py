"""Demo housing register: built through the services, varied enough for every screen and report."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select

from app.extensions import db
from app.housing.demo import load_demo_housing
from app.housing.models import Household, HouseholdStatus, HousingDecision, Premises, PremisesStatus
from app.housing.queue import positions_of


def test_demo_households_cover_every_status_with_unique_numbers(officer_ctx):
    assert load_demo_housing(count=120) == 120
    households = db.session.scalars(select(Household)).all()
    statuses = Counter(h.status for h in households)
    for status in (
        HouseholdStatus.ON_REGISTER,
        HouseholdStatus.RECEIVED,
        HouseholdStatus.REFUSED,
        HouseholdStatus.REMOVED,
        HouseholdStatus.PROVIDED,
    ):
        assert statuses[status.value] > 0, statuses
    assert len({h.application_number for h in households}) == 120
    assert len({h.district_id for h in households}) == 6
    decisions = db.session.scalars(select(HousingDecision)).all()
    assert len({d.number for d in decisions}) == len(decisions)
    provided = [d for d in decisions if d.premises is not None]
    assert provided and all(d.premises.status == PremisesStatus.OCCUPIED.value for d in provided)
    assert db.session.scalar(select(func.count(Premises.id))) == 30
    waiting = next(h for h in households if h.status == HouseholdStatus.ON_REGISTER.value)
    assert positions_of(waiting.id, waiting.entries[0].included_on)


def test_demo_households_are_loaded_once(officer_ctx):
    load_demo_housing(count=20)
    assert load_demo_housing(count=20) == 0
    assert db.session.scalar(select(func.count(Household.id))) == 20
