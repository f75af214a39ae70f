"""List export to XLSX and CSV (app/core/export.py), proven on the org structure lists.

The app under test gets the mixin the way the base view will carry it: the org views are
replaced, before the app is built, by subclasses with ExportMixin first — so the lists keep
their real URLs, arguments and templates. (Once UpravaModelView inherits the mixin, the
fixture leaves the views as they are.) The officials list also shows the appointment date
(a date cell) and the phone, declared personal for these tests.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import unquote

import openpyxl
import pytest
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape
from sqlalchemy import select
from sqlalchemy.exc import DataError

from app.core import export as export_module
from app.core import export_log
from app.core.dates import local_today
from app.core.export import ExportMixin
from app.core.filters import UpravaInterface
from app.core.models import ExportLog
from app.demo import DEMO_PASSWORD
from app.extensions import db
from app.org import views as org_views
from app.org.models import Body, District, Official
from app.org.services import set_profile
from app.security import ScopeLevel
from tests.conftest import login_client, make_test_app
from tests.sql_log import recorded_sql

PASSWORD = "Export-Tester-2026"
OFFICIAL_COLUMNS = ["user", "position", "appointed_on", "body", "phone", "scope_level", "is_active"]
OFFICIAL_HEADERS = [
    "Пользователь",
    "Должность",
    "Дата назначения",
    "Орган",
    "Телефон",
    "Область видимости",
    "Действует",
]


def _exportable(view: type, **attrs: Any) -> type:
    """The view with ExportMixin, under its own name (once the base view carries the mixin: as it is)."""
    bases = (view,) if issubclass(view, ExportMixin) else (ExportMixin, view)
    return type(view.__name__, bases, attrs)


@pytest.fixture(scope="module")
def export_app(app: Flask, database_url: str) -> Iterator[Flask]:
    exportable = {
        "OfficialView": _exportable(org_views.OfficialView, list_columns=OFFICIAL_COLUMNS),
        "BodyView": _exportable(org_views.BodyView),
    }
    with pytest.MonkeyPatch.context() as patch:
        for name, view in exportable.items():
            patch.setattr(org_views, name, view)
        application = make_test_app(database_url)
    if not any(isinstance(view, export_log.ExportLogView) for view in application.appbuilder.baseviews):
        with application.app_context():
            export_log.register(application.appbuilder)
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def login_as(export_app: Flask) -> Iterator[Callable[..., FlaskClient]]:
    export_app.appbuilder.sm.limiter.reset()
    yield lambda username, password=DEMO_PASSWORD: login_client(export_app, username, password)
    with export_app.app_context():
        db.session.remove()
        db.engine.dispose()  # the next test restores the database file


@pytest.fixture
def staff(export_app: Flask) -> dict[str, int]:
    """A second Заводской official with a date and a phone; a formula-looking position elsewhere."""
    with export_app.app_context():
        sm = export_app.appbuilder.sm
        zavodskoy = db.session.scalar(select(Body).where(Body.code == "district-zavodskoy"))
        user = sm.add_user("zav_deputy", "Павел", "Орлов", "zd@example.org", sm.find_role("Supervisor"), PASSWORD)
        official = set_profile(user, zavodskoy, "Главный специалист района", ScopeLevel.BODY, phone="+7 3843 11-22-33")
        official.appointed_on = dt.date(2024, 5, 1)
        _official("events").position = '=HYPERLINK("http://evil.example","Специалист")'
        db.session.commit()
        return {"zavodskoy_body": zavodskoy.id}


def _official(username: str) -> Official:
    return db.session.scalar(select(Official).where(Official.user.has(username=username)))


def _filter_index(app: Flask, view: str, column: str, arg_name: str) -> int:
    view_obj = next(v for v in app.appbuilder.baseviews if v.__class__.__name__ == view)
    return next(i for i, f in enumerate(view_obj._filters.get_search_filters()[column]) if f.arg_name == arg_name)


def _get(client: FlaskClient, url: str) -> Any:
    """Export as the list's buttons do: a POST (issue 12a: a GET never exports).

    Buffered: the test client then closes the sent file, as a WSGI server does.
    """
    return client.post(url, buffered=True)


def _xlsx(client: FlaskClient, url: str) -> Any:
    response = _get(client, url)
    assert response.status_code == 200, response.text[:500]
    return openpyxl.load_workbook(io.BytesIO(response.data)).active


def _csv(client: FlaskClient, url: str) -> list[list[str]]:
    return _csv_rows(_get(client, url))


def _csv_rows(response: Any) -> list[list[str]]:
    assert response.status_code == 200, response.text[:500]
    assert response.data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))


def _list_count(page: str) -> int:
    return int(re.search(r"<strong>Всего записей:</strong>\s*(\d+)", page).group(1))


def _log_rows(app: Flask) -> list[ExportLog]:
    with app.app_context():
        rows = db.session.scalars(select(ExportLog).order_by(ExportLog.id)).all()
        db.session.expunge_all()
        return rows


def test_xlsx_holds_the_filtered_sorted_list_with_typed_cells(export_app, login_as, staff):
    client = login_as("admin")
    index = _filter_index(export_app, "OfficialView", "position", "ct")
    query = f"_flt_{index}_position=специалист&_oc_OfficialView=position&_od_OfficialView=asc&psize_OfficialView=5"
    sheet = _xlsx(client, f"/officialview/export/xlsx?{query}")
    rows = list(sheet.iter_rows(values_only=True))

    assert rows[0][0] == 'Должностные лица — отбор: Должность содержит "специалист"'
    assert list(rows[1]) == OFFICIAL_HEADERS
    assert sheet.freeze_panes == "A3"
    data = rows[2:]
    # All pages, not the 5 rows of the page the user was on; the list's order.
    list_page = client.get(f"/officialview/list/?{query.replace('psize_OfficialView=5', 'psize_OfficialView=100')}")
    assert len(data) == _list_count(list_page.text) == 7
    offsets = [list_page.text.index(str(escape(row[1]))) for row in data]
    assert offsets == sorted(offsets)

    orlov = next(row for row in data if row[0] == "Павел Орлов")
    assert orlov == (
        "Павел Орлов",
        "Главный специалист района",
        dt.datetime(2024, 5, 1),
        "Адм. Заводского р-на",
        "+7 3843 11-22-33",
        "Свой орган (с подчинёнными)",
        "Да",
    )
    date_cell = sheet.cell(row=2 + data.index(orlov) + 1, column=3)
    assert date_cell.is_date and date_cell.number_format == "dd.mm.yyyy"


def test_xlsx_text_that_looks_like_a_formula_stays_text(login_as, staff):
    sheet = _xlsx(login_as("admin"), "/officialview/export/xlsx")
    cell = next(row[1] for row in sheet.iter_rows(min_row=3) if row[0].value == "Марина Фёдорова")
    assert cell.data_type == "s"
    assert cell.value.startswith("=HYPERLINK")


def test_csv_has_bom_semicolons_same_columns_and_russian_values(export_app, login_as, staff):
    client = login_as("admin")
    index = _filter_index(export_app, "OfficialView", "position", "ct")
    response = _get(client, f"/officialview/export/csv?_flt_{index}_position=района")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    rows = _csv_rows(response)
    assert b";" in response.data.splitlines()[0]
    assert rows[0] == OFFICIAL_HEADERS
    orlov = next(row for row in rows if row[0] == "Павел Орлов")
    assert orlov == [
        "Павел Орлов",
        "Главный специалист района",
        "01.05.2024",
        "Адм. Заводского р-на",
        "'+7 3843 11-22-33",  # a leading "+" would be run as a formula by Excel
        "Свой орган (с подчинёнными)",
        "Да",
    ]
    assert len(rows) - 1 == 3  # Орлов, Иванова, Смирнов


def test_csv_defuses_formulas(login_as, staff):
    rows = _csv(login_as("admin"), "/officialview/export/csv")
    position = next(row[1] for row in rows if row[0] == "Марина Фёдорова")
    assert position == '\'=HYPERLINK("http://evil.example","Специалист")'


def test_file_names_are_russian(export_app, login_as):
    client = login_as("admin")
    with export_app.app_context():
        today = local_today()
    for extension in ("xlsx", "csv"):
        header = _get(client, f"/officialview/export/{extension}").headers["Content-Disposition"]
        encoded = re.search(r"filename\*=UTF-8''(\S+)", header).group(1)
        assert unquote(encoded) == f"Должностные лица {today:%d.%m.%Y}.{extension}"
        assert f"filename=export.{extension}" in header


def test_personal_columns_are_left_out_without_the_right(export_app, login_as, staff):
    # Supervisor: no personal-data right; the district clerk has it.
    sheet = _xlsx(login_as("supervisor"), "/officialview/export/xlsx")
    headers = [cell.value for cell in sheet[2]]
    assert headers == [h for h in OFFICIAL_HEADERS if h != "Телефон"]
    assert all("11-22-33" not in str(value) for row in sheet.iter_rows(values_only=True) for value in row)
    assert _csv(login_as("supervisor"), "/officialview/export/csv")[0] == headers

    clerk = _xlsx(login_as("zavodskoy"), "/officialview/export/xlsx")
    assert [cell.value for cell in clerk[2]] == OFFICIAL_HEADERS
    assert [row.personal_data for row in _log_rows(export_app)] == [False, False, True]


def test_district_clerk_exports_only_own_district(export_app, login_as, staff):
    client = login_as("zavodskoy")
    with export_app.app_context():
        expected = {
            str(o.user) for o in db.session.scalars(select(Official).where(Official.body_id == staff["zavodskoy_body"]))
        }
    assert expected == {"Ольга Иванова", "Павел Орлов"}
    sheet = _xlsx(client, "/officialview/export/xlsx")
    assert {row[0] for row in sheet.iter_rows(min_row=3, values_only=True)} == expected
    assert {row[0] for row in _csv(client, "/officialview/export/csv")[1:]} == expected
    # A filter cannot widen the scope either.
    index = _filter_index(export_app, "OfficialView", "position", "ct")
    rows = _csv(client, f"/officialview/export/csv?_flt_{index}_position=Центрального")
    assert rows[1:] == []


def test_every_export_is_logged_with_count_and_filter(export_app, login_as, staff):
    client = login_as("zavodskoy")
    index = _filter_index(export_app, "OfficialView", "position", "ct")
    _get(client, f"/officialview/export/xlsx?_flt_{index}_position=главный&_oc_OfficialView=position")
    _get(client, "/bodyview/export/csv")
    first, second = _log_rows(export_app)
    with export_app.app_context():
        zavodskoy_user = export_app.appbuilder.sm.find_user(username="zavodskoy").id
        bodies_in_district = len(db.session.scalars(select(Body).where(Body.district.has(code="zavodskoy"))).all())
    assert (first.user_id, first.view_name, first.list_title, first.file_format) == (
        zavodskoy_user,
        "OfficialView",
        "Должностные лица",
        "xlsx",
    )
    assert first.row_count == 1  # Павел Орлов: «Главный специалист района»
    assert first.filter_description == 'Должность содержит "главный"'
    assert first.query_string == f"_flt_{index}_position=главный&_oc_OfficialView=position"
    assert first.created_at <= dt.datetime.now(dt.UTC).replace(tzinfo=None)
    assert (second.view_name, second.file_format, second.filter_description) == ("BodyView", "csv", "")
    # Bodies are not scoped: the whole org chart.
    with export_app.app_context():
        assert second.row_count == len(db.session.scalars(select(Body)).all()) > bodies_in_district


def test_relation_and_text_filters_are_described_in_russian(export_app, login_as):
    client = login_as("admin")
    with export_app.app_context():
        district = db.session.scalar(select(District).where(District.code == "zavodskoy")).id
    name = _filter_index(export_app, "BodyView", "name", "ct")
    rel = _filter_index(export_app, "BodyView", "district", "rel_o_m")
    sheet = _xlsx(client, f"/bodyview/export/xlsx?_flt_{name}_name=администрация&_flt_{rel}_district={district}")
    assert (
        sheet["A1"].value == 'Органы администрации — отбор: Полное название содержит "администрация"; Район = Заводской'
    )
    assert [row[1] for row in sheet.iter_rows(min_row=3, values_only=True)] == ["Администрация Заводского района"]


def test_related_objects_are_their_names_across_chunks(export_app, login_as, monkeypatch):
    # Chunks of 2 rows: related objects are loaded per chunk and must still match their rows.
    monkeypatch.setattr(export_module, "EXPORT_CHUNK", 2)
    rows = _csv(login_as("admin"), "/bodyview/export/csv")
    with export_app.app_context():
        bodies = db.session.scalars(select(Body).order_by(Body.name)).all()
        expected = [
            [str(b.parent or ""), str(b.district or ""), b.supervisor.get_full_name() if b.supervisor else ""]
            for b in bodies
        ]
        names = [b.name for b in bodies]
    assert [row[1] for row in rows[1:]] == names
    assert [row[3:] for row in rows[1:]] == expected
    assert "Администрация района" in {row[2] for row in rows[1:]}  # the list's label of the kind, not its code


def test_export_does_not_query_per_row(export_app, login_as):
    client = login_as("supervisor")  # a built-in role: no permission queries
    with export_app.app_context():
        rows = len(db.session.scalars(select(Body)).all())
    with recorded_sql(export_app) as statements:
        assert len(_csv(client, "/bodyview/export/csv")) == rows + 1
    # User and roles (3), count, journal, rows, one per relation (parent, district, supervisor): 9.
    assert len(statements) <= 10 < rows


def test_list_page_links_carry_the_query_string(export_app, login_as):
    client = login_as("admin")
    index = _filter_index(export_app, "OfficialView", "position", "ct")
    page = client.get(f"/officialview/list/?_flt_{index}_position=x&_oc_OfficialView=position").text
    assert f'formaction="/officialview/export/xlsx?_flt_{index}_position=x&amp;_oc_OfficialView=position"' in page
    assert f'formaction="/officialview/export/csv?_flt_{index}_position=x&amp;_oc_OfficialView=position"' in page
    # Views without the mixin (FAB's user list) get no buttons.
    assert "/export/xlsx" not in client.get("/users/list/").text


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("_flt_9_position=x", "Неизвестный вид фильтра"),
        ("_flt_0_phone=1", "Фильтр по полю «Телефон» недоступен в этом списке"),
        ("_flt_{date}_appointed_on=31.02.2024", "Некорректная дата в фильтре"),
        ("_oc_OfficialView=nosuch", "Такая сортировка недоступна в этом списке"),
        ("_oc_OfficialView=position&_od_OfficialView=sideways", "Неизвестное направление сортировки"),
    ],
)
def test_bad_list_argument_is_400_and_nothing_is_logged(export_app, login_as, query, message):
    date = _filter_index(export_app, "OfficialView", "appointed_on", "eq")
    for extension in ("xlsx", "csv"):
        response = _get(login_as("admin"), f"/officialview/export/{extension}?{query.format(date=date)}")
        assert response.status_code == 400
        assert message in response.text
    assert _log_rows(export_app) == []


def test_filter_value_the_database_refuses_is_400(export_app, login_as, monkeypatch):
    # PostgreSQL refuses "abc" as an id, and FAB's relation filter turns that into an
    # ApplyFilterException; SQLite would compare and match nothing, so the refusal is played here.
    def refuse(self, column, value):
        raise DataError("SELECT …", {}, ValueError("invalid input syntax for type integer"))

    monkeypatch.setattr(UpravaInterface, "get_related_obj", refuse)
    rel = _filter_index(export_app, "BodyView", "district", "rel_o_m")
    response = _get(login_as("admin"), f"/bodyview/export/xlsx?_flt_{rel}_district=abc")
    assert response.status_code == 400
    assert "Некорректное значение фильтра" in response.text
    assert _log_rows(export_app) == []


def test_xlsx_of_more_rows_than_excel_holds_is_refused_with_advice(login_as, monkeypatch):
    monkeypatch.setattr(export_module, "XLSX_MAX_ROWS", 3)
    client = login_as("admin")
    response = _get(client, "/officialview/export/xlsx")
    assert response.status_code == 400
    assert "В списке 12 записей, а на лист Excel помещается 3" in response.text  # the demo officials
    assert len(_csv(client, "/officialview/export/csv")) == 13  # CSV has no such limit


def test_export_of_a_list_without_read_right_is_403(export_app):
    with export_app.app_context():
        sm = export_app.appbuilder.sm
        role = sm.add_role("BodiesReader")
        sm.add_permission_role(role, sm.find_permission_view_menu("can_read", "Body"))
        sm.add_user("bodies_only", "Вера", "Телегина", "bo@example.org", role, PASSWORD)
        db.session.commit()
    export_app.appbuilder.sm.limiter.reset()
    client = login_client(export_app, "bodies_only", PASSWORD)
    assert _get(client, "/officialview/export/xlsx").status_code == 403
    assert _get(client, "/officialview/export/csv").status_code == 403
    assert _get(client, "/bodyview/export/csv").status_code == 200
    assert [row.view_name for row in _log_rows(export_app)] == ["BodyView"]


def test_anonymous_export_is_sent_to_login(export_app):
    response = _get(export_app.test_client(), "/officialview/export/xlsx")
    assert response.status_code == 302
    assert "/login/" in response.headers["Location"]


def test_export_journal_is_read_only_for_supervisor_and_admin(export_app, login_as):
    _get(login_as("zavodskoy"), "/bodyview/export/csv")
    (entry,) = _log_rows(export_app)
    page = login_as("supervisor").get("/exportlogview/list/")
    assert page.status_code == 200
    assert "Органы администрации" in page.text and "Ольга Иванова" in page.text
    admin = login_as("admin")
    assert admin.get(f"/exportlogview/show/{entry.id}").status_code == 200
    assert admin.get(f"/exportlogview/edit/{entry.id}").status_code == 403
    assert admin.post(f"/exportlogview/delete/{entry.id}").status_code == 403
    assert login_as("zavodskoy").get("/exportlogview/list/").status_code == 403
    assert [row.id for row in _log_rows(export_app)] == [entry.id]
