"""Concurrency: parallel registrations get unique gapless numbers; the second of two editors is refused."""

from __future__ import annotations

import threading

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from app.appeals.models import Appeal
from app.core.dates import local_today
from app.core.numbering.models import NumberingCounter, NumberingJournal
from app.extensions import db
from scripts.load.formdata import form_fields
from tests.ops.test_backup import _register

PARALLEL = 12


def _appeals_counter(year: int):
    """The appeals journal's counter row of the year (app/core/numbering), None before the first number."""
    return (
        select(NumberingCounter)
        .join(NumberingJournal)
        .where(NumberingJournal.code == "appeals", NumberingCounter.year == year)
    )


def _is_postgres(database_url: str) -> bool:
    return make_url(database_url).get_backend_name() == "postgresql"


def _register_in_parallel(app: Flask, count: int) -> list[BaseException]:
    """`count` threads, each with its own session and connection, register one appeal at the same moment."""
    start = threading.Barrier(count)
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            with app.app_context():
                start.wait()
                _register(f"Параллельная регистрация {n}")
                db.session.commit()
        except BaseException as exc:  # reported by the test, not lost in the thread
            errors.append(exc)
        finally:
            with app.app_context():
                db.session.remove()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


@pytest.fixture
def postgres_only(database_url: str) -> None:
    if not _is_postgres(database_url):
        pytest.skip("SQLite serialises all writers; row locks (FOR UPDATE) are checked on PostgreSQL (make test-pg)")


@pytest.mark.usefixtures("postgres_only")
def test_parallel_first_registrations_of_a_year_get_unique_gapless_numbers(app):
    """Nobody has registered anything this year yet: the counter row itself is created under the race."""
    with app.app_context():
        year = local_today().year
        assert db.session.scalar(_appeals_counter(year)) is None
    errors = _register_in_parallel(app, PARALLEL)
    assert errors == []
    with app.app_context():
        seqs = sorted(db.session.scalars(select(Appeal.reg_seq).where(Appeal.reg_year == year)))
        numbers = set(db.session.scalars(select(Appeal.reg_number).where(Appeal.reg_year == year)))
        counter = db.session.scalar(_appeals_counter(year)).last_number
    assert seqs == list(range(1, PARALLEL + 1))
    assert len(numbers) == PARALLEL
    assert counter == PARALLEL


@pytest.mark.usefixtures("postgres_only")
def test_parallel_registrations_continue_the_years_numbering_without_gaps(app):
    with app.app_context():
        _register("Первое обращение года")
        db.session.commit()
    errors = _register_in_parallel(app, PARALLEL)
    errors += _register_in_parallel(app, PARALLEL)
    assert errors == []
    with app.app_context():
        year = local_today().year
        seqs = sorted(db.session.scalars(select(Appeal.reg_seq).where(Appeal.reg_year == year)))
        assert db.session.scalar(select(func.count(func.distinct(Appeal.reg_number)))) == 2 * PARALLEL + 1
    assert seqs == list(range(1, 2 * PARALLEL + 2))


# ---- two clerks, one appeal ---------------------------------------------------------------


@pytest.fixture
def appeal_pk(app: Flask) -> int:
    with app.app_context():
        appeal = _register("Ремонт подъезда")
        db.session.commit()
        return appeal.id


def test_second_clerk_saving_a_stale_appeal_form_is_refused_and_the_first_change_stays(app, login, appeal_pk):
    first, second = login("appeals"), login("appeals")
    # Both open the edit form of version 1.
    first_form = form_fields(first.get(f"/appealview/edit/{appeal_pk}").text, "model_form")
    second_form = form_fields(second.get(f"/appealview/edit/{appeal_pk}").text, "model_form")
    assert first_form["version"] == second_form["version"] == "1"

    saved = first.post(f"/appealview/edit/{appeal_pk}", data={**first_form, "summary": "Ремонт подъезда и крыльца"})
    refused = second.post(f"/appealview/edit/{appeal_pk}", data={**second_form, "applicant_phone": "8-905-000-00-00"})

    assert saved.status_code == 302
    assert refused.status_code == 200 and "Запись уже изменена другим пользователем" in refused.text
    with app.app_context():
        appeal = db.session.get(Appeal, appeal_pk)
        assert (appeal.summary, appeal.applicant_phone, appeal.version) == ("Ремонт подъезда и крыльца", None, 2)


def test_second_rest_client_putting_a_stale_appeal_gets_409_and_the_first_change_stays(app, login, appeal_pk):
    first, second = login("appeals"), login("appeals")
    read = [c.get(f"/api/v1/appeal/{appeal_pk}").json["result"] for c in (first, second)]
    assert read[0]["version"] == read[1]["version"] == 1

    ok = first.put(f"/api/v1/appeal/{appeal_pk}", json={"summary": "Ремонт подъезда и крыльца", "version": 1})
    stale = second.put(f"/api/v1/appeal/{appeal_pk}", json={"summary": "Ремонт окон", "version": 1})

    assert ok.status_code == 200
    assert stale.status_code == 409 and "уже изменена" in stale.json["message"]
    with app.app_context():
        appeal = db.session.get(Appeal, appeal_pk)
        assert (appeal.summary, appeal.version) == ("Ремонт подъезда и крыльца", 2)
