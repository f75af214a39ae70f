"""The applicant's name parts are searched through their normalised twins (issue #19, item 2).

A text filter on a last name, first name or patronymic compares the part's own normalised column
(lower case, ё → е) instead of folding the column per row behind the combined name-and-address
column: «иванов» among last names is looked up in last names only (a pg_trgm index per part on
PostgreSQL), and the answer is exactly the one of the former condition on the column itself.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import flask_migrate
import pytest
from flask import g
from sqlalchemy import MetaData, Table, create_engine, func, insert, select, text

from app.appeals.models import NAME_TWINS, Appeal
from app.appeals.reference.models import Channel
from app.core.filters import (
    TextContains,
    TextEndsWith,
    TextEqual,
    TextNotContains,
    TextNotEndsWith,
    TextNotEqual,
    TextNotStartsWith,
    TextStartsWith,
    _like_escape,
    normalize_text,
    normalized,
)
from app.core.lists import load_page
from app.extensions import db
from app.org.models import Body
from scripts.load.formdata import form_fields
from tests.conftest import make_test_app
from tests.ops.test_backup import _register

DAY = dt.date(2025, 3, 1)
#: (last name, first name, patronymic): «Иванович» and «Ивановна» are patronymics of other people.
PEOPLE = [
    ("Иванов", "Пётр", "Сергеевич"),
    ("Иванова", "Анна", "Петровна"),
    ("Петров", "Семён", "Иванович"),
    ("Сидорова", "Мария", "Ивановна"),
    ("Фёдоров", "Иван", "Петрович"),
    ("ФЕДОРОВА", "Алёна", "Семёновна"),
    ("Ёлкин", "Семен", None),
    ("Иванов_", "Олег", "100%"),  # LIKE's own characters are matched as typed
]


def _view(app):
    return next(v for v in app.appbuilder.baseviews if v.__class__.__name__ == "AppealView")


def _add_people(app) -> dict[str, int]:
    """The people above as appeals of one day; their ids by last name."""
    with app.app_context():
        channel = db.session.scalar(select(Channel).order_by(Channel.id))
        body = db.session.scalar(select(Body).order_by(Body.id))
        appeals = []
        for n, (last, first, middle) in enumerate(PEOPLE):
            appeal = Appeal(
                reg_number=f"ОГ-2025-8{n:05d}",
                reg_year=2025,
                reg_seq=80000 + n,
                received_date=DAY,
                reg_date=DAY,
                channel_id=channel.id,
                summary="Заявление",
                receiving_body_id=body.id,
                responsible_body_id=body.id,
                due_date=DAY + dt.timedelta(days=30),
                applicant_last_name=last,
                applicant_first_name=first,
                applicant_patronymic=middle,
                applicant_address="ул. Звёздова, 5",
            )
            db.session.add(appeal)
            appeals.append(appeal)
        db.session.commit()
        return {a.applicant_last_name: a.id for a in appeals}


def _filters(view, column, flt, value):
    filters = view.datamodel.get_filters(view.search_columns)
    filters.add_filter(column, flt, value)
    return filters


def _found(app, column: str, flt, value: str) -> set[str]:
    """Last names of the people (of PEOPLE) a list filter finds, through the list's fast path."""
    view = _view(app)
    with app.test_request_context():
        g.user = app.appbuilder.sm.find_user(username="admin")
        page = load_page(view.datamodel, _filters(view, column, flt, value), "reg_number", "asc", 0, 500)
        return {a.applicant_last_name for a in page.items if a.reg_number.startswith("ОГ-2025-8")}


@pytest.mark.parametrize(
    ("flt", "needle", "expected"),
    [
        # «Иванович» and «Ивановна» are patronymics: a last-name search does not find their people.
        (TextContains, "иванов", {"Иванов", "Иванова", "Иванов_"}),
        (TextContains, "ИВАНОВА", {"Иванова"}),
        (TextContains, "федоров", {"Фёдоров", "ФЕДОРОВА"}),
        (TextContains, "фёдоров", {"Фёдоров", "ФЕДОРОВА"}),
        (TextContains, "елк", {"Ёлкин"}),
        (TextContains, "ов_", {"Иванов_"}),
        (TextContains, "ов", {"Иванов", "Иванова", "Петров", "Сидорова", "Фёдоров", "ФЕДОРОВА", "Иванов_"}),
        (TextEqual, "иванов", {"Иванов"}),
        (TextEqual, "Федоров", {"Фёдоров"}),
        (TextStartsWith, "иван", {"Иванов", "Иванова", "Иванов_"}),
        (TextEndsWith, "ова", {"Иванова", "Сидорова", "ФЕДОРОВА"}),
        (TextNotContains, "иванов", {"Петров", "Сидорова", "Фёдоров", "ФЕДОРОВА", "Ёлкин"}),
        (TextNotStartsWith, "ф", {"Иванов", "Иванова", "Петров", "Сидорова", "Ёлкин", "Иванов_"}),
        (TextNotEqual, "ёлкин", {"Иванов", "Иванова", "Петров", "Сидорова", "Фёдоров", "ФЕДОРОВА", "Иванов_"}),
    ],
)
def test_last_name_filter_finds_the_last_name_only_ignoring_case_and_yo(app, flt, needle, expected):
    _add_people(app)
    assert _found(app, "applicant_last_name", flt, needle) == expected


@pytest.mark.parametrize(
    ("column", "needle", "expected"),
    [
        ("applicant_patronymic", "иванович", {"Петров"}),
        ("applicant_patronymic", "иванов", {"Петров", "Сидорова"}),
        ("applicant_patronymic", "семеновна", {"ФЕДОРОВА"}),
        ("applicant_first_name", "семен", {"Петров", "Ёлкин"}),
        ("applicant_first_name", "алена", {"ФЕДОРОВА"}),
        ("applicant_first_name", "иван", {"Фёдоров"}),
    ],
)
def test_first_name_and_patronymic_filters_search_their_own_part(app, column, needle, expected):
    _add_people(app)
    assert _found(app, column, TextContains, needle) == expected


FILTERS = [
    TextContains,
    TextStartsWith,
    TextEndsWith,
    TextEqual,
    TextNotContains,
    TextNotStartsWith,
    TextNotEndsWith,
    TextNotEqual,
]


@pytest.mark.parametrize("column", list(NAME_TWINS))
def test_every_name_filter_answers_what_the_former_condition_on_the_column_answered(app, column):
    """The twin is the whole condition: for every operator and needle, the ids of the former
    `replace(lower(column), 'ё', 'е') LIKE …` over every appeal (the demo's too), same order."""
    _add_people(app)
    view = _view(app)
    needles = ["иванов", "ИВАН", "федоров", "ёлк", "ов", "а", "ич", "100%", "ов_", "нет такого"]
    with app.test_request_context():
        g.user = app.appbuilder.sm.find_user(username="admin")
        for flt in FILTERS:
            for needle in needles:
                page = load_page(view.datamodel, _filters(view, column, flt, needle), "reg_date", "desc", 0, 10_000)
                pattern = flt.pattern.format(_like_escape(normalize_text(needle)))
                former = normalized(getattr(Appeal, column)).like(pattern, escape="\\")
                expected = db.session.scalars(
                    select(Appeal.id)
                    .where(~former if flt.negate else former)
                    .order_by(Appeal.reg_date.desc(), Appeal.id.desc())
                ).all()
                assert page.ids == expected, (flt.__name__, needle)
    with app.app_context():
        named = db.session.scalar(select(func.count()).where(getattr(Appeal, column).is_not(None)))
    assert named >= len(PEOPLE) - 1  # the demo's appeals are in the comparison too


def test_the_last_name_filter_reads_the_twin_column_not_the_combined_one(app):
    view = _view(app)
    with app.test_request_context():
        g.user = app.appbuilder.sm.find_user(username="admin")
        query = _filters(view, "applicant_last_name", TextContains, "иванов").apply_all(db.session.query(Appeal.id))
        sql = str(query.statement.compile(db.engine))
    assert "applicant_last_name_norm LIKE" in sql
    assert "applicant_search" not in sql and "lower(" not in sql


def test_the_twins_follow_an_edit_of_the_name(app):
    ids = _add_people(app)
    with app.app_context():
        appeal = db.session.get(Appeal, ids["Петров"])
        twins = [getattr(appeal, twin) for twin in NAME_TWINS.values()]
        assert twins == ["петров", "семен", "иванович"]
        appeal.applicant_last_name = "Фёдоров-Щёкин"
        appeal.applicant_patronymic = None
        db.session.commit()
        stored = db.session.execute(
            select(Appeal.applicant_last_name_norm, Appeal.applicant_patronymic_norm).where(Appeal.id == appeal.id)
        ).one()
    assert tuple(stored) == ("федоров-щекин", None)
    assert _found(app, "applicant_last_name", TextContains, "щекин") == {"Фёдоров-Щёкин"}
    assert _found(app, "applicant_last_name", TextContains, "петров") == set()


def test_saving_the_card_with_a_new_last_name_updates_its_twin_and_the_search_finds_it(app, login):
    with app.app_context():
        pk = _register("Ремонт подъезда").id  # applicant «Петрова»
        db.session.commit()
    clerk = login("appeals")
    form = form_fields(clerk.get(f"/appealview/edit/{pk}").text, "model_form")
    saved = clerk.post(f"/appealview/edit/{pk}", data={**form, "applicant_last_name": "Семёнова"})
    assert saved.status_code == 302, saved.text[:500]
    with app.app_context():
        appeal = db.session.get(Appeal, pk)
        assert (appeal.applicant_last_name, appeal.applicant_last_name_norm) == ("Семёнова", "семенова")
    page = clerk.get("/appealview/list/?_flt_0_applicant_last_name=семенова").text
    assert appeal.reg_number in page
    assert appeal.reg_number not in clerk.get("/appealview/list/?_flt_0_applicant_last_name=петрова").text


def test_a_history_entry_does_not_record_the_twins(app):
    from app.core.audit import ChangeLog

    ids = _add_people(app)
    with app.app_context():
        appeal = db.session.get(Appeal, ids["Ёлкин"])
        appeal.applicant_last_name = "Ежов"
        db.session.commit()
        changes = db.session.scalars(
            select(ChangeLog.changes).where(
                ChangeLog.table_name == "appeals_appeal", ChangeLog.record_id == str(appeal.id)
            )
        ).all()
    assert changes and any("applicant_last_name" in c for c in changes)
    assert not any(twin in c for c in changes for twin in NAME_TWINS.values())


def test_the_twins_are_personal_data():
    assert set(NAME_TWINS.values()) <= set(Appeal.__personal__)


# ---- the migration ---------------------------------------------------------------------------


def _dummy(column):
    kind = column.type.python_type
    return {int: 1, bool: False, str: "x", dt.date: DAY, dt.datetime: dt.datetime(2025, 3, 1)}[kind]


def test_the_migration_fills_the_twins_of_existing_appeals_and_drops_them_on_downgrade(tmp_path: Path):
    application = make_test_app(f"sqlite:///{tmp_path / 'migrate.sqlite'}")
    with application.app_context():
        flask_migrate.upgrade(revision="0026_links")
        engine = create_engine(application.config["SQLALCHEMY_DATABASE_URI"])  # no foreign keys enforced
        table = Table("appeals_appeal", MetaData(), autoload_with=engine)
        required = {
            c.name: _dummy(c)
            for c in table.columns
            if not c.nullable and c.server_default is None and not c.primary_key
        }
        names = [("Фёдорова", "Алёна", "Семёновна"), ("ИВАНОВ", None, None), (None, None, None)]
        with engine.begin() as conn:
            for n, (last, first, middle) in enumerate(names, start=1):
                conn.execute(
                    insert(table),
                    {
                        **required,
                        "id": n,
                        "reg_number": f"ОГ-2025-{n:06d}",
                        "reg_seq": n,
                        "applicant_last_name": last,
                        "applicant_first_name": first,
                        "applicant_patronymic": middle,
                    },
                )
        flask_migrate.upgrade(revision="0027_name_search")
        twins = "applicant_last_name_norm, applicant_first_name_norm, applicant_patronymic_norm"
        with engine.connect() as conn:
            rows = conn.execute(text(f"SELECT id, {twins} FROM appeals_appeal ORDER BY id")).all()
        assert [tuple(r) for r in rows] == [
            (1, "федорова", "алена", "семеновна"),
            (2, "иванов", None, None),
            (3, None, None, None),
        ]
        with engine.begin() as conn:
            # The rows' made-up references would stop SQLite's table rebuild of the downgrade.
            conn.execute(text("DELETE FROM appeals_appeal"))
        flask_migrate.downgrade(revision="0026_links")
        with engine.connect() as conn:
            columns = {row[1] for row in conn.execute(text("PRAGMA table_info(appeals_appeal)"))}
            indexes = {row[1] for row in conn.execute(text("PRAGMA index_list(appeals_appeal)"))}
        assert not {c for c in columns if c.endswith("_norm")}
        assert not {i for i in indexes if i.endswith("_norm")}
        engine.dispose()
        db.session.remove()
        db.engine.dispose()
