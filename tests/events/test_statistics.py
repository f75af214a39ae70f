"""Statistics on the known dataset of 2020: 410 events planned, 400 held, 150 held in another format;
74 petitions from residents and 316 from organisations. Built through the services; the expected
figures are counted here from the dataset's own description, apart from the SQL under test."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from openpyxl import load_workbook

from app.core.imports import deferred_flushes
from app.events.models import ApplicantType, EventFormat
from app.events.reports import EventFilter, PetitionFilter, events_summary, month_label, petitions_summary
from app.events.services import add_petition, cancel_event, mark_held, postpone_event
from app.extensions import db
from app.org.models import Body, District
from app.org.services import body_by_code
from app.security import statistics_clause, visibility_for
from tests.events.factory import campaign, event, local, programme

ORGANISERS = ("culture", "sport", "kon", "udkh", "district-zavodskoy", None)  # None: the veterans' council
DISTRICTS = ("central", "kuznetsky", "zavodskoy", "kuibyshevsky", "novoilyinsky", "ordzhonikidzevsky", None)
EPIDEMIC = "Ограничительные меры в связи с распространением COVID-19"


@dataclass(frozen=True)
class Planned:
    """One event of the dataset as described (not as stored)."""

    day: dt.date
    organiser: str | None
    district: str | None
    outcome: str  # held / changed / postponed / cancelled

    @property
    def month(self) -> tuple[int, int]:
        return self.day.year, self.day.month


def dataset() -> list[Planned]:
    """410 events over 2020: 400 held (150 of them in another format), 6 postponed, 4 cancelled."""
    planned = []
    for n in range(410):
        day = dt.date(2020, 1, 10) + dt.timedelta(days=n * 340 // 410)
        outcome = "postponed" if 400 <= n < 406 else "cancelled" if n >= 406 else "changed" if n % 8 < 3 else "held"
        planned.append(Planned(day, ORGANISERS[n % len(ORGANISERS)], DISTRICTS[n % len(DISTRICTS)], outcome))
    return planned


PETITIONS = {ApplicantType.RESIDENT.value: 74, ApplicantType.ORGANISATION.value: 316}


def _petition_day(n: int) -> dt.date:
    # From February to June 2020 (the bid went before the title was granted on 2 July 2020).
    return dt.date(2020, 2, 1) + dt.timedelta(days=n * 150 // 390)


@pytest.fixture
def known(app: Flask) -> dict[str, int]:
    """The dataset, plus what must never be counted: an annulled event and another year's programme."""
    with app.app_context():
        # The services' flushes wait for one at the end (the import's batching): the same rules, much faster.
        with deferred_flushes(db.session):
            plan, postponed = _build_events()
            title = _build_petitions()
        db.session.flush()
        for item in postponed:
            # Moved on within the year (a postponement reads the stored start), not held by its end.
            postpone_event(item, starts_at=local(2020, 12, 28, 15), reason=EPIDEMIC)
        db.session.commit()
        return {"programme": plan.id, "campaign": title.id}


def _build_events() -> tuple[Any, list[Any]]:
    plan = programme()
    postponed = []
    for spec in dataset():
        item = event(
            plan,
            local(spec.day.year, spec.day.month, spec.day.day, 15),
            title=f"Мероприятие {spec.day:%d.%m}",
            organiser=spec.organiser,
            district=spec.district,
        )
        if spec.outcome == "held":
            mark_held(item, actual_format=EventFormat.IN_PERSON.value, participants_actual=100)
        elif spec.outcome == "changed":
            mark_held(item, actual_format=EventFormat.ONLINE.value, reason=EPIDEMIC)
        elif spec.outcome == "postponed":
            postponed.append(item)
        else:
            cancel_event(item, EPIDEMIC)
    annulled = event(plan, local(2020, 5, 9), title="Внесено по ошибке")
    annulled.annulled_at, annulled.annul_reason = dt.datetime(2020, 5, 10), "Внесено по ошибке"
    event(programme(year=2025, name="План 80-летия Победы"), local(2025, 5, 9))
    return plan, postponed


def _build_petitions() -> Any:
    title = campaign()
    for n in range(390):
        resident = n % 5 == 0 and n // 5 < 74
        kind = ApplicantType.RESIDENT.value if resident else ApplicantType.ORGANISATION.value
        add_petition(
            title,
            applicant_type=kind,
            received_on=_petition_day(n),
            summary="Поддерживаю присвоение Новокузнецку звания «Город трудовой доблести»",
            **(
                {"applicant_last_name": f"Житель{n}", "applicant_address": "г. Новокузнецк"}
                if resident
                else {"organisation_name": f"Организация {n}"}
            ),
        )
    add_petition(
        campaign(),
        applicant_type=ApplicantType.ORGANISATION.value,
        received_on=dt.date(2020, 3, 1),
        summary="Другая кампания",
        organisation_name="Другая организация",
    )
    return title


YEAR_2020 = {"date_from": dt.date(2020, 1, 1), "date_to": dt.date(2020, 12, 31)}


def test_the_programmes_totals_are_410_planned_400_held_150_changed_format(app, known):
    with app.app_context():
        report = events_summary(EventFilter(programme_id=known["programme"], **YEAR_2020))
    total = report.total
    assert (total.planned, total.held, total.format_changed, total.postponed, total.cancelled) == (410, 400, 150, 6, 4)


def test_the_year_without_a_programme_filter_counts_the_same_and_not_the_annulled_event(app, known):
    with app.app_context():
        year = events_summary(EventFilter(**YEAR_2020)).total
        everything = events_summary(EventFilter()).total
    assert (year.planned, year.held, year.format_changed) == (410, 400, 150)
    assert everything.planned == 411  # the 2025 programme's event; never the annulled one


def _expected(key) -> dict:
    rows: dict = {}
    for spec in dataset():
        line = rows.setdefault(key(spec), Counter())
        line["planned"] += 1
        line["held"] += spec.outcome in ("held", "changed")
        line["format_changed"] += spec.outcome == "changed"
        line["postponed"] += spec.outcome == "postponed"
        line["cancelled"] += spec.outcome == "cancelled"
    return rows


def _figures(row) -> Counter:
    return Counter(
        {
            "planned": row.planned,
            "held": row.held,
            "format_changed": row.format_changed,
            "postponed": row.postponed,
            "cancelled": row.cancelled,
        }
    )


def test_by_month_every_month_is_exact(app, known):
    with app.app_context():
        report = events_summary(EventFilter(programme_id=known["programme"], **YEAR_2020))
        got = {(row.year, row.month): _figures(row) for row in report.by_month}
        labels = [row.label for row in report.by_month]
    expected = _expected(lambda spec: spec.month)
    # Postponed events count in the month they are now set for (the report reads the start date).
    for (year, month), line in list(expected.items()):
        moved = sum(1 for s in dataset() if s.outcome == "postponed" and s.month == (year, month))
        line["planned"] -= moved
        line["postponed"] -= moved
    expected[(2020, 12)]["planned"] += 6
    expected[(2020, 12)]["postponed"] += 6
    assert got == {month: +line for month, line in expected.items()}
    assert labels[0] == month_label(2020, 1) == "январь 2020"
    assert sum(line["format_changed"] for line in got.values()) == 150


def test_by_organiser_and_by_district_are_exact(app, known):
    with app.app_context():
        report = events_summary(EventFilter(programme_id=known["programme"], **YEAR_2020))
        names = {b.code: b.name for b in db.session.query(Body)}
        districts = {d.code: d.name for d in db.session.query(District)}
        by_organiser = {row.label: _figures(row) for row in report.by_organiser}
        by_district = {row.label: _figures(row) for row in report.by_district}
    expected = _expected(lambda s: names[s.organiser] if s.organiser else "Совет ветеранов города")
    assert by_organiser == {label: +line for label, line in expected.items()}
    expected = _expected(lambda s: districts[s.district] if s.district else "Район не указан")
    assert by_district == {label: +line for label, line in expected.items()}


def test_a_body_counts_only_the_events_it_owns(app, known):
    """An organising body's figures are its own events; the coordinating body's staff count the programme's."""
    with app.app_context():
        sm = app.appbuilder.sm
        udkh = statistics_clause_for(sm.find_user(username="udkh"))
        culture = statistics_clause_for(sm.find_user(username="culture"))
        own = events_summary(EventFilter(programme_id=known["programme"], scope=udkh, **YEAR_2020)).total
        programme_wide = events_summary(EventFilter(programme_id=known["programme"], scope=culture, **YEAR_2020)).total
    udkh_specs = [s for s in dataset() if s.organiser == "udkh"]
    assert own.planned == len(udkh_specs) == 68
    assert own.format_changed == sum(s.outcome == "changed" for s in udkh_specs)
    assert programme_wide.planned == 410


def statistics_clause_for(user):
    from app.events.models import Event

    return statistics_clause(Event, visibility_for(user))


def test_petitions_are_74_from_residents_and_316_from_organisations_by_month(app, known):
    with app.app_context():
        report = petitions_summary(PetitionFilter(campaign_id=known["campaign"], **YEAR_2020))
    assert (report.total.residents, report.total.organisations, report.total.total) == (74, 316, 390)
    expected: dict = {}
    for n in range(390):
        day = _petition_day(n)
        line = expected.setdefault((day.year, day.month), [0, 0])
        line[0 if n % 5 == 0 and n // 5 < 74 else 1] += 1
    assert {(r.year, r.month): [r.residents, r.organisations] for r in report.by_month} == expected


def test_the_statistics_page_and_its_xlsx_show_the_programmes_totals(app, known, login):
    client = login("supervisor")
    url = f"/events/reports/summary?date_from=01.01.2020&date_to=31.12.2020&programme={known['programme']}"
    page = client.get(url)
    assert page.status_code == 200
    assert "Итоги программы мероприятий" in page.text and "Итого по программе" in page.text
    xlsx = client.get(url.replace("/summary?", "/summary/xlsx?"))
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.data), read_only=True).active
    totals = [row for row in sheet.iter_rows(values_only=True) if row and row[0] == "Итого по программе"]
    assert totals[0][1:6] == (410, 400, 6, 4, 150)
    petitions = client.get(
        f"/events/petitions/reports/petitions?date_from=01.01.2020&date_to=31.12.2020&campaign={known['campaign']}"
    )
    assert petitions.status_code == 200 and "От жителей" in petitions.text


def test_a_number_links_to_the_list_it_counts(app, known, login):
    """«Изменён формат» of УДКХиБ opens the event list of exactly those events."""
    import re
    from html import unescape

    client = login("supervisor")
    page = client.get(f"/events/reports/summary?date_from=01.01.2020&date_to=31.12.2020&programme={known['programme']}")
    with app.app_context():
        udkh = body_by_code("udkh").id
    links = [unescape(u) for u in re.findall(r'href="([^"]*)"', page.text)]
    link = next(u for u in links if "preset=format_changed" in u and f"_flt_0_organiser_body={udkh}&" in u + "&")
    listed = client.get(link)
    total = re.search(r"Всего записей:</strong>\s*(\d+)", listed.text)
    expected = sum(1 for s in dataset() if s.organiser == "udkh" and s.outcome == "changed")
    assert total and int(total.group(1)) == expected == 17
