"""Personal data (`__personal__`): hidden without the right on every door, journalled when seen with it.

Every model that marks fields personal needs a case in `CASES`. Its record gets a distinct marker
in each personal field; a reader without the personal-data right (the Supervisor) must find none
of them on the list, the show page (history included), the exports or the API, while a reader
with the right sees them. Opening a full card with the right writes the access journal
(app/core/pii_log.py); lists and users without the right do not.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass

import pytest
from flask import Flask
from flask_appbuilder import Model
from openpyxl import load_workbook
from sqlalchemy import Date, select

from app.appeals.models import Appeal
from app.appeals.receptions import ReceptionVisit
from app.control.models import Correspondent
from app.core.models import ExportLog
from app.core.pii_log import PersonalDataAccess
from app.events.models import TitlePetition
from app.extensions import db
from app.housing.models import Household, HouseholdMember, HousingDecision, QueueCertificate
from app.org.models import Official
from tests.conftest import login_client
from tests.security.world import World


@dataclass(frozen=True)
class Case:
    model: type
    view: str
    record: str  # a world key
    api: str | None = None


CASES = [
    Case(Appeal, "/appealview", "appeal", "/api/v1/appeal"),
    Case(ReceptionVisit, "/receptionvisitview", "visit", "/api/v1/receptionvisit"),
    Case(Official, "/officialview", "official_housing", "/api/v1/official"),
    Case(ExportLog, "/exportlogview", "export_log"),
    # A citizen who writes to the administration (app/control).
    Case(Correspondent, "/correspondentview", "citizen_correspondent", "/api/v1/correspondent"),
    # A resident's petition for the honorary title (app/events).
    Case(TitlePetition, "/titlepetitionview", "petition", "/api/v1/titlepetition"),
    # The housing register (app/housing): the applicant, the family, the decisions and certificates.
    Case(Household, "/householdview", "household", "/api/v1/household"),
    Case(HouseholdMember, "/householdmemberview", "household_member", "/api/v1/householdmember"),
    Case(HousingDecision, "/housingdecisionview", "housing_decision", "/api/v1/housingdecision"),
    Case(QueueCertificate, "/certificateview", "certificate"),
]


def test_every_model_with_personal_fields_has_a_case():
    personal = {
        m.class_
        for m in Model.registry.mappers
        if getattr(m.class_, "__personal__", None) and not m.class_.__tablename__.startswith("test_")
    }
    assert personal == {case.model for case in CASES}


def _mark(app: Flask, case: Case, world: World) -> list[str]:
    """Put a distinct marker into every personal field of the case's record; return the markers."""
    with app.app_context():
        row = db.session.get(case.model, world[case.record])
        markers = []
        for index, name in enumerate(case.model.__personal__):
            column = case.model.__table__.c[name]
            if isinstance(column.type, Date):
                # A date of birth: a day nobody else has, looked for as the card and the API write it.
                value = dt.date(1901, 2, index + 1)
                setattr(row, name, value)
                markers += [f"{value:%d.%m.%Y}", value.isoformat()]
                continue
            # Short enough for the column (PostgreSQL refuses a longer value: a СНИЛС has 14 characters).
            marker = f"ПДн{index}{case.model.__name__}"[: getattr(column.type, "length", None) or None]
            setattr(row, name, marker)
            markers.append(marker)
        db.session.commit()
    return markers


def _xlsx_text(data: bytes) -> str:
    sheet = load_workbook(io.BytesIO(data), read_only=True).active
    return " ".join(str(cell) for row in sheet.iter_rows(values_only=True) for cell in row if cell is not None)


def _doors(client, case: Case, pk: int) -> dict[str, str]:
    """Every page and file a reader gets the record through (each one opens: the test is not vacuous)."""
    urls = {"list": f"{case.view}/list/", "show": f"{case.view}/show/{pk}"}
    if case.api:
        urls.update({"api get": f"{case.api}/{pk}", "api list": f"{case.api}/"})
    pages = {}
    for door, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200, url
        pages[door] = response.text
    csv_export = client.post(f"{case.view}/export/csv")  # exports are POSTs from the list (issue 12a)
    assert csv_export.status_code == 200
    pages["csv"] = csv_export.text
    xlsx = client.post(f"{case.view}/export/xlsx")
    pages["xlsx"] = _xlsx_text(xlsx.data)
    xlsx.close()
    return pages


@pytest.mark.parametrize("case", CASES, ids=[case.model.__name__ for case in CASES])
def test_personal_fields_are_hidden_without_the_right_on_every_door(sec_app, world, case):
    markers = _mark(sec_app, case, world)
    pk = world[case.record]
    pages = _doors(login_client(sec_app, "supervisor"), case, pk)
    leaks = [f"{door}: {marker}" for door, text in pages.items() for marker in markers if marker in text]
    assert not leaks, "personal data shown to the Supervisor:\n" + "\n".join(leaks)
    assert "***" in pages["show"]  # the history masks the changes it cannot show


@pytest.mark.parametrize("case", CASES, ids=[case.model.__name__ for case in CASES])
def test_a_reader_with_the_right_sees_them(sec_app, world, case):
    markers = _mark(sec_app, case, world)
    show = login_client(sec_app, "admin").get(f"{case.view}/show/{world[case.record]}").text
    shown = [marker for marker in markers if marker in show]
    assert shown, "not one personal field on the card"


# ---- the access journal ------------------------------------------------------------------


def _journal(app: Flask) -> list[PersonalDataAccess]:
    with app.app_context():
        rows = list(db.session.scalars(select(PersonalDataAccess).order_by(PersonalDataAccess.id)))
        db.session.expunge_all()
        return rows


def test_opening_an_applicants_card_is_journalled_with_who_when_where_and_which(sec_app, world):
    before = len(_journal(sec_app))
    client = login_client(sec_app, "appeals")
    assert client.get(f"/appealview/show/{world['appeal']}").status_code == 200
    entry = _journal(sec_app)[-1]
    assert len(_journal(sec_app)) == before + 1
    with sec_app.app_context():
        user_id = sec_app.appbuilder.sm.find_user(username="appeals").id
    assert (entry.user_id, entry.username, entry.ip) == (user_id, "appeals", "127.0.0.1")
    assert (entry.access, entry.table_name, entry.record_id) == ("show", "appeals_appeal", str(world["appeal"]))
    assert dt.datetime.now(dt.UTC).replace(tzinfo=None) - entry.at < dt.timedelta(minutes=1)
    assert entry.endpoint == "AppealView.show"


def test_the_api_and_the_edit_form_are_journalled_too(sec_app, world):
    client = login_client(sec_app, "zavodskoy")
    assert client.get(f"/api/v1/appeal/{world['appeal']}").status_code == 200
    assert client.get(f"/appealview/edit/{world['appeal']}").status_code == 200
    assert client.get(f"/api/v1/receptionvisit/{world['visit']}").status_code == 200
    entries = [(e.username, e.access, e.table_name, e.record_id) for e in _journal(sec_app)[-3:]]
    assert entries == [
        ("zavodskoy", "api_get", "appeals_appeal", str(world["appeal"])),
        ("zavodskoy", "edit", "appeals_appeal", str(world["appeal"])),
        ("zavodskoy", "api_get", "appeals_reception_visit", str(world["visit"])),
    ]


def test_an_export_with_personal_columns_is_one_entry_with_the_count(sec_app, world):
    before = len(_journal(sec_app))
    client = login_client(sec_app, "appeals")
    # The visits' list shows the visitor's surname: a personal column.
    rows = client.post("/receptionvisitview/export/csv").text.strip().splitlines()
    # The appeals' list shows no applicant column: nothing personal leaves with it.
    client.post("/appealview/export/csv").get_data()
    entries = _journal(sec_app)[before:]
    assert [(e.access, e.table_name, e.record_id, e.row_count) for e in entries] == [
        ("export_csv", "appeals_reception_visit", None, len(rows) - 1)
    ]
    assert len(rows) - 1 == 4  # one visit per reception of the world


def test_lists_and_users_without_the_right_are_not_journalled(sec_app, world):
    before = len(_journal(sec_app))
    assert login_client(sec_app, "appeals").get("/appealview/list/").status_code == 200
    supervisor = login_client(sec_app, "supervisor")
    assert supervisor.get(f"/appealview/show/{world['appeal']}").status_code == 200
    assert supervisor.get(f"/api/v1/appeal/{world['appeal']}").status_code == 200
    supervisor.post("/receptionvisitview/export/csv").get_data()
    assert len(_journal(sec_app)) == before


def test_the_journal_is_in_the_admins_administration_menu_and_nobody_elses(sec_app, world):
    admin = login_client(sec_app, "admin")
    admin.get(f"/appealview/show/{world['appeal']}")
    menu = {
        item["name"]: [c["name"] for c in item.get("childs", [])] for item in admin.get("/api/v1/menu/").json["result"]
    }
    assert "PersonalDataAccess" in menu["Administration"]
    page = admin.get("/personaldataaccessview/list/").text
    assert "Журнал доступа к персональным данным" in page and "Просмотр карточки" in page
    supervisor = login_client(sec_app, "supervisor")
    assert supervisor.get("/personaldataaccessview/list/").status_code == 403
    supervisor_menu = {item["name"]: item for item in supervisor.get("/api/v1/menu/").json["result"]}
    assert "PersonalDataAccess" not in [c["name"] for c in supervisor_menu["Administration"].get("childs", [])]


def _filter_menu(page: str) -> set[str]:
    """The columns the list's «Add filter» menu offers."""
    return set(re.findall(r'<a href="#" name="([^"]+)" class="filter">', page))


@pytest.mark.parametrize("case", CASES, ids=[case.model.__name__ for case in CASES])
def test_the_search_form_offers_no_personal_filter_without_the_right(sec_app, world, case):
    view = next(v for v in sec_app.appbuilder.baseviews if getattr(v, "route_base", None) == case.view)
    personal = set(view.search_columns) & set(case.model.__personal__)
    # The admin first: the rendered filter inputs are cached per list and column for everybody.
    offered = _filter_menu(login_client(sec_app, "admin").get(f"{case.view}/list/").text)
    assert personal <= offered
    page = login_client(sec_app, "supervisor").get(f"{case.view}/list/").text
    assert _filter_menu(page) == offered - personal
    for column in personal:
        assert f'"{column}"' not in page.split("new AdminFilters(")[1], column  # no input rendered either
