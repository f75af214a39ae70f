"""Every housing page opens for the roles that read it (a smoke pass over the screens)."""

from __future__ import annotations

import datetime as dt

import pytest

from app.extensions import db

from .conftest import acting_as
from .factories import case, on_register, premises, provide

D = dt.date


@pytest.fixture
def records(app):
    with acting_as(app):
        return _records()


def _records() -> dict[str, int]:
    own = on_register("Ёлкина", D(2024, 3, 1), address="г. Новокузнецк, ул. Ленина, д. 10, кв. 5")
    foreign = on_register("Сидорова", D(2024, 3, 2), district="central")
    waiting = case("Ждущая")
    flat = premises()
    given = on_register("Новосёлова", D(2024, 1, 10))
    decision = provide(given, flat, D(2025, 5, 7))
    db.session.commit()
    return {"own": own.id, "foreign": foreign.id, "waiting": waiting.id, "flat": flat.id, "decision": decision.id}


PAGES = [
    "/householdview/list/",
    "/householdview/list/?preset=awaiting",
    "/householdview/list/?preset=overdue",
    "/householdview/show/{own}",
    "/householdview/add",
    "/householdview/edit/{own}",
    "/housing/queue/",
    "/housing/queue/?as_of=01.01.2025",
    "/housingdecisionview/list/",
    "/housingdecisionview/list/?preset=handover",
    "/housingdecisionview/show/{decision}",
    "/premisesview/list/",
    "/premisesview/show/{flat}",
    "/housing/reports/",
    "/housing/reports/movement?date_from=01.01.2024&date_to=31.12.2025",
    "/housing/reports/stock",
    "/housing/reports/journal?date_from=01.01.2024&date_to=31.12.2025",
    "/housing/reports/queue?as_of=01.06.2025",
    "/listtypeview/list/",
    "/groundview/list/",
    "/fundcategoryview/list/",
    "/decisiontypeview/list/",
    "/housingnormview/list/",
    "/api/v1/household/",
    "/api/v1/household/{own}",
    "/api/v1/premises/",
    "/api/v1/housingdecision/",
    "/api/v1/householdmember/",
]


@pytest.mark.parametrize("username", ["housing", "zavodskoy", "supervisor", "admin"])
def test_housing_pages_open(login, records, username):
    client = login(username)
    failed = []
    for page in PAGES:
        if username == "zavodskoy" and page.startswith("/householdview/edit"):
            continue
        url = page.format(**records)
        response = client.get(url)
        expected = 403 if username == "supervisor" and ("/add" in url or "/edit/" in url) else 200
        if response.status_code != expected:
            failed.append(f"{url}: {response.status_code} {response.text[:300]}")
    assert not failed, "\n".join(failed)
