"""Search as staff need it: a part of a name in any case with ё = е, a part of an address, dates, list, type,
district — combinable, on the cases, the decisions and the premises."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from app.extensions import db
from app.housing.services import decision_type_by_code, list_type_by_code
from app.org.services import district_by_code

from .conftest import acting_as
from .factories import at, case, on_register, premises, remove

D = dt.date
NUMBER = re.compile(r"Ж-\d{4}-\d{5}")
DECISION = re.compile(r"РЖ-\d{4}-\d{5}")


@pytest.fixture
def people(app):
    with acting_as(app):
        rows = {
            "elkina": on_register(
                "Ёлкина", D(2024, 3, 1), first_name="Мария", address="г. Новокузнецк, ул. Ленина, д. 10, кв. 5"
            ),
            "elkin": case(
                "ЕЛКИН", filed=at(D(2025, 2, 3)), first_name="Ёжик", address="г. Новокузнецк, пр. Бардина, д. 2"
            ),
            "elizarova": on_register(
                "Елизарова", D(2024, 4, 1), address="г. Новокузнецк, ул. Ленина, д. 101", district="central"
            ),
            "urgent": on_register(
                "Сёмина", D(2024, 5, 1), "out_of_turn_unfit", address="г. Новокузнецк, ул. Кирова, д. 10, кв. 5"
            ),
        }
        remove(rows["urgent"], D(2024, 9, 1))
        flat = premises("ул. Ленина", "10", "7")
        premises("пр. Бардина", "2", "1", district="central")
        db.session.commit()
        ids = {
            "numbers": {key: h.application_number for key, h in rows.items()},
            "zavodskoy": district_by_code("zavodskoy").id,
            "general": list_type_by_code("general").id,
            "remove": decision_type_by_code("remove").id,
            "register": decision_type_by_code("register").id,
            "flat": flat.id,
        }
        return ids


def _found(client, url: str, pattern: re.Pattern[str] = NUMBER) -> set[str]:
    response = client.get(url)
    assert response.status_code == 200, response.text[:500]
    return set(pattern.findall(response.text))


def test_a_name_part_in_any_case_finds_yo_by_ye(login, people):
    client = login("housing")
    n = people["numbers"]
    assert _found(client, "/householdview/list/?_flt_0_applicant_last_name=елкин") == {n["elkina"], n["elkin"]}
    assert _found(client, "/householdview/list/?_flt_0_applicant_last_name=ЁЛКИНА") == {n["elkina"]}
    # The one search box over name and address, answered from its normalised column.
    assert _found(client, "/householdview/list/?_flt_0_applicant_search=ёжик") == {n["elkin"]}


def test_an_address_part_finds_the_street_house_and_flat(login, people):
    client = login("housing")
    n = people["numbers"]
    assert _found(client, "/householdview/list/?_flt_0_address=ленина") == {n["elkina"], n["elizarova"]}
    assert _found(client, "/householdview/list/?_flt_0_address=ленина, д. 10") == {n["elkina"], n["elizarova"]}
    assert _found(client, "/householdview/list/?_flt_0_address=д. 10, кв. 5") == {n["elkina"], n["urgent"]}
    premises = client.get("/premisesview/list/?_flt_0_full_address=ленина").text
    assert "ул. Ленина, д. 10, кв. 7" in premises and "Бардина" not in premises


def test_filters_combine_dates_district_list_and_status(login, people):
    client = login("housing")
    n = people["numbers"]
    both = "/householdview/list/?_flt_0_address=ленина&_flt_0_district={zavodskoy}".format(**people)
    assert _found(client, both) == {n["elkina"]}
    filed = "/householdview/list/?_flt_1_application_date=31.01.2025&_flt_2_application_date=01.03.2025"
    assert _found(client, filed) == {n["elkin"]}
    queued = "/householdview/list/?_flt_1_queue_date=29.02.2024&_flt_2_queue_date=02.04.2024"
    assert _found(client, queued) == {n["elkina"], n["elizarova"]}
    listed = f"/householdview/list/?_flt_0_lists={people['general']}&_flt_0_applicant_last_name=ел"
    assert _found(client, listed) == {n["elkina"], n["elizarova"]}
    removed = "/householdview/list/?_flt_0_status=removed"
    assert _found(client, removed) == {n["urgent"]}


def test_the_decisions_registry_finds_by_name_address_type_and_date(login, people):
    client = login("housing")
    base = "/housingdecisionview/list/"
    everything = _found(client, base, DECISION)
    assert len(everything) == 4
    by_name = _found(client, base + "?_flt_0_applicant_name=елкин", DECISION)
    removals = _found(client, base + f"?_flt_0_decision_type={people['remove']}", DECISION)
    assert len(by_name) == 1 and len(removals) == 1 and by_name != removals
    # Сёмина (ул. Кирова) was registered and then removed: both decisions carry her address.
    by_address = _found(client, base + "?_flt_0_address=кирова", DECISION)
    assert len(by_address) == 2 and removals < by_address
    dated = _found(
        client,
        base
        + f"?_flt_0_decision_type={people['register']}&_flt_1_decision_date=31.03.2024&_flt_2_decision_date=02.05.2024",
        DECISION,
    )
    assert len(dated) == 2 and by_name.isdisjoint(dated)


def test_a_district_clerk_searches_only_their_district(login, people):
    client = login("zavodskoy")
    n = people["numbers"]
    assert _found(client, "/householdview/list/?_flt_0_address=ленина") == {n["elkina"]}
