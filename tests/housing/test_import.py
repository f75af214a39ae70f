"""Import of the legacy registries: the queue comes out in exactly the legacy list's order."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from flask import g
from sqlalchemy import func, select

from app.core.imports import Options, check, guess_mapping, load, read_sheet
from app.extensions import db
from app.housing.imports import DECISIONS_IMPORT, HOUSEHOLDS_IMPORT, MEMBERS_IMPORT, PREMISES_IMPORT
from app.housing.models import Household, HouseholdStatus, HousingDecision, Premises, PremisesStatus
from app.housing.queue import positions_of, queue_page
from app.housing.services import list_type_by_code
from app.security import current_visibility

from .conftest import acting_as

D = dt.date
NOT_FROM_KEYS = "не следует из даты постановки, времени и номера заявления"
DATA = Path(__file__).resolve().parents[2] / "app" / "housing" / "data"
HEADER = (
    "Список;Место в очереди;Дата постановки на учёт;Номер заявления;Дата подачи заявления;Время подачи;"
    "ФИО заявителя;Адрес;Район"
)


def run(spec, text: str, filename: str = "список.csv"):
    sheet = read_sheet(text.encode("utf-8"), filename, spec.known_headers())
    plan = check(spec, sheet, Options(guess_mapping(spec, sheet)), current_visibility())
    if plan.problems:
        db.session.rollback()
        return plan, None
    batch = load(spec, plan, filename=filename, sha256="0" * 64, user=g.user, total_rows=len(sheet.rows))
    db.session.commit()
    return plan, batch


def legacy_list(rows: int, seed: int = 7) -> tuple[str, list[str]]:
    """A legacy general list as the old system printed it, in its queue order: many families share a queue
    date (one commission's day) and even the day and hour of their application — the book number decides —
    some rows have only the day of the application, a few no book number at all (the import gives one)."""
    rng = random.Random(seed)
    families, number = [], {}
    day = D(1996, 1, 10)
    for index in range(rows):
        if rng.random() < 0.3:
            day += dt.timedelta(days=rng.randint(1, 60))
        filed = day - dt.timedelta(days=rng.choice((20, 30)))
        number[filed.year] = number.get(filed.year, 0) + rng.randint(1, 3)
        hour = rng.choice((None, None, 10, 11))
        kept = index % 25 != 24
        families.append((day, filed, hour, number[filed.year] if kept else None, index))
    # The legacy order: queue date, then the application's day and hour (an unknown hour is the day's start),
    # then the book number (a row without one last: it is numbered after those kept).
    families.sort(key=lambda f: (f[0], f[1], f[2] or 0, f[3] if f[3] is not None else 10**9, f[4]))
    lines, names = [], []
    for place, (queue, filed, hour, seq, index) in enumerate(families, start=1):
        names.append(f"Семья{index:03d}")
        time = f"{hour}:00" if hour is not None else ""
        book = f"Ж-{filed.year}-{seq:05d}" if seq is not None else ""
        lines.append(
            f"Общий список;{place};{queue:%d.%m.%Y};{book};{filed:%d.%m.%Y};{time};Семья{index:03d} Анна;"
            f"г. Новокузнецк, ул. Кирова, д. {place};{rng.choice(('Заводской', 'Центральный'))}"
        )
    # The file is not sorted as it is printed: the order must come from the places.
    rng.shuffle(lines)
    return HEADER + "\n" + "\n".join(lines), names


def test_the_imported_queue_is_the_legacy_lists_order(app):
    text, names = legacy_list(150)
    with acting_as(app):
        plan, batch = run(HOUSEHOLDS_IMPORT, text)
        assert not plan.problems, plan.problems[:3]
        assert batch.imported == 150
        rows = queue_page(list_type_by_code("general").id, D(2026, 1, 1), limit=None)
        assert [row.applicant_name.split()[0] for row in rows] == names
        assert [row.position for row in rows] == list(range(1, 151))
        legacy = db.session.scalars(select(Household).where(Household.applicant_last_name == names[0])).one()
        assert legacy.status == HouseholdStatus.ON_REGISTER.value and legacy.decision_due_date is None
        # Loaded again: nothing new, nothing changed.
        plan, batch = run(HOUSEHOLDS_IMPORT, text)
        assert (batch.imported, batch.skipped) == (0, 150)


def test_a_legacy_list_whose_order_does_not_follow_from_its_dates_is_refused_naming_the_row(app):
    text = "\n".join(
        [
            HEADER,
            "Общий список;1;14.05.1998;Ж-1998-00013;02.03.1998;;Первая Анна;ул. Кирова, 1;Заводской",
            "Общий список;2;14.05.1998;Ж-1998-00012;02.03.1998;;Вторая Анна;ул. Кирова, 2;Заводской",
            "Общий список;3;10.05.1998;Ж-1998-00020;01.03.1998;;Третья Анна;ул. Кирова, 3;Заводской",
        ]
    )
    with acting_as(app):
        plan, batch = run(HOUSEHOLDS_IMPORT, text)
        assert batch is None
        reasons = [(p.row, p.reason) for p in plan.problems]
        assert reasons == [
            (
                3,
                f"Место 2 {NOT_FROM_KEYS}: строка 2 (место 1) по ним стоит позже",
            ),
            # Place 2 was refused: place 3 is compared with place 1.
            (
                4,
                f"Место 3 {NOT_FROM_KEYS}: строка 2 (место 1) по ним стоит позже",
            ),
        ]
        assert db.session.scalar(select(func.count()).select_from(Household)) == 0


def test_the_four_legacy_registries_load_in_order_and_replay_later_decisions(app):
    with acting_as(app):
        for spec, name in (
            (HOUSEHOLDS_IMPORT, "households_sample.csv"),
            (MEMBERS_IMPORT, "members_sample.csv"),
            (PREMISES_IMPORT, "premises_sample.csv"),
            (DECISIONS_IMPORT, "decisions_sample.csv"),
        ):
            plan, _batch = run(spec, (DATA / name).read_text("utf-8"), name)
            assert not plan.problems, (name, plan.problems[:3])
        elkina = db.session.scalar(select(Household).where(Household.application_number == "Ж-1998-00012"))
        assert (elkina.family_size, [str(m) for m in elkina.current_members()]) == (
            3,
            ["Ёлкин Сергей Иванович", "Ёлкина Анна Сергеевна"],
        )
        # The old registration is linked to its decision, not repeated; the removal is replayed from its date.
        register = db.session.scalar(select(HousingDecision).where(HousingDecision.number == "РЖ-1998-00044"))
        assert elkina.entries[0].included_by_id == register.id and len(elkina.entries) == 1
        removed = db.session.scalar(select(Household).where(Household.application_number == "Ж-1998-00013"))
        assert removed.status == HouseholdStatus.REMOVED.value
        assert [p.position for p in positions_of(removed.id, D(2025, 3, 19))] == [2]
        assert positions_of(removed.id, D(2025, 3, 20)) == []
        assert [p.position for p in positions_of(elkina.id)] == [1]
        flat = db.session.scalar(select(Premises).where(Premises.cadastral_number == "42:30:0102003:1234"))
        assert (flat.full_address, flat.status) == ("ул. Франкфурта, д. 9, кв. 41", PremisesStatus.VACANT.value)


def test_a_district_clerk_imports_nothing_of_another_district(app):
    with acting_as(app, "zavodskoy"):
        plan, batch = run(HOUSEHOLDS_IMPORT, (DATA / "households_sample.csv").read_text("utf-8"))
        assert batch is None
        assert {p.row for p in plan.problems} == {3, 4}
