"""Lists say what they show (issue 13, items 6–7): the preset is the title, the preset and every filter stay
as removable chips after a search, the XLSX title names the preset and the filters, and every date column
of the file is an Excel date, every number a number."""

from __future__ import annotations

import datetime as dt
import html
import io
import re
from urllib.parse import parse_qsl, urlsplit

import openpyxl

from app.appeals.models import Appeal, AppealStatus
from app.appeals.services import assign_executor
from app.core.dates import local_today
from app.extensions import db
from app.org.services import body_by_code
from tests.appeals.test_appeal_card import _appeal


def _filter_index(app, view: str, column: str, arg_name: str) -> int:
    view_obj = next(v for v in app.appbuilder.baseviews if v.__class__.__name__ == view)
    return next(i for i, f in enumerate(view_obj._filters.get_search_filters()[column]) if f.arg_name == arg_name)


def _chips(page: str) -> list[tuple[str, str]]:
    """(text, URL of the list without it) of every chip of a list page."""
    block = re.search(r'<div class="uprava-chips" id="list-chips">(.*?)</div>', page, re.S)
    if block is None:
        return []
    found = re.findall(r'<span class="uprava-chip[^"]*">(.*?)<a href="([^"]+)"', block.group(1), re.S)
    return [(html.unescape(text).strip(), html.unescape(url)) for text, url in found]


def _xlsx(client, url: str):
    """The list's file, as its button posts for it (buffered: the sent file is closed, as by a server)."""
    return openpyxl.load_workbook(io.BytesIO(client.post(url, buffered=True).data)).active


def _overdue_in_work(app) -> tuple[int, str]:
    today = local_today()
    with app.app_context():
        appeal = _appeal(today - dt.timedelta(days=60), responsible_body=body_by_code("udkh"))
        assign_executor(appeal, app.appbuilder.sm.find_user(username="udkh"))
        _appeal(today - dt.timedelta(days=60))  # overdue, not in УДКХиБ's hands
        db.session.commit()
        return body_by_code("udkh").id, appeal.reg_number


def test_a_preset_and_filters_stay_on_the_page_as_chips_each_removable_alone(app, login):
    udkh, number = _overdue_in_work(app)
    status = _filter_index(app, "AppealView", "status", "eq")
    body = _filter_index(app, "AppealView", "responsible_body", "rel_o_m")
    filters = f"_flt_{status}_status=in_work&_flt_{body}_responsible_body={udkh}"
    url = f"/appealview/list/?preset=overdue&{filters}&psize_AppealView=50"
    page = login("appeals").get(url).text
    assert re.search(r"<title>Просроченные обращения — ", page)
    chips = _chips(page)
    assert [text for text, _url in chips] == [
        "Просроченные обращения",
        "Статус = На рассмотрении",
        "Ответственный орган = УДКХиБ",
    ]
    remaining = [sorted(parse_qsl(urlsplit(link).query)) for _text, link in chips]
    assert remaining == [
        sorted(
            [
                (f"_flt_{status}_status", "in_work"),
                (f"_flt_{body}_responsible_body", str(udkh)),
                ("psize_AppealView", "50"),
            ]
        ),
        sorted([("preset", "overdue"), (f"_flt_{body}_responsible_body", str(udkh)), ("psize_AppealView", "50")]),
        sorted([("preset", "overdue"), (f"_flt_{status}_status", "in_work"), ("psize_AppealView", "50")]),
    ]
    assert "Сбросить отбор" in page and number in page
    # A list without any selection shows no chips at all.
    assert _chips(login("appeals").get("/appealview/list/").text) == []


def test_the_xlsx_title_names_the_preset_the_filters_and_the_annulled_switch(app, login):
    _udkh, number = _overdue_in_work(app)
    status = _filter_index(app, "AppealView", "status", "eq")
    client = login("appeals")
    query = f"preset=overdue&_flt_{status}_status=in_work"
    sheet = _xlsx(client, f"/appealview/export/xlsx?{query}")
    assert sheet["A1"].value == ("Обращения граждан — список «Просроченные обращения»; отбор: Статус = На рассмотрении")
    assert [row[0] for row in sheet.iter_rows(min_row=3, values_only=True)] == [number]
    plain = _xlsx(client, "/appealview/export/xlsx?preset=overdue")
    assert plain["A1"].value == "Обращения граждан — список «Просроченные обращения»"
    annulled = _xlsx(client, "/appealview/export/xlsx?annulled=all")
    assert annulled["A1"].value == "Обращения граждан — включая аннулированные"


def test_every_date_of_the_appeal_list_is_an_excel_date_and_the_deadline_too(app, login):
    today = local_today()
    with app.app_context():
        appeal = _appeal(today - dt.timedelta(days=3))
        due, number = appeal.due_date, appeal.reg_number
        db.session.commit()
    sheet = _xlsx(login("appeals"), "/appealview/export/xlsx")
    headers = [cell.value for cell in sheet[2]]
    row = next(r for r in sheet.iter_rows(min_row=3) if r[0].value == number)
    cells = dict(zip(headers, row, strict=True))
    for label, expected in (("Дата регистрации", today - dt.timedelta(days=3)), ("Срок ответа", due)):
        assert cells[label].is_date, label
        assert cells[label].value.date() == expected
        assert cells[label].number_format == "dd.mm.yyyy"
    assert cells["Статус"].value == "Зарегистрировано"


def test_a_number_drawn_by_a_formatter_stays_a_number_and_a_label_stays_text(app_ctx):
    from flask_appbuilder.models.sqla.interface import SQLAInterface

    from app.core.export import column_converter
    from app.core.views import format_value

    class View:
        datamodel = SQLAInterface(Appeal)
        formatters_columns = {
            "signatories": format_value,
            "reg_year": lambda value: f"{value} г.",
            "status": lambda value: {"answered": "Дан ответ"}.get(value, value),
        }

    assert column_converter(View, "signatories")(12) == 12
    assert column_converter(View, "reg_year")(2025) == "2025 г."
    assert column_converter(View, "status")(AppealStatus.ANSWERED.value) == "Дан ответ"
