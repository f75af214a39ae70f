"""Every list page runs as many SELECTs for many rows as for one: nothing is read per row (N+1).

For every list of the app (each registered UpravaModelView with a list endpoint) the Admin opens a page of
one row and a page of up to 25 rows of the same list; both must run the same number of SELECT statements.
Scoped users then do the same with the lists their roles open (SCOPED_USERS): a row scope adds its own
reads (a copy's read-only mark, a body's subordinates, a district), which the Admin never triggers.
The database holds the demo's reference data plus every domain's demo records, so most lists have rows
enough to tell; the few that have not are named in THIN_LISTS rather than silently passed. Reads grouped
on purpose by a small set of values (a calendar year, a housing list) are left out: see GROUPED_READS.

Lists that still read per row are named in N_PLUS_ONE with the repeated query: each is an expected failure
(strict), so the suite stays green, and the day one is fixed its test fails until it is struck off.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from flask import Flask

from app.appeals.demo import load_demo_appeals
from app.control.demo import load_demo_control
from app.core.views import UpravaModelView
from app.events.demo import load_demo_events
from app.extensions import db
from app.housing.demo import load_demo_housing
from app.plans.demo import load_demo_plans
from tests.conftest import login_client
from tests.sql_log import count_selects

#: The many-row page: the app's default page size.
MANY = 25
#: Rows the many-row page must show beyond the one-row page for the comparison to prove anything.
MIN_GAIN = 2

#: Reads grouped by a small set of values on purpose, not made per row: they are left out of the count.
GROUPED_READS = (
    # The production calendar: read once per calendar year the page's dates fall in, memoised for the
    # request (app/core/calendar/engine.py). Whether 25 rows span one year or two depends on today's date.
    "FROM core_working_day WHERE core_working_day.year = ",
    # Queue positions: one windowed query per housing list the page's households stand in
    # (app/housing/queue.py, positions_for) — at most one per list type, however many rows.
    "SELECT ranked.household_id, ranked.queue_date, ranked.position FROM ",
)

#: Lists that read per row (or per distinct related record) today, with the query they repeat.
N_PLUS_ONE: dict[str, str] = {}

#: Users whose row scope is not the city's, one per kind of scope (app/demo.py): a district clerk, a body
#: clerk (his body's rows and the copies sent to it) and a deputy head (the bodies he supervises).
SCOPED_USERS = ("zavodskoy", "udkh", "deputy")
#: A scoped user's lists judged at the least (25–28 today): his scope leaves many lists short, not most.
MIN_SCOPED_JUDGED = 20

#: Lists the demo data leaves with fewer than MIN_GAIN + 2 rows (a one-row page and a page of MIN_GAIN more
#: rows, both short of the list's end): not judged, there is nothing to compare.
THIN_LISTS = {
    "AppealCopyView",
    "AttachmentRegistryView",
    "BodyFormerNameView",
    "CertificateView",
    "DocumentRequestView",
    "EventProgrammeView",
    "ExportLogView",
    "GeneratedDocumentView",
    "HousingNormView",
    "PersonalDataAccessView",
    "TitleCampaignView",
}


@dataclass
class Measure:
    """One list's two pages: rows shown and the SELECTs run (grouped reads left out)."""

    url: str
    total: int
    rows: tuple[int, int] = (0, 0)
    selects: tuple[list[str], list[str]] = field(default_factory=lambda: ([], []), repr=False)

    @property
    def thin(self) -> bool:
        return self.rows[1] - self.rows[0] < MIN_GAIN

    @property
    def counts(self) -> tuple[int, int]:
        return len(self.selects[0]), len(self.selects[1])

    @property
    def grows(self) -> bool:
        return self.counts[1] != self.counts[0]

    def repeated(self) -> str:
        """The statements the many-row page ran more (+) or fewer (-) times than the one-row page, shortened."""
        few, many = (Counter(_shape(s) for s in selects) for selects in self.selects)
        lines = [f"  +{n} × {_brief(s)}" for s, n in (many - few).items()]
        lines += [f"  -{n} × {_brief(s)}" for s, n in (few - many).items()]
        return "\n".join(lines)

    def report(self, name: str) -> str:
        return (
            f"{name} ({self.url}…): {self.counts[0]} SELECTs for {self.rows[0]} row, "
            f"{self.counts[1]} for {self.rows[1]}:\n{self.repeated()}"
        )


def _shape(statement: str) -> str:
    """A statement on one line, its IN lists folded: the page's ids differ in number, not in kind."""
    flat = " ".join(statement.split())
    return re.sub(r"\((?:\s*(?:\?|%\(\w+\)s|\$\d+)\s*,?)+\)", "(…)", flat)


def _brief(shape: str) -> str:
    """A statement to read in a failure: its column list left out (the table and the condition tell)."""
    return re.sub(r"^SELECT .*? FROM ", "SELECT … FROM ", shape)[:200]


def _rows(html: str) -> int:
    """Rows of the list table (its header row aside); no table when the list is empty."""
    table = re.search(r'<table class="table table-bordered table-hover">(.*?)</table>', html, re.S)
    return table.group(1).count("<tr>") - 1 if table else 0


def _total(html: str) -> int:
    """The list's row count from its header («Всего записей: 17», or «более 1000» on a long list)."""
    said = re.search(r"Всего записей:</strong>([^<]*)<", html)
    assert said, "no row count on the list page"
    return int(re.sub(r"\D", "", said.group(1)) or 0)


def _list_views(app: Flask) -> list[UpravaModelView]:
    return [
        v
        for v in app.appbuilder.baseviews
        if isinstance(v, UpravaModelView) and f"{v.endpoint}.list" in app.view_functions
    ]


def _load_demo_records(app: Flask) -> None:
    """Every domain's demo records, sized so that lists hold more than a page's worth of varied rows."""
    with app.app_context():
        load_demo_appeals(count=60)
        # 40: the list's first resolution is the head's (signed by name, no user) and the next 24 are
        # partly the deputy's: a one-row page and a full page differ in the authors they read.
        load_demo_control(count=40)
        load_demo_housing(count=60)
        load_demo_plans()
        load_demo_events()
        db.session.commit()


def _measure(app: Flask, client: Any, view: UpravaModelView, *, scoped: bool = False) -> Measure | None:
    """The list's two pages; None for a list a scoped user's roles do not open."""
    name = view.__class__.__name__
    url = f"{view.route_base}/list/?psize_{name}="
    # The warm-up: the process's first look at a list checks once how big its related tables are
    # (app/core/related.py) and the role's menu is built once; neither may count as a per-row read.
    first = client.get(f"{url}1")
    if scoped and first.status_code in (302, 403):
        return None
    assert first.status_code == 200, f"{url}1: {first.status_code}"
    measure = Measure(url, _total(first.text))
    # Both pages stop short of the list's end: each has a next page and so runs the bounded row count
    # (app/core/lists.py leaves it out on the last page, where the rows shown already say it).
    many = min(MANY, measure.total - 1)
    if many < 1 + MIN_GAIN:
        return measure
    pages = []
    for size in (1, many):
        with count_selects(app) as statements:
            page = client.get(f"{url}{size}")
        assert page.status_code == 200, f"{url}{size}: {page.status_code}"
        pages.append((_rows(page.text), [s for s in statements if not any(g in _shape(s) for g in GROUPED_READS)]))
    measure.rows = (pages[0][0], pages[1][0])
    measure.selects = (pages[0][1], pages[1][1])
    assert measure.rows == (1, many), f"{url}: rows shown {measure.rows}, expected (1, {many})"
    return measure


@pytest.fixture(scope="module")
def _measured_once() -> dict[str, dict[str, Measure]]:
    return {}


@pytest.fixture
def measured_as(
    app: Flask, pristine_database: None, _measured_once: dict[str, dict[str, Measure]]
) -> Callable[[str], dict[str, Measure]]:
    """measured_as(username): the lists his roles open, each measured once per module (per xdist worker).

    The demo records take seconds to load: every user's lists are measured in the first test that asks,
    on the database pristine_database has just restored (each later test restores it again, without
    the records). The lists are only read, so the later tests judge the same measures.
    """
    if not _measured_once:
        _load_demo_records(app)
        for username in ("admin", *SCOPED_USERS):
            client = login_client(app, username)
            scoped = username != "admin"
            measures = {v.__class__.__name__: _measure(app, client, v, scoped=scoped) for v in _list_views(app)}
            _measured_once[username] = {name: m for name, m in measures.items() if m is not None}
    return _measured_once.__getitem__


@pytest.fixture
def measured(measured_as: Callable[[str], dict[str, Measure]]) -> dict[str, Measure]:
    """Every list, as the Admin sees it."""
    return measured_as("admin")


def test_no_list_reads_per_row(measured):
    judged = {name: m for name, m in measured.items() if name not in N_PLUS_ONE and not m.thin}
    growing = {name: m for name, m in judged.items() if m.grows}
    report = "\n".join(m.report(name) for name, m in sorted(growing.items()))
    assert not growing, f"lists whose SELECTs grow with the rows shown (N+1):\n{report}"
    # Most lists judged: a broken measure (every list empty, say) would pass everything.
    assert len(judged) >= 30, sorted(judged)


@pytest.mark.parametrize("username", SCOPED_USERS)
def test_no_list_reads_per_row_in_a_row_scope(measured_as, username):
    """The same rule for the lists a scoped user opens, as his scope narrows them."""
    measures = measured_as(username)
    judged = {name: m for name, m in measures.items() if name not in N_PLUS_ONE and not m.thin}
    growing = {name: m for name, m in judged.items() if m.grows}
    report = "\n".join(m.report(name) for name, m in sorted(growing.items()))
    assert not growing, f"{username}: lists whose SELECTs grow with the rows shown (N+1):\n{report}"
    assert len(judged) >= MIN_SCOPED_JUDGED, f"{username}: only {sorted(judged)} long enough to judge"


def test_lists_too_short_to_judge_are_the_known_ones(measured):
    """A list without demo rows enough proves nothing: each is named, a new one is a conscious decision."""
    thin = {name for name, m in measured.items() if m.thin}
    assert thin == THIN_LISTS, (
        f"newly too short (add demo rows or name them in THIN_LISTS): {sorted(thin - THIN_LISTS)}; "
        f"now long enough to judge (strike off THIN_LISTS): {sorted(THIN_LISTS - thin)}"
    )
    assert set(N_PLUS_ONE) <= set(measured), f"not a list any more: {sorted(set(N_PLUS_ONE) - set(measured))}"


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(name, marks=pytest.mark.xfail(strict=True, raises=AssertionError, reason=reason))
        for name, reason in sorted(N_PLUS_ONE.items())
    ],
)
def test_known_n_plus_one(measured, name):
    """Fails while the list reads per row; once fixed it passes, and strict xfail asks to strike it off."""
    m = measured.get(name)
    if m is None or m.thin:
        pytest.fail(f"{name}: no such list, or too few rows to judge it")
    few, many = m.counts
    assert few == many, m.report(name)
