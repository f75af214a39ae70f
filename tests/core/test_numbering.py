"""Registration numbers (app/core/numbering): patterns, the local year, imported numbers, no reuse, no gaps."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from pathlib import Path

import flask_migrate
import pytest
from flask import Flask
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from app.cli import initialise
from app.core import numbering
from app.core.numbering import Journal, JournalPatternError, SequenceOutOfRange
from app.core.numbering.models import NumberingCounter, NumberingJournal
from app.extensions import db
from tests.conftest import login_client, make_test_app

INCOMING = Journal("test_incoming", "Вх-{year}-{seq:05d}", "Входящие документы")
OUTGOING = Journal("test_outgoing", "Исх-{year}-{seq:05d}", "Исходящие документы")
INSTRUCTIONS = Journal("test_instructions", "Пор-{year}-{seq}", "Поручения")
#: A book numbered continuously across years (no {year} in the pattern).
BOOK = Journal("test_book", "Ж-{seq:04d}", "Книга регистрации заявлений")
FAKE = (INCOMING, OUTGOING, INSTRUCTIONS, BOOK)


@pytest.fixture(autouse=True)
def journals() -> Iterator[None]:
    """Test journals declared for the test only (a later `flask app init` must not see them)."""
    for journal in FAKE:
        numbering.declare_journal(journal)
    yield
    for journal in FAKE:
        numbering.JOURNALS.pop(journal.code, None)


def _counter(code: str, year: int) -> int | None:
    return db.session.scalar(
        select(NumberingCounter.last_number)
        .join(NumberingJournal)
        .where(NumberingJournal.code == code, NumberingCounter.year == year)
    )


# ---- patterns ------------------------------------------------------------------------------


def test_each_journal_writes_numbers_in_its_own_pattern():
    assert INCOMING.format(2026, 7) == "Вх-2026-00007"
    assert OUTGOING.format(2026, 123) == "Исх-2026-00123"
    assert INSTRUCTIONS.format(2026, 5) == "Пор-2026-5"
    assert BOOK.format(2026, 12) == "Ж-0012"
    assert numbering.format_number("appeals", 2026, 123) == "ОГ-2026-000123"


def test_the_pattern_width_bounds_the_sequence_and_gives_the_example_for_messages():
    assert (INCOMING.max_seq, numbering.journal("appeals").max_seq, BOOK.max_seq) == (99_999, 999_999, 9_999)
    assert numbering.journal("appeals").example() == "ОГ-ГГГГ-000123"
    assert numbering.journal("appeals").prefix == "ОГ"
    assert (INCOMING.yearly, BOOK.yearly) == (True, False)


def test_a_written_number_is_read_back_forgiving_spaces_case_and_a_missing_prefix():
    assert numbering.parse("appeals", "ОГ-2019-004121") == (2019, 4121)
    assert numbering.parse("appeals", " ог - 2019 - 4121 ") == (2019, 4121)
    assert numbering.parse("appeals", "2019-4121") == (2019, 4121)
    assert numbering.parse("appeals", "2019-4121", prefix_optional=False) is None
    assert numbering.parse("test_incoming", "вх-2026-00007") == (2026, 7)
    assert numbering.parse("test_book", "Ж-0012") == (None, 12)


@pytest.mark.parametrize(
    "text", ["", "ОГ-2019", "Вх-2019-000001", "ОГ-19-000001", "ОГ-2019-", "ОГ2019-1", "12.03.2019"]
)
def test_text_that_is_not_a_number_of_the_journal_is_not_read_as_one(text):
    assert numbering.parse("appeals", text) is None


@pytest.mark.parametrize(
    "code, pattern",
    [
        ("bad code", "Х-{seq}"),  # codes are stable ASCII keys
        ("test_x", "Х-{year}"),  # no sequence
        ("test_x", "Х-{year}-{seq}-{seq}"),  # two sequences
        ("test_x", "Х-{body}-{seq}"),  # a field the service cannot fill
        ("test_x", "Х-{seq:>6}"),  # a sequence is a number
        ("test_x", "Х-{year:02d}-{seq}"),  # the year is written whole
        ("test_x", "Х-{seq"),  # a broken pattern
    ],
)
def test_a_wrong_declaration_fails_at_import_time(code, pattern):
    with pytest.raises(JournalPatternError):
        Journal(code, pattern, "Ошибка")


def test_an_undeclared_journal_is_a_programming_error(app_ctx):
    with pytest.raises(numbering.UnknownJournal):
        numbering.next_number("nosuch", dt.date(2026, 1, 1))


# ---- drawing numbers -----------------------------------------------------------------------


def test_numbers_run_per_journal_and_year_from_one(app_ctx):
    drawn = [
        numbering.next_number("test_incoming", dt.date(2025, 12, 30)),
        numbering.next_number("test_incoming", dt.date(2025, 12, 31)),
        numbering.next_number("test_outgoing", dt.date(2025, 12, 31)),
        numbering.next_number("test_incoming", dt.date(2026, 1, 12)),
    ]
    assert [n.text for n in drawn] == ["Вх-2025-00001", "Вх-2025-00002", "Исх-2025-00001", "Вх-2026-00001"]
    assert [(n.year, n.seq) for n in drawn] == [(2025, 1), (2025, 2), (2025, 1), (2026, 1)]
    assert (_counter("test_incoming", 2025), _counter("test_incoming", 2026)) == (2, 1)


def test_the_year_is_that_of_the_local_registration_date(app_ctx):
    # 31.12.2025 20:00 UTC is 01.01.2026 03:00 in Novokuznetsk (UTC+7): the number is 2026's.
    stored_utc = dt.datetime(2025, 12, 31, 20, 0)
    assert numbering.next_number("test_incoming", stored_utc).text == "Вх-2026-00001"
    aware = dt.datetime(2025, 12, 31, 20, 0, tzinfo=dt.UTC)
    assert numbering.next_number("test_incoming", aware).text == "Вх-2026-00002"
    # 16:59 UTC is still 23:59 of 31 December locally.
    assert numbering.next_number("test_incoming", dt.datetime(2025, 12, 31, 16, 59)).text == "Вх-2025-00001"
    assert numbering.local_date(stored_utc) == dt.date(2026, 1, 1)


def test_without_a_date_the_number_is_of_the_local_today(app_ctx, monkeypatch):
    monkeypatch.setattr(numbering.services, "local_today", lambda: dt.date(2031, 1, 1))
    assert numbering.next_number("test_incoming").text == "Вх-2031-00001"


def test_a_continuous_book_keeps_counting_across_years(app_ctx):
    first = numbering.next_number("test_book", dt.date(2025, 12, 31))
    second = numbering.next_number("test_book", dt.date(2026, 1, 9))
    assert (first.text, second.text) == ("Ж-0001", "Ж-0002")
    assert (second.year, _counter("test_book", numbering.CONTINUOUS)) == (2026, 2)


def test_imported_numbers_are_kept_and_the_counter_moves_past_them(app_ctx):
    assert numbering.take_imported("test_incoming", 2019, 4120).text == "Вх-2019-04120"
    assert numbering.next_number("test_incoming", dt.date(2019, 6, 2)).text == "Вх-2019-04121"
    # An older number brought later leaves the counter where it is: 4121 is never given again.
    numbering.take_imported("test_incoming", 2019, 17)
    assert numbering.next_number("test_incoming", dt.date(2019, 6, 3)).text == "Вх-2019-04122"
    assert numbering.last_number("test_incoming", 2019) == 4122


def test_an_import_batch_moves_each_counter_once_to_the_highest_kept_number(app_ctx):
    with numbering.kept_in_batch():
        for seq in (4120, 7, 5300, 4999):
            numbering.take_imported("test_incoming", 2019, seq)
        numbering.take_imported("test_outgoing", 2019, 12)
        # Not written yet: the counters move once, when the batch ends.
        assert _counter("test_incoming", 2019) is None
    assert (_counter("test_incoming", 2019), _counter("test_outgoing", 2019)) == (5300, 12)
    assert numbering.next_number("test_incoming", dt.date(2019, 6, 2)).text == "Вх-2019-05301"


def test_inside_a_batch_a_draw_or_a_read_sees_the_numbers_kept_before_it(app_ctx):
    with numbering.kept_in_batch():
        numbering.take_imported("test_incoming", 2019, 4120)
        # A row without a number draws one: never one of those the batch keeps.
        assert numbering.next_number("test_incoming", dt.date(2019, 6, 2)).text == "Вх-2019-04121"
        numbering.take_imported("test_incoming", 2019, 4500)
        assert numbering.last_number("test_incoming", 2019) == 4500
        # A book without {year} has one counter: a number kept «in 2025» is seen by a draw in 2026.
        numbering.take_imported("test_book", 2025, 40)
        assert numbering.next_number("test_book", dt.date(2026, 1, 9)).text == "Ж-0041"
    assert _counter("test_incoming", 2019) == 4500


def test_an_imported_number_outside_the_pattern_width_is_refused(app_ctx):
    with pytest.raises(SequenceOutOfRange, match="от 1 до 99999"):
        numbering.take_imported("test_incoming", 2019, 100_000)
    with pytest.raises(SequenceOutOfRange):
        numbering.take_imported("test_incoming", 2019, 0)
    assert _counter("test_incoming", 2019) is None


def test_a_number_drawn_in_a_rolled_back_transaction_is_given_again_so_none_is_lost(app_ctx):
    numbering.next_number("test_incoming", dt.date(2026, 3, 2))
    savepoint = db.session.begin_nested()
    assert numbering.next_number("test_incoming", dt.date(2026, 3, 2)).seq == 2
    savepoint.rollback()
    assert numbering.next_number("test_incoming", dt.date(2026, 3, 2)).seq == 2


def test_a_journal_no_init_has_written_yet_is_created_by_its_first_number(app_ctx):
    assert db.session.scalar(select(NumberingJournal).where(NumberingJournal.code == "test_outgoing")) is None
    assert numbering.next_number("test_outgoing", dt.date(2026, 2, 2)).seq == 1
    row = db.session.scalar(select(NumberingJournal).where(NumberingJournal.code == "test_outgoing"))
    assert (row.name, row.pattern) == ("Исходящие документы", "Исх-{year}-{seq:05d}")


def test_init_writes_declared_journals_and_never_resets_a_counter(app_ctx):
    numbering.take_imported("appeals", 2024, 4120)
    numbering.declare_journal(Journal("test_incoming", "ВХ-{year}-{seq:06d}", "Журнал входящих"))
    initialise()
    initialise()
    rows = {j.code: j for j in db.session.scalars(select(NumberingJournal))}
    assert (rows["test_incoming"].name, rows["test_incoming"].pattern) == ("Журнал входящих", "ВХ-{year}-{seq:06d}")
    assert rows["appeals"].name == "Журнал регистрации обращений граждан"
    assert numbering.last_number("appeals", 2024) == 4120
    assert len([j for j in rows if j == "appeals"]) == 1


def test_admin_sees_journals_and_counters_read_only(app):
    with app.app_context():
        numbering.take_imported("appeals", 2025, 41)
        journal_id = db.session.scalar(select(NumberingJournal.id).where(NumberingJournal.code == "appeals"))
        db.session.commit()
    admin = login_client(app, "admin")
    journals = admin.get("/numberingjournalview/list/").text
    assert "Журнал регистрации обращений граждан" in journals and "ОГ-ГГГГ-000123" in journals
    counters = admin.get(f"/numberingjournalview/show/{journal_id}").text
    assert "ОГ-2025-000041" in counters and "2025" in counters
    # Nobody edits a counter: not even the Admin (who holds every right) may write one.
    assert admin.get("/numberingcounterview/edit/1").status_code == 403
    assert admin.post("/numberingcounterview/add", data={"last_number": "1"}).status_code == 403
    assert login_client(app, "supervisor").get("/numberingjournalview/list/").status_code == 403


# ---- parallel registration (PostgreSQL: row locks) -----------------------------------------

PARALLEL = 12


def _is_postgres(database_url: str) -> bool:
    return make_url(database_url).get_backend_name() == "postgresql"


@pytest.mark.parametrize("rolled_back", [set(), {2, 5, 9}])
def test_parallel_transactions_draw_unique_gapless_numbers(app, database_url, rolled_back):
    """N transactions draw at the same moment, the first of the year among them; some roll back.

    The committed numbers are 1…(N − rolled back): unique, and a rolled-back draw leaves no gap.
    """
    if not _is_postgres(database_url):
        pytest.skip("SQLite serialises all writers; row locks are checked on PostgreSQL (make test-pg)")
    with app.app_context():
        numbering.sync_journals()
        db.session.commit()
    start = threading.Barrier(PARALLEL)
    drawn: dict[int, int] = {}
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            with app.app_context():
                start.wait()
                drawn[n] = numbering.next_number("test_incoming", dt.date(2026, 5, 4)).seq
                if n in rolled_back:
                    db.session.rollback()
                else:
                    db.session.commit()
        except BaseException as exc:  # reported by the test, not lost in the thread
            errors.append(exc)
        finally:
            with app.app_context():
                db.session.remove()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(PARALLEL)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    committed = sorted(seq for n, seq in drawn.items() if n not in rolled_back)
    assert committed == list(range(1, PARALLEL - len(rolled_back) + 1))
    with app.app_context():
        assert numbering.last_number("test_incoming", 2026) == PARALLEL - len(rolled_back)


# ---- the migration that moved appeals' counters ---------------------------------------------


@pytest.fixture
def bare_sqlite(tmp_path: Path) -> Iterator[Flask]:
    """An empty SQLite database of its own, migrated step by step (whatever the suite's database is)."""
    application = make_test_app(f"sqlite:///{tmp_path / 'migrate.sqlite'}")
    with application.app_context():
        yield application
        db.session.remove()
        db.engine.dispose()


def test_the_migration_moves_appeals_counters_into_the_journal_and_back(bare_sqlite):
    flask_migrate.upgrade(revision="0016_perf")
    engine = create_engine(bare_sqlite.config["SQLALCHEMY_DATABASE_URI"])
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO appeals_registration_counter (prefix, year, last_number) VALUES ('ОГ', 2025, 4121)")
        )
        conn.execute(
            text("INSERT INTO appeals_registration_counter (prefix, year, last_number) VALUES ('ОГ', 2026, 7)")
        )
    flask_migrate.upgrade(revision="0018_numbering")
    moved = (
        "SELECT j.code, j.pattern, c.year, c.last_number FROM core_numbering_counter c "
        "JOIN core_numbering_journal j ON j.id = c.journal_id ORDER BY c.year"
    )
    with engine.connect() as conn:
        assert conn.execute(text(moved)).all() == [
            ("appeals", "ОГ-{year}-{seq:06d}", 2025, 4121),
            ("appeals", "ОГ-{year}-{seq:06d}", 2026, 7),
        ]
        tables = {row[0] for row in conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'table'"))}
    assert "appeals_registration_counter" not in tables
    flask_migrate.downgrade(revision="0016_perf")
    with engine.connect() as conn:
        back = conn.execute(text("SELECT prefix, year, last_number FROM appeals_registration_counter ORDER BY year"))
        assert back.all() == [("ОГ", 2025, 4121), ("ОГ", 2026, 7)]
    engine.dispose()
