"""Presets and home-page counters: a counter is its list's own count, for every role."""

from __future__ import annotations

import datetime as dt
import html
import re

from flask import g
from flask_login import login_user
from sqlalchemy import func, select

from app.extensions import db

DEMO_USERS = (
    "admin",
    "supervisor",
    "deputy",
    "appeals",
    "control",
    "plans",
    "housing",
    "events",
    "zavodskoy",
    "central",
)
_TOTAL = re.compile(r"Всего записей:</strong>\s*([^<]+)<")


def _values_as(app, username: str) -> list:
    from app.core.workspace import count, counters_for

    with app.test_request_context("/"):
        user = app.appbuilder.sm.find_user(username=username)
        login_user(user)
        g.user = user
        return [count(counter) for counter in counters_for(user)]


def _listed_total(client, url: str) -> str:
    page = client.get(url)
    assert page.status_code == 200, url
    match = _TOTAL.search(page.text)
    assert match, f"no row count on {url}"
    return html.unescape(match.group(1)).strip()


def _overdue_demo(app) -> None:
    """The demo's appeals (through the services), two of them overdue: the counters count something."""
    from app.appeals.demo import load_demo_appeals
    from app.appeals.models import OPEN_STATUSES, Appeal
    from app.core.dates import local_today

    with app.app_context():
        load_demo_appeals(count=80)
        still_open = Appeal.status.in_([s.value for s in OPEN_STATUSES])
        for appeal in db.session.scalars(select(Appeal).where(still_open).order_by(Appeal.id).limit(2)):
            appeal.due_date = local_today() - dt.timedelta(days=3)
        db.session.commit()


def test_every_counter_equals_the_list_it_links_to_for_every_demo_role(app, login):
    _overdue_demo(app)
    checked = 0
    for username in DEMO_USERS:
        values = _values_as(app, username)
        client = login(username)
        for value in values:
            assert _listed_total(client, value.url) == value.text, (username, value.counter.key)
            checked += 1
    # The appeals' counters reach the clerks, the district clerk, the deputy and the Supervisor.
    assert checked >= 4 * 3 + 2 * 2


def test_the_supervisors_overdue_counter_is_the_number_of_open_overdue_appeals(app):
    from app.appeals.models import OPEN_STATUSES, Appeal
    from app.core.dates import local_today

    _overdue_demo(app)
    with app.app_context():
        expected = db.session.scalar(
            select(func.count(Appeal.id)).where(
                Appeal.status.in_([s.value for s in OPEN_STATUSES]),
                Appeal.due_date < local_today(),
                Appeal.annulled_at.is_(None),
            )
        )
    values = {v.counter.key: v for v in _values_as(app, "supervisor")}
    assert expected >= 2
    assert values["appeals.overdue"].count == expected
    assert values["appeals.overdue"].url.endswith("?preset=overdue")


def test_a_district_clerks_counter_counts_only_what_his_list_shows(app, login):
    _overdue_demo(app)
    city = {v.counter.key: v.count for v in _values_as(app, "supervisor")}
    district = {v.counter.key: v.count for v in _values_as(app, "zavodskoy")}
    assert district["appeals.open"] <= city["appeals.open"]
    assert district["appeals.open"] < city["appeals.open"], "the demo has open appeals outside Заводской"


def test_roles_without_the_domain_see_no_counters_of_it(app):
    for username in ("admin", "housing", "events", "plans"):
        assert [v.counter.key for v in _values_as(app, username) if v.counter.domain == "appeals"] == []


def test_a_preset_names_its_list_in_the_page_title(app, login):
    client = login("supervisor")
    assert "Просроченные обращения" in client.get("/appealview/list/?preset=overdue").text
    assert "Просроченные обращения" not in client.get("/appealview/list/").text


def test_an_unknown_preset_is_a_400_on_the_list(app, login):
    assert login("supervisor").get("/appealview/list/?preset=nosuch").status_code == 400
