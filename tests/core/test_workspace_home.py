"""Each role's home page on a known dataset: the right counts in its row scope, and every number opens its list.

Nine appeals around local today T (due dates set as the dataset needs; the deadline engine has its own tests):

    W1 Отдел обращений → КЖКХ, executor appeals, due T-5          open, overdue
    W2 Отдел обращений → КЖКХ, executor appeals, due T+3          open, due this week
    W3 Отдел обращений → УДКХиБ, executor udkh, due T-1           open, overdue
    W4 Адм. Заводского → itself, executor zavodskoy, due T+20      open
    W5 Адм. Заводского → УДКХиБ, executor zavodskoy, due T-2       open, overdue
    W6 Отдел обращений → Управление культуры, no executor, T+6     open, due this week
    W7 Отдел обращений → КЖКХ, executor appeals, answered          closed
    W8 Адм. Заводского → itself, due T-10, annulled                counted nowhere
    W9 Адм. Центрального → itself, executor central, due T+1       open, due this week

The demo deputy head supervises КЖКХ, УДКХиБ and the housing department (app/demo.py).
"""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from flask import g
from flask_login import login_user
from sqlalchemy import func, select
from sqlalchemy import text as sql_text

from app.appeals.models import OPEN_CURRENT, Appeal
from app.appeals.reference.models import AppealResult, Channel
from app.appeals.services import QuestionInput, answer_appeal, assign_executor, register_appeal, set_result
from app.core.dates import local_today
from app.core.services import annul
from app.extensions import db
from app.org.services import body_by_code, district_by_code
from tests.sql_log import recorded_sql

HOUSING = "0005.0005.0055.1122"
_TOTAL = re.compile(r"Всего записей:</strong>\s*([^<]+)<")


def _appeal(number: int, receiving: str, responsible: str, due_in: int | None, executor: str | None, **fields):
    today = local_today()
    appeal = register_appeal(
        channel=db.session.scalar(select(Channel).where(Channel.code == "letter")),
        received_date=today - dt.timedelta(days=2),
        reg_date=today - dt.timedelta(days=2),
        summary=f"Обращение W{number}",
        receiving_body=body_by_code(receiving),
        responsible_body=body_by_code(responsible),
        questions=[QuestionInput(HOUSING)],
        applicant_last_name="Петров",
        **fields,
    )
    if executor:
        from flask import current_app

        assign_executor(appeal, current_app.appbuilder.sm.find_user(username=executor))
    if due_in is not None:
        appeal.due_date = today + dt.timedelta(days=due_in)
    return appeal


def build_dataset(app) -> dict[str, str]:
    """The nine appeals above; their registration numbers by name."""
    with app.app_context():
        assert db.session.scalar(select(func.count(Appeal.id))) == 0
        zavodskoy = district_by_code("zavodskoy")
        made = {
            "W1": _appeal(1, "appeals", "kgkh", -5, "appeals", district=district_by_code("central")),
            "W2": _appeal(2, "appeals", "kgkh", 3, "appeals"),
            "W3": _appeal(3, "appeals", "udkh", -1, "udkh"),
            "W4": _appeal(4, "district-zavodskoy", "district-zavodskoy", 20, "zavodskoy", district=zavodskoy),
            "W5": _appeal(5, "district-zavodskoy", "udkh", -2, "zavodskoy", district=zavodskoy),
            "W6": _appeal(6, "appeals", "culture", 6, None),
            "W7": _appeal(7, "appeals", "kgkh", None, "appeals"),
            "W8": _appeal(8, "district-zavodskoy", "district-zavodskoy", -10, None, district=zavodskoy),
            "W9": _appeal(9, "district-central", "district-central", 1, "central"),
        }
        for question in made["W7"].questions:
            set_result(question, db.session.scalar(select(AppealResult).where(AppealResult.code == "explained")))
        answer_appeal(made["W7"], "01-12/7", local_today(), "post", "Кузнецов С. В.")
        annul(made["W8"], "Зарегистрировано ошибочно")
        db.session.commit()
        return {name: appeal.reg_number for name, appeal in made.items()}


@pytest.fixture
def dataset(app) -> dict[str, str]:
    return build_dataset(app)


def home_of(app, username: str):
    from app.core.workspace.home import build_home

    with app.test_request_context("/"):
        user = app.appbuilder.sm.find_user(username=username)
        login_user(user)
        g.user = user
        return build_home(user)


def numbers(home, domain: str = "appeals") -> dict[str, str]:
    """counter key → the number as the page writes it, for one domain's counters (the known dataset
    is of appeals; the other domains' counters are proved by their own tests)."""
    if home.table is None:
        return {}
    cells = [v for row in home.table.rows for values in row.cells.values() for v in values]
    return {v.counter.key: v.text for v in [*cells, *home.table.others] if v.counter.domain == domain}


def listed_total(client, url: str) -> str:
    page = client.get(url)
    assert page.status_code == 200, url
    match = _TOTAL.search(page.text)
    assert match, f"no row count on {url}"
    return html.unescape(match.group(1)).strip()


EXPECTED = {
    # City-wide: every current appeal; the annulled W8 and the answered W7 are in no counter.
    "supervisor": {"appeals.overdue": "3", "appeals.week": "3", "appeals.open": "7"},
    "appeals": {"appeals.overdue": "3", "appeals.week": "3", "appeals.open": "7", "appeals.mine": "3"},
    # The deputy head: appeals of the bodies he supervises (КЖКХ: W1, W2, W7; УДКХиБ: W3, W5).
    "deputy": {"appeals.overdue": "3", "appeals.week": "1", "appeals.open": "4"},
    # A district clerk counts only his district's appeals (W4, W5; the annulled W8 nowhere).
    "zavodskoy": {"appeals.overdue": "1", "appeals.week": "0", "appeals.open": "2", "appeals.mine": "2"},
    "central": {"appeals.overdue": "0", "appeals.week": "1", "appeals.open": "1", "appeals.mine": "1"},
    # Body staff: their body's appeals and those assigned to them.
    "udkh": {"appeals.overdue": "2", "appeals.week": "0", "appeals.open": "2", "appeals.mine": "1"},
    "culture": {"appeals.overdue": "0", "appeals.week": "1", "appeals.open": "1", "appeals.mine": "0"},
    # Roles without appeals see no appeals' numbers (their domains add theirs).
    "admin": {},
    "control": {},
    "housing": {},
}


@pytest.mark.parametrize("username", sorted(EXPECTED))
def test_each_roles_home_page_shows_its_counts_in_its_row_scope(app, dataset, username):
    assert numbers(home_of(app, username)) == EXPECTED[username]


@pytest.mark.parametrize("username", ["supervisor", "deputy", "zavodskoy", "udkh", "appeals"])
def test_every_number_on_the_home_page_opens_a_list_of_exactly_that_many_rows(app, dataset, login, username):
    home = home_of(app, username)
    client = login(username)
    links = [(v.text, v.url) for row in home.table.rows for values in row.cells.values() for v in values]
    links += [(v.text, v.url) for v in home.worklists]
    if home.bodies:
        links += [(cell.text, cell.url) for _name, cells, _total in home.bodies.rows for cell in cells.values()]
    assert links
    for text, url in links:
        assert listed_total(client, url) == text, url


def test_the_deputy_heads_table_is_my_control_with_the_soonest_appeals_of_his_bodies(app, dataset):
    home = home_of(app, "deputy")
    assert home.table.title == "Мой контроль: курируемые органы"
    # «Ждут моего решения»: the extensions of deadlines he set (control's counter, mapped to the column).
    assert [kind for kind, _header in home.table.columns] == ["open", "overdue", "week", "decision"]
    # Overdue or due within 7 days, the soonest first: W1 (T-5), W5 (T-2), W3 (T-1), W2 (T+3).
    assert [row.number for row in home.urgent] == [dataset[n] for n in ("W1", "W5", "W3", "W2")]
    assert [v.worklist.key for v in home.worklists] == ["appeals.urgent"]
    assert home.urgent[0].url.endswith(f"/appealview/show/{_id(app, dataset['W1'])}")


def test_the_soonest_open_appeals_are_asked_for_in_the_words_of_their_index(app, dataset):
    """A database uses the open appeals' partial index (OPEN_CURRENT; at 1M appeals the deputy head's list
    went from 800 to 7 ms) only for a query it can prove lies inside it: the statuses are literals, the
    very list of the index's predicate, never parameters."""
    in_list = OPEN_CURRENT.split("status IN ", 1)[1]
    with recorded_sql(app, selects_only=True) as statements:
        home = home_of(app, "deputy")
    assert [row.number for row in home.urgent] == [dataset[n] for n in ("W1", "W5", "W3", "W2")]
    soonest = [s for s in statements if "ORDER BY appeals_appeal.due_date" in s]
    counted = [s for s in statements if "count(" in s and "appeals_appeal.due_date" in s]
    assert soonest and counted
    assert all(f"appeals_appeal.status IN {in_list}" in s for s in soonest + counted)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            # INDEXED BY fails («no query solution») where the index may not serve the query.
            plan = db.session.execute(
                sql_text(
                    "EXPLAIN QUERY PLAN SELECT id FROM appeals_appeal INDEXED BY ix_appeals_appeal_open_due "
                    f"WHERE {OPEN_CURRENT} AND due_date <= :day ORDER BY due_date, id LIMIT 6"
                ),
                {"day": dt.date.today()},
            ).all()
            assert any("ix_appeals_appeal_open_due" in str(row) for row in plan), plan


def test_a_clerks_soonest_deadlines_are_his_own_open_appeals(app, dataset):
    assert [row.number for row in home_of(app, "appeals").urgent] == [dataset["W1"], dataset["W2"]]
    # W4 is due in 20 days: not yet among the soonest.
    assert [row.number for row in home_of(app, "zavodskoy").urgent] == [dataset["W5"]]
    assert home_of(app, "supervisor").worklists == []


def test_the_supervisor_and_the_deputy_see_the_bodies_with_the_most_overdue(app, dataset):
    supervisor = home_of(app, "supervisor").bodies
    assert [(name, total) for name, _cells, total in supervisor.rows] == [
        ("Управление дорожно-коммунального хозяйства и благоустройства", 2),
        ("Комитет жилищно-коммунального хозяйства", 1),
    ]
    # A column per domain with an overdue counter by body; no instruction or plan item is overdue here.
    assert supervisor.columns == [
        ("appeals.overdue", "Обращения"),
        ("control.overdue", "Контроль"),
        ("plans.unmarked", "Планы"),
    ]
    assert [(name, total) for name, _c, total in home_of(app, "deputy").bodies.rows] == [
        ("Управление дорожно-коммунального хозяйства и благоустройства", 2),
        ("Комитет жилищно-коммунального хозяйства", 1),
    ]
    # Clerks get their own numbers, not a ranking of bodies.
    assert home_of(app, "zavodskoy").bodies is None and home_of(app, "appeals").bodies is None


def test_the_summary_is_titled_by_the_users_sight(app, dataset):
    assert home_of(app, "supervisor").table.title == "Сводка по городу"
    assert home_of(app, "zavodskoy").table.title == "Сводка по району"
    assert home_of(app, "udkh").table.title == "Сводка по органу"


def test_the_home_page_shows_the_numbers_as_links_and_the_dashboards(app, dataset, login):
    page = login("zavodskoy").get("/").text
    assert "<h2>Рабочий стол</h2>" in page
    overdue = re.search(r'<a href="([^"]+)"[^>]*data-counter="appeals.overdue"[^>]*>([^<]+)</a>', page)
    assert overdue and html.unescape(overdue.group(1)) == "/appealview/list/?preset=overdue"
    assert overdue.group(2) == "1"
    assert 'href="/dashboards/appeals/"' in page
    assert dataset["W5"] in page and dataset["W9"] not in page  # another district's appeal is never named


def test_a_user_with_no_domain_gets_a_home_page_without_numbers(app, login):
    # Every domain now registers counters for its roles; the Admin (users, roles, journals) has none.
    page = login("admin").get("/").text
    assert "<h2>Рабочий стол</h2>" in page and "data-counter" not in page and "Ближайшие сроки" not in page
    assert "Ирина Соколова" in page


def test_the_anonymous_home_page_asks_to_sign_in(app):
    page = app.test_client().get("/")
    assert page.status_code == 200 and "Войдите в систему" in page.text and "data-counter" not in page.text


def _id(app, number: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Appeal.id).where(Appeal.reg_number == number))
