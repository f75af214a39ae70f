"""The benchmark's cases: one line (or a few) each. A later domain appends its own to CASES.

A path is a string formatted with the data set's values (bench/meta-<db>.json plus the
derived ones of `values()`), or a function of (values, fetch) for a path that must be
read from a page first (e.g. the keyset «next» link). `baseline` is the same question
put to the plain FAB app (None: FAB has nothing to compare with).
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from html import unescape
from typing import Any

from sqlalchemy import create_engine, text

from scripts.bench.common import (
    APPEALS_LOGIN,
    COPIES_LOGIN,
    DEPUTY_LOGIN,
    DISTRICT_LOGIN,
    SUPERVISOR_LOGIN,
    database_url,
)
from scripts.load.formdata import form_fields

Path = str | Callable[[dict[str, Any], Callable[[str], str]], str]
#: A form POST, built before each request: given a GET with the user's session (untimed) and the user's
#: number among the case's users, the path to post to and the fields (run.py adds the CSRF token).
FormPost = Callable[[Callable[[str], str], int], tuple[str, dict[str, Any]]]


@dataclass(frozen=True)
class Case:
    name: str
    path: Path
    baseline: Path | None = None
    login: str = SUPERVISOR_LOGIN
    #: Responses must contain this (a list with rows, not an empty or error page). A JSON answer
    #: writes non-ASCII as \uXXXX (Flask's ensure_ascii): expect an ASCII piece of it there.
    expect: str = "ОГ-"
    #: Targets of the issue: median (ms) and/or median ratio against the baseline.
    max_ms: float | None = None
    max_ratio: float | None = None
    #: Heavy requests: this many requests by one user instead of a timed run.
    requests: int | None = None
    #: Peak memory of the app's worker during the case (reset before it), with its limit in MB.
    max_peak_mb: float | None = None
    only_on: str | None = None
    #: "POST" for an export (issue 12a: exports are POSTs with the CSRF token, never GET links).
    method: str = "GET"
    #: A save through a form (method="POST"): a function of (values, fetch) giving the FormPost.
    form: Callable[[dict[str, Any], Callable[[str], str]], FormPost] | None = None
    #: The status a good answer has (a saved form redirects: 302).
    status: int = 200


def values(meta: dict[str, Any]) -> dict[str, Any]:
    """The data set's values plus what the cases derive from them."""
    pages = max(1, meta["rows"] // 25)
    year = meta["last_year"]
    export_from = dt.date.fromisoformat(meta["export_from"])
    return {
        **meta,
        # Page 20,000 (offset 500,000) at 1M rows; 80 % of the list in smaller data sets.
        "deep_page": min(20_000, max(1, pages * 4 // 5)),
        "deep_index": min(20_000, max(1, pages * 4 // 5)) - 1,
        "year": year,
        "year_before_end": f"{year - 1}-12-31",
        "year_after_start": f"{year + 1}-01-01",
        "export_after": (export_from - dt.timedelta(days=1)).isoformat(),
    }


def keyset_next(v: dict[str, Any], fetch: Callable[[str], str]) -> str:
    """The «next» link of the deep page: what a user clicking on from there asks for."""
    page = fetch(f"/appealview/list/?page_AppealView={v['deep_index']}")
    match = re.search(r'href="([^"]*after_AppealView=[^"]*)"', page)
    # A list without keyset links (an older build) is asked for the next page by number.
    return unescape(match.group(1)) if match else f"{LIST}?page_AppealView={v['deep_page']}"


LIST = "/appealview/list/"
CHART = "/appealchartview/chart/"
#: Issue #19 item 1: every list page ≤ 15 ms and ≤ 0.5× plain FAB (page 1, keyset next, every filter).
CASES: list[Case] = [
    Case("Список, стр. 1, новые сверху (Supervisor)", LIST, LIST, max_ms=15, max_ratio=0.5),
    # A body clerk's list: his body's appeals and the copies sent to it (EXISTS over the copies).
    Case("Список, стр. 1, получатель копий (BodyClerk)", LIST, LIST, login=COPIES_LOGIN, max_ms=15, max_ratio=0.5),
    Case(
        "Список, стр. {deep_page:,}",
        LIST + "?page_AppealView={deep_index}",
        LIST + "?page_AppealView={deep_index}",
        # Issue #19 item 1: the deep page (OFFSET) ≤ 30 ms and ≤ 0.25× plain FAB.
        max_ms=30,
        max_ratio=0.25,
    ),
    Case(
        "Следующая страница после стр. {deep_page:,} (keyset)",
        keyset_next,
        LIST + "?page_AppealView={deep_page}",
        max_ms=15,
        max_ratio=0.5,
    ),
    Case(
        "Отбор: статус + ответственный орган",
        LIST + "?_flt_0_status=in_work&_flt_0_responsible_body={body_id}",
        LIST + "?_flt_3_status=in_work&_flt_0_responsible_body={body_id}",
        max_ms=15,
        max_ratio=0.5,
    ),
    Case(
        "Отбор: район + период (DistrictClerk)",
        LIST + "?_flt_0_district={district_id}&_flt_1_reg_date={year_before_end}&_flt_2_reg_date={year_after_start}",
        LIST + "?_flt_0_district={district_id}&_flt_1_reg_date={year_before_end}&_flt_2_reg_date={year_after_start}",
        login=DISTRICT_LOGIN,
        max_ms=15,
        max_ratio=0.5,
    ),
    Case(
        "Поиск по фамилии заявителя («иванов»)",
        LIST + "?_flt_0_applicant_last_name=иванов",
        # Plain FAB on SQLite folds no Cyrillic case: it is given the capitalised name.
        LIST + "?_flt_2_applicant_last_name=Иванов",
        login=APPEALS_LOGIN,
        # Issue #19: the last name's own normalised column and its trigram index (app.appeals.models).
        max_ms=50,
        only_on="postgresql",
    ),
    Case(
        "Поиск «Заявитель: ФИО или адрес» («иванов»)",
        LIST + "?_flt_0_applicant_search=иванов",
        LIST + "?_flt_2_applicant_last_name=Иванов",
        login=APPEALS_LOGIN,
        max_ms=100,
        only_on="postgresql",
    ),
    Case(
        "Статистика за год (поступление)",
        "/appeals/reports/intake?date_from=01.01.{year}&date_to=31.12.{year}",
        CHART + "?_flt_1_reg_date={year_before_end}&_flt_2_reg_date={year_after_start}",
        expect="",
        max_ms=1000,
    ),
    # The workspace (issue #18): each home page and each dashboard within a second on PostgreSQL.
    Case("Главная страница (Supervisor): сводка, органы с просроченными", "/", expect="Сводка по городу", max_ms=1000),
    Case("Главная страница (DistrictClerk)", "/", login=DISTRICT_LOGIN, expect="Сводка по району", max_ms=1000),
    Case(
        "Главная страница (AppealsClerk): сводка, мои сроки",
        "/",
        login=APPEALS_LOGIN,
        expect="Ближайшие сроки",
        max_ms=1000,
    ),
    Case("Главная страница (DeputyHead): «Мой контроль»", "/", login=DEPUTY_LOGIN, expect="Мой контроль", max_ms=1000),
    Case(
        "Показатели обращений за год (графики)",
        "/dashboards/appeals/?date_from=01.01.{year}&date_to=31.12.{year}",
        expect="<svg",
        max_ms=1000,
    ),
]
#: How often a heavy case is requested (the smoke asks once: it measures nothing).
HEAVY_REPEATS = int(os.environ.get("BENCH_HEAVY_REPEATS", "3"))

# Control (app/control): the instruction lists and R-C1 for a year (the issue: ≤ 1 s on PostgreSQL).
INSTRUCTIONS = "/instructionview/list/"
CASES += [
    Case("Поручения, стр. 1 (Supervisor)", INSTRUCTIONS, expect="Пор-", max_ms=100),
    Case(
        "Поручения своего органа и соисполнение (BodyClerk)",
        INSTRUCTIONS,
        expect="Пор-",
        login=COPIES_LOGIN,
        max_ms=100,
    ),
    Case("Просроченные поручения", INSTRUCTIONS + "?preset=overdue", expect="Пор-", max_ms=100),
    Case(
        "R-C1: исполнительская дисциплина за год",
        "/control/reports/discipline?date_from=01.01.{year}&date_to=31.12.{year}",
        expect="",
        max_ms=1000,
    ),
]
# Plans (issue #15): the item list and the execution report of a year's {plan_items:,} items.
CASES += [
    Case("Пункты планов, стр. 1 ({plan_items:,} пунктов)", "/planitemview/list/", expect="вопрос ", max_ms=100),
    Case(
        "Исполнение планов за год ({plan_items:,} пунктов)",
        "/plans/reports/execution?date_from=01.01.{year}&date_to=31.12.{year}&plan={plan_id}",
        expect="",
        max_ms=1000,
    ),
]
# Events (app/events): the month view and the year's statistics over the programme's events.
CASES += [
    Case(
        "Мероприятия: календарь на месяц ({events:,} мероприятий)",
        "/events/calendar/month?month={events_month}",
        expect="month-grid",
        max_ms=300,
    ),
    Case(
        "Мероприятия: статистика за год",
        "/events/reports/summary?date_from=01.01.{year}&date_to=31.12.{year}",
        expect="",
        max_ms=1000,
    ),
]
# Housing (scripts/bench/housing.py): the queue, a case's position and the search at 100,000 households.
from scripts.bench.housing import cases as _housing_cases  # noqa: E402

CASES += _housing_cases()
# The domains' dashboards (issue #18): one query each with its report, within a second on PostgreSQL.
YEAR_ARGS = "?date_from=01.01.{year}&date_to=31.12.{year}"
CASES += [
    Case("Показатели контроля за год", "/dashboards/control/" + YEAR_ARGS, expect="<svg", max_ms=1000),
    Case("Показатели планов за год", "/dashboards/plans/" + YEAR_ARGS, expect="<svg", max_ms=1000),
    Case("Показатели жилищного учёта за год", "/dashboards/housing/" + YEAR_ARGS, expect="<svg", max_ms=1000),
    Case("Показатели мероприятий за год", "/dashboards/events/" + YEAR_ARGS, expect="<svg", max_ms=1000),
]
# The REST list (issue #19 item 4): the web list's fast path behind /api/v1/appeal/, against FAB's own
# ModelRestApi (scripts/bench/baseline.py). A row's reg_number proves a page with rows.
API = "/api/v1/appeal/"
API_ROW = '"reg_number":"'


def api_cursor(v: dict[str, Any], fetch: Callable[[str], str]) -> str:
    """The deep page asked for with the cursor of the page before it (the same rows as by number)."""
    before = json.loads(fetch(API + "?q=(page:{},page_size:25)".format(max(0, v["deep_index"] - 1))))
    return API + "?q=(page_size:25)&cursor=" + before["next_cursor"]


CASES += [
    Case("REST: обращения, стр. 1", API, API, expect=API_ROW, max_ms=30),
    Case(
        "REST: стр. {deep_page:,} по номеру",
        API + "?q=(page:{deep_index},page_size:25)",
        API + "?q=(page:{deep_index},page_size:25)",
        expect=API_ROW,
        max_ms=30,
    ),
    Case(
        "REST: стр. {deep_page:,} по курсору",
        api_cursor,
        API + "?q=(page:{deep_index},page_size:25)",
        expect=API_ROW,
        max_ms=30,
    ),
]


# Saving a card (issue #19 item 6: ≤ 100 ms): a registration and an edit of an appeal through the web form,
# as a browser posts it; the edit starts each time from the version the form was opened at.
def browser_fields(page: str) -> dict[str, Any]:
    """What a browser submits from the card's form unchanged: a select with nothing chosen sends its first option."""
    fields = form_fields(page, "model_form")
    form = page[page.index('id="model_form"') :]
    for attributes, options in re.findall(r"<select([^>]*)>(.*?)</select>", form, re.S):
        name = re.search(r'name="([^"]+)"', attributes)
        first = re.search(r'<option[^>]*value="([^"]*)"', options)
        if name and first and name.group(1) not in fields and " multiple" not in attributes:
            fields[name.group(1)] = first.group(1)
    return fields


def registration(v: dict[str, Any], _fetch: Callable[[str], str]) -> FormPost:
    """A new appeal by letter to the body of the data set, the applicant named: «Сохранить» on the form."""
    blank: dict[int, dict[str, Any]] = {}

    def post(get: Callable[[str], str], number: int) -> tuple[str, dict[str, Any]]:
        if number not in blank:
            blank[number] = browser_fields(get(ADD))
        return ADD, {
            **blank[number],
            "summary": "Бенч: не убран снег во дворе",
            "receiving_body": str(v["body_id"]),
            "responsible_body": str(v["body_id"]),
            "applicant_last_name": "Иванова",
            "applicant_first_name": "Мария",
            "applicant_address": "ул. Кирова, 1",
        }

    return post


def edit(_v: dict[str, Any], _fetch: Callable[[str], str]) -> FormPost:
    """One of the newest appeals per user (no two users race for one card): its form opened, the summary changed."""
    mine: dict[int, str] = {}
    saves = itertools.count()

    def post(get: Callable[[str], str], number: int) -> tuple[str, dict[str, Any]]:
        if number not in mine:
            ids = list(dict.fromkeys(re.findall(r"/appealview/show/(\d+)", get(LIST))))
            mine[number] = f"/appealview/edit/{ids[number]}"
        fields = browser_fields(get(mine[number]))
        return mine[number], {**fields, "summary": f"Бенч: уточнено, правка {next(saves)}"}

    return post


def keep_data_set() -> Callable[[], None]:
    """The newest appeal now; the returned function removes what the registration case added after it,
    with its history, so that every run (and the other cases' figures) sees the same data set."""
    engine = create_engine(database_url())
    with engine.connect() as conn:
        newest = conn.execute(text("SELECT coalesce(max(id), 0) FROM appeals_appeal")).scalar_one()

    def restore() -> None:
        with engine.begin() as conn:
            added = {"newest": newest}
            conn.execute(
                text(
                    "DELETE FROM core_change_log WHERE table_name = 'appeals_appeal' AND record_id IN "
                    "(SELECT CAST(id AS VARCHAR(64)) FROM appeals_appeal WHERE id > :newest)"
                ),
                added,
            )
            conn.execute(text("DELETE FROM appeals_appeal WHERE id > :newest"), added)
        engine.dispose()

    return restore


ADD = "/appealview/add"
CASES += [
    Case(
        "Сохранение: регистрация обращения (веб-форма)",
        ADD,
        login=APPEALS_LOGIN,
        expect="",
        max_ms=100,
        method="POST",
        form=registration,
        status=302,
    ),
    Case(
        "Сохранение: правка карточки обращения (веб-форма, свежая версия)",
        "/appealview/edit/",
        login=APPEALS_LOGIN,
        expect="",
        max_ms=100,
        method="POST",
        form=edit,
        status=302,
    ),
]
#: Run after the list cases: the worker RSS is read between the two groups.
HEAVY_CASES: list[Case] = [
    Case(
        "XLSX: {export_rows:,} отобранных обращений",
        "/appealview/export/xlsx?_flt_1_reg_date={export_after}",
        expect="",
        # Issue #19 item 3: from the request to the finished file, ≤ 5 s and ≤ 300 MB.
        max_ms=5_000,
        # A single request is one sample: the median of three says more (issue #19 item 7).
        requests=HEAVY_REPEATS,
        max_peak_mb=300,
        # The direct download is measured: the bench server raises UPRAVA_EXPORT_JOB_ROWS above this
        # list's size (in production a list this long goes to the worker, through the same writer).
        method="POST",
    ),
]
